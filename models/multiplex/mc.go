package multiplex

import (
	"fmt"

	"github.com/spread-dev/spread/models/diffusion"
)

// DefaultRuns is the number of Monte-Carlo runs when MC.Runs is zero: the
// paper's mc = 100 (§5.1).
const DefaultRuns = 100

// mcStream is the world stream of the MC oracle under its Seed.
const mcStream = 0x6d756c7469706c78 // "multiplx"

// NewMC returns the Monte-Carlo spread oracle of a multiplex Model (a
// diffusion.MC, which implements solvers/im's Oracle): it averages the
// number of active nodes |Reach(w_r, S)| (each node counted once, whatever
// the number of layers it is active in) over the worlds
// w_r = diffusion.NewWorld(seed, mcStream, r), r = 0..runs−1 (0 runs means
// DefaultRuns), on workers goroutines (0: GOMAXPROCS). The worlds do not
// depend on S (common random numbers), so Spread is a deterministic
// function of the seed set, computed in exact integer arithmetic before the
// final division: the result does not depend on workers or GOMAXPROCS. It
// returns an error for a nil model or negative runs.
func NewMC(m *Model, runs int, seed uint64, workers int) (*diffusion.MC, error) {
	if m == nil {
		return nil, fmt.Errorf("multiplex: NewMC: nil model")
	}
	if runs == 0 {
		runs = DefaultRuns
	}
	if runs < 0 {
		return nil, fmt.Errorf("multiplex: NewMC: %d runs", runs)
	}
	return &diffusion.MC{N: m.NumNodes(), NewReacher: func() diffusion.Reacher { return m.NewSimulator() },
		Runs: runs, Seed: seed, Stream: mcStream, Workers: workers}, nil
}

// MustMC is NewMC for arguments known to be valid (tests, examples); it
// panics on an error.
func MustMC(m *Model, runs int, seed uint64, workers int) *diffusion.MC {
	o, err := NewMC(m, runs, seed, workers)
	if err != nil {
		panic(err)
	}
	return o
}
