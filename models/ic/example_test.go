package ic_test

import (
	"fmt"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// The path 2–1–3 of the authors' unit test: node 1 (index 0) is active at
// t = 0 with probability 0.4 and tries once, at t = 1, to activate node 2
// (α = 0.5) and node 3 (α = 0.3). By hand: p_2(1) = 0.4·0.5 = 0.2 and
// p_3(1) = 0.4·0.3 = 0.12, and nothing changes afterwards.
func ExampleDMP_Forward() {
	g, _, err := graphs.FromEdges(3, []int{0, 0}, []int{1, 2}, nil, graphs.BuildOptions{Undirected: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	theta := []float64{0.5, 0.3} // one α per undirected edge: {1,2}, {1,3}
	alpha := ic.ExpandAlpha(nil, g, theta)
	d := ic.NewDMP(g)
	const T = 3
	d.Forward(alpha, []float64{0.4, 0, 0}, T)
	for t := 0; t < T; t++ {
		fmt.Printf("t=%d p=%.2f\n", t, d.Marginals(t))
	}
	mu := ic.Mu(nil, d.P, g.N, T)
	fmt.Printf("µ of node 3 over τ=0..T: %.2f\n", mu[2*(T+1):3*(T+1)])
	// Output:
	// t=0 p=[0.40 0.00 0.00]
	// t=1 p=[0.40 0.20 0.12]
	// t=2 p=[0.40 0.20 0.12]
	// µ of node 3 over τ=0..T: [0.00 0.12 0.00 0.88]
}

// The SLICER objective of ten cascades observed on the same path: node 3 was
// activated at τ = 1 in one cascade and never (τ = T) in nine; the other
// nodes are hidden. O = 1·log 0.12 + 9·log 0.88.
func ExampleObjective() {
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
	o, err := ic.Objective(g, []float64{0.5, 0.3}, obs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("O = %.4f\n", o)
	// Output:
	// O = -3.2708
}
