package netrate

import (
	"fmt"
	"math"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/models/cic"
)

// NodeProblem is NetRate's convex problem for one target node i: minimise
// over a ≥ 0 (a_k = α_{Cand[k] → i})
//
//	f(a) = Σ_k a_k B_k − Σ_c log Σ_{e ∈ c} a_{Idx[e]} H[e]
//
// where c runs over the cascades in which i is infected at t_i > 0 (its
// log-hazard terms; entries Off[c]..Off[c+1]−1 of Idx and H, one per
// earlier infection j with t_j < t_i, H[e] = h(t_i − t_j)), and B_k sums
// the cumulative-hazard coefficients ψ of j = Cand[k]: ψ(t_i − t_j) over
// the cascades where j precedes i, and ψ(T − t_j) over the cascades where
// j is infected and i is not. With the hazard α·h(Δ) and the cumulative
// hazard α·ψ(Δ):
//
//	Exponential  h(Δ) = 1   ψ(Δ) = Δ
//	Rayleigh     h(Δ) = Δ   ψ(Δ) = Δ²/2
//
// Candidates are the nodes that precede i in at least one cascade in which
// i is infected; every other α_ji is 0 at the optimum (its only terms are
// linear with a positive coefficient), as in NetRate's code. Cascades in
// which i is a source (time 0) contribute nothing.
type NodeProblem struct {
	Node int
	Cand []int32
	B    []float64
	Off  []int
	Idx  []int32
	H    []float64
}

// coeffs returns h(Δ) and ψ(Δ) of the family.
func coeffs(d cic.Delay, dt float64) (h, psi float64) {
	if d == cic.Rayleigh() {
		return dt, dt * dt / 2
	}
	return 1, dt
}

// index lists, per node, the (cascade, position) of each of its
// infections, and U_j = Σ_{c ∋ j} ψ(T − t_jc).
type index struct {
	c    *datasets.TimedCascades
	n    int
	d    cic.Delay
	off  []int
	casc []int32
	pos  []int32
	u    []float64
}

func newIndex(c *datasets.TimedCascades, n int, d cic.Delay) *index {
	x := &index{c: c, n: n, d: d, off: make([]int, n+1), u: make([]float64, n)}
	for _, v := range c.Node {
		x.off[v+1]++
	}
	for v := range n {
		x.off[v+1] += x.off[v]
	}
	x.casc, x.pos = make([]int32, len(c.Node)), make([]int32, len(c.Node))
	fill := append([]int(nil), x.off[:n]...)
	for k := range c.M() {
		lo, hi := c.Off[k], c.Off[k+1]
		for p := lo; p < hi; p++ {
			v := c.Node[p]
			x.casc[fill[v]], x.pos[fill[v]] = int32(k), int32(p-lo)
			fill[v]++
			_, psi := coeffs(d, c.T-c.Time[p])
			x.u[v] += psi
		}
	}
	return x
}

// NewNodeProblem builds the problem of target node i from the cascades c on
// n ≥ c.N nodes with delay family d (Exponential or Rayleigh). It returns
// an error for an unsupported family, a node outside 0..n−1 or a horizon
// c.T that is not finite.
func NewNodeProblem(c *datasets.TimedCascades, n, i int, d cic.Delay) (*NodeProblem, error) {
	if err := checkDelay(d); err != nil {
		return nil, err
	}
	if i < 0 || i >= n || n < c.N {
		return nil, fmt.Errorf("netrate: node %d of %d (cascades on %d nodes)", i, n, c.N)
	}
	if math.IsInf(c.T, 0) || math.IsNaN(c.T) {
		return nil, fmt.Errorf("netrate: horizon T = %v, want finite", c.T)
	}
	return newIndex(c, n, d).problem(i), nil
}

// problem builds node i's problem.
func (x *index) problem(i int) *NodeProblem {
	c, d := x.c, x.d
	p := &NodeProblem{Node: i, Off: []int{0}}
	local := make([]int32, x.n) // node → candidate index + 1 (0: none)
	var bDense []float64        // B by candidate index
	at := func(j int32) int32 {
		k := local[j] - 1
		if k < 0 {
			k = int32(len(p.Cand))
			local[j] = k + 1
			p.Cand = append(p.Cand, j)
			bDense = append(bDense, 0)
		}
		return k
	}
	// Correction of U: cascades containing i.
	corr := make([]float64, x.n)
	for e := x.off[i]; e < x.off[i+1]; e++ {
		k := int(x.casc[e])
		lo, hi := c.Off[k], c.Off[k+1]
		ti := c.Time[lo+int(x.pos[e])]
		for q := lo; q < hi; q++ {
			j := c.Node[q]
			if int(j) == i {
				continue
			}
			_, psi := coeffs(d, c.T-c.Time[q])
			corr[j] -= psi
			if ti > 0 && c.Time[q] < ti {
				h, psi := coeffs(d, ti-c.Time[q])
				corr[j] += psi
				p.Idx = append(p.Idx, at(j))
				p.H = append(p.H, h)
			}
		}
		if len(p.Idx) > p.Off[len(p.Off)-1] {
			p.Off = append(p.Off, len(p.Idx))
		}
	}
	p.B = bDense
	for k, j := range p.Cand {
		p.B[k] = max(0, x.u[j]+corr[j])
	}
	return p
}

