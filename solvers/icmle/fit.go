package icmle

import (
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"
	"time"
)

// Defaults of Settings (used for zero fields and a nil *Settings).
const (
	DefaultMaxIter   = 200
	DefaultGradTol   = 1e-9
	DefaultFuncTol   = 1e-15
	DefaultThetaMax  = 30
	DefaultInitAlpha = 0.5
)

// Settings configures Fit. A nil *Settings means the zero value, in which
// every field takes its default.
type Settings struct {
	// MaxIter is the limit on Newton iterations. Zero means DefaultMaxIter.
	MaxIter int
	// GradTol stops Fit when the projected gradient of the mean
	// log-likelihood ℓ/M satisfies ‖P(θ + ∇(ℓ/M)) − θ‖∞ ≤ GradTol (the
	// first-order optimality measure of the box-constrained problem). Zero
	// means DefaultGradTol.
	GradTol float64
	// FuncTol stops Fit when an accepted step improves ℓ by at most
	// FuncTol·|ℓ|. Zero means DefaultFuncTol; a negative value turns the
	// test off.
	FuncTol float64
	// ThetaMax is the upper bound of θ = −log(1 − α), i.e. α ≤ 1 − e^{−ThetaMax}.
	// Zero means DefaultThetaMax (α ≤ 1 − 9.4e-14).
	ThetaMax float64
	// InitAlpha is the initial α of every parameter, in [0, 1). Zero means
	// DefaultInitAlpha, the paper's SLICER start. Use Init to start at 0.
	InitAlpha float64
	// Init, when non-nil, is the initial α per parameter (ic.NumParams
	// entries, each in [0, 1]) and overrides InitAlpha. Values are clipped
	// to the box; parameters of a success event whose initial θ are all 0
	// (zero likelihood) are raised to α = 0.5.
	Init []float64
	// Recorder, when non-nil, receives the Progress of every iteration; an
	// error it returns stops Fit and is returned.
	Recorder train.Recorder
}

// Progress: Fit reports every iterate (Iter 0 is the initial point) to a
// train.Recorder as a train.Progress with Method "icmle", Objective ℓ/M at
// the iterate, LR the accepted line-search factor β that led to it (0 for
// Iter 0) and Metrics, in this order: "proj_grad" ‖P(θ + ∇(ℓ/M)) − θ‖∞,
// "free" the number of free parameters of the step and "cg" its
// conjugate-gradient iterations.

// Status: Fit stops with train.GradientThreshold (the projected gradient
// fell below Settings.GradTol), train.FunctionConvergence (a step improved ℓ
// by at most Settings.FuncTol·|ℓ|), train.IterationLimit (Settings.MaxIter
// iterations) or train.LineSearchFailure (no step along the projection arc
// increased ℓ enough; this happens when the iterate is optimal to rounding
// error, check Result.ProjGrad; the result is the last iterate).

// Stats counts Fit's work: train.Stats (Iterations: Newton iterations, i.e.
// accepted steps; Evaluations: evaluations of ℓ, i.e. line-search trials;
// Runtime) and the counts particular to the Newton method.
type Stats struct {
	train.Stats
	GradEvals int // evaluations of ∇ℓ
	HessVecs  int // Hessian-vector products in conjugate gradients
}

// Result is the outcome of Fit.
type Result struct {
	// Alpha is the estimate α̂ = 1 − e^{−θ̂}, in [0, 1], in the layout of
	// ic.NumParams (one entry per undirected edge or per arc).
	Alpha []float64
	// Theta is θ̂ = −log(1 − α̂), in [0, Settings.ThetaMax].
	Theta []float64
	// LogLik is ℓ(θ̂), the log-likelihood summed over the cascades.
	LogLik float64
	// ProjGrad is the final ‖P(θ̂ + ∇(ℓ/M)) − θ̂‖∞.
	ProjGrad float64
	Status   train.Status
	Stats    Stats
}

// resolved settings
type config struct {
	maxIter                   int
	gradTol, funcTol, thetaMx float64
	init                      []float64
	initAlpha                 float64
	rec                       train.Recorder
}

