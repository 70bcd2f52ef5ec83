package ad

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// The fused Independent Cascade DMP step: one op per time step, computing in
// one kernel what the reference unroll (models/ic.BuildDMP) builds from
// SegmentProd, CavityProd and four element-wise ops, with a vector-Jacobian
// product that is exact and division-free like CavityProd's.
//
// The ops pass one state vector along the unroll. With E edges and n nodes
// (those of the CavityProdIndex), the state after step t is
//
//	s(t) = [ x(t) | α | Q(0) | Q(1) | … | Q(t) ],   length 2E + (t+1)·n,
//
// with x_e(t) = 1 − α_e·p_e(t) the factor edge e contributes to its target's
// products, α the transmission probabilities, and Q(τ) = 1 − p(τ) the
// marginal complements (Q(0) = 1 − p̄ is the initial condition). The state
// holds α (and its gradient ∂α) in out-edge order, outE of the index, the
// order in which the kernels visit the edges, so that they read and write it
// sequentially; x is in edge order, read per node through inE. Carrying α
// and Q(0) in the state gives every step a single input: its gradient is one
// node per step, into which the step adds its share of ∂α and ∂Q(0), instead
// of one gradient node per input and per step that gorgonia would then sum.
// The equations are those of BuildDMP (SLICER, Wilinski and Lokhov, ICML
// 2021, eq. 2), with u = src e:
//
//	DMPInit:  x_e(0) = (1 − α_e) + α_e·Q_u(0)
//	DMPStep:  x_e(t) = C_e(t)·(α_e·Q_u(0)) + (1 − α_e),   C_e(t) = Π_{k∈in(u), k≠rev e} x_k(t−1)
//	          Q_u(t) = S_u(t)·Q_u(0),                      S_u(t) = Π_{k∈in(u)} x_k(t−1)
//	DMPFinal: Q(t) only (the messages of the last slot feed nothing); the
//	          output is the marginal block [Q(0) | … | Q(t)], length (t+1)·n.
//
// The forward evaluates these in the order the reference graph does, so the
// values are the same bits. The backward of a step, with upstream gradient
// g = [g_x | g_α | g_Q(0) | … | g_Q(t)], is
//
//	∂x_k(t−1) = Σ_{e∈out(u)} g_{x,e}·α_e·Q_u(0)·∂C_e/∂x_k + g_{Q(t),u}·Q_u(0)·∂S_u/∂x_k,  u = dst k,
//	∂α_e      = g_{α,e} + g_{x,e}·(C_e·Q_u(0) − 1),
//	∂Q_u(0)   = g_{Q(0),u} + Σ_{e∈out(u)} g_{x,e}·α_e·C_e + g_{Q(t),u}·S_u,
//	∂Q(τ)     = g_{Q(τ)},   1 ≤ τ < t,
//
// where the first line is CavityProd's backward with S_u as the product over
// all in-edges (the rev = −1 slot): prefix and suffix products and
// leave-two-out sums per node, so zeros in x (α = 1 meeting a sure message)
// are exact. The kernels split the nodes over GOMAXPROCS goroutines as
// CavityProd does; every output entry is written by the goroutine owning its
// node (out-edges: their source), in a fixed order, so the results are the
// same bits for any GOMAXPROCS.
//
// Every op of this file keeps its output buffer between runs (opBase.keep),
// so a compiled unroll allocates its tape once.

// DMPInit returns the initial DMP state s(0) = [x(0) | α | Q(0)] (length
// 2E + n) from the edge vector alpha (length E) and the node vector q0 =
// Q(0) = 1 − p̄ (length n), with x_e(0) = (1 − α_e) + α_e·q0[src e]. It
// returns an error if ix is nil or alpha and q0 are not float64 or float32
// vectors of lengths ix.NumEdges() and ix.NumNodes().
func DMPInit(alpha, q0 *G.Node, ix *CavityProdIndex) (*G.Node, error) {
	if ix == nil {
		return nil, fmt.Errorf("ad: DMPInit: nil CavityProdIndex")
	}
	if err := vectorOfLen("DMPInit", "alpha", alpha, len(ix.src)); err != nil {
		return nil, err
	}
	if err := vectorOfLen("DMPInit", "q0", q0, ix.n); err != nil {
		return nil, err
	}
	return apply(newDMPInitOp(ix), alpha, q0)
}

