package ad

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// Gather returns the vector y with y[j] = x[idx[j]], and y[j] = 0 where
// idx[j] = -1 (the node→edge lift: Gather(x, src) is x at the source of each
// edge). len(y) = len(idx). Its gradient is ∂x = ScatterAdd(∂y, idx, len(x)).
//
// x must be a float64 or float32 vector. Every idx[j] must be in
// [-1, len(x)) and idx must not be empty; otherwise Gather returns an error.
// The op keeps idx (it does not copy it): do not modify idx afterwards.
// Gather is GatherRows with one column, on vectors: both run the same kernels.
func Gather(x *G.Node, idx []int) (*G.Node, error) { return gatherNode(x, idx, false) }

// GatherRows returns the len(idx)×F matrix y with row j equal to row idx[j]
// of the N×F matrix x, and to 0 where idx[j] = -1:
//
//	y[j,f] = x[idx[j],f]   (0 when idx[j] = -1).
//
// It lifts node features to edges: GatherRows(h, src) holds the features of
// the source of each edge. Its gradient is ∂x = ScatterAddRows(∂y, idx, N).
//
// x must be a float64 or float32 matrix (a 2-D node, row-major). Every idx[j]
// must be in [-1, N) and idx must not be empty; otherwise GatherRows returns
// an error. The op keeps idx (it does not copy it): do not modify idx
// afterwards. For ≥ 2^15 output entries the forward splits the output rows
// into contiguous ranges over GOMAXPROCS goroutines (each row is a copy, so
// the result does not depend on GOMAXPROCS).
func GatherRows(x *G.Node, idx []int) (*G.Node, error) { return gatherNode(x, idx, true) }

// ScatterAdd returns the vector y of length n with
// y[i] = Σ_{j: idx[j]=i} v[j], skipping entries with idx[j] = -1 (the
// edge→node "add" aggregation: ScatterAdd(v, dst, n) sums each node's
// in-edges). len(v) must equal len(idx). Its gradient is ∂v = Gather(∂y, idx).
//
// v must be a float64 or float32 vector, n ≥ 1, and every idx[j] in
// [-1, n); otherwise ScatterAdd returns an error. The op keeps idx (it does
// not copy it): do not modify idx afterwards. ScatterAdd is ScatterAddRows
// with one column, on vectors: both run the same kernels.
func ScatterAdd(v *G.Node, idx []int, n int) (*G.Node, error) {
	return scatterAddNode(v, idx, n, false)
}

// ScatterAddRows returns the n×F matrix y whose row i is the sum of the rows
// j of the m×F matrix v with idx[j] = i:
//
//	y[i,f] = Σ_{j: idx[j]=i} v[j,f]   (rows with idx[j] = -1 skipped).
//
// It aggregates edge features into nodes: ScatterAddRows(m, dst, n) sums
// the messages on each node's in-edges. Its gradient is
// ∂v = GatherRows(∂y, idx). The sums are formed in increasing j, on one
// goroutine, so the result is the same bits on every run.
//
// v must be a float64 or float32 matrix (a 2-D node, row-major) with
// len(idx) rows, n ≥ 1, and every idx[j] in [-1, n); otherwise ScatterAddRows
// returns an error. The op keeps idx (it does not copy it): do not modify idx
// afterwards.
func ScatterAddRows(v *G.Node, idx []int, n int) (*G.Node, error) {
	return scatterAddNode(v, idx, n, true)
}

// rowIndex is the parameter of the Gather and ScatterAdd ops: row j of the
// indexed side (len(idx) rows) is row idx[j] of the node side (n rows).
type rowIndex struct {
	idx []int
	n   int
	layout
}

// op returns the opBase of a Gather or ScatterAdd from in rows to out rows.
func (p rowIndex) op(name string, fwd kernel, out, in int) opBase {
	return p.layout.op(name, fmt.Sprintf("%d→%d", in, out), []any{p.idx}, fwd, out, in)
}

// gatherNode validates and applies Gather (mat false) or GatherRows.
func gatherNode(x *G.Node, idx []int, mat bool) (*G.Node, error) {
	p := rowIndex{idx: idx, layout: layout{f: 1, mat: mat}}
	op := p.opName("Gather")
	var err error
	if p.n, p.f, err = p.rowsOf(op, "x", x); err != nil {
		return nil, err
	}
	if err := checkIndex(op, "idx", idx, p.n, true); err != nil {
		return nil, err
	}
	return apply(newGatherOp(p), x)
}

