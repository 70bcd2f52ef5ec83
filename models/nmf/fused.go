package nmf

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math"
	"slices"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/internal/dtype"
	"github.com/spread-dev/spread/internal/parallel"
)

// The fused field: one gorgonia op per evaluation of g_x, computing in
// batched matrix products what Net.Field's reference graph builds from
// about twenty element-wise ops, the drift product and ε's layers, with a
// hand-written vector–Jacobian product (the one Model.VJP writes per row,
// here for the whole batch).
//
// Forward, for the batch X, H (B×n), notChi = 1 − χ (B×n), the rates W
// (n×n, or one per support edge) and ε's layers (W_k, b_k), k = 0..L−1:
//
//	Z   = X·W                                  (drift; ScatterAdd over the support's edges)
//	P_1 = X·W_0[:n] + H·W_0[n:] + b_0           (W_0's first n rows read x, the rest h)
//	A_k = elu(P_k),  P_{k+1} = A_k·W_k + b_k     (k = 1..L−1)
//	E   = sigmoid(P_L)
//	F   = (1 − X)⊙Z + s·E,   GX = F⊙notChi
//
// Backward, with the upstream gradient G of GX and p = G⊙notChi:
//
//	∂notChi = F⊙G
//	∂Z = (1 − X)⊙p,  ∂X = −Z⊙p + ∂Z·Wᵀ,  ∂W = Xᵀ·∂Z
//	D_L = s·p⊙E⊙(1 − E);  ∂W_k = A_kᵀ·D_{k+1}, ∂b_k = 1ᵀD_{k+1}
//	D_k = (D_{k+1}·W_kᵀ)⊙elu'(P_k)  (k ≥ 1),  elu'(v) = 1 if v > 0 else e^v
//	∂X += D_1·W_0[:n]ᵀ,  ∂H = D_1·W_0[n:]ᵀ
//
// The products go through gorgonia's BLAS (G.WhichBLAS: gonum's pure-Go
// implementation unless a program swaps one in with G.Use, as
// internal/openblas does under the openblas build tag), so one evaluation
// is a handful of B×n×n matrix products instead of a graph of per-op
// copies. The sigmoid is gorgonia's (exactly 1 above 19, 0 below −709), so
// the fused and the reference graph differ only by the rounding of
// summation order.
//
// The gradient op of an evaluation reads the forward's Z, P_k and A_k from
// the forward op's cache instead of recomputing them: it takes the forward
// node's output as an input, so it runs after that forward in every run;
// a forward op value belongs to one node (its hash includes its address,
// so gorgonia never merges two evaluations).
//
// Parameter gradients are summed in place, not per evaluation: one buffer
// per unroll (fieldShared.acc) holds [∂X | ∂H | ∂notChi | ∂W | ∂W_0 | ∂b_0 |
// …] of the first evaluation built (the first stage of step 0), and every
// evaluation's gradient op adds its ∂W, ∂W_k, ∂b_k into its parameter part
// (the products accumulate with β = 1). Only the first evaluation declares
// gradients for the parameters (DiffWRT), as views of that buffer
// (sliceOp), so gorgonia sums nothing and keeps no per-evaluation n×n
// gradients (at n = 1024 those would be 161 × 32 MB). This is correct
// because of the order of a run: the first evaluation's forward runs
// before every gradient op and zeroes the parameter part, and its gradient
// op runs after every other evaluation's, since every other evaluation's
// input depends on its output GX (the later stages and steps all read the
// first stage), so its upstream gradient is computed from all of theirs.
// The tests hold the result to the reference graph and to central
// differences.
//
// Every op here writes each run into one buffer of its own, allocated on
// the first run (as models/ad's ops do): every value of a run is dead when
// the next run starts, so a compiled unroll allocates its tape once.
//
// The ops and kernels are generic over the element type T (float64, or
// float32 under Config.Float32): one code path, instantiated twice, with
// the products in Dgemm or Sgemm. The few transcendental functions (ELU's
// e^v − 1, the sigmoid, elu') are evaluated in float64 and rounded to T,
// which costs float32 nothing in accuracy; the coefficients of the RK4
// combinations and the sign s are rounded to T once.

