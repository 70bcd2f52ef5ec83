package diffusion

import (
	"fmt"
	"math"
	"math/bits"
	"sync"

	"github.com/spread-dev/spread/internal/parallel"
)

// Reacher is the forward half of a Sampler: what Monte-Carlo estimation
// needs. Models that can only be simulated forward (the multiplex model
// with LT thresholds) provide it without RRSet.
type Reacher interface {
	Reach(dst []int32, w World, seeds []int) []int32
}

// mcChunk is the number of runs per work item.
const mcChunk = 64

// MC is the Monte-Carlo spread estimator of every forward model: it
// averages |Reach(w_r, S)| over the worlds w_r = Stream(Seed, Stream).World(r),
// r = 0..Runs−1, in parallel. The worlds do not depend on S (common random
// numbers), so Spread is a deterministic function of the seed set; the sums
// are exact 128-bit integers until the final division, so the result does
// not depend on Workers or on the order in which workers finish.
//
// Set the fields before the first call and do not change them afterwards;
// an MC must not be copied after first use. Spread is safe for concurrent
// use (workers' reachers are pooled).
type MC struct {
	// N is the number of nodes; NewReacher returns a fresh reacher for one
	// worker. Both required.
	N          int
	NewReacher func() Reacher
	// Runs is R (> 0); Seed and Stream select the worlds.
	Runs         int
	Seed, Stream uint64
	// Workers is the number of goroutines (≤ 0: GOMAXPROCS).
	Workers int

	mu   sync.Mutex
	free []*mcWorker
}

type mcWorker struct {
	r         Reacher
	buf       []int32
	sum, sum2 acc128
}

// Spread returns the mean spread over Runs worlds and its standard error
// sqrt(s²/R), s² the unbiased sample variance (NaN when R = 1). It panics
// if a seed is outside 0..N−1 or Runs < 1.
func (o *MC) Spread(seeds []int) (mean, stderr float64) {
	if o.Runs < 1 {
		panic("diffusion: MC.Runs < 1")
	}
	return o.Sums(seeds, 0, o.Runs).MeanStderr()
}

// Sums are the exact integer sums of the Monte-Carlo spread over a range of
// worlds: the number of worlds, Σ|Reach| and Σ|Reach|², the last two as
// unsigned 128-bit integers (Hi·2^64 + Lo). Sums of disjoint ranges add
// exactly, in any order.
type Sums struct {
	Runs             int
	SumHi, SumLo     uint64
	SumSqHi, SumSqLo uint64
}

// Add returns the sums of the union of the two (disjoint) ranges.
func (s Sums) Add(t Sums) Sums {
	a, b := acc128{s.SumHi, s.SumLo}, acc128{s.SumSqHi, s.SumSqLo}
	a.addAcc(acc128{t.SumHi, t.SumLo})
	b.addAcc(acc128{t.SumSqHi, t.SumSqLo})
	return Sums{Runs: s.Runs + t.Runs, SumHi: a.hi, SumLo: a.lo, SumSqHi: b.hi, SumSqLo: b.lo}
}

// MeanStderr returns the mean over the worlds and its standard error, as
// MC.Spread does (NaN stderr for one world; NaN mean for none).
func (s Sums) MeanStderr() (mean, stderr float64) {
	return meanStderr(acc128{s.SumHi, s.SumLo}, acc128{s.SumSqHi, s.SumSqLo}, s.Runs)
}

// Sums returns the exact sums of |Reach(w_r, seeds)| over the worlds
// r = lo..hi−1 of Spread (keyed by Seed, Stream and r alone), so that
// Spread = Σ_k Sums(seeds, r_k, r_{k+1}) for any split 0 = r_0 < … < r_m =
// Runs, bit for bit: the hook for sharding the estimate across machines.
// Runs is ignored. It panics if lo < 0 or a seed is outside 0..N−1; an
// empty range gives zero sums.
func (o *MC) Sums(seeds []int, lo, hi int) Sums {
	if lo < 0 {
		panic(fmt.Sprintf("diffusion: MC.Sums from world %d", lo))
	}
	for _, s := range seeds {
		CheckNode(s, o.N)
	}
	if hi <= lo {
		return Sums{}
	}
	key := NewStream(o.Seed, o.Stream)
	chunks := (hi - lo + mcChunk - 1) / mcChunk
	ws := o.get(parallel.Workers(o.Workers, chunks))
	for _, wk := range ws {
		wk.sum, wk.sum2 = acc128{}, acc128{}
	}
	parallel.For(chunks, len(ws), 1, func(w, c int) {
		wk := ws[w]
		for r := lo + c*mcChunk; r < min(hi, lo+(c+1)*mcChunk); r++ {
			wk.buf = wk.r.Reach(wk.buf[:0], key.World(uint64(r)), seeds)
			x := uint64(len(wk.buf))
			wk.sum.add(x)
			wk.sum2.add(x * x)
		}
	})
	var sum, sum2 acc128
	for _, wk := range ws {
		sum.addAcc(wk.sum)
		sum2.addAcc(wk.sum2)
	}
	o.put(ws)
	return Sums{Runs: hi - lo, SumHi: sum.hi, SumLo: sum.lo, SumSqHi: sum2.hi, SumSqLo: sum2.lo}
}

func (o *MC) get(k int) []*mcWorker {
	o.mu.Lock()
	defer o.mu.Unlock()
	ws := make([]*mcWorker, k)
	for i := range ws {
		if l := len(o.free); l > 0 {
			ws[i] = o.free[l-1]
			o.free = o.free[:l-1]
		} else {
			ws[i] = &mcWorker{r: o.NewReacher()}
		}
	}
	return ws
}

func (o *MC) put(ws []*mcWorker) {
	o.mu.Lock()
	o.free = append(o.free, ws...)
	o.mu.Unlock()
}

// acc128 is an exact unsigned 128-bit accumulator, so that the sums do not
// depend on the order in which workers add them.
type acc128 struct{ hi, lo uint64 }

func (a *acc128) add(x uint64) {
	var c uint64
	a.lo, c = bits.Add64(a.lo, x, 0)
	a.hi += c
}

func (a *acc128) addAcc(b acc128) {
	var c uint64
	a.lo, c = bits.Add64(a.lo, b.lo, 0)
	a.hi += b.hi + c
}

func (a acc128) float() float64 { return float64(a.hi)*0x1p64 + float64(a.lo) }

// meanStderr turns exact sums into the mean and its standard error.
func meanStderr(sum, sum2 acc128, R int) (mean, stderr float64) {
	fr := float64(R)
	mean = sum.float() / fr
	if R < 2 {
		return mean, math.NaN()
	}
	// Σ(x−mean)² = Σx² − (Σx)²/R from the exact sums.
	ss := max(sum2.float()-sum.float()*mean, 0)
	return mean, math.Sqrt(ss / (fr - 1) / fr)
}
