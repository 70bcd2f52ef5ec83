package cic

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// BenchmarkSimulateKronecker simulates the NMF paper's training cascades on
// hierarchical Kronecker networks (n = 1024, d = 4; α ~ U[0.1, 1]; λ, k ~
// U[1, 10]; source sets of size 1..10; T = 20) and reports cascades/s.
// One op is 1000 cascades on 1 and on all cores.
func BenchmarkSimulateKronecker(b *testing.B) {
	g, err := graphs.Kronecker(10, graphs.KroneckerHierarchical, 4, 1)
	if err != nil {
		b.Fatal(err)
	}
	sets, err := RandomSourceSets(g.N, 1000, 1, 10, 2)
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []Delay{Exponential(), Rayleigh(), Weibull()} {
		p, err := RandomParams(g, d, DefaultRanges(), 1)
		if err != nil {
			b.Fatal(err)
		}
		sim, err := NewSimulator(g, d, p, 20)
		if err != nil {
			b.Fatal(err)
		}
		for _, w := range []int{1, 0} {
			b.Run(fmt.Sprintf("%v/workers=%d", d, w), func(b *testing.B) {
				var infected atomic.Int64
				runs := 0
				for b.Loop() {
					sim.SimulateMany(len(sets), 3, w, func(k int) []int { return sets[k] }, func(_, _ int, c Cascade) { infected.Add(int64(c.Len())) })
					runs++
				}
				b.ReportMetric(float64(runs*len(sets))/b.Elapsed().Seconds(), "cascades/s")
				b.ReportMetric(float64(infected.Load())/float64(runs*len(sets)), "infected/cascade")
			})
		}
	}
}
