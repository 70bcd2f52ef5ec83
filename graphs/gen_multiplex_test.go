package graphs_test

import (
	"math"
	"slices"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// TestERMultiplex: Table 2's 3-layer column at 30 % overlap: o = 750 shared
// users, N = 750 + 0 + 1250 + 1750 = 3750; each layer's edges within 5
// standard deviations of n_i·5 (binomial); shared users only in the shared
// range; the same seed gives the same multiplex, another seed another.
func TestERMultiplex(t *testing.T) {
	sizes, err := graphs.Table2Sizes(3)
	if err != nil {
		t.Fatal(err)
	}
	m, err := graphs.ERMultiplex(sizes, 0.3, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.N() != 3750 || len(m.Layers) != 3 {
		t.Fatalf("N = %d, layers %d; want 3750, 3", m.N(), len(m.Layers))
	}
	const o = 750
	own := []int{o, o, o + 1250} // first own id of each layer
	for i, g := range m.Layers {
		want := float64(sizes[i]) * 5
		if d := math.Abs(float64(g.NumPairs()) - want); d > 5*math.Sqrt(want) {
			t.Errorf("layer %d: %d edges, want about %v", i+1, g.NumPairs(), want)
		}
		lo, hi := own[i], own[i]+max(sizes[i]-o, 0)
		for v := 0; v < g.N; v++ {
			if g.OutDegree(v) > 0 && v >= o && (v < lo || v >= hi) {
				t.Fatalf("layer %d: node %d has edges outside the layer's users", i+1, v)
			}
		}
	}
	again, _ := graphs.ERMultiplex(sizes, 0.3, 10, 1)
	other, _ := graphs.ERMultiplex(sizes, 0.3, 10, 2)
	for i := range m.Layers {
		if !slices.Equal(m.Layers[i].Dst, again.Layers[i].Dst) {
			t.Errorf("layer %d differs for the same seed", i+1)
		}
	}
	if slices.Equal(m.Layers[2].Dst, other.Layers[2].Dst) {
		t.Error("seeds 1 and 2 give the same layer 3")
	}
	for _, k := range []int{2, 10} {
		if _, err := graphs.Table2Sizes(k); err == nil {
			t.Errorf("Table2Sizes(%d) accepted", k)
		}
	}
	if _, err := graphs.ERMultiplex(sizes, 1.5, 10, 1); err == nil {
		t.Error("overlap 1.5 accepted")
	}
	// Table 2's totals: k·max n_i nodes, 25,000 + o(k−1) edges, for every column.
	for k := 3; k <= 9; k++ {
		s, _ := graphs.Table2Sizes(k)
		sum := 0
		for _, n := range s {
			sum += n
		}
		if sum != 5000 {
			t.Errorf("%d layers: sizes sum to %d", k, sum)
		}
	}
}