// fieldDims are the sizes of one fused field evaluation.
type fieldDims struct {
	B, n  int
	sizes []int     // ε's widths [2n, hidden..., n]
	sign  float64   // s
	sup   *supportE // nil: dense W
}

// supportE are the support's edges (CSR order) for the sparse drift.
type supportE struct{ src, dst []int }

// numA returns the number of rates.
func (d fieldDims) numA() int {
	if d.sup != nil {
		return len(d.sup.src)
	}
	return d.n * d.n
}

// stateLen is the length of [∂X | ∂H | ∂notChi], the per-evaluation part
// of the flat gradient.
func (d fieldDims) stateLen() int { return 3 * d.B * d.n }

// layerOff returns the offset of ∂W_k in the flat gradient
// [∂X | ∂H | ∂notChi | ∂W | ∂W_0 | ∂b_0 | …] (∂b_k follows ∂W_k);
// layerOff(L) is the gradient's length.
func (d fieldDims) layerOff(k int) int {
	l := d.stateLen() + d.numA()
	for j := range k {
		l += d.sizes[j]*d.sizes[j+1] + d.sizes[j+1]
	}
	return l
}

// gradLen returns the length of the flat gradient.
func (d fieldDims) gradLen() int { return d.layerOff(len(d.sizes) - 1) }

// fieldCache holds what one evaluation's forward leaves for its backward:
// Z (B×n), the hidden pre-activations P_k (k = 1..L−1) and the
// activations A_k (k = 1..L, A_L = E).
type fieldCache[T dtype.Float] struct {
	z        []T
	pre, act [][]T
}

func newFieldCache[T dtype.Float](d fieldDims) *fieldCache[T] {
	L := len(d.sizes) - 1
	c := &fieldCache[T]{z: make([]T, d.B*d.n), pre: make([][]T, L+1), act: make([][]T, L+1)}
	for k := 1; k <= L; k++ {
		c.act[k] = make([]T, d.B*d.sizes[k])
		if k < L {
			c.pre[k] = make([]T, d.B*d.sizes[k])
		}
	}
	return c
}

// fieldShared is what the evaluations of one Net share: the gradient
// accumulator and the backward's scratch (p, ∂Z and D_k; the gradient ops
// run one at a time).
type fieldShared[T dtype.Float] struct {
	d     fieldDims
	acc   []T
	p, dz []T
	D     [][]T
}

func newFieldShared[T dtype.Float](d fieldDims) *fieldShared[T] {
	s := &fieldShared[T]{d: d, p: make([]T, d.B*d.n), dz: make([]T, d.B*d.n), D: make([][]T, len(d.sizes))}
	for k := 1; k < len(d.sizes); k++ {
		s.D[k] = make([]T, d.B*d.sizes[k])
	}
	return s
}

// spanMin is the least number of items span splits over goroutines.
const spanMin = 1 << 14

// span calls body on contiguous blocks covering [0, total): one block per
// worker (GOMAXPROCS) when total ≥ spanMin, else one. The element-wise
// kernels use it; each output entry is written by one block, so the
// results do not depend on the number of workers.
func span(total int, body func(lo, hi int)) {
	w := parallel.Workers(0, total/spanMin)
	if w <= 1 {
		body(0, total)
		return
	}
	parallel.For(w, w, 1, func(_, b int) { body(b*total/w, (b+1)*total/w) })
}

