package cic

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
		{Name: "CTIC", Build: func(t testing.TB) diffusion.Model {
			g := difftest.RandomGraph(t, 40, 160, 0.2, 2, 5)
			m, err := NewModel(g, Exponential(), nil, 1.5)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{Name: "CTIC/inf", Build: func(t testing.TB) diffusion.Model {
			g := difftest.RandomGraph(t, 30, 60, 0, 1, 6)
			m, err := NewModel(g, Exponential(), nil, math.Inf(1))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
	}
}

// TestModelContract checks v ∈ RRSet(w, r) ⇔ r ∈ Reach(w, {v})
// world by world (d(v, r) ≤ T computed by the two Dijkstra searches), and the order contract of Reach.
func TestModelContract(t *testing.T) { difftest.CheckContract(t, modelCases()) }

// TestExponentialDelay checks the exponential family's inverse transform
// against its CDF: P(τ ≤ x) = 1 − e^{−αx} over a grid of u, and the zero
// Delay is Exponential.
func TestExponentialDelay(t *testing.T) {
	if (Delay{}) != Exponential() || Exponential().String() != "exponential" {
		t.Fatalf("zero Delay %v, want exponential", Delay{})
	}
	const rate = 2.5
	for _, u := range []float64{1e-9, 0.1, 0.5, 0.9, 1 - 1e-9} {
		tau := Exponential().Sample(u, rate, 0)
		// τ = F⁻¹(1 − u), so the survival function at τ is u.
		if got := math.Exp(-rate * tau); math.Abs(got-u) > 1e-12*math.Max(1, u) {
			t.Errorf("u = %v: τ = %v has survival %v", u, tau, got)
		}
	}
}

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
	exp := Exponential()
	for _, tc := range []struct {
		name string
		err  error
		want string // substring of the error, "" for success
	}{
		{"CTIC negative rate", errOf(NewModel(g, exp, []float64{1, 1, -1}, 1)), "edge b→c"},
		{"CTIC inf rate", errOf(NewModel(g, exp, []float64{1, math.Inf(1), 1}, 1)), "finite rate"},
		{"CTIC NaN T", errOf(NewModel(g, exp, nil, math.NaN())), "horizon"},
		{"CTIC ok", errOf(NewModel(g, exp, nil, 0)), ""},
		{"CTIC short", errOf(NewModel(g, exp, []float64{1}, 1)), "1 CTIC exponential parameters for 3 edges"},
		{"unknown family", errOf(NewModel(g, Delay{family: 99}, nil, 1)), "unknown delay family"},
	} {
		switch {
		case tc.want == "" && tc.err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, tc.err)
		case tc.want != "" && (tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) || !strings.HasPrefix(tc.err.Error(), "cic: ")):
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

// A world's delays do not depend on the model's horizon: the same world
// gives nested reach sets for growing T.
func TestReachNestedInHorizon(t *testing.T) {
	g := difftest.RandomGraph(t, 40, 160, 0.2, 2, 7)
	var prev []bool
	for _, T := range []float64{0.1, 0.5, 1, 3, math.Inf(1)} {
		m, err := NewModel(g, Exponential(), nil, T)
		if err != nil {
			t.Fatal(err)
		}
		in := make([]bool, g.N)
		for _, v := range m.NewSampler().Reach(nil, diffusion.NewWorld(4, 4, 4), []int{0, 1}) {
			in[v] = true
		}
		for v := range prev {
			if prev[v] && !in[v] {
				t.Fatalf("T = %v: node %d active at a shorter horizon but not now", T, v)
			}
		}
		prev = in
	}
}
