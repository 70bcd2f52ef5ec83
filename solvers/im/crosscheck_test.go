// Cross-checks against other packages of the module. They used to sit behind
// a build tag (crosscheck) that neither the README's test command nor .ci/run
// passes, so they never ran; they take about 2 s, so they now run in the
// default go test ./... (models/ic does not import solvers/im, so there is
// no import cycle). Run them alone with
//
//	go test -run CrossCheck ./solvers/im/

package im

import (
	"math"
	"testing"

	"github.com/spread-dev/spread/internal/difftest"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/ic"
)

// TestCrossCheckModelsIC compares the MC oracle with models/ic's forward
// simulator (sequential random streams, no world keys) on random graphs.
func TestCrossCheckModelsIC(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n, m  int
		wc    bool
		seeds []int
	}{
		{"random p", 300, 1500, false, []int{0, 1, 2}},
		{"weighted cascade (geometric nodes)", 300, 6000, true, []int{5, 50}},
	} {
		g := difftest.RandomGraph(t, tc.n, tc.m, 0, 0.3, 71)
		p := g.Weight
		if tc.wc {
			p = diffusion.WeightedCascade(nil, g)
		}
		m, err := ic.NewModel(g, p)
		if err != nil {
			t.Fatal(err)
		}
		got, se := (&MC{Model: m, Runs: 50000, Seed: 1}).Spread(tc.seeds)
		want, wse := ic.Spread(g, p, tc.seeds, 50000, 2, 0)
		if math.Abs(got-want) > 4.5*math.Hypot(se, wse) {
			t.Errorf("%s: im %.3f ± %.3f, models/ic %.3f ± %.3f", tc.name, got, se, want, wse)
		}
		t.Logf("%s: im %.3f ± %.3f, models/ic %.3f ± %.3f", tc.name, got, se, want, wse)
	}
}