// gemm is C = α·op(A)·op(B) + β·C with row-major operands, through
// gorgonia's BLAS: Dgemm for float64, Sgemm for float32 (both OpenBLAS's
// under the openblas build tag).
func gemm[T dtype.Float](tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	switch a := any(a).(type) {
	case []float64:
		G.WhichBLAS().Dgemm(tA, tB, m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	case []float32:
		G.WhichBLAS().Sgemm(tA, tB, m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	}
}

// sigmoid is gorgonia's float64 sigmoid (the reference graph's G.Sigmoid),
// rounded to T.
func sigmoid[T dtype.Float](v T) T {
	x := float64(v)
	if x < -709 {
		return 0
	}
	if x > 19 {
		return 1
	}
	return T(1.0 / (1.0 + math.Exp(-x)))
}

// fieldForward computes gx = GX from in = [X, H, notChi, W, W_0, b_0, …]
// and fills c.
func fieldForward[T dtype.Float](d fieldDims, c *fieldCache[T], gx []T, in [][]T) {
	B, n, L := d.B, d.n, len(d.sizes)-1
	X, H, nc, W := in[0], in[1], in[2], in[3]
	if d.sup == nil {
		gemm(blas.NoTrans, blas.NoTrans, B, n, n, 1, X, n, W, n, 0, c.z, n)
	} else {
		clear(c.z)
		for r := range B {
			x, z := X[r*n:(r+1)*n], c.z[r*n:(r+1)*n]
			for e, s := range d.sup.src {
				z[d.sup.dst[e]] += W[e] * x[s]
			}
		}
	}
	a := c.act[L] // the pre-activation of the output layer, then E in place
	for k := range L {
		Wk, bk := in[4+2*k], in[5+2*k]
		out := d.sizes[k+1]
		pre := a
		if k < L-1 {
			pre = c.pre[k+1]
		}
		for r := range B {
			copy(pre[r*out:(r+1)*out], bk)
		}
		if k == 0 {
			gemm(blas.NoTrans, blas.NoTrans, B, out, n, 1, X, n, Wk[:n*out], out, 1, pre, out)
			gemm(blas.NoTrans, blas.NoTrans, B, out, n, 1, H, n, Wk[n*out:], out, 1, pre, out)
		} else {
			gemm(blas.NoTrans, blas.NoTrans, B, out, d.sizes[k], 1, c.act[k], d.sizes[k], Wk, out, 1, pre, out)
		}
		act, last := c.act[k+1], k == L-1
		span(len(pre), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if v := pre[i]; last {
					act[i] = sigmoid(v)
				} else if v > 0 {
					act[i] = v
				} else {
					act[i] = T(math.Expm1(float64(v)))
				}
			}
		})
	}
	E, s := c.act[L], T(d.sign)
	span(B*n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			gx[i] = ((1-X[i])*c.z[i] + s*E[i]) * nc[i]
		}
	})
}

// fieldBackward writes [∂X | ∂H | ∂notChi] into state and adds the
// parameter gradients into params ([∂W | ∂W_0 | ∂b_0 | …]), from in =
// [X, H, notChi, W, W_0, b_0, …], the upstream gradient g and the
// forward's cache c.
func fieldBackward[T dtype.Float](sh *fieldShared[T], c *fieldCache[T], state, params []T, in [][]T, g []T) {
	d := sh.d
	B, n, L := d.B, d.n, len(d.sizes)-1
	X, H, nc, W := in[0], in[1], in[2], in[3]
	dX, dH, dNC := state[:B*n], state[B*n:2*B*n], state[2*B*n:3*B*n]
	dW := params[:d.numA()]
	p, dz := sh.p, sh.dz
	E, s := c.act[L], T(d.sign)
	span(B*n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x := X[i]
			dNC[i] = ((1-x)*c.z[i] + s*E[i]) * g[i]
			p[i] = g[i] * nc[i]
			dz[i] = (1 - x) * p[i]
			dX[i] = -c.z[i] * p[i]
		}
	})
	if d.sup == nil {
		gemm(blas.NoTrans, blas.Trans, B, n, n, 1, dz, n, W, n, 1, dX, n)
		gemm(blas.Trans, blas.NoTrans, n, n, B, 1, X, n, dz, n, 1, dW, n)
	} else {
		for r := range B {
			x, dx, z := X[r*n:(r+1)*n], dX[r*n:(r+1)*n], dz[r*n:(r+1)*n]
			for e, s := range d.sup.src {
				t := d.sup.dst[e]
				dx[s] += W[e] * z[t]
				dW[e] += x[s] * z[t]
			}
		}
	}
	D := sh.D[L]
	span(len(E), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			D[i] = s * p[i] * E[i] * (1 - E[i])
		}
	})
	base := d.stateLen()
	for k := L - 1; k >= 0; k-- {
		Wk := in[4+2*k]
		fin, fout := d.sizes[k], d.sizes[k+1]
		o := d.layerOff(k) - base
		dWk, dbk := params[o:o+fin*fout], params[o+fin*fout:o+fin*fout+fout]
		D := sh.D[k+1]
		for r := range B {
			for o, v := range D[r*fout : (r+1)*fout] {
				dbk[o] += v
			}
		}
		if k == 0 {
			gemm(blas.Trans, blas.NoTrans, n, fout, B, 1, X, n, D, fout, 1, dWk[:n*fout], fout)
			gemm(blas.Trans, blas.NoTrans, n, fout, B, 1, H, n, D, fout, 1, dWk[n*fout:], fout)
			gemm(blas.NoTrans, blas.Trans, B, n, fout, 1, D, fout, Wk[:n*fout], fout, 1, dX, n)
			gemm(blas.NoTrans, blas.Trans, B, n, fout, 1, D, fout, Wk[n*fout:], fout, 0, dH, n)
			continue
		}
		gemm(blas.Trans, blas.NoTrans, fin, fout, B, 1, c.act[k], fin, D, fout, 1, dWk, fout)
		Dk := sh.D[k]
		gemm(blas.NoTrans, blas.Trans, B, fin, fout, 1, D, fout, Wk, fout, 0, Dk, fin)
		pk := c.pre[k]
		span(len(pk), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if v := pk[i]; v <= 0 {
					Dk[i] *= T(math.Exp(float64(v)))
				}
			}
		})
	}
}

