package im_test

import (
	"fmt"
	"github.com/spread-dev/spread/train"
	"log"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/im"
)

// A star 0 → {1, 2, 3} with probability 1/2 per edge and a sure edge 3 → 4.
// By hand: σ({0}) = 1 + 3·½ + ½ = 3 (node 4 via 3), σ({3}) = 2, a leaf
// alone gives 1, and σ({0, 3}) = 4. So the best single seed is 0 and the
// best second seed is 3, with gain 1.
func star() *ic.Model {
	g, _, err := graphs.FromEdges(5, []int{0, 0, 0, 3}, []int{1, 2, 3, 4},
		[]float64{0.5, 0.5, 0.5, 1}, graphs.BuildOptions{})
	if err != nil {
		log.Fatal(err)
	}
	m, err := ic.NewModel(g, nil) // probabilities from g.Weight
	if err != nil {
		log.Fatal(err)
	}
	return m
}

func ExampleCELF() {
	m := star()
	exact, err := im.NewExact(m) // enumerates the 2^3 live-edge worlds
	if err != nil {
		log.Fatal(err)
	}
	res, err := im.Maximize(&im.Problem{Model: m, Oracle: exact, K: 2}, nil, im.CELF{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("seeds:", res.Seeds)
	fmt.Println("gains:", res.Gains)
	fmt.Println("spread:", res.Spread, res.Status)
	// Output:
	// seeds: [0 3]
	// gains: [3 1]
	// spread: 4 Success
}

func ExampleIMM() {
	m := star()
	res, err := im.Maximize(&im.Problem{Model: m, K: 2}, &im.Settings{Seed: 1}, &im.IMM{Epsilon: 0.1})
	if err != nil {
		log.Fatal(err)
	}
	mc := &im.MC{Model: m, Runs: 100000, Seed: 2}
	sigma, _ := mc.Spread(res.Seeds)
	fmt.Println("seeds:", res.Seeds)
	fmt.Printf("IMM estimate %.1f, MC %.1f\n", res.Spread, sigma)
	// Output:
	// seeds: [0 3]
	// IMM estimate 4.0, MC 4.0
}

func ExampleProjectCappedSimplex() {
	// Project y onto {u ∈ [0,1]^4 : Σu = 2}: τ = −0.2 clips the first
	// coordinate at 1 and the last at 0.
	u := im.ProjectCappedSimplex(nil, []float64{0.9, 0.5, 0.1, -0.3}, 2)
	fmt.Printf("%.3g\n", u)
	// Output:
	// [1 0.7 0.3 0]
}

func ExampleProjectedGradient() {
	// A modular relaxation f(u) = c·u: ascent over the capped simplex ends at
	// the indicator of the k largest c_i.
	c := []float64{0.2, 0.9, 0.1, 0.7, 0.4}
	f := train.ObjectiveFunc(func(u, grad []float64) (float64, error) {
		v := 0.0
		for i := range u {
			v += c[i] * u[i]
			grad[i] = c[i]
		}
		return v, nil
	})
	res, err := im.Maximize(&im.Problem{N: 5, K: 2}, nil, &im.ProjectedGradient{Objective: f, Step: 0.5})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Seeds, res.Status)
	fmt.Printf("u = %.2g, f = %.2g\n", res.Relaxed, res.Spread)
	// Output:
	// [1 3] Converged
	// u = [0 1 0 1 0], f = 1.6
}
