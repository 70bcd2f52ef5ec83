package ad

import (
	"fmt"
	"sync"

	G "gorgonia.org/gorgonia"
)

// CavityProdIndex is the graph-only preprocessing of CavityProd: the edges
// grouped by target (each node's in-edges) and by source (its out-edges), and
// for every out-edge e the position of rev[e] in the in-edge list of its
// source, stored in the order the kernels walk the out-edges. Build it once
// per graph with NewCavityProdIndex and share it among the ops of an unroll.
// A CavityProdIndex is safe for concurrent use; apart from a pool of scratch
// buffers for the backward it is immutable.
type CavityProdIndex struct {
	n             int
	src, dst, rev []int
	inOff, inE    []int // in-edges of u: inE[inOff[u]:inOff[u+1]], increasing edge id
	outOff, outE  []int // out-edges of u: outE[outOff[u]:outOff[u+1]], increasing edge id
	// revPos[j] is the position of rev[outE[j]] in the in-edge list of
	// u = src[outE[j]], or deg_in(u) when rev[outE[j]] = -1 (the slot past
	// the end, where the kernels keep the product over all in-edges). It
	// turns the random loads rev[e], inPos[rev[e]] of the kernels into one
	// sequential read.
	revPos []int
	// outSlot[e] is the position of edge e in outE (outE[outSlot[e]] = e);
	// nil when outE is the identity (edges numbered by source).
	outSlot []int
	maxDeg  int // largest in-degree
	// free holds E-length float64 buffers for the backward kernel (the
	// upstream gradient in outE order), one per concurrent backward at most,
	// kept for the life of the index so that a run does not allocate them.
	mu   sync.Mutex
	free [][]float64
}

// NewCavityProdIndex validates the edge arrays of a graph with n nodes and
// E = len(src) edges (edge e goes src[e] → dst[e]; rev[e] is the in-edge of
// src[e] left out of e's product, normally the reverse edge dst[e] → src[e],
// or -1 for none) and builds the CSRs the CavityProd kernels need. For a
// graphs.Graph g pass (g.N, g.Src, g.Dst, g.Rev). It returns an error unless
// n ≥ 1, E ≥ 1, len(dst) = len(rev) = E, src[e] and dst[e] are in [0, n),
// and rev[e] is -1 or an edge with dst[rev[e]] = src[e]. rev need not be
// injective. The index keeps the slices (it does not copy them): do not
// modify them afterwards. It allocates O(n + E) integers; when the edges are
// not numbered by source (src non-decreasing), each backward pass running at
// a time also keeps an E-length float64 buffer with the index, reused by
// later passes.
func NewCavityProdIndex(n int, src, dst, rev []int) (*CavityProdIndex, error) {
	if err := checkEdges("NewCavityProdIndex", n, src, dst, rev); err != nil {
		return nil, err
	}
	e := len(src)
	for k, r := range rev {
		if r >= 0 && dst[r] != src[k] {
			return nil, fmt.Errorf("ad: NewCavityProdIndex: rev[%d] = %d is edge %d→%d, not an in-edge of src[%d] = %d", k, r, src[r], dst[r], k, src[k])
		}
	}
	ix := &CavityProdIndex{n: n, src: src, dst: dst, rev: rev}
	ix.inOff, ix.inE = cavprodCSR(dst, n)
	ix.outOff, ix.outE = cavprodCSR(src, n)
	inPos := make([]int, e) // position of edge k in the in-edge list of dst[k]
	for u := 0; u < n; u++ {
		ix.maxDeg = max(ix.maxDeg, ix.inOff[u+1]-ix.inOff[u])
		for q, k := range ix.inE[ix.inOff[u]:ix.inOff[u+1]] {
			inPos[k] = q
		}
	}
	ix.revPos = make([]int, e)
	for u := 0; u < n; u++ {
		deg := ix.inOff[u+1] - ix.inOff[u]
		for j := ix.outOff[u]; j < ix.outOff[u+1]; j++ {
			if r := rev[ix.outE[j]]; r >= 0 {
				ix.revPos[j] = inPos[r]
			} else {
				ix.revPos[j] = deg
			}
		}
	}
	for j, k := range ix.outE {
		if k != j {
			ix.outSlot = make([]int, e)
			for j, k := range ix.outE {
				ix.outSlot[k] = j
			}
			break
		}
	}
	return ix, nil
}

// cavprodCSR groups the entries j by key[j] (all keys in [0, n)), in
// increasing j within each group.
func cavprodCSR(key []int, n int) (off, ent []int) {
	off = make([]int, n+1)
	for _, c := range key {
		off[c+1]++
	}
	for u := 0; u < n; u++ {
		off[u+1] += off[u]
	}
	ent = make([]int, len(key))
	fill := make([]int, n)
	copy(fill, off[:n])
	for j, c := range key {
		ent[fill[c]] = j
		fill[c]++
	}
	return off, ent
}

