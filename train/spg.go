package train

import (
	"errors"
	"fmt"
	"math"

	"github.com/spread-dev/spread/train/optim"
)

// LineSearcher is a Stepper that evaluates the objective itself (a line
// search): Search moves x from x_k to x_{k+1} given grad = ∇f(x_k) and f =
// f(x_k), using eval for every trial point, and returns f(x_{k+1}) with
// grad holding ∇f(x_{k+1}). A Loop calls Search instead of Step and does
// not evaluate the accepted point again. A trial with a non-finite value is
// the stepper's to reject; an error stops the run.
type LineSearcher interface {
	Stepper
	Search(x, grad []float64, f float64, k int, eval func(x, grad []float64) (float64, error)) (float64, error)
}

// ProjGrader is a Stepper with a feasible set: ProjGrad returns the
// infinity norm of the projected gradient (the gradient with the entries
// that push against an active bound set to zero), zero exactly at a
// stationary point of the constrained problem. A Loop with GradTol > 0
// stops when it falls to GradTol times its value at the starting point, a
// test that does not depend on the scale of f.
type ProjGrader interface {
	ProjGrad(x, grad []float64) float64
}

// SPG is the spectral projected gradient method with a monotone Armijo line
// search (Birgin, Martínez & Raydan, "Nonmonotone spectral projected
// gradient methods on convex sets", SIAM J. Optim. 10, 2000, algorithm SPG2
// with memory M = 1) on the box [Lo, Hi]^n. Iteration k:
//
//	d_k = P(x_k + σ·λ_k·∇f(x_k)) − x_k          (σ = +1 maximising, −1 minimising)
//	x_{k+1} = x_k + t·d_k,  t = 1, then backtracking, the first with
//	σ·f(x_{k+1}) ≥ σ·f(x_k) + γ·t·σ·∇f(x_k)·d_k   (γ = Armijo)
//	λ_{k+1} = sᵀs / (−σ·sᵀy) clamped to [LambdaMin, LambdaMax],  s = x_{k+1} − x_k, y = ∇f_{k+1} − ∇f_k
//
// (λ_{k+1} = LambdaMax when the curvature −σ·sᵀy ≤ 0). Backtracking takes
// the maximiser of the quadratic interpolating σf(x_k), its slope and the
// rejected trial, safeguarded to [t/10, t/2]. Every accepted step
// improves f, the Barzilai–Borwein step λ adapts to the scale of the
// gradient (no learning rate to tune), and the box is honoured exactly. The
// first λ is (Hi − Lo)/(2·‖∇f‖∞) on the free coordinates, a first move of at
// most half the box. SPG implements
// LineSearcher, ProjGrader and StatefulStepper (its state is λ).
type SPG struct {
	// Lo and Hi bound every coordinate (Lo < Hi).
	Lo, Hi float64
	// Maximize selects ascent.
	Maximize bool
	// Armijo is γ in (0, 1). Zero means 1e-4.
	Armijo float64
	// LambdaMin and LambdaMax bound the spectral step. Zero means 1e-30
	// and 1e30.
	LambdaMin, LambdaMax float64
	// MaxBacktracks bounds the backtracks per iteration. Zero means 60.
	MaxBacktracks int

	lambda    float64 // the next iteration's λ; 0 before the first
	xt, gt, d []float64
	box       box
}

// ErrNoAscent is returned (wrapped) by SPG.Search when no step along the
// projected gradient improves f after MaxBacktracks halvings: the iterate
// is stationary to rounding error.
var ErrNoAscent = errors.New("no step along the projected gradient improves the objective")

func (s *SPG) sync() {
	s.box = box{Lo: s.Lo, Hi: s.Hi, Maximize: s.Maximize, Armijo: s.Armijo, MaxBacktracks: s.MaxBacktracks}
}

func (s *SPG) project(v float64) float64 { return s.box.project(v) }

// LR implements Stepper: the spectral step λ of the next iteration.
func (s *SPG) LR(int) float64 { return s.lambda }

// Step implements Stepper; SPG needs the objective, so a Loop calls Search.
func (s *SPG) Step([]float64, []float64, int) error {
	return errors.New("train: SPG is a line search: run it in a Loop")
}

// ProjGrad implements ProjGrader: max_i |g_i| over the coordinates whose
// ascent direction σg_i is feasible (not at Lo with σg_i < 0, not at Hi
// with σg_i > 0).
func (s *SPG) ProjGrad(x, grad []float64) float64 {
	s.sync()
	return s.box.projGrad(x, grad)
}

