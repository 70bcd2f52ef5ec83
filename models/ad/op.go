package ad

import (
	"fmt"
	"hash"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file is the scaffold every op of the package is built on. An op is a
// value of opBase (a gradient op: forward only) or of diffOp (opBase plus
// SymDiff and DoDiff). The scaffold holds everything gorgonia asks of an op
// (arity, type, shape inference, hashing, value checks, dtype dispatch,
// gradient accumulation); an op's own file holds only its maths: the kernels
// bound into a kernel value and, for a differentiable op, the gradient nodes
// it builds in SymDiff.

// float is the set of element types the kernels support.
type float interface{ ~float32 | ~float64 }

// kernel is one computation of an op (its forward, or the accumulation of
// its gradient) instantiated for both element types. out and in are the
// row-major data of the buffers written and read, each sliced to the size of
// its shape and all of one dtype.
type kernel struct {
	f64 func(out, in [][]float64)
	f32 func(out, in [][]float32)
}

// bind returns the kernel that calls f(p, out, in) with the float64 or the
// float32 instantiation of f, following the dtype of the data. Go has no
// generic function values, so a generic kernel f is passed once per dtype:
// bind(p, f, f) (type inference instantiates each argument).
func bind[P any](p P, f64 func(P, [][]float64, [][]float64), f32 func(P, [][]float32, [][]float32)) kernel {
	return kernel{
		f64: func(out, in [][]float64) { f64(p, out, in) },
		f32: func(out, in [][]float32) { f32(p, out, in) },
	}
}

// run calls the instantiation of k for the dtype of out[0]; the callers have
// checked (with dense) that every buffer has that dtype.
func (k kernel) run(out, in []*tensor.Dense) {
	if out[0].Dtype() == tensor.Float64 {
		k.f64(flat[float64](out), flat[float64](in))
	} else {
		k.f32(flat[float32](out), flat[float32](in))
	}
}

// flat returns the data of the buffers, each sliced to its size.
func flat[T float](ds []*tensor.Dense) [][]T {
	out := make([][]T, len(ds))
	var zero T
	for i, d := range ds {
		var s []T
		if _, ok := any(zero).(float64); ok {
			s = any(d.Float64s()).([]T)
		} else {
			s = any(d.Float32s()).([]T)
		}
		out[i] = s[:d.Shape().TotalSize()]
	}
	return out
}

// opBase is an op of the package as gorgonia sees it: a pure function of
// inputs of fixed shapes (vectors or row-major matrices) to an output of
// fixed shape, in float64 or float32.
type opBase struct {
	name string         // "Gather", "SegmentSoftmaxDiff", …: String, WriteHash and errors
	desc string         // the sizes String shows after the name
	ids  []any          // index slices and index structures the op reads, hashed by identity
	in   []tensor.Shape // input shapes
	out  tensor.Shape   // output shape
	fwd  kernel         // out = [y], in = the inputs; must overwrite all of y
	// keep (set for every op of the package) makes the op write every run
	// into one output buffer of its own,
	// allocated on the first run, instead of a new one (or gorgonia's
	// prealloc). A TapeMachine's Reset drops every register, so without it
	// each run allocates every output afresh. This is safe because the
	// forward overwrites all of y, every value of a run is dead when the
	// next run starts (G.Read copies), and a node's op runs once per run;
	// an op value belongs to one node of one graph, so no two nodes share
	// the buffer.
	keep bool
	kept *tensor.Dense
}

// Arity returns the number of inputs.
func (op *opBase) Arity() int { return len(op.in) }

// Type is a → … → a over tensors of one element type a, with the number of
// dimensions of each input and of the output.
func (op *opBase) Type() hm.Type {
	ts := make([]hm.Type, 0, len(op.in)+1)
	for _, s := range append(slices.Clone(op.in), op.out) {
		ts = append(ts, G.TensorType{Dims: len(s), Of: hm.TypeVariable('a')})
	}
	return hm.NewFnType(ts...)
}

// InferShape checks the input shapes against the op's and returns its output
// shape.
func (op *opBase) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != len(op.in) {
		return nil, fmt.Errorf("ad: %v: got %d input shapes, want %d", op, len(in), len(op.in))
	}
	for i, ds := range in {
		s, ok := ds.(tensor.Shape)
		if !ok {
			return nil, fmt.Errorf("ad: %v: input %d has no shape (%T)", op, i, ds)
		}
		if !slices.Equal(s, op.in[i]) {
			return nil, fmt.Errorf("ad: %v: input %d has shape %v, want %v", op, i, s, op.in[i])
		}
	}
	return op.out.Clone(), nil
}