// DMPStep returns the state s(t) (length 2E + (t+1)·n) of one DMP time step
// from the state s(t−1) (length 2E + t·n, t ≥ 1): the messages and the
// marginal complement Q(t), with α, Q(0), …, Q(t−1) carried over. It returns
// an error if ix is nil or s is not a float64 or float32 vector of length
// 2E + t·n for some t ≥ 1.
func DMPStep(s *G.Node, ix *CavityProdIndex) (*G.Node, error) {
	return dmpStepNode("DMPStep", s, ix, false, nil)
}

// DMPFinal is the last DMP time step: from s(t−1) it returns the marginal
// complements [Q(0) | Q(1) | … | Q(t)] (length (t+1)·n, block τ at
// [τ·n, (τ+1)·n)) without the messages of slot t. Its errors are DMPStep's.
func DMPFinal(s *G.Node, ix *CavityProdIndex) (*G.Node, error) {
	return dmpStepNode("DMPFinal", s, ix, true, nil)
}

// DMPReach is the reach of a run's seeds for the reach-restricted steps
// DMPStepReach and DMPFinalReach: Dist()[u] = d(u) for each node u of the
// index, the distance along out-edges from the nearest node with p̄ > 0
// (0 for those nodes; any value above the last step for nodes out of reach).
// The steps read Dist at every run, so a caller that reruns one compiled
// unroll over several initial conditions rewrites it before each run. A
// DMPReach must not be shared by unrolls that run concurrently.
//
// Why the restriction is exact. In the step to slot t (output Q(t)), a node
// u with d(u) > t has p_u(t) = 0: every in-neighbour k has d(k) > t−1, so
// each factor of u's products is x_k(t−1) = 1 − α_k·0 = 1, and p̄_u = 0
// (Q_u(0) = 1). The unrestricted step then gives Q_u(t) = 1·Q_u(0) and
// x_e(t) = α_e·1·1 + (1 − α_e) = 1 on u's out-edges, both exactly (for α in
// [0, 1], α + fl(1 − α) rounds to 1). The restricted step sets exactly these
// values without reading x(t−1) or α: for such u it is the function
//
//	Q_u(t) = Q_u(0),   x_e(t) = 1 (e ∈ out(u)),
//
// whose vector-Jacobian product passes g_{Q(t),u} to Q_u(0) and g_α to α and
// gives the in-edges of u a zero gradient. At every state with the property
// above, the values are the unrestricted step's bits; the dropped
// derivatives are those of x_e(t) and Q_u(t) with respect to α_e and to the
// in-edge factors x_k(t−1), and the α-gradient they would carry back is
// multiplied at each step by C·Q_u(0) − 1 = 0 or, at the first step, by
// p̄_{src} = 0 (a chain back from u only reaches edges whose source has
// d ≥ 1). So the gradient with respect to α is that of the unrestricted
// unroll, while the gradient with respect to Q(0) of nodes with d > 0 is not
// (the unrestricted one counts what seeding them would change): use the
// reach only when p̄ is data, not a variable (SLICER's θ-gradient, not
// influence maximisation's seed gradient). Nodes with d(u) ≤ t cost what
// they cost in DMPStep; the others cost one write per incident edge. This is
// the reach of solvers/adjoint (its package documentation, "Class blocks
// and reach") expressed as ops.
type DMPReach struct {
	ix   *CavityProdIndex
	dist []int32
	cum  []int // scratch: the split of a step's work among goroutines
}

// NewDMPReach returns a reach for the nodes of ix with every d(u) = 0 (no
// restriction: the restricted steps equal DMPStep and DMPFinal). It panics
// if ix is nil.
func NewDMPReach(ix *CavityProdIndex) *DMPReach {
	if ix == nil {
		panic("ad: NewDMPReach: nil CavityProdIndex")
	}
	return &DMPReach{ix: ix, dist: make([]int32, ix.n), cum: make([]int, ix.n+1)}
}

// Dist returns the distances d(u), one per node of the index, for the caller
// to write.
func (r *DMPReach) Dist() []int32 { return r.dist }

// parallel runs f over the nodes split among goroutines by the work of step
// t: an active node (d ≤ t) weighs 4 per incident edge, an inactive one 1.
// Every node is handled by one goroutine, so the results do not depend on
// the split.
func (r *DMPReach) parallel(t int, f func(lo, hi int)) {
	ix := r.ix
	n := ix.n
	if len(ix.src) < parallelMin {
		f(0, n)
		return
	}
	c := r.cum[:n+1]
	c[0] = 0
	for u := range n {
		d := ix.inOff[u+1] - ix.inOff[u] + ix.outOff[u+1] - ix.outOff[u]
		w := d + 1
		if int(r.dist[u]) <= t {
			w = 4*d + 1
		}
		c[u+1] = c[u] + w
	}
	parallelRanges(n, c[n], func(u int) int { return c[u] }, f)
}

