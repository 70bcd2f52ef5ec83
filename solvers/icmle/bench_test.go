package icmle

import (
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// BenchmarkFit times simulating the cascades plus building the statistics
// (AddSparse), and Fit, on the full-observation settings of the paper's
// Figs. 1a and 2a: N = 100, paper length 5 (T = 4), 10^4 single-seed
// cascades, α* ~ U[0,1], on the 3-regular tree and on an Erdős–Rényi graph
// of mean degree 3 (loopy, so success events couple parameters).
func BenchmarkFit(b *testing.B) {
	const N, T, M = 100, 4, 10_000
	tree, err := graphs.RegularTree(N, 3)
	if err != nil {
		b.Fatal(err)
	}
	er, err := graphs.ErdosRenyi(N, 3, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		g    *graphs.Graph
	}{{"tree", tree}, {"ER", er}} {
		rng := rand.New(rand.NewPCG(1, 2))
		star := uniform(rng, c.g.NumPairs(), 0, 1)
		var p *Problem
		b.Run(c.name+"/simulate+add", func(b *testing.B) {
			for b.Loop() {
				p = simulate(b, c.g, star, T, M, ic.UniformSeed(nil), 3)
			}
		})
		b.Run(c.name+"/fit", func(b *testing.B) {
			var res *Result
			for b.Loop() {
				res, err = Fit(p, nil)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Stats.Iterations), "iters")
			b.ReportMetric(float64(p.NumEvents()), "events")
		})
	}
}
