package adjoint

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/fixtures"
	"github.com/spread-dev/spread/models/ic"
)

// gradCase is one row of the gradient-check table.
type gradCase struct {
	name  string
	g     *graphs.Graph
	theta []float64 // R·P, replica-major
	R     int
	obs   *ic.Observations
	zero  []int // parameter indices that must get exactly zero gradient
}

// makeObs builds fixtures.Observations with nSeed single-seed classes
// (seeds 0..nSeed−1) and, if stochastic, one class with random p̄ in
// [0, 0.3] (the last three nodes stay inactive) and one sure seed. Counts are
// random integers in 0..29, zeroed wherever the model µ at theta is below
// 1e-3, so that finite differences with steps ≤ 1e-4 never cross the MuFloor
// kink (the gradient check needs a smooth objective).
func makeObs(rng *rand.Rand, g *graphs.Graph, theta []float64, R, T, nSeed int, stochastic bool, hidden []int) *ic.Observations {
	return fixtures.Observations(rng, g, theta, fixtures.ObsConfig{
		R: R, T: T, Seeds: nSeed, Stochastic: stochastic, Inactive: 3, MaxCount: 30, Hidden: hidden})
}

// gradCases builds the table from fixed seeds.
func gradCases() []gradCase {
	rng := rand.New(rand.NewPCG(11, 12))
	var cases []gradCase

	// Undirected ER n = 12 plus a hidden triangle 12–13–14 that no seed
	// reaches: its three parameters must get exactly zero gradient.
	g, zero := fixtures.ERWithTriangle(rng, 12, 0.3)
	hidden := []int{3, 7, 12, 13, 14}
	th := fixtures.Theta(rng, g.NumPairs(), true)
	cases = append(cases,
		gradCase{"undirected ER, seeds+stochastic, hidden, α∈{0,1}", g, th, 1, makeObs(rng, g, th, 1, 5, 6, true, hidden), zero},
		gradCase{"undirected ER, stochastic only, T=2", g, th, 1, makeObs(rng, g, th, 1, 2, 0, true, hidden), zero},
	)
	thR := fixtures.Theta(rng, 3*g.NumPairs(), true)
	var zeroR []int
	for r := 0; r < 3; r++ {
		for _, p := range zero {
			zeroR = append(zeroR, r*g.NumPairs()+p)
		}
	}
	cases = append(cases, gradCase{"undirected ER mixture R=3", g, thR, 3, makeObs(rng, g, thR, 3, 4, 4, true, hidden), zeroR})

	// Directed ER n = 12: arcs without a reverse and reciprocal arcs with
	// independent α.
	g = fixtures.ER(rng, 12, 0.22, true)
	th = fixtures.Theta(rng, g.NumPairs(), true)
	cases = append(cases,
		gradCase{"directed ER, seeds+stochastic, hidden, α∈{0,1}", g, th, 1, makeObs(rng, g, th, 1, 5, 6, true, []int{2, 9}), nil},
		gradCase{"directed ER, all observed, T=6", g, th, 1, makeObs(rng, g, th, 1, 6, 12, false, nil), nil},
	)
	thR = fixtures.Theta(rng, 2*g.NumPairs(), false)
	cases = append(cases, gradCase{"directed ER mixture R=2", g, thR, 2, makeObs(rng, g, thR, 2, 5, 3, true, []int{4}), nil})
	return cases
}

