package ad

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// CavityIndex is the graph-only preprocessing of the Cavity op: the edge
// arrays and the CSR of the edges grouped by source and by target. Build it
// once per graph with NewCavityIndex and pass it to CavityWith at every step
// of an unroll. A CavityIndex is immutable and safe for concurrent use.
type CavityIndex struct {
	n             int
	src, dst, rev []int
	out, in       *Segments // edges grouped by src, by dst
}

// NewCavityIndex validates the edge arrays of a graph with n nodes and
// E = len(src) edges (edge e goes src[e] → dst[e]; rev[e] is the edge whose
// L is subtracted from cav[e], normally the reverse edge dst[e] → src[e], or
// -1 for none) and builds the CSRs the fused Cavity kernel needs. It returns
// an error unless n ≥ 1, E ≥ 1, len(dst) = len(rev) = E, src[e] and dst[e]
// are in [0, n) and rev[e] is in [-1, E). rev need not be an involution nor
// injective. The index keeps the slices (it does not copy them): do not
// modify them afterwards.
func NewCavityIndex(n int, src, dst, rev []int) (*CavityIndex, error) {
	if err := checkEdges("NewCavityIndex", n, src, dst, rev); err != nil {
		return nil, err
	}
	return &CavityIndex{
		n: n, src: src, dst: dst, rev: rev,
		out: newSegments(src, n),
		in:  newSegments(dst, n),
	}, nil
}

// checkEdges validates the edge arrays of a graph with n nodes: n ≥ 1,
// E = len(src) ≥ 1, len(dst) = len(rev) = E, src[e] and dst[e] in [0, n),
// rev[e] in [-1, E).
func checkEdges(what string, n int, src, dst, rev []int) error {
	if n < 1 {
		return fmt.Errorf("ad: %s: n = %d, want ≥ 1", what, n)
	}
	e := len(src)
	if len(dst) != e || len(rev) != e {
		return fmt.Errorf("ad: %s: len(src) = %d, len(dst) = %d, len(rev) = %d, want equal", what, e, len(dst), len(rev))
	}
	if err := checkIndex(what, "src", src, n, false); err != nil {
		return err
	}
	if err := checkIndex(what, "dst", dst, n, false); err != nil {
		return err
	}
	return checkIndex(what, "rev", rev, e, true)
}

// cavityArgs returns the lengths of the node vector base and the edge
// vector L of a Cavity, checking that they are vectors of one dtype.
func cavityArgs(what string, base, L *G.Node) (n, e int, err error) {
	if n, err = vectorLen(what, "base", base); err != nil {
		return 0, 0, err
	}
	if e, err = vectorLen(what, "L", L); err != nil {
		return 0, 0, err
	}
	if base.Dtype() != L.Dtype() {
		return 0, 0, fmt.Errorf("ad: %s: base has dtype %v, L has %v", what, base.Dtype(), L.Dtype())
	}
	return n, e, nil
}

// NumNodes returns n.
func (ix *CavityIndex) NumNodes() int { return ix.n }

// NumEdges returns E.
func (ix *CavityIndex) NumEdges() int { return len(ix.src) }

// Cavity returns the edge vector
//
//	cav[e] = base[u] + Σ_{k: dst[k]=u} L[k] − L[rev[e]],   u = src[e],
//
// with the last term dropped where rev[e] = -1: the log of exp(base[u]) times
// the product of exp(L) over u's in-edges except rev[e]. base is a node vector
// (length n), L an edge vector (length E = len(src)). The gradients are
// ∂base = ScatterAdd(g, src, n) and ∂L[k] = ∂base[dst[k]] − Σ_{e: rev[e]=k} g[e].
//
// Cavity builds a new CavityIndex (O(n+E) memory) on every call; in an unroll
// build one with NewCavityIndex and use CavityWith. It returns an error when
// the index arrays are invalid (see NewCavityIndex) or the shapes or dtypes
// of base and L do not match them.
func Cavity(base, L *G.Node, src, dst, rev []int) (*G.Node, error) {
	n, err := vectorLen("Cavity", "base", base)
	if err != nil {
		return nil, err
	}
	ix, err := NewCavityIndex(n, src, dst, rev)
	if err != nil {
		return nil, err
	}
	return CavityWith(base, L, ix)
}

// CavityWith is Cavity over a prebuilt index.
func CavityWith(base, L *G.Node, ix *CavityIndex) (*G.Node, error) {
	if ix == nil {
		return nil, fmt.Errorf("ad: Cavity: nil CavityIndex")
	}
	n, e, err := cavityArgs("Cavity", base, L)
	if err != nil {
		return nil, err
	}
	if n != ix.n || e != len(ix.src) {
		return nil, fmt.Errorf("ad: Cavity: len(base) = %d, len(L) = %d, index has n = %d, E = %d", n, e, ix.n, len(ix.src))
	}
	return apply(newCavityOp(ix), base, L)
}