// WriteHash writes the name, the shapes (hence every size parameter such as
// n and F) and the identity (address and length) of every index the op reads.
// gorgonia hash-conses nodes by op hash and inputs, so two ops over different
// index slices of equal content must hash differently, and the same op over
// the same slices alike.
func (op *opBase) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "ad.%s{in=%v,out=%v", op.name, op.in, op.out)
	for _, id := range op.ids {
		if s, ok := id.([]int); ok {
			fmt.Fprintf(h, ",%p/%d", s, len(s))
		} else {
			fmt.Fprintf(h, ",%p", id)
		}
	}
	fmt.Fprint(h, "}")
}

// Hashcode is the FNV-32a hash of what WriteHash writes.
func (op *opBase) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func (op *opBase) String() string { return op.name + "(" + op.desc + ")" }

func (op *opBase) ReturnsPtr() bool     { return false }
func (op *opBase) CallsExtern() bool    { return false }
func (op *opBase) OverwritesInput() int { return -1 }

func (op *opBase) Do(in ...G.Value) (G.Value, error) { return op.UsePreallocDo(nil, in...) }

// UsePreallocDo runs the forward kernel into prealloc when it is a contiguous
// buffer of the output's dtype and shape, and into a new buffer otherwise.
func (op *opBase) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	x, err := dense(op, in, op.in)
	if err != nil {
		return nil, err
	}
	var y *tensor.Dense
	if op.keep {
		op.kept = output(op.kept, x[0].Dtype(), op.out)
		y = op.kept
	} else {
		y = output(prealloc, x[0].Dtype(), op.out)
	}
	op.fwd.run([]*tensor.Dense{y}, x)
	return y, nil
}

// layout is how the data of an op family is laid out: vectors (f = 1), or
// row-major matrices of f columns (mat, the Rows ops).
type layout struct {
	f   int
	mat bool
}

// vec is the layout of the vector ops.
var vec = layout{f: 1}

// shape returns the shape of a buffer of the given number of rows.
func (l layout) shape(rows int) tensor.Shape {
	if l.mat {
		return tensor.Shape{rows, l.f}
	}
	return tensor.Shape{rows}
}

// opName returns name, with "Rows" appended for matrices.
func (l layout) opName(name string) string {
	if l.mat {
		return name + "Rows"
	}
	return name
}

// op returns the opBase of an op of this layout: its name and String detail,
// the index values it hashes, its forward kernel, and the row counts of its
// output and inputs.
func (l layout) op(name, desc string, ids []any, fwd kernel, out int, in ...int) opBase {
	if l.mat {
		desc += fmt.Sprintf(",F=%d", l.f)
	}
	shapes := make([]tensor.Shape, len(in))
	for i, r := range in {
		shapes[i] = l.shape(r)
	}
	return opBase{name: l.opName(name), desc: desc, ids: ids, in: shapes, out: l.shape(out), fwd: fwd, keep: true}
}

// diffOp is a differentiable op: opBase plus its gradient, both as gradient
// nodes (SymDiff, for the TapeMachine) and as an in-place accumulation
// (DoDiff, for the LispMachine).
type diffOp struct {
	opBase
	// grad returns the gradient nodes of the inputs x given the output y and
	// its gradient g.
	grad func(x G.Nodes, y, g *G.Node) (G.Nodes, error)
	// bwd ADDS the gradient into out = [∂x_0, …] from in = [x_0, …, y, g]:
	// gorgonia accumulates into the buffers of inputs with several consumers.
	bwd kernel
}

func (op *diffOp) DiffWRT(k int) []bool {
	b := make([]bool, k)
	for i := range b {
		b[i] = true
	}
	return b
}

func (op *diffOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	if len(in) != len(op.in) {
		return nil, fmt.Errorf("ad: %v: SymDiff got %d inputs, want %d", op, len(in), len(op.in))
	}
	gs, err := op.grad(in, out, grad)
	if err != nil {
		return nil, fmt.Errorf("ad: %v: SymDiff: %w", op, err)
	}
	return gs, nil
}

// DoDiff adds the gradient of every input into its gradient buffer.
func (op *diffOp) DoDiff(_ G.ExecutionContext, in G.Nodes, out *G.Node) error {
	k := len(op.in)
	if len(in) != k {
		return fmt.Errorf("ad: %v: DoDiff got %d inputs, want %d", op, len(in), k)
	}
	vals := make([]G.Value, 0, 2*k+2)
	for _, n := range in {
		g, err := n.Grad()
		if err != nil {
			return fmt.Errorf("ad: %v: gradient of %v: %w", op, n, err)
		}
		vals = append(vals, g)
	}
	for _, n := range in {
		vals = append(vals, n.Value())
	}
	gy, err := out.Grad()
	if err != nil {
		return fmt.Errorf("ad: %v: gradient of %v: %w", op, out, err)
	}
	vals = append(vals, out.Value(), gy)
	shapes := append(append(slices.Clone(op.in), op.in...), op.out, op.out)
	d, err := dense(op, vals, shapes)
	if err != nil {
		return fmt.Errorf("ad: %v: DoDiff: %w", op, err)
	}
	op.bwd.run(d[:k], d[k:])
	return nil
}

