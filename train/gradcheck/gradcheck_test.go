package gradcheck_test

// Every test binary that imports gorgonia panics at init unless go.mod pins
// go4.org/unsafe/assume-no-moving-gc (see models/ad/doc.go); these tests
// therefore also guard the pin.

import (
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"math"
	"strings"
	"testing"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/train/gradcheck"
)

// analytic functions with their exact gradients.
var funcTests = []struct {
	name string
	f    func(x []float64) float64
	grad func(dst, x []float64) []float64
	x    []float64
}{
	{
		// Rosenbrock, gradient from its definition (gonum optimize/functions).
		name: "rosenbrock",
		f: func(x []float64) float64 {
			var s float64
			for i := 0; i < len(x)-1; i++ {
				a, b := 1-x[i], x[i+1]-x[i]*x[i]
				s += a*a + 100*b*b
			}
			return s
		},
		grad: func(dst, x []float64) []float64 {
			clear(dst)
			for i := 0; i < len(x)-1; i++ {
				b := x[i+1] - x[i]*x[i]
				dst[i] += -2*(1-x[i]) - 400*x[i]*b
				dst[i+1] += 200 * b
			}
			return dst
		},
		x: []float64{-1.2, 1, 0.3, 0.8},
	},
	{
		// log-sum-exp: the gradient is the softmax.
		name: "logsumexp",
		f: func(x []float64) float64 {
			var s float64
			for _, v := range x {
				s += math.Exp(v)
			}
			return math.Log(s)
		},
		grad: func(dst, x []float64) []float64 {
			var s float64
			for _, v := range x {
				s += math.Exp(v)
			}
			for i, v := range x {
				dst[i] = math.Exp(v) / s
			}
			return dst
		},
		x: []float64{0.1, -2, 1.5, 0},
	},
	{
		// Product of sines, ∂/∂x_i = cos(x_i)·Π_{j≠i} sin(x_j); includes a zero
		// gradient component (x_1 = π/2).
		name: "sinprod",
		f: func(x []float64) float64 {
			p := 1.0
			for _, v := range x {
				p *= math.Sin(v)
			}
			return p
		},
		grad: func(dst, x []float64) []float64 {
			for i := range x {
				p := math.Cos(x[i])
				for j, v := range x {
					if j != i {
						p *= math.Sin(v)
					}
				}
				dst[i] = p
			}
			return dst
		},
		x: []float64{0.7, math.Pi / 2, 2.1},
	},
}

func TestCheckAnalytic(t *testing.T) {
	for _, test := range funcTests {
		x := append([]float64(nil), test.x...)
		r, err := gradcheck.Check(test.f, test.grad, x, nil)
		if err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
		if !r.Pass || r.N != len(x) || r.Failed != 0 {
			t.Errorf("%s: want pass on %d entries, got\n%v", test.name, len(x), r)
		}
		// (MaxRelErr is 1 for sinprod: its exact zero component has a
		// numerical value of ~1e-11, well within AbsTol.)
		if r.MaxAbsErr > 1e-7 {
			t.Errorf("%s: max abs err %g, want ≤ 1e-7", test.name, r.MaxAbsErr)
		}
		for i := range x {
			if x[i] != test.x[i] {
				t.Errorf("%s: x modified", test.name)
			}
		}
	}
}