// NumNodes returns n.
func (ix *CavityProdIndex) NumNodes() int { return ix.n }

// NumEdges returns E.
func (ix *CavityProdIndex) NumEdges() int { return len(ix.src) }

// CavityProd returns the edge vector of cavity products
//
//	y[e] = Π_{k: dst[k] = u, k ≠ rev[e]} x[k],   u = src[e],
//
// the product of x over the in-edges of e's source except rev[e] (over all of
// them when rev[e] = -1; 1 when there are none). x is an edge vector
// (length E). The gradient is
//
//	∂x[k] = Σ_{e: src[e] = dst[k], rev[e] ≠ k} g[e] · Π_{k': dst[k'] = dst[k], k' ∉ {k, rev[e]}} x[k'],
//
// computed per node without division from prefix and suffix products and
// "leave-two-out" running sums over the node's in-edges (O(E) in total), so
// it is exact when entries of x are zero, including two zeros among the
// in-edges of one node. Products are accumulated in float64 for both element
// types, in increasing in-edge order. For E ≥ 2^15 the kernels split the
// nodes over GOMAXPROCS goroutines; the results do not depend on GOMAXPROCS.
//
// For the Independent Cascade DMP (SLICER, Wilinski and Lokhov, ICML 2021,
// eq. 2) take x[k] = 1 − α[k]·p[k] for every edge k = l→i; then
// p_{i→j}(t) = 1 − (1 − p̄_i)·y[e] for e = i→j. Unlike the log-space Cavity,
// this stays finite and exact where α = 1 meets a message equal to 1
// (x[k] = 0, e.g. next to a seed), where log-space gives −Inf − (−Inf) = NaN.
//
// It returns an error if ix is nil or x is not a float64 or float32 vector of
// length ix.NumEdges().
func CavityProd(x *G.Node, ix *CavityProdIndex) (*G.Node, error) {
	if ix == nil {
		return nil, fmt.Errorf("ad: CavityProd: nil CavityProdIndex")
	}
	if err := vectorOfLen("CavityProd", "x", x, len(ix.src)); err != nil {
		return nil, err
	}
	return apply(newCavityProdOp(ix), x)
}

// op returns the opBase of a CavityProd op over ix with the given number of
// edge-vector inputs.
func (ix *CavityProdIndex) op(name string, fwd kernel, inputs int) opBase {
	e := len(ix.src)
	in := []int{e, e}[:inputs]
	desc := fmt.Sprintf("n=%d,E=%d", ix.n, e)
	return vec.op(name, desc, []any{ix, ix.src, ix.dst, ix.rev}, fwd, e, in...)
}

// newCavityProdOp is CavityProd: input x (len E), output y (len E). Its
// gradient reads the input x, never divides by it.
func newCavityProdOp(ix *CavityProdIndex) *diffOp {
	return &diffOp{
		opBase: ix.op("CavityProd", bind(ix, cavityProdFwdK, cavityProdFwdK), 1),
		grad: func(x G.Nodes, _, g *G.Node) (G.Nodes, error) {
			return one(apply(newCavityProdDiffOp(ix), x[0], g))
		},
		bwd: bind(ix, cavityProdAddK, cavityProdAddK),
	}
}

// newCavityProdDiffOp computes ∂x from (x, g). It is a gradient op and is
// not itself differentiable.
func newCavityProdDiffOp(ix *CavityProdIndex) *opBase {
	op := ix.op("CavityProdDiff", bind(ix, cavityProdDiffK, cavityProdDiffK), 2)
	return &op
}

func cavityProdFwdK[T float](ix *CavityProdIndex, out, in [][]T) { cavityProdFwd(out[0], in[0], ix) }

// cavityProdAddK is the DoDiff kernel, in = [x, y, g].
func cavityProdAddK[T float](ix *CavityProdIndex, out, in [][]T) {
	cavityProdBwd(out[0], in[0], in[2], ix, true)
}

// cavityProdDiffK is the forward of the gradient op, in = [x, g].
func cavityProdDiffK[T float](ix *CavityProdIndex, out, in [][]T) {
	cavityProdBwd(out[0], in[0], in[1], ix, false)
}

// getScratch returns an E-length buffer from the free list, or a new one.
func (ix *CavityProdIndex) getScratch() []float64 {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if k := len(ix.free); k > 0 {
		b := ix.free[k-1]
		ix.free = ix.free[:k-1]
		return b
	}
	return make([]float64, len(ix.src))
}

// putScratch returns a buffer of getScratch to the free list.
func (ix *CavityProdIndex) putScratch(b []float64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.free = append(ix.free, b)
}