// Compile-time checks of the interfaces the scaffold promises.
var (
	_ G.UsePreallocDoer = (*opBase)(nil)
	_ G.SDOp            = (*diffOp)(nil)
	_ G.ADOp            = (*diffOp)(nil)
	_ G.UsePreallocDoer = (*diffOp)(nil)
)

// apply is G.ApplyOp with the error prefixed by the op's name.
func apply(op G.Op, args ...*G.Node) (*G.Node, error) {
	y, err := G.ApplyOp(op, args...)
	if err != nil {
		name, _, _ := strings.Cut(op.String(), "(")
		return nil, fmt.Errorf("ad: %s: %w", name, err)
	}
	return y, nil
}

// dense checks that the values are contiguous float32 or float64 tensors of
// one dtype with the sizes of the given shapes and returns them as
// *tensor.Dense.
func dense(op fmt.Stringer, vals []G.Value, want []tensor.Shape) ([]*tensor.Dense, error) {
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
		size := want[i].TotalSize()
		if d.Shape().TotalSize() != size || d.RequiresIterator() || d.DataSize() < size {
			return nil, fmt.Errorf("ad: %v: input %d has shape %v, want a contiguous %v", op, i, d.Shape(), want[i])
		}
		out[i] = d
	}
	return out, nil
}

// output returns prealloc if it is a contiguous buffer of the dtype and shape
// wanted, and a new zeroed one otherwise.
func output(prealloc G.Value, dt tensor.Dtype, s tensor.Shape) *tensor.Dense {
	if p, ok := prealloc.(*tensor.Dense); ok && p != nil && p.Dtype() == dt &&
		slices.Equal(p.Shape(), s) && !p.RequiresIterator() && p.DataSize() >= s.TotalSize() {
		return p
	}
	return tensor.New(tensor.WithShape(s.Clone()...), tensor.Of(dt))
}

// vectorLen returns the length of the vector node x, or an error if x is not
// a float32 or float64 vector of known length.
func vectorLen(what, arg string, x *G.Node) (int, error) {
	s, err := nodeShape(what, arg, x, 1)
	if err != nil {
		return 0, err
	}
	return s[0], nil
}

// vectorOfLen checks that x is a float32 or float64 vector of length want.
func vectorOfLen(what, arg string, x *G.Node, want int) error {
	m, err := vectorLen(what, arg, x)
	if err == nil && m != want {
		err = fmt.Errorf("ad: %s: len(%s) = %d, want %d", what, arg, m, want)
	}
	return err
}

// rowsOf returns the rows and columns of x in layout l (columns 1 for a
// vector), with l.mat choosing whether x must be a matrix or a vector.
func (l layout) rowsOf(what, arg string, x *G.Node) (rows, cols int, err error) {
	if l.mat {
		return matrixDims(what, arg, x)
	}
	rows, err = vectorLen(what, arg, x)
	return rows, 1, err
}

// matrixDims returns the rows and columns of the matrix node x, or an error
// if x is not a float32 or float64 matrix of known shape.
func matrixDims(what, arg string, x *G.Node) (rows, cols int, err error) {
	s, err := nodeShape(what, arg, x, 2)
	if err != nil {
		return 0, 0, err
	}
	return s[0], s[1], nil
}

// nodeShape returns the shape of x after checking that it has dims
// dimensions, each ≥ 1, and a float32 or float64 dtype.
func nodeShape(what, arg string, x *G.Node, dims int) (tensor.Shape, error) {
	if x == nil {
		return nil, fmt.Errorf("ad: %s: %s is a nil node", what, arg)
	}
	s := x.Shape()
	ok := len(s) == dims
	for _, d := range s {
		ok = ok && d >= 1
	}
	if !ok {
		kind := map[int]string{1: "vector", 2: "matrix"}[dims]
		return nil, fmt.Errorf("ad: %s: %s must be a %s of known shape, has shape %v", what, arg, kind, s)
	}
	if dt := x.Dtype(); dt != tensor.Float64 && dt != tensor.Float32 {
		return nil, fmt.Errorf("ad: %s: %s has dtype %v, want float64 or float32", what, arg, dt)
	}
	return s, nil
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

// addInto adds v to y element-wise (len(v) entries).
func addInto[T float](y, v []T) {
	y = y[:len(v)]
	for i, x := range v {
		y[i] += x
	}
}
