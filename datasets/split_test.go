package datasets_test

import (
	"slices"
	"testing"

	"github.com/spread-dev/spread/datasets"
)

func TestSplitCascades(t *testing.T) {
	c := &datasets.Cascades{N: 3, T: 2, Off: []int{0}}
	for k := range 10 {
		c.IDs = append(c.IDs, string(rune('a'+k)))
		c.Node = append(c.Node, int32(k%3))
		c.Time = append(c.Time, 0)
		c.Off = append(c.Off, len(c.Node))
	}
	tests := []struct {
		frac     float64
		seed     uint64
		wantHeld int
	}{{0.2, 1, 2}, {0.2, 2, 2}, {0.01, 1, 1}, {0.99, 1, 9}, {0.5, 7, 5}}
	for _, tt := range tests {
		fit, held, err := datasets.SplitCascades(c, tt.frac, tt.seed)
		if err != nil {
			t.Fatal(err)
		}
		if held.M() != tt.wantHeld || fit.M()+held.M() != 10 {
			t.Errorf("frac %v: %d held, %d fit, want %d held of 10", tt.frac, held.M(), fit.M(), tt.wantHeld)
		}
		all := append(slices.Clone(fit.IDs), held.IDs...)
		slices.Sort(all)
		if !slices.Equal(all, c.IDs) {
			t.Errorf("frac %v: not a partition: %v", tt.frac, all)
		}
		for _, s := range []*datasets.Cascades{fit, held} {
			for k := range s.M() {
				id := int(s.IDs[k][0] - 'a')
				if n, _ := s.Cascade(k); len(n) != 1 || n[0] != int32(id%3) {
					t.Errorf("cascade %s has nodes %v", s.IDs[k], n)
				}
			}
		}
		fit2, held2, _ := datasets.SplitCascades(c, tt.frac, tt.seed)
		if !slices.Equal(fit2.IDs, fit.IDs) || !slices.Equal(held2.IDs, held.IDs) {
			t.Errorf("frac %v seed %v: split not deterministic", tt.frac, tt.seed)
		}
	}
	a, _, _ := datasets.SplitCascades(c, 0.5, 1)
	b, _, _ := datasets.SplitCascades(c, 0.5, 2)
	if slices.Equal(a.IDs, b.IDs) {
		t.Error("seeds 1 and 2 give the same split")
	}
	for _, f := range []float64{0, 1, -0.1} {
		if _, _, err := datasets.SplitCascades(c, f, 1); err == nil {
			t.Errorf("frac %v: no error", f)
		}
	}
	one := &datasets.Cascades{N: 3, T: 2, IDs: []string{"a"}, Off: []int{0, 1}, Node: []int32{0}, Time: []int32{0}}
	if _, _, err := datasets.SplitCascades(one, 0.5, 1); err == nil {
		t.Error("one cascade: no error")
	}
}