// fusedOp is a gorgonia op of this file: a pure function of inputs of
// fixed shapes to an output of fixed shape, all of element type T,
// written into a buffer the op keeps between runs.
type fusedOp[T dtype.Float] struct {
	name string
	in   []tensor.Shape
	out  tensor.Shape
	fwd  func(out []T, in [][]T)
	// grad, if not nil, makes the op differentiable: it returns one
	// gradient node per input (nil where diff is false).
	grad func(x G.Nodes, y, g *G.Node) (G.Nodes, error)
	diff []bool
	kept *tensor.Dense
	// view, if ≥ 0, makes the op return a view of in[0] from that offset
	// (no copy; sliceOp): the input is a gradient op's own buffer, stable
	// between runs and rewritten by it every run.
	view int
	// buffer, if not nil, returns the buffer the op writes into instead of
	// one of its own (the first evaluation's gradient op: fieldShared.acc).
	buffer func() []T
}

func (op *fusedOp[T]) Arity() int { return len(op.in) }

func (op *fusedOp[T]) Type() hm.Type {
	ts := make([]hm.Type, 0, len(op.in)+1)
	for _, s := range append(slices.Clone(op.in), op.out) {
		ts = append(ts, G.TensorType{Dims: len(s), Of: hm.TypeVariable('a')})
	}
	return hm.NewFnType(ts...)
}

func (op *fusedOp[T]) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != len(op.in) {
		return nil, fmt.Errorf("models/nmf: %s: got %d input shapes, want %d", op.name, len(in), len(op.in))
	}
	for i, ds := range in {
		s, ok := ds.(tensor.Shape)
		if !ok || !slices.Equal(s, op.in[i]) {
			return nil, fmt.Errorf("models/nmf: %s: input %d has shape %v, want %v", op.name, i, ds, op.in[i])
		}
	}
	return op.out.Clone(), nil
}

func (op *fusedOp[T]) Do(in ...G.Value) (G.Value, error) { return op.UsePreallocDo(nil, in...) }

