package ic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// TestDMPGolden checks the unit test of the authors' repository
// (test/runtests.jl, spec §2): path 2–1–3 with α_12 = 0.5, α_13 = 0.3,
// p̄ = (0.4, 0, 0) and T_code = 3 (T = 3 slots here). Nodes 1, 2, 3 are
// indices 0, 1, 2.
func TestDMPGolden(t *testing.T) {
	want := [][]float64{ // want[i][t]
		{0.4, 0.4, 0.4},
		{0, 0.2, 0.2},
		{0, 0.12, 0.12},
	}
	tests := []struct {
		name  string
		g     *graphs.Graph
		theta []float64
	}{
		// Undirected: pairs in PairEdge order {0,1}, {0,2}.
		{"undirected", mustGraph(3, []int{0, 0}, []int{1, 2}, true), []float64{0.5, 0.3}},
		// Directed, arcs only away from the seed.
		{"directed out-arcs", mustGraph(3, []int{0, 0}, []int{1, 2}, false), []float64{0.5, 0.3}},
		// Directed with reciprocal arcs (edge order 0→1, 0→2, 1→0, 2→0);
		// the arcs into the seed change nothing.
		{"directed reciprocal", mustGraph(3, []int{0, 0, 1, 2}, []int{1, 2, 0, 0}, false), []float64{0.5, 0.3, 0.9, 0.7}},
	}
	for _, tc := range tests {
		d := NewDMP(tc.g)
		d.Forward(ExpandAlpha(nil, tc.g, tc.theta), []float64{0.4, 0, 0}, 3)
		for i := range want {
			for s := range want[i] {
				if got := d.P[s*3+i]; math.Abs(got-want[i][s]) > 1e-15 {
					t.Errorf("%s: p_%d(%d) = %v, want %v", tc.name, i+1, s, got, want[i][s])
				}
			}
		}
	}
}

// exactCase is one row of the exactness table: DMP is compared with the
// exact marginals of exactMarginals.
type exactCase struct {
	name  string
	g     *graphs.Graph
	alpha []float64 // per edge
	p0    []float64
	T     int
	loopy bool // true: DMP must be an upper bound; false: equal within tol
}

// exactCases builds the table from a fixed seed. Provenance: the exact
// values come from enumerating all live-edge realisations (exact_test.go).
func exactCases() []exactCase {
	rng := rand.New(rand.NewPCG(1, 2))
	var cases []exactCase
	add := func(name string, g *graphs.Graph, theta, p0 []float64, T int, loopy bool) {
		cases = append(cases, exactCase{name, g, ExpandAlpha(nil, g, theta), p0, T, loopy})
	}
	uniform := func(n int, lo, hi float64) []float64 {
		x := make([]float64, n)
		for k := range x {
			x[k] = lo + (hi-lo)*rng.Float64()
		}
		return x
	}
	seed := func(n int, s ...int) []float64 {
		x := make([]float64, n)
		for _, i := range s {
			x[i] = 1
		}
		return x
	}

	// Undirected trees.
	s, d := randomTree(rng, 10)
	g := mustGraph(10, s, d, true) // 9 pairs, 18 directed edges
	add("tree single seed", g, uniform(g.NumPairs(), 0, 1), seed(10, 3), 7, false)
	th := uniform(g.NumPairs(), 0, 1)
	th[0], th[1], th[4] = 1, 0, 1
	add("tree alpha in {0,1} two seeds", g, th, seed(10, 0, 7), 7, false)
	s, d = randomTree(rng, 7)
	g = mustGraph(7, s, d, true) // 6 pairs, 12 edges + 7 random seeds
	add("tree stochastic p0", g, uniform(g.NumPairs(), 0, 1), uniform(7, 0, 0.6), 6, false)
	th = uniform(g.NumPairs(), 0, 1)
	th[0], th[2] = 1, 1
	p0 := uniform(7, 0, 0.5)
	p0[0], p0[4] = 1, 0
	add("tree stochastic p0 with a sure seed and alpha=1", g, th, p0, 6, false)

	// Directed trees: random orientation, some arcs reciprocal with
	// independent α.
	s, d = randomTree(rng, 9)
	var ds, dd []int
	for k := range s {
		switch rng.IntN(3) {
		case 0:
			ds, dd = append(ds, s[k]), append(dd, d[k])
		case 1:
			ds, dd = append(ds, d[k]), append(dd, s[k])
		default:
			ds, dd = append(ds, s[k], d[k]), append(dd, d[k], s[k])
		}
	}
	g = mustGraph(9, ds, dd, false)
	add("directed tree single seed", g, uniform(g.NumPairs(), 0, 1), seed(9, 0), 8, false)
	add("directed tree stochastic p0", g, uniform(g.NumPairs(), 0, 1), uniform(9, 0, 0.5), 8, false)

	// Loopy graphs.
	g = mustGraph(5, []int{0, 1, 2, 3, 0}, []int{1, 2, 3, 0, 2}, true) // 4-cycle with a chord
	add("cycle+chord single seed", g, uniform(g.NumPairs(), 0.3, 1), seed(5, 1), 6, true)
	add("cycle+chord stochastic p0", g, uniform(g.NumPairs(), 0.3, 1), uniform(5, 0, 0.5), 6, true)
	s, d = randomER(rng, 8, 0.45, false)
	g = mustGraph(8, s, d, true)
	for g.NumEdges() > 22 { // keep the enumeration small
		s, d = randomER(rng, 8, 0.45, false)
		g = mustGraph(8, s, d, true)
	}
	add("ER single seed", g, uniform(g.NumPairs(), 0.2, 1), seed(8, 0), 6, true)
	g = mustGraph(6, []int{0, 1, 2, 3, 4, 5, 2, 0}, []int{1, 2, 3, 4, 5, 0, 0, 3}, false) // directed cycle with chords
	add("directed loopy single seed", g, uniform(g.NumPairs(), 0.2, 1), seed(6, 1), 7, true)
	add("directed loopy stochastic p0", g, uniform(g.NumPairs(), 0.2, 1), uniform(6, 0.1, 0.5), 7, true)
	return cases
}

