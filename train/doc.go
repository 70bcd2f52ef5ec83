// Package train is the vocabulary every learner and solver of spread shares,
// and the generic loop that SLICER, NMF and PPO train with.
//
// # Vocabulary
//
// An [Objective] is a scalar function of a flat parameter vector x with its
// gradient:
//
//	f, err := obj.Eval(x, grad)   // f(x), and grad[k] = ∂f/∂x[k]
//
// It is the one signature shared by the SLICER objective (autodiff through
// models/ic or the hand-written adjoint of solvers/adjoint), DMPrec, the
// influence-maximisation relaxations of solvers/im, the NMF loss and the PPO
// surrogate. A [Status] says why an iterative method stopped, [Stats] counts
// its work, a [Recorder] receives one [Progress] per iteration (library code
// never prints), and a [*NonFiniteError] reports a NaN or infinite objective
// or gradient entry wherever it is met.
//
// train imports nothing from the rest of spread except train/optim, so
// models, solvers and the trainers in train/* can all use it without an
// import cycle.
//
// # The loop
//
// [Loop] runs one optimisation stage: from x_0 it evaluates f(x_0) and
// ∇f(x_0), then for k = 0, 1, … applies a [Stepper] (the update rule:
// [AdamStep] wraps train/optim's Adam; a model may bring its own, like
// SLICER's step-halving ascent),
//
//	x_{k+1} = step(x_k, ∇f(x_k), k),   then f(x_{k+1}), ∇f(x_{k+1}),
//
// one gradient evaluation per iteration, until the stopping rule holds:
//
//	|f_{k+1} − f_k| ≤ Tol·|f_k|  on Patience consecutive iterations   (Converged)
//	k + 1 = MaxIters                                                  (IterationLimit)
//
// A non-finite value or a failing objective, stepper, checkpoint or recorder
// stops the stage with Status Failure, leaving the last iterate with a
// finite objective in the [Trace]. The Trace (iterate count, status, the
// objective history and the consecutive-calm count) and the stepper's
// optimiser state are all a checkpoint needs: [Loop.Resume] re-evaluates the
// saved iterate, refuses to continue if the objective differs in any bit,
// and then continues exactly as the uninterrupted run would (bit-identical
// iterates). Staged learners (SLICER's replica continuation) run one Loop
// per stage and keep the list of finished Traces.
package train
