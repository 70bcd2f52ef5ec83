package ic_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// simPathGraph returns the path 0 → 1 → 2 with α_01 = 1 and α_12 = 0.5
// (edge ids 0 and 1).
func simPathGraph() (*graphs.Graph, []float64) {
	g, _, err := graphs.FromEdges(3, []int{0, 1}, []int{1, 2}, nil, graphs.BuildOptions{})
	if err != nil {
		panic(err)
	}
	return g, []float64{1, 0.5}
}

func ExampleSimulator_SimulateOne() {
	g, alpha := simPathGraph()
	sim := ic.NewSimulator(g, alpha, 3) // slots 0, 1, 2; censored = 3
	rng := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		c := sim.SimulateOne(rng, ic.SeedSet(0))
		fmt.Println("nodes", c.Nodes, "times", c.Times, "dense", sim.Times(nil))
	}
	// Output:
	// nodes [0 1 2] times [0 1 2] dense [0 1 2]
	// nodes [0 1 2] times [0 1 2] dense [0 1 2]
	// nodes [0 1 2] times [0 1 2] dense [0 1 2]
	// nodes [0 1 2] times [0 1 2] dense [0 1 2]
	// nodes [0 1 2] times [0 1 2] dense [0 1 2]
	// nodes [0 1] times [0 1] dense [0 1 3]
	// nodes [0 1] times [0 1] dense [0 1 3]
	// nodes [0 1] times [0 1] dense [0 1 3]
}

func ExampleSimulator_Marginals() {
	g, alpha := simPathGraph()
	sim := ic.NewSimulator(g, alpha, 3)
	// Exact: p_1(t) = 1 for t ≥ 1, p_2(2) = α_01·α_12 = 0.5.
	p := sim.Marginals(nil, ic.SeedSet(0), 100_000, 1, 2)
	for t := 0; t < 3; t++ {
		fmt.Printf("t=%d: %.3f\n", t, p[t*g.N:(t+1)*g.N])
	}
	// Output:
	// t=0: [1.000 0.000 0.000]
	// t=1: [1.000 1.000 0.000]
	// t=2: [1.000 1.000 0.500]
}

func ExampleSpread() {
	g, alpha := simPathGraph()
	// σ({0}) = 1 + 1 + 0.5 = 2.5 to quiescence.
	mean, se := ic.Spread(g, alpha, []int{0}, 100_000, 1, 2)
	fmt.Printf("σ({0}) = %.2f ± %.3f\n", mean, se)
	// Output:
	// σ({0}) = 2.50 ± 0.002
}
