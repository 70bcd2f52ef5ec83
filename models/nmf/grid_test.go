package nmf

import (
	"slices"
	"testing"
)

// TestCascadeGrid: the exact mode's grid is the uniform grid merged with a
// cascade's distinct infection times, sorted; a time within 1e-9·h of a
// uniform point (or of another time) adds no point; every event is read at
// its own point (at T: the last interval's right end).
func TestCascadeGrid(t *testing.T) {
	cfg, err := Config{N: 6, T: 2, Steps: 4, Events: Exact}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	c := Cascade{Sources: []int{0}, Nodes: []int{1, 2, 3, 4, 5}, Times: []float64{1.3, 0.5 + 1e-12, 0.2, 1.3 + 1e-12, 2}}
	got := cfg.CascadeGrid(c)
	want := []float64{0, 0.2, 0.5, 1, 1.3, 1.5, 2}
	if !slices.Equal(got, want) {
		t.Fatalf("CascadeGrid = %v, want %v", got, want)
	}
	// Events: node 1 at 1.3 (index 4), node 2 at 0.5 (2), node 3 at 0.2 (1),
	// node 4 at 1.3 (4), node 5 at T (the right end of interval 5).
	ev := cfg.events([]Cascade{c})
	wantK := []int{4, 2, 1, 4, 5}
	for j, e := range ev {
		w0, w1 := 1.0, 0.0
		if j == 4 {
			w0, w1 = 0, 1
		}
		if e.k != wantK[j] || e.w0 != w0 || e.w1 != w1 {
			t.Errorf("event %d: k %d, w (%v, %v); want k %d, w (%v, %v)", j, e.k, e.w0, e.w1, wantK[j], w0, w1)
		}
	}
	cfg.Events = Interp
	if g := cfg.CascadeGrid(c); !slices.Equal(g, cfg.Grid()) {
		t.Errorf("interp mode's grid %v, want the uniform %v", g, cfg.Grid())
	}
}
