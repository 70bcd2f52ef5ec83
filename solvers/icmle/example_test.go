package icmle_test

import (
	"fmt"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/solvers/icmle"
)

// Five fully observed cascades on the undirected path 0–1–2 with horizon
// T = 3 (times 0..2, 3 = censored). Counting by hand (package doc, single
// edge): edge {0,1} has successes 0→1 in cascades 1 and 2 and failures 0→1
// in cascade 3 and 1→0 in cascade 5, so α̂_01 = 2/4; edge {1,2} has one
// success (cascade 1) and failures in cascades 2, 4 and 5, so α̂_12 = 1/4.
// ℓ = 4 log ½ + log ¼ + 3 log ¾ = −5.0219.
func ExampleFit() {
	path, _, err := graphs.FromEdges(3, []int{0, 1}, []int{1, 2}, nil, graphs.BuildOptions{Undirected: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := icmle.NewProblem(path, 3)
	for _, times := range [][]int32{
		{0, 1, 2}, // 0 seeds, 0→1 at 1, 1→2 at 2
		{0, 1, 3}, // 1→2 fails
		{0, 3, 3}, // 0→1 fails
		{3, 3, 0}, // 2 seeds, 2→1 fails
		{3, 0, 3}, // 1 seeds, 1→0 and 1→2 fail
	} {
		if err := p.Add(times); err != nil {
			fmt.Println(err)
			return
		}
	}
	res, err := icmle.Fit(p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status)
	fmt.Printf("α_01 = %.4f, α_12 = %.4f\n", res.Alpha[0], res.Alpha[1])
	fmt.Printf("ℓ = %.4f\n", res.LogLik)
	// Output:
	// GradientThreshold
	// α_01 = 0.5000, α_12 = 0.2500
	// ℓ = -5.0219
}
