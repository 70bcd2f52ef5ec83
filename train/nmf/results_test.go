package nmf

import (
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/spread-dev/spread/datasets"
	mnmf "github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
)

// TestFig2Quick is the first measurement in docs/RESULTS.md (the paper's
// Fig. 2 setting at a quick scale): probability MAE against Monte-Carlo
// truth at t = 1..T for NMF and for the mean-field ODE with the true A.
// Run with SPREAD_NMF_RESULTS=1 go test -run Fig2Quick -v -timeout 1h ./train/nmf
func TestFig2Quick(t *testing.T) {
	if os.Getenv("SPREAD_NMF_RESULTS") == "" {
		t.Skip("set SPREAD_NMF_RESULTS=1")
	}
	dc := datasets.DefaultCICConfig()
	dc.N, dc.SourceSets, dc.T, dc.TestSets, dc.TruthSamples = 64, 90, 10, 20, 2000
	d, err := datasets.BuildCIC(dc)
	if err != nil {
		t.Fatal(err)
	}
	val := &Validation{Sources: d.TestSources[:10], Truth: d.Truth[:10]}
	test := &Validation{Sources: d.TestSources[10:], Truth: d.Truth[10:]}
	for _, loss := range []mnmf.LossForm{mnmf.Survival, mnmf.Poisson} {
		cfg := DefaultConfig(64, 10)
		cfg.Model.Steps, cfg.Model.Method, cfg.Model.Loss = 20, ode.Euler, loss
		cfg.Epochs, cfg.Batch, cfg.LR, cfg.Patience = 15, 100, 0.01, 4
		start := time.Now()
		res, err := Train(cfg, Cascades(d.Train), val, "", false, nil)
		if err != nil {
			t.Fatal(err)
		}
		mae, per, err := MAE(cfg.Model, res.Theta, test)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Epochs {
			t.Logf("%v epoch %d loss %.4g val MAE %.4f", loss, e.Epoch, e.Loss, e.ValMAE)
		}
		t.Logf("NMF (%v loss): best epoch %d, test prob. MAE %.4f; per t: %s; %s in %s", loss, res.BestEpoch, mae, fmtv(per), res.Criterion, time.Since(start).Round(time.Second))
	}
	// The mean-field ODE with the true rates: ε ≡ 0 (output bias −1e3), b = c = 0.
	mf := mnmf.Config{N: 64, T: 10, Steps: 40, Method: ode.RK4}
	mf, _ = mf.Resolve()
	theta := make([]float64, mf.NumParams())
	fs := mf.Layout()
	for e := range d.Graph.NumEdges() {
		theta[int(d.Graph.Src[e])*64+int(d.Graph.Dst[e])] = d.Params.A[e]
	}
	last := fs[len(fs)-1]
	for i := range last.Size {
		theta[last.Offset+i] = -1e3
	}
	mae, per, err := MAE(mf, theta, test)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("mean-field ODE, true A: test prob. MAE %.4f; per t: %s", mae, fmtv(per))
}

func fmtv(v []float64) string {
	s := ""
	for _, x := range v {
		if math.IsNaN(x) {
			x = -1
		}
		s += fmt.Sprintf("%.3f ", x)
	}
	return s
}
