package deepim_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/deepim"
)

// Two IC layers on 30 nodes with p = 1: layer a is the star 0→{3..12},
// layer b the stars 1→{13..22} and 2→{23..29}. The best three seeds are
// the hubs (σ = 30; any other triple reaches at most 23).
func Example() {
	star := func(src, dst []int, hub, lo, hi int) ([]int, []int) {
		for v := lo; v <= hi; v++ {
			src, dst = append(src, hub), append(dst, v)
		}
		return src, dst
	}
	s1, d1 := star(nil, nil, 0, 3, 12)
	s2, d2 := star(nil, nil, 1, 13, 22)
	s2, d2 = star(s2, d2, 2, 23, 29)
	ga, _, _ := graphs.FromEdges(30, s1, d1, nil, graphs.BuildOptions{})
	gb, _, _ := graphs.FromEdges(30, s2, d2, nil, graphs.BuildOptions{})
	mx, _ := graphs.NewMultiplex([]string{"a", "b"}, []*graphs.Graph{ga, gb})
	ones := func(k int) []float64 { return slices.Repeat([]float64{1}, k) }
	m, _ := multiplex.New(mx, []multiplex.Layer{{Values: ones(len(s1))}, {Values: ones(len(s2))}}, nil)

	cfg := deepim.Config{Budget: 3, Samples: 128, Runs: 1, Epochs: 200, Hidden: 32, Latent: 8, Features: 8, Layers: 2, Epsilon: -1, Seed: 1}
	model, st, err := deepim.Train(context.Background(), m, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	seeds, err := model.Select(3)
	if err != nil {
		fmt.Println(err)
		return
	}
	slices.Sort(seeds)
	fmt.Println("epochs:", st.Epochs)
	fmt.Println("seeds:", seeds)
	// Output:
	// epochs: 200
	// seeds: [0 1 2]
}
