package adjoint

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/fixtures"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train/gradcheck"
)

// TestSingleClassFD checks the one-class path (Workspace.class with
// backward.nodes, taken when there is a single class) against central
// differences of ic.Objective at horizons T = 3, 5, 8, where the suffix
// recursion over t = T−2..0 has one or more steps that feed earlier ones
// (at T = 2 it has a single step and reduces to the source terms; that is
// the only horizon TestGradientFD gives this path). Rows: the undirected ER
// graph with a hidden unreachable triangle and the directed ER graph of
// gradCases (both with α exactly 0 or 1 on every fifth parameter, and
// hidden nodes), each with a single-seed class and with a stochastic class,
// and both the whole-class worker and the per-time-step split among two
// goroutines (minEdgesPerStepSplit lowered to 0). Each Workspace is used
// once before the check, so stale buffers must not leak into the result.
//
// Counts are zero where µ < 1e-3 (fixtures.Observations), so the probes
// θ ± h, h = 1e-5 ≤ ic.ThetaSlack, never cross the µ floor. Central
// differences have error O(h²·|∂³O|) + O(ε·|O|/h) ≈ 1e-9 relative here;
// tolerance |a − b| ≤ 1e-6 + 1e-6·max(|a|, |b|) (gradcheck).
func TestSingleClassFD(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	und, zero := fixtures.ERWithTriangle(rng, 12, 0.3)
	dir := fixtures.ER(rng, 12, 0.22, true)
	graphsTab := []struct {
		name   string
		g      *graphs.Graph
		hidden []int
		zero   []int // parameters no observed node depends on
	}{
		{"undirected ER + triangle", und, []int{3, 7, 12, 13, 14}, zero},
		{"directed ER", dir, []int{2, 9}, nil},
	}
	defer func(v int) { minEdgesPerStepSplit = v }(minEdgesPerStepSplit)
	set := &gradcheck.Settings{Step: 1e-5, RelTol: 1e-6, AbsTol: 1e-6}
	for _, gt := range graphsTab {
		th := fixtures.Theta(rng, gt.g.NumPairs(), true)
		for _, T := range []int{3, 5, 8} {
			for _, cls := range []struct {
				name       string
				seeds      int
				stochastic bool
			}{{"single seed", 1, false}, {"stochastic", 0, true}} {
				obs := fixtures.Observations(rng, gt.g, th, fixtures.ObsConfig{
					R: 1, T: T, Seeds: cls.seeds, Stochastic: cls.stochastic, Inactive: 3, MaxCount: 30, Hidden: gt.hidden})
				f := func(x []float64) float64 {
					o, err := ic.Objective(gt.g, x, obs)
					if err != nil {
						t.Fatal(err)
					}
					return o
				}
				for _, split := range []bool{false, true} {
					name := fmt.Sprintf("%s, %s, T=%d, split=%v", gt.name, cls.name, T, split)
					minEdgesPerStepSplit = 1 << 14
					nw := 1
					if split {
						minEdgesPerStepSplit, nw = 0, 2
					}
					ws := NewWorkspace(gt.g, &Options{Workers: nw})
					// Leave stale values in every buffer first (a longer
					// horizon and another θ), as a training loop does.
					long := fixtures.Observations(rng, gt.g, th, fixtures.ObsConfig{R: 1, T: T + 2, Seeds: 1, MaxCount: 5})
					if _, _, err := ws.Gradient(nil, fixtures.Theta(rng, len(th), false), long); err != nil {
						t.Fatal(err)
					}
					var last []float64
					grad := func(dst, x []float64) []float64 {
						o, d, err := ws.Gradient(dst, x, obs)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if want := f(x); o != want {
							t.Errorf("%s: objective %v, ic.Objective %v", name, o, want)
						}
						last = append(last[:0], d...)
						return d
					}
					rep, err := gradcheck.Check(f, grad, th, set)
					if err != nil {
						t.Fatal(err)
					}
					if ws.bounds != nil {
						t.Fatalf("%s: the class-block path ran, not the one-class path", name)
					}
					if !rep.Pass {
						t.Errorf("%s:\n%v", name, rep)
					}
					for _, k := range gt.zero {
						if last[k] != 0 {
							t.Errorf("%s: parameter %d reaches no observed node but has gradient %v", name, k, last[k])
						}
					}
				}
			}
		}
	}
}