// UsePreallocDo runs the op into its own buffer (see the file comment).
func (op *fusedOp[T]) UsePreallocDo(_ G.Value, in ...G.Value) (G.Value, error) {
	if len(in) != len(op.in) {
		return nil, fmt.Errorf("models/nmf: %s: got %d inputs, want %d", op.name, len(in), len(op.in))
	}
	dt := dtype.Of[T]()
	data := make([][]T, len(in))
	for i, v := range in {
		t, ok := v.(*tensor.Dense)
		if !ok || t.Dtype() != dt || t.RequiresIterator() || t.Shape().TotalSize() != op.in[i].TotalSize() {
			return nil, fmt.Errorf("models/nmf: %s: input %d is not a contiguous %v %v", op.name, i, dt, op.in[i])
		}
		data[i] = t.Data().([]T)[:op.in[i].TotalSize()]
	}
	if op.view >= 0 && op.fwd == nil {
		size := op.out.TotalSize()
		src := data[0][op.view : op.view+size]
		if op.kept == nil || &op.kept.Data().([]T)[0] != &src[0] {
			op.kept = tensor.New(tensor.WithShape(op.out.Clone()...), tensor.WithBacking(src))
		}
		return op.kept, nil
	}
	if op.kept == nil {
		if op.buffer != nil {
			op.kept = tensor.New(tensor.WithShape(op.out.Clone()...), tensor.WithBacking(op.buffer()))
		} else {
			op.kept = tensor.New(tensor.WithShape(op.out.Clone()...), tensor.Of(dt))
		}
	}
	op.fwd(op.kept.Data().([]T), data)
	return op.kept, nil
}

func (op *fusedOp[T]) ReturnsPtr() bool     { return false }
func (op *fusedOp[T]) CallsExtern() bool    { return false }
func (op *fusedOp[T]) OverwritesInput() int { return -1 }

// WriteHash includes the op's address: no two nodes share an op value (a
// forward's cache, a kept buffer), so gorgonia must never merge them.
func (op *fusedOp[T]) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "nmf.%s{in=%v,out=%v,%p}", op.name, op.in, op.out, op)
}

func (op *fusedOp[T]) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func (op *fusedOp[T]) String() string { return op.name }

// DiffWRT says which inputs have a gradient.
func (op *fusedOp[T]) DiffWRT(k int) []bool {
	if op.diff != nil {
		return slices.Clone(op.diff)
	}
	return make([]bool, k)
}

// SymDiff returns the gradient nodes of the inputs, or an error for an op
// that is not differentiable (the gradient ops: no second order).
func (op *fusedOp[T]) SymDiff(in G.Nodes, y, g *G.Node) (G.Nodes, error) {
	if op.grad == nil {
		return nil, fmt.Errorf("models/nmf: %s is not differentiable", op.name)
	}
	return op.grad(in, y, g)
}

var (
	_ G.SDOp            = (*fusedOp[float64])(nil)
	_ G.UsePreallocDoer = (*fusedOp[float64])(nil)
	_ G.SDOp            = (*fusedOp[float32])(nil)
	_ G.UsePreallocDoer = (*fusedOp[float32])(nil)
)

// sliceOp returns the op viewing in[0][lo : lo+size(shape)] (in of length
// m) as a node of the given shape, without a copy.
func sliceOp[T dtype.Float](m, lo int, shape tensor.Shape) *fusedOp[T] {
	return &fusedOp[T]{
		name: fmt.Sprintf("FieldGradSlice[%d:%d]", lo, lo+shape.TotalSize()),
		in:   []tensor.Shape{{m}},
		out:  shape,
		view: lo,
	}
}