// DMPStepReach is DMPStep restricted to the reach r (see DMPReach): in the
// step to slot t, the nodes with d(u) > t keep Q_u(t) = Q_u(0) and send
// x_e(t) = 1 without reading the state. Its errors are DMPStep's; it panics
// if r is nil.
func DMPStepReach(s *G.Node, r *DMPReach) (*G.Node, error) {
	if r == nil {
		panic("ad: DMPStepReach: nil DMPReach")
	}
	return dmpStepNode("DMPStepReach", s, r.ix, false, r)
}

// DMPFinalReach is DMPFinal restricted to the reach r, as DMPStepReach.
func DMPFinalReach(s *G.Node, r *DMPReach) (*G.Node, error) {
	if r == nil {
		panic("ad: DMPFinalReach: nil DMPReach")
	}
	return dmpStepNode("DMPFinalReach", s, r.ix, true, r)
}

// dmpStep is the parameter of the step ops: the index, the number t of
// marginal blocks in the input state, and whether the step is the final one.
type dmpStep struct {
	ix     *CavityProdIndex
	blocks int
	final  bool
	reach  *DMPReach // nil: every node is updated
}

// parallel runs f over the nodes of the index split among goroutines:
// cavityParallel's split, or with a reach one balanced on the step's active
// nodes.
func (p dmpStep) parallel(f func(lo, hi int)) {
	if p.reach == nil {
		cavityParallel(p.ix, f)
		return
	}
	p.reach.parallel(p.blocks, f)
}

// inactive reports whether node u is outside the reach at this step.
func (p dmpStep) inactive(u int) bool {
	return p.reach != nil && int(p.reach.dist[u]) > p.blocks
}

// stateLen returns the length of a state with t marginal blocks.
func (p dmpStep) stateLen(t int) int { return 2*len(p.ix.src) + t*p.ix.n }

// outLen returns the length of the op's output.
func (p dmpStep) outLen() int {
	if p.final {
		return (p.blocks + 1) * p.ix.n
	}
	return p.stateLen(p.blocks + 1)
}

func dmpStepNode(what string, s *G.Node, ix *CavityProdIndex, final bool, reach *DMPReach) (*G.Node, error) {
	if ix == nil {
		return nil, fmt.Errorf("ad: %s: nil CavityProdIndex", what)
	}
	m, err := vectorLen(what, "s", s)
	if err != nil {
		return nil, err
	}
	E, n := len(ix.src), ix.n
	if m <= 2*E || (m-2*E)%n != 0 {
		return nil, fmt.Errorf("ad: %s: len(s) = %d, want 2E + t·n = %d + t·%d with t ≥ 1", what, m, 2*E, n)
	}
	return apply(newDMPStepOp(dmpStep{ix: ix, blocks: (m - 2*E) / n, final: final, reach: reach}), s)
}

// keptOp returns the opBase of a DMP step op with the given inputs and output
// length; the op keeps its output buffer.
func (ix *CavityProdIndex) keptOp(name string, fwd kernel, out int, in ...int) opBase {
	return ix.keptOpIDs(name, fwd, out, []any{ix, ix.src, ix.dst, ix.rev}, in...)
}

// keptOpIDs is keptOp with the identity of the op given.
func (ix *CavityProdIndex) keptOpIDs(name string, fwd kernel, out int, ids []any, in ...int) opBase {
	desc := fmt.Sprintf("n=%d,E=%d", ix.n, len(ix.src))
	op := vec.op(name, desc, ids, fwd, out, in...)
	op.keep = true
	return op
}

// newDMPStepOp is DMPStep or DMPFinal: input s(t−1), output s(t) or the
// marginal block.
func newDMPStepOp(p dmpStep) *diffOp {
	name := "DMPStep"
	if p.final {
		name = "DMPFinal"
	}
	ids := []any{p.ix, p.ix.src, p.ix.dst, p.ix.rev}
	if p.reach != nil {
		name += "Reach"
		ids = append(ids, p.reach, p.reach.dist)
	}
	in := p.stateLen(p.blocks)
	return &diffOp{
		opBase: p.ix.keptOpIDs(name, bind(p, dmpStepFwdK, dmpStepFwdK), p.outLen(), ids, in),
		grad: func(x G.Nodes, _, g *G.Node) (G.Nodes, error) {
			op := p.ix.keptOpIDs(name+"Diff", bind(p, dmpStepDiffK, dmpStepDiffK), in, ids, in, p.outLen())
			return one(apply(&op, x[0], g))
		},
		bwd: bind(p, dmpStepAddK, dmpStepAddK),
	}
}

