package ad

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Gather returns the vector y with y[j] = x[idx[j]], and y[j] = 0 where
// idx[j] = -1 (the node→edge lift: Gather(x, src) is x at the source of each
// edge). len(y) = len(idx). Its gradient is ∂x = ScatterAdd(∂y, idx, len(x)).
//
// x must be a float64 or float32 vector. Every idx[j] must be in
// [-1, len(x)) and idx must not be empty; otherwise Gather returns an error.
// The op keeps idx (it does not copy it): do not modify idx afterwards.
func Gather(x *G.Node, idx []int) (*G.Node, error) {
	n, err := vectorLen("Gather", "x", x)
	if err != nil {
		return nil, err
	}
	if err := checkIndex("Gather", "idx", idx, n, true); err != nil {
		return nil, err
	}
	y, err := G.ApplyOp(&gatherOp{idx: idx, n: n}, x)
	if err != nil {
		return nil, fmt.Errorf("ad: Gather: %w", err)
	}
	return y, nil
}

// ScatterAdd returns the vector y of length n with
// y[i] = Σ_{j: idx[j]=i} v[j], skipping entries with idx[j] = -1 (the
// edge→node "add" aggregation: ScatterAdd(v, dst, n) sums each node's
// in-edges). len(v) must equal len(idx). Its gradient is ∂v = Gather(∂y, idx).
//
// v must be a float64 or float32 vector, n ≥ 1, and every idx[j] in
// [-1, n); otherwise ScatterAdd returns an error. The op keeps idx (it does
// not copy it): do not modify idx afterwards.
func ScatterAdd(v *G.Node, idx []int, n int) (*G.Node, error) {
	m, err := vectorLen("ScatterAdd", "v", v)
	if err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("ad: ScatterAdd: n = %d, want ≥ 1", n)
	}
	if len(idx) != m {
		return nil, fmt.Errorf("ad: ScatterAdd: len(idx) = %d, len(v) = %d", len(idx), m)
	}
	if err := checkIndex("ScatterAdd", "idx", idx, n, true); err != nil {
		return nil, err
	}
	y, err := G.ApplyOp(&scatterAddOp{idx: idx, n: n}, v)
	if err != nil {
		return nil, fmt.Errorf("ad: ScatterAdd: %w", err)
	}
	return y, nil
}

// gatherOp computes y[j] = x[idx[j]] for x of length n.
type gatherOp struct {
	opBase
	idx []int
	n   int
}

func (op *gatherOp) Arity() int    { return 1 }
func (op *gatherOp) Type() hm.Type { return vecFnType(1) }
func (op *gatherOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return checkShape(op, in, len(op.idx), op.n)
}
func (op *gatherOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ad.Gather{n=%d,idx=%p/%d}", op.n, op.idx, len(op.idx))
}
func (op *gatherOp) Hashcode() uint32 { return hashcode(op) }
func (op *gatherOp) String() string   { return fmt.Sprintf("Gather(%d→%d)", op.n, len(op.idx)) }

func (op *gatherOp) Do(in ...G.Value) (G.Value, error) { return op.UsePreallocDo(nil, in...) }

func (op *gatherOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	v, err := vecs(op, in, op.n)
	if err != nil {
		return nil, err
	}
	x := v[0]
	y := output(prealloc, x.Dtype(), len(op.idx))
	if x.Dtype() == tensor.Float64 {
		gather(y.Float64s(), x.Float64s(), op.idx)
	} else {
		gather(y.Float32s(), x.Float32s(), op.idx)
	}
	return y, nil
}

func (op *gatherOp) DiffWRT(k int) []bool { return allTrue(k) }

func (op *gatherOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	gx, err := G.ApplyOp(&scatterAddOp{idx: op.idx, n: op.n}, grad)
	if err != nil {
		return nil, fmt.Errorf("ad: %v: SymDiff: %w", op, err)
	}
	return G.Nodes{gx}, nil
}

