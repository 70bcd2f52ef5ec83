package train

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// Objective is a scalar function of a flat parameter vector with its
// gradient: the problem every learner and gradient solver of spread
// consumes.
type Objective interface {
	// Eval returns f(x) and writes ∂f/∂x into grad, entry k being the
	// derivative with respect to x[k] (len(grad) == len(x)). It must not
	// modify x and must not retain either slice after it returns. It should
	// be deterministic: the same x must give the same bits, or a resumed
	// run cannot reproduce an uninterrupted one.
	Eval(x, grad []float64) (f float64, err error)
}

// ObjectiveFunc adapts a function to the Objective interface.
type ObjectiveFunc func(x, grad []float64) (float64, error)

// Eval implements Objective by calling f(x, grad).
func (f ObjectiveFunc) Eval(x, grad []float64) (float64, error) { return f(x, grad) }

// Status says why an iterative method, or one stage of it, stopped. Each
// method documents which statuses it returns.
type Status int

// Statuses. The numeric values are stable; files store the names.
const (
	// NotTerminated: the method has not stopped (seen in checkpoints of a
	// stage in progress, and as the zero value).
	NotTerminated Status = iota
	// Converged: the method's convergence test held (for Loop: the
	// relative change of f stayed within Tol on Patience consecutive
	// iterations).
	Converged
	// IterationLimit: the iteration budget ran out first.
	IterationLimit
	// Failure: an error stopped the method (non-finite value, a failing
	// objective, checkpoint or recorder).
	Failure
	// Success: a combinatorial method finished its selection (a seed set of
	// size K for greedy, CELF and IMM).
	Success
	// GradientThreshold: the (projected) gradient norm fell below its
	// tolerance.
	GradientThreshold
	// FunctionConvergence: a step improved the objective by at most its
	// relative tolerance.
	FunctionConvergence
	// LineSearchFailure: no step along the search direction improved the
	// objective enough; the iterate is optimal to rounding error or the
	// problem is badly scaled.
	LineSearchFailure
)

var statusNames = [...]string{"NotTerminated", "Converged", "IterationLimit", "Failure", "Success",
	"GradientThreshold", "FunctionConvergence", "LineSearchFailure"}

// String returns the constant's name.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalJSON writes the status by name, so saved files read plainly.
func (s Status) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a status name (or, for old files, its number).
func (s *Status) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		var n int
		if err2 := json.Unmarshal(b, &n); err2 != nil || n < 0 || n >= len(statusNames) {
			return fmt.Errorf("train: status %s: want one of %v", b, statusNames)
		}
		*s = Status(n)
		return nil
	}
	for i, nm := range statusNames {
		if nm == name {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("train: unknown status %q", name)
}

// Stats counts the work of an iterative method.
type Stats struct {
	// Iterations is the number of accepted updates (or selection rounds).
	Iterations int `json:"iterations"`
	// Evaluations is the number of objective (and gradient) evaluations.
	Evaluations int `json:"evaluations"`
	// Runtime is the wall time spent, including earlier runs of a resumed
	// one.
	Runtime time.Duration `json:"runtime_ns"`
}

// Metric is one named diagnostic of an iteration (a loss term, a KL
// divergence, a clip fraction), named as in the method's paper.
type Metric struct {
	Name  string
	Value float64
}

// Progress is one report to a Recorder: the state after an iteration (or
// the starting point, Iter = 0).
type Progress struct {
	// Method names the reporting method ("slicer", "celf", "pgd", ...).
	Method string
	// Stage numbers the stage of a staged method (SLICER: the number of
	// replicas R); 0 when the method has no stages.
	Stage int
	// Iter is the number of iterations done (in the stage); 0 reports the
	// starting point.
	Iter int
	// Objective is the objective at the current iterate.
	Objective float64
	// Change is the relative change (f_Iter − f_{Iter−1})/|f_{Iter−1}| (the
	// absolute change when f_{Iter−1} = 0; 0 for Iter = 0).
	Change float64
	// LR is the learning rate of the step that produced the iterate (0 for
	// Iter = 0 and for methods without one).
	LR float64
	// Evaluations is the number of objective evaluations so far.
	Evaluations int
	// Elapsed is the wall time since the run started, including the time
	// before a resume.
	Elapsed time.Duration
	// Set is the current selection of a combinatorial method (seed nodes),
	// nil otherwise. It is valid only during the Record call.
	Set []int
	// Metrics holds further diagnostics, in a fixed order per method.
	Metrics []Metric
}

// Recorder receives progress reports. A non-nil error from Record stops the
// method with Status Failure, and the method returns it wrapped.
type Recorder interface {
	Record(p Progress) error
}

// RecorderFunc adapts a function to the Recorder interface.
type RecorderFunc func(p Progress) error

// Record implements Recorder by calling f(p).
func (f RecorderFunc) Record(p Progress) error { return f(p) }

// NonFiniteError reports a NaN or infinite objective or gradient entry.
// Objectives return it with Iter = -1; a Loop (or a solver's own loop) fills
// in where in the run it happened.
type NonFiniteError struct {
	// Op names who met the value ("slicer", "solvers/adjoint", ...).
	Op string
	// Stage names the stage ("R = 2"), empty for unstaged methods.
	Stage string
	// Iter is the index k of the iterate x_k that was evaluated, or -1 when
	// unknown (an objective called outside a loop).
	Iter int
	// Index is the gradient entry, or -1 for the objective.
	Index int
	Value float64
	// Err is the error of the objective that first reported the value, if
	// any.
	Err error
}

func (e *NonFiniteError) Error() string {
	what := "objective"
	if e.Index >= 0 {
		what = fmt.Sprintf("gradient entry %d", e.Index)
	}
	where := e.Op
	var loc []string
	if e.Stage != "" {
		loc = append(loc, e.Stage)
	}
	if e.Iter >= 0 {
		loc = append(loc, fmt.Sprintf("iterate %d", e.Iter))
	}
	if len(loc) > 0 {
		where += ": " + strings.Join(loc, ", ")
	}
	return fmt.Sprintf("%s: %s is %v", where, what, e.Value)
}

// Unwrap returns the objective's own error, if any.
func (e *NonFiniteError) Unwrap() error { return e.Err }

// CheckFinite returns a *NonFiniteError (Iter -1, reported by op) for the
// first non-finite value among f and the entries of grad, or nil.
func CheckFinite(op string, f float64, grad []float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return &NonFiniteError{Op: op, Iter: -1, Index: -1, Value: f}
	}
	for k, x := range grad {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return &NonFiniteError{Op: op, Iter: -1, Index: k, Value: x}
		}
	}
	return nil
}

// Default sets *field to def when it holds its zero value: the rule of
// every Settings and Config in spread ("a zero field means its documented
// default") in one line per field.
func Default[T comparable](field *T, def T) {
	var zero T
	if *field == zero {
		*field = def
	}
}
