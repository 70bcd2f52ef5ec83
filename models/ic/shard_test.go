package ic

import (
	"slices"
	"testing"
)

// TestActivationCountsShards: the counts of disjoint ranges of cascades,
// added in any order and finished by MarginalsFromCounts, equal Marginals
// bit for bit (the contract a distributed run relies on).
func TestActivationCountsShards(t *testing.T) {
	g, alpha := simRandomGraph(t, 300, 2.5, 5)
	const runs, T, seed = 1000, 5, 42
	sim := NewSimulator(g, alpha, T)
	for _, tc := range []struct {
		name string
		init Init
	}{
		{"seed set", SeedSet(3, 17)},
		{"stochastic", Stochastic(simFilled(g.N, 0.02))},
		{"uniform seed", UniformSeed(nil)},
	} {
		want := sim.Marginals(nil, tc.init, runs, seed, 2)
		for _, cuts := range [][]int{{0, runs}, {0, 1, 500, 999, runs}, {0, 333, 334, 700, runs}} {
			// Shards in reverse order, each on a different worker count.
			sum := make([]float64, T*g.N)
			for k := len(cuts) - 2; k >= 0; k-- {
				part := NewSimulator(g, alpha, T).ActivationCounts(nil, tc.init, cuts[k], cuts[k+1], seed, k+1)
				for j, x := range part {
					sum[j] += x
				}
			}
			if got := MarginalsFromCounts(sum, g.N, runs); !slices.Equal(got, want) {
				t.Errorf("%s, cuts %v: sharded marginals differ from Marginals", tc.name, cuts)
			}
		}
	}
	// An empty range adds nothing.
	if c := sim.ActivationCounts(nil, SeedSet(0), 5, 5, seed, 1); slices.ContainsFunc(c, func(x float64) bool { return x != 0 }) {
		t.Error("empty range counted cascades")
	}
}
