package ic

import (
	"fmt"
	"math"
	"sync"

	"github.com/spread-dev/spread/graphs"
)

// SpreadAdjoint is the plain-Go fast path of SpreadObjective: the same
// σ(u) = Σ_i p_i(T−1) with p̄ = u, and its gradient ∂σ/∂u by a hand-written
// reverse sweep of the DMP equations (package documentation), tested equal
// to the autodiff of SpreadObjective (TestSpreadAdjointMatchesAutodiff).
//
// # Reverse sweep
//
// Write b_i = 1 − u_i and x_q = 1 − α_q p_{k_q}(t−1) for the in-edges k_q,
// q = 0..d−1, of node i, and r_q = Rev[k_q] (the message i → Src[k_q]).
// Slot t of the forward pass is
//
//	p_i(t) = 1 − b_i Π_q x_q,   p_{r_q}(t) = 1 − b_i Π_{q'≠q} x_{q'}.
//
// With the adjoints p̄_i(t) = ∂σ/∂p_i(t) and m̄_e(t) = ∂σ/∂p_e(t)
// (p̄_i(T−1) = 1 plus, for out-edges e of i without a reverse, m̄_e(t),
// since then p_e(t) = p_i(t)), and the prefix/suffix sums
//
//	A0_q = Π_{q'<q} x_{q'},  A1_q = Σ_{q'<q} m̄_{r_{q'}} Π_{q''<q, q''≠q'} x_{q''}
//
// (B0, B1 the same over q' > q), one has, without division,
//
//	x̄_q  = −b_i [ p̄_i A0_q B0_q + A1_q B0_q + A0_q B1_q ],
//	∂σ/∂u_i += p̄_i Π_q x_q + Σ_q m̄_{r_q} Π_{q'≠q} x_{q'}   (from b_i = 1 − u_i),
//	m̄_{k_q}(t−1) += −α_q x̄_q,
//
// and at t = 0 ∂σ/∂u_i += p̄_i(0) + Σ_{e out of i} m̄_e(0). Every write of
// node i's step goes to i's in-edges or to i itself, so the nodes of one
// slot are split among Workers goroutines without changing any sum: the
// result does not depend on Workers.
//
// A SpreadAdjoint is not safe for concurrent use.
type SpreadAdjoint struct {
	d       *DMP
	alpha   []float64
	t       int
	workers int
	mbar    [2][]float64 // m̄ of slots t (cur) and t−1 (prev), E each
	a1      []float64    // A1 by in-edge position, E
}

// NewSpreadAdjoint builds σ(u) on g with parameters theta (len NumParams(g),
// expanded with ExpandAlpha) and horizon T (slots 0..T−1), evaluated with
// the given number of goroutines (≤ 0 means 1). It returns an error if
// theta is rejected by CheckTheta, T < 1 or g has no nodes. It panics if
// len(theta) != NumParams(g).
func NewSpreadAdjoint(g *graphs.Graph, theta []float64, T, workers int) (*SpreadAdjoint, error) {
	if err := CheckTheta(theta); err != nil {
		return nil, err
	}
	if T < 1 {
		return nil, fmt.Errorf("models/ic: NewSpreadAdjoint: horizon T = %d, want T ≥ 1", T)
	}
	if g.N < 1 {
		return nil, fmt.Errorf("models/ic: NewSpreadAdjoint: graph has no nodes")
	}
	alpha := ExpandAlpha(nil, g, theta)
	for e, a := range alpha { // the slack admitted by CheckTheta
		alpha[e] = min(1, max(0, a))
	}
	E := g.NumEdges()
	return &SpreadAdjoint{
		d: NewDMP(g), alpha: alpha, t: T, workers: max(1, workers),
		mbar: [2][]float64{make([]float64, E), make([]float64, E)},
		a1:   make([]float64, E),
	}, nil
}

