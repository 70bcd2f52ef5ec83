package optim_test

import (
	"fmt"

	"github.com/spread-dev/spread/train/optim"
)

// Minimise f(x) = (x − 3)² from x = 0 with Adam, annealing the learning rate
// from 0.1 to 0 over 500 steps.
func ExampleAdam() {
	x := &optim.Param{Name: "x", Value: []float64{0}, Grad: make([]float64, 1)}
	params := []*optim.Param{x}
	opt := &optim.Adam{Schedule: optim.Cosine{LR0: 0.1, Total: 500}}
	for k := range 500 {
		x.Grad[0] = 2 * (x.Value[0] - 3) // f'(x)
		if err := opt.Step(params); err != nil {
			fmt.Println(err)
			return
		}
		if k == 0 || k == 99 {
			fmt.Printf("step %3d: x = %.4f\n", k+1, x.Value[0])
		}
	}
	fmt.Printf("step 500: x = %.6f\n", x.Value[0])
	// Output:
	// step   1: x = 0.1000
	// step 100: x = 2.9808
	// step 500: x = 3.000000
}

// SLICER (docs/SLICER.md §2) ascends the log-likelihood and keeps every
// α in the open interval (0, 1) by halving that coordinate's step until the
// new value lies inside. The rule needs the value from before the step, so
// the caller copies it before Step and the projection reads the copy.
//
// Here O(α) = 10·log α + 2·log(1 − α), maximised at α = 10/12.
func ExampleProjectFunc() {
	alpha := &optim.Param{Name: "alpha", Value: []float64{0.05}, Grad: make([]float64, 1)}
	prev := make([]float64, len(alpha.Value))
	alpha.Project = optim.ProjectFunc(func(p *optim.Param) {
		for i, a := range p.Value {
			for j := 0; (a <= 0 || a >= 1) && j < 64; j++ {
				a = prev[i] + (a-prev[i])/2
			}
			if a <= 0 || a >= 1 {
				a = prev[i]
			}
			p.Value[i] = a
		}
	})
	params := []*optim.Param{alpha}
	opt := &optim.SGD{Maximize: true, Schedule: optim.InvSqrt{LR0: 0.01, K0: 50}}
	for k := range 200 {
		a := alpha.Value[0]
		alpha.Grad[0] = 10/a - 2/(1-a) // ∂O/∂α
		copy(prev, alpha.Value)
		if err := opt.Step(params); err != nil {
			fmt.Println(err)
			return
		}
		if k == 0 {
			// The full step would reach 0.05 + 0.01·197.9 ≈ 2.03; two halvings.
			fmt.Printf("step 1: α = %.4f\n", alpha.Value[0])
		}
	}
	fmt.Printf("step 200: α = %.4f\n", alpha.Value[0])
	// Output:
	// step 1: α = 0.5447
	// step 200: α = 0.8333
}

// SLICER's schedule with K0 = 400: constant up to step 400, then 1/√ decay.
func ExampleInvSqrt() {
	s := optim.InvSqrt{LR0: 1, K0: 400}
	for _, k := range []int{0, 400, 401, 403, 499} {
		fmt.Printf("LR(%d) = %.4f\n", k, s.LR(k))
	}
	// Output:
	// LR(0) = 1.0000
	// LR(400) = 1.0000
	// LR(401) = 0.7071
	// LR(403) = 0.5000
	// LR(499) = 0.1000
}