// Search implements LineSearcher.
func (s *SPG) Search(x, grad []float64, f float64, k int, eval func(x, grad []float64) (float64, error)) (float64, error) {
	if !(s.Lo < s.Hi) {
		return 0, fmt.Errorf("SPG box [%v, %v] is empty", s.Lo, s.Hi)
	}
	s.sync()
	lmin, lmax := s.LambdaMin, s.LambdaMax
	if lmin == 0 {
		lmin = 1e-30
	}
	if lmax == 0 {
		lmax = 1e30
	}
	n, sg := len(x), s.box.sign()
	if len(s.d) != n {
		s.xt, s.gt, s.d = make([]float64, n), make([]float64, n), make([]float64, n)
	}
	if s.lambda == 0 {
		// A first move of at most (Hi − Lo)/2 per coordinate.
		pg := s.ProjGrad(x, grad)
		if pg == 0 {
			return 0, fmt.Errorf("SPG: %w (the projected gradient is zero)", ErrNoAscent)
		}
		s.lambda = min(max((s.Hi-s.Lo)/(2*pg), lmin), lmax)
	}
	for i, v := range x {
		s.d[i] = s.project(v+sg*s.lambda*grad[i]) - v
	}
	// x + t·d stays in the box for t ∈ [0, 1] (convexity).
	ft, err := s.box.backtrack(x, grad, f, s.xt, s.gt, func(t float64, xt []float64) {
		for i, v := range x {
			xt[i] = s.project(v + t*s.d[i])
		}
	}, eval)
	if err != nil {
		return 0, fmt.Errorf("SPG: %w", err)
	}
	// The spectral step from s = x_{k+1} − x_k and y = ∇f_{k+1} − ∇f_k.
	ss, sy := 0.0, 0.0
	for i := range x {
		si, yi := s.xt[i]-x[i], s.gt[i]-grad[i]
		ss += si * si
		sy += si * yi
	}
	if c := -sg * sy; c > 0 {
		s.lambda = min(max(ss/c, lmin), lmax)
	} else {
		s.lambda = lmax
	}
	copy(x, s.xt)
	copy(grad, s.gt)
	return ft, nil
}

// box is the feasible set and line-search settings shared by SPG and PQN.
type box struct {
	Lo, Hi        float64
	Maximize      bool
	Armijo        float64
	MaxBacktracks int
}

func (b *box) sign() float64 {
	if b.Maximize {
		return 1
	}
	return -1
}

func (b *box) project(v float64) float64 { return min(max(v, b.Lo), b.Hi) }

// projGrad is ProjGrader's norm for the box.
func (b *box) projGrad(x, grad []float64) float64 {
	sg, m := b.sign(), 0.0
	for i, v := range x {
		d := sg * grad[i]
		if (v <= b.Lo && d < 0) || (v >= b.Hi && d > 0) {
			continue
		}
		m = max(m, math.Abs(d))
	}
	return m
}

// backtrack is the monotone Armijo search along a path t ↦ x(t) in the box
// (point writes x(t) into xt), t = 1 first: it accepts the first trial with
// σf(x(t)) ≥ σf(x) + γ·σ∇f(x)·(x(t) − x) and a positive predicted gain,
// leaving x(t) in xt and ∇f there in gt. Backtracking takes the maximiser
// of the quadratic through σf(x), the predicted slope and the rejected
// trial, safeguarded to [t/10, t/2], or halves after a non-finite trial.
// It returns ErrNoAscent (wrapped) when no trial is accepted.
func (b *box) backtrack(x, grad []float64, f float64, xt, gt []float64, point func(t float64, xt []float64), eval func(x, grad []float64) (float64, error)) (float64, error) {
	gamma, maxBT := b.Armijo, b.MaxBacktracks
	if gamma == 0 {
		gamma = 1e-4
	}
	if maxBT == 0 {
		maxBT = 60
	}
	sg := b.sign()
	t := 1.0
	for bt := 0; ; bt++ {
		point(t, xt)
		gain := 0.0 // σ∇f·(x(t) − x), the first-order gain
		for i, v := range x {
			gain += sg * grad[i] * (xt[i] - v)
		}
		if !(gain > 0) {
			return 0, fmt.Errorf("%w (predicted gain %v at step %v)", ErrNoAscent, gain, t)
		}
		ft, err := eval(xt, gt)
		var nf *NonFiniteError
		if err != nil && !errors.As(err, &nf) {
			return 0, err
		}
		if err == nil && sg*ft >= sg*f+gamma*gain {
			return ft, nil
		}
		if bt >= maxBT {
			return 0, fmt.Errorf("%w after %d backtracks", ErrNoAscent, bt)
		}
		next := t / 2
		if slope := gain / t; err == nil {
			if den := 2 * (sg*ft - sg*f - gain); den < 0 {
				next = min(max(-slope*t*t/den, t/10), t/2)
			}
		}
		t = next
	}
}

// State implements StatefulStepper.
func (s *SPG) State() *optim.State {
	return &optim.State{Method: "spg", Params: []optim.ParamState{{Name: "lambda", Len: 1, M: []float64{s.lambda}}}}
}

// SetState implements StatefulStepper.
func (s *SPG) SetState(st *optim.State, _ int) error {
	if st == nil || st.Method != "spg" || len(st.Params) != 1 || len(st.Params[0].M) != 1 {
		return errors.New("the checkpoint holds no SPG state")
	}
	s.lambda = st.Params[0].M[0]
	return nil
}
