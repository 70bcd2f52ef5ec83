package distheap

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestHeapSorts pushes random distances and checks that pops come out in
// non-decreasing order with every item returned once.
func TestHeapSorts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h Heap
	var want []float64
	for i := range 500 {
		d := rng.Float64()
		h.Push(d, int32(i))
		want = append(want, d)
		if i%7 == 0 { // interleave pops
			it := h.Pop()
			want = slices.DeleteFunc(want, func(x float64) bool { return x == it.D })
			for _, x := range want {
				if x < it.D {
					t.Fatalf("popped %v while %v remained", it.D, x)
				}
			}
		}
	}
	prev := -1.0
	for len(h) > 0 {
		it := h.Pop()
		if it.D < prev {
			t.Fatalf("out of order: %v after %v", it.D, prev)
		}
		prev = it.D
	}
}
