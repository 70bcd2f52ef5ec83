package ic_test

import (
	"fmt"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// The cascades of ExampleObjective (path 2–1–3, node 1 active at t = 0 with
// probability 0.4, node 3 observed active at τ = 1 once and never nine
// times, nodes 1 and 2 hidden) through autodiff. By hand,
// O = log(0.4·α₁₃) + 9·log(1 − 0.4·α₁₃), so ∂O/∂α₁₃ = 1/α₁₃ − 3.6/(1 − 0.4·α₁₃)
// = 1/0.3 − 3.6/0.88 ≈ −0.7576, and ∂O/∂α₁₂ = 0 (node 2 is hidden).
func ExampleGraphObjective() {
	g, _, err := graphs.FromEdges(3, []int{0, 0}, []int{1, 2}, nil, graphs.BuildOptions{Undirected: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	obs := &ic.Observations{
		N: 3, T: 3,
		Observed: []bool{false, false, true},
		Classes: []ic.Class{{
			P0:     []float64{0.4, 0, 0},
			M:      10,
			Counts: []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 9},
		}},
	}
	f, err := ic.NewGraphObjective(g, obs, 1, nil) // built and compiled once
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	theta := []float64{0.5, 0.3} // α₁₂, α₁₃
	grad := make([]float64, len(theta))
	o, err := f.Eval(theta, grad) // each call: rebind θ, Reset, RunAll
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("O = %.4f\n", o)
	fmt.Printf("∂O/∂θ = %.4f\n", grad)
	// Output:
	// O = -3.2708
	// ∂O/∂θ = [0.0000 -0.7576]
}

// The relaxed spread σ(u) = Σ_i p_i(T−1) on the same path for u = p̄ =
// (0.4, 0, 0): σ = 0.4 + 0.2 + 0.12. Its gradient, by hand from the DMP
// equations: ∂σ/∂u₁ = 1 + 0.5 + 0.3, ∂σ/∂u₂ = 0.6·0.5 + (1 − 0.5·0.4) +
// 0.3·0.6·0.5, ∂σ/∂u₃ = 0.6·0.3 + 0.5·0.6·0.3 + (1 − 0.3·0.4).
func ExampleSpreadObjective() {
	g, _, err := graphs.FromEdges(3, []int{0, 0}, []int{1, 2}, nil, graphs.BuildOptions{Undirected: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := ic.NewSpreadObjective(g, []float64{0.5, 0.3}, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	u := []float64{0.4, 0, 0}
	grad := make([]float64, len(u))
	sigma, err := s.Eval(u, grad)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("σ = %.2f\n", sigma)
	fmt.Printf("∂σ/∂u = %.2f\n", grad)
	// Output:
	// σ = 0.72
	// ∂σ/∂u = [1.80 1.19 1.15]
}
