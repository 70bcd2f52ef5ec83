package gradcheck

import (
	"errors"
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// GraphProblem is a scalar gorgonia cost whose TapeMachine gradients are
// checked.
type GraphProblem struct {
	// Build adds a scalar float64 cost to g and returns it together with the
	// input nodes whose gradients are checked (wrt). Each wrt node must be a
	// distinct input node (G.NewScalar, G.NewVector, G.NewMatrix, ...) with a
	// unique name and a float64 value bound (G.WithValue). Other inputs may
	// be present; they are held fixed. Build is called once.
	Build func(g *G.ExprGraph) (cost *G.Node, wrt G.Nodes, err error)

	// Reference, if not nil, computes a reference gradient (for example a
	// hand-written adjoint) that autodiff is also compared with: it must fill
	// dst[i] with ∂cost/∂wrt[i] at the values x[i], both flattened in
	// row-major order with len(dst[i]) = len(x[i]) = wrt[i]'s size. It must
	// not keep or modify x.
	Reference func(dst, x [][]float64) error
}

// CheckGraph builds p's graph once, differentiates it with G.Grad, compiles
// one TapeMachine and runs it once to read the analytic gradients of every
// wrt input (through G.Read, which copies them, before any probe). It then
// computes the central-difference gradient by rebinding each input with
// G.Let to a fresh copy of the original values with one component moved by
// ±Step and rerunning the same machine (Reset, RunAll); it reads only the cost
// (also through G.Read), never intermediate nodes. If p.Reference is set,
// autodiff is also compared with it. On return the wrt inputs are bound to
// their original values again.
//
// The Report has one entry per component of each wrt input; Entry.Input is
// the input's position in wrt and Report.Inputs holds their names. CheckGraph
// returns an error if Build fails, the cost is not a float64 scalar, a wrt
// node is not a float64 input with a value, differentiation or compilation
// fails, a run fails, or Reference fails.
func CheckGraph(p GraphProblem, s *Settings) (*Report, error) {
	set, err := resolve(s)
	if err != nil {
		return nil, err
	}
	if p.Build == nil {
		return nil, errors.New("gradcheck: CheckGraph: nil Build")
	}
	g := G.NewGraph()
	cost, wrt, err := p.Build(g)
	if err != nil {
		return nil, fmt.Errorf("gradcheck: CheckGraph: build: %w", err)
	}
	if cost == nil || !cost.IsScalar() || cost.Dtype() != tensor.Float64 {
		return nil, fmt.Errorf("gradcheck: CheckGraph: cost %v must be a float64 scalar", cost)
	}
	if len(wrt) == 0 {
		return nil, errors.New("gradcheck: CheckGraph: no wrt nodes")
	}

	// Copy the input values before anything runs, and keep the originals to
	// rebind at the end.
	names := make([]string, len(wrt))
	orig := make([]G.Value, len(wrt))
	x0 := make([][]float64, len(wrt))
	size := 0
	for i, n := range wrt {
		if n == nil {
			return nil, fmt.Errorf("gradcheck: CheckGraph: wrt[%d] is nil", i)
		}
		for j := range i {
			if wrt[j] == n {
				return nil, fmt.Errorf("gradcheck: CheckGraph: wrt[%d] and wrt[%d] are the same node %v", j, i, n.Name())
			}
		}
		names[i] = n.Name()
		if !n.IsVar() {
			return nil, fmt.Errorf("gradcheck: CheckGraph: wrt[%d] (%s) is not an input node", i, names[i])
		}
		orig[i] = n.Value()
		if orig[i] == nil {
			return nil, fmt.Errorf("gradcheck: CheckGraph: wrt[%d] (%s) has no value bound", i, names[i])
		}
		if x0[i], err = floats(orig[i]); err != nil {
			return nil, fmt.Errorf("gradcheck: CheckGraph: wrt[%d] (%s): %w", i, names[i], err)
		}
		size += len(x0[i])
	}

	grads, err := G.Grad(cost, wrt...)
	if err != nil {
		return nil, fmt.Errorf("gradcheck: CheckGraph: G.Grad: %w", err)
	}
	var costVal G.Value
	G.Read(cost, &costVal)
	gradVals := make([]G.Value, len(grads))
	for i, gn := range grads {
		G.Read(gn, &gradVals[i])
	}
	prog, locMap, err := G.Compile(g)
	if err != nil {
		return nil, fmt.Errorf("gradcheck: CheckGraph: compile: %w", err)
	}
	m := G.NewTapeMachine(g, G.WithPrecompiled(prog, locMap))
	defer m.Close()
	defer func() {
		for i, n := range wrt {
			_ = G.Let(n, orig[i]) // same shape and dtype as before: cannot fail
		}
	}()

	// eval binds fresh copies of x (all inputs flattened) and returns the cost.
	var runErr error
	eval := func(x []float64) float64 {
		off := 0
		for i, n := range wrt {
			v := fresh(orig[i], x[off:off+len(x0[i])])
			off += len(x0[i])
			if err := G.Let(n, v); err != nil {
				runErr = fmt.Errorf("gradcheck: CheckGraph: Let %s: %w", names[i], err)
				return math.NaN()
			}
		}
		m.Reset()
		if err := m.RunAll(); err != nil {
			runErr = fmt.Errorf("gradcheck: CheckGraph: run: %w", err)
			return math.NaN()
		}
		c, err := scalar(costVal)
		if err != nil {
			runErr = fmt.Errorf("gradcheck: CheckGraph: cost: %w", err)
			return math.NaN()
		}
		return c
	}

	flat := make([]float64, 0, size)
	for _, x := range x0 {
		flat = append(flat, x...)
	}
	eval(flat)
	if runErr != nil {
		return nil, runErr
	}
	ad := make([][]float64, len(wrt))
	for i := range wrt {
		if ad[i], err = floats(gradVals[i]); err != nil {
			return nil, fmt.Errorf("gradcheck: CheckGraph: gradient of %s: %w", names[i], err)
		}
		if len(ad[i]) != len(x0[i]) {
			return nil, fmt.Errorf("gradcheck: CheckGraph: gradient of %s has %d values, input has %d", names[i], len(ad[i]), len(x0[i]))
		}
	}

	var ref [][]float64
	if p.Reference != nil {
		ref = make([][]float64, len(wrt))
		xs := make([][]float64, len(wrt))
		for i := range wrt {
			ref[i] = make([]float64, len(x0[i]))
			xs[i] = append([]float64(nil), x0[i]...)
		}
		if err := p.Reference(ref, xs); err != nil {
			return nil, fmt.Errorf("gradcheck: CheckGraph: reference: %w", err)
		}
		for i := range ref {
			if len(ref[i]) != len(x0[i]) {
				return nil, fmt.Errorf("gradcheck: CheckGraph: reference gradient of %s has %d values, input has %d", names[i], len(ref[i]), len(x0[i]))
			}
		}
	}

	c := newCollector(set, names)
	buf := make([]float64, size)
	off := 0
	for i := range wrt {
		for j := range x0[i] {
			num := central(eval, flat, buf, off+j, set.Step)
			if runErr != nil {
				return nil, runErr
			}
			r := 0.0
			if ref != nil {
				r = ref[i][j]
			}
			c.add(i, j, ad[i][j], num, r, true, ref != nil)
		}
		off += len(x0[i])
	}
	return c.report(), nil
}

// floats returns a copy of the elements of a float64 value.
func floats(v G.Value) ([]float64, error) {
	if v.Dtype() != tensor.Float64 {
		return nil, fmt.Errorf("dtype %v, want float64", v.Dtype())
	}
	if d, ok := v.(*tensor.Dense); ok && d.RequiresIterator() {
		return nil, errors.New("value is a non-contiguous view")
	}
	switch x := v.Data().(type) {
	case float64:
		return []float64{x}, nil
	case []float64:
		if len(x) < v.Size() {
			return nil, fmt.Errorf("value has %d elements, shape %v", len(x), v.Shape())
		}
		return append([]float64(nil), x[:v.Size()]...), nil
	default:
		return nil, fmt.Errorf("unsupported value %T", v)
	}
}

// scalar returns the single element of a float64 value.
func scalar(v G.Value) (float64, error) {
	if v == nil {
		return 0, errors.New("no value")
	}
	x, err := floats(v)
	if err != nil {
		return 0, err
	}
	if len(x) != 1 {
		return 0, fmt.Errorf("value has %d elements, want 1", len(x))
	}
	return x[0], nil
}

// fresh returns a new value shaped like like holding a copy of x.
func fresh(like G.Value, x []float64) G.Value {
	if _, ok := like.(*tensor.Dense); ok {
		return tensor.New(tensor.WithShape(like.Shape().Clone()...), tensor.WithBacking(append([]float64(nil), x...)))
	}
	return G.NewF64(x[0])
}
