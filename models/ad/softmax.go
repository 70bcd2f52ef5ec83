package ad

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
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
func SegmentSoftmax(scores *G.Node, seg []int, nseg int) (*G.Node, error) {
	s, err := NewSegments(seg, nseg)
	if err != nil {
		return nil, err
	}
	return SegmentSoftmaxWith(scores, s)
}

// SegmentSoftmaxWith is SegmentSoftmax over a prebuilt grouping.
func SegmentSoftmaxWith(scores *G.Node, s *Segments) (*G.Node, error) {
	if s == nil {
		return nil, fmt.Errorf("ad: SegmentSoftmax: nil Segments")
	}
	m, err := vectorLen("SegmentSoftmax", "scores", scores)
	if err != nil {
		return nil, err
	}
	if m != s.Len() {
		return nil, fmt.Errorf("ad: SegmentSoftmax: len(scores) = %d, len(seg) = %d", m, s.Len())
	}
	y, err := G.ApplyOp(&segSoftmaxOp{s: s}, scores)
	if err != nil {
		return nil, fmt.Errorf("ad: SegmentSoftmax: %w", err)
	}
	return y, nil
}

// segSoftmaxOp is SegmentSoftmax: input scores, output y.
type segSoftmaxOp struct {
	opBase
	s *Segments
}

func (op *segSoftmaxOp) Arity() int    { return 1 }
func (op *segSoftmaxOp) Type() hm.Type { return vecFnType(1) }
func (op *segSoftmaxOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return checkShape(op, in, op.s.Len(), op.s.Len())
}
func (op *segSoftmaxOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ad.SegmentSoftmax{s=%p,n=%d,seg=%p/%d}", op.s, op.s.n, op.s.id, len(op.s.id))
}
func (op *segSoftmaxOp) Hashcode() uint32 { return hashcode(op) }
func (op *segSoftmaxOp) String() string {
	return fmt.Sprintf("SegmentSoftmax(%d in %d)", op.s.Len(), op.s.n)
}

func (op *segSoftmaxOp) Do(in ...G.Value) (G.Value, error) { return op.UsePreallocDo(nil, in...) }

func (op *segSoftmaxOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	v, err := vecs(op, in, op.s.Len())
	if err != nil {
		return nil, err
	}
	y := output(prealloc, v[0].Dtype(), op.s.Len())
	if v[0].Dtype() == tensor.Float64 {
		segSoftmax(y.Float64s(), v[0].Float64s(), op.s)
	} else {
		segSoftmax(y.Float32s(), v[0].Float32s(), op.s)
	}
	return y, nil
}

func (op *segSoftmaxOp) DiffWRT(k int) []bool { return allTrue(k) }

// SymDiff returns ∂s = segSoftmaxDiff(y, g); it reads the op's output y.
func (op *segSoftmaxOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	gs, err := G.ApplyOp(&segSoftmaxDiffOp{s: op.s}, out, grad)
	if err != nil {
		return nil, fmt.Errorf("ad: %v: SymDiff: %w", op, err)
	}
	return G.Nodes{gs}, nil
}

// DoDiff adds y⊙(g − Σ_seg y·g) into ∂s.
func (op *segSoftmaxOp) DoDiff(_ G.ExecutionContext, in G.Nodes, out *G.Node) error {
	if len(in) != 1 {
		return fmt.Errorf("ad: %v: DoDiff got %d inputs, want 1", op, len(in))
	}
	m := op.s.Len()
	g, err := grads(op, []*G.Node{in[0], out}, m, m)
	if err != nil {
		return err
	}
	y, err := vecs(op, []G.Value{out.Value()}, m)
	if err != nil {
		return err
	}
	if g[0].Dtype() == tensor.Float64 {
		segSoftmaxBwd(g[0].Float64s(), y[0].Float64s(), g[1].Float64s(), op.s, true)
	} else {
		segSoftmaxBwd(g[0].Float32s(), y[0].Float32s(), g[1].Float32s(), op.s, true)
	}
	return nil
}

// segSoftmaxDiffOp computes ∂s from (y, g). It is a gradient op and is not
// itself differentiable.
type segSoftmaxDiffOp struct {
	opBase
	s *Segments
}

func (op *segSoftmaxDiffOp) Arity() int    { return 2 }
func (op *segSoftmaxDiffOp) Type() hm.Type { return vecFnType(2) }
func (op *segSoftmaxDiffOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return checkShape(op, in, op.s.Len(), op.s.Len(), op.s.Len())
}
func (op *segSoftmaxDiffOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ad.SegmentSoftmaxDiff{s=%p,n=%d,seg=%p/%d}", op.s, op.s.n, op.s.id, len(op.s.id))
}
func (op *segSoftmaxDiffOp) Hashcode() uint32 { return hashcode(op) }
func (op *segSoftmaxDiffOp) String() string {
	return fmt.Sprintf("SegmentSoftmaxDiff(%d in %d)", op.s.Len(), op.s.n)
}

func (op *segSoftmaxDiffOp) Do(in ...G.Value) (G.Value, error) { return op.UsePreallocDo(nil, in...) }

func (op *segSoftmaxDiffOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	m := op.s.Len()
	v, err := vecs(op, in, m, m)
	if err != nil {
		return nil, err
	}
	gs := output(prealloc, v[0].Dtype(), m)
	if v[0].Dtype() == tensor.Float64 {
		segSoftmaxBwd(gs.Float64s(), v[0].Float64s(), v[1].Float64s(), op.s, false)
	} else {
		segSoftmaxBwd(gs.Float32s(), v[0].Float32s(), v[1].Float32s(), op.s, false)
	}
	return gs, nil
}

// segSoftmax sets y to the per-segment softmax of x (0 outside any segment).
// Sums are accumulated in float64 for both element types.
func segSoftmax[T float](y, x []T, s *Segments) {
	for c := 0; c < s.n; c++ {
		lo, hi := s.ptr[c], s.ptr[c+1]
		if lo == hi {
			continue
		}
		mx := x[s.at(lo)]
		for p := lo + 1; p < hi; p++ {
			if v := x[s.at(p)]; v > mx {
				mx = v
			}
		}
		var sum float64
		for p := lo; p < hi; p++ {
			j := s.at(p)
			e := math.Exp(float64(x[j] - mx))
			y[j] = T(e)
			sum += e
		}
		inv := 1 / sum
		for p := lo; p < hi; p++ {
			j := s.at(p)
			y[j] = T(float64(y[j]) * inv)
		}
	}
	for p := s.ptr[s.n]; p < s.ptr[s.n+1]; p++ {
		y[s.at(p)] = 0
	}
}

// segSoftmaxBwd computes d[j] = y[j]·(g[j] − Σ_seg y·g), adding it into gs
// when add is set and storing it otherwise (0 outside any segment).
func segSoftmaxBwd[T float](gs, y, g []T, s *Segments, add bool) {
	for c := 0; c < s.n; c++ {
		lo, hi := s.ptr[c], s.ptr[c+1]
		var dot float64
		for p := lo; p < hi; p++ {
			j := s.at(p)
			dot += float64(y[j]) * float64(g[j])
		}
		for p := lo; p < hi; p++ {
			j := s.at(p)
			d := T(float64(y[j]) * (float64(g[j]) - dot))
			if add {
				gs[j] += d
			} else {
				gs[j] = d
			}
		}
	}
	if add {
		return
	}
	for p := s.ptr[s.n]; p < s.ptr[s.n+1]; p++ {
		gs[s.at(p)] = 0
	}
}