func TestDMPExact(t *testing.T) {
	for _, tc := range exactCases() {
		N := tc.g.N
		exact := exactMarginals(tc.g, tc.alpha, tc.p0, tc.T)
		d := NewDMP(tc.g)
		d.Forward(tc.alpha, tc.p0, tc.T)
		worst := 0.0 // max over entries of DMP − exact
		for k, x := range exact {
			diff := d.P[k] - x
			worst = max(worst, diff)
			if !tc.loopy && math.Abs(diff) > 1e-12 {
				t.Errorf("%s: p_%d(%d) = %.15g, exact %.15g", tc.name, k%N, k/N, d.P[k], x)
			}
			if tc.loopy && diff < -1e-12 {
				t.Errorf("%s: p_%d(%d) = %.15g below the exact %.15g (DMP must be an upper bound)", tc.name, k%N, k/N, d.P[k], x)
			}
		}
		// On loopy graphs DMP must differ from the exact marginals
		// somewhere, or the bound test checks nothing.
		if tc.loopy && worst < 1e-6 {
			t.Errorf("%s: DMP equals the exact marginals on a loopy graph (max excess %g)", tc.name, worst)
		}
	}
}

// TestMuSumsToOne checks Σ_τ µ_i(τ) = 1 and µ ≥ 0 for α in [0, 1].
func TestMuSumsToOne(t *testing.T) {
	for _, tc := range exactCases() {
		d := NewDMP(tc.g)
		d.Forward(tc.alpha, tc.p0, tc.T)
		m := Mu(nil, d.P, tc.g.N, tc.T)
		W := tc.T + 1
		for i := 0; i < tc.g.N; i++ {
			sum := 0.0
			for tau := 0; tau < W; tau++ {
				x := m[i*W+tau]
				if x < -1e-15 {
					t.Errorf("%s: µ_%d(%d) = %g < 0", tc.name, i, tau, x)
				}
				sum += x
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("%s: Σ_τ µ_%d(τ) = %.17g, want 1", tc.name, i, sum)
			}
		}
	}
}

