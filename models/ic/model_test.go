package ic

import (
	"math"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/difftest"
	"github.com/spread-dev/spread/models/diffusion"
)

func modelCases() []difftest.Case {
	return []difftest.Case{
		{Name: "IC", Build: func(t testing.TB) diffusion.Model {
			g := difftest.RandomGraph(t, 40, 160, 0, 0.5, 1)
			m, err := NewModel(g, nil)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{Name: "IC/p01", Build: func(t testing.TB) diffusion.Model { // probabilities exactly 0 and 1
			g := difftest.RandomGraph(t, 30, 70, 0, 1, 2)
			p := make([]float64, g.NumEdges())
			for e := range p {
				p[e] = float64(e % 2)
			}
			m, err := NewModel(g, p)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{Name: "IC/WC", Build: func(t testing.TB) diffusion.Model { // in-degrees ~20: geometric sampling
			g := difftest.RandomGraph(t, 40, 800, 0, 1, 12)
			m, err := NewModel(g, diffusion.WeightedCascade(nil, g))
			if err != nil {
				t.Fatal(err)
			}
			if m.nGeo < 30 {
				t.Fatalf("only %d geometric nodes", m.nGeo)
			}
			return m
		}},
		{Name: "IC/uniform", Build: func(t testing.TB) diffusion.Model { // p = 0.05 everywhere, mixed rules
			g := difftest.RandomGraph(t, 40, 400, 0, 1, 13)
			p := make([]float64, g.NumEdges())
			for e := range p {
				p[e] = 0.05
			}
			m, err := NewModel(g, p)
			if err != nil {
				t.Fatal(err)
			}
			if m.nGeo == 0 || m.nGeo == 40 {
				t.Fatalf("%d geometric nodes, want a mix", m.nGeo)
			}
			return m
		}},
	}
}

// TestModelContract checks v ∈ RRSet(w, r) ⇔ r ∈ Reach(w, {v})
// world by world, with and without geometric-gap nodes, and the order contract of Reach.
func TestModelContract(t *testing.T) { difftest.CheckContract(t, modelCases()) }

// TestModelValidation checks NewModel's errors.
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
		{"IC p > 1", errOf(NewModel(g, []float64{0.5, 0.2, 1.5})), "edge b→c is 1.5"},
		{"IC NaN", errOf(NewModel(g, []float64{math.NaN(), 0.5, 0.2})), "want [0, 1]"},
		{"IC ok", errOf(NewModel(g, nil)), ""},
		{"IC short", errOf(NewModel(g, []float64{0.5})), "1 IC probabilities for 3 edges"},
		{"IC no weights", errOf(NewModel(noW, nil)), "no IC probabilities"},
		{"nil graph", errOf(NewModel(nil, nil)), "nil graph"},
	} {
		switch {
		case tc.want == "" && tc.err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, tc.err)
		case tc.want != "" && (tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) || !strings.HasPrefix(tc.err.Error(), "ic: ")):
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

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
	g := difftest.MustGraph(t, d+1, src, dst)
	m, err := NewModel(g, diffusion.WeightedCascade(nil, g))
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
		buf = s.RRSet(buf[:0], diffusion.NewWorld(3, 9, uint64(j)), 0)
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

// logChoose returns ln C(n, k).
func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}
