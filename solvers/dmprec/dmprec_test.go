package dmprec

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/fixtures"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
)

// makeObs builds fixtures.Observations with nSeed single-seed classes
// (seeds 0..nSeed−1) and, if stochastic, one class with random p̄ in
// [0, 0.3] (the last three nodes stay inactive) and one sure seed. Counts
// are random integers in 0..29, zeroed wherever the model µ at theta is
// below 1e-3 (away from the MuFloor kink).
func makeObs(rng *rand.Rand, g *graphs.Graph, theta []float64, T, nSeed int, stochastic bool, hidden []int) *ic.Observations {
	return fixtures.Observations(rng, g, theta, fixtures.ObsConfig{
		R: 1, T: T, Seeds: nSeed, Stochastic: stochastic, Inactive: 3, MaxCount: 30, Hidden: hidden})
}

// randomTree returns a uniformly attached random tree on n nodes.
func randomTree(rng *rand.Rand, n int, directed bool) *graphs.Graph {
	var s, d []int
	for v := 1; v < n; v++ {
		u := rng.IntN(v)
		if directed && rng.IntN(2) == 0 {
			u, v := v, u
			s, d = append(s, u), append(d, v)
			continue
		}
		s, d = append(s, u), append(d, v)
	}
	return fixtures.MustGraph(n, s, d, !directed)
}

type gradCase struct {
	name  string
	g     *graphs.Graph
	theta []float64
	obs   *ic.Observations
	zero  []int // parameters that must get exactly zero gradient
}

// gradCases is the table run against solvers/adjoint (and, for the
// sensitivities, against finite differences). All rows from fixed seeds.
func gradCases() []gradCase {
	rng := rand.New(rand.NewPCG(31, 32))
	var cases []gradCase

	// Undirected trees: single seeds, stochastic class, hidden nodes.
	g := randomTree(rng, 14, false)
	th := fixtures.Theta(rng, g.NumPairs(), false)
	cases = append(cases, gradCase{"undirected random tree, 5 seeds + stochastic, hidden", g, th, makeObs(rng, g, th, 5, 5, true, []int{2, 9}), nil})
	rt, err := graphs.RegularTree(20, 3)
	if err != nil {
		panic(err)
	}
	th = fixtures.Theta(rng, rt.NumPairs(), true)
	cases = append(cases, gradCase{"3-regular tree N=20, 20 seeds, α∈{0,1}, T=4", rt, th, makeObs(rng, rt, th, 4, 20, false, nil), nil})

	// Undirected loopy ER plus a hidden triangle 12–13–14 no seed reaches.
	g, zero := fixtures.ERWithTriangle(rng, 12, 0.3)
	th = fixtures.Theta(rng, g.NumPairs(), true)
	hidden := []int{3, 7, 12, 13, 14}
	cases = append(cases,
		gradCase{"undirected loopy ER, seeds+stochastic, hidden, α∈{0,1}", g, th, makeObs(rng, g, th, 5, 6, true, hidden), zero},
		gradCase{"undirected loopy ER, stochastic only, T=2", g, th, makeObs(rng, g, th, 2, 0, true, hidden), zero},
	)

	// Directed: a tree of arcs, and a loopy ER with reciprocal and
	// one-way arcs (independent α per arc).
	g = randomTree(rng, 12, true)
	th = fixtures.Theta(rng, g.NumPairs(), false)
	cases = append(cases, gradCase{"directed random tree, all single seeds", g, th, makeObs(rng, g, th, 5, 12, false, nil), nil})
	g = fixtures.ER(rng, 12, 0.22, true)
	th = fixtures.Theta(rng, g.NumPairs(), true)
	cases = append(cases,
		gradCase{"directed loopy ER, seeds+stochastic, hidden, α∈{0,1}", g, th, makeObs(rng, g, th, 5, 6, true, []int{2, 9}), nil},
		gradCase{"directed loopy ER, all observed, T=6", g, th, makeObs(rng, g, th, 6, 12, false, nil), nil},
	)
	return cases
}

