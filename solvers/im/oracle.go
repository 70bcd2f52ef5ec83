package im

import (
	"fmt"
	"math/bits"
	"sync"

	"github.com/spread-dev/spread/models/diffusion"
)

// Oracle estimates the expected spread σ(S) = E[number of active nodes at
// the end of the cascade from S] of a seed set S (node indices; duplicates
// count once). It must not modify seeds. stderr is the standard error of
// mean (0 for an exact oracle). Methods in this package call Spread from one
// goroutine at a time.
//
// Oracle is the hook for other estimators: a DMP (message-passing) oracle in
// another package only needs this one method. CELF returns the same seeds as
// Greedy when the oracle is a deterministic, submodular function of the seed
// set, which the MC and Exact oracles are.
type Oracle interface {
	Spread(seeds []int) (mean, stderr float64)
}

// DefaultRuns is the number of Monte-Carlo runs used when MC.Runs is zero.
const DefaultRuns = 10000

// MC is the Monte-Carlo spread oracle: it averages |Reach(w_r, S)| over the
// worlds w_r = diffusion.NewWorld(Seed, ·, r), r = 0..Runs-1, run in parallel. The
// worlds are fixed by Seed and do not depend on S (common random numbers),
// so Spread is a deterministic function of the seed set, and — each world
// being a live-edge graph — a monotone submodular one, computed in exact
// integer arithmetic before the final division. The result does not depend
// on Workers.
//
// Set the exported fields before the first call and do not change them
// afterwards; an MC must not be copied after first use. Spread is safe for
// concurrent use.
type MC struct {
	// Model is the diffusion model simulated. Required.
	Model diffusion.Model
	// Runs is the number R of simulated worlds. Zero means DefaultRuns.
	Runs int
	// Seed selects the worlds.
	Seed uint64
	// Workers is the number of goroutines. Zero means runtime.GOMAXPROCS(0).
	Workers int

	once sync.Once
	est  diffusion.MC
}

// Spread returns the MC mean of the spread over R worlds and its standard
// error sqrt(s²/R), s² the unbiased sample variance (NaN when R = 1). It
// panics if Model is nil, Runs < 0 or a seed is outside 0..n-1.
// It equals o.Sums(seeds, 0, R).MeanStderr().
func (o *MC) Spread(seeds []int) (mean, stderr float64) {
	R := o.Runs
	if R == 0 {
		R = DefaultRuns
	}
	if R < 0 {
		panic(fmt.Sprintf("im: MC.Runs = %d", R))
	}
	return o.Sums(seeds, 0, R).MeanStderr()
}

// Sums are the exact integer sums of the Monte-Carlo spread over a range of
// worlds (diffusion.Sums): they add exactly across shards.
type Sums = diffusion.Sums

// Sums returns the exact sums of |Reach(w_r, seeds)| over the worlds
// r = lo..hi-1 of Spread (the same worlds, keyed by Seed and r alone), so
// that MC.Spread = Σ_k o.Sums(seeds, r_k, r_{k+1}) for any split
// 0 = r_0 < r_1 < … < r_m = R, bit for bit. This is the hook for sharding
// the oracle across machines. Runs is ignored. It panics if Model is nil,
// lo < 0 or a seed is outside 0..n-1; an empty range gives zero sums.
func (o *MC) Sums(seeds []int, lo, hi int) Sums {
	if o.Model == nil {
		panic("im: MC.Model is nil")
	}
	o.once.Do(func() {
		o.est = diffusion.MC{N: o.Model.NumNodes(), NewReacher: func() diffusion.Reacher { return o.Model.NewSampler() },
			Seed: o.Seed, Stream: streamMC, Workers: o.Workers}
	})
	return o.est.Sums(seeds, lo, hi)
}

// MaxExactWorlds bounds NewExact: the number of live-edge worlds times the
// number of nodes may not exceed it.
const MaxExactWorlds = 1 << 23

// Exact is the exact spread oracle for small IC and LT instances (any
// diffusion.Enumerable model): it enumerates every live-edge world (for IC,
// each edge with 0 < p < 1 live or not; for LT, each node's choice of one
// in-edge or none), weighted by its probability, and stores each node's reachable set as a bit mask, so
// σ(S) = Σ_worlds P(world)·|∪_{s∈S} reach_world(s)|. The probabilities are
// those the samplers use (p rounded up to a multiple of 2^-53; the samplers'
// geometric gaps use p itself, a difference below 2^-53).
type Exact struct {
	n     int
	prob  []float64
	reach []uint64 // reach[w*n+v]: nodes reachable from v in world w
}

// NewExact returns the exact oracle for m, which must implement
// diffusion.Enumerable (an *ic.Model or *lt.Model) with at most 64 nodes
// and worlds·n ≤ MaxExactWorlds; otherwise it returns an error.
func NewExact(m diffusion.Model) (*Exact, error) {
	n := m.NumNodes()
	if n > 64 {
		return nil, fmt.Errorf("im: NewExact: %d nodes, at most 64 supported", n)
	}
	en, ok := m.(diffusion.Enumerable)
	if !ok {
		return nil, fmt.Errorf("im: NewExact needs a model with enumerable live-edge worlds (*ic.Model, *lt.Model), not %T", m)
	}
	// Each random choice is a list of (probability, live edge)
	// alternatives: for IC an uncertain edge is {live, dead}; for LT a node
	// picks one of its in-edges or none.
	fixed, choices := en.LiveEdgeChoices()
	worlds := 1
	for _, c := range choices {
		if worlds > MaxExactWorlds/len(c) {
			return nil, fmt.Errorf("im: NewExact: too many live-edge worlds")
		}
		worlds *= len(c)
	}
	if n > 0 && worlds > MaxExactWorlds/n {
		return nil, fmt.Errorf("im: NewExact: %d worlds × %d nodes exceeds MaxExactWorlds", worlds, n)
	}
	x := &Exact{n: n, prob: make([]float64, worlds), reach: make([]uint64, worlds*n)}
	digit := make([]int, len(choices))
	for w := 0; w < worlds; w++ {
		r := x.reach[w*n : (w+1)*n]
		for v := range r {
			r[v] = 1 << uint(v)
		}
		for _, a := range fixed {
			r[a.U] |= 1 << uint(a.V)
		}
		p := 1.0
		for i, c := range choices {
			a := c[digit[i]]
			p *= a.P
			if a.U >= 0 {
				r[a.U] |= 1 << uint(a.V)
			}
		}
		x.prob[w] = p
		// Warshall's transitive closure on bit rows.
		for k := 0; k < n; k++ {
			bk := uint64(1) << uint(k)
			for i := 0; i < n; i++ {
				if r[i]&bk != 0 {
					r[i] |= r[k]
				}
			}
		}
		// Advance the mixed-radix counter.
		for i := range digit {
			digit[i]++
			if digit[i] < len(choices[i]) {
				break
			}
			digit[i] = 0
		}
	}
	return x, nil
}

// Spread returns the exact expected spread and a zero standard error. It
// panics if a seed is outside 0..n-1.
func (x *Exact) Spread(seeds []int) (mean, stderr float64) {
	for _, s := range seeds {
		diffusion.CheckNode(s, x.n)
	}
	n := x.n
	for w, p := range x.prob {
		var m uint64
		r := x.reach[w*n : (w+1)*n]
		for _, s := range seeds {
			m |= r[s]
		}
		mean += p * float64(bits.OnesCount64(m))
	}
	return mean, 0
}
