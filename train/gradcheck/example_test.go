package gradcheck_test

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/train/gradcheck"
)

// Check a hand-written gradient of f(x) = x0²·x1 + sin(x1) against central
// differences, then a deliberately wrong one.
func ExampleCheck() {
	f := func(x []float64) float64 { return x[0]*x[0]*x[1] + math.Sin(x[1]) }
	grad := func(dst, x []float64) []float64 {
		dst[0] = 2 * x[0] * x[1]
		dst[1] = x[0]*x[0] + math.Cos(x[1])
		return dst
	}
	x := []float64{1.5, -0.5}
	r, err := gradcheck.Check(f, grad, x, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("correct gradient: pass =", r.Pass, "entries =", r.N)

	wrong := func(dst, x []float64) []float64 {
		grad(dst, x)
		dst[1] *= 1.01
		return dst
	}
	r, err = gradcheck.Check(f, wrong, x, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("wrong gradient: pass =", r.Pass, "worst index =", r.Worst[0].Index)
	// Output:
	// correct gradient: pass = true entries = 2
	// wrong gradient: pass = false worst index = 1
}

// Check the TapeMachine gradient of cost = Σ exp(x) ⊙ w wrt x, and compare it
// with the reference gradient exp(x) ⊙ w too.
func ExampleCheckGraph() {
	w := []float64{1, -2, 0.5}
	p := gradcheck.GraphProblem{
		Build: func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			x := G.NewVector(g, tensor.Float64, G.WithName("x"), G.WithShape(3),
				G.WithValue(tensor.New(tensor.WithBacking([]float64{0.1, 0.2, -0.3}))))
			wn := G.NewVector(g, tensor.Float64, G.WithName("w"), G.WithShape(3),
				G.WithValue(tensor.New(tensor.WithBacking(w))))
			cost, err := G.Sum(G.Must(G.HadamardProd(G.Must(G.Exp(x)), wn)))
			return cost, G.Nodes{x}, err
		},
		Reference: func(dst, x [][]float64) error {
			for i, v := range x[0] {
				dst[0][i] = math.Exp(v) * w[i]
			}
			return nil
		},
	}
	r, err := gradcheck.CheckGraph(p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("pass =", r.Pass, "entries =", r.N, "inputs =", r.Inputs)
	// Output:
	// pass = true entries = 3 inputs = [x]
}