// newDMPInitOp is DMPInit: inputs (α, Q(0)), output s(0).
func newDMPInitOp(ix *CavityProdIndex) *diffOp {
	E, n := len(ix.src), ix.n
	return &diffOp{
		opBase: ix.keptOp("DMPInit", bind(ix, dmpInitFwdK, dmpInitFwdK), 2*E+n, E, n),
		grad: func(x G.Nodes, _, g *G.Node) (G.Nodes, error) {
			da := ix.keptOp("DMPInitDiffAlpha", bind(ix, dmpInitDiffAlphaK, dmpInitDiffAlphaK), E, n, 2*E+n)
			dq := ix.keptOp("DMPInitDiffQ0", bind(ix, dmpInitDiffQ0K, dmpInitDiffQ0K), n, E, 2*E+n)
			ga, err := apply(&da, x[1], g)
			if err != nil {
				return nil, err
			}
			gq, err := apply(&dq, x[0], g)
			if err != nil {
				return nil, err
			}
			return G.Nodes{ga, gq}, nil
		},
		bwd: bind(ix, dmpInitAddK, dmpInitAddK),
	}
}

// Kernels: out and in as documented on diffOp.

func dmpStepFwdK[T float](p dmpStep, out, in [][]T) { dmpStepFwd(out[0], in[0], p) }

// dmpStepDiffK is the forward of the gradient op, in = [s, g].
func dmpStepDiffK[T float](p dmpStep, out, in [][]T) { dmpStepBwd(out[0], in[0], in[1], p, false) }

// dmpStepAddK is the DoDiff kernel, in = [s, y, g].
func dmpStepAddK[T float](p dmpStep, out, in [][]T) { dmpStepBwd(out[0], in[0], in[2], p, true) }

func dmpInitFwdK[T float](ix *CavityProdIndex, out, in [][]T) { dmpInitFwd(out[0], in[0], in[1], ix) }

// dmpInitDiffAlphaK is ∂α from in = [Q(0), g].
func dmpInitDiffAlphaK[T float](ix *CavityProdIndex, out, in [][]T) {
	dmpInitBwdAlpha(out[0], in[0], in[1], ix, false)
}

// dmpInitDiffQ0K is ∂Q(0) from in = [α, g].
func dmpInitDiffQ0K[T float](ix *CavityProdIndex, out, in [][]T) {
	dmpInitBwdQ0(out[0], in[0], in[1], ix, false)
}

// dmpInitAddK is the DoDiff kernel: out = [∂α, ∂Q(0)], in = [α, Q(0), s(0), g].
func dmpInitAddK[T float](ix *CavityProdIndex, out, in [][]T) {
	dmpInitBwdAlpha(out[0], in[1], in[3], ix, true)
	dmpInitBwdQ0(out[1], in[0], in[3], ix, true)
}

// slot returns the position of edge e in out-edge order (outE[slot(e)] = e).
func (ix *CavityProdIndex) slot(e int) int {
	if ix.outSlot == nil {
		return e
	}
	return ix.outSlot[e]
}

// dmpInitFwd sets s = [x(0) | α | q0] (α in out-edge order) with x_e(0) = (1 − α_e) + α_e·q0[src e],
// in the order of the reference graph (a1 + b with b = α⊙q0[src]).
func dmpInitFwd[T float](s, alpha, q0 []T, ix *CavityProdIndex) {
	E, n := len(ix.src), ix.n
	x, sa := s[:E], s[E:2*E]
	alpha = alpha[:E]
	parallelRanges(E, E, func(e int) int { return e }, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			a := alpha[e]
			b := T(a * q0[ix.src[e]])
			x[e] = (1 - a) + b
			sa[ix.slot(e)] = a
		}
	})
	copy(s[2*E:2*E+n], q0)
}