// fdGradient returns Richardson-extrapolated central differences of the
// plain objective ic.MixtureObjective: (4·D(h/2) − D(h))/3 with
// D(h) = (O(θ+h e_k) − O(θ−h e_k))/(2h), each probe from a fresh copy of θ.
func fdGradient(t *testing.T, g *graphs.Graph, theta []float64, R int, obs *ic.Observations, h float64) []float64 {
	t.Helper()
	f := func(k int, step float64) float64 {
		x := append([]float64(nil), theta...)
		x[k] += step
		o, err := ic.MixtureObjective(g, x, R, obs)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	out := make([]float64, len(theta))
	for k := range theta {
		d1 := (f(k, h) - f(k, -h)) / (2 * h)
		d2 := (f(k, h/2) - f(k, -h/2)) / h
		out[k] = (4*d2 - d1) / 3
	}
	return out
}

// maxRelErr returns max_k |a−b|/max(|b|, 1) and its index.
func maxRelErr(a, b []float64) (float64, int) {
	worst, at := 0.0, -1
	for k := range a {
		if e := math.Abs(a[k]-b[k]) / max(math.Abs(b[k]), 1); e > worst || at < 0 {
			worst, at = e, k
		}
	}
	return worst, at
}

func TestGradientFD(t *testing.T) {
	const tol = 1e-6
	for _, tc := range gradCases() {
		ws := NewWorkspace(tc.g, nil)
		o, grad, err := ws.MixtureGradient(nil, tc.theta, tc.R, tc.obs)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want, err := ic.MixtureObjective(tc.g, tc.theta, tc.R, tc.obs)
		if err != nil {
			t.Fatal(err)
		}
		if o != want {
			t.Errorf("%s: objective %v, ic.MixtureObjective %v", tc.name, o, want)
		}
		fd := fdGradient(t, tc.g, tc.theta, tc.R, tc.obs, 8e-5)
		worst, at := maxRelErr(grad, fd)
		t.Logf("%s: %d params, O = %.6g, max rel err %.2g at %d (adjoint %.10g, FD %.10g)", tc.name, len(grad), o, worst, at, grad[at], fd[at])
		if worst > tol {
			t.Errorf("%s: max relative error %.3g > %g at parameter %d (θ = %v): adjoint %v, FD %v", tc.name, worst, tol, at, tc.theta[at], grad[at], fd[at])
		}
		for _, k := range tc.zero {
			if grad[k] != 0 {
				t.Errorf("%s: parameter %d affects no observed node but has gradient %v", tc.name, k, grad[k])
			}
		}
		// The gradient must not be trivially zero.
		nz := 0
		for _, x := range grad {
			if math.Abs(x) > 1e-3 {
				nz++
			}
		}
		if nz < len(grad)/3 {
			t.Errorf("%s: only %d of %d gradient entries are non-negligible", tc.name, nz, len(grad))
		}
	}
}

// TestGradientNegativeControl checks that the gradient check has teeth: an
// adjoint that wrongly keeps hidden nodes in the objective must fail it.
func TestGradientNegativeControl(t *testing.T) {
	tc := gradCases()[0]
	wrong := *tc.obs
	wrong.Observed = nil // hidden nodes wrongly contribute source terms
	_, grad, err := Gradient(nil, tc.g, tc.theta, &wrong, nil)
	if err != nil {
		t.Fatal(err)
	}
	fd := fdGradient(t, tc.g, tc.theta, 1, tc.obs, 8e-5)
	if worst, _ := maxRelErr(grad, fd); worst < 1e-2 {
		t.Errorf("negative control passed the gradient check (max rel err %g)", worst)
	}
}

// TestGradientT1 checks the degenerate horizon T = 1: nothing depends on θ.
func TestGradientT1(t *testing.T) {
	tc := gradCases()[0]
	rng := rand.New(rand.NewPCG(1, 1))
	obs := makeObs(rng, tc.g, tc.theta, 1, 1, 3, true, nil)
	o, grad, err := Gradient(nil, tc.g, tc.theta, obs, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ic.Objective(tc.g, tc.theta, obs)
	if o != want {
		t.Errorf("objective %v, want %v", o, want)
	}
	for k, x := range grad {
		if x != 0 {
			t.Errorf("T=1: gradient[%d] = %v, want 0", k, x)
		}
	}
}

// TestDeterminism checks bit-identical objective and gradient for every
// worker count and GOMAXPROCS, in both parallel modes (many classes: whole
// classes per worker; one class: nodes split per time step).
func TestDeterminism(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	s, d := fixtures.EREdges(rng, 300, 0.02, false)
	g := fixtures.MustGraph(300, s, d, true)
	th := fixtures.Theta(rng, g.NumPairs(), true)
	many := makeObs(rng, g, th, 1, 5, 40, true, []int{5, 6, 7})
	one := makeObs(rng, g, th, 1, 5, 0, true, []int{5, 6, 7})
	thR := fixtures.Theta(rng, 2*g.NumPairs(), false)
	mix := makeObs(rng, g, thR, 2, 4, 3, false, nil)
	type run struct {
		name string
		th   []float64
		R    int
		obs  *ic.Observations
	}
	runs := []run{{"40+1 classes", th, 1, many}, {"1 class", th, 1, one}, {"mixture 3 classes", thR, 2, mix}}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	// Exercise the step-split mode even on this small graph.
	defer func(v int) { minEdgesPerStepSplit = v }(minEdgesPerStepSplit)
	minEdgesPerStepSplit = 0
	for _, r := range runs {
		var refO float64
		var ref []float64
		settings := []struct{ procs, workers int }{{1, 0}, {4, 0}, {2, 3}, {1, 5}, {4, 64}, {2, 2}}
		for n, st := range settings {
			runtime.GOMAXPROCS(st.procs)
			o, grad, err := MixtureGradient(nil, g, r.th, r.R, r.obs, &Options{Workers: st.workers})
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				refO, ref = o, grad
				continue
			}
			if math.Float64bits(o) != math.Float64bits(refO) {
				t.Errorf("%s: GOMAXPROCS=%d workers=%d: objective %v differs from %v", r.name, st.procs, st.workers, o, refO)
			}
			for k := range grad {
				if math.Float64bits(grad[k]) != math.Float64bits(ref[k]) {
					t.Errorf("%s: GOMAXPROCS=%d workers=%d: gradient[%d] = %v differs from %v", r.name, st.procs, st.workers, k, grad[k], ref[k])
					break
				}
			}
		}
	}
}

// TestWorkspaceReuse checks that a reused Workspace gives the same results
// as fresh ones across calls with different horizons, replicas and θ, and
// that Objective matches ic.Objective exactly.
func TestWorkspaceReuse(t *testing.T) {
	cases := gradCases()
	ws := NewWorkspace(cases[0].g, &Options{Workers: 2})
	for _, k := range []int{0, 1, 2, 0} {
		tc := cases[k]
		o, grad, err := ws.MixtureGradient(nil, tc.theta, tc.R, tc.obs)
		if err != nil {
			t.Fatal(err)
		}
		o2, grad2, _ := MixtureGradient(nil, tc.g, tc.theta, tc.R, tc.obs, &Options{Workers: 1})
		if o != o2 {
			t.Errorf("%s: reused workspace objective %v, fresh %v", tc.name, o, o2)
		}
		for j := range grad {
			if grad[j] != grad2[j] {
				t.Errorf("%s: reused workspace gradient[%d] = %v, fresh %v", tc.name, j, grad[j], grad2[j])
				break
			}
		}
		oo, err := ws.Objective(tc.theta, tc.R, tc.obs)
		if err != nil {
			t.Fatal(err)
		}
		if oo != o {
			t.Errorf("%s: Objective %v, Gradient's objective %v", tc.name, oo, o)
		}
	}
}

func TestGradientErrors(t *testing.T) {
	tc := gradCases()[0]
	nan := append([]float64(nil), tc.theta...)
	nan[2] = math.NaN()
	big := append([]float64(nil), tc.theta...)
	big[4] = 1.5
	badObs := *tc.obs
	badObs.T = 0
	tests := []struct {
		name  string
		theta []float64
		obs   *ic.Observations
		want  string
	}{
		{"NaN theta", nan, tc.obs, "theta[2]"},
		{"theta above 1", big, tc.obs, "theta[4]"},
		{"bad horizon", tc.theta, &badObs, "T = 0"},
		{"nil observations", tc.theta, nil, "nil observations"},
	}
	for _, c := range tests {
		_, _, err := Gradient(nil, tc.g, c.theta, c.obs, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "solvers/adjoint: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want prefix solvers/adjoint and %q", c.name, err, c.want)
		}
	}
}