// fusedField returns the node GX of the package's field on the batch
// (X, H) with the sources' rows zeroed by notChi, as one op. The
// evaluations of one unroll pass the same shp; the first (*shp nil) builds
// the shared buffer and owns the parameter gradients (see the file
// comment). A nil shp makes a standalone evaluation.
func fusedField[T dtype.Float](net *Net, X, H, notChi *G.Node, shp **fieldShared[T]) (*G.Node, error) {
	if shp == nil {
		var own *fieldShared[T]
		shp = &own
	}
	first := *shp == nil
	if first {
		d := fieldDims{B: net.B, n: net.Cfg.N, sizes: net.Cfg.Sizes(), sign: net.Cfg.EpsSign}
		if s := net.Cfg.Support; s != nil {
			d.sup = &supportE{src: s.Src, dst: s.Dst}
		}
		*shp = newFieldShared[T](d)
	}
	sh := *shp
	d := sh.d
	args := G.Nodes{X, H, notChi, net.W}
	for _, l := range net.Eps.Layers {
		args = append(args, l.W, l.B)
	}
	shapes := make([]tensor.Shape, len(args))
	for i, a := range args {
		shapes[i] = a.Shape().Clone()
	}
	diff := make([]bool, len(args))
	for i := range diff {
		diff[i] = i < 3 || first
	}
	c := newFieldCache[T](d)
	bn := tensor.Shape{d.B, d.n}
	m, ns := d.gradLen(), d.stateLen()
	op := &fusedOp[T]{name: "NMFField", in: shapes, out: bn, diff: diff, view: -1,
		fwd: func(out []T, in [][]T) {
			if first {
				if sh.acc == nil {
					sh.acc = make([]T, m)
				}
				clear(sh.acc[ns:])
			}
			fieldForward(d, c, out, in)
		}}
	op.grad = func(x G.Nodes, y, g *G.Node) (G.Nodes, error) {
		gop := &fusedOp[T]{name: "NMFFieldGrad", in: append(slices.Clone(shapes), bn, bn), out: tensor.Shape{ns}, view: -1,
			fwd: func(out []T, in [][]T) {
				fieldBackward(sh, c, out, sh.acc[ns:], in[:len(shapes)], in[len(shapes)+1])
			}}
		if first {
			// Its output is the shared buffer: the state part written, the
			// parameter part summed over every evaluation.
			gop.out = tensor.Shape{m}
			gop.fwd = func(_ []T, in [][]T) {
				fieldBackward(sh, c, sh.acc[:ns], sh.acc[ns:], in[:len(shapes)], in[len(shapes)+1])
			}
			gop.buffer = func() []T { return sh.acc }
		}
		flat, err := G.ApplyOp(gop, append(slices.Clone(x), y, g)...)
		if err != nil {
			return nil, err
		}
		grads := make(G.Nodes, len(x))
		off := 0
		for i, s := range shapes {
			if diff[i] {
				if grads[i], err = G.ApplyOp(sliceOp[T](gop.out[0], off, s.Clone()), flat); err != nil {
					return nil, err
				}
			}
			off += s.TotalSize()
		}
		return grads, nil
	}
	return G.ApplyOp(op, args...)
}

// newOp returns a fusedOp with its input shapes taken from args.
func newOp[T dtype.Float](name string, out tensor.Shape, fwd func(out []T, in [][]T), args ...*G.Node) *fusedOp[T] {
	shapes := make([]tensor.Shape, len(args))
	for i, a := range args {
		shapes[i] = a.Shape().Clone()
	}
	return &fusedOp[T]{name: name, in: shapes, out: out.Clone(), fwd: fwd, view: -1}
}

// lincomb returns Σ_i c_i·args_i (args of one shape) as one op; its
// gradient is c_i·g for every input (g itself where c_i = 1). The
// coefficients are rounded to T.
func lincomb[T dtype.Float](coef []float64, args ...*G.Node) (*G.Node, error) {
	c := make([]T, len(coef))
	dtype.Convert(c, coef)
	op := newOp(fmt.Sprintf("LinComb%v", coef), args[0].Shape(), func(out []T, in [][]T) {
		span(len(out), func(lo, hi int) {
			o, a := out[lo:hi], in[0][lo:hi]
			for i := range o {
				o[i] = c[0] * a[i]
			}
			for k := 1; k < len(in); k++ {
				a, ck := in[k][lo:hi], c[k]
				for i := range o {
					o[i] += ck * a[i]
				}
			}
		})
	}, args...)
	op.diff = make([]bool, len(args))
	for i := range op.diff {
		op.diff[i] = true
	}
	op.grad = func(x G.Nodes, _, g *G.Node) (G.Nodes, error) {
		gs := make(G.Nodes, len(x))
		for i, ci := range coef {
			if ci == 1 {
				gs[i] = g
				continue
			}
			var err error
			if gs[i], err = lincomb[T]([]float64{ci}, g); err != nil {
				return nil, err
			}
		}
		return gs, nil
	}
	return G.ApplyOp(op, args...)
}