// dmpInitBwdAlpha stores (or adds) ∂α_e = g_{α,e} + g_{x,e}·(q0[src e] − 1).
func dmpInitBwdAlpha[T float](da, q0, g []T, ix *CavityProdIndex, add bool) {
	E := len(ix.src)
	da, gx, ga := da[:E], g[:E], g[E:2*E]
	parallelRanges(E, E, func(e int) int { return e }, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			v := ga[ix.slot(e)] + gx[e]*(q0[ix.src[e]]-1)
			if add {
				da[e] += v
			} else {
				da[e] = v
			}
		}
	})
}

// dmpInitBwdQ0 stores (or adds) ∂Q_u(0) = g_{Q(0),u} + Σ_{e∈out(u)} g_{x,e}·α_e,
// summed over u's out-edges in increasing edge id.
func dmpInitBwdQ0[T float](dq, alpha, g []T, ix *CavityProdIndex, add bool) {
	E, n := len(ix.src), ix.n
	gx, gq := g[:E], g[2*E:2*E+n]
	cavityParallel(ix, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			v := float64(gq[u])
			for _, e := range ix.outE[ix.outOff[u]:ix.outOff[u+1]] {
				v += float64(gx[e]) * float64(alpha[e])
			}
			if add {
				dq[u] += T(v)
			} else {
				dq[u] = T(v)
			}
		}
	})
}

// dmpStepFwd computes the output of DMPStep (or DMPFinal) from s = s(t−1):
// per node u the leave-one-out products of x(t−1) over u's in-edges from a
// prefix and a suffix pass (as cavityProdFwd), then the messages on u's
// out-edges and Q_u(t); α and the marginal blocks are copied.
func dmpStepFwd[T float](y, s []T, p dmpStep) {
	ix := p.ix
	E, n, t := len(ix.src), ix.n, p.blocks
	x, alpha, qs := s[:E], s[E:2*E], s[2*E:2*E+t*n]
	q0 := qs[:n]
	var yx, yq []T
	if p.final {
		yq = y[:(t+1)*n]
	} else {
		yx, yq = y[:E], y[2*E:2*E+(t+1)*n]
		copy(y[E:2*E], alpha)
	}
	copy(yq, qs)
	qt := yq[t*n : (t+1)*n]
	p.parallel(func(lo, hi int) {
		l := make([]float64, ix.maxDeg+1)
		for u := lo; u < hi; u++ {
			if p.inactive(u) { // beyond the reach: Q_u(t) = Q_u(0), x_e(t) = 1
				qt[u] = q0[u]
				if !p.final {
					for _, e := range ix.outE[ix.outOff[u]:ix.outOff[u+1]] {
						yx[e] = 1
					}
				}
				continue
			}
			in := ix.inE[ix.inOff[u]:ix.inOff[u+1]]
			l := l[:len(in)+1]
			pre := 1.0
			for q, k := range in {
				l[q] = pre
				pre *= float64(x[k])
			}
			qt[u] = T(pre) * q0[u]
			if p.final {
				continue
			}
			l[len(in)] = pre
			suf := 1.0
			for q := len(in) - 1; q >= 0; q-- {
				l[q] *= suf
				suf *= float64(x[in[q]])
			}
			a, b := ix.outOff[u], ix.outOff[u+1]
			for j, e := range ix.outE[a:b] {
				ae := alpha[a+j]
				be := T(ae * q0[u])                // b = α⊙Q(0)[src]
				bc := T(T(l[ix.revPos[a+j]]) * be) // cav⊙b
				yx[e] = bc + (1 - ae)              // + (1 − α)
			}
		}
	})
}

