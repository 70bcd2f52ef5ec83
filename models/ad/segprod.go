package ad

import (
	"fmt"
	"runtime"
	"sort"
	"sync"

	G "gorgonia.org/gorgonia"
)

// SegmentProd returns the product of the entries of x within each segment:
//
//	y[c] = Π_{j: seg[j]=c} x[j],   c = 0..nseg−1,
//
// with y[c] = 1 for an empty segment and entries with seg[j] = -1 left out.
// len(y) = nseg. With seg = dst (the target of each edge) it is the product
// over the in-edges of every node, Π_{k∈in(i)} x[k], the marginal product of
// the Independent Cascade DMP. The gradient is
//
//	∂x[j] = g[c] · Π_{k: seg[k]=c, k≠j} x[k],   c = seg[j]   (0 where seg[j] = -1),
//
// computed without division (prefix and suffix products over each segment),
// so it is exact when entries are zero: in a segment with no zero every entry
// gets g[c] times the product of the others, in a segment with exactly one
// zero only the zero entry gets a non-zero value (the product of the others),
// and in a segment with two or more zeros every entry gets 0.
//
// x must be a float64 or float32 vector with len(x) = len(seg), nseg ≥ 1 and
// every seg[j] in [-1, nseg); otherwise SegmentProd returns an error. Products
// are accumulated in float64 for both element types, in increasing entry
// order within each segment. SegmentProd builds a new Segments
// (O(nseg + len(seg)) memory) on every call; in an unroll build one with
// NewSegments and use SegmentProdWith.
func SegmentProd(x *G.Node, seg []int, nseg int) (*G.Node, error) {
	return withSegments(seg, nseg, func(s *Segments) (*G.Node, error) { return SegmentProdWith(x, s) })
}

// SegmentProdWith is SegmentProd over a prebuilt grouping.
func SegmentProdWith(x *G.Node, s *Segments) (*G.Node, error) {
	if s == nil {
		return nil, fmt.Errorf("ad: SegmentProd: nil Segments")
	}
	if err := vectorOfLen("SegmentProd", "x", x, s.Len()); err != nil {
		return nil, err
	}
	return apply(newSegProdOp(s), x)
}

// segProdOp returns the opBase of a SegmentProd op with inputs of the given
// lengths and an output of length out.
func segProdOp(s *Segments, name string, fwd kernel, out int, in ...int) opBase {
	desc := fmt.Sprintf("%d in %d", s.Len(), s.n)
	return vec.op(name, desc, []any{s, s.id}, fwd, out, in...)
}

// newSegProdOp is SegmentProd: input x (len s.Len()), output y (len s.n). Its
// gradient reads the input x, not the output, so no division by x is ever
// needed.
func newSegProdOp(s *Segments) *diffOp {
	return &diffOp{
		opBase: segProdOp(s, "SegmentProd", bind(s, segProdK, segProdK), s.n, s.Len()),
		grad: func(x G.Nodes, _, g *G.Node) (G.Nodes, error) {
			return one(apply(newSegProdDiffOp(s), x[0], g))
		},
		bwd: bind(s, segProdAddK, segProdAddK),
	}
}

// newSegProdDiffOp computes ∂x from (x, g). It is a gradient op and is not
// itself differentiable.
func newSegProdDiffOp(s *Segments) *opBase {
	op := segProdOp(s, "SegmentProdDiff", bind(s, segProdDiffK, segProdDiffK), s.Len(), s.Len(), s.n)
	return &op
}

func segProdK[T float](s *Segments, out, in [][]T)     { segProd(out[0], in[0], s) }
func segProdDiffK[T float](s *Segments, out, in [][]T) { segProdBwd(out[0], in[0], in[1], s) }

// segProdAddK is the DoDiff kernel, in = [x, y, g]: segProdBwd stores, so
// the gradient goes through scratch and is then added.
func segProdAddK[T float](s *Segments, out, in [][]T) {
	d := make([]T, s.Len())
	segProdBwd(d, in[0], in[2], s)
	addInto(out[0], d)
}

