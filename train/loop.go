package train

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/spread-dev/spread/train/optim"
)

// Stepper is the update rule of a Loop: iteration k maps x_k to x_{k+1} in
// place, given grad = ∇f(x_k).
type Stepper interface {
	// LR returns the learning rate of iteration k (for reports).
	LR(k int) float64
	// Step applies iteration k (k counts the iterations done in the stage).
	// It must not modify grad.
	Step(x, grad []float64, k int) error
}

// StatefulStepper is a Stepper with accumulated state (Adam's moments) that
// a checkpoint must hold. Steppers without state need not implement it.
type StatefulStepper interface {
	Stepper
	// State returns a deep copy of the state after the steps done so far.
	State() *optim.State
	// SetState restores a state saved after k steps.
	SetState(s *optim.State, k int) error
}

// AdamStep is train/optim's Adam as a Stepper on one flat parameter vector.
type AdamStep struct {
	Adam  *optim.Adam
	param optim.Param
}

// NewAdamStep returns Adam as a Stepper; proj (may be nil) is applied after
// every update (a box, a simplex). Adam's Schedule or LR gives the rate and
// Maximize the direction.
func NewAdamStep(a *optim.Adam, proj optim.Projection) *AdamStep {
	return &AdamStep{Adam: a, param: optim.Param{Name: "x", Project: proj}}
}

// LR implements Stepper.
func (a *AdamStep) LR(k int) float64 {
	if a.Adam.Schedule != nil {
		return a.Adam.Schedule.LR(k)
	}
	if a.Adam.LR == 0 {
		return optim.DefaultAdamLR
	}
	return a.Adam.LR
}

// Step implements Stepper.
func (a *AdamStep) Step(x, grad []float64, _ int) error {
	a.param.Value, a.param.Grad = x, grad
	return a.Adam.Step([]*optim.Param{&a.param})
}

// State implements StatefulStepper.
func (a *AdamStep) State() *optim.State {
	s := a.Adam.State()
	return &s
}

// SetState implements StatefulStepper.
func (a *AdamStep) SetState(s *optim.State, k int) error {
	if s == nil {
		return errors.New("the checkpoint holds no Adam state")
	}
	if s.Steps != k {
		return fmt.Errorf("the checkpoint's Adam state has %d steps, want %d", s.Steps, k)
	}
	return a.Adam.SetState(*s)
}

// Trace is the record of one Loop stage, and with the stepper's state all a
// checkpoint of it needs.
type Trace struct {
	// Iters is the number of iterations (updates of x) done.
	Iters int `json:"iters"`
	// Status says why the stage stopped (NotTerminated while it runs).
	Status Status `json:"status"`
	// Initial and Objective are f at the starting point and at the last
	// iterate.
	Initial   float64 `json:"initial"`
	Objective float64 `json:"objective"`
	// Calm is the number of consecutive iterations, ending with the last
	// one, on which |f_{k+1} − f_k| ≤ Tol·|f_k| held.
	Calm int `json:"calm"`
	// History holds f(x_k) for k = 0..Iters.
	History []float64 `json:"history"`
	// ProjGrad0 and ProjGrad are the projected-gradient norms (ProjGrader)
	// at the starting point and at the last iterate; 0 when the stepper
	// has no feasible set.
	ProjGrad0 float64 `json:"proj_grad0,omitempty"`
	ProjGrad  float64 `json:"proj_grad,omitempty"`
	// Criterion says in words which stopping test ended the stage and
	// with what value (empty while it runs).
	Criterion string `json:"criterion,omitempty"`
}

