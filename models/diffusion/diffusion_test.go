package diffusion_test

import (
	"slices"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/diffusion"
)

// TestThreshold: P(u < Threshold(p)) = ⌈p·2^53⌉/2^53 with the ends exact.
func TestThreshold(t *testing.T) {
	for _, tc := range []struct {
		p    float64
		want uint64
	}{
		{-1, 0}, {0, 0}, {1, diffusion.Unit}, {2, diffusion.Unit},
		{0.5, diffusion.Unit / 2}, // exact
		{0x1p-60, 1},              // rounds up to one draw
		{1 - 0x1p-53, diffusion.Unit - 1},
	} {
		if got := diffusion.Threshold(tc.p); got != tc.want {
			t.Errorf("Threshold(%v) = %d, want %d", tc.p, got, tc.want)
		}
	}
	if u := diffusion.Open01(0); !(u > 0) || diffusion.Open01(diffusion.Unit-2) >= 1 || diffusion.Open01(diffusion.Unit-1) != 1 {
		t.Errorf("Open01 leaves (0, 1) below the top draw, or the top draw is not 1")
	}
}

// TestMarksAppendSeeds: seeds in order, duplicates dropped, Reset empties.
func TestMarksAppendSeeds(t *testing.T) {
	m := diffusion.NewMarks(5)
	m.Reset()
	got := m.AppendSeeds([]int32{-1}, []int{3, 1, 3, 4}, 5)
	if !slices.Equal(got, []int32{-1, 3, 1, 4}) || !m.Has(1) || m.Has(0) {
		t.Fatalf("AppendSeeds = %v", got)
	}
	m.Reset()
	if m.Has(3) {
		t.Error("Reset kept 3")
	}
}

// TestWeightedCascade: x_e = 1/indeg(Dst[e]) on a 3-node graph with an
// in-star at node 2.
func TestWeightedCascade(t *testing.T) {
	g, _, err := graphs.FromEdges(3, []int{0, 1, 2}, []int{2, 2, 0}, nil, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := diffusion.WeightedCascade(nil, g)
	for e, x := range got {
		if want := 1 / float64(g.InDegree(g.Dst[e])); x != want {
			t.Errorf("edge %d: %v, want %v", e, x, want)
		}
	}
	if _, err := diffusion.EdgeValues(g, nil, "IC probabilities"); err == nil {
		t.Error("EdgeValues accepted a graph without weights")
	}
}

// TestWorldStreams: NewWorld is NewStream(…).World, streams differ.
func TestWorldStreams(t *testing.T) {
	if diffusion.NewWorld(1, 2, 3) != diffusion.NewStream(1, 2).World(3) {
		t.Error("NewWorld differs from NewStream(…).World")
	}
	if diffusion.NewWorld(1, 2, 3) == diffusion.NewWorld(1, 5, 3) {
		t.Error("streams 2 and 5 give the same world")
	}
	w := diffusion.NewWorld(7, 7, 7)
	if r := w.Root(10); r < 0 || r >= 10 {
		t.Errorf("Root(10) = %d", r)
	}
}
