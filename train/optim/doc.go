// Package optim implements first-order optimisers (Adam, AdamW, SGD with
// classical or Nesterov momentum) over flat parameter slices, with
// learning-rate schedules, global-norm gradient clipping, projections onto
// constraint sets and checkpointable state.
//
// It is plain Go: it does not import gorgonia. A caller computes gradients by
// any means (a gorgonia graph, a hand-written adjoint, finite differences),
// copies or aliases them into [Param].Grad and calls Step. gorgonia's own
// Adam solver is not used because it is about 9× slower on 10⁶ parameters,
// clips element-wise rather than by global norm, and has no schedules
// (docs/GORGONIA.md).
//
// # Symbols
//
//	w     Param.Value          parameters, updated in place
//	∇     Param.Grad           ∂f/∂w of the objective f; never modified by Step
//	k     step index           0 for the first Step after creation or Reset
//	t     k+1                  Adam's bias-correction exponent
//	η     LR or Schedule.LR(k) learning rate of step k
//	λ     WeightDecay          coupled L2 coefficient
//	λ_d   DecoupledWeightDecay decoupled (AdamW) coefficient
//	C     ClipNorm             global-norm clipping threshold (0 = off)
//	β₁ β₂ Beta1 Beta2          Adam's moment decay rates
//	ε     Eps                  Adam's denominator offset
//	μ     Momentum             SGD momentum
//	m v   State M, V           Adam's first and raw second moments
//	b     State M              SGD's momentum buffer
//
// # Gradient pre-processing (Adam and SGD)
//
// Step first checks every ∇ᵢ of every parameter; if one is NaN or ±Inf it
// returns a [*GradError] naming the parameter and index and modifies nothing
// (values, moments and the step count are left as they were). Then, over all
// parameters together,
//
//	‖∇‖ = sqrt(Σ_params Σ_i ∇ᵢ²)
//	c   = C/‖∇‖ if C > 0 and ‖∇‖ > C, else 1          (global-norm clipping)
//	s   = −1 if Maximize, else +1                     (ascent instead of descent)
//	g   = s·c·∇ + λ·w                                 (coupled L2 weight decay)
//
// With Maximize the optimiser ascends f, and both kinds of weight decay still
// shrink w towards 0: the coupled form ascends f(w) − λ‖w‖²/2.
//
// # Adam (Kingma & Ba, 2015, Algorithm 1) and AdamW (Loshchilov & Hutter, 2019)
//
//	m ← β₁·m + (1−β₁)·g
//	v ← β₂·v + (1−β₂)·g²
//	m̂ = m / (1−β₁ᵗ),   v̂ = v / (1−β₂ᵗ)
//	w ← w − η·λ_d·w − η·m̂ / (sqrt(v̂) + ε)
//
// evaluated as w·(1−η·λ_d) − (η/(1−β₁ᵗ))·m / (sqrt(v)/sqrt(1−β₂ᵗ) + ε), which
// equals the line above up to rounding. m and v start at 0.
//
// # SGD with momentum (PyTorch's convention, no dampening)
//
//	b ← μ·b + g                     (only when μ > 0; b starts at 0)
//	d = g            if μ = 0
//	d = b            classical momentum
//	d = g + μ·b      Nesterov = true
//	w ← w·(1−η·λ_d) − η·d
//
// The learning rate multiplies the buffer, so a schedule change applies at
// once to the accumulated velocity.
//
// # Projections
//
// After the update, if [Param].Project is non-nil, Step calls it on that
// parameter: w ← P(w). With a [Box] or [NonNegative] projection the iteration
// is projected gradient descent (or ascent).
//
// # SLICER
//
// SLICER's update α ← α + ε·∂O/∂α (docs/SLICER.md §2) is
//
//	&SGD{Maximize: true, Schedule: InvSqrt{LR0: N / (M·T·80), K0: 400}}
//
// with its per-coordinate step halving written as a [ProjectFunc] (see the
// ProjectFunc example).
//
// # Conventions
//
// The parameter slice passed to Step must list the same parameters (same
// names and lengths, in the same order) on every call; the optimiser keeps
// its moments by position. Reset or SetState starts a new binding. Moments
// are allocated on the first Step, and later Steps do not allocate. State
// and SetState copy the moments and the step count, so stopping after k
// steps, saving, restoring into a fresh optimiser with the same settings and
// stepping again is bit-for-bit the same as never stopping.
//
// Only float64 is implemented. The element type appears only in Param,
// ParamState and the unexported update kernels, so a float32 variant can be
// added as a Param32 type with float32 kernels, sharing the schedules, the
// gradient pre-processing rules and the State layout.
//
// Optimisers are not safe for concurrent use; the package has no global state.
package optim
