package slicer_test

import (
	"fmt"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train/slicer"
)

// Learn the two transmission probabilities of the path 1 – 0 – 2 from
// 20000 simulated cascades, each started at one uniformly drawn node and
// observed for T = 3 time steps, with the paper's settings (ascent from
// α = 0.5, ε₀ = N/(M·T_code·80)).
func ExampleLearn() {
	g, err := graphs.RegularTree(3, 2) // node 0 with children 1 and 2
	if err != nil {
		fmt.Println(err)
		return
	}
	alphaStar := []float64{0.3, 0.7} // θ*, one entry per undirected edge
	cascades, err := datasets.Synthetic(g, ic.ExpandAlpha(nil, g, alphaStar),
		datasets.SyntheticConfig{M: 20000, T: 3, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	obs := datasets.Counts(cascades, nil, true, nil) // one class per seed

	res, err := slicer.Learn(g, obs, slicer.DefaultConfig(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("status:", res.Status)
	for p, a := range res.Theta {
		e := g.PairEdge[p]
		fmt.Printf("α(%d–%d) = %.2f (true %.2f)\n", g.Src[e], g.Dst[e], a, alphaStar[p])
	}
	fmt.Printf("mean |α − α*| < 0.02: %v\n", slicer.MeanAbsError(res.Theta, alphaStar, nil) < 0.02)
	// Output:
	// status: Converged
	// α(0–1) = 0.31 (true 0.30)
	// α(0–2) = 0.70 (true 0.70)
	// mean |α − α*| < 0.02: true
}
