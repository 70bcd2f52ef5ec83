// Package parallel holds the small pieces every deterministic parallel loop
// of spread shares: the worker count, a work-sharing loop over indices, and
// the SplitMix64 mixer that turns an index into an independent random
// stream. Results never depend on the number of workers as long as each
// index draws from its own stream and is aggregated by index or with
// order-independent operations.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// SplitMix64 is the finaliser of SplitMix64 (Steele, Lea & Flood, OOPSLA
// 2014), a bijective mixer of 64-bit words: it spreads consecutive indices
// over a PCG's state space so neighbouring streams are unrelated.
func SplitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Workers resolves a worker count: ≤ 0 means runtime.GOMAXPROCS(0), and
// never more workers than items (at least 1).
func Workers(workers, items int) int {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return max(1, min(workers, items))
}

// For calls body(w, idx) for idx = 0..n-1 on workers goroutines (w =
// 0..workers-1, as resolved by the caller), which take chunks of chunk
// consecutive indices from a shared counter. Calls with the same w never
// overlap, so per-worker state needs no locks; the order of idx is
// unspecified. With one worker it runs on the calling goroutine.
func For(n, workers, chunk int, body func(w, idx int)) {
	if n <= 0 {
		return
	}
	var next atomic.Int64
	run := func(w int) {
		for {
			lo := int(next.Add(int64(chunk))) - chunk
			if lo >= n {
				return
			}
			for idx := lo; idx < min(lo+chunk, n); idx++ {
				body(w, idx)
			}
		}
	}
	if workers <= 1 {
		run(0)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { run(w) })
	}
	wg.Wait()
}

// Ordered is For with chunks of one item and an ordered reduction: after
// work(w, i) it calls reduce(w, i) for i = 0, 1, …, n−1 strictly in that
// order and one at a time, so a floating-point sum over items gives the
// same bits whatever the number of workers. A worker holds its result
// until its turn comes, so reduce may read per-worker buffers that work
// filled.
func Ordered(n, workers int, work, reduce func(w, i int)) {
	var (
		mu   sync.Mutex
		cond = sync.NewCond(&mu)
		turn int
	)
	For(n, workers, 1, func(w, i int) {
		work(w, i)
		mu.Lock()
		for turn != i {
			cond.Wait()
		}
		reduce(w, i)
		turn++
		cond.Broadcast()
		mu.Unlock()
	})
}
