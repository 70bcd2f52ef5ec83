package ad

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
)

// SegmentSoftmax returns the softmax of scores within each segment:
//
//	y[j] = exp(s[j] − m_c) / Σ_{k: seg[k]=c} exp(s[k] − m_c),   c = seg[j],
//
// where m_c is the largest score in segment c (subtracted for numerical
// stability), and y[j] = 0 where seg[j] = -1. With seg = dst it normalises
// per-edge attention scores over the in-edges of each node (GAT). The
// gradient is ∂s[j] = y[j]·(g[j] − Σ_{k: seg[k]=c} y[k]·g[k]).
//
// scores must be a float64 or float32 vector with len(scores) = len(seg),
// nseg ≥ 1 and every seg[j] in [-1, nseg); otherwise SegmentSoftmax returns
// an error. It builds a new Segments (O(nseg + len(seg)) memory) on every
// call; in a loop build one with NewSegments and use SegmentSoftmaxWith.
// SegmentSoftmax is SegmentSoftmaxRows with one column, on vectors: both run
// the same kernels.
func SegmentSoftmax(scores *G.Node, seg []int, nseg int) (*G.Node, error) {
	return withSegments(seg, nseg, func(s *Segments) (*G.Node, error) { return SegmentSoftmaxWith(scores, s) })
}

// SegmentSoftmaxWith is SegmentSoftmax over a prebuilt grouping.
func SegmentSoftmaxWith(scores *G.Node, s *Segments) (*G.Node, error) {
	return segSoftmaxNode(scores, s, false)
}

// SegmentSoftmaxRows returns the softmax of the m×F matrix of scores within
// each segment, independently in every column f:
//
//	y[j,f] = exp(s[j,f] − m_{c,f}) / Σ_{k: seg[k]=c} exp(s[k,f] − m_{c,f}),   c = seg[j],
//
// with m_{c,f} the largest score of column f in segment c, and row j of y
// zero where seg[j] = -1. With seg = dst and one column per attention head it
// is the per-head normalisation of a multi-head GAT layer (Veličković et al.,
// "Graph Attention Networks", ICLR 2018, eq. 3 and 5). The gradient is
// ∂s[j,f] = y[j,f]·(g[j,f] − Σ_{k: seg[k]=c} y[k,f]·g[k,f]).
//
// scores must be a float64 or float32 matrix (a 2-D node, row-major) with
// len(seg) rows, nseg ≥ 1 and every seg[j] in [-1, nseg); otherwise
// SegmentSoftmaxRows returns an error. Sums are accumulated in float64 in
// increasing row order within each segment; for ≥ 2^15 rows the segments are
// split into contiguous ranges over GOMAXPROCS goroutines, each segment
// handled by one, so the result does not depend on GOMAXPROCS. It builds a
// new Segments on every call; in a loop use SegmentSoftmaxRowsWith.
func SegmentSoftmaxRows(scores *G.Node, seg []int, nseg int) (*G.Node, error) {
	return withSegments(seg, nseg, func(s *Segments) (*G.Node, error) { return SegmentSoftmaxRowsWith(scores, s) })
}

// SegmentSoftmaxRowsWith is SegmentSoftmaxRows over a prebuilt grouping.
func SegmentSoftmaxRowsWith(scores *G.Node, s *Segments) (*G.Node, error) {
	return segSoftmaxNode(scores, s, true)
}

// segCols is the parameter of the SegmentSoftmax ops: the grouping of the
// rows and their layout.
type segCols struct {
	s *Segments
	layout
}

// op returns the opBase of a SegmentSoftmax op with the given number of
// (m-row) inputs.
func (p segCols) op(name string, fwd kernel, inputs int) opBase {
	m := p.s.Len()
	in := make([]int, inputs)
	for i := range in {
		in[i] = m
	}
	desc := fmt.Sprintf("%d in %d", m, p.s.n)
	return p.layout.op(name, desc, []any{p.s, p.s.id}, fwd, m, in...)
}

// segSoftmaxNode validates and applies SegmentSoftmax (mat false) or
// SegmentSoftmaxRows.
func segSoftmaxNode(scores *G.Node, s *Segments, mat bool) (*G.Node, error) {
	p := segCols{s: s, layout: layout{f: 1, mat: mat}}
	name := p.opName("SegmentSoftmax")
	if s == nil {
		return nil, fmt.Errorf("ad: %s: nil Segments", name)
	}
	m, f, err := p.rowsOf(name, "scores", scores)
	p.f = f
	if err != nil {
		return nil, err
	}
	if m != s.Len() {
		return nil, fmt.Errorf("ad: %s: scores has %d rows, len(seg) = %d", name, m, s.Len())
	}
	return apply(newSegSoftmaxOp(p), scores)
}

