package slicer

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/optim"
)

// Learn maximises the SLICER objective O(α) of the observations obs on g
// (paper eq. 4, or the mixture objective eq. 9 when cfg.Replicas > 1) and
// returns the learned α with per-stage objectives; the update rules, the
// stopping rule and the replica continuation are given in the package
// documentation. rec may be nil.
//
// It returns an error, and a nil Result, if cfg is invalid or obs does not
// fit g. Once learning has started, an error (a *train.NonFiniteError for a NaN or
// infinite objective or gradient, a failing gradient source, checkpoint
// write or Recorder) comes with a Result of Status Failure holding the last
// iterate with a finite objective. A nil g is a programmer error: it panics.
func Learn(g *graphs.Graph, obs *ic.Observations, cfg Config, rec train.Recorder) (*Result, error) {
	r, err := newRun(g, obs, cfg, rec)
	if err != nil {
		return nil, err
	}
	defer r.close()
	if r.cfg.InitFit {
		if err := r.fitInit(); err != nil {
			return nil, err
		}
	}
	theta := make([]float64, r.p)
	for i := range theta {
		theta[i] = r.cfg.Init
	}
	if err := r.beginStage(1, theta); err != nil {
		return r.fail(err)
	}
	return r.runStages()
}

// fitInit sets cfg.Init to FitConstant's α for the single-model likelihood
// (no prior: the prior's centre is what the fit should inform).
func (r *run) fitInit() error {
	f, err := newObjective(&r.cfg, r.g, r.obs, 1)
	if err != nil {
		return err
	}
	if c, ok := f.(io.Closer); ok {
		defer c.Close()
	}
	a, _, err := FitConstant(f, r.p)
	if err != nil {
		return fmt.Errorf("slicer: fitting the initial constant α: %w", err)
	}
	r.cfg.Init = a
	return nil
}

// run is the state of one Learn or Resume call: the finished stages and a
// train.Loop for the stage in progress.
type run struct {
	g   *graphs.Graph
	obs *ic.Observations
	cfg Config // resolved
	rec train.Recorder
	p   int // parameters per replica

	cfgHash, dataHash string
	start             time.Time
	before            time.Duration // Runtime of earlier runs (Resume)
	stats             train.Stats

	stages []Stage // finished stages
	cur    Stage   // the stage in progress, or the last finished one
	active bool    // cur is in progress (not yet in stages)

	theta []float64
	f     train.Objective
	loop  *train.Loop
}

func newRun(g *graphs.Graph, obs *ic.Observations, cfg Config, rec train.Recorder) (*run, error) {
	if g == nil {
		panic("slicer: nil graph")
	}
	if err := ic.CheckObservations(g, obs); err != nil {
		return nil, fmt.Errorf("slicer: %w", err)
	}
	c, err := cfg.resolve(g, obs)
	if err != nil {
		return nil, err
	}
	return &run{
		g: g, obs: obs, cfg: c, rec: rec, p: g.NumPairs(),
		cfgHash: c.hash(), dataHash: dataHash(g, obs), start: time.Now(),
	}, nil
}

// close releases the current gradient source if it holds resources (the
// autodiff objective owns a compiled gorgonia machine).
func (r *run) close() {
	if c, ok := r.f.(io.Closer); ok {
		c.Close()
	}
	r.f = nil
}

// elapsed returns the wall time of this run plus that of earlier runs.
func (r *run) elapsed() time.Duration { return r.before + time.Since(r.start) }

// setup builds the gradient source, update rule and loop of stage R
// starting from theta (which r keeps and the loop updates in place).
func (r *run) setup(R int, theta []float64) error {
	r.theta = theta
	f, err := newObjective(&r.cfg, r.g, r.obs, R)
	if err != nil {
		return err
	}
	f = MAPObjective(f, r.cfg.Prior)
	r.close()
	r.f = f
	r.loop = &train.Loop{
		Objective: f, Stepper: newStepper(&r.cfg),
		MaxIters: r.cfg.MaxIters, Tol: r.cfg.Tol, Patience: r.cfg.Patience, GradTol: r.cfg.GradTol,
		Method: "slicer", Stage: R, StageName: fmt.Sprintf("R = %d", R),
		Recorder: r.rec, CheckpointEvery: r.cfg.CheckpointEvery, Checkpoint: r.checkpoint, End: r.endStage,
		Stats: &r.stats, Before: r.before, Started: r.start,
	}
	return nil
}

// beginStage starts stage R from theta: it evaluates O(θ_0) and reports it.
func (r *run) beginStage(R int, theta []float64) error {
	r.cur = Stage{Replicas: R}
	r.active = true
	if err := r.setup(R, theta); err != nil {
		return err
	}
	return r.loop.Start(r.theta, &r.cur.Trace)
}

// runStages finishes the current stage and runs the remaining ones.
func (r *run) runStages() (*Result, error) {
	for {
		if r.active {
			if err := r.loop.Run(); err != nil {
				return r.fail(err)
			}
		}
		R := r.cur.Replicas
		if R >= r.cfg.Replicas {
			break
		}
		if err := r.beginStage(R+1, r.continuation(R+1)); err != nil {
			return r.fail(err)
		}
	}
	return r.result(), nil
}

// endStage closes the current stage and writes a checkpoint.
func (r *run) endStage() error {
	r.stages = append(r.stages, r.cur)
	r.active = false
	return r.checkpoint()
}

// continuation returns the starting point of stage R ≥ 2 from the final θ of
// stage R−1: its R−1 replicas, then a copy of replica j drawn uniformly, and
// every entry moved by δ·U[−1, 1] and clipped to [PerturbClip, 1−PerturbClip].
// The random numbers come from the PCG stream (Seed, R), in the order j, then
// the entries of θ in index order.
func (r *run) continuation(R int) []float64 {
	P := r.p
	rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(R)))
	j := rng.IntN(R - 1)
	theta := make([]float64, R*P)
	copy(theta, r.theta[:(R-1)*P])
	copy(theta[(R-1)*P:], r.theta[j*P:(j+1)*P])
	if d := r.cfg.Perturb; d > 0 {
		for i, a := range theta {
			theta[i] = min(max(a+d*(2*rng.Float64()-1), PerturbClip), 1-PerturbClip)
		}
	}
	return theta
}

// fail returns the Result of a run stopped by err.
func (r *run) fail(err error) (*Result, error) {
	if r.active {
		r.cur.Status = train.Failure
		r.stages = append(r.stages, r.cur)
		r.active = false
	}
	res := r.result()
	res.Status = train.Failure
	return res, err
}

// result assembles the Result from the finished stages.
func (r *run) result() *Result {
	st := r.stats
	st.Runtime = r.elapsed()
	res := &Result{
		Theta:    slices.Clone(r.theta),
		Replicas: r.cur.Replicas,
		Stages:   make([]Stage, len(r.stages)),
		Stats:    st,
		Init:     r.cfg.Init,
	}
	res.Objective = math.NaN()
	if n := len(r.cur.History); n > 0 {
		res.Objective = r.cur.History[n-1]
	}
	for i, s := range r.stages {
		s.Trace = train.CloneTrace(s.Trace)
		res.Stages[i] = s
		res.Iters += s.Iters
	}
	if n := len(res.Stages); n > 0 {
		res.Status = res.Stages[n-1].Status
	}
	return res
}

// newStepper returns the update rule of cfg.Method with its schedule.
func newStepper(cfg *Config) train.Stepper {
	var sched optim.Schedule = optim.InvSqrt{LR0: cfg.LR, K0: cfg.K0}
	if cfg.K0 < 0 {
		sched = optim.Constant(cfg.LR)
	}
	switch cfg.Method {
	case MethodAdam:
		return train.NewAdamStep(&optim.Adam{Schedule: sched, Maximize: true}, optim.Box{Lo: AdamMargin, Hi: 1 - AdamMargin})
	case MethodSPG:
		return &train.SPG{Lo: SPGMargin, Hi: 1 - SPGMargin, Maximize: true}
	case MethodPQN:
		return &train.PQN{Lo: SPGMargin, Hi: 1 - SPGMargin, Maximize: true}
	}
	return ascent{sched: sched}
}

// ascent is the original code's update (examples/slicer.jl): for every
// coordinate, step = ε_k·∂O/∂α, halved while α + step ∉ (0, 1).
type ascent struct{ sched optim.Schedule }

// LR implements train.Stepper.
func (a ascent) LR(k int) float64 { return a.sched.LR(k) }

// Step implements train.Stepper.
func (a ascent) Step(theta, grad []float64, k int) error {
	if i, s := stepAscent(theta, grad, a.sched.LR(k)); i >= 0 {
		return &train.NonFiniteError{Op: "slicer ascent step", Iter: k, Index: i, Value: s}
	}
	return nil
}

// stepAscent applies α_e ← α_e + s_e with s_e = eps·grad[e] halved while
// α_e + s_e ∉ (0, 1). A step that is NaN or infinite (an overflowing rate
// or gradient) cannot be halved into (0, 1): stepAscent then returns the
// first such index and value and leaves theta unchanged; otherwise it
// returns -1.
func stepAscent(theta, grad []float64, eps float64) (int, float64) {
	for i := range theta {
		if s := grad[i] * eps; math.IsNaN(s) || math.IsInf(s, 0) {
			return i, s
		}
	}
	for i, v := range theta {
		s := grad[i] * eps
		// s ≠ 0 guards termination if v itself were outside (0, 1); inside,
		// halving always ends with v+s in (0, 1) (at the latest when s
		// underflows to 0).
		for (v+s <= 0 || v+s >= 1) && s != 0 {
			s /= 2
		}
		theta[i] = v + s
	}
	return -1, 0
}