// Check returns an error if t is not a consistent trace (for reading
// checkpoints: a damaged file must give an error, not a panic). done says
// whether the stage must have stopped.
func (t *Trace) Check(done bool) error {
	switch {
	case t.Iters < 0 || len(t.History) != t.Iters+1:
		return fmt.Errorf("%d iterations but %d objective values", t.Iters, len(t.History))
	case done && t.Status == NotTerminated:
		return errors.New("a finished stage has status NotTerminated")
	case !done && t.Status != NotTerminated:
		return fmt.Errorf("the stage in progress has status %v", t.Status)
	case t.Calm < 0 || t.Calm > t.Iters:
		return fmt.Errorf("calm count %d outside 0..%d", t.Calm, t.Iters)
	}
	return nil
}

// Loop runs one optimisation stage of an Objective with a Stepper, the
// stopping rule of the package documentation, progress reports and
// checkpoints. Set the fields, then call Start and Run, or Resume.
type Loop struct {
	// Objective is f. Required.
	Objective Objective
	// Stepper is the update rule. Required.
	Stepper Stepper
	// MaxIters is the iteration limit (≥ 0).
	MaxIters int
	// Tol and Patience form the convergence test: |f_{k+1} − f_k| ≤
	// Tol·|f_k| on Patience consecutive iterations. Patience < 1 counts
	// as 1.
	Tol      float64
	Patience int
	// GradTol, if positive and the Stepper is a ProjGrader, stops the stage
	// (Converged) when the projected-gradient norm falls to GradTol times
	// its value at the starting point: a test of stationarity that does not
	// depend on the scale of f.
	GradTol float64
	// Method names the learner in reports and errors ("slicer"); Stage
	// numbers the stage (0: none) and StageName names it in errors
	// ("R = 2").
	Method    string
	Stage     int
	StageName string
	// Recorder, if not nil, receives a Progress after the starting point
	// and after every iteration.
	Recorder Recorder
	// Checkpoint, if not nil, is called every CheckpointEvery iterations
	// (0: never) while the stage runs. A stage's end is not checkpointed
	// here: the owner saves its finished stages.
	Checkpoint      func() error
	CheckpointEvery int
	// End, if not nil, is called once when the stage stops (Converged or
	// IterationLimit), before the last report: the owner saves the finished
	// stage there, so an interruption at the report loses nothing.
	End func() error
	// Stats accumulates the work of the loop (the owner may share one Stats
	// among stages); Before is wall time of earlier runs (a resume), and
	// Started the start of this run, for Progress.Elapsed.
	Stats   *Stats
	Before  time.Duration
	Started time.Time

	x, grad, prev []float64
	tr            *Trace
}

// Start evaluates f and ∇f at x (which the loop keeps and updates in place)
// and begins the trace t, reporting the starting point.
func (l *Loop) Start(x []float64, t *Trace) error {
	l.bind(x, t)
	*t = Trace{}
	f, err := l.eval(0)
	if err != nil {
		return err
	}
	t.Initial, t.Objective = f, f
	t.History = append(t.History, f)
	if pg, ok := l.Stepper.(ProjGrader); ok {
		t.ProjGrad0 = pg.ProjGrad(l.x, l.grad)
		t.ProjGrad = t.ProjGrad0
	}
	return l.record(Progress{Objective: f, Metrics: l.metrics()})
}

// Resume continues the trace t of a stage in progress at the iterate x
// (the one after t.Iters iterations) with the stepper's saved state st (nil
// for a stateless stepper): it evaluates f at x and returns an error if the
// value differs in any bit from the last entry of t.History (the objective
// is not deterministic or the data differ). Then call Run.
func (l *Loop) Resume(x []float64, t *Trace, st *optim.State) error {
	if err := t.Check(false); err != nil {
		return fmt.Errorf("%s: resume: %w", l.Method, err)
	}
	l.bind(x, t)
	if s, ok := l.Stepper.(StatefulStepper); ok {
		if err := s.SetState(st, t.Iters); err != nil {
			return fmt.Errorf("%s: resume: %w", l.Method, err)
		}
	} else if st != nil {
		return fmt.Errorf("%s: resume: the update rule has no state, but the checkpoint holds one", l.Method)
	}
	f, err := l.eval(t.Iters)
	if err != nil {
		return err
	}
	if want := t.History[t.Iters]; math.Float64bits(f) != math.Float64bits(want) {
		return fmt.Errorf("%s: resume: f at the saved iterate is %v, the checkpoint has %v (non-deterministic objective or different data)", l.Method, f, want)
	}
	return nil
}

