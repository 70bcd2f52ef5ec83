package compiled_test

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/models/compiled"
)

// A forward program over named inputs becomes an objective with its
// gradient: here f(a) = Σ_i c_i·a_i², built once, evaluated at two points.
func ExampleNew() {
	obj, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		a := d.Param("a", []int{2}, nil)
		c := d.Input("c", []int{2}, []float64{1, 3})
		return G.Mul(c, G.Must(G.Square(a))) // a dot product: Σ c_i a_i²
	}, &compiled.Options{Name: "example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer obj.Close()
	grad := make([]float64, 2)
	for _, x := range [][]float64{{1, 1}, {2, -1}} {
		f, _ := obj.Eval(x, grad)
		fmt.Println(f, grad)
	}
	// Output:
	// 4 [2 6]
	// 7 [4 -6]
}
