package lt

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
		{Name: "LT", Build: func(t testing.TB) diffusion.Model {
			g := difftest.RandomGraph(t, 40, 200, 0, 1, 3)
			m, err := NewModel(g, difftest.LTWeights(g, 0.9, 3))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{Name: "LT/full", Build: func(t testing.TB) diffusion.Model { // Σ_in w = 1 exactly
			g := difftest.RandomGraph(t, 30, 120, 0, 1, 4)
			m, err := NewModel(g, difftest.LTWeights(g, 1, 4))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{Name: "LT/WC", Build: func(t testing.TB) diffusion.Model { // weighted cascade: Σ_in w = 1
			g := difftest.RandomGraph(t, 30, 120, 0, 1, 5)
			m, err := NewModel(g, diffusion.WeightedCascade(nil, g))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
	}
}

// TestModelContract checks v ∈ RRSet(w, r) ⇔ r ∈ Reach(w, {v})
// world by world, and the order contract of Reach.
func TestModelContract(t *testing.T) { difftest.CheckContract(t, modelCases()) }

// TestModelValidation checks NewModel's errors, including the weight-sum
// check naming the node.
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
	for _, tc := range []struct {
		name string
		err  error
		want string // substring of the error, "" for success
	}{
		{"LT sum > 1 names node c", errOf(NewModel(g, nil)), `node c sum to 1.1`},
		{"LT ok", errOf(NewModel(g, []float64{0.5, 0.2, 0.5})), ""},
		{"LT within tolerance", errOf(NewModel(g, []float64{0.5, 0.2, 0.5 + 5e-6})), ""},
		{"LT just above tolerance", errOf(NewModel(g, []float64{0.5, 0.2, 0.5 + 2e-5})), "node c sum to 1.00002"},
		{"LT negative", errOf(NewModel(g, []float64{-0.1, 0.5, 0.2})), "edge a→c"},
		{"LT NaN", errOf(NewModel(g, []float64{math.NaN(), 0.5, 0.2})), "want [0, 1]"},
		{"LT short", errOf(NewModel(g, []float64{0.5})), "1 LT weights for 3 edges"},
	} {
		switch {
		case tc.want == "" && tc.err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, tc.err)
		case tc.want != "" && (tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) || !strings.HasPrefix(tc.err.Error(), "lt: ")):
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }
