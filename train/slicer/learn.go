package slicer

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
	"github.com/spread-dev/spread/train/optim"
)

// Learn maximises the SLICER objective O(α) of the observations obs on g
// (paper eq. 4, or the mixture objective eq. 9 when cfg.Replicas > 1) and
// returns the learned α with per-stage objectives; the update rules, the
// stopping rule and the replica continuation are given in the package
// documentation. rec may be nil.
//
// It returns an error, and a nil Result, if cfg is invalid or obs does not
// fit g. Once learning has started, an error (a *NonFiniteError for a NaN or
// infinite objective or gradient, a failing gradient source, checkpoint
// write or Recorder) comes with a Result of Status Failure holding the last
// iterate with a finite objective. A nil g is a programmer error: it panics.
func Learn(g *graphs.Graph, obs *ic.Observations, cfg Config, rec Recorder) (*Result, error) {
	r, err := newRun(g, obs, cfg, rec)
	if err != nil {
		return nil, err
	}
	theta := make([]float64, r.p)
	for i := range theta {
		theta[i] = r.cfg.Init
	}
	defer r.close()
	if err := r.beginStage(1, theta); err != nil {
		return r.fail(err)
	}
	return r.runStages()
}

// run is the state of one Learn or Resume call.
type run struct {
	g   *graphs.Graph
	obs *ic.Observations
	cfg Config // resolved
	rec Recorder
	p   int // parameters per replica

	cfgHash, dataHash string
	start             time.Time
	stats             Stats // of earlier runs (Resume); Runtime excludes this run

	stages []Stage // finished stages
	cur    Stage   // the stage in progress, or the last finished one
	active bool    // cur is in progress (not yet in stages)

	theta, grad, prev []float64
	f                 Objective
	m                 stepper
}

func newRun(g *graphs.Graph, obs *ic.Observations, cfg Config, rec Recorder) (*run, error) {
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
func (r *run) elapsed() time.Duration { return r.stats.Runtime + time.Since(r.start) }

// setup allocates the buffers, gradient source and update rule of a stage
// with R replicas starting from theta (which r keeps).
func (r *run) setup(R int, theta []float64) error {
	r.theta = theta
	r.grad = make([]float64, len(theta))
	r.prev = make([]float64, len(theta))
	f, err := newObjective(&r.cfg, r.g, r.obs, R)
	if err != nil {
		return err
	}
	r.close()
	r.f = f
	r.m = newStepper(&r.cfg, theta, r.grad)
	return nil
}

// beginStage starts stage R from theta: it evaluates O(θ_0) and reports it.
func (r *run) beginStage(R int, theta []float64) error {
	r.cur = Stage{Replicas: R}
	r.active = true
	if err := r.setup(R, theta); err != nil {
		return err
	}
	o, err := r.eval(0)
	if err != nil {
		return err
	}
	r.cur.Initial, r.cur.Objective = o, o
	r.cur.History = append(r.cur.History, o)
	return r.record(Progress{Replicas: R, Objective: o})
}

// runStages finishes the current stage and runs the remaining ones.
func (r *run) runStages() (*Result, error) {
	for {
		if r.active {
			if err := r.runStage(); err != nil {
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

// runStage iterates the current stage until it converges or reaches
// MaxIters, writing checkpoints and reporting progress.
func (r *run) runStage() error {
	cfg := &r.cfg
	R := r.cur.Replicas
	if r.cur.Iters >= cfg.MaxIters {
		return r.endStage(IterationLimit)
	}
	for k := r.cur.Iters; ; k++ {
		// θ_{k+1} from θ_k and ∇O(θ_k), then O(θ_{k+1}) and ∇O(θ_{k+1}).
		lr := r.m.lr(k)
		copy(r.prev, r.theta)
		if err := r.m.step(r.theta, r.grad, k); err != nil {
			return fmt.Errorf("slicer: R = %d, iteration %d: %w", R, k+1, err)
		}
		o, err := r.eval(k + 1)
		if err != nil {
			copy(r.theta, r.prev)
			return err
		}
		old := r.cur.History[len(r.cur.History)-1]
		r.cur.History = append(r.cur.History, o)
		r.cur.Iters = k + 1
		r.cur.Objective = o
		if math.Abs(o-old) <= cfg.Tol*math.Abs(old) {
			r.cur.Calm++
		} else {
			r.cur.Calm = 0
		}
		status := NotTerminated
		switch {
		case r.cur.Calm >= cfg.Patience:
			status = Converged
		case k+1 >= cfg.MaxIters:
			status = IterationLimit
		}
		if status != NotTerminated {
			if err := r.endStage(status); err != nil {
				return err
			}
		} else if cfg.CheckpointEvery > 0 && (k+1)%cfg.CheckpointEvery == 0 {
			if err := r.checkpoint(); err != nil {
				return err
			}
		}
		change := o - old
		if old != 0 {
			change /= math.Abs(old)
		}
		if err := r.record(Progress{Replicas: R, Iter: k + 1, Objective: o, Change: change, LR: lr}); err != nil {
			return err
		}
		if status != NotTerminated {
			return nil
		}
	}
}

// endStage closes the current stage with status and writes a checkpoint.
func (r *run) endStage(status Status) error {
	r.cur.Status = status
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

// eval evaluates O and ∇O at r.theta into r.grad; iter is the index of the
// iterate for error messages.
func (r *run) eval(iter int) (float64, error) {
	R := r.cur.Replicas
	r.stats.Evaluations++
	o, err := r.f.Eval(r.theta, r.grad)
	if err != nil {
		if nf, ok := errors.AsType[*adjoint.NonFiniteError](err); ok {
			return 0, &NonFiniteError{Replicas: R, Iter: iter, Index: nf.Index, Value: nf.Value, Err: err}
		}
		return 0, fmt.Errorf("slicer: R = %d, iterate %d: %w", R, iter, err)
	}
	if math.IsNaN(o) || math.IsInf(o, 0) {
		return 0, &NonFiniteError{Replicas: R, Iter: iter, Index: -1, Value: o}
	}
	for k, x := range r.grad {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, &NonFiniteError{Replicas: R, Iter: iter, Index: k, Value: x}
		}
	}
	return o, nil
}

func (r *run) record(p Progress) error {
	if r.rec == nil {
		return nil
	}
	p.Evaluations = r.stats.Evaluations
	p.Elapsed = r.elapsed()
	if err := r.rec.Record(p); err != nil {
		return fmt.Errorf("slicer: recorder: %w", err)
	}
	return nil
}

// fail returns the Result of a run stopped by err.
func (r *run) fail(err error) (*Result, error) {
	if r.active {
		r.cur.Status = Failure
		r.stages = append(r.stages, r.cur)
		r.active = false
	}
	res := r.result()
	res.Status = Failure
	return res, err
}

// result assembles the Result from the finished stages.
func (r *run) result() *Result {
	res := &Result{
		Theta:    slices.Clone(r.theta),
		Replicas: r.cur.Replicas,
		Stages:   make([]Stage, len(r.stages)),
		Stats:    Stats{Evaluations: r.stats.Evaluations, Runtime: r.elapsed()},
	}
	res.Objective = math.NaN()
	if n := len(r.cur.History); n > 0 {
		res.Objective = r.cur.History[n-1]
	}
	for i, s := range r.stages {
		s.History = slices.Clone(s.History)
		res.Stages[i] = s
		res.Iters += s.Iters
	}
	if n := len(res.Stages); n > 0 {
		res.Status = res.Stages[n-1].Status
	}
	return res
}

// stepper is one update rule: θ_{k+1} from θ_k and ∇O(θ_k), in place.
type stepper interface {
	// lr returns the learning rate of iteration k.
	lr(k int) float64
	// step applies iteration k (k counts the iterations done in the stage).
	step(theta, grad []float64, k int) error
	// state returns the optimiser state to checkpoint (nil if none) and
	// setState restores it.
	state() *optim.State
	setState(s *optim.State, k int) error
}

func newStepper(cfg *Config, theta, grad []float64) stepper {
	var sched optim.Schedule = optim.InvSqrt{LR0: cfg.LR, K0: cfg.K0}
	if cfg.K0 < 0 {
		sched = optim.Constant(cfg.LR)
	}
	if cfg.Method == MethodAdam {
		return &adamStepper{
			opt:   &optim.Adam{Schedule: sched, Maximize: true},
			param: &optim.Param{Name: "alpha", Value: theta, Grad: grad, Project: optim.Box{Lo: AdamMargin, Hi: 1 - AdamMargin}},
			sched: sched,
		}
	}
	return ascent{sched: sched}
}

// ascent is the original code's update (examples/slicer.jl): for every
// coordinate, step = ε_k·∂O/∂α, halved while α + step ∉ (0, 1).
type ascent struct{ sched optim.Schedule }

func (a ascent) lr(k int) float64 { return a.sched.LR(k) }

func (a ascent) step(theta, grad []float64, k int) error {
	stepAscent(theta, grad, a.sched.LR(k))
	return nil
}

// stepAscent applies α_e ← α_e + s_e with s_e = eps·grad[e] halved while
// α_e + s_e ∉ (0, 1).
func stepAscent(theta, grad []float64, eps float64) {
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
}

func (ascent) state() *optim.State { return nil }

func (ascent) setState(s *optim.State, _ int) error {
	if s != nil {
		return errors.New("ascent has no optimiser state, but the checkpoint holds one")
	}
	return nil
}

// adamStepper is optim.Adam maximising O with the box
// [AdamMargin, 1−AdamMargin].
type adamStepper struct {
	opt   *optim.Adam
	param *optim.Param
	sched optim.Schedule
}

func (a *adamStepper) lr(k int) float64 { return a.sched.LR(k) }

func (a *adamStepper) step(_, _ []float64, _ int) error {
	return a.opt.Step([]*optim.Param{a.param})
}

func (a *adamStepper) state() *optim.State {
	s := a.opt.State()
	return &s
}

func (a *adamStepper) setState(s *optim.State, k int) error {
	if s == nil {
		return errors.New("the checkpoint holds no Adam state")
	}
	if s.Steps != k {
		return fmt.Errorf("the checkpoint's Adam state has %d steps, want %d", s.Steps, k)
	}
	return a.opt.SetState(*s)
}