// TestDMPMessagesDefinition checks every message against the cavity product
// of its definition, computed by a direct O(deg²) loop, including α = 1 on
// messages equal to 1 (where a division-based cavity would fail).
func TestDMPMessagesDefinition(t *testing.T) {
	for _, tc := range exactCases() {
		g := tc.g
		N, E := g.N, g.NumEdges()
		alpha := append([]float64(nil), tc.alpha...)
		for e := range alpha {
			if e%3 == 0 {
				alpha[e] = 1
			}
		}
		d := NewDMP(g)
		d.Forward(alpha, tc.p0, tc.T)
		for s := 1; s < tc.T; s++ {
			for e := 0; e < E; e++ {
				i := g.Src[e]
				prod := 1 - tc.p0[i]
				for _, k := range g.InEdges[g.InOff[i]:g.InOff[i+1]] {
					if k != g.Rev[e] {
						prod *= 1 - alpha[k]*d.Msg[(s-1)*E+k]
					}
				}
				if got := d.Msg[s*E+e]; math.Abs(got-(1-prod)) > 1e-15 {
					t.Errorf("%s: p_%d(%d) = %v, want %v", tc.name, e, s, got, 1-prod)
				}
			}
			for i := 0; i < N; i++ {
				prod := 1 - tc.p0[i]
				for _, k := range g.InEdges[g.InOff[i]:g.InOff[i+1]] {
					prod *= 1 - alpha[k]*d.Msg[(s-1)*E+k]
				}
				if got := d.P[s*N+i]; math.Abs(got-(1-prod)) > 1e-15 {
					t.Errorf("%s: p_%d(%d) = %v, want %v", tc.name, i, s, got, 1-prod)
				}
			}
		}
	}
}

func TestDMPForwardNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	s, d := randomER(rng, 200, 0.03, false)
	g := mustGraph(200, s, d, true)
	alpha := make([]float64, g.NumEdges())
	for e := range alpha {
		alpha[e] = rng.Float64()
	}
	p0 := make([]float64, g.N)
	p0[0] = 1
	dmp := NewDMP(g)
	dmp.Forward(alpha, p0, 10) // sizes the buffers
	allocs := testing.AllocsPerRun(20, func() {
		dmp.Forward(alpha, p0, 10)
		dmp.Forward(alpha, p0, 4) // a shorter horizon reuses the buffers
	})
	if allocs != 0 {
		t.Errorf("Forward allocates %v times per run after the first, want 0", allocs)
	}
}

func TestDMPPanics(t *testing.T) {
	g := mustGraph(3, []int{0, 0}, []int{1, 2}, true)
	d := NewDMP(g)
	tests := []struct {
		name string
		f    func()
	}{
		{"short alpha", func() { d.Forward([]float64{0.5}, []float64{1, 0, 0}, 3) }},
		{"short p0", func() { d.Forward([]float64{0.5, 0.5, 0.5, 0.5}, []float64{1, 0}, 3) }},
		{"T=0", func() { d.Forward([]float64{0.5, 0.5, 0.5, 0.5}, []float64{1, 0, 0}, 0) }},
		{"ExpandAlpha length", func() { ExpandAlpha(nil, g, []float64{1, 2, 3}) }},
		{"FoldEdgeGrad length", func() { FoldEdgeGrad(nil, g, []float64{1, 2}) }},
	}
	for _, tc := range tests {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: no panic", tc.name)
					return
				}
				if msg := fmt.Sprint(r); len(msg) < 10 || msg[:10] != "models/ic:" {
					t.Errorf("%s: panic %q lacks the package prefix", tc.name, msg)
				}
			}()
			tc.f()
		}()
	}
}

// TestExpandFold checks that FoldEdgeGrad is the transpose of ExpandAlpha:
// <ExpandAlpha(θ), v> = <θ, FoldEdgeGrad(v)>.
func TestExpandFold(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, undirected := range []bool{true, false} {
		s, d := randomER(rng, 12, 0.3, !undirected)
		g := mustGraph(12, s, d, undirected)
		theta := make([]float64, g.NumPairs())
		v := make([]float64, g.NumEdges())
		for k := range theta {
			theta[k] = rng.Float64()
		}
		for k := range v {
			v[k] = rng.Float64()
		}
		a := ExpandAlpha(nil, g, theta)
		f := FoldEdgeGrad(nil, g, v)
		lhs, rhs := 0.0, 0.0
		for k := range a {
			lhs += a[k] * v[k]
		}
		for k := range f {
			rhs += theta[k] * f[k]
		}
		if math.Abs(lhs-rhs) > 1e-12*math.Abs(lhs) {
			t.Errorf("undirected=%v: <Ex θ, v> = %v, <θ, Fold v> = %v", undirected, lhs, rhs)
		}
		if undirected {
			for e := range a {
				if a[e] != a[g.Rev[e]] {
					t.Errorf("tied edge %d: α = %v, reverse α = %v", e, a[e], a[g.Rev[e]])
				}
			}
		}
	}
}
