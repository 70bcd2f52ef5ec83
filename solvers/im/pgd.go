package im

import (
	"errors"
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"
	"slices"
)

// ProjectedGradient maximises a smooth relaxation f(u) of the spread over the
// capped simplex U = {u ∈ [0,1]^C : Σ u = K} (C the candidates; other nodes
// stay at 0) by projected gradient ascent
//
//	u_{t+1} = Π_U(u_t + γ_t ∇f(u_t)),
//
// then rounds to the K largest coordinates and optionally polishes the set
// by swaps evaluated with the oracle (NMF-InfMax, He et al., "Network Diffusions via Neural Mean-Field Dynamics", NeurIPS 2020, §4; the sign of the
// step is that of ascent). Result.Spread is the oracle's σ of the final
// seeds when the Problem has an Oracle or a Model (default MC oracle), and
// f at the rounded point χ_S otherwise; Result.Relaxed is the final u. A DMP or mean-field InfMax supplies only
// Objective; for a loss L = R(u) − 1ᵀx(T; u) to minimise, return −L and −∇L.
//
// It stops after Iterations steps (Status IterationLimit) or when
// |f(u_{t+1}) − f(u_t)| < Tol for Patience consecutive steps (Converged).
type ProjectedGradient struct {
	// Objective returns f(u) and writes ∇f(u) into grad (len N, node order).
	// It must not modify u or retain either slice; an error it returns
	// stops the method and is returned. Required.
	Objective train.Objective
	// Step is the constant step γ. Zero means 0.01 (the NMF paper's InfMax step).
	Step float64
	// Schedule, if not nil, gives the step γ_t of step t = 0, 1, … and
	// overrides Step.
	Schedule func(t int) float64
	// Iterations is the maximum number of steps. Zero means 500.
	Iterations int
	// Patience is the number of consecutive small changes that count as
	// convergence. Zero means 10.
	Patience int
	// Tol is the change in f below which a step counts as small. Zero means
	// 1e-6·N.
	Tol float64
	// Init is the starting point (len N; projected onto U first). Nil means
	// u_i = K/C on the candidates.
	Init []float64
	// Polish, if positive, is the number of next-best coordinates (by the
	// final u) tried as replacements in a swap local search after rounding:
	// a swap of a seed for a pool node is kept when it raises the oracle's
	// spread, for at most 10 passes. It needs Problem.Oracle or
	// Problem.Model. Zero means no polishing.
	Polish int
}

// polishPasses bounds the swap local search.
const polishPasses = 10

// ascent is the state at the end of the projected-gradient loop.
type ascent struct {
	cand    []int
	u, grad []float64 // final iterate and ∇f there (len N)
	status  train.Status
	iters   int
	o       *counter                     // the oracle, nil if none is needed
	eval    func(t int) (float64, error) // f and ∇f at u, into grad
}