// relErr returns max_k |a−b|/max(|b|, 1) and its index.
func relErr(a, b []float64) (float64, int) {
	worst, at := 0.0, 0
	for k := range a {
		if e := math.Abs(a[k]-b[k]) / max(math.Abs(b[k]), 1); e > worst {
			worst, at = e, k
		}
	}
	return worst, at
}

// TestGradientMatchesAdjoint is the main check: DMPrec (forward mode) and
// SLICER's adjoint (reverse mode) differentiate the same objective, so
// they agree to rounding.
func TestGradientMatchesAdjoint(t *testing.T) {
	const tol = 1e-9
	for _, tc := range gradCases() {
		o, grad, err := Gradient(nil, tc.g, tc.theta, tc.obs, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		oa, ga, err := adjoint.Gradient(nil, tc.g, tc.theta, tc.obs, nil)
		if err != nil {
			t.Fatalf("%s: adjoint: %v", tc.name, err)
		}
		want, err := ic.Objective(tc.g, tc.theta, tc.obs)
		if err != nil {
			t.Fatal(err)
		}
		if o != want || oa != want {
			t.Errorf("%s: objective %v, adjoint %v, ic.Objective %v", tc.name, o, oa, want)
		}
		worst, at := relErr(grad, ga)
		t.Logf("%s: %d params, O = %.6g, max rel diff to adjoint %.2g at %d", tc.name, len(grad), o, worst, at)
		if worst > tol {
			t.Errorf("%s: max relative difference %.3g > %g at parameter %d: DMPrec %v, adjoint %v", tc.name, worst, tol, at, grad[at], ga[at])
		}
		for _, k := range tc.zero {
			if grad[k] != 0 {
				t.Errorf("%s: parameter %d affects no observed node but has gradient %v", tc.name, k, grad[k])
			}
		}
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

// TestSensitivitiesFD checks the forward-mode core directly: ψ^q_i(t) =
// ∂p_i(t)/∂θ_q from one sweep with a source term a = e_{(t,i)} against
// central differences of the DMP marginals, for every (q, t, i).
func TestSensitivitiesFD(t *testing.T) {
	const h, tol = 1e-5, 1e-7
	for _, tc := range gradCases() {
		g, T := tc.g, tc.obs.T
		N, P := g.N, g.NumPairs()
		p0 := tc.obs.Classes[len(tc.obs.Classes)-1].P0
		w := NewWorkspace(g, nil)
		w.alpha = ic.ExpandAlpha(nil, g, tc.theta)
		B := P
		wk := &worker{dmp: ic.NewDMP(g)}
		wk.src = make([]float64, T*N)
		wk.phi0, wk.phi1 = make([]float64, g.NumEdges()*B), make([]float64, g.NumEdges()*B)
		wk.gacc, wk.run, wk.suf = make([]float64, B), make([]float64, B), make([]float64, B)
		wk.pre, wk.xs = make([]float64, w.maxDeg), make([]float64, w.maxDeg)
		wk.acc, wk.ys = make([]float64, w.maxDeg*B), make([]float64, w.maxDeg*B)
		wk.dmp.Forward(w.alpha, p0, T)
		marg := func(q int, step float64) []float64 {
			x := append([]float64(nil), tc.theta...)
			x[q] += step
			return ic.MixtureMarginals(nil, g, x, 1, p0, T)
		}
		fd := make([][]float64, P) // fd[q][t*N+i]
		for q := range fd {
			a, b := marg(q, h), marg(q, -h)
			fd[q] = make([]float64, T*N)
			for k := range a {
				fd[q][k] = (a[k] - b[k]) / (2 * h)
			}
		}
		worst := 0.0
		for tt := 0; tt < T; tt++ {
			for i := 0; i < N; i++ {
				clear(wk.src)
				wk.src[tt*N+i] = 1
				wk.sweep(w, p0, T, 0, P, B)
				for q := 0; q < P; q++ {
					worst = max(worst, math.Abs(wk.gacc[q]-fd[q][tt*N+i]))
				}
			}
		}
		if worst > tol {
			t.Errorf("%s: max |ψ − FD| = %.3g > %g", tc.name, worst, tol)
		}
	}
}

// TestNegativeControl checks that the comparison has teeth: a gradient
// that wrongly keeps hidden nodes in the objective must differ from the
// adjoint by far more than the tolerance.
func TestNegativeControl(t *testing.T) {
	tc := gradCases()[2]
	wrong := *tc.obs
	wrong.Observed = nil
	_, grad, err := Gradient(nil, tc.g, tc.theta, &wrong, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, ga, err := adjoint.Gradient(nil, tc.g, tc.theta, tc.obs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if worst, _ := relErr(grad, ga); worst < 1e-2 {
		t.Errorf("negative control matched the adjoint (max rel diff %g)", worst)
	}
}

// TestDeterminism checks bit-identical results for any Workers, Block and
// GOMAXPROCS, and that a reused Workspace matches fresh ones.
func TestDeterminism(t *testing.T) {
	cases := gradCases()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tc := range []gradCase{cases[2], cases[5]} { // undirected and directed loopy
		var refO float64
		var ref []float64
		ws := NewWorkspace(tc.g, &Options{Workers: 3, Block: 2})
		settings := []struct{ procs, workers, block int }{{1, 1, 0}, {2, 0, 0}, {2, 3, 1}, {1, 4, 7}, {2, 2, 1000}, {1, 0, 3}}
		for n, st := range settings {
			runtime.GOMAXPROCS(st.procs)
			o, grad, err := Gradient(nil, tc.g, tc.theta, tc.obs, &Options{Workers: st.workers, Block: st.block})
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				refO, ref = o, grad
			}
			o2, grad2, err := ws.Gradient(nil, tc.theta, tc.obs)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []struct {
				o float64
				g []float64
			}{{o, grad}, {o2, grad2}} {
				if math.Float64bits(r.o) != math.Float64bits(refO) {
					t.Errorf("%s: %+v: objective %v differs from %v", tc.name, st, r.o, refO)
				}
				for k := range r.g {
					if math.Float64bits(r.g[k]) != math.Float64bits(ref[k]) {
						t.Errorf("%s: %+v: gradient[%d] = %v differs from %v", tc.name, st, k, r.g[k], ref[k])
						break
					}
				}
			}
		}
	}
}

// TestGradientT1 checks the degenerate horizon T = 1 (nothing depends on
// θ) and a graph without edges.
func TestGradientT1(t *testing.T) {
	tc := gradCases()[2]
	rng := rand.New(rand.NewPCG(1, 1))
	obs := makeObs(rng, tc.g, tc.theta, 1, 3, true, nil)
	o, grad, err := Gradient(nil, tc.g, tc.theta, obs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := ic.Objective(tc.g, tc.theta, obs); o != want {
		t.Errorf("objective %v, want %v", o, want)
	}
	for k, x := range grad {
		if x != 0 {
			t.Errorf("T=1: gradient[%d] = %v, want 0", k, x)
		}
	}
	empty := fixtures.MustGraph(3, nil, nil, true)
	obs0 := &ic.Observations{N: 3, T: 3, Classes: []ic.Class{{P0: []float64{1, 0, 0}, M: 2, Counts: []float64{2, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2}}}}
	o, grad, err = Gradient(nil, empty, nil, obs0, nil)
	if err != nil || len(grad) != 0 || o != 0 {
		t.Errorf("edgeless graph: O = %v, grad = %v, err = %v; want 0, [], nil", o, grad, err)
	}
}

func TestGradientErrors(t *testing.T) {
	tc := gradCases()[2]
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
		if err == nil || !strings.HasPrefix(err.Error(), "solvers/dmprec: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want prefix solvers/dmprec and %q", c.name, err, c.want)
		}
	}
	// Programmer errors panic.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("short theta did not panic")
			}
		}()
		Gradient(nil, tc.g, tc.theta[1:], tc.obs, nil)
	}()
}
