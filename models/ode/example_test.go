package ode_test

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/models/ode"
)

// A new ODE model variant: mean-field SI dynamics x' = (1 − x) ⊙ (A x) on
// the path 0→1→2, with the rates α on the edges ((A x)_j = Σ_{i→j} α_ij x_i,
// a Gather over sources and a ScatterAdd over targets), unrolled with RK4
// inside compiled.New; autodiff gives ∂(Σ_i x_i(2))/∂α. By hand:
// x_1(t) = 1 − e^{−t} and x_2(2) = 1 − exp(−½(1 + e^{−2})) ≈ 0.4332.
func Example() {
	src, dst := []int{0, 1}, []int{1, 2} // edges e0 = 0→1, e1 = 1→2
	obj, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		alpha := d.Param("alpha", []int{2}, []float64{1, 0.5})
		x0 := d.Input("x0", []int{3}, []float64{1, 0, 0}) // node 0 is the source
		si := func(_ float64, x *G.Node) (*G.Node, error) {
			msg := G.Must(G.HadamardProd(alpha, G.Must(ad.Gather(x, src)))) // α_ij x_i on i→j
			ax := G.Must(ad.ScatterAdd(msg, dst, 3))                        // (A x)_j
			return G.HadamardProd(G.Must(G.Sub(G.NewConstant(1.0), x)), ax)
		}
		xs, err := ode.Solve(si, x0, []float64{0, 1, 2}, ode.RK4, 20)
		if err != nil {
			return nil, err
		}
		d.Output("x(2)", xs[2])
		return G.Sum(xs[2]) // expected number infected by t = 2
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer obj.Close()
	grad := make([]float64, obj.NumParams())
	sum, err := obj.Eval(obj.X(), grad)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("x(2) = %.4f\n", obj.Output("x(2)"))
	fmt.Printf("Σ x(2) = %.4f, ∂/∂α = %.4f\n", sum, grad)
	// Output:
	// x(2) = [1.0000 0.8647 0.4332]
	// Σ x(2) = 2.2978, ∂/∂α = [0.4390 0.6436]
}