// ascend runs the projected-gradient loop of Run (everything before the
// rounding); needOracle asks for the Problem's oracle even without Polish.
func (a *ProjectedGradient) ascend(p *Problem, s *Settings, needOracle bool) (*ascent, error) {
	if a.Objective == nil {
		return nil, errors.New("im: ProjectedGradient needs an Objective")
	}
	n, K := p.N, p.K
	cand := p.candidates()
	m := len(cand)
	step := a.Step
	if step == 0 {
		step = 0.01
	}
	iters := a.Iterations
	if iters == 0 {
		iters = 500
	}
	patience := a.Patience
	if patience == 0 {
		patience = 10
	}
	tol := a.Tol
	if tol == 0 {
		tol = 1e-6 * float64(n)
	}
	if a.Init != nil && len(a.Init) != n {
		return nil, fmt.Errorf("im: ProjectedGradient: len(Init) = %d, want N = %d", len(a.Init), n)
	}
	var o *counter
	if needOracle && (a.Polish > 0 || p.Oracle != nil || p.Model != nil) {
		or, err := p.oracle(s)
		if err != nil {
			return nil, err
		}
		o = &counter{o: or}
	}

	u := make([]float64, n)
	grad := make([]float64, n)
	sub := make([]float64, m)
	ysub := make([]float64, m)
	scratch := make([]float64, m)
	kf := float64(K)
	if a.Init != nil {
		for i, c := range cand {
			v := a.Init[c]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("im: ProjectedGradient: Init[%d] = %v", c, v)
			}
			ysub[i] = v
		}
		projectCappedSimplex(sub, ysub, kf, scratch)
	} else {
		for i := range sub {
			sub[i] = kf / float64(m)
		}
	}
	for i, c := range cand {
		u[c] = sub[i]
	}
	// eval evaluates f and ∇f at u; a non-finite value (only the
	// candidates' gradient entries matter) is a *train.NonFiniteError
	// located at iterate t, Index a node.
	eval := func(t int) (float64, error) {
		clear(grad)
		f, err := a.Objective.Eval(u, grad)
		if err == nil {
			if err = train.CheckFinite("im: ProjectedGradient", f, nil); err == nil {
				for _, c := range cand {
					if g := grad[c]; math.IsNaN(g) || math.IsInf(g, 0) {
						err = &train.NonFiniteError{Op: "im: ProjectedGradient", Index: c, Value: g}
						break
					}
				}
			}
		}
		if nf, ok := errors.AsType[*train.NonFiniteError](err); ok {
			e := *nf
			e.Op, e.Iter = "im: ProjectedGradient", t
			if nf.Op != e.Op {
				e.Err = err
			}
			return 0, &e
		}
		if err != nil {
			return 0, fmt.Errorf("im: ProjectedGradient: iterate %d: %w", t, err)
		}
		return f, nil
	}
	f, err := eval(0)
	if err != nil {
		return nil, err
	}
	status := train.IterationLimit
	stall, t := 0, 0
	for t < iters {
		g := step
		if a.Schedule != nil {
			g = a.Schedule(t)
		}
		for i, c := range cand {
			ysub[i] = sub[i] + g*grad[c]
		}
		projectCappedSimplex(sub, ysub, kf, scratch)
		for i, c := range cand {
			u[c] = sub[i]
		}
		t++
		fNew, err := eval(t)
		if err != nil {
			return nil, err
		}
		if err := record(s, train.Progress{Method: "pgd", Iter: t, Objective: fNew, LR: g, Evaluations: t + 1}); err != nil {
			return nil, err
		}
		if math.Abs(fNew-f) < tol {
			stall++
		} else {
			stall = 0
		}
		f = fNew
		if stall >= patience {
			status = train.Converged
			break
		}
	}
	return &ascent{cand: cand, u: u, grad: grad, status: status, iters: t, o: o, eval: eval}, nil
}

// Run implements Method.
func (a *ProjectedGradient) Run(p *Problem, s *Settings) (*Result, error) {
	st, err := a.ascend(p, s, true)
	if err != nil {
		return nil, err
	}
	K, m := p.K, len(st.cand)
	cand, u, o, eval, status, t := st.cand, st.u, st.o, st.eval, st.status, st.iters
	relaxed := slices.Clone(u)

	// Rank candidates by u (ties to the smaller index); the top K are the
	// seeds, the next Polish the swap pool.
	order := rankRelaxed(cand, u, nil)
	seeds := slices.Clone(order[:K])
	res := &Result{Seeds: seeds, Status: status, Relaxed: relaxed, Stats: Stats{Stats: train.Stats{Iterations: t, Evaluations: t + 1}}}
	if o == nil {
		// Score the rounded point with the objective itself.
		clear(u)
		for _, c := range seeds {
			u[c] = 1
		}
		fs, err := eval(t)
		if err != nil {
			return nil, err
		}
		res.Spread = fs
		return res, nil
	}
	cur, se := o.Spread(seeds)
	if err := checkSpread(cur, seeds); err != nil {
		return nil, err
	}
	if a.Polish > 0 {
		pool := slices.Clone(order[K:min(m, K+a.Polish)])
		trial := make([]int, K)
		for pass := 0; pass < polishPasses; pass++ {
			improved := false
			for i := range seeds {
				for j, c := range pool {
					copy(trial, seeds)
					trial[i] = c
					val, vse := o.Spread(trial)
					if err := checkSpread(val, trial); err != nil {
						return nil, err
					}
					if val > cur+1e-12*math.Max(1, math.Abs(cur)) {
						seeds[i], pool[j] = c, seeds[i]
						cur, se = val, vse
						improved = true
					}
				}
			}
			if !improved {
				break
			}
		}
	}
	res.Spread, res.StdErr = cur, se
	res.Stats.OracleCalls = o.calls
	return res, nil
}

// rankRelaxed returns the candidates ordered by decreasing relaxed value
// u, ties broken by decreasing tie[v] when tie is not nil, then by the
// smaller index.
func rankRelaxed(cand []int, u, tie []float64) []int {
	order := slices.Clone(cand)
	slices.SortFunc(order, func(x, y int) int {
		switch {
		case u[x] > u[y]:
			return -1
		case u[x] < u[y]:
			return 1
		case tie != nil && tie[x] > tie[y]:
			return -1
		case tie != nil && tie[x] < tie[y]:
			return 1
		}
		return x - y
	})
	return order
}