// dmpStepBwd computes ∂s(t−1) from s = s(t−1) and the upstream gradient g of
// the step's output, and stores it in ds (or adds it when add is set). Per
// node u with in-edges k_0..k_{m−1} (x_q = x[k_q], prefix products P_q,
// leave-one-out products C_q = P_q·Π_{q'>q} x_q', full product S = C_m) and
// out-edges e (rev position q_e):
//
//	w_q = Σ_{e: q_e = q} g_{x,e}·α_e·Q_u(0),   c = w_m + g_{Q(t),u}·Q_u(0),
//
// and ∂x[k_q] is cavityProdBwd's (c·P_q + A_q)·S_q + P_q·B_q with u_q = w_q.
func dmpStepBwd[T float](ds, s, g []T, p dmpStep, add bool) {
	ix := p.ix
	E, n, t := len(ix.src), ix.n, p.blocks
	x, alpha, qs := s[:E], s[E:2*E], s[2*E:2*E+t*n]
	q0 := qs[:n]
	dx, da, dq := ds[:E], ds[E:2*E], ds[2*E:2*E+t*n]
	var gx, ga, gq []T
	if p.final {
		gq = g[:(t+1)*n]
	} else {
		gx, ga, gq = g[:E], g[E:2*E], g[2*E:2*E+(t+1)*n]
	}
	gqt := gq[t*n : (t+1)*n]
	// Pass-through blocks Q(1)..Q(t−1); block 0 is written per node below.
	if add {
		addInto(dq[n:], gq[n:t*n])
	} else {
		copy(dq[n:], gq[n:t*n])
	}
	if p.final && !add {
		clear(da) // α does not enter the final step
	}
	var gt []float64 // g_x in outE order (see outOrder); nil when it is g_x
	if !p.final && ix.outSlot != nil {
		gt = outOrder(ix, gx)
		defer ix.putScratch(gt)
	}
	p.parallel(func(lo, hi int) {
		d := ix.maxDeg
		buf := make([]float64, 5*d+2)
		us, ls, xs, pres, accs := buf[:d+1], buf[d+1:2*d+2], buf[2*d+2:3*d+2], buf[3*d+2:4*d+2], buf[4*d+2:]
		for u := lo; u < hi; u++ {
			if p.inactive(u) {
				dmpStepBwdInactive(ds, g, p, u, add)
				continue
			}
			in := ix.inE[ix.inOff[u]:ix.inOff[u+1]]
			m := len(in)
			q0u := float64(q0[u])
			P := 1.0
			for q, k := range in {
				xq := float64(x[k])
				xs[q], pres[q] = xq, P
				P *= xq
			}
			uq := us[:m+1]
			clear(uq)
			dq0 := 0.0
			if !p.final {
				l := ls[:m+1]
				l[m] = P
				suf := 1.0
				for q := m - 1; q >= 0; q-- {
					l[q] = pres[q] * suf
					suf *= xs[q]
				}
				a, b := ix.outOff[u], ix.outOff[u+1]
				for j, e := range ix.outE[a:b] {
					var ge float64
					if gt != nil {
						ge = gt[a+j]
					} else {
						ge = float64(gx[e])
					}
					pos := ix.revPos[a+j]
					ae, c := float64(alpha[a+j]), l[pos]
					v := ga[a+j] + T(ge*(c*q0u-1))
					if add {
						da[a+j] += v
					} else {
						da[a+j] = v
					}
					dq0 += ge * ae * c
					uq[pos] += ge * ae * q0u
				}
			}
			gS := float64(gqt[u])
			dq0 += gS * P
			v := gq[u] + T(dq0)
			if add {
				dq[u] += v
			} else {
				dq[u] = v
			}
			if m == 0 {
				continue
			}
			c := uq[m] + gS*q0u
			Pq, A := 1.0, 0.0
			for q := range m {
				accs[q] = A
				A = A*xs[q] + uq[q]*Pq
				Pq *= xs[q]
			}
			S, B := 1.0, 0.0
			for q := m - 1; q >= 0; q-- {
				v := T((c*pres[q]+accs[q])*S + pres[q]*B)
				if add {
					dx[in[q]] += v
				} else {
					dx[in[q]] = v
				}
				B = B*xs[q] + uq[q]*S
				S *= xs[q]
			}
		}
	})
}

// dmpStepBwdInactive is dmpStepBwd for a node u beyond the reach, whose
// outputs are Q_u(t) = Q_u(0) and x_e(t) = 1 (see DMPReach): ∂Q_u(0) =
// g_{Q(0),u} + g_{Q(t),u}, ∂α_e = g_{α,e} on u's out-edges, and zero for the
// factors x_k(t−1) of u's in-edges.
func dmpStepBwdInactive[T float](ds, g []T, p dmpStep, u int, add bool) {
	ix := p.ix
	E, n, t := len(ix.src), ix.n, p.blocks
	var gq []T
	if p.final {
		gq = g[:(t+1)*n]
	} else {
		gq = g[2*E : 2*E+(t+1)*n]
		da, ga := ds[E:2*E], g[E:2*E]
		a, b := ix.outOff[u], ix.outOff[u+1]
		if add {
			addInto(da[a:b], ga[a:b])
		} else {
			copy(da[a:b], ga[a:b])
		}
	}
	dq := ds[2*E:]
	v := gq[u] + gq[t*n+u]
	if add {
		dq[u] += v
		return
	}
	dq[u] = v
	dx := ds[:E]
	for _, k := range ix.inE[ix.inOff[u]:ix.inOff[u+1]] {
		dx[k] = 0
	}
}