// sums writes s_c = Σ_{e∈c} a_{Idx[e]} H[e] into s and returns f(a), +Inf
// if some s_c ≤ 0.
func (p *NodeProblem) sums(s, a []float64) float64 {
	f := 0.0
	for k, b := range p.B {
		f += a[k] * b
	}
	for c := range len(p.Off) - 1 {
		v := 0.0
		for e := p.Off[c]; e < p.Off[c+1]; e++ {
			v += a[p.Idx[e]] * p.H[e]
		}
		if !(v > 0) {
			return math.Inf(1)
		}
		s[c] = v
		f -= math.Log(v)
	}
	return f
}

// NumTerms returns the number of log-hazard terms (cascades in which the
// node is infected after time 0).
func (p *NodeProblem) NumTerms() int { return len(p.Off) - 1 }

// Func returns f(a) (+Inf where a log argument is not positive). It panics
// if len(a) != len(p.Cand).
func (p *NodeProblem) Func(a []float64) float64 {
	if len(a) != len(p.Cand) {
		panic("netrate: NodeProblem.Func: len(a) != len(Cand)")
	}
	return p.sums(make([]float64, p.NumTerms()), a)
}

// Grad writes ∇f(a), ∂f/∂a_k = B_k − Σ_c Σ_{e∈c, Idx[e]=k} H[e]/s_c, into
// dst (allocated when nil; in the order of Cand) and returns it. It panics
// on mismatched lengths.
func (p *NodeProblem) Grad(dst, a []float64) []float64 {
	if len(a) != len(p.Cand) || (dst != nil && len(dst) != len(a)) {
		panic("netrate: NodeProblem.Grad: length mismatch")
	}
	if dst == nil {
		dst = make([]float64, len(a))
	}
	s := make([]float64, p.NumTerms())
	p.sums(s, a)
	p.grad(dst, s)
	return dst
}

func (p *NodeProblem) grad(dst, s []float64) {
	copy(dst, p.B)
	for c := range len(p.Off) - 1 {
		inv := 1 / s[c]
		for e := p.Off[c]; e < p.Off[c+1]; e++ {
			dst[p.Idx[e]] -= p.H[e] * inv
		}
	}
}

// scratch holds a worker's buffers across nodes.
type scratch struct {
	s, g, d, xt, st, hess, vals, fv []float64
	free, fi                        []int32
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	b = b[:n]
	clear(b)
	return b
}

type solveStats struct {
	iters int
	limit bool
	f     float64
}

