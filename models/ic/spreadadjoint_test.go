package ic_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/difftest"
	"github.com/spread-dev/spread/internal/fixtures"
	"github.com/spread-dev/spread/models/ic"
)

// TestSpreadAdjointMatchesAutodiff holds the plain-Go reverse sweep equal to
// reverse-mode autodiff through BuildDMP (SpreadObjective), value and
// gradient, on graphs with and without reverse edges, θ with exact 0 and 1,
// and u with exact 0 and 1 (where the cavity products have zero factors).
func TestSpreadAdjointMatchesAutodiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	tests := []struct {
		name string
		g    *graphs.Graph
		T    int
		tol  float64 // relative, value and each gradient entry
	}{
		// Provenance: fixtures.ER draws; the reference is autodiff.
		{"undirected ER, T=6", fixtures.ER(rng, 14, 0.3, false), 6, 1e-12},
		{"directed ER (some arcs without reverse), T=5", fixtures.ER(rng, 14, 0.25, true), 5, 1e-12},
		{"directed ER, T=2", fixtures.ER(rng, 10, 0.3, true), 2, 1e-12},
		{"T=1", fixtures.ER(rng, 8, 0.4, false), 1, 0},
		{"no edges", fixtures.MustGraph(3, nil, nil, false), 3, 0},
		{"triangle, T=8", fixtures.MustGraph(3, []int{0, 1, 2}, []int{1, 2, 0}, false), 8, 1e-12},
	}
	for _, tt := range tests {
		for _, boundary := range []bool{false, true} {
			th := fixtures.Theta(rng, tt.g.NumPairs(), boundary)
			u := make([]float64, tt.g.N)
			for i := range u {
				u[i] = 0.3 * rng.Float64()
			}
			u[0] = 1
			if tt.g.N > 1 {
				u[1] = 0
			}
			ad, err := ic.NewSpreadObjective(tt.g, th, tt.T)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float64, tt.g.N)
			fw, err := ad.Eval(u, want)
			ad.Close()
			if err != nil {
				t.Fatal(err)
			}
			for _, workers := range []int{1, 3} {
				adj, err := ic.NewSpreadAdjoint(tt.g, th, tt.T, workers)
				if err != nil {
					t.Fatal(err)
				}
				got := make([]float64, tt.g.N)
				for rep := 0; rep < 2; rep++ { // buffers are reused
					fg, err := adj.Eval(u, got)
					if err != nil {
						t.Fatal(err)
					}
					if d := math.Abs(fg - fw); d > tt.tol*math.Max(1, math.Abs(fw)) {
						t.Errorf("%s (boundary %v): σ = %v, autodiff %v", tt.name, boundary, fg, fw)
					}
					for i := range got {
						if d := math.Abs(got[i] - want[i]); d > tt.tol*math.Max(1, math.Abs(want[i])) {
							t.Errorf("%s (boundary %v, workers %d): ∂σ/∂u[%d] = %v, autodiff %v", tt.name, boundary, workers, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestSpreadAdjointWorkers: the result is bit-identical for any number of
// workers, on a graph large enough to be split.
func TestSpreadAdjointWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 20000
	g := difftest.RandomGraph(t, n, 3*n, 0, 1, 3)
	th := fixtures.Theta(rng, g.NumPairs(), false)
	u := make([]float64, n)
	for i := range u {
		u[i] = 0.01 * rng.Float64()
	}
	var ref []float64
	var fref float64
	for _, w := range []int{1, 2, 5} {
		a, err := ic.NewSpreadAdjoint(g, th, 6, w)
		if err != nil {
			t.Fatal(err)
		}
		grad := make([]float64, n)
		f, err := a.Eval(u, grad)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref, fref = grad, f
			continue
		}
		if f != fref {
			t.Errorf("workers %d: σ = %v, workers 1: %v", w, f, fref)
		}
		for i := range grad {
			if grad[i] != ref[i] {
				t.Fatalf("workers %d: grad[%d] = %v, workers 1: %v", w, i, grad[i], ref[i])
			}
		}
	}
}

func TestSpreadAdjointErrors(t *testing.T) {
	g := fixtures.MustGraph(3, []int{0, 1}, []int{1, 2}, false)
	if _, err := ic.NewSpreadAdjoint(g, []float64{0.5, 2}, 3, 1); err == nil {
		t.Error("θ = 2 accepted")
	}
	if _, err := ic.NewSpreadAdjoint(g, []float64{0.5, 0.5}, 0, 1); err == nil {
		t.Error("T = 0 accepted")
	}
	a, err := ic.NewSpreadAdjoint(g, []float64{0.5, 0.5}, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Eval([]float64{0, math.NaN(), 0}, make([]float64, 3)); err == nil {
		t.Error("NaN in u accepted")
	}
}
