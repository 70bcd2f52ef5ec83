package gat_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/spread-dev/spread/models/gat"
)

// A one-head layer on the 3-node path 0 → 1 → 2 with self-loops: node 1
// attends to itself and to node 0, node 0 only to itself, so its
// coefficient on its self-loop is exactly 1.
func Example() {
	cfg := gat.DefaultConfig(2, 1)
	cfg.Layers = []gat.LayerConfig{{Out: 1, Heads: 1}}
	top, err := gat.NewTopology(3, []int{0, 1}, []int{1, 2}, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	theta, err := gat.Init(cfg, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []float64{1, 0, 0, 1, 1, 1}
	h, alpha, err := gat.Apply(cfg, theta, top, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("edges:", len(top.Src), "outputs:", len(h))
	// Edges 0→1, 1→2, then the self-loops 0→0, 1→1, 2→2.
	fmt.Printf("α(0→0) = %.3f, α(0→1) + α(1→1) = %.3f\n", alpha[0][2], alpha[0][0]+alpha[0][3])
	// Output:
	// edges: 5 outputs: 3
	// α(0→0) = 1.000, α(0→1) + α(1→1) = 1.000
}