// Eval returns σ(u) and writes ∂σ/∂u_i into grad (node order). It does not
// modify u and keeps neither slice. It returns an error if an entry of u is
// not finite or lies outside [−ThetaSlack, 1+ThetaSlack]. It panics if len(u)
// or len(grad) is not N.
func (s *SpreadAdjoint) Eval(u, grad []float64) (float64, error) {
	d := s.d
	g := d.g
	N := g.N
	if len(u) != N || len(grad) != N {
		panic(fmt.Sprintf("models/ic: SpreadAdjoint.Eval: len(u) = %d, len(grad) = %d, want N = %d", len(u), len(grad), N))
	}
	for i, x := range u {
		if math.IsNaN(x) || x < -ThetaSlack || x > 1+ThetaSlack {
			return 0, fmt.Errorf("models/ic: SpreadAdjoint.Eval: u[%d] = %v is outside [0, 1]", i, x)
		}
	}
	T := s.t
	d.Init(s.alpha, u, T)
	for t := 1; t < T; t++ {
		s.parallel(func(lo, hi int) { d.Step(t, lo, hi) })
	}
	sigma := 0.0
	for _, p := range d.Marginals(T - 1) {
		sigma += p
	}
	clear(grad)
	cur, prev := s.mbar[0], s.mbar[1]
	clear(cur)
	for t := T - 1; t >= 1; t-- {
		s.parallel(func(lo, hi int) { s.backStep(t, lo, hi, u, grad, cur, prev) })
		cur, prev = prev, cur
	}
	// Slot 0: p_i(0) = u_i and p_e(0) = u_{Src[e]}.
	last := 0.0
	if T == 1 {
		last = 1
	}
	for i := 0; i < N; i++ {
		gi := last
		for e := g.OutOff[i]; e < g.OutOff[i+1]; e++ {
			gi += cur[e]
		}
		grad[i] += gi
	}
	d.alpha, d.p0 = nil, nil
	return sigma, nil
}

// backStep runs the reverse of slot t for the nodes lo..hi−1: it reads m̄(t)
// from cur, writes m̄(t−1) into prev on the nodes' in-edges (each edge is
// the in-edge of one node, so every entry of prev is written once per slot)
// and adds to ∂σ/∂u_i in grad.
func (s *SpreadAdjoint) backStep(t, lo, hi int, u, grad, cur, prev []float64) {
	d := s.d
	g := d.g
	E := d.e
	alpha, inRev, a1buf := d.alphaIn, d.inRev, s.a1
	msgPrev := d.Msg[(t-1)*E : t*E]
	inOff, inEdges := g.InOff, g.InEdges
	top := 0.0
	if t == s.t-1 {
		top = 1
	}
	for i := lo; i < hi; i++ {
		pb := top
		if !d.allRev {
			for e := g.OutOff[i]; e < g.OutOff[i+1]; e++ {
				if g.Rev[e] < 0 {
					pb += cur[e]
				}
			}
		}
		a, b := inOff[i], inOff[i+1]
		bi := 1 - u[i]
		// Prefix sweep: A0_q is parked in prev[k_q] (overwritten below by
		// m̄_{k_q}(t−1), k_q being an in-edge of i only) and A1_q in s.a1.
		a0, a1 := 1.0, 0.0
		for pos := a; pos < b; pos++ {
			k := inEdges[pos]
			x := 1 - alpha[pos]*msgPrev[k]
			prev[k] = a0
			a1buf[pos] = a1
			mb := 0.0
			if r := inRev[pos]; r >= 0 {
				mb = cur[r]
			}
			a1 = a1*x + mb*a0
			a0 *= x
		}
		// a0 = Π x, a1 = Σ_q m̄_{r_q} Π_{q'≠q} x.
		grad[i] += pb*a0 + a1
		b0, b1 := 1.0, 0.0
		for pos := b - 1; pos >= a; pos-- {
			k := inEdges[pos]
			x := 1 - alpha[pos]*msgPrev[k]
			A0, A1 := prev[k], a1buf[pos]
			xbar := -bi * (pb*A0*b0 + A1*b0 + A0*b1)
			prev[k] = -alpha[pos] * xbar
			mb := 0.0
			if r := inRev[pos]; r >= 0 {
				mb = cur[r]
			}
			b1 = b1*x + mb*b0
			b0 *= x
		}
	}
}

// parallel splits the nodes 0..N−1 into s.workers contiguous ranges and runs
// f on each, waiting for all.
func (s *SpreadAdjoint) parallel(f func(lo, hi int)) {
	N := s.d.n
	W := min(s.workers, max(1, N/spreadMinNodes))
	if W <= 1 {
		f(0, N)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < W; w++ {
		lo, hi := N*w/W, N*(w+1)/W
		wg.Add(1)
		go func() { defer wg.Done(); f(lo, hi) }()
	}
	wg.Wait()
}

// spreadMinNodes is the smallest node range worth a goroutine.
const spreadMinNodes = 4096