// TestCheckNegative is the negative control of the function-based checker:
// gradients that are wrong by a factor, a sign, or a small relative error
// must fail, with the wrong component reported first.
func TestCheckNegative(t *testing.T) {
	ros := funcTests[0]
	for _, test := range []struct {
		name  string
		bad   int     // component made wrong
		scale float64 // multiplies that component
	}{
		{"factor 2", 1, 2},
		{"sign", 0, -1},
		{"1e-4 relative", 2, 1 + 1e-4},
	} {
		grad := func(dst, x []float64) []float64 {
			ros.grad(dst, x)
			dst[test.bad] *= test.scale
			return dst
		}
		r, err := gradcheck.Check(ros.f, grad, ros.x, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Pass || r.Failed != 1 {
			t.Errorf("%s: want 1 failure, got\n%v", test.name, r)
			continue
		}
		if w := r.Worst[0]; w.Index != test.bad || w.Score <= 1 {
			t.Errorf("%s: worst entry %+v, want index %d", test.name, w, test.bad)
		}
		if !strings.Contains(r.String(), "FAIL") {
			t.Errorf("%s: String does not say FAIL:\n%v", test.name, r)
		}
	}

	// A NaN gradient or a NaN function value fails too.
	nanGrad := func(dst, x []float64) []float64 {
		ros.grad(dst, x)
		dst[0] = math.NaN()
		return dst
	}
	if r, err := gradcheck.Check(ros.f, nanGrad, ros.x, nil); err != nil || r.Pass || !math.IsInf(r.Worst[0].Score, 1) {
		t.Errorf("NaN gradient: err %v, report\n%v", err, r)
	}
	nanF := func(x []float64) float64 { return math.NaN() }
	if r, err := gradcheck.Check(nanF, ros.grad, ros.x, nil); err != nil || r.Pass || r.Failed != len(ros.x) {
		t.Errorf("NaN f: err %v, report\n%v", err, r)
	}
}

// TestCheckCopiesX checks that f and grad get copies: functions that
// scribble over their argument still give the right answer and leave x alone.
func TestCheckCopiesX(t *testing.T) {
	lse := funcTests[1]
	f := func(x []float64) float64 {
		v := lse.f(x)
		for i := range x {
			x[i] = 1e3
		}
		return v
	}
	grad := func(dst, x []float64) []float64 {
		lse.grad(dst, x)
		x[0] = -7
		return dst
	}
	x := append([]float64(nil), lse.x...)
	r, err := gradcheck.Check(f, grad, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Pass {
		t.Errorf("want pass, got\n%v", r)
	}
	for i := range x {
		if x[i] != lse.x[i] {
			t.Fatalf("x modified: %v", x)
		}
	}
}

func TestGradient(t *testing.T) {
	// f(x) = x0²·x1 + x1³, ∇f = (2 x0 x1, x0² + 3 x1²).
	f := func(x []float64) float64 { return x[0]*x[0]*x[1] + x[1]*x[1]*x[1] }
	x := []float64{1.5, -0.5}
	got := gradcheck.Gradient(nil, f, x, nil)
	want := []float64{2 * 1.5 * -0.5, 1.5*1.5 + 3*0.25}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-8 {
			t.Errorf("Gradient[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	dst := make([]float64, 2)
	if g := gradcheck.Gradient(dst, f, x, &gradcheck.Settings{Step: 1e-4}); &g[0] != &dst[0] {
		t.Error("Gradient did not return dst")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Gradient with a short dst did not panic")
			}
		}()
		gradcheck.Gradient(make([]float64, 1), f, x, nil)
	}()
}

func TestCompareReference(t *testing.T) {
	for _, test := range []struct {
		name   string
		a, b   []float64
		s      *gradcheck.Settings
		pass   bool
		failed int
	}{
		{"equal", []float64{1, -2, 0}, []float64{1, -2, 0}, nil, true, 0},
		{"within rel", []float64{1e6, 1}, []float64{1e6 + 0.5, 1}, nil, true, 0},
		{"within abs", []float64{0, 1e-9}, []float64{5e-9, 0}, nil, true, 0},
		{"outside", []float64{1, 2, 3}, []float64{1, 2.001, 3.5}, nil, false, 2},
		{"tight tol", []float64{1}, []float64{1 + 1e-12}, &gradcheck.Settings{RelTol: 1e-14, AbsTol: 1e-300}, false, 1},
		{"nan", []float64{math.NaN()}, []float64{math.NaN()}, nil, false, 1},
	} {
		r, err := gradcheck.CompareReference(test.a, test.b, test.s)
		if err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
		if r.Pass != test.pass || r.Failed != test.failed {
			t.Errorf("%s: pass %v failed %d, want %v %d\n%v", test.name, r.Pass, r.Failed, test.pass, test.failed, r)
		}
	}
	if _, err := gradcheck.CompareReference([]float64{1}, []float64{1, 2}, nil); err == nil {
		t.Error("length mismatch: no error")
	}
}

func TestReportWorst(t *testing.T) {
	// Errors 0, 1e-3, 5e-3, 2e-3, 4e-3, 3e-3 relative to b = 1: the three
	// worst are entries 2, 4, 5 in that order.
	a := []float64{1, 1.001, 1.005, 1.002, 1.004, 1.003}
	b := []float64{1, 1, 1, 1, 1, 1}
	r, err := gradcheck.CompareReference(a, b, &gradcheck.Settings{Worst: 3})
	if err != nil {
		t.Fatal(err)
	}
	var idx []int
	for _, e := range r.Worst {
		idx = append(idx, e.Index)
	}
	if fmt.Sprint(idx) != "[2 4 5]" {
		t.Errorf("worst indices %v, want [2 4 5]", idx)
	}
	if r.Failed != 5 || math.Abs(r.MaxAbsErr-0.005) > 1e-12 || math.Abs(r.MaxRelErr-0.005/1.005) > 1e-12 {
		t.Errorf("report %+v", r)
	}
	s := r.String()
	for _, want := range []string{"FAIL: 5 of 6", "autodiff", "reference", "1.005000e+00"} {
		if !strings.Contains(s, want) {
			t.Errorf("String lacks %q:\n%s", want, s)
		}
	}
}

func TestSettingsErrors(t *testing.T) {
	f := funcTests[0].f
	grad := funcTests[0].grad
	x := funcTests[0].x
	for _, test := range []struct {
		name string
		f    func([]float64) float64
		grad func(dst, x []float64) []float64
		x    []float64
		s    *gradcheck.Settings
	}{
		{"negative step", f, grad, x, &gradcheck.Settings{Step: -1}},
		{"nan reltol", f, grad, x, &gradcheck.Settings{RelTol: math.NaN()}},
		{"negative worst", f, grad, x, &gradcheck.Settings{Worst: -1}},
		{"nil f", nil, grad, x, nil},
		{"nil grad", f, nil, x, nil},
		{"empty x", f, grad, nil, nil},
		{"short grad", f, func(dst, x []float64) []float64 { return dst[:1] }, x, nil},
	} {
		if _, err := gradcheck.Check(test.f, test.grad, test.x, test.s); err == nil || !strings.HasPrefix(err.Error(), "gradcheck: ") {
			t.Errorf("%s: err = %v, want a gradcheck error", test.name, err)
		}
	}
}

// graph problems: cost builders over named inputs with hand-derived gradients.

func vec(g *G.ExprGraph, name string, x ...float64) *G.Node {
	return G.NewVector(g, tensor.Float64, G.WithName(name), G.WithShape(len(x)),
		G.WithValue(tensor.New(tensor.WithShape(len(x)), tensor.WithBacking(append([]float64(nil), x...)))))
}

// quadExp is cost = Σ w⊙x⊙x + Σ exp(x)·s + s² with x a vector, w a fixed
// vector, s a scalar; ∂x = 2 w⊙x + s·exp(x), ∂s = Σ exp(x) + 2s.
var (
	qeX = []float64{0.3, -0.8, 1.1}
	qeW = []float64{2, 0.5, -1}
	qeS = 0.7
)

func quadExp(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
	x := vec(g, "x", qeX...)
	w := vec(g, "w", qeW...)
	s := G.NewScalar(g, tensor.Float64, G.WithName("s"), G.WithValue(qeS))
	wxx := G.Must(G.HadamardProd(w, G.Must(G.HadamardProd(x, x))))
	ex := G.Must(G.Mul(G.Must(G.Sum(G.Must(G.Exp(x)))), s))
	cost := G.Must(G.Add(G.Must(G.Add(G.Must(G.Sum(wxx)), ex)), G.Must(G.Square(s))))
	return cost, G.Nodes{x, s}, nil
}

func quadExpRef(dst, x [][]float64) error {
	var sumExp float64
	s := x[1][0]
	for i, v := range x[0] {
		dst[0][i] = 2*qeW[i]*v + s*math.Exp(v)
		sumExp += math.Exp(v)
	}
	dst[1][0] = sumExp + 2*s
	return nil
}

func TestCheckGraph(t *testing.T) {
	r, err := gradcheck.CheckGraph(gradcheck.GraphProblem{Build: quadExp, Reference: quadExpRef}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Pass || r.N != 4 || len(r.Inputs) != 2 || r.Inputs[0] != "x" || r.Inputs[1] != "s" {
		t.Errorf("want pass on 4 entries of x and s, got\n%v", r)
	}
	if r.MaxRelErr > 1e-8 {
		t.Errorf("max rel err %g", r.MaxRelErr)
	}

	// A matrix input: cost = Σ (A×v)² with A 2×3; ∂A = 2 (A v) vᵀ.
	a := []float64{1, 2, 3, -1, 0.5, 0}
	v := []float64{0.2, -0.4, 0.9}
	build := func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
		A := G.NewMatrix(g, tensor.Float64, G.WithName("A"), G.WithShape(2, 3),
			G.WithValue(tensor.New(tensor.WithShape(2, 3), tensor.WithBacking(append([]float64(nil), a...)))))
		vn := vec(g, "v", v...)
		av, err := G.Mul(A, vn)
		if err != nil {
			return nil, nil, err
		}
		return G.Must(G.Sum(G.Must(G.Square(av)))), G.Nodes{A, vn}, nil
	}
	ref := func(dst, x [][]float64) error {
		A, v := x[0], x[1]
		clear(dst[1])
		for i := range 2 {
			var av float64
			for j := range 3 {
				av += A[3*i+j] * v[j]
			}
			for j := range 3 {
				dst[0][3*i+j] = 2 * av * v[j]
				dst[1][j] += 2 * av * A[3*i+j]
			}
		}
		return nil
	}
	r, err = gradcheck.CheckGraph(gradcheck.GraphProblem{Build: build, Reference: ref}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Pass || r.N != 9 {
		t.Errorf("matrix: want pass on 9 entries, got\n%v", r)
	}
}

// TestCheckGraphRestoresInputs checks that CheckGraph leaves the wrt inputs
// bound to their original values and does not write into them.
func TestCheckGraphRestoresInputs(t *testing.T) {
	var x *G.Node
	var orig G.Value
	build := func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
		cost, wrt, err := quadExp(g)
		x, orig = wrt[0], wrt[0].Value()
		return cost, wrt, err
	}
	if _, err := gradcheck.CheckGraph(gradcheck.GraphProblem{Build: build}, nil); err != nil {
		t.Fatal(err)
	}
	if x.Value() != orig {
		t.Error("x not rebound to its original value")
	}
	if got := orig.Data().([]float64); fmt.Sprint(got) != fmt.Sprint(qeX) {
		t.Errorf("original value modified: %v", got)
	}
}

// TestCheckGraphNegative is the negative control of the graph checker: an
// op whose SymDiff is off by a factor 2, and a wrong reference, must fail.
func TestCheckGraphNegative(t *testing.T) {
	build := func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
		x := vec(g, "x", 0.5, -1, 2)
		y, err := G.ApplyOp(badIdentity{}, x)
		if err != nil {
			return nil, nil, err
		}
		return G.Must(G.Sum(G.Must(G.Square(y)))), G.Nodes{x}, nil
	}
	r, err := gradcheck.CheckGraph(gradcheck.GraphProblem{Build: build}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%v", r)
	if r.Pass || r.Failed != 3 {
		t.Errorf("bad SymDiff: want 3 failures, got\n%v", r)
	}
	// The analytic gradient is 2·(2x), the numeric one 2x.
	if w := r.Worst[0]; math.Abs(w.Autodiff-2*w.Numeric) > 1e-6 {
		t.Errorf("worst entry %+v, want autodiff = 2·numeric", w)
	}

	wrongRef := func(dst, x [][]float64) error {
		quadExpRef(dst, x)
		dst[0][2] += 1e-3
		return nil
	}
	r, err = gradcheck.CheckGraph(gradcheck.GraphProblem{Build: quadExp, Reference: wrongRef}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Pass || r.Failed != 1 || r.Worst[0].Input != 0 || r.Worst[0].Index != 2 {
		t.Errorf("wrong reference: want x[2] to fail, got\n%v", r)
	}
}

func TestCheckGraphErrors(t *testing.T) {
	errBuild := errors.New("boom")
	for _, test := range []struct {
		name  string
		build func(g *G.ExprGraph) (*G.Node, G.Nodes, error)
		ref   func(dst, x [][]float64) error
	}{
		{"nil build", nil, nil},
		{"build error", func(g *G.ExprGraph) (*G.Node, G.Nodes, error) { return nil, nil, errBuild }, nil},
		{"vector cost", func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			x := vec(g, "x", 1, 2)
			return G.Must(G.Exp(x)), G.Nodes{x}, nil
		}, nil},
		{"no wrt", func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			x := vec(g, "x", 1, 2)
			return G.Must(G.Sum(x)), nil, nil
		}, nil},
		{"no value", func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			x := G.NewVector(g, tensor.Float64, G.WithName("x"), G.WithShape(2))
			return G.Must(G.Sum(x)), G.Nodes{x}, nil
		}, nil},
		{"duplicate wrt", func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			x := vec(g, "x", 1, 2)
			return G.Must(G.Sum(x)), G.Nodes{x, x}, nil
		}, nil},
		{"float32", func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			x := G.NewVector(g, tensor.Float32, G.WithName("x"), G.WithShape(2),
				G.WithValue(tensor.New(tensor.WithBacking([]float32{1, 2}))))
			return G.Must(G.Sum(x)), G.Nodes{x}, nil
		}, nil},
		{"not an input", func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			x := vec(g, "x", 1, 2)
			e := G.Must(G.Exp(x))
			return G.Must(G.Sum(e)), G.Nodes{e}, nil
		}, nil},
		{"reference error", quadExp, func(dst, x [][]float64) error { return errBuild }},
	} {
		_, err := gradcheck.CheckGraph(gradcheck.GraphProblem{Build: test.build, Reference: test.ref}, nil)
		t.Logf("%s: %v", test.name, err)
		if err == nil || !strings.HasPrefix(err.Error(), "gradcheck: ") {
			t.Errorf("%s: err = %v, want a gradcheck error", test.name, err)
		}
	}
}

// badIdentity is y = x with a deliberately wrong gradient 2·g.
type badIdentity struct{}

func (badIdentity) Arity() int { return 1 }
func (badIdentity) Type() hm.Type {
	a := G.TensorType{Dims: 1, Of: hm.TypeVariable('a')}
	return hm.NewFnType(a, a)
}
func (badIdentity) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (badIdentity) Do(in ...G.Value) (G.Value, error) {
	return in[0].(*tensor.Dense).Clone().(*tensor.Dense), nil
}
func (badIdentity) ReturnsPtr() bool         { return false }
func (badIdentity) CallsExtern() bool        { return false }
func (badIdentity) OverwritesInput() int     { return -1 }
func (op badIdentity) WriteHash(h hash.Hash) { fmt.Fprint(h, "badIdentity") }
func (op badIdentity) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}
func (badIdentity) String() string       { return "badIdentity" }
func (badIdentity) DiffWRT(k int) []bool { return []bool{true} }
func (badIdentity) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	two := G.NewConstant(2.0)
	d, err := G.Mul(grad, two)
	return G.Nodes{d}, err
}
