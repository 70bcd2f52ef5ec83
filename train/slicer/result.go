package slicer

import (
	"fmt"
	"time"
)

// Status says why a stage, or the whole run, stopped.
type Status int

// Statuses.
const (
	// NotTerminated: the stage has not stopped (seen only in checkpoints).
	NotTerminated Status = iota
	// Converged: |O_{k+1} − O_k| ≤ Tol·|O_k| held on Patience consecutive
	// iterations.
	Converged
	// IterationLimit: MaxIters iterations without meeting Tol.
	IterationLimit
	// Failure: an error stopped the run (non-finite objective or gradient,
	// a failing gradient source, checkpoint or Recorder).
	Failure
)

var statusNames = [...]string{"NotTerminated", "Converged", "IterationLimit", "Failure"}

// String returns the constant's name.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Stats counts the work of a run. After Resume they include the work before
// the interruption, plus the one evaluation that restores the gradient.
type Stats struct {
	// Evaluations is the number of Objective.Eval calls.
	Evaluations int `json:"evaluations"`
	// Runtime is the wall time spent in Learn and Resume.
	Runtime time.Duration `json:"runtime_ns"`
}

// Stage is the record of learning with a fixed number of replicas.
type Stage struct {
	// Replicas is R of this stage.
	Replicas int `json:"replicas"`
	// Iters is the number of iterations (updates of θ) in the stage.
	Iters int `json:"iters"`
	// Status says why the stage stopped.
	Status Status `json:"status"`
	// Initial and Objective are O at the stage's starting point (after the
	// perturbation, for R ≥ 2) and at its last iterate.
	Initial   float64 `json:"initial"`
	Objective float64 `json:"objective"`
	// Calm is the number of consecutive iterations, ending with the last
	// one, on which |O_{k+1} − O_k| ≤ Tol·|O_k| held.
	Calm int `json:"calm"`
	// History holds O(θ_k) for k = 0..Iters: the starting point, then every
	// iterate.
	History []float64 `json:"history"`
}

// Result is the outcome of Learn or Resume.
type Result struct {
	// Theta holds the learned parameters, Replicas·P entries, replica-major
	// (replica r at [r·P, (r+1)·P), P = g.NumPairs(); see models/ic for the
	// layout). On a Failure it is the last iterate with a finite objective.
	Theta []float64
	// Replicas is R of the last stage run.
	Replicas int
	// Objective is O(Theta) (the mixture objective for R > 1).
	Objective float64
	// Iters is the total number of iterations over all stages.
	Iters int
	// Status is the status of the last stage.
	Status Status
	// Stages holds one entry per stage, R = 1, 2, …: per-stage objectives
	// and histories.
	Stages []Stage
	Stats  Stats
}

// Progress is what Learn reports to a Recorder after each iteration.
type Progress struct {
	// Replicas is R of the current stage.
	Replicas int
	// Iter is the number of iterations done in the stage; 0 reports the
	// stage's starting point.
	Iter int
	// Objective is O(θ_Iter).
	Objective float64
	// Change is the relative change (O_Iter − O_{Iter−1})/|O_{Iter−1}| (the
	// absolute change when O_{Iter−1} = 0; 0 for Iter = 0).
	Change float64
	// LR is the learning rate of the step that produced θ_Iter (ε_k or η_k;
	// 0 for Iter = 0).
	LR float64
	// Evaluations is the number of Objective.Eval calls so far.
	Evaluations int
	// Elapsed is the wall time since the run started (including the time
	// before a Resume).
	Elapsed time.Duration
}

// Recorder receives progress reports. Learn never prints; a command decides
// what to show. A non-nil error from Record stops the run with Status
// Failure, and Learn returns it wrapped.
type Recorder interface {
	Record(p Progress) error
}

// RecorderFunc adapts a function to the Recorder interface.
type RecorderFunc func(p Progress) error

// Record implements Recorder by calling f(p).
func (f RecorderFunc) Record(p Progress) error { return f(p) }

// NonFiniteError reports a NaN or infinite objective or gradient entry. The
// original code let a NaN objective end its loop silently (specs/slicer.md
// §5.3); here it is an error.
type NonFiniteError struct {
	// Replicas and Iter locate the evaluation: stage R and the index k of
	// the iterate θ_k that was evaluated.
	Replicas, Iter int
	// Index is the gradient entry in θ layout, or -1 for the objective.
	Index int
	Value float64
	// Err is the gradient source's own error, if it reported one.
	Err error
}

func (e *NonFiniteError) Error() string {
	what := "objective"
	if e.Index >= 0 {
		what = fmt.Sprintf("gradient entry %d", e.Index)
	}
	return fmt.Sprintf("slicer: R = %d, iterate %d: %s is %v", e.Replicas, e.Iter, what, e.Value)
}

// Unwrap returns the gradient source's error, if any.
func (e *NonFiniteError) Unwrap() error { return e.Err }
