package nmf

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestSpanCoversOnce checks that span visits every index of [0, total)
// exactly once, below, at and above the split threshold, with 1, 2 and 3
// workers (an off-by-one block boundary fails it).
func TestSpanCoversOnce(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	for _, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		for _, total := range []int{0, 1, spanMin - 1, spanMin, 2*spanMin + 1, 3*spanMin + 7} {
			seen := make([]atomic.Int32, total)
			span(total, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					seen[i].Add(1)
				}
			})
			for i := range seen {
				if c := seen[i].Load(); c != 1 {
					t.Fatalf("GOMAXPROCS %d, total %d: index %d visited %d times", procs, total, i, c)
				}
			}
		}
	}
}
