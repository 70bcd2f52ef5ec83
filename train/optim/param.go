package optim

import (
	"fmt"
	"math"
)

// Param is one named parameter vector and its gradient.
//
// Value and Grad must have the same length; Step returns an error otherwise.
// Step updates Value in place and never modifies Grad, so the caller may
// alias Grad to a buffer its gradient code writes into.
type Param struct {
	// Name identifies the parameter in errors and in saved State.
	Name string
	// Value holds the parameters w, updated in place by Step.
	Value []float64
	// Grad holds ∂f/∂w for the objective f, in the same order as Value.
	Grad []float64
	// Project, if non-nil, is applied to this parameter after each update.
	Project Projection
}

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	// Step applies one update to every parameter in params, using their
	// current Grad. If any gradient entry is NaN or ±Inf it returns a
	// *GradError and modifies nothing. params must list the same parameters
	// (names and lengths) in the same order on every call until Reset.
	Step(params []*Param) error
	// Reset forgets the moments and the step count, as if the optimiser had
	// just been created; settings are kept.
	Reset()
}

// Checkpointer is implemented by optimisers whose accumulated state can be
// saved and restored. Adam and SGD implement it.
type Checkpointer interface {
	// State returns a deep copy of the accumulated state.
	State() State
	// SetState replaces the accumulated state by a copy of s.
	SetState(s State) error
}

// Optimizer and Checkpointer implementations.
var (
	_ Optimizer    = (*Adam)(nil)
	_ Optimizer    = (*SGD)(nil)
	_ Checkpointer = (*Adam)(nil)
	_ Checkpointer = (*SGD)(nil)
)

// GradError reports a non-finite gradient entry. Step returns it as a
// *GradError before modifying anything.
type GradError struct {
	Param string  // Param.Name
	Index int     // index into Param.Grad
	Value float64 // the offending entry: NaN, +Inf or −Inf
	Step  int     // the step index k at which it was seen (0-based)
}

func (e *GradError) Error() string {
	return fmt.Sprintf("optim: step %d: gradient of %q[%d] is %v", e.Step, e.Param, e.Index, e.Value)
}

// Projection maps a parameter onto a constraint set, in place. Step calls it
// after each update of a parameter whose Project field is set.
type Projection interface {
	Project(p *Param)
}

// Box clamps every value to the closed interval [Lo, Hi]. NaN values are left
// unchanged. Lo must not exceed Hi.
type Box struct{ Lo, Hi float64 }

// Project implements Projection.
func (b Box) Project(p *Param) {
	for i, x := range p.Value {
		if x < b.Lo {
			p.Value[i] = b.Lo
		} else if x > b.Hi {
			p.Value[i] = b.Hi
		}
	}
}

// NonNegative sets every negative value to 0.
type NonNegative struct{}

// Project implements Projection.
func (NonNegative) Project(p *Param) {
	for i, x := range p.Value {
		if x < 0 {
			p.Value[i] = 0
		}
	}
}

// ProjectFunc adapts a function to the Projection interface.
type ProjectFunc func(p *Param)

// Project implements Projection by calling f(p).
func (f ProjectFunc) Project(p *Param) { f(p) }

// GlobalNorm returns the 2-norm of all gradients taken together,
// sqrt(Σ_params Σ_i Grad[i]²). It is NaN if an entry is NaN, otherwise +Inf
// if an entry is ±Inf; finite entries whose squares overflow are handled by
// rescaling.
func GlobalNorm(params []*Param) float64 {
	ss := sumSquares(params)
	if math.IsInf(ss, 1) {
		// Either an entry is ±Inf (the norm is +Inf) or the squares overflowed.
		if p, _ := firstNonFinite(params); p == nil {
			return scaledNorm(params)
		}
	}
	return math.Sqrt(ss) // NaN if any entry is NaN
}

// ClipGlobalNorm rescales all gradients in place so that their global 2-norm
// (see GlobalNorm) is at most maxNorm: if the norm n exceeds maxNorm every
// Grad entry is multiplied by maxNorm/n. It returns n, the norm before
// clipping. If n is NaN or +Inf the gradients are left unchanged.
//
// It panics if maxNorm is not positive.
func ClipGlobalNorm(params []*Param, maxNorm float64) (normBefore float64) {
	if !(maxNorm > 0) {
		panic(fmt.Sprintf("optim: ClipGlobalNorm: maxNorm = %v, want > 0", maxNorm))
	}
	n := GlobalNorm(params)
	if c := clipFactor(n, maxNorm); c != 1 {
		for _, p := range params {
			for i := range p.Grad {
				p.Grad[i] *= c
			}
		}
	}
	return n
}

// clipFactor returns maxNorm/n if maxNorm > 0 and n > maxNorm (n finite),
// and 1 otherwise.
func clipFactor(n, maxNorm float64) float64 {
	if maxNorm > 0 && n > maxNorm && !math.IsInf(n, 1) {
		return maxNorm / n
	}
	return 1
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// sumSquares returns Σ Grad[i]² over all parameters. Four accumulators break
// the dependency chain of the additions.
func sumSquares(params []*Param) float64 {
	var total float64
	for _, p := range params {
		g := p.Grad
		var s0, s1, s2, s3 float64
		i := 0
		for ; i+4 <= len(g); i += 4 {
			s0 += g[i] * g[i]
			s1 += g[i+1] * g[i+1]
			s2 += g[i+2] * g[i+2]
			s3 += g[i+3] * g[i+3]
		}
		for ; i < len(g); i++ {
			s0 += g[i] * g[i]
		}
		total += (s0 + s1) + (s2 + s3)
	}
	return total
}

// firstNonFinite returns the first parameter and index whose gradient entry
// is NaN or ±Inf, or nil.
func firstNonFinite(params []*Param) (*Param, int) {
	for _, p := range params {
		for i, g := range p.Grad {
			if !isFinite(g) {
				return p, i
			}
		}
	}
	return nil, 0
}

// scaledNorm computes the global norm of finite gradients as
// a·sqrt(Σ(g/a)²) with a = max|g|, which does not overflow.
func scaledNorm(params []*Param) float64 {
	var a float64
	for _, p := range params {
		for _, g := range p.Grad {
			a = math.Max(a, math.Abs(g))
		}
	}
	if a == 0 {
		return 0
	}
	var s float64
	for _, p := range params {
		for _, g := range p.Grad {
			r := g / a
			s += r * r
		}
	}
	return a * math.Sqrt(s)
}