// CavityComposite computes the same function as Cavity from the unfused
// primitives, S = base + ScatterAdd(L, dst, n), cav = Gather(S, src) −
// Gather(L, rev), and is its definition. It validates its arguments like
// Cavity.
func CavityComposite(base, L *G.Node, src, dst, rev []int) (*G.Node, error) {
	n, e, err := cavityArgs("CavityComposite", base, L)
	if err != nil {
		return nil, err
	}
	if len(src) != e {
		return nil, fmt.Errorf("ad: CavityComposite: len(src) = %d, len(L) = %d, want equal", len(src), e)
	}
	if err := checkEdges("CavityComposite", n, src, dst, rev); err != nil {
		return nil, err
	}
	in, err := ScatterAdd(L, dst, n)
	if err != nil {
		return nil, err
	}
	s, err := G.Add(base, in)
	if err != nil {
		return nil, fmt.Errorf("ad: CavityComposite: %w", err)
	}
	sSrc, err := Gather(s, src)
	if err != nil {
		return nil, err
	}
	lRev, err := Gather(L, rev)
	if err != nil {
		return nil, err
	}
	cav, err := G.Sub(sSrc, lRev)
	if err != nil {
		return nil, fmt.Errorf("ad: CavityComposite: %w", err)
	}
	return cav, nil
}

// op returns the opBase of a Cavity op over ix with inputs (node vector,
// edge vector) and an edge vector output.
func (ix *CavityIndex) op(name string, fwd kernel) opBase {
	e := len(ix.src)
	desc := fmt.Sprintf("n=%d,E=%d", ix.n, e)
	return vec.op(name, desc, []any{ix, ix.src, ix.dst, ix.rev}, fwd, e, ix.n, e)
}

// newCavityOp is the fused Cavity: inputs (base, L), output cav. Its
// gradient is ∂base = ScatterAdd(g, src, n), ∂L = cavityAdjoint(∂base, g).
func newCavityOp(ix *CavityIndex) *diffOp {
	return &diffOp{
		opBase: ix.op("Cavity", bind(ix, cavityFwdK, cavityFwdK)),
		grad: func(_ G.Nodes, _, g *G.Node) (G.Nodes, error) {
			gb, err := apply(newScatterAddOp(rowIndex{idx: ix.src, n: ix.n, layout: vec}), g)
			if err != nil {
				return nil, err
			}
			gL, err := apply(newCavityAdjOp(ix), gb, g)
			if err != nil {
				return nil, err
			}
			return G.Nodes{gb, gL}, nil
		},
		bwd: bind(ix, cavityAddK, cavityAddK),
	}
}

// newCavityAdjOp computes ∂L from (∂base, g):
// ∂L[k] = ∂base[dst[k]] − Σ_{e: rev[e]=k} g[e]. It is a gradient op and is
// not itself differentiable.
func newCavityAdjOp(ix *CavityIndex) *opBase {
	op := ix.op("CavityAdjoint", bind(ix, cavityAdjK, cavityAdjK))
	return &op
}

func cavityFwdK[T float](ix *CavityIndex, out, in [][]T) { cavityFwd(out[0], in[0], in[1], ix) }
func cavityAdjK[T float](ix *CavityIndex, out, in [][]T) { cavityAdjL(out[0], in[0], in[1], ix) }

// cavityAddK is the DoDiff kernel: out = [∂base, ∂L], in = [base, L, cav, g].
func cavityAddK[T float](ix *CavityIndex, out, in [][]T) { cavityBwdAdd(out[0], out[1], in[3], ix) }

// cavityFwd sets cav[e] = base[u] + Σ_{k∈in(u)} L[k] − L[rev[e]] for u = src[e].
// The in-edge sum is formed first and then added to base[u], so the result is
// bitwise equal to CavityComposite.
func cavityFwd[T float](cav, base, L []T, ix *CavityIndex) {
	in, out, rev := ix.in, ix.out, ix.rev
	cav = cav[:len(rev)]
	L = L[:len(rev)]
	for u := 0; u < ix.n; u++ {
		var s T
		for p := in.ptr[u]; p < in.ptr[u+1]; p++ {
			s += L[in.at(p)]
		}
		s = base[u] + s
		for p := out.ptr[u]; p < out.ptr[u+1]; p++ {
			e := out.at(p)
			c := s
			if r := rev[e]; r >= 0 {
				c -= L[r]
			}
			cav[e] = c
		}
	}
}

// cavityAdjL sets gL[k] = gb[dst[k]] − Σ_{e: rev[e]=k} g[e].
func cavityAdjL[T float](gL, gb, g []T, ix *CavityIndex) {
	gL = gL[:len(ix.dst)]
	for k, u := range ix.dst {
		gL[k] = gb[u]
	}
	g = g[:len(ix.rev)]
	for e, r := range ix.rev {
		if r >= 0 {
			gL[r] -= g[e]
		}
	}
}

// cavityBwdAdd adds ∂base[u] = Σ_{e: src[e]=u} g[e] into gb and
// ∂L[k] = ∂base[dst[k]] − Σ_{e: rev[e]=k} g[e] into gL, without scratch memory.
func cavityBwdAdd[T float](gb, gL, g []T, ix *CavityIndex) {
	in, out := ix.in, ix.out
	for u := 0; u < ix.n; u++ {
		var s T
		for p := out.ptr[u]; p < out.ptr[u+1]; p++ {
			s += g[out.at(p)]
		}
		gb[u] += s
		for p := in.ptr[u]; p < in.ptr[u+1]; p++ {
			gL[in.at(p)] += s
		}
	}
	for e, r := range ix.rev {
		if r >= 0 {
			gL[r] -= g[e]
		}
	}
}