// DoDiff adds ScatterAdd(∂y, idx) into ∂x.
func (op *gatherOp) DoDiff(_ G.ExecutionContext, in G.Nodes, out *G.Node) error {
	if len(in) != 1 {
		return fmt.Errorf("ad: %v: DoDiff got %d inputs, want 1", op, len(in))
	}
	g, err := grads(op, []*G.Node{in[0], out}, op.n, len(op.idx))
	if err != nil {
		return err
	}
	if g[0].Dtype() == tensor.Float64 {
		scatterAdd(g[0].Float64s(), g[1].Float64s(), op.idx)
	} else {
		scatterAdd(g[0].Float32s(), g[1].Float32s(), op.idx)
	}
	return nil
}

// scatterAddOp computes y[i] = Σ_{j: idx[j]=i} v[j] for y of length n.
type scatterAddOp struct {
	opBase
	idx []int
	n   int
}

func (op *scatterAddOp) Arity() int    { return 1 }
func (op *scatterAddOp) Type() hm.Type { return vecFnType(1) }
func (op *scatterAddOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return checkShape(op, in, op.n, len(op.idx))
}
func (op *scatterAddOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ad.ScatterAdd{n=%d,idx=%p/%d}", op.n, op.idx, len(op.idx))
}
func (op *scatterAddOp) Hashcode() uint32 { return hashcode(op) }
func (op *scatterAddOp) String() string {
	return fmt.Sprintf("ScatterAdd(%d→%d)", len(op.idx), op.n)
}

func (op *scatterAddOp) Do(in ...G.Value) (G.Value, error) { return op.UsePreallocDo(nil, in...) }

func (op *scatterAddOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	v, err := vecs(op, in, len(op.idx))
	if err != nil {
		return nil, err
	}
	y := output(prealloc, v[0].Dtype(), op.n)
	if v[0].Dtype() == tensor.Float64 {
		ys := y.Float64s()[:op.n]
		clear(ys)
		scatterAdd(ys, v[0].Float64s(), op.idx)
	} else {
		ys := y.Float32s()[:op.n]
		clear(ys)
		scatterAdd(ys, v[0].Float32s(), op.idx)
	}
	return y, nil
}

func (op *scatterAddOp) DiffWRT(k int) []bool { return allTrue(k) }

func (op *scatterAddOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	gv, err := G.ApplyOp(&gatherOp{idx: op.idx, n: op.n}, grad)
	if err != nil {
		return nil, fmt.Errorf("ad: %v: SymDiff: %w", op, err)
	}
	return G.Nodes{gv}, nil
}

// DoDiff adds Gather(∂y, idx) into ∂v.
func (op *scatterAddOp) DoDiff(_ G.ExecutionContext, in G.Nodes, out *G.Node) error {
	if len(in) != 1 {
		return fmt.Errorf("ad: %v: DoDiff got %d inputs, want 1", op, len(in))
	}
	g, err := grads(op, []*G.Node{in[0], out}, len(op.idx), op.n)
	if err != nil {
		return err
	}
	if g[0].Dtype() == tensor.Float64 {
		gatherAdd(g[0].Float64s(), g[1].Float64s(), op.idx)
	} else {
		gatherAdd(g[0].Float32s(), g[1].Float32s(), op.idx)
	}
	return nil
}

// gather sets y[j] = x[idx[j]], or 0 where idx[j] < 0.
func gather[T float](y, x []T, idx []int) {
	y = y[:len(idx)]
	for j, i := range idx {
		if i >= 0 {
			y[j] = x[i]
		} else {
			y[j] = 0
		}
	}
}

// gatherAdd adds x[idx[j]] to y[j] where idx[j] ≥ 0.
func gatherAdd[T float](y, x []T, idx []int) {
	y = y[:len(idx)]
	for j, i := range idx {
		if i >= 0 {
			y[j] += x[i]
		}
	}
}

// scatterAdd adds v[j] to y[idx[j]] where idx[j] ≥ 0.
func scatterAdd[T float](y, v []T, idx []int) {
	v = v[:len(idx)]
	for j, i := range idx {
		if i >= 0 {
			y[i] += v[j]
		}
	}
}
