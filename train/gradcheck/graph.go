package gradcheck

import (
	"errors"
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/train"
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
	obj, err := compiled.FromNodes(p.Build, &compiled.Options{Name: "gradcheck: CheckGraph"})
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	fields := obj.Params()
	x0 := obj.X()
	defer obj.SetX(x0) // leave the inputs bound to their original values
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	var ref [][]float64
	if p.Reference != nil {
		ref = make([][]float64, len(fields))
		xs := make([][]float64, len(fields))
		for i, f := range fields {
			ref[i] = make([]float64, f.Size)
			xs[i] = slices.Clone(x0[f.Offset : f.Offset+f.Size])
		}
		if err := p.Reference(ref, xs); err != nil {
			return nil, fmt.Errorf("gradcheck: CheckGraph: reference: %w", err)
		}
		for i, f := range fields {
			if len(ref[i]) != f.Size {
				return nil, fmt.Errorf("gradcheck: CheckGraph: reference gradient of %s has %d values, input has %d", f.Name, len(ref[i]), f.Size)
			}
		}
	}
	return checkObjective(obj, x0, fields, names, ref, set)
}

// CheckObjective compares the gradient that obj.Eval writes at x (autodiff,
// a hand-written adjoint, any train.Objective) with the central-difference
// gradient of obj.Eval's value, and, if ref is not nil, with ref (a
// reference gradient at x, len(x)). x is not modified. The Report has one
// entry per component of x (Entry.Input = 0). It returns an error if x is
// empty, ref has the wrong length, s is invalid, or an evaluation fails
// (including a non-finite value).
func CheckObjective(obj train.Objective, x, ref []float64, s *Settings) (*Report, error) {
	set, err := resolve(s)
	if err != nil {
		return nil, err
	}
	if obj == nil || len(x) == 0 {
		return nil, errors.New("gradcheck: CheckObjective: nil objective or empty x")
	}
	var refs [][]float64
	if ref != nil {
		if len(ref) != len(x) {
			return nil, fmt.Errorf("gradcheck: CheckObjective: len(ref) = %d, len(x) = %d", len(ref), len(x))
		}
		refs = [][]float64{ref}
	}
	return checkObjective(obj, x, []compiled.Field{{Size: len(x)}}, nil, refs, set)
}

// checkObjective is the shared check: autodiff at x, then one central
// difference per component, each field of x reported as its own input.
func checkObjective(obj train.Objective, x []float64, fields []compiled.Field, names []string, ref [][]float64, set Settings) (*Report, error) {
	xc := slices.Clone(x)
	ad := make([]float64, len(x))
	if _, err := obj.Eval(xc, ad); err != nil {
		return nil, fmt.Errorf("gradcheck: %w", err)
	}
	var evalErr error
	scratch := make([]float64, len(x))
	f := func(y []float64) float64 {
		v, err := obj.Eval(y, scratch)
		if err != nil && evalErr == nil {
			evalErr = err
		}
		return v
	}
	c := newCollector(set, names)
	buf := make([]float64, len(x))
	for i, fd := range fields {
		for j := range fd.Size {
			k := fd.Offset + j
			num := central(f, x, buf, k, set.Step)
			if evalErr != nil {
				return nil, fmt.Errorf("gradcheck: %w", evalErr)
			}
			r := 0.0
			if ref != nil {
				r = ref[i][j]
			}
			c.add(i, j, ad[k], num, r, true, ref != nil)
		}
	}
	return c.report(), nil
}
