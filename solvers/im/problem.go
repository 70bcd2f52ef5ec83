package im

import (
	"errors"
	"fmt"
	"github.com/spread-dev/spread/train"
	"runtime"
	"time"

	"github.com/spread-dev/spread/models/diffusion"
)

// Problem is an influence-maximisation instance: choose K seed nodes from
// Candidates to maximise the spread σ(S).
type Problem struct {
	// Model is the diffusion model. IMM needs it; Greedy, CELF and
	// ProjectedGradient (to polish and score) build an MC oracle from it,
	// with Settings.Runs, Seed and Workers, when Oracle is nil.
	Model diffusion.Model
	// Oracle estimates σ(S). Greedy and CELF use it (or the default MC
	// oracle); ProjectedGradient uses it to polish and score its seeds.
	Oracle Oracle
	// N is the number of nodes. Zero means Model.NumNodes(); it must be set
	// when Model is nil.
	N int
	// K is the number of seeds, 1 ≤ K ≤ number of candidates.
	K int
	// Candidates lists the nodes that may be seeds (distinct, in 0..N-1).
	// Nil means all nodes.
	Candidates []int
}

// Settings holds the options shared by all methods. A nil *Settings means
// the zero value; every zero field means its documented default.
type Settings struct {
	// Seed fixes all randomness: the worlds of the default MC oracle and of
	// IMM's RR sets.
	Seed uint64
	// Workers is the number of goroutines for RR-set sampling and the default
	// MC oracle. Zero means runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
	// Runs is the number of MC runs of the default oracle. Zero means
	// DefaultRuns.
	Runs int
	// Recorder, if not nil, receives progress after every selected seed
	// (Greedy, CELF), every IMM round and every gradient iteration. If it
	// returns an error the method stops and returns that error, wrapped.
	Recorder train.Recorder
}

// Progress reports go to a train.Recorder as train.Progress values: Method
// is "greedy", "celf", "imm" or "pgd"; Iter counts selected seeds (greedy,
// CELF), IMM rounds (phase-1 rounds 1, 2, …, then the final selection) or
// gradient steps; Set is the current seed set (nil for gradient steps) and
// Objective the current estimate (the spread of Set, or f(u) for gradient
// steps). The Progress value and its slices are valid only during the call.

// Stats counts the work a method did: the shared train.Stats (Iterations:
// IMM's phase-1 rounds or the gradient steps; Evaluations: gradient
// evaluations; Runtime: the wall-clock time of Maximize) and the counts
// particular to influence maximisation.
type Stats struct {
	train.Stats
	// OracleCalls is the number of Oracle.Spread calls.
	OracleCalls int
	// RRSets is the size of IMM's final collection R (max(θ, last phase-1
	// θ_i), rounded up to a multiple of 1024) and RRNodes its total number
	// of node entries.
	RRSets  int
	RRNodes int64
	// LowerBound is IMM's lower bound LB on the optimal spread.
	LowerBound float64
}

// Result is a seed set and how it was found.
type Result struct {
	// Seeds are node indices in the order they were selected.
	Seeds []int
	// Gains[i] is the estimated marginal gain of Seeds[i] when it was added
	// (for IMM, n/θ times the number of newly covered RR sets). Nil for
	// ProjectedGradient.
	Gains []float64
	// Spread is the method's estimate of σ(Seeds): the oracle's value for
	// Greedy, CELF and ProjectedGradient (for the latter, the objective at
	// the rounded point when the Problem has neither Oracle nor Model), and
	// n·F_R(S) for IMM. StdErr is its standard error (for IMM the binomial
	// n·sqrt(F(1−F)/|R|), which ignores the selection bias).
	Spread, StdErr float64
	// Relaxed is ProjectedGradient's final relaxed point u (len N); nil for
	// the other methods.
	Relaxed []float64
	// Status is train.Success for Greedy, CELF and IMM, and
	// train.Converged or train.IterationLimit for ProjectedGradient.
	Status train.Status
	Stats  Stats
}

