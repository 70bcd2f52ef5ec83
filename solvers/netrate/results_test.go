package netrate_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/models/cic"
	"github.com/spread-dev/spread/solvers/netrate"
)

// TestNMFProtocolResults reproduces docs/RESULTS.md's NetRate rows: the NMF
// paper's Table 1 protocol (n = 128, 512 edges, 900 × 10 cascades, T = 20,
// threshold 0.01) on the hierarchical Kronecker network with exponential
// and Rayleigh delays; SPREAD_RESULTS_NETS="hier,core,rand" selects the
// networks. It runs only with SPREAD_RESULTS=1 (about two minutes per
// network and family on 2 cores).
func TestNMFProtocolResults(t *testing.T) {
	if os.Getenv("SPREAD_RESULTS") == "" {
		t.Skip("set SPREAD_RESULTS=1 to run")
	}
	nets := []string{"hier"}
	if s := os.Getenv("SPREAD_RESULTS_NETS"); s != "" {
		nets = strings.Split(s, ",")
	}
	fmt.Println("| delay | network | Prc (paper) | Rcl (paper) | Acc (paper) = F1 | Cor | precision | recall | edges | time |\n|---|---|---|---|---|---|---|---|---|---|")
	for _, d := range []cic.Delay{cic.Exponential(), cic.Rayleigh()} {
		for _, net := range nets {
			cfg := datasets.DefaultCICConfig()
			cfg.TestSets, cfg.Delay, cfg.Initiator = 0, d, net
			data, err := datasets.BuildCIC(cfg)
			if err != nil {
				t.Fatal(err)
			}
			res, err := netrate.Infer(data.Train, cfg.N, &netrate.Settings{Delay: d, Threshold: 0.01})
			if err != nil {
				t.Fatal(err)
			}
			m, err := netrate.Compare(res.Graph, nil, data.Graph, data.Params.A, 0.01)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("| %v | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %d | %.0f s |\n", d, net, m.PaperPrc, m.PaperRcl, m.PaperAcc, m.Cor,
				m.Precision, m.Recall, m.Est, res.Stats.Runtime.Seconds())
		}
	}
}
