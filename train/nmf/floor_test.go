package nmf

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/spread-dev/spread/datasets"
	mnmf "github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/solvers/costate"
)

// flooredEvents counts the intensities λ_i of the first 50 cascades of cs
// at θ that are at or below the likelihood's floor (zero gradient).
func flooredEvents(t *testing.T, mc mnmf.Config, theta []float64, cs []mnmf.Cascade) (floored, total int) {
	t.Helper()
	m, err := mnmf.NewModel(mc, theta)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs[:min(50, len(cs))] {
		tr := costate.Forward(m, c.Sources)
		nodes, ks, w0, w1 := mc.EventTerms(c)
		for j, i := range nodes {
			total++
			if w0[j]*tr.GX[ks[j]][i]+w1[j]*tr.GX[ks[j]+1][i] <= mnmf.Floor {
				floored++
			}
		}
	}
	return floored, total
}

// TestFloorDiagnosis is the diagnosis behind FitInitRate (docs/RESULTS.md,
// "NMF at n = 1 024"): on the paper's hierarchical network with A on the
// true support, ε of width 32 and Euler-80, the fixed initial rates leave
// more than 90 % of the intensities of 50 training cascades on the floor
// and the fitted rate less than 10 %. SPREAD_NMF_RESULTS=1 adds dense A at
// n = 128 and the support at n = 1 024 (about a minute) and logs every
// count:
//
//	SPREAD_NMF_RESULTS=1 go test -run TestFloorDiagnosis -v ./train/nmf
func TestFloorDiagnosis(t *testing.T) {
	type diagCase struct {
		n       int
		support bool
	}
	cases := []diagCase{{128, true}}
	if os.Getenv("SPREAD_NMF_RESULTS") != "" {
		cases = append(cases, diagCase{128, false}, diagCase{1024, true})
	}
	for _, tc := range cases {
		dc := datasets.DefaultCICConfig()
		dc.N, dc.SourceSets, dc.TestSets, dc.TruthSamples = tc.n, 20, 1, 10
		d, err := datasets.BuildCIC(dc)
		if err != nil {
			t.Fatal(err)
		}
		mc := mnmf.Config{N: tc.n, T: 20, Steps: 80, Method: ode.Euler, Hidden: []int{32}}
		if tc.support {
			mc.Support = d.Graph
		}
		if mc, err = mc.Resolve(); err != nil {
			t.Fatal(err)
		}
		theta := mc.Init(rand.New(rand.NewPCG(1, 2)))
		cs := Cascades(d.Train)
		f0, tot := flooredEvents(t, mc, theta, cs)
		r, _, err := FitInitRate(mc, theta, cs)
		if err != nil {
			t.Fatal(err)
		}
		f1, _ := flooredEvents(t, mc, theta, cs)
		t.Logf("n = %d, support %v: %d of %d intensities floored at the fixed start, %d at the fitted mean rate %.4g", tc.n, tc.support, f0, tot, f1, r)
		if tc.support && !(f0 > 9*tot/10 && f1 < tot/10) {
			t.Errorf("n = %d on the support: %d then %d of %d floored; want > 90 %% at the fixed start, < 10 %% after the fit", tc.n, f0, f1, tot)
		}
	}
}