// outOrder copies g into a scratch buffer in outE order (release it with
// putScratch), so that the backward kernels read it sequentially: one pass
// of sequential loads and scattered stores, instead of a scattered load per
// edge in the kernel. Callers skip it when ix.outSlot is nil, i.e. when the
// edges are numbered by source and g is already in that order.
func outOrder[T float](ix *CavityProdIndex, g []T) []float64 {
	E := len(ix.src)
	gt := ix.getScratch()
	parallelRanges(E, E, func(e int) int { return e }, func(lo, hi int) {
		slot := ix.outSlot[lo:hi]
		for i, v := range g[lo:hi] {
			gt[slot[i]] = float64(v)
		}
	})
	return gt
}

// cavityParallel calls f(lo, hi) on contiguous node ranges covering 0..n−1,
// balanced by in- plus out-degree, on up to GOMAXPROCS goroutines when the
// graph has at least parallelMin edges. Every node is handled by exactly one
// call and the kernels write only the outputs of the nodes they are given
// (the out-edges of u in the forward, its in-edges in the backward), so the
// results are the same bits for any number of goroutines.
func cavityParallel(ix *CavityProdIndex, f func(lo, hi int)) {
	n := ix.n
	if len(ix.src) < parallelMin {
		f(0, n)
		return
	}
	work := func(u int) int { return ix.inOff[u] + ix.outOff[u] }
	parallelRanges(n, work(n), work, f)
}

// cavityProdFwd sets y[e] = Π_{k ∈ in(src e), k ≠ rev e} x[k]: per node u, the
// leave-one-out products of its in-edges from a prefix pass (kept in l) and
// a suffix pass, with the full product in the slot past the end for
// out-edges without rev.
func cavityProdFwd[T float](y, x []T, ix *CavityProdIndex) {
	y, x = y[:len(ix.src)], x[:len(ix.src)]
	cavityParallel(ix, func(lo, hi int) {
		l := make([]float64, ix.maxDeg+1)
		for u := lo; u < hi; u++ {
			in := ix.inE[ix.inOff[u]:ix.inOff[u+1]]
			l := l[:len(in)+1]
			pre := 1.0
			for q, k := range in {
				l[q] = pre
				pre *= float64(x[k])
			}
			l[len(in)] = pre
			suf := 1.0
			for q := len(in) - 1; q >= 0; q-- {
				l[q] *= suf
				suf *= float64(x[in[q]])
			}
			a, b := ix.outOff[u], ix.outOff[u+1]
			out, pos := ix.outE[a:b], ix.revPos[a:b]
			for j, e := range out {
				y[e] = T(l[pos[j]])
			}
		}
	})
}

// cavityProdBwd computes ∂x from x and the upstream gradient g and stores it
// in gx (or adds it when add is set). For node u with in-edges k_0..k_{d−1},
// x_q = x[k_q], u_q = Σ_{e ∈ out(u), rev e = k_q} g[e] and
// c = Σ_{e ∈ out(u), rev e = −1} g[e] (kept in u_d):
//
//	∂x[k_q] = c·Π_{q'≠q} x_q' + Σ_{q'≠q} u_q' Π_{q''∉{q,q'}} x_q''
//	        = (c·P_q + A_q)·S_q + P_q·B_q,
//
// with prefix products P_q = Π_{q'<q} x_q', A_0 = 0, A_{q+1} = A_q·x_q + u_q·P_q,
// and the mirrored suffix quantities S_q, B_q.
func cavityProdBwd[T float](gx, x, g []T, ix *CavityProdIndex, add bool) {
	E := len(ix.src)
	gx, x, g = gx[:E], x[:E], g[:E]
	var gt []float64 // nil when g is already in outE order
	if ix.outSlot != nil {
		gt = outOrder(ix, g)
		defer ix.putScratch(gt)
	}
	cavityParallel(ix, func(lo, hi int) {
		d := ix.maxDeg
		buf := make([]float64, 4*d+1)
		us, xs, pres, accs := buf[:d+1], buf[d+1:2*d+1], buf[2*d+1:3*d+1], buf[3*d+1:]
		for u := lo; u < hi; u++ {
			in := ix.inE[ix.inOff[u]:ix.inOff[u+1]]
			m := len(in)
			if m == 0 {
				continue
			}
			uq := us[:m+1]
			clear(uq)
			a, b := ix.outOff[u], ix.outOff[u+1]
			pos := ix.revPos[a:b]
			if gt != nil {
				for j, v := range gt[a:b] {
					uq[pos[j]] += v
				}
			} else {
				for j, v := range g[a:b] {
					uq[pos[j]] += float64(v)
				}
			}
			c := uq[m]
			P, A := 1.0, 0.0
			for q, k := range in {
				xq := float64(x[k])
				xs[q], pres[q], accs[q] = xq, P, A
				A = A*xq + uq[q]*P
				P *= xq
			}
			S, B := 1.0, 0.0
			for q := m - 1; q >= 0; q-- {
				v := (c*pres[q]+accs[q])*S + pres[q]*B
				if add {
					gx[in[q]] += T(v)
				} else {
					gx[in[q]] = T(v)
				}
				B = B*xs[q] + uq[q]*S
				S *= xs[q]
			}
		}
	})
}
