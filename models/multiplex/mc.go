package multiplex

import (
	"fmt"
	"sync"

	"github.com/spread-dev/spread/models/diffusion"
)

// DefaultRuns is the number of Monte-Carlo runs when MC.Runs is zero: the
// paper's mc = 100 (§5.1).
const DefaultRuns = 100

// mcStream is the world stream of the MC oracle under its Seed.
const mcStream = 0x6d756c7469706c78 // "multiplx"

// MC is the Monte-Carlo spread oracle of a multiplex Model: it averages the
// number of active nodes |Reach(w_r, S)| (each node counted once, whatever
// the number of layers it is active in) over the worlds
// w_r = diffusion.NewWorld(Seed, mcStream, r), r = 0..Runs−1, run in
// parallel. The worlds do not depend on S (common random numbers), so
// Spread is a deterministic function of the seed set, computed in exact
// integer arithmetic before the final division: the result does not depend
// on Workers or GOMAXPROCS. It implements solvers/im's Oracle.
//
// Set the fields before the first call and do not change them afterwards;
// an MC must not be copied after first use. Spread is safe for concurrent
// use.
type MC struct {
	// Model is the multiplex model simulated. Required.
	Model *Model
	// Runs is the number R of simulated worlds. Zero means DefaultRuns.
	Runs int
	// Seed selects the worlds.
	Seed uint64
	// Workers is the number of goroutines. Zero means runtime.GOMAXPROCS(0).
	Workers int

	once sync.Once
	est  diffusion.MC
}

// Spread returns the mean number of active nodes over R worlds and its
// standard error sqrt(s²/R), s² the unbiased sample variance (NaN when
// R = 1). It panics if Model is nil, Runs < 0 or a seed is outside 0..n-1.
func (o *MC) Spread(seeds []int) (mean, stderr float64) {
	if o.Model == nil {
		panic("multiplex: MC.Model is nil")
	}
	R := o.Runs
	if R == 0 {
		R = DefaultRuns
	}
	if R < 0 {
		panic(fmt.Sprintf("multiplex: MC.Runs = %d", R))
	}
	o.once.Do(func() {
		o.est = diffusion.MC{N: o.Model.NumNodes(), NewReacher: func() diffusion.Reacher { return o.Model.NewSimulator() },
			Runs: R, Seed: o.Seed, Stream: mcStream, Workers: o.Workers}
	})
	return o.est.Spread(seeds)
}
