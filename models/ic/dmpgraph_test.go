package ic_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/fixtures"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
	"github.com/spread-dev/spread/train/gradcheck"
)

// gObs builds fixtures.Observations with nSeed single-seed classes (seed s
// at node s, p̄ = 1) and, if stochastic, a class with random p̄ in [0, 0.3]
// (the last two nodes stay inactive) and one sure seed. Counts are random
// integers in 0..9, zero where the model µ at theta is below 1e-3 so that
// finite differences never cross the MuFloor kink.
func gObs(rng *rand.Rand, g *graphs.Graph, theta []float64, R, T, nSeed int, stochastic bool, hidden []int) *ic.Observations {
	return fixtures.Observations(rng, g, theta, fixtures.ObsConfig{
		R: R, T: T, Seeds: nSeed, Stochastic: stochastic, Inactive: 2, MaxCount: 10, Hidden: hidden})
}

func vec(eg *G.ExprGraph, name string, x []float64) *G.Node {
	return G.NewVector(eg, tensor.Float64, G.WithName(name), G.WithShape(len(x)),
		G.WithValue(tensor.New(tensor.WithShape(len(x)), tensor.WithBacking(append([]float64(nil), x...)))))
}

// marginalCase is a row of the marginals table: BuildDMP on g against
// DMP.Forward, per copy of a K-copy union.
type marginalCase struct {
	name  string
	g     *graphs.Graph
	theta []float64
	p0s   [][]float64 // one initial condition per copy
	T     int
}

func marginalCases() []marginalCase {
	rng := rand.New(rand.NewPCG(21, 22))
	und := fixtures.ER(rng, 12, 0.3, false)
	dir := fixtures.ER(rng, 12, 0.25, true)
	seed := func(n, s int) []float64 { p := make([]float64, n); p[s] = 1; return p }
	stoch := func(n int) []float64 {
		p := make([]float64, n)
		for i := range p {
			p[i] = 0.4 * rng.Float64()
		}
		p[3] = 1
		return p
	}
	return []marginalCase{
		// Provenance for all rows: the expected values are ic.DMP.Forward.
		{"undirected ER seed, α∈{0,1}", und, fixtures.Theta(rng, und.NumPairs(), true), [][]float64{seed(12, 0)}, 6},
		{"undirected ER stochastic", und, fixtures.Theta(rng, und.NumPairs(), false), [][]float64{stoch(12)}, 5},
		{"undirected ER 3 copies", und, fixtures.Theta(rng, und.NumPairs(), true), [][]float64{seed(12, 2), stoch(12), seed(12, 11)}, 4},
		{"directed ER seed, α∈{0,1}", dir, fixtures.Theta(rng, dir.NumPairs(), true), [][]float64{seed(12, 5)}, 6},
		{"directed ER 2 copies", dir, fixtures.Theta(rng, dir.NumPairs(), true), [][]float64{stoch(12), seed(12, 1)}, 3},
		{"T = 1", und, fixtures.Theta(rng, und.NumPairs(), false), [][]float64{stoch(12)}, 1},
		{"T = 2", dir, fixtures.Theta(rng, dir.NumPairs(), false), [][]float64{stoch(12)}, 2},
		{"no edges", fixtures.MustGraph(4, nil, nil, true), nil, [][]float64{{0.1, 1, 0, 0.5}}, 3},
	}
}