// parallelMin is the number of entries (edges) below which the SegmentProd
// and CavityProd kernels run on the calling goroutine only.
const parallelMin = 1 << 15

// segParallel calls f(lo, hi) on contiguous segment ranges covering 0..n−1,
// balanced by entry count, on up to GOMAXPROCS goroutines when the grouping
// has at least parallelMin entries. Every segment is handled by exactly one
// call, so kernels that write per-segment results give the same bits for any
// number of goroutines.
func segParallel(s *Segments, f func(lo, hi int)) {
	parallelRanges(s.n, s.ptr[s.n], func(c int) int { return s.ptr[c] }, f)
}

// parallelRanges calls f(lo, hi) on contiguous ranges of items covering
// 0..n−1, on up to GOMAXPROCS goroutines when total ≥ parallelMin, and on
// the calling goroutine otherwise. cum(i) is the work before item i: it is
// non-decreasing with cum(0) = 0 and cum(n) = total, and the ranges are cut
// where it crosses k·total/w, so each of the w calls gets about total/w of
// the work (and at least parallelMin/2 of it). It returns when every call
// has returned.
func parallelRanges(n, total int, cum func(i int) int, f func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if w < 2 || total < parallelMin {
		f(0, n)
		return
	}
	w = min(w, total/(parallelMin/2))
	var wg sync.WaitGroup
	lo := 0
	for k := 1; k <= w; k++ {
		hi := n
		if k < w {
			// First item whose work before it reaches k/w of the total.
			target := total * k / w
			hi = lo + sort.Search(n-lo, func(i int) bool { return cum(lo+i) >= target })
		}
		if hi > lo {
			wg.Add(1)
			go func(lo, hi int) {
				defer wg.Done()
				f(lo, hi)
			}(lo, hi)
		}
		lo = hi
	}
	wg.Wait()
}

// segProd sets y[c] to the product of x over segment c (1 when empty),
// accumulated in float64 in CSR (increasing entry) order.
func segProd[T float](y, x []T, s *Segments) {
	y = y[:s.n]
	ptr := s.ptr
	segParallel(s, func(lo, hi int) {
		if s.ord == nil {
			for c := lo; c < hi; c++ {
				p := 1.0
				for _, v := range x[ptr[c]:ptr[c+1]] {
					p *= float64(v)
				}
				y[c] = T(p)
			}
			return
		}
		ord := s.ord
		for c := lo; c < hi; c++ {
			p := 1.0
			for _, j := range ord[ptr[c]:ptr[c+1]] {
				p *= float64(x[j])
			}
			y[c] = T(p)
		}
	})
}

// segProdBwd sets d[j] = g[c]·Π_{k∈c, k≠j} x[k] for c = seg[j] (0 outside any
// segment): a forward sweep over the segment keeps its entries and g[c] times
// their prefix products in scratch, a backward sweep multiplies in the suffix
// products and stores d. Each x[j] is read and each d[j] written once; no
// division.
func segProdBwd[T float](d, x, g []T, s *Segments) {
	ptr := s.ptr
	segParallel(s, func(lo, hi int) {
		var xs, pre []float64
		for c := lo; c < hi; c++ {
			a, b := ptr[c], ptr[c+1]
			if b-a > len(xs) {
				xs, pre = make([]float64, b-a), make([]float64, b-a)
			}
			p := float64(g[c])
			for q := a; q < b; q++ {
				v := float64(x[s.at(q)])
				xs[q-a], pre[q-a] = v, p
				p *= v
			}
			suf := 1.0
			for q := b - 1; q >= a; q-- {
				d[s.at(q)] = T(pre[q-a] * suf)
				suf *= xs[q-a]
			}
		}
	})
	for p := ptr[s.n]; p < ptr[s.n+1]; p++ {
		d[s.at(p)] = 0
	}
}