// Reevaluate evaluates f and ∇f again at the loop's iterate, after a
// Checkpoint or End callback changed it in place (e.g. to return to an
// earlier iterate when training diverged), and makes the value the
// trace's last entry: the next step then uses the new gradient, and a run
// resumed from a checkpoint written afterwards checks against it. A
// mini-batch objective must serve the iterate's batch again (rewind its
// batch counter first).
func (l *Loop) Reevaluate() error {
	t := l.tr
	f, err := l.eval(t.Iters)
	if err != nil {
		return err
	}
	t.History[t.Iters], t.Objective = f, f
	return nil
}

// StepperState returns the stepper's state for a checkpoint (nil for a
// stateless stepper).
func (l *Loop) StepperState() *optim.State {
	if s, ok := l.Stepper.(StatefulStepper); ok {
		return s.State()
	}
	return nil
}

func (l *Loop) bind(x []float64, t *Trace) {
	l.x, l.tr = x, t
	l.grad = make([]float64, len(x))
	l.prev = make([]float64, len(x))
	if l.Stats == nil {
		l.Stats = new(Stats)
	}
	if l.Started.IsZero() {
		l.Started = time.Now()
	}
}

// Run iterates until the stopping rule holds or an error occurs. On an
// error the trace's Status is Failure and x holds the last iterate with a
// finite objective. Run returns nil at once if the trace has already
// stopped.
func (l *Loop) Run() error {
	t := l.tr
	if t.Status != NotTerminated {
		return nil
	}
	if err := l.run(); err != nil {
		t.Status = Failure
		return err
	}
	return nil
}

func (l *Loop) run() error {
	t := l.tr
	if t.Iters >= l.MaxIters {
		t.Status, t.Criterion = IterationLimit, fmt.Sprintf("iteration limit %d", l.MaxIters)
		return l.end()
	}
	patience := max(l.Patience, 1)
	pgr, _ := l.Stepper.(ProjGrader)
	for k := t.Iters; ; k++ {
		lr := l.Stepper.LR(k)
		old := t.History[len(t.History)-1]
		copy(l.prev, l.x)
		var f float64
		if ls, ok := l.Stepper.(LineSearcher); ok {
			var err error
			f, err = ls.Search(l.x, l.grad, old, k, l.trial)
			if errors.Is(err, ErrNoAscent) {
				// Stationary to rounding error: the iterate stays.
				copy(l.x, l.prev)
				t.Status, t.Criterion = Converged, "no improving step along the projected gradient (stationary to rounding)"
				return l.end()
			}
			if err == nil {
				err = CheckFinite(l.Method, f, l.grad)
			}
			if err != nil {
				copy(l.x, l.prev)
				return l.locate(err, k+1)
			}
		} else {
			if err := l.Stepper.Step(l.x, l.grad, k); err != nil {
				copy(l.x, l.prev)
				return fmt.Errorf("%s: %siteration %d: %w", l.Method, l.stagePrefix(), k+1, err)
			}
			var err error
			if f, err = l.eval(k + 1); err != nil {
				copy(l.x, l.prev)
				return err
			}
		}
		t.History = append(t.History, f)
		t.Iters = k + 1
		t.Objective = f
		l.Stats.Iterations++
		if math.Abs(f-old) <= l.Tol*math.Abs(old) {
			t.Calm++
		} else {
			t.Calm = 0
		}
		if pgr != nil {
			t.ProjGrad = pgr.ProjGrad(l.x, l.grad)
		}
		switch {
		case l.GradTol > 0 && pgr != nil && t.ProjGrad <= l.GradTol*t.ProjGrad0:
			t.Status = Converged
			t.Criterion = fmt.Sprintf("projected gradient %.3g ≤ %g × initial %.3g", t.ProjGrad, l.GradTol, t.ProjGrad0)
		case t.Calm >= patience:
			t.Status = Converged
			t.Criterion = fmt.Sprintf("relative change ≤ %g on %d consecutive iterations", l.Tol, patience)
		case k+1 >= l.MaxIters:
			t.Status, t.Criterion = IterationLimit, fmt.Sprintf("iteration limit %d", l.MaxIters)
		}
		if t.Status != NotTerminated {
			if err := l.end(); err != nil {
				return err
			}
		} else if l.Checkpoint != nil && l.CheckpointEvery > 0 && (k+1)%l.CheckpointEvery == 0 {
			if err := l.Checkpoint(); err != nil {
				return err
			}
		}
		change := f - old
		if old != 0 {
			change /= math.Abs(old)
		}
		if err := l.record(Progress{Iter: k + 1, Objective: f, Change: change, LR: lr, Metrics: l.metrics()}); err != nil {
			return err
		}
		if t.Status != NotTerminated {
			return nil
		}
	}
}