func resolve(s *Settings, P int) (config, error) {
	var z Settings
	if s == nil {
		s = &z
	}
	c := config{maxIter: s.MaxIter, gradTol: s.GradTol, funcTol: s.FuncTol, thetaMx: s.ThetaMax, init: s.Init, initAlpha: s.InitAlpha, rec: s.Recorder}
	train.Default(&c.maxIter, DefaultMaxIter)
	train.Default(&c.gradTol, DefaultGradTol)
	train.Default(&c.funcTol, DefaultFuncTol)
	train.Default(&c.thetaMx, DefaultThetaMax)
	train.Default(&c.initAlpha, DefaultInitAlpha)
	switch {
	case c.maxIter < 0:
		return c, fmt.Errorf("icmle: MaxIter = %d, want ≥ 0", c.maxIter)
	case !(c.gradTol > 0) || math.IsInf(c.gradTol, 0):
		return c, fmt.Errorf("icmle: GradTol = %v, want a finite value > 0", c.gradTol)
	case math.IsNaN(c.funcTol):
		return c, fmt.Errorf("icmle: FuncTol is NaN")
	case !(c.thetaMx > 0) || math.IsInf(c.thetaMx, 0):
		return c, fmt.Errorf("icmle: ThetaMax = %v, want a finite value > 0", c.thetaMx)
	case !(c.initAlpha > 0 && c.initAlpha < 1):
		return c, fmt.Errorf("icmle: InitAlpha = %v, want a value in (0, 1)", c.initAlpha)
	case c.init != nil && len(c.init) != P:
		return c, fmt.Errorf("icmle: len(Init) = %d, want %d parameters", len(c.init), P)
	}
	for q, a := range c.init {
		if !(a >= 0 && a <= 1) {
			return c, fmt.Errorf("icmle: Init[%d] = %v is not in [0, 1]", q, a)
		}
	}
	return c, nil
}

// Fit returns the maximum-likelihood estimate of the IC probabilities from
// the cascades added to p, maximising the concave ℓ(θ) over
// 0 ≤ θ ≤ ThetaMax by two-metric projected Newton with conjugate gradients
// and an Armijo search along the projection arc (see the package
// documentation). settings may be nil. It returns an error for invalid
// settings or when the Recorder fails; otherwise Result.Status says why it
// stopped. It does not modify p.
func Fit(p *Problem, settings *Settings) (*Result, error) {
	start := time.Now()
	P := p.NumParams()
	c, err := resolve(settings, P)
	if err != nil {
		return nil, err
	}
	f := newFitter(p, c)
	res := &Result{}
	status, err := f.run(&res.Stats)
	if err != nil {
		return nil, err
	}
	res.Theta = f.th
	res.Alpha = AlphaFromTheta(nil, f.th)
	res.LogLik = p.LogLik(f.th)
	res.ProjGrad = f.projGrad(f.th, f.g)
	res.Status = status
	res.Stats.Runtime = time.Since(start)
	return res, nil
}

// fitter holds Fit's state and buffers.
type fitter struct {
	p     *Problem
	c     config
	scale float64 // 1/M
	th, g []float64
	thN   []float64
	gN    []float64
	d     []float64 // search direction
	diag  []float64 // diagonal of −∇²(ℓ/M)
	w     []float64 // event curvatures, scaled
	free  []bool
	// conjugate-gradient vectors
	r, z, pv, ap []float64
}

func newFitter(p *Problem, c config) *fitter {
	P := p.NumParams()
	f := &fitter{p: p, c: c, scale: 1 / float64(max(1, p.NumCascades()))}
	buf := func() []float64 { return make([]float64, P) }
	f.th, f.g, f.thN, f.gN, f.d, f.diag = buf(), buf(), buf(), buf(), buf(), buf()
	f.r, f.z, f.pv, f.ap = buf(), buf(), buf(), buf()
	f.w = make([]float64, p.NumEvents())
	f.free = make([]bool, P)
	for q := range f.th {
		a := c.initAlpha
		if c.init != nil {
			a = c.init[q]
		}
		f.th[q] = min(c.thetaMx, max(0, -math.Log1p(-a)))
	}
	for ev := range p.evCount {
		if p.eventSum(f.th, ev) <= 0 {
			for _, q := range p.evIdx[p.evOff[ev]:p.evOff[ev+1]] {
				f.th[q] = min(c.thetaMx, math.Ln2) // α = 0.5
			}
		}
	}
	return f
}

// eval returns ℓ/M at th and writes ∇(ℓ/M) into g.
func (f *fitter) eval(th, g []float64, st *Stats) float64 {
	st.Evaluations++
	st.GradEvals++
	l, _ := f.p.Gradient(g, th)
	for q := range g {
		g[q] *= f.scale
	}
	return l * f.scale
}

func (f *fitter) projGrad(th, g []float64) float64 {
	m := 0.0
	for q, x := range th {
		m = max(m, math.Abs(min(f.c.thetaMx, max(0, x+g[q]))-x))
	}
	return m
}

