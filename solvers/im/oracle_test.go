package im

import (
	"math"
	"slices"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/difftest"
	"github.com/spread-dev/spread/models/cic"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/models/lt"
)

// modelCase builds one model on a random graph.
type modelCase struct {
	name  string
	build func(t testing.TB) diffusion.Model
}

func modelCases() []modelCase {
	return []modelCase{
		{"IC", func(t testing.TB) diffusion.Model {
			g := difftest.RandomGraph(t, 40, 160, 0, 0.5, 1)
			m, err := ic.NewModel(g, nil)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"IC/p01", func(t testing.TB) diffusion.Model { // probabilities exactly 0 and 1
			g := difftest.RandomGraph(t, 30, 70, 0, 1, 2)
			p := make([]float64, g.NumEdges())
			for e := range p {
				p[e] = float64(e % 2)
			}
			m, err := ic.NewModel(g, p)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"IC/WC", func(t testing.TB) diffusion.Model { // in-degrees ~20: geometric sampling
			g := difftest.RandomGraph(t, 40, 800, 0, 1, 12)
			m, err := ic.NewModel(g, diffusion.WeightedCascade(nil, g))
			if err != nil {
				t.Fatal(err)
			}
			if m.GeometricNodes() < 30 {
				t.Fatalf("only %d geometric nodes", m.GeometricNodes())
			}
			return m
		}},
		{"IC/uniform", func(t testing.TB) diffusion.Model { // p = 0.05 everywhere, mixed rules
			g := difftest.RandomGraph(t, 40, 400, 0, 1, 13)
			p := make([]float64, g.NumEdges())
			for e := range p {
				p[e] = 0.05
			}
			m, err := ic.NewModel(g, p)
			if err != nil {
				t.Fatal(err)
			}
			if m.GeometricNodes() == 0 || m.GeometricNodes() == 40 {
				t.Fatalf("%d geometric nodes, want a mix", m.GeometricNodes())
			}
			return m
		}},
		{"LT", func(t testing.TB) diffusion.Model {
			g := difftest.RandomGraph(t, 40, 200, 0, 1, 3)
			m, err := lt.NewModel(g, difftest.LTWeights(g, 0.9, 3))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"LT/full", func(t testing.TB) diffusion.Model { // Σ_in w = 1 exactly
			g := difftest.RandomGraph(t, 30, 120, 0, 1, 4)
			m, err := lt.NewModel(g, difftest.LTWeights(g, 1, 4))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"CTIC", func(t testing.TB) diffusion.Model {
			g := difftest.RandomGraph(t, 40, 160, 0.2, 2, 5)
			m, err := cic.NewModel(g, cic.Exponential(), nil, 1.5)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"CTIC/inf", func(t testing.TB) diffusion.Model {
			g := difftest.RandomGraph(t, 30, 60, 0, 1, 6)
			m, err := cic.NewModel(g, cic.Exponential(), nil, math.Inf(1))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
	}
}

// TestMCMatchesExact compares the MC oracle with exact enumeration on small
// IC and LT instances (the table's tolerance is 4.5 standard errors).
func TestMCMatchesExact(t *testing.T) {
	g := difftest.RandomGraph(t, 10, 16, 0.1, 0.9, 21)
	icm, err := ic.NewModel(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	ltm, err := lt.NewModel(g, difftest.LTWeights(g, 0.95, 21))
	if err != nil {
		t.Fatal(err)
	}
	// An in-star 1..14 → 0 with p = 1/14 (weighted cascade): node 0 is
	// sampled by geometric gaps.
	var src, dst []int
	for u := 1; u <= 14; u++ {
		src, dst = append(src, u), append(dst, 0)
	}
	star := difftest.MustGraph(t, 15, src, dst)
	wc, err := ic.NewModel(star, diffusion.WeightedCascade(nil, star))
	if err != nil {
		t.Fatal(err)
	}
	if wc.GeometricNodes() != 1 {
		t.Fatalf("in-star: %d geometric nodes, want 1", wc.GeometricNodes())
	}
	for _, tc := range []struct {
		name  string
		m     diffusion.Model
		seeds []int
	}{
		{"IC/geometric one", wc, []int{3}},
		{"IC/geometric three", wc, []int{1, 2, 14}},
		{"IC/one", icm, []int{0}},
		{"IC/two", icm, []int{1, 4}},
		{"LT/one", ltm, []int{2}},
		{"LT/three", ltm, []int{0, 3, 7}},
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
	g := difftest.RandomGraph(t, 60, 300, 0, 1, 31)
	w := difftest.LTWeights(g, 0.8, 31)
	ltm, err := lt.NewModel(g, w)
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
		wld := diffusion.NewWorld(77, 1234, uint64(r))
		for v := range theta {
			theta[v] = diffusion.Open01(wld.Node(v))
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
	got, gse := (&MC{Model: ltm, Runs: R, Seed: 3}).Spread(seeds)
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
		m, err := cic.NewModel(g, cic.Exponential(), nil, tc.T)
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

// TestExactLimits checks NewExact's refusals.
func TestExactLimits(t *testing.T) {
	g := difftest.RandomGraph(t, 20, 200, 0.1, 0.9, 9)
	icm, _ := ic.NewModel(g, nil)
	if _, err := NewExact(icm); err == nil {
		t.Error("NewExact accepted 2^~190 worlds")
	}
	ct, _ := cic.NewModel(g, cic.Exponential(), nil, 1)
	if _, err := NewExact(ct); err == nil {
		t.Error("NewExact accepted a CTIC model")
	}
	big := difftest.RandomGraph(t, 70, 10, 0.1, 0.9, 9)
	icb, _ := ic.NewModel(big, nil)
	if _, err := NewExact(icb); err == nil {
		t.Error("NewExact accepted 70 nodes")
	}
}
