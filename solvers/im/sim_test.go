package im

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// modelCase builds one model on a random graph.
type modelCase struct {
	name  string
	build func(t testing.TB) Model
}

func modelCases() []modelCase {
	return []modelCase{
		{"IC", func(t testing.TB) Model {
			g := randomGraph(t, 40, 160, 0, 0.5, 1)
			m, err := NewIC(g, nil)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"IC/p01", func(t testing.TB) Model { // probabilities exactly 0 and 1
			g := randomGraph(t, 30, 70, 0, 1, 2)
			p := make([]float64, g.NumEdges())
			for e := range p {
				p[e] = float64(e % 2)
			}
			m, err := NewIC(g, p)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"IC/WC", func(t testing.TB) Model { // in-degrees ~20: geometric sampling
			g := randomGraph(t, 40, 800, 0, 1, 12)
			m, err := NewIC(g, weightedCascade(g))
			if err != nil {
				t.Fatal(err)
			}
			if m.nGeo < 30 {
				t.Fatalf("only %d geometric nodes", m.nGeo)
			}
			return m
		}},
		{"IC/uniform", func(t testing.TB) Model { // p = 0.05 everywhere, mixed rules
			g := randomGraph(t, 40, 400, 0, 1, 13)
			p := make([]float64, g.NumEdges())
			for e := range p {
				p[e] = 0.05
			}
			m, err := NewIC(g, p)
			if err != nil {
				t.Fatal(err)
			}
			if m.nGeo == 0 || m.nGeo == 40 {
				t.Fatalf("%d geometric nodes, want a mix", m.nGeo)
			}
			return m
		}},
		{"LT", func(t testing.TB) Model {
			g := randomGraph(t, 40, 200, 0, 1, 3)
			m, err := NewLT(g, ltWeights(g, 0.9, 3))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"LT/full", func(t testing.TB) Model { // Σ_in w = 1 exactly
			g := randomGraph(t, 30, 120, 0, 1, 4)
			m, err := NewLT(g, ltWeights(g, 1, 4))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"CTIC", func(t testing.TB) Model {
			g := randomGraph(t, 40, 160, 0.2, 2, 5)
			m, err := NewCTIC(g, nil, 1.5)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"CTIC/inf", func(t testing.TB) Model {
			g := randomGraph(t, 30, 60, 0, 1, 6)
			m, err := NewCTIC(g, nil, math.Inf(1))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
	}
}

// TestRRSetMatchesReach checks the defining property of RR sets world by
// world: v ∈ RRSet(w, r) ⇔ r ∈ Reach(w, {v}), for every v and r.
func TestRRSetMatchesReach(t *testing.T) {
	for _, tc := range modelCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.build(t)
			n := m.NumNodes()
			s := m.NewSampler()
			reach := make([][]bool, n) // reach[v][r]: r ∈ Reach({v})
			for i := range reach {
				reach[i] = make([]bool, n)
			}
			total := 0
			for j := uint64(0); j < 20; j++ {
				w := NewWorld(99, 5, j)
				for v := 0; v < n; v++ {
					clear(reach[v])
					set := s.Reach(nil, w, []int{v})
					if set[0] != int32(v) {
						t.Fatalf("world %d: Reach({%d}) starts with %d", j, v, set[0])
					}
					for _, r := range set {
						if reach[v][r] {
							t.Fatalf("world %d: Reach({%d}) lists %d twice", j, v, r)
						}
						reach[v][r] = true
					}
					total += len(set)
				}
				for r := 0; r < n; r++ {
					rr := s.RRSet(nil, w, r)
					if rr[0] != int32(r) {
						t.Fatalf("world %d: RRSet(%d) starts with %d", j, r, rr[0])
					}
					in := make([]bool, n)
					for _, v := range rr {
						if in[v] {
							t.Fatalf("world %d: RRSet(%d) lists %d twice", j, r, v)
						}
						in[v] = true
					}
					for v := 0; v < n; v++ {
						if in[v] != reach[v][r] {
							t.Fatalf("world %d: %d ∈ RRSet(%d) is %v but %d ∈ Reach({%d}) is %v", j, v, r, in[v], r, v, reach[v][r])
						}
					}
				}
			}
			if total <= 20*n {
				t.Errorf("degenerate instance: no cascade went beyond its seed")
			}
		})
	}
}

// TestReachSeedsFirst checks the order contract of Reach: seeds first in
// the order given, duplicates dropped, and dst appended to.
func TestReachSeedsFirst(t *testing.T) {
	for _, tc := range modelCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.build(t)
			s := m.NewSampler()
			prefix := []int32{-7}
			got := s.Reach(slices.Clone(prefix), NewWorld(1, 2, 3), []int{5, 2, 5, 9})
			if got[0] != -7 || !slices.Equal(got[1:4], []int32{5, 2, 9}) {
				t.Fatalf("Reach = %v, want prefix -7 then seeds 5 2 9", got[:min(len(got), 6)])
			}
		})
	}
}

// TestMCMatchesExact compares the MC oracle with exact enumeration on small
// IC and LT instances (the table's tolerance is 4.5 standard errors).
func TestMCMatchesExact(t *testing.T) {
	g := randomGraph(t, 10, 16, 0.1, 0.9, 21)
	ic, err := NewIC(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	lt, err := NewLT(g, ltWeights(g, 0.95, 21))
	if err != nil {
		t.Fatal(err)
	}
	// An in-star 1..14 → 0 with p = 1/14 (weighted cascade): node 0 is
	// sampled by geometric gaps.
	var src, dst []int
	for u := 1; u <= 14; u++ {
		src, dst = append(src, u), append(dst, 0)
	}
	star := mustGraph(t, 15, src, dst)
	wc, err := NewIC(star, weightedCascade(star))
	if err != nil {
		t.Fatal(err)
	}
	if wc.nGeo != 1 {
		t.Fatalf("in-star: %d geometric nodes, want 1", wc.nGeo)
	}
	for _, tc := range []struct {
		name  string
		m     Model
		seeds []int
	}{
		{"IC/geometric one", wc, []int{3}},
		{"IC/geometric three", wc, []int{1, 2, 14}},
		{"IC/one", ic, []int{0}},
		{"IC/two", ic, []int{1, 4}},
		{"LT/one", lt, []int{2}},
		{"LT/three", lt, []int{0, 3, 7}},
	} {
		x, err := NewExact(tc.m)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := x.Spread(tc.seeds)
		mc := &MC{Model: tc.m, Runs: 100000, Seed: 5}
		got, se := mc.Spread(tc.seeds)
		if math.Abs(got-want) > 4.5*se || se <= 0 {
			t.Errorf("%s: MC spread %.4f ± %.4f, exact %.4f", tc.name, got, se, want)
		}
	}
}

// TestLTThresholdForm checks that the live-edge simulation used for LT has
// the spread of the threshold form (θ_v ~ U[0,1], activate when the active
// in-weight reaches θ_v), simulated here independently.
func TestLTThresholdForm(t *testing.T) {
	g := randomGraph(t, 60, 300, 0, 1, 31)
	w := ltWeights(g, 0.8, 31)
	lt, err := NewLT(g, w)
	if err != nil {
		t.Fatal(err)
	}
	seeds := []int{0, 1}
	const R = 60000
	acc := make([]float64, g.N)
	active := make([]bool, g.N)
	theta := make([]float64, g.N)
	var sum, sum2 float64
	for r := 0; r < R; r++ {
		wld := NewWorld(77, 1234, uint64(r))
		for v := range theta {
			theta[v] = open01(wld.Node(v))
			acc[v], active[v] = 0, false
		}
		q := slices.Clone(seeds)
		for _, s := range seeds {
			active[s] = true
		}
		for i := 0; i < len(q); i++ {
			u := q[i]
			for e := g.OutOff[u]; e < g.OutOff[u+1]; e++ {
				v := g.Dst[e]
				if active[v] {
					continue
				}
				acc[v] += w[e]
				if acc[v] >= theta[v] {
					active[v] = true
					q = append(q, v)
				}
			}
		}
		c := float64(len(q))
		sum += c
		sum2 += c * c
	}
	mean := sum / R
	se := math.Sqrt((sum2/R - mean*mean) / R)
	got, gse := (&MC{Model: lt, Runs: R, Seed: 3}).Spread(seeds)
	if d := math.Abs(got - mean); d > 4.5*math.Hypot(se, gse) {
		t.Errorf("live-edge LT spread %.3f ± %.3f, threshold form %.3f ± %.3f", got, gse, mean, se)
	}
}

// TestCTICAnalytic checks CTIC activation probabilities against closed
// forms on a path 0 → 1 → 2 with rates a, b: P(1 active) = 1 − e^{−aT} and
// P(2 active) = P(Exp(a) + Exp(b) ≤ T) = 1 − (b e^{−aT} − a e^{−bT})/(b − a).
func TestCTICAnalytic(t *testing.T) {
	for _, tc := range []struct {
		a, b, T float64
	}{
		{1, 2, 1},   // hypoexponential CDF
		{0.5, 3, 2}, // slow first hop
		{2, 0, 5},   // rate 0: node 2 never active
	} {
		g, _, err := graphs.FromEdges(3, []int{0, 1}, []int{1, 2}, []float64{tc.a, tc.b}, graphs.BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewCTIC(g, nil, tc.T)
		if err != nil {
			t.Fatal(err)
		}
		p1 := 1 - math.Exp(-tc.a*tc.T)
		p2 := 0.0
		if tc.b > 0 {
			p2 = 1 - (tc.b*math.Exp(-tc.a*tc.T)-tc.a*math.Exp(-tc.b*tc.T))/(tc.b-tc.a)
		}
		want := 1 + p1 + p2
		got, se := (&MC{Model: m, Runs: 200000, Seed: 8}).Spread([]int{0})
		if math.Abs(got-want) > 4.5*se+1e-12 {
			t.Errorf("a=%v b=%v T=%v: spread %.4f ± %.4f, want %.4f", tc.a, tc.b, tc.T, got, se, want)
		}
	}
}

// TestMCDeterministic checks that the MC oracle depends only on its seed,
// not on the number of workers, and that another seed changes it.
func TestMCDeterministic(t *testing.T) {
	for _, tc := range modelCases() {
		m := tc.build(t)
		seeds := []int{0, 3}
		var ref [2]float64
		for i, w := range []int{1, 2, 3, 8} {
			a, b := (&MC{Model: m, Runs: 1000, Seed: 4, Workers: w}).Spread(seeds)
			if i == 0 {
				ref = [2]float64{a, b}
			} else if a != ref[0] || b != ref[1] {
				t.Errorf("%s: workers=%d gives (%v, %v), workers=1 gives %v", tc.name, w, a, b, ref)
			}
		}
		if a, _ := (&MC{Model: m, Runs: 1000, Seed: 5}).Spread(seeds); a == ref[0] && ref[1] > 0 {
			t.Errorf("%s: seeds 4 and 5 give the same estimate %v", tc.name, a)
		}
	}
}

// TestModelValidation checks the constructors' errors, including the LT
// weight-sum check naming the node.
func TestModelValidation(t *testing.T) {
	b := graphs.NewBuilder("")
	b.AddEdge("a", "c", 0.6, 0)
	b.AddEdge("b", "c", 0.5, 0)
	b.AddEdge("c", "a", 0.2, 0)
	// Nodes a, c, b get indices 0, 1, 2, so the edge order is a→c, c→a, b→c.
	g, _, err := b.Build(graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	noW, _, _ := graphs.FromEdges(2, []int{0}, []int{1}, nil, graphs.BuildOptions{})
	for _, tc := range []struct {
		name string
		err  error
		want string // substring of the error, "" for success
	}{
		{"LT sum > 1 names node c", errOf(NewLT(g, nil)), `node c sum to 1.1`},
		{"LT ok", errOf(NewLT(g, []float64{0.5, 0.2, 0.5})), ""},
		{"LT within tolerance", errOf(NewLT(g, []float64{0.5, 0.2, 0.5 + 5e-6})), ""},
		{"LT just above tolerance", errOf(NewLT(g, []float64{0.5, 0.2, 0.5 + 2e-5})), "node c sum to 1.00002"},
		{"LT negative", errOf(NewLT(g, []float64{-0.1, 0.5, 0.2})), "edge a→c"},
		{"IC p > 1", errOf(NewIC(g, []float64{0.5, 0.2, 1.5})), "edge b→c is 1.5"},
		{"IC NaN", errOf(NewIC(g, []float64{math.NaN(), 0.5, 0.2})), "want [0, 1]"},
		{"IC ok", errOf(NewIC(g, nil)), ""},
		{"IC short", errOf(NewIC(g, []float64{0.5})), "1 IC probabilities for 3 edges"},
		{"IC no weights", errOf(NewIC(noW, nil)), "no IC probabilities"},
		{"CTIC negative rate", errOf(NewCTIC(g, []float64{1, 1, -1}, 1)), "edge b→c"},
		{"CTIC inf rate", errOf(NewCTIC(g, []float64{1, math.Inf(1), 1}, 1)), "finite rate"},
		{"CTIC NaN T", errOf(NewCTIC(g, nil, math.NaN())), "horizon"},
		{"CTIC ok", errOf(NewCTIC(g, nil, 0)), ""},
	} {
		switch {
		case tc.want == "" && tc.err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, tc.err)
		case tc.want != "" && (tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) || !strings.HasPrefix(tc.err.Error(), "im: ")):
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

// TestExactLimits checks NewExact's refusals.
func TestExactLimits(t *testing.T) {
	g := randomGraph(t, 20, 200, 0.1, 0.9, 9)
	ic, _ := NewIC(g, nil)
	if _, err := NewExact(ic); err == nil {
		t.Error("NewExact accepted 2^~190 worlds")
	}
	ct, _ := NewCTIC(g, nil, 1)
	if _, err := NewExact(ct); err == nil {
		t.Error("NewExact accepted a CTIC model")
	}
	big := randomGraph(t, 70, 10, 0.1, 0.9, 9)
	icb, _ := NewIC(big, nil)
	if _, err := NewExact(icb); err == nil {
		t.Error("NewExact accepted 70 nodes")
	}
}

// TestGeometricLiveEdges checks the geometric-gap sampler of IC in-edges
// against its definition: on an in-star of d = 20 edges with p = 1/20, the
// number of live in-edges of the centre is Binomial(d, p), and each edge is
// live with probability p (Pearson χ² statistics against loose quantiles).
func TestGeometricLiveEdges(t *testing.T) {
	const d = 20
	var src, dst []int
	for u := 1; u <= d; u++ {
		src, dst = append(src, u), append(dst, 0)
	}
	g := mustGraph(t, d+1, src, dst)
	m, err := NewIC(g, weightedCascade(g))
	if err != nil {
		t.Fatal(err)
	}
	if m.nGeo != 1 {
		t.Fatalf("%d geometric nodes, want 1", m.nGeo)
	}
	const R = 200000
	p := 1.0 / d
	sizes := make([]float64, d+1)
	perEdge := make([]float64, d+1)
	s := m.NewSampler()
	var buf []int32
	for j := 0; j < R; j++ {
		buf = s.RRSet(buf[:0], NewWorld(3, 9, uint64(j)), 0)
		sizes[len(buf)-1]++
		for _, u := range buf[1:] {
			perEdge[u]++
		}
	}
	// Binomial pmf, pooling the tail at ≥ 5.
	chi := 0.0
	tail, tailWant := 0.0, 1.0
	for x := 0; x <= d; x++ {
		lc := logChoose(d, x)
		pmf := math.Exp(lc + float64(x)*math.Log(p) + float64(d-x)*math.Log1p(-p))
		if x < 5 {
			chi += (sizes[x] - R*pmf) * (sizes[x] - R*pmf) / (R * pmf)
			tailWant -= pmf
		} else {
			tail += sizes[x]
		}
	}
	chi += (tail - R*tailWant) * (tail - R*tailWant) / (R * tailWant)
	if chi > 25 { // 5 degrees of freedom: P(χ² > 25) ≈ 1e-4
		t.Errorf("live in-edge counts %v: χ² = %.1f against Binomial(%d, %v)", sizes[:6], chi, d, p)
	}
	chi = 0
	for u := 1; u <= d; u++ {
		want := R * p
		chi += (perEdge[u] - want) * (perEdge[u] - want) / (want * (1 - p))
	}
	if chi > 50 { // 20 degrees of freedom: P(χ² > 50) ≈ 2e-4
		t.Errorf("per-edge live counts %v: χ² = %.1f, want each ≈ %.0f", perEdge[1:], chi, R*p)
	}
}