// newSegSoftmaxOp is y = SegmentSoftmax(s); its gradient reads the output y.
func newSegSoftmaxOp(p segCols) *diffOp {
	return &diffOp{
		opBase: p.op("SegmentSoftmax", bind(p, segSoftmaxFwd, segSoftmaxFwd), 1),
		grad: func(_ G.Nodes, y, g *G.Node) (G.Nodes, error) {
			return one(apply(newSegSoftmaxDiffOp(p), y, g))
		},
		bwd: bind(p, segSoftmaxAdd, segSoftmaxAdd),
	}
}

// newSegSoftmaxDiffOp computes ∂s from (y, g). It is a gradient op and is
// not itself differentiable.
func newSegSoftmaxDiffOp(p segCols) *opBase {
	op := p.op("SegmentSoftmaxDiff", bind(p, segSoftmaxDiff, segSoftmaxDiff), 2)
	return &op
}

func segSoftmaxFwd[T float](p segCols, out, in [][]T) { segSoftmax(out[0], in[0], p.s, p.f) }

// segSoftmaxAdd is the DoDiff kernel, in = [s, y, g].
func segSoftmaxAdd[T float](p segCols, out, in [][]T) {
	segSoftmaxBwd(out[0], in[1], in[2], p.s, p.f, true)
}

// segSoftmaxDiff is the forward of the gradient op, in = [y, g].
func segSoftmaxDiff[T float](p segCols, out, in [][]T) {
	segSoftmaxBwd(out[0], in[0], in[1], p.s, p.f, false)
}

// segSoftmax sets y (rows of f entries) to the per-segment softmax of x in
// every column, and to 0 for rows outside any segment. Sums are accumulated
// in float64 for both element types, in increasing row order.
func segSoftmax[T float](y, x []T, s *Segments, f int) {
	segParallel(s, func(lo, hi int) {
		mx := make([]T, f)
		inv := make([]float64, f)
		for c := lo; c < hi; c++ {
			a, b := s.ptr[c], s.ptr[c+1]
			if a == b {
				continue
			}
			j := s.at(a)
			copy(mx, x[j*f:(j+1)*f])
			for p := a + 1; p < b; p++ {
				j := s.at(p)
				for k, v := range x[j*f : (j+1)*f] {
					if v > mx[k] {
						mx[k] = v
					}
				}
			}
			clear(inv)
			for p := a; p < b; p++ {
				j := s.at(p)
				yr := y[j*f : (j+1)*f]
				for k, v := range x[j*f : (j+1)*f] {
					e := math.Exp(float64(v - mx[k]))
					yr[k] = T(e)
					inv[k] += e
				}
			}
			for k := range inv {
				inv[k] = 1 / inv[k]
			}
			for p := a; p < b; p++ {
				j := s.at(p)
				yr := y[j*f : (j+1)*f]
				for k := range yr {
					yr[k] = T(float64(yr[k]) * inv[k])
				}
			}
		}
	})
	for p := s.ptr[s.n]; p < s.ptr[s.n+1]; p++ {
		j := s.at(p)
		clear(y[j*f : (j+1)*f])
	}
}

// segSoftmaxBwd computes d[j,k] = y[j,k]·(g[j,k] − Σ_{seg} y[·,k]·g[·,k]),
// adding it into gs when add is set and storing it otherwise (0 for rows
// outside any segment).
func segSoftmaxBwd[T float](gs, y, g []T, s *Segments, f int, add bool) {
	segParallel(s, func(lo, hi int) {
		dot := make([]float64, f)
		for c := lo; c < hi; c++ {
			a, b := s.ptr[c], s.ptr[c+1]
			clear(dot)
			for p := a; p < b; p++ {
				j := s.at(p)
				gr := g[j*f : (j+1)*f]
				for k, v := range y[j*f : (j+1)*f] {
					dot[k] += float64(v) * float64(gr[k])
				}
			}
			for p := a; p < b; p++ {
				j := s.at(p)
				yr, gr, dr := y[j*f:(j+1)*f], g[j*f:(j+1)*f], gs[j*f:(j+1)*f]
				for k, v := range yr {
					d := T(float64(v) * (float64(gr[k]) - dot[k]))
					if add {
						dr[k] += d
					} else {
						dr[k] = d
					}
				}
			}
		}
	})
	if add {
		return
	}
	for p := s.ptr[s.n]; p < s.ptr[s.n+1]; p++ {
		j := s.at(p)
		clear(gs[j*f : (j+1)*f])
	}
}