func (f *fitter) run(st *Stats) (train.Status, error) {
	p, c := f.p, f.c
	const (
		epsActive = 1e-3
		armijo    = 1e-4
		maxHalve  = 60
	)
	fv := f.eval(f.th, f.g, st)
	prog := train.Progress{Method: "icmle", Metrics: make([]train.Metric, 3)}
	step, free, lastCG := 0.0, 0, 0
	gain := math.Inf(1) // improvement of the last step
	for it := 0; ; it++ {
		pg := f.projGrad(f.th, f.g)
		if c.rec != nil {
			prog.Iter, prog.Objective, prog.LR, prog.Evaluations = it, fv/f.scale, step, st.Evaluations
			prog.Metrics[0] = train.Metric{Name: "proj_grad", Value: pg}
			prog.Metrics[1] = train.Metric{Name: "free", Value: float64(free)}
			prog.Metrics[2] = train.Metric{Name: "cg", Value: float64(lastCG)}
			if err := c.rec.Record(prog); err != nil {
				return train.NotTerminated, fmt.Errorf("icmle: recorder: %w", err)
			}
		}
		switch {
		case pg <= c.gradTol:
			return train.GradientThreshold, nil
		case c.funcTol >= 0 && gain <= c.funcTol*math.Abs(fv):
			return train.FunctionConvergence, nil
		case it >= c.maxIter:
			return train.IterationLimit, nil
		}
		// Curvatures at th: w_ev and the diagonal of −∇²(ℓ/M).
		clear(f.diag)
		maxD := 0.0
		for ev, cnt := range p.evCount {
			w := f.scale * cnt * curvature(p.eventSum(f.th, ev))
			f.w[ev] = w
			for _, q := range p.evIdx[p.evOff[ev]:p.evOff[ev+1]] {
				f.diag[q] += w
			}
		}
		for _, x := range f.diag {
			maxD = max(maxD, x)
		}
		lambda := 1e-12 * max(maxD, 1)
		eps := min(epsActive, pg)
		nFree := 0
		for q, x := range f.th {
			gq := f.g[q]
			act := (x <= eps && gq < 0) || (x >= c.thetaMx-eps && gq > 0)
			f.free[q] = !act
			if act {
				f.d[q] = gq / (f.diag[q] + lambda)
			} else {
				nFree++
			}
		}
		cg := f.newton(lambda, st)
		// Armijo search along the projection arc.
		beta := 1.0
		accepted := false
		var fN float64
		for range maxHalve {
			pred := 0.0
			for q, x := range f.th {
				y := min(c.thetaMx, max(0, x+beta*f.d[q]))
				f.thN[q] = y
				pred += f.g[q] * (y - x)
			}
			fN = f.eval(f.thN, f.gN, st)
			if fN >= fv+armijo*pred && !math.IsNaN(fN) {
				accepted = true
				break
			}
			beta /= 2
		}
		if !accepted {
			return train.LineSearchFailure, nil
		}
		st.Iterations++
		gain = fN - fv
		f.th, f.thN = f.thN, f.th
		f.g, f.gN = f.gN, f.g
		fv = fN
		step, free, lastCG = beta, nFree, cg
	}
}

// newton solves (−∇²(ℓ/M) + λI)_FF d_F = g_F on the free parameters by
// Jacobi-preconditioned conjugate gradients, writing d_F into f.d, and
// returns the number of iterations. The inexact solve stops at relative
// residual η = min(0.1, sqrt(‖g_F‖)) (superlinear convergence).
func (f *fitter) newton(lambda float64, st *Stats) int {
	r, z, pv, ap, d := f.r, f.z, f.pv, f.ap, f.d
	nFree := 0
	rz, gn := 0.0, 0.0
	for q, free := range f.free {
		if !free {
			r[q], z[q], pv[q] = 0, 0, 0
			continue
		}
		nFree++
		d[q] = 0
		r[q] = f.g[q]
		z[q] = r[q] / (f.diag[q] + lambda)
		pv[q] = z[q]
		rz += r[q] * z[q]
		gn += r[q] * r[q]
	}
	if nFree == 0 || gn == 0 {
		return 0
	}
	gn = math.Sqrt(gn)
	tol := min(0.1, math.Sqrt(gn)) * gn
	maxCG := min(nFree, 200)
	k := 0
	for k < maxCG {
		k++
		st.HessVecs++
		f.p.negHessVec(ap, f.w, pv)
		pap := 0.0
		for q, free := range f.free {
			if !free {
				ap[q] = 0
				continue
			}
			ap[q] += lambda * pv[q]
			pap += pv[q] * ap[q]
		}
		if !(pap > 0) {
			break
		}
		a := rz / pap
		rn := 0.0
		for q, free := range f.free {
			if free {
				d[q] += a * pv[q]
				r[q] -= a * ap[q]
				rn += r[q] * r[q]
			}
		}
		if math.Sqrt(rn) <= tol {
			break
		}
		rzN := 0.0
		for q, free := range f.free {
			if free {
				z[q] = r[q] / (f.diag[q] + lambda)
				rzN += r[q] * z[q]
			}
		}
		b := rzN / rz
		rz = rzN
		for q, free := range f.free {
			if free {
				pv[q] = z[q] + b*pv[q]
			}
		}
	}
	return k
}