// TestBuildDMPMarginals holds the graph's marginals (read with G.Read) equal
// to the plain-Go DMP to 1e-12.
func TestBuildDMPMarginals(t *testing.T) {
	for _, tc := range marginalCases() {
		g := tc.g
		K := len(tc.p0s)
		N, E := g.N, g.NumEdges()
		alpha := ic.ExpandAlpha(nil, g, tc.theta)
		eg := G.NewGraph()
		var p []*G.Node
		var err error
		if K == 1 {
			var an *G.Node
			if E > 0 {
				an = vec(eg, "alpha", alpha)
			}
			p, err = ic.BuildDMP(eg, g, an, vec(eg, "p0", tc.p0s[0]), tc.T)
		} else {
			ix, ierr := ic.NewDMPIndex(g, K)
			if ierr != nil {
				t.Fatal(ierr)
			}
			var aK, pK []float64
			for k := 0; k < K; k++ {
				aK = append(aK, alpha...)
				pK = append(pK, tc.p0s[k]...)
			}
			p, err = ic.BuildDMPWith(eg, ix, vec(eg, "alpha", aK), vec(eg, "p0", pK), tc.T)
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(p) != tc.T {
			t.Fatalf("%s: %d marginal nodes, want %d", tc.name, len(p), tc.T)
		}
		vals := make([]G.Value, tc.T)
		for s := range p {
			G.Read(p[s], &vals[s])
		}
		m := G.NewTapeMachine(eg)
		if err := m.RunAll(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		m.Close()
		worst := 0.0
		for k := 0; k < K; k++ {
			d := ic.NewDMP(g)
			d.Forward(alpha, tc.p0s[k], tc.T)
			for s := 0; s < tc.T; s++ {
				got := vals[s].Data().([]float64)[k*N : (k+1)*N]
				for i, want := range d.Marginals(s) {
					worst = max(worst, math.Abs(got[i]-want))
				}
			}
		}
		if worst > 1e-12 {
			t.Errorf("%s: max |p_graph − p_DMP| = %.3g", tc.name, worst)
		} else {
			t.Logf("%s: max |p_graph − p_DMP| = %.2g", tc.name, worst)
		}
	}
}

// objCase is a row of the gradient table: the mixture objective of R
// replicas on g with the given chunk size.
type objCase struct {
	name  string
	g     *graphs.Graph
	theta []float64 // R·P
	R     int
	obs   *ic.Observations
	chunk int
}

func objCases() []objCase {
	rng := rand.New(rand.NewPCG(31, 32))
	var cases []objCase
	und := fixtures.ER(rng, 12, 0.3, false)
	dir := fixtures.ER(rng, 12, 0.25, true)
	// Provenance for every row: the value is checked against
	// MixtureObjective, the gradient against solvers/adjoint and central
	// differences of MixtureObjective (TestGraphObjectiveGradient).
	for _, c := range []struct {
		name   string
		g      *graphs.Graph
		R, T   int
		nSeed  int
		stoch  bool
		hidden []int
		chunk  int
	}{
		// 5 classes (4 seeds + stochastic) with chunk 2: 3 runs, the last
		// padded with a zero-count class.
		{"undirected ER, 4 seeds + stochastic, hidden, chunk 2", und, 1, 5, 4, true, []int{3, 7}, 2},
		{"undirected ER, same, one chunk", und, 1, 5, 4, true, []int{3, 7}, 0},
		{"undirected ER, stochastic only, T=2", und, 1, 2, 0, true, []int{5}, 0},
		{"directed ER, 4 seeds + stochastic, hidden, chunk 2", dir, 1, 5, 4, true, []int{2, 9}, 2},
		{"directed ER, 6 seeds all observed, T=6, chunk 4", dir, 1, 6, 6, false, nil, 4},
		{"undirected ER mixture R=3, chunk 2", und, 3, 4, 2, true, []int{3}, 2},
		{"directed ER mixture R=2", dir, 2, 5, 3, true, []int{4}, 0},
	} {
		th := fixtures.Theta(rng, c.R*c.g.NumPairs(), true)
		cases = append(cases, objCase{c.name, c.g, th, c.R, gObs(rng, c.g, th, c.R, c.T, c.nSeed, c.stoch, c.hidden), c.chunk})
	}
	return cases
}

// TestGraphObjectiveGradient holds, on every row: the value equal to
// MixtureObjective (1e-12 relative), the autodiff gradient equal to
// solvers/adjoint (1e-9 relative), and both equal to central finite
// differences of MixtureObjective (1e-6).
func TestGraphObjectiveGradient(t *testing.T) {
	for _, tc := range objCases() {
		f, err := ic.NewGraphObjective(tc.g, tc.obs, tc.R, &ic.GraphOptions{ChunkSize: tc.chunk})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		grad := make([]float64, len(tc.theta))
		o, err := f.Eval(tc.theta, grad)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want, err := ic.MixtureObjective(tc.g, tc.theta, tc.R, tc.obs)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(o-want) > 1e-12*math.Abs(want) {
			t.Errorf("%s: objective %v, MixtureObjective %v", tc.name, o, want)
		}
		oa, ref, err := adjoint.MixtureGradient(nil, tc.g, tc.theta, tc.R, tc.obs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(o-oa) > 1e-12*math.Abs(oa) {
			t.Errorf("%s: objective %v, adjoint %v", tc.name, o, oa)
		}
		r, err := gradcheck.CompareReference(grad, ref, &gradcheck.Settings{RelTol: 1e-9, AbsTol: 1e-9})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Pass {
			t.Errorf("%s: autodiff vs adjoint:\n%v", tc.name, r)
		}
		obj := func(x []float64) float64 {
			v, err := ic.MixtureObjective(tc.g, x, tc.R, tc.obs)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		fd := &gradcheck.Settings{RelTol: 1e-6, AbsTol: 1e-6}
		for _, src := range []struct {
			name string
			g    []float64
		}{{"autodiff", grad}, {"adjoint", ref}} {
			r, err := gradcheck.Check(obj, func(dst, _ []float64) []float64 { return append(dst[:0], src.g...) }, tc.theta, fd)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Pass {
				t.Errorf("%s: %s vs finite differences:\n%v", tc.name, src.name, r)
			} else if src.name == "autodiff" {
				t.Logf("%s: %d params, %d chunk(s) of %d; vs adjoint max rel %.2g; vs FD max abs %.2g", tc.name, r.N, f.NumChunks(), f.ChunkSize(), maxRel(grad, ref), r.MaxAbsErr)
			}
		}
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	}
}

// maxRel returns max_k |a−b| / max(|a|, |b|, 1e-300).
func maxRel(a, b []float64) float64 {
	w := 0.0
	for k := range a {
		w = max(w, math.Abs(a[k]-b[k])/max(math.Abs(a[k]), math.Abs(b[k]), 1e-300))
	}
	return w
}

// TestGraphObjectiveFDAutodiff checks GraphObjective against finite
// differences of itself (its own Eval as f), so a mismatch between the
// graph's value and its gradient cannot hide behind MixtureObjective; and a
// negative control: a gradient with one entry off by 1% must fail.
func TestGraphObjectiveFDAutodiff(t *testing.T) {
	tc := objCases()[0]
	f, err := ic.NewGraphObjective(tc.g, tc.obs, tc.R, &ic.GraphOptions{ChunkSize: tc.chunk})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	scratch := make([]float64, len(tc.theta))
	val := func(x []float64) float64 {
		v, err := f.Eval(x, scratch)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	grad := make([]float64, len(tc.theta))
	if _, err := f.Eval(tc.theta, grad); err != nil {
		t.Fatal(err)
	}
	set := &gradcheck.Settings{RelTol: 1e-6, AbsTol: 1e-6}
	r, err := gradcheck.Check(val, func(dst, _ []float64) []float64 { return append(dst[:0], grad...) }, tc.theta, set)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Pass {
		t.Errorf("autodiff vs FD of itself:\n%v", r)
	}
	// Negative control.
	bad := append([]float64(nil), grad...)
	k := 0
	for j := range bad {
		if math.Abs(bad[j]) > math.Abs(bad[k]) {
			k = j
		}
	}
	bad[k] *= 1.01
	r, err = gradcheck.Check(val, func(dst, _ []float64) []float64 { return append(dst[:0], bad...) }, tc.theta, set)
	if err != nil {
		t.Fatal(err)
	}
	if r.Pass {
		t.Error("negative control: a gradient off by 1% in one entry passed")
	}
}

// TestGraphObjectiveDeterminism checks that Eval gives the same bits when
// repeated, after evaluating another θ in between, and for any chunk size
// the value and gradient agree to 1e-12.
func TestGraphObjectiveDeterminism(t *testing.T) {
	tc := objCases()[0]
	P := len(tc.theta)
	f, err := ic.NewGraphObjective(tc.g, tc.obs, 1, &ic.GraphOptions{ChunkSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g1, g2, g3 := make([]float64, P), make([]float64, P), make([]float64, P)
	o1, err := f.Eval(tc.theta, g1)
	if err != nil {
		t.Fatal(err)
	}
	other := make([]float64, P)
	for k := range other {
		other[k] = 0.5
	}
	if _, err := f.Eval(other, g2); err != nil {
		t.Fatal(err)
	}
	o3, err := f.Eval(tc.theta, g3)
	if err != nil {
		t.Fatal(err)
	}
	if o1 != o3 || fmt.Sprint(g1) != fmt.Sprint(g3) {
		t.Errorf("repeated Eval differs: %v vs %v", o1, o3)
	}
	for _, C := range []int{1, 3, 5, 100} {
		h, err := ic.NewGraphObjective(tc.g, tc.obs, 1, &ic.GraphOptions{ChunkSize: C})
		if err != nil {
			t.Fatal(err)
		}
		gc := make([]float64, P)
		oc, err := h.Eval(tc.theta, gc)
		h.Close()
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(oc-o1) > 1e-12*math.Abs(o1) || maxRel(gc, g1) > 1e-12 {
			t.Errorf("chunk %d: objective %v vs %v, gradient max rel diff %.3g", C, oc, o1, maxRel(gc, g1))
		}
	}
}

// TestGraphObjectiveDegenerate covers the paths without a graph: T = 1 (θ
// cannot matter) and a graph without edges.
func TestGraphObjectiveDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	und := fixtures.ER(rng, 8, 0.4, false)
	empty := fixtures.MustGraph(3, nil, nil, true)
	for _, c := range []struct {
		name string
		g    *graphs.Graph
		T    int
	}{{"T = 1", und, 1}, {"no edges", empty, 3}} {
		th := fixtures.Theta(rng, c.g.NumPairs(), false)
		obs := gObs(rng, c.g, th, 1, c.T, 2, true, nil)
		f, err := ic.NewGraphObjective(c.g, obs, 1, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		grad := make([]float64, len(th))
		for k := range grad {
			grad[k] = 7
		}
		o, err := f.Eval(th, grad)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := ic.MixtureObjective(c.g, th, 1, obs)
		if o != want {
			t.Errorf("%s: objective %v, want %v", c.name, o, want)
		}
		for k, x := range grad {
			if x != 0 {
				t.Errorf("%s: grad[%d] = %v, want 0", c.name, k, x)
			}
		}
		f.Close()
	}
}

// TestGraphObjectiveErrors checks returned errors for bad arguments.
func TestGraphObjectiveErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	g := fixtures.ER(rng, 8, 0.4, false)
	th := fixtures.Theta(rng, g.NumPairs(), false)
	obs := gObs(rng, g, th, 1, 3, 2, false, nil)
	if _, err := ic.NewGraphObjective(g, obs, 0, nil); err == nil {
		t.Error("R = 0: no error")
	}
	if _, err := ic.NewGraphObjective(g, obs, 1, &ic.GraphOptions{ChunkSize: -1}); err == nil {
		t.Error("ChunkSize −1: no error")
	}
	bad := &ic.Observations{N: g.N + 1, T: 3}
	if _, err := ic.NewGraphObjective(g, bad, 1, nil); err == nil {
		t.Error("mismatched observations: no error")
	}
	f, err := ic.NewGraphObjective(g, obs, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := append([]float64(nil), th...)
	out[0] = 1.5
	if _, err := f.Eval(out, make([]float64, len(th))); err == nil || !strings.HasPrefix(err.Error(), "models/ic: ") {
		t.Errorf("θ outside [0, 1]: err %v", err)
	}
	f.Close()
	if _, err := f.Eval(th, make([]float64, len(th))); err == nil {
		t.Error("Eval after Close: no error")
	}
}

// TestSpreadObjective checks σ(u) = Σ_i p_i(T−1) against DMP.Forward and its
// gradient against central differences, for seeds at 0 and 1 and fractional
// u, on undirected and directed graphs.
func TestSpreadObjective(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	und := fixtures.ER(rng, 12, 0.3, false)
	dir := fixtures.ER(rng, 12, 0.25, true)
	for _, c := range []struct {
		name string
		g    *graphs.Graph
		T    int
	}{{"undirected T=5", und, 5}, {"directed T=4", dir, 4}, {"T=1", und, 1}, {"no edges", fixtures.MustGraph(3, nil, nil, false), 3}} {
		th := fixtures.Theta(rng, c.g.NumPairs(), true)
		s, err := ic.NewSpreadObjective(c.g, th, c.T)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		u := make([]float64, c.g.N)
		for i := range u {
			u[i] = 0.2 * rng.Float64()
		}
		u[0], u[1] = 1, 0
		grad := make([]float64, len(u))
		v, err := s.Eval(u, grad)
		if err != nil {
			t.Fatal(err)
		}
		d := ic.NewDMP(c.g)
		d.Forward(ic.ExpandAlpha(nil, c.g, th), u, c.T)
		want := 0.0
		for _, p := range d.Marginals(c.T - 1) {
			want += p
		}
		if math.Abs(v-want) > 1e-12*want {
			t.Errorf("%s: σ = %v, DMP %v", c.name, v, want)
		}
		scratch := make([]float64, len(u))
		val := func(x []float64) float64 {
			o, err := s.Eval(x, scratch)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		r, err := gradcheck.Check(val, func(dst, _ []float64) []float64 { return append(dst[:0], grad...) }, u, &gradcheck.Settings{RelTol: 1e-6, AbsTol: 1e-8})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Pass {
			t.Errorf("%s: gradient vs FD:\n%v", c.name, r)
		} else {
			t.Logf("%s: σ = %.6f, gradient vs FD max rel %.2g", c.name, v, r.MaxRelErr)
		}
		if _, err := s.Eval(append([]float64{2}, u[1:]...), grad); err == nil {
			t.Errorf("%s: u outside [0, 1]: no error", c.name)
		}
		s.Close()
		if _, err := s.Eval(u, grad); err == nil {
			t.Errorf("%s: Eval after Close: no error", c.name)
		}
	}
}

// TestBuildDMPErrors checks returned errors for bad arguments.
func TestBuildDMPErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	g := fixtures.ER(rng, 6, 0.5, false)
	eg, other := G.NewGraph(), G.NewGraph()
	alpha := vec(eg, "alpha", make([]float64, g.NumEdges()))
	p0 := vec(eg, "p0", make([]float64, g.N))
	short := vec(eg, "short", make([]float64, g.N-1))
	foreign := vec(other, "p0", make([]float64, g.N))
	ix, err := ic.NewDMPIndex(g, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    func() ([]*G.Node, error)
	}{
		{"T = 0", func() ([]*G.Node, error) { return ic.BuildDMP(eg, g, alpha, p0, 0) }},
		{"nil p0", func() ([]*G.Node, error) { return ic.BuildDMP(eg, g, alpha, nil, 3) }},
		{"nil alpha", func() ([]*G.Node, error) { return ic.BuildDMP(eg, g, nil, p0, 3) }},
		{"short p0", func() ([]*G.Node, error) { return ic.BuildDMP(eg, g, alpha, short, 3) }},
		{"alpha as p0", func() ([]*G.Node, error) { return ic.BuildDMP(eg, g, p0, alpha, 3) }},
		{"p0 of another graph", func() ([]*G.Node, error) { return ic.BuildDMP(eg, g, alpha, foreign, 3) }},
		{"K = 2 index, K = 1 vectors", func() ([]*G.Node, error) { return ic.BuildDMPWith(eg, ix, alpha, p0, 3) }},
		{"nil index", func() ([]*G.Node, error) { return ic.BuildDMPWith(eg, nil, alpha, p0, 3) }},
	} {
		p, err := c.f()
		if err == nil || p != nil || !strings.HasPrefix(err.Error(), "models/ic: ") {
			t.Errorf("%s: got %v, %v; want a models/ic: error", c.name, p, err)
		}
	}
	if _, err := ic.NewDMPIndex(g, 0); err == nil {
		t.Error("NewDMPIndex K = 0: no error")
	}
	if _, err := ic.NewDMPIndex(fixtures.MustGraph(3, nil, nil, true), 1); err == nil {
		t.Error("NewDMPIndex without edges: no error")
	}
	if ix.Copies() != 2 || ix.Graph() != g {
		t.Errorf("index accessors: %d copies", ix.Copies())
	}
}

// TestGraphObjectiveFusedEqualsUnfused holds the fused graph (the default,
// BuildDMPFused) equal to the reference graph (GraphOptions.Unfused,
// BuildDMPWith) on every row of the gradient table: undirected and
// directed, α with exact 0 and 1, hidden nodes, mixtures and chunked
// classes. The objective agrees to 1e-14 relative and the gradient to
// 1e-14 of its largest entry; entry by entry to 1e-13 relative to the larger
// of the two entries and 1e-3 of the largest entry (the entries are sums of
// T−1 step contributions in different orders: measured 1e-15 to 4e-14).
func TestGraphObjectiveFusedEqualsUnfused(t *testing.T) {
	for _, tc := range objCases() {
		eval := func(unfused bool) (float64, []float64) {
			f, err := ic.NewGraphObjective(tc.g, tc.obs, tc.R, &ic.GraphOptions{ChunkSize: tc.chunk, Unfused: unfused})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			defer f.Close()
			grad := make([]float64, len(tc.theta))
			o, err := f.Eval(tc.theta, grad)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			return o, grad
		}
		of, gf := eval(false)
		ou, gu := eval(true)
		if math.Abs(of-ou) > 1e-14*math.Abs(ou) {
			t.Errorf("%s: objective fused %v, unfused %v", tc.name, of, ou)
		}
		scale, diff, worst := 0.0, 0.0, 0.0
		for k, v := range gu {
			scale = max(scale, math.Abs(v))
			diff = max(diff, math.Abs(gf[k]-v))
		}
		for k := range gf {
			worst = max(worst, math.Abs(gf[k]-gu[k])/max(math.Abs(gf[k]), math.Abs(gu[k]), 1e-3*scale, 1e-300))
		}
		if diff > 1e-14*scale || worst > 1e-13 {
			t.Errorf("%s: gradient fused vs unfused: max |diff| / max |grad| = %.3g, max entry-wise rel diff %.3g", tc.name, diff/scale, worst)
		} else {
			t.Logf("%s: objective rel diff %.2g; gradient max |diff| / max |grad| = %.2g, entry-wise %.2g", tc.name, math.Abs(of-ou)/math.Abs(ou), diff/scale, worst)
		}
	}
}

// TestBuildDMPFusedMarginals holds the stacked complements of BuildDMPFused
// equal, bit for bit, to 1 − p(t) of BuildDMPWith (the fused forward
// evaluates the reference graph's operations in the same order) on the rows
// of the marginals table that have edges.
func TestBuildDMPFusedMarginals(t *testing.T) {
	for _, tc := range marginalCases() {
		g := tc.g
		if g.NumEdges() == 0 {
			continue
		}
		K := len(tc.p0s)
		N := g.N
		ix, err := ic.NewDMPIndex(g, K)
		if err != nil {
			t.Fatal(err)
		}
		alpha := ic.ExpandAlpha(nil, g, tc.theta)
		var aK, pK []float64
		for k := 0; k < K; k++ {
			aK = append(aK, alpha...)
			pK = append(pK, tc.p0s[k]...)
		}
		eg := G.NewGraph()
		p, err := ic.BuildDMPWith(eg, ix, vec(eg, "alpha", aK), vec(eg, "p0", pK), tc.T)
		if err != nil {
			t.Fatal(err)
		}
		Q, err := ic.BuildDMPFused(eg, ix, vec(eg, "alpha2", aK), vec(eg, "p02", pK), tc.T)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if Q.Shape()[0] != tc.T*K*N {
			t.Fatalf("%s: len(Q) = %d, want %d", tc.name, Q.Shape()[0], tc.T*K*N)
		}
		pv := make([]G.Value, tc.T)
		for s := range p {
			G.Read(p[s], &pv[s])
		}
		var qv G.Value
		G.Read(Q, &qv)
		m := G.NewTapeMachine(eg)
		if err := m.RunAll(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		m.Close()
		q := qv.Data().([]float64)
		for i, p0 := range pK {
			if q[i] != 1-p0 {
				t.Fatalf("%s: Q_fused(0)[%d] = %v, want 1 − p̄ = %v", tc.name, i, q[i], 1-p0)
			}
		}
		for s := 1; s < tc.T; s++ {
			for i, ps := range pv[s].Data().([]float64) {
				if got := 1 - q[s*K*N+i]; got != ps {
					t.Fatalf("%s: t = %d, i = %d: 1 − Q_fused = %v, p_unfused = %v", tc.name, s, i, got, ps)
				}
			}
		}
	}
}

// TestGraphObjectiveFusedGOMAXPROCS checks that the fused objective gives
// the same bits with GOMAXPROCS 1 and 4 on a graph large enough (≥ 2^15
// edges per copy) for the step kernels to split the nodes over goroutines.
func TestGraphObjectiveFusedGOMAXPROCS(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	g := fixtures.ER(rng, 3000, 0.008, false)
	if g.NumEdges() < 1<<15 {
		t.Fatalf("only %d edges", g.NumEdges())
	}
	th := fixtures.Theta(rng, g.NumPairs(), true)
	obs := gObs(rng, g, th, 1, 4, 3, true, []int{5, 17})
	run := func(procs int) (float64, []float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		f, err := ic.NewGraphObjective(g, obs, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		grad := make([]float64, len(th))
		o, err := f.Eval(th, grad)
		if err != nil {
			t.Fatal(err)
		}
		return o, grad
	}
	o1, g1 := run(1)
	o4, g4 := run(4)
	if o1 != o4 {
		t.Errorf("objective: %v with GOMAXPROCS 1, %v with 4", o1, o4)
	}
	for k := range g1 {
		if g1[k] != g4[k] {
			t.Fatalf("grad[%d]: %v with GOMAXPROCS 1, %v with 4", k, g1[k], g4[k])
		}
	}
}
