package dmprec_test

import (
	"fmt"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
	"github.com/spread-dev/spread/solvers/dmprec"
)

// Ten cascades on the path 2–1–3 (indices 1–0–2), node 1 active at t = 0
// with probability 0.4; only node 3 is observed: activated at τ = 1 once and
// never (τ = T) nine times. Then µ_3(1) = 0.4·α_13 and µ_3(T) = 1 − 0.4·α_13,
// so O = log(0.4 α_13) + 9 log(1 − 0.4 α_13) and, by hand,
// ∂O/∂α_13 = 1/α_13 − 9·0.4/(1 − 0.4 α_13) = 3.3333 − 4.0909 = −0.7576,
// while α_12 leads only to the hidden node 2 and gets zero gradient.
// DMPrec (forward mode) and SLICER's adjoint (reverse mode) agree.
func ExampleGradient() {
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
	theta := []float64{0.5, 0.3} // α_12, α_13
	o, grad, err := dmprec.Gradient(nil, g, theta, obs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, ref, err := adjoint.Gradient(nil, g, theta, obs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("O = %.4f\n", o)
	fmt.Printf("DMPrec:  dO/dα_12 = %.4f, dO/dα_13 = %.4f\n", grad[0], grad[1])
	fmt.Printf("adjoint: dO/dα_12 = %.4f, dO/dα_13 = %.4f\n", ref[0], ref[1])
	// Output:
	// O = -3.2708
	// DMPrec:  dO/dα_12 = 0.0000, dO/dα_13 = -0.7576
	// adjoint: dO/dα_12 = 0.0000, dO/dα_13 = -0.7576
}