// TestForwardMatchesDMP checks that the workspace's in-order forward pass
// (the fused fast path) reproduces ic.DMP bit for bit: marginals and every
// message, on the undirected and directed graphs of the gradient table.
func TestForwardMatchesDMP(t *testing.T) {
	for _, k := range []int{0, 3} {
		tc := gradCases()[k]
		g := tc.g
		N, E, T := g.N, g.NumEdges(), tc.obs.T
		ws := NewWorkspace(g, &Options{Workers: 1})
		ws.unbatched = true // the one-class buffers are inspected below
		if _, err := ws.Objective(tc.theta, 1, tc.obs); err != nil {
			t.Fatal(err)
		}
		alpha := ic.ExpandAlpha(nil, g, tc.theta)
		d := ic.NewDMP(g)
		last := len(tc.obs.Classes) - 1 // the buffers hold the last class
		d.Forward(alpha, tc.obs.Classes[last].P0, T)
		rep := ws.workers[0].reps[0]
		for s := 0; s < T; s++ {
			for i := 0; i < N; i++ {
				if rep.p[s*N+i] != d.P[s*N+i] {
					t.Errorf("%s: p_%d(%d) = %v, ic.DMP %v", tc.name, i, s, rep.p[s*N+i], d.P[s*N+i])
				}
			}
			for pos, e := range g.InEdges {
				if rep.m[s*E+pos] != d.Msg[s*E+e] {
					t.Errorf("%s: p_e%d(%d) = %v, ic.DMP %v", tc.name, e, s, rep.m[s*E+pos], d.Msg[s*E+e])
				}
			}
		}
	}
}