// memoryField returns GH = X⊙b − H⊙c (rows of the B×n X, H times the
// n-vectors b, c) as one op, with its gradients
// ∂X = g⊙b, ∂H = −g⊙c, ∂b = Σ_rows X⊙g, ∂c = −Σ_rows H⊙g.
func memoryField[T dtype.Float](X, H, b, c *G.Node) (*G.Node, error) {
	n := b.Shape().TotalSize()
	op := newOp("NMFMemory", X.Shape(), func(out []T, in [][]T) {
		x, h, b, c := in[0], in[1], in[2], in[3]
		span(len(out)/n, func(lo, hi int) {
			for r := lo * n; r < hi*n; r += n {
				for j := range n {
					out[r+j] = x[r+j]*b[j] - h[r+j]*c[j]
				}
			}
		})
	}, X, H, b, c)
	op.diff = []bool{true, true, true, true}
	op.grad = func(x G.Nodes, _, g *G.Node) (G.Nodes, error) {
		rowScale := func(name string, s T, v *G.Node) (*G.Node, error) {
			return G.ApplyOp(newOp(name, X.Shape(), func(out []T, in [][]T) {
				g, v := in[0], in[1]
				span(len(out)/n, func(lo, hi int) {
					for r := lo * n; r < hi*n; r += n {
						for j := range n {
							out[r+j] = s * g[r+j] * v[j]
						}
					}
				})
			}, g, v), g, v)
		}
		colDot := func(name string, s T, m *G.Node) (*G.Node, error) {
			return G.ApplyOp(newOp(name, tensor.Shape{n}, func(out []T, in [][]T) {
				g, m := in[0], in[1]
				clear(out)
				for r := 0; r < len(g); r += n {
					for j := range n {
						out[j] += m[r+j] * g[r+j]
					}
				}
				if s != 1 {
					for j := range out {
						out[j] *= s
					}
				}
			}, g, m), g, m)
		}
		gs := make(G.Nodes, 4)
		var err error
		if gs[0], err = rowScale("NMFMemoryDiffX", 1, x[2]); err != nil {
			return nil, err
		}
		if gs[1], err = rowScale("NMFMemoryDiffH", -1, x[3]); err != nil {
			return nil, err
		}
		if gs[2], err = colDot("NMFMemoryDiffB", 1, x[0]); err != nil {
			return nil, err
		}
		if gs[3], err = colDot("NMFMemoryDiffC", -1, x[1]); err != nil {
			return nil, err
		}
		return gs, nil
	}
	return G.ApplyOp(op, X, H, b, c)
}

// project returns clamp01(V)⊙notChi + chi as one op, with the gradients
// of the reference graph's (relu(V) − relu(V − 1))⊙notChi + chi:
// ∂V = g⊙notChi⊙[0 < V ≤ 1], ∂notChi = clamp01(V)⊙g, ∂chi = g (the last
// two matter when the sources are differentiated, as in Influence).
func project[T dtype.Float](V, notChi, chi *G.Node) (*G.Node, error) {
	op := newOp("NMFProject", V.Shape(), func(out []T, in [][]T) {
		v, nc, c := in[0], in[1], in[2]
		span(len(v), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				out[i] = min(max(v[i], 0), 1)*nc[i] + c[i]
			}
		})
	}, V, notChi, chi)
	op.diff = []bool{true, true, true}
	op.grad = func(x G.Nodes, _, g *G.Node) (G.Nodes, error) {
		dv, err := G.ApplyOp(newOp("NMFProjectDiffV", V.Shape(), func(out []T, in [][]T) {
			g, v, nc := in[0], in[1], in[2]
			span(len(v), func(lo, hi int) {
				for i := lo; i < hi; i++ {
					out[i] = 0
					if x := v[i]; x > 0 && x <= 1 {
						out[i] = g[i] * nc[i]
					}
				}
			})
		}, g, x[0], x[1]), g, x[0], x[1])
		if err != nil {
			return nil, err
		}
		dnc, err := G.ApplyOp(newOp("NMFProjectDiffNotChi", V.Shape(), func(out []T, in [][]T) {
			g, v := in[0], in[1]
			span(len(v), func(lo, hi int) {
				for i := lo; i < hi; i++ {
					out[i] = min(max(v[i], 0), 1) * g[i]
				}
			})
		}, g, x[0]), g, x[0])
		return G.Nodes{dv, dnc, g}, err
	}
	return G.ApplyOp(op, V, notChi, chi)
}
