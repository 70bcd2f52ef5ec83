package im

import (
	"math"
	"testing"

	"github.com/spread-dev/spread/internal/difftest"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/models/lt"
)

// TestMCSumsShards: the sums of disjoint ranges of worlds, added in any
// order, give MC.Spread bit for bit (the contract a distributed run relies
// on), whatever the worker count of each shard.
func TestMCSumsShards(t *testing.T) {
	g := difftest.RandomGraph(t, 200, 600, 0.05, 0.4, 9)
	icm, err := ic.NewModel(g, g.Weight)
	if err != nil {
		t.Fatal(err)
	}
	ltm, err := lt.NewModel(g, difftest.LTWeights(g, 0.8, 9))
	if err != nil {
		t.Fatal(err)
	}
	const R = 1000
	for _, tc := range []struct {
		name  string
		m     diffusion.Model
		seeds []int
	}{
		{"IC", icm, []int{0, 5, 9}},
		{"LT", ltm, []int{1, 2}},
	} {
		mc := &MC{Model: tc.m, Runs: R, Seed: 11, Workers: 2}
		wantM, wantS := mc.Spread(tc.seeds)
		for _, cuts := range [][]int{{0, R}, {0, 1, 64, 500, 999, R}, {0, 333, 334, 700, R}} {
			var sum Sums
			for k := len(cuts) - 2; k >= 0; k-- {
				shard := &MC{Model: tc.m, Seed: 11, Workers: k + 1}
				sum = sum.Add(shard.Sums(tc.seeds, cuts[k], cuts[k+1]))
			}
			gotM, gotS := sum.MeanStderr()
			if sum.Runs != R || gotM != wantM || gotS != wantS {
				t.Errorf("%s, cuts %v: sharded (%v, %v) over %d runs, Spread (%v, %v)", tc.name, cuts, gotM, gotS, sum.Runs, wantM, wantS)
			}
		}
	}
	if m, s := (Sums{}).MeanStderr(); !math.IsNaN(m) || !math.IsNaN(s) {
		t.Errorf("empty sums: (%v, %v), want NaN", m, s)
	}
}
