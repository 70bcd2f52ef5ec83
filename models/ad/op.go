package ad

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// float is the set of element types the kernels support.
type float interface{ ~float32 | ~float64 }

// vecFnType returns the type a → … → a of an op with the given arity whose
// inputs and output are all vectors of one element type a.
func vecFnType(arity int) hm.Type {
	ts := make([]hm.Type, arity+1)
	for i := range ts {
		ts[i] = G.TensorType{Dims: 1, Of: hm.TypeVariable('a')}
	}
	return hm.NewFnType(ts...)
}

// hashcode is the FNV-32a hash of what op writes in WriteHash.
func hashcode(op interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// allTrue returns a slice of k trues, the DiffWRT of an op differentiable in
// all its inputs.
func allTrue(k int) []bool {
	b := make([]bool, k)
	for i := range b {
		b[i] = true
	}
	return b
}

// vectorLen returns the length of the vector node x, or an error if x is not
// a float32 or float64 vector of known length.
func vectorLen(what, arg string, x *G.Node) (int, error) {
	if x == nil {
		return 0, fmt.Errorf("ad: %s: %s is a nil node", what, arg)
	}
	s := x.Shape()
	if len(s) != 1 || s[0] < 1 {
		return 0, fmt.Errorf("ad: %s: %s must be a vector of known length, has shape %v", what, arg, s)
	}
	if dt := x.Dtype(); dt != tensor.Float64 && dt != tensor.Float32 {
		return 0, fmt.Errorf("ad: %s: %s has dtype %v, want float64 or float32", what, arg, dt)
	}
	return s[0], nil
}

// checkIndex validates that idx is non-empty and that every entry is in
// [0, n), or in [-1, n) when allowNone is set.
func checkIndex(what, arg string, idx []int, n int, allowNone bool) error {
	if len(idx) == 0 {
		return fmt.Errorf("ad: %s: %s is empty", what, arg)
	}
	lo := 0
	if allowNone {
		lo = -1
	}
	for j, i := range idx {
		if i < lo || i >= n {
			return fmt.Errorf("ad: %s: %s[%d] = %d out of range [%d, %d)", what, arg, j, i, lo, n)
		}
	}
	return nil
}

// checkShape is the body of InferShape for an op whose inputs must be
// vectors of the lengths in want; it returns the output shape (out).
func checkShape(op fmt.Stringer, in []G.DimSizer, out int, want ...int) (tensor.Shape, error) {
	if len(in) != len(want) {
		return nil, fmt.Errorf("ad: %v: got %d input shapes, want %d", op, len(in), len(want))
	}
	for i, ds := range in {
		s, ok := ds.(tensor.Shape)
		if !ok {
			return nil, fmt.Errorf("ad: %v: input %d has no shape (%T)", op, i, ds)
		}
		if len(s) != 1 || s[0] != want[i] {
			return nil, fmt.Errorf("ad: %v: input %d has shape %v, want (%d)", op, i, s, want[i])
		}
	}
	return tensor.Shape{out}, nil
}

// vecs checks that the values are contiguous float32 or float64 vectors of
// one dtype with the given lengths and returns them as *tensor.Dense.
func vecs(op fmt.Stringer, vals []G.Value, want ...int) ([]*tensor.Dense, error) {
	if len(vals) != len(want) {
		return nil, fmt.Errorf("ad: %v: got %d inputs, want %d", op, len(vals), len(want))
	}
	out := make([]*tensor.Dense, len(vals))
	for i, v := range vals {
		d, ok := v.(*tensor.Dense)
		if !ok || d == nil {
			return nil, fmt.Errorf("ad: %v: input %d is %T, want *tensor.Dense", op, i, v)
		}
		dt := d.Dtype()
		if dt != tensor.Float64 && dt != tensor.Float32 {
			return nil, fmt.Errorf("ad: %v: input %d has dtype %v, want float64 or float32", op, i, dt)
		}
		if i > 0 && dt != out[0].Dtype() {
			return nil, fmt.Errorf("ad: %v: input %d has dtype %v, input 0 has %v", op, i, dt, out[0].Dtype())
		}
		if d.Shape().TotalSize() != want[i] || d.RequiresIterator() || d.DataSize() < want[i] {
			return nil, fmt.Errorf("ad: %v: input %d has shape %v, want a contiguous vector of length %d", op, i, d.Shape(), want[i])
		}
		out[i] = d
	}
	return out, nil
}

// grads returns the gradient buffers of the nodes (for DoDiff), checked like
// vecs.
func grads(op fmt.Stringer, nodes []*G.Node, want ...int) ([]*tensor.Dense, error) {
	vals := make([]G.Value, len(nodes))
	for i, n := range nodes {
		g, err := n.Grad()
		if err != nil {
			return nil, fmt.Errorf("ad: %v: gradient of %v: %w", op, n, err)
		}
		vals[i] = g
	}
	return vecs(op, vals, want...)
}

// output returns prealloc if it is a contiguous vector of the dtype and
// length wanted, and a new zeroed vector otherwise.
func output(prealloc G.Value, dt tensor.Dtype, n int) *tensor.Dense {
	if p, ok := prealloc.(*tensor.Dense); ok && p != nil && p.Dtype() == dt &&
		len(p.Shape()) == 1 && p.Shape()[0] == n && !p.RequiresIterator() && p.DataSize() >= n {
		return p
	}
	return tensor.New(tensor.WithShape(n), tensor.Of(dt))
}

// opBase holds the Op methods that are the same for every op here.
type opBase struct{}

func (opBase) ReturnsPtr() bool     { return false }
func (opBase) CallsExtern() bool    { return false }
func (opBase) OverwritesInput() int { return -1 }

// Compile-time checks of the interfaces each op promises.
var (
	_ G.SDOp            = (*gatherOp)(nil)
	_ G.ADOp            = (*gatherOp)(nil)
	_ G.UsePreallocDoer = (*gatherOp)(nil)
	_ G.SDOp            = (*scatterAddOp)(nil)
	_ G.ADOp            = (*scatterAddOp)(nil)
	_ G.UsePreallocDoer = (*scatterAddOp)(nil)
	_ G.SDOp            = (*cavityOp)(nil)
	_ G.ADOp            = (*cavityOp)(nil)
	_ G.UsePreallocDoer = (*cavityOp)(nil)
	_ G.UsePreallocDoer = (*cavityAdjOp)(nil)
	_ G.SDOp            = (*segSoftmaxOp)(nil)
	_ G.ADOp            = (*segSoftmaxOp)(nil)
	_ G.UsePreallocDoer = (*segSoftmaxOp)(nil)
	_ G.UsePreallocDoer = (*segSoftmaxDiffOp)(nil)
)