func (l *Loop) end() error {
	if l.End == nil {
		return nil
	}
	return l.End()
}

func (l *Loop) stagePrefix() string {
	if l.StageName == "" {
		return ""
	}
	return l.StageName + ", "
}

// metrics returns the diagnostics reported with each iterate.
func (l *Loop) metrics() []Metric {
	if _, ok := l.Stepper.(ProjGrader); ok {
		return []Metric{{Name: "proj_grad", Value: l.tr.ProjGrad}}
	}
	return nil
}

// trial is the evaluation a LineSearcher uses: counted, with a non-finite
// value reported as a *NonFiniteError (which the search may reject).
func (l *Loop) trial(x, grad []float64) (float64, error) {
	l.Stats.Evaluations++
	f, err := l.Objective.Eval(x, grad)
	if err == nil {
		err = CheckFinite(l.Method, f, nil)
	}
	return f, err
}

// eval evaluates f and ∇f at the loop's x into its grad; iter is the index
// of the iterate for errors. Every non-finite value becomes a
// *NonFiniteError located in the run.
func (l *Loop) eval(iter int) (float64, error) {
	l.Stats.Evaluations++
	f, err := l.Objective.Eval(l.x, l.grad)
	if err == nil {
		err = CheckFinite(l.Method, f, l.grad)
	}
	return f, l.locate(err, iter)
}

// locate places an objective's error in the run: a non-finite value becomes
// a *NonFiniteError with the stage and iterate, wrapping the objective's
// own report; other errors are prefixed with the method, stage and iterate.
func (l *Loop) locate(err error, iter int) error {
	if err == nil {
		return nil
	}
	if nf, ok := errors.AsType[*NonFiniteError](err); ok {
		e := *nf
		e.Op, e.Stage, e.Iter = l.Method, l.StageName, iter
		if e.Err == nil && nf.Op != l.Method {
			e.Err = err
		}
		return &e
	}
	return fmt.Errorf("%s: %siterate %d: %w", l.Method, l.stagePrefix(), iter, err)
}

func (l *Loop) record(p Progress) error {
	if l.Recorder == nil {
		return nil
	}
	p.Method, p.Stage = l.Method, l.Stage
	p.Evaluations = l.Stats.Evaluations
	p.Elapsed = l.Before + time.Since(l.Started)
	if err := l.Recorder.Record(p); err != nil {
		return fmt.Errorf("%s: recorder: %w", l.Method, err)
	}
	return nil
}

// X returns the loop's current iterate (the slice given to Start or
// Resume) and Grad the gradient at it.
func (l *Loop) X() []float64    { return l.x }
func (l *Loop) Grad() []float64 { return l.grad }

// CloneTrace returns a deep copy of t.
func CloneTrace(t Trace) Trace {
	t.History = slices.Clone(t.History)
	return t
}