// scatterAddNode validates and applies ScatterAdd (mat false) or
// ScatterAddRows.
func scatterAddNode(v *G.Node, idx []int, n int, mat bool) (*G.Node, error) {
	p := rowIndex{idx: idx, n: n, layout: layout{f: 1, mat: mat}}
	op := p.opName("ScatterAdd")
	m, f, err := p.rowsOf(op, "v", v)
	p.f = f
	if err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("ad: %s: n = %d, want ≥ 1", op, n)
	}
	if len(idx) != m {
		return nil, fmt.Errorf("ad: %s: len(idx) = %d, v has %d rows", op, len(idx), m)
	}
	if err := checkIndex(op, "idx", idx, n, true); err != nil {
		return nil, err
	}
	return apply(newScatterAddOp(p), v)
}

// newGatherOp is y = Gather(x): gradient ScatterAdd(g), accumulated in
// place by a scatter-add into ∂x.
func newGatherOp(p rowIndex) *diffOp {
	return &diffOp{
		opBase: p.op("Gather", bind(p, gatherFwd, gatherFwd), len(p.idx), p.n),
		grad: func(_ G.Nodes, _, g *G.Node) (G.Nodes, error) {
			return one(apply(newScatterAddOp(p), g))
		},
		bwd: bind(p, gatherBwd, gatherBwd),
	}
}

// newScatterAddOp is y = ScatterAdd(v): gradient Gather(g), accumulated in
// place by a gather-add into ∂v.
func newScatterAddOp(p rowIndex) *diffOp {
	return &diffOp{
		opBase: p.op("ScatterAdd", bind(p, scatterAddFwd, scatterAddFwd), p.n, len(p.idx)),
		grad: func(_ G.Nodes, _, g *G.Node) (G.Nodes, error) {
			return one(apply(newGatherOp(p), g))
		},
		bwd: bind(p, scatterAddBwd, scatterAddBwd),
	}
}

// one wraps the single gradient node of a one-input op.
func one(n *G.Node, err error) (G.Nodes, error) {
	if err != nil {
		return nil, err
	}
	return G.Nodes{n}, nil
}

// Kernels: out and in as documented on diffOp (in = [x, y, g] backward).

func gatherFwd[T float](p rowIndex, out, in [][]T)     { gatherRows(out[0], in[0], p.idx, p.f, false) }
func gatherBwd[T float](p rowIndex, out, in [][]T)     { scatterAddRows(out[0], in[2], p.idx, p.f) }
func scatterAddBwd[T float](p rowIndex, out, in [][]T) { gatherRows(out[0], in[2], p.idx, p.f, true) }

func scatterAddFwd[T float](p rowIndex, out, in [][]T) {
	clear(out[0])
	scatterAddRows(out[0], in[0], p.idx, p.f)
}

// gatherRows sets row j of y (f entries) to row idx[j] of x, or to 0 where
// idx[j] < 0; with add set it adds the row instead (and leaves row j alone
// where idx[j] < 0). Each row of y is written by one goroutine of a split
// into contiguous ranges of rows, so the result does not depend on
// GOMAXPROCS.
func gatherRows[T float](y, x []T, idx []int, f int, add bool) {
	m := len(idx)
	parallelRanges(m, m*f, func(j int) int { return j * f }, func(lo, hi int) {
		if f == 1 {
			for j, i := range idx[lo:hi] {
				switch {
				case i < 0 && !add:
					y[lo+j] = 0
				case i < 0:
				case add:
					y[lo+j] += x[i]
				default:
					y[lo+j] = x[i]
				}
			}
			return
		}
		for j := lo; j < hi; j++ {
			row, i := y[j*f:(j+1)*f], idx[j]
			switch {
			case i < 0 && !add:
				clear(row)
			case i < 0:
			case add:
				addInto(row, x[i*f:(i+1)*f])
			default:
				copy(row, x[i*f:(i+1)*f])
			}
		}
	})
}

// scatterAddRows adds row j of v to row idx[j] of y where idx[j] ≥ 0, in
// increasing j on the calling goroutine: rows of y receive from scattered
// j, so a split over j would race and a split over y would need the CSR of
// idx; the fixed order makes the sums the same bits on every run.
func scatterAddRows[T float](y, v []T, idx []int, f int) {
	if f == 1 {
		v = v[:len(idx)]
		for j, i := range idx {
			if i >= 0 {
				y[i] += v[j]
			}
		}
		return
	}
	for j, i := range idx {
		if i >= 0 {
			addInto(y[i*f:(i+1)*f], v[j*f:(j+1)*f])
		}
	}
}
