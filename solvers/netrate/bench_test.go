package netrate_test

import (
	"testing"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/solvers/netrate"
)

// BenchmarkInferNMF90: NetRate on the NMF paper's n = 128 hierarchical
// exponential protocol with a tenth of its cascades (90 source sets × 10).
func BenchmarkInferNMF90(b *testing.B) {
	cfg := datasets.DefaultCICConfig()
	cfg.TestSets, cfg.SourceSets = 0, 90
	d, err := datasets.BuildCIC(cfg)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := netrate.Infer(d.Train, cfg.N, &netrate.Settings{Threshold: 0.01}); err != nil {
			b.Fatal(err)
		}
	}
}