// solve minimises f over a ≥ 0 by two-metric projected Newton (Bertsekas,
// SIAM J. Control Optim. 20, 1982): the ε-active set A = {k : a_k ≤ ε,
// ∂_k f > 0} (ε = min(1e-8, ‖a − P(a − ∇f)‖∞)) is moved to 0, the free
// coordinates take the Newton direction d_F = −H_FF⁻¹ ∇_F f with the exact
// Hessian H = Σ_c h_c h_cᵀ / s_c² (Cholesky, with a ridge only if needed),
// and an Armijo search along the projection arc a(t) = P(a + t d) accepts
// the first t = 1, ½, … with f(a(t)) ≤ f(a) + 10⁻⁴ ∇f·(a(t) − a). The start
// is the best uniform point a_k = C/Σ_k B_k (C log terms).
func (p *NodeProblem) solve(maxIter int, tol float64, sc *scratch) ([]float64, solveStats, error) {
	m, C := len(p.Cand), p.NumTerms()
	x := make([]float64, m)
	sumB := 0.0
	for _, b := range p.B {
		sumB += b
	}
	init := float64(C) / sumB
	if !(init > 0) || math.IsInf(init, 0) {
		init = 1
	}
	for k := range x {
		x[k] = init
	}
	sc.s, sc.st = grow(sc.s, C), grow(sc.st, C)
	sc.g, sc.d, sc.xt = grow(sc.g, m), grow(sc.d, m), grow(sc.xt, m)
	if cap(sc.free) < m {
		sc.free = make([]int32, m)
	}
	fpos := sc.free[:m]
	var st solveStats
	f := p.sums(sc.s, x)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, st, ErrNoFinitePoint
	}
	for st.iters < maxIter {
		p.grad(sc.g, sc.s)
		g := sc.g
		w := 0.0
		for k := range x {
			w = max(w, math.Abs(x[k]-max(0, x[k]-g[k])))
		}
		eps := min(1e-8, w)
		nf := 0
		for k := range x {
			if x[k] <= eps && g[k] > 0 {
				fpos[k] = -1
			} else {
				fpos[k] = int32(nf)
				nf++
			}
		}
		// Hessian on the free coordinates, lower triangle, row-major nf×nf.
		sc.hess = grow(sc.hess, nf*nf)
		sc.vals = grow(sc.vals, nf)
		H := sc.hess
		for c := range C {
			inv := 1 / sc.s[c]
			// The free entries of term c, compressed, so that the quadratic
			// loop skips the active coordinates (most of them near the
			// optimum).
			fi, fv := sc.fi[:0], sc.fv[:0]
			for e := p.Off[c]; e < p.Off[c+1]; e++ {
				if a := fpos[p.Idx[e]]; a >= 0 {
					fi, fv = append(fi, a), append(fv, p.H[e]*inv)
				}
			}
			sc.fi, sc.fv = fi, fv
			for x, a := range fi {
				va := fv[x]
				for y, b := range fi[:x+1] {
					lo, hi := min(a, b), max(a, b)
					H[int(hi)*nf+int(lo)] += va * fv[y]
				}
			}
		}
		rhs := sc.vals
		for k := range x {
			if fpos[k] >= 0 {
				rhs[fpos[k]] = -g[k]
			}
		}
		if nf > 0 && !cholSolve(H, rhs, nf) {
			return nil, st, fmt.Errorf("Hessian not positive definite")
		}
		d := sc.d
		for k := range x {
			if fpos[k] >= 0 {
				d[k] = rhs[fpos[k]]
			} else {
				d[k] = -x[k]
			}
		}
		st.iters++
		t, accepted, ft := 1.0, false, 0.0
		for range 60 {
			dec := 0.0
			for k := range x {
				xt := max(0, x[k]+t*d[k])
				sc.xt[k] = xt
				dec += g[k] * (xt - x[k])
			}
			ft = p.sums(sc.st, sc.xt)
			if ft <= f+1e-4*dec {
				accepted = true
				break
			}
			t /= 2
		}
		if !accepted {
			break // stationary to rounding
		}
		copy(x, sc.xt)
		sc.s, sc.st = sc.st, sc.s
		done := f-ft <= tol*(1+math.Abs(ft))
		f = ft
		if done {
			break
		}
		if st.iters == maxIter {
			st.limit = true
		}
	}
	st.f = f
	return x, st, nil
}

// cholSolve solves H y = b in place (b ← y) for the symmetric positive
// definite H given by its lower triangle (row-major n×n, overwritten by
// its Cholesky factor). If the factorisation fails it retries with a ridge
// δ·I, δ = 1e-12·max diag, growing 100-fold, and reports false only if
// every ridge fails.
func cholSolve(H, b []float64, n int) bool {
	maxd := 0.0
	for i := range n {
		maxd = max(maxd, H[i*n+i])
	}
	if !(maxd > 0) {
		return false
	}
	orig := append([]float64(nil), H...)
	ridge := 0.0
	for range 8 {
		copy(H, orig)
		for i := range n {
			H[i*n+i] += ridge
		}
		if cholesky(H, n) {
			// forward: L z = b; backward: Lᵀ y = z.
			for i := range n {
				v := b[i]
				for k := range i {
					v -= H[i*n+k] * b[k]
				}
				b[i] = v / H[i*n+i]
			}
			for i := n - 1; i >= 0; i-- {
				v := b[i]
				for k := i + 1; k < n; k++ {
					v -= H[k*n+i] * b[k]
				}
				b[i] = v / H[i*n+i]
			}
			return true
		}
		if ridge == 0 {
			ridge = 1e-12 * maxd
		} else {
			ridge *= 100
		}
	}
	return false
}

// cholesky factors the lower triangle of H in place (H = L Lᵀ).
func cholesky(H []float64, n int) bool {
	for j := range n {
		v := H[j*n+j]
		rj := H[j*n : j*n+j]
		for _, x := range rj {
			v -= x * x
		}
		if !(v > 0) {
			return false
		}
		v = math.Sqrt(v)
		H[j*n+j] = v
		for i := j + 1; i < n; i++ {
			ri := H[i*n : i*n+j]
			u := H[i*n+j]
			for k, x := range ri {
				u -= x * rj[k]
			}
			H[i*n+j] = u / v
		}
	}
	return true
}
