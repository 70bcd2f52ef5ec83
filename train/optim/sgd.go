package optim

import (
	"errors"
	"fmt"
)

// SGD is stochastic gradient descent (or ascent) with optional classical or
// Nesterov momentum and coupled or decoupled weight decay; the update is
// given in the package documentation.
//
// LR or Schedule must be set; otherwise every zero field turns its feature
// off. Settings may be changed between steps.
type SGD struct {
	// LR is the learning rate η > 0, used when Schedule is nil.
	LR float64
	// Schedule, if non-nil, gives the learning rate of each step and LR is
	// ignored.
	Schedule Schedule
	// Momentum is μ in [0, 1). Zero means plain (projected) gradient steps
	// and no momentum buffer.
	Momentum float64
	// Nesterov selects Nesterov momentum, d = g + μ·b, instead of d = b.
	// It requires Momentum > 0.
	Nesterov bool
	// WeightDecay is the coupled L2 coefficient λ ≥ 0 (λ·w is added to the
	// gradient). Zero turns it off.
	WeightDecay float64
	// DecoupledWeightDecay is λ_d ≥ 0: w is scaled by 1 − η·λ_d at each step.
	// Zero turns it off.
	DecoupledWeightDecay float64
	// ClipNorm is the global-norm clipping threshold C ≥ 0 applied to the
	// gradients (without modifying Grad) before weight decay. Zero turns it
	// off.
	ClipNorm float64
	// Maximize makes Step ascend the objective instead of descending it.
	Maximize bool

	s moments
}

// Step applies one SGD update to params; see the package documentation for
// the equations and Optimizer for the contract. It returns an error, and
// modifies nothing, if a gradient entry is non-finite (a *GradError), a
// setting is out of range, or params does not match the previous steps.
func (o *SGD) Step(params []*Param) error {
	lr, err := o.settings()
	if err != nil {
		return err
	}
	norm, err := o.s.check(params, o.ClipNorm > 0)
	if err != nil {
		return err
	}
	if err := o.s.bind("SGD", params); err != nil {
		return err
	}
	gs := clipFactor(norm, o.ClipNorm)
	if o.Maximize {
		gs = -gs
	}
	k := sgdKernel{gs: gs, l2: o.WeightDecay, mu: o.Momentum, lr: lr, decay: 1 - lr*o.DecoupledWeightDecay}
	for i, p := range params {
		switch {
		case o.Momentum == 0:
			k.plain(p.Value, p.Grad)
		case o.Nesterov:
			k.nesterov(p.Value, p.Grad, buf(o.s.m, i, len(p.Value)))
		default:
			k.classical(p.Value, p.Grad, buf(o.s.m, i, len(p.Value)))
		}
		if p.Project != nil {
			p.Project.Project(p)
		}
	}
	o.s.steps++
	return nil
}

// settings validates the settings and returns η of the next step.
func (o *SGD) settings() (lr float64, err error) {
	lr = o.LR
	if o.Schedule != nil {
		lr = o.Schedule.LR(o.s.steps)
	} else if !(lr > 0) {
		return 0, fmt.Errorf("optim: SGD: LR = %v and Schedule is nil, want LR > 0", lr)
	}
	switch {
	case !(o.Momentum >= 0 && o.Momentum < 1):
		return 0, fmt.Errorf("optim: SGD: Momentum = %v, want 0 ≤ Momentum < 1", o.Momentum)
	case o.Nesterov && o.Momentum == 0:
		return 0, errors.New("optim: SGD: Nesterov requires Momentum > 0")
	}
	return lr, checkCommon("SGD", o.s.steps, lr, o.WeightDecay, o.DecoupledWeightDecay, o.ClipNorm)
}

// sgdKernel holds the per-step constants of the SGD update.
type sgdKernel struct {
	gs, l2, mu, lr, decay float64
}

// plain sets w ← w·decay − η·g.
func (k *sgdKernel) plain(w, grad []float64) {
	grad = grad[:len(w)]
	gs, l2, lr, decay := k.gs, k.l2, k.lr, k.decay
	for i, x := range w {
		g := gs * grad[i]
		if l2 != 0 {
			g += l2 * x
		}
		w[i] = x*decay - lr*g
	}
}

// classical sets b ← μ·b + g, w ← w·decay − η·b.
func (k *sgdKernel) classical(w, grad, b []float64) {
	grad, b = grad[:len(w)], b[:len(w)]
	gs, l2, mu, lr, decay := k.gs, k.l2, k.mu, k.lr, k.decay
	for i, x := range w {
		g := gs * grad[i]
		if l2 != 0 {
			g += l2 * x
		}
		bi := mu*b[i] + g
		b[i] = bi
		w[i] = x*decay - lr*bi
	}
}

// nesterov sets b ← μ·b + g, w ← w·decay − η·(g + μ·b).
func (k *sgdKernel) nesterov(w, grad, b []float64) {
	grad, b = grad[:len(w)], b[:len(w)]
	gs, l2, mu, lr, decay := k.gs, k.l2, k.mu, k.lr, k.decay
	for i, x := range w {
		g := gs * grad[i]
		if l2 != 0 {
			g += l2 * x
		}
		bi := mu*b[i] + g
		b[i] = bi
		w[i] = x*decay - lr*(g+mu*bi)
	}
}

// Reset implements Optimizer.
func (o *SGD) Reset() { o.s.reset() }

// State implements Checkpointer. Method is "sgd"; M is the momentum buffer b
// (nil until a step with Momentum > 0) and V is nil.
func (o *SGD) State() State { return o.s.state("sgd") }

// SetState implements Checkpointer. It returns an error if s is not an SGD
// state or is inconsistent; the next Step checks that its params match s.
func (o *SGD) SetState(s State) error { return o.s.setState("sgd", s, false) }
