package parallel

import (
	"sync/atomic"
	"testing"
)

// TestFor checks that every index is visited exactly once, by worker ids in
// range, for several worker counts and chunk sizes.
func TestFor(t *testing.T) {
	for _, workers := range []int{1, 2, 5} {
		for _, chunk := range []int{1, 3, 16} {
			const n = 101
			var seen [n]atomic.Int32
			bad := atomic.Bool{}
			For(n, workers, chunk, func(w, idx int) {
				if w < 0 || w >= max(workers, 1) {
					bad.Store(true)
				}
				seen[idx].Add(1)
			})
			for i := range seen {
				if seen[i].Load() != 1 || bad.Load() {
					t.Fatalf("workers %d chunk %d: index %d visited %d times (bad worker %v)", workers, chunk, i, seen[i].Load(), bad.Load())
				}
			}
		}
	}
	For(0, 2, 4, func(int, int) { t.Fatal("called for n = 0") })
}

// TestWorkersAndMixer checks the worker resolution and SplitMix64 against
// the reference output of SplitMix64 seeded with 0 (Vigna's splitmix64.c:
// the first output is the finaliser of 0x9e3779b97f4a7c15).
func TestWorkersAndMixer(t *testing.T) {
	if Workers(3, 2) != 2 || Workers(5, 0) != 1 || Workers(0, 1) != 1 || Workers(2, 10) != 2 {
		t.Error("Workers")
	}
	if got := SplitMix64(0); got != 0xe220a8397b1dcdaf {
		t.Errorf("SplitMix64(0) = %#x, want 0xe220a8397b1dcdaf", got)
	}
}

// TestOrdered checks that reductions run in item order, one at a time,
// each after its own work, for several worker counts.
func TestOrdered(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		const n = 57
		done := make([]atomic.Bool, n)
		var order []int
		Ordered(n, workers, func(w, i int) { done[i].Store(true) }, func(w, i int) {
			if !done[i].Load() {
				t.Errorf("reduce %d before its work", i)
			}
			order = append(order, i) // serialised by Ordered
		})
		for i, v := range order {
			if v != i {
				t.Fatalf("workers %d: reduction order %v", workers, order)
			}
		}
		if len(order) != n {
			t.Fatalf("workers %d: %d reductions", workers, len(order))
		}
	}
}
