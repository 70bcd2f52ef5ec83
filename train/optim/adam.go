package optim

import (
	"fmt"
	"math"
)

// Adam is the Adam optimiser with bias correction (Kingma & Ba, 2015) and
// optional coupled L2 or decoupled (AdamW) weight decay; the update is given
// in the package documentation.
//
// The zero value is usable: every zero field either selects the documented
// default or turns its feature off. Settings may be changed between steps.
type Adam struct {
	// LR is the learning rate η, used when Schedule is nil. Zero means 0.001.
	LR float64
	// Schedule, if non-nil, gives the learning rate of each step and LR is
	// ignored.
	Schedule Schedule
	// Beta1 is the first-moment decay rate β₁, in (0, 1). Zero means 0.9.
	Beta1 float64
	// Beta2 is the second-moment decay rate β₂, in (0, 1). Zero means 0.999.
	Beta2 float64
	// Eps is the denominator offset ε > 0. Zero means 1e-8.
	Eps float64
	// WeightDecay is the coupled L2 coefficient λ ≥ 0: λ·w is added to the
	// gradient before the moments are updated. Zero turns it off.
	WeightDecay float64
	// DecoupledWeightDecay is the AdamW coefficient λ_d ≥ 0: w is scaled by
	// 1 − η·λ_d at each step, outside the adaptive update. Zero turns it off.
	DecoupledWeightDecay float64
	// ClipNorm is the global-norm clipping threshold C ≥ 0 applied to the
	// gradients (without modifying Grad) before weight decay. Zero turns it
	// off.
	ClipNorm float64
	// Maximize makes Step ascend the objective instead of descending it.
	Maximize bool

	s moments
}

// Adam's defaults (Kingma & Ba, 2015, Algorithm 1).
const (
	DefaultAdamLR    = 0.001
	DefaultAdamBeta1 = 0.9
	DefaultAdamBeta2 = 0.999
	DefaultAdamEps   = 1e-8
)

// Step applies one Adam update to params; see the package documentation for
// the equations and Optimizer for the contract. It returns an error, and
// modifies nothing, if a gradient entry is non-finite (a *GradError), a
// setting is out of range, or params does not match the previous steps.
func (a *Adam) Step(params []*Param) error {
	b1, b2, eps, lr, err := a.settings()
	if err != nil {
		return err
	}
	norm, err := a.s.check(params, a.ClipNorm > 0)
	if err != nil {
		return err
	}
	if err := a.s.bind("Adam", params); err != nil {
		return err
	}
	gs := clipFactor(norm, a.ClipNorm)
	if a.Maximize {
		gs = -gs
	}
	t := float64(a.s.steps + 1)
	bc1 := 1 - math.Pow(b1, t)
	bc2 := 1 - math.Pow(b2, t)
	k := adamKernel{
		gs:         gs,
		l2:         a.WeightDecay,
		b1:         b1,
		c1:         1 - b1,
		b2:         b2,
		c2:         1 - b2,
		eps:        eps,
		stepSize:   lr / bc1,
		invSqrtBC2: 1 / math.Sqrt(bc2),
		decay:      1 - lr*a.DecoupledWeightDecay,
	}
	for i, p := range params {
		n := len(p.Value)
		k.run(p.Value, p.Grad, buf(a.s.m, i, n), buf(a.s.v, i, n))
		if p.Project != nil {
			p.Project.Project(p)
		}
	}
	a.s.steps++
	return nil
}

// settings returns the effective β₁, β₂, ε and η of the next step.
func (a *Adam) settings() (b1, b2, eps, lr float64, err error) {
	b1, b2, eps, lr = orDefault(a.Beta1, DefaultAdamBeta1), orDefault(a.Beta2, DefaultAdamBeta2),
		orDefault(a.Eps, DefaultAdamEps), orDefault(a.LR, DefaultAdamLR)
	if a.Schedule != nil {
		lr = a.Schedule.LR(a.s.steps)
	}
	switch {
	case !(b1 > 0 && b1 < 1):
		err = fmt.Errorf("optim: Adam: Beta1 = %v, want 0 < Beta1 < 1", b1)
	case !(b2 > 0 && b2 < 1):
		err = fmt.Errorf("optim: Adam: Beta2 = %v, want 0 < Beta2 < 1", b2)
	case !(eps > 0) || math.IsInf(eps, 1):
		err = fmt.Errorf("optim: Adam: Eps = %v, want a finite Eps > 0", eps)
	default:
		err = checkCommon("Adam", a.s.steps, lr, a.WeightDecay, a.DecoupledWeightDecay, a.ClipNorm)
	}
	return b1, b2, eps, lr, err
}

// adamKernel holds the per-step constants of the Adam update.
type adamKernel struct {
	gs, l2, b1, c1, b2, c2, eps, stepSize, invSqrtBC2, decay float64
}

// run updates w, m and v in place from grad; all four have the same length.
func (k *adamKernel) run(w, grad, m, v []float64) {
	grad, m, v = grad[:len(w)], m[:len(w)], v[:len(w)]
	gs, l2, b1, c1, b2, c2 := k.gs, k.l2, k.b1, k.c1, k.b2, k.c2
	eps, stepSize, invSqrtBC2, decay := k.eps, k.stepSize, k.invSqrtBC2, k.decay
	for i, x := range w {
		g := gs * grad[i]
		if l2 != 0 {
			g += l2 * x
		}
		mi := b1*m[i] + c1*g
		vi := b2*v[i] + c2*(g*g)
		m[i], v[i] = mi, vi
		w[i] = x*decay - stepSize*mi/(math.Sqrt(vi)*invSqrtBC2+eps)
	}
}

// Reset implements Optimizer.
func (a *Adam) Reset() { a.s.reset() }

// State implements Checkpointer. Method is "adam"; M and V are m and v.
func (a *Adam) State() State { return a.s.state("adam") }

// SetState implements Checkpointer. It returns an error if s is not an Adam
// state or is inconsistent; the next Step checks that its params match s.
func (a *Adam) SetState(s State) error { return a.s.setState("adam", s, true) }

func orDefault(x, def float64) float64 {
	if x == 0 {
		return def
	}
	return x
}

// checkCommon validates the settings Adam and SGD share.
func checkCommon(method string, step int, lr, wd, dwd, clip float64) error {
	switch {
	case !(lr >= 0) || math.IsInf(lr, 1):
		return fmt.Errorf("optim: %s: step %d: learning rate %v, want finite and ≥ 0", method, step, lr)
	case !(wd >= 0) || math.IsInf(wd, 1):
		return fmt.Errorf("optim: %s: WeightDecay = %v, want finite and ≥ 0", method, wd)
	case !(dwd >= 0) || math.IsInf(dwd, 1):
		return fmt.Errorf("optim: %s: DecoupledWeightDecay = %v, want finite and ≥ 0", method, dwd)
	case !(clip >= 0) || math.IsInf(clip, 1):
		return fmt.Errorf("optim: %s: ClipNorm = %v, want finite and ≥ 0", method, clip)
	}
	return nil
}
