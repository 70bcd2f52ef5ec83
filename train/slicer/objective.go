package slicer

import (
	"errors"
	"fmt"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
	"github.com/spread-dev/spread/train"
)

// ObjectiveFactory builds the gradient source of one learning stage: the
// mixture objective of R replicas (paper eq. 9; R = 1 is eq. 4) of the
// observations obs on g, with parameters θ of length R·g.NumPairs(),
// replica-major. workers is Config.Workers (≤ 0: GOMAXPROCS); the returned
// Objective's values must not depend on it. Learn calls the factory once per
// stage, so it may allocate freely.
type ObjectiveFactory func(g *graphs.Graph, obs *ic.Observations, R, workers int) (train.Objective, error)

// Gradient sources accepted in Config.Grad.
const (
	// GradAdjoint is the hand-written SLICER adjoint (solvers/adjoint),
	// O(|S|·T·|E|) per evaluation and bit-identical for any worker count.
	GradAdjoint = "adjoint"
	// GradAutodiff is reverse-mode autodiff through the DMP built as a
	// gorgonia graph; it needs Config.Autodiff (see ErrAutodiffNotBuilt).
	GradAutodiff = "autodiff"
)

// AdjointObjective returns the Objective of the R-replica mixture on (g, obs)
// computed by solvers/adjoint: Eval returns ic.MixtureObjective(g, θ, R, obs)
// and its exact gradient (for the ic.MuFloor-floored objective). opts may be
// nil (GOMAXPROCS workers); the values do not depend on the worker count.
// The returned Objective owns a Workspace and is not safe for concurrent use.
//
// Eval returns the adjoint's errors (observations that do not fit g, θ
// outside [0, 1], *train.NonFiniteError). It panics if R < 1 or
// len(theta) or len(grad) is not R·g.NumPairs().
func AdjointObjective(g *graphs.Graph, obs *ic.Observations, R int, opts *adjoint.Options) train.Objective {
	if R < 1 {
		panic(fmt.Sprintf("slicer: AdjointObjective: R = %d replicas, want R ≥ 1", R))
	}
	return &adjointObjective{ws: adjoint.NewWorkspace(g, opts), obs: obs, r: R}
}

type adjointObjective struct {
	ws  *adjoint.Workspace
	obs *ic.Observations
	r   int
}

func (a *adjointObjective) Eval(theta, grad []float64) (float64, error) {
	if grad == nil {
		panic("slicer: Objective.Eval: nil grad")
	}
	o, _, err := a.ws.MixtureGradient(grad, theta, a.r, a.obs)
	return o, err
}

// newObjective returns the gradient source for a stage with R replicas.
func newObjective(cfg *Config, g *graphs.Graph, obs *ic.Observations, R int) (train.Objective, error) {
	switch cfg.Grad {
	case GradAdjoint:
		return AdjointObjective(g, obs, R, &adjoint.Options{Workers: cfg.Workers}), nil
	case GradAutodiff:
		if cfg.Autodiff == nil {
			f, err := ic.NewGraphObjective(g, obs, R, nil)
			if err != nil {
				return nil, fmt.Errorf("slicer: autodiff objective: %w", err)
			}
			return f, nil
		}
		f, err := cfg.Autodiff(g, obs, R, cfg.Workers)
		if err != nil {
			return nil, fmt.Errorf("slicer: autodiff objective: %w", err)
		}
		if f == nil {
			return nil, errors.New("slicer: Config.Autodiff returned a nil Objective")
		}
		return f, nil
	}
	return nil, fmt.Errorf("slicer: unknown gradient source Grad = %q (want %q or %q)", cfg.Grad, GradAdjoint, GradAutodiff)
}
