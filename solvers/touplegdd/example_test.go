package touplegdd_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/touplegdd"
)

// Two layers of out-stars with certain edges: layer a holds hubs 0 (4
// leaves) and 9 (1 leaf), layer b hub 5 (3 leaves) and hub 11 (2 leaves).
// The best two seeds are the hubs 0 and 5 (σ = 5 + 4 = 9).
func Example() {
	a, _, _ := graphs.FromEdges(14, []int{0, 0, 0, 0, 9}, []int{1, 2, 3, 4, 10}, nil, graphs.BuildOptions{})
	b, _, _ := graphs.FromEdges(14, []int{5, 5, 5, 11, 11}, []int{6, 7, 8, 12, 13}, nil, graphs.BuildOptions{})
	mx := &graphs.Multiplex{Names: []string{"a", "b"}, Layers: []*graphs.Graph{a, b}}
	m, err := multiplex.New(mx, []multiplex.Layer{{Kind: multiplex.IC}, {Kind: multiplex.LT}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := touplegdd.DefaultConfig(2)
	cfg.Seed, cfg.Runs = 1, 10
	agent, st, err := touplegdd.Train(context.Background(), m, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	seeds, err := agent.Select(2)
	if err != nil {
		fmt.Println(err)
		return
	}
	slices.Sort(seeds)
	fmt.Println("seeds:", seeds, "best training spread:", st.BestSpread)
	// Output:
	// seeds: [0 5] best training spread: 9
}