// Method is an influence-maximisation algorithm: Greedy, CELF, IMM,
// ProjectedGradient.
type Method interface {
	// Run solves p. It is called by Maximize, which validates p and fills
	// the defaults of s; call Maximize rather than Run.
	Run(p *Problem, s *Settings) (*Result, error)
}

// ErrNoOracle is returned when a method needs a spread oracle and the
// Problem has neither Oracle nor Model.
var ErrNoOracle = errors.New("im: the method needs Problem.Oracle or Problem.Model")

// Maximize runs method on p. A nil settings means the zero Settings; a nil
// method means IMM with default parameters when p.Model is set, and CELF
// otherwise. It returns an error if p is invalid (K out of range, bad
// candidates, N unknown) or the method fails; Result.Stats.Runtime is set.
func Maximize(p *Problem, settings *Settings, method Method) (*Result, error) {
	start := time.Now()
	var s Settings
	if settings != nil {
		s = *settings
	}
	if s.Workers <= 0 {
		s.Workers = runtime.GOMAXPROCS(0)
	}
	if s.Runs <= 0 {
		s.Runs = DefaultRuns
	}
	if p == nil {
		return nil, errors.New("im: nil Problem")
	}
	q := *p
	if err := q.validate(); err != nil {
		return nil, err
	}
	if method == nil {
		if q.Model != nil {
			method = &IMM{}
		} else {
			method = &CELF{}
		}
	}
	res, err := method.Run(&q, &s)
	if err != nil {
		return nil, err
	}
	res.Stats.Runtime = time.Since(start)
	return res, nil
}

// validate fills N and checks K and Candidates.
func (p *Problem) validate() error {
	if p.Model != nil {
		if p.N == 0 {
			p.N = p.Model.NumNodes()
		} else if p.N != p.Model.NumNodes() {
			return fmt.Errorf("im: Problem.N = %d but the model has %d nodes", p.N, p.Model.NumNodes())
		}
	}
	if p.N <= 0 {
		return errors.New("im: Problem.N unknown or zero (set N or Model)")
	}
	nc := p.N
	if p.Candidates != nil {
		seen := make([]bool, p.N)
		for _, c := range p.Candidates {
			if c < 0 || c >= p.N {
				return fmt.Errorf("im: candidate %d outside 0..%d", c, p.N-1)
			}
			if seen[c] {
				return fmt.Errorf("im: candidate %d listed twice", c)
			}
			seen[c] = true
		}
		nc = len(p.Candidates)
	}
	if p.K < 1 || p.K > nc {
		return fmt.Errorf("im: K = %d, want 1 ≤ K ≤ %d candidates", p.K, nc)
	}
	return nil
}

// candidates returns the candidate list (all nodes when nil).
func (p *Problem) candidates() []int {
	if p.Candidates != nil {
		return p.Candidates
	}
	c := make([]int, p.N)
	for i := range c {
		c[i] = i
	}
	return c
}

// oracle returns p.Oracle, or an MC oracle on p.Model with the settings'
// runs, seed and workers.
func (p *Problem) oracle(s *Settings) (Oracle, error) {
	if p.Oracle != nil {
		return p.Oracle, nil
	}
	if p.Model == nil {
		return nil, ErrNoOracle
	}
	return &MC{Model: p.Model, Runs: s.Runs, Seed: s.Seed, Workers: s.Workers}, nil
}

// counter wraps an Oracle to count calls.
type counter struct {
	o     Oracle
	calls int
}

func (c *counter) Spread(seeds []int) (float64, float64) {
	c.calls++
	return c.o.Spread(seeds)
}

func record(s *Settings, pr train.Progress) error {
	if s.Recorder == nil {
		return nil
	}
	if err := s.Recorder.Record(pr); err != nil {
		return fmt.Errorf("im: %s stopped by recorder at iteration %d: %w", pr.Method, pr.Iter, err)
	}
	return nil
}
