package openblas_test

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/internal/openblas"
)

// Use once at program start; every gorgonia matrix product after it runs
// in OpenBLAS under -tags openblas, in gonum's pure Go otherwise, with the
// same result to rounding.
func Example() {
	openblas.Use()
	a := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))
	b := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{5, 6, 7, 8}))
	c, err := a.MatMul(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Data(), G.WhichBLAS() != nil)
	// Output: [19 22 43 50] true
}
