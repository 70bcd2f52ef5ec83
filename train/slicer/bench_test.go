package slicer

import (
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// BenchmarkLearnTree20 is one full SLICER run with the paper's settings on
// the 3-regular tree with N = 20, T = 4, M = 10⁴ (20 seed classes).
func BenchmarkLearnTree20(b *testing.B) {
	in := newInstance(b, tree20(b), 10000, 4, 0, 1)
	cfg := DefaultConfig()
	for b.Loop() {
		if _, err := Learn(in.g, in.obs, cfg, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIterationRRG1000 measures the cost of one iteration (update and
// one adjoint evaluation) on a random 3-regular graph with N = 1000, T = 9,
// M = 10⁴ single-seed cascades (up to 1000 classes).
func BenchmarkIterationRRG1000(b *testing.B) {
	g := mustGraph(b)(graphs.RandomRegular(1000, 3, 1))
	in := newInstance(b, g, 10000, 9, 0, 1)
	cfg := DefaultConfig()
	cfg.Tol = 0
	cfg.MaxIters = 5
	for b.Loop() {
		if _, err := Learn(in.g, in.obs, cfg, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*6)/1e6, "ms/eval")
}
