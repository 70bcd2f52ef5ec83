package compiled_test

import (
	"math"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/internal/dtype"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/train/gradcheck"
)

// weighted builds f(w, b) = Σ_i d_i·tanh(w_i·x_i + b) with parameters w
// (len 3) and b (len 1) and data x, d; "act" is an extra output.
func weighted(d *compiled.Def) (*G.Node, error) {
	w := d.Param("w", []int{3}, []float64{0.5, -1, 2})
	b := d.Param("b", []int{1}, []float64{0.1})
	x := d.Input("x", []int{3}, []float64{1, 2, 3})
	dw := d.Input("d", []int{3}, []float64{1, 1, 1})
	bb := G.Must(G.Mul(G.Must(G.Sum(b)), G.NewConstant(dtype.Scalar(d.Dtype(), 1))))
	act := G.Must(G.Tanh(G.Must(G.Add(G.Must(G.HadamardProd(w, x)), bb))))
	d.Output("act", act)
	return G.Mul(dw, act)
}

// ref computes f and ∇f of weighted by hand.
func ref(w []float64, b float64, x, dw []float64) (f float64, gw []float64, gb float64) {
	gw = make([]float64, 3)
	for i := range w {
		a := math.Tanh(w[i]*x[i] + b)
		f += dw[i] * a
		s := dw[i] * (1 - a*a)
		gw[i] = s * x[i]
		gb += s
	}
	return f, gw, gb
}

// TestObjective checks Eval against the hand-written gradient (1e-12),
// the layout of x, rebinding data through Data without rebuilding, the
// extra output, and the gradient check of the train.Objective form.
func TestObjective(t *testing.T) {
	obj, err := compiled.New(weighted, &compiled.Options{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	if obj.NumParams() != 4 {
		t.Fatalf("NumParams = %d", obj.NumParams())
	}
	fs := obj.Params()
	if len(fs) != 2 || fs[0].Name != "w" || fs[1].Name != "b" || fs[1].Offset != 3 {
		t.Fatalf("Params = %+v", fs)
	}
	if x0 := obj.X(); x0[0] != 0.5 || x0[3] != 0.1 {
		t.Fatalf("X = %v", x0)
	}
	x := []float64{0.3, -0.7, 0.2, -0.4}
	data := []float64{1, -2, 0.5}
	for pass := range 2 {
		if pass == 1 {
			copy(obj.Data("x"), data) // rebind, rerun the same program
			copy(obj.Data("d"), []float64{2, 1, -1})
		}
		xs, ds := []float64{1, 2, 3}, []float64{1, 1, 1}
		if pass == 1 {
			xs, ds = data, []float64{2, 1, -1}
		}
		grad := make([]float64, 4)
		f, err := obj.Eval(x, grad)
		if err != nil {
			t.Fatal(err)
		}
		wf, gw, gb := ref(x[:3], x[3], xs, ds)
		if math.Abs(f-wf) > 1e-12 || math.Abs(grad[3]-gb) > 1e-12 {
			t.Errorf("pass %d: f = %v grad b = %v, want %v, %v", pass, f, grad[3], wf, gb)
		}
		for i := range gw {
			if math.Abs(grad[i]-gw[i]) > 1e-12 {
				t.Errorf("pass %d: grad w[%d] = %v, want %v", pass, i, grad[i], gw[i])
			}
		}
		if a := obj.Output("act"); len(a) != 3 || math.Abs(a[0]-math.Tanh(x[0]*xs[0]+x[3])) > 1e-15 {
			t.Errorf("output act = %v", a)
		}
		r, err := gradcheck.CheckObjective(obj, x, nil, nil)
		if err != nil || !r.Pass {
			t.Errorf("pass %d: gradient check: %v\n%v", pass, err, r)
		}
	}
	if obj.Data("nosuch") != nil || obj.Output("nosuch") != nil {
		t.Error("unknown names return values")
	}
}

// TestObjectiveFloat32 builds weighted in float32 (Options.Dtype) and holds
// its float64 interface to the hand-written float64 reference: the cost,
// gradient and output to 1e-6 relative (float32 rounding of a few
// operations, ε = 6e-8 each), data rebound through Data32 (Data is nil for
// a float32 input), and X rounded to float32.
func TestObjectiveFloat32(t *testing.T) {
	obj, err := compiled.New(weighted, &compiled.Options{Name: "test", Dtype: tensor.Float32})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	if x0 := obj.X(); x0[3] != float64(float32(0.1)) || x0[3] == 0.1 {
		t.Errorf("X = %v, want float32 values", x0)
	}
	if obj.Data("x") != nil || len(obj.Data32("x")) != 3 {
		t.Fatalf("Data(x) = %v, Data32(x) = %v", obj.Data("x"), obj.Data32("x"))
	}
	xs, ds := []float64{1, -2, 0.5}, []float64{2, 1, -1}
	dtype.Convert(obj.Data32("x"), xs)
	dtype.Convert(obj.Data32("d"), ds)
	x := []float64{0.3, -0.7, 0.2, -0.4}
	grad := []float64{5, 5, 5, 5} // Eval overwrites
	f, err := obj.Eval(x, grad)
	if err != nil {
		t.Fatal(err)
	}
	wf, gw, gb := ref(x[:3], x[3], xs, ds)
	near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-6*max(1, math.Abs(want)) }
	if !near(f, wf) || !near(grad[3], gb) {
		t.Errorf("f = %v grad b = %v, want %v, %v", f, grad[3], wf, gb)
	}
	for i := range gw {
		if !near(grad[i], gw[i]) {
			t.Errorf("grad w[%d] = %v, want %v", i, grad[i], gw[i])
		}
	}
	if a := obj.Output("act"); len(a) != 3 || !near(a[1], math.Tanh(x[1]*xs[1]+x[3])) {
		t.Errorf("output act = %v", a)
	}
	if _, err := compiled.New(weighted, &compiled.Options{Name: "test", Dtype: tensor.Int}); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("int dtype: err = %v", err)
	}
	// One precision per program: FromNodes refuses an input of another
	// dtype than Options.Dtype (float64 unless set).
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		other := tensor.Float64
		if dt == tensor.Float64 {
			other = tensor.Float32
		}
		_, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			x := G.NewVector(g, other, G.WithName("x"), G.WithShape(2), G.WithInit(G.Zeroes()))
			return G.Must(G.Sum(x)), G.Nodes{x}, nil
		}, &compiled.Options{Name: "test", Dtype: dt})
		if err == nil || !strings.Contains(err.Error(), "dtype") {
			t.Errorf("Options.Dtype %v, a %v input: err = %v", dt, other, err)
		}
	}
}

// TestObjectiveErrors checks that build mistakes come back as errors:
// duplicate names (gorgonia would merge them silently), bad shapes, a
// parameter that does not reach the cost, a non-scalar cost, and a panic
// from G.Must inside the build function.
func TestObjectiveErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		build      func(d *compiled.Def) (*G.Node, error)
	}{
		{"duplicate", "declared twice", func(d *compiled.Def) (*G.Node, error) {
			a := d.Param("a", []int{2}, nil)
			d.Input("a", []int{2}, nil)
			return G.Sum(a)
		}},
		{"bad shape", "shape", func(d *compiled.Def) (*G.Node, error) {
			return G.Sum(d.Param("a", []int{0}, nil))
		}},
		{"wrong value count", "values for shape", func(d *compiled.Def) (*G.Node, error) {
			return G.Sum(d.Param("a", []int{2}, []float64{1}))
		}},
		{"unused parameter", "does not reach the cost", func(d *compiled.Def) (*G.Node, error) {
			a := d.Param("a", []int{2}, nil)
			d.Param("b", []int{2}, nil)
			return G.Sum(a)
		}},
		{"vector cost", "scalar", func(d *compiled.Def) (*G.Node, error) {
			return G.Exp(d.Param("a", []int{2}, nil))
		}},
		{"panic", "build", func(d *compiled.Def) (*G.Node, error) {
			a := d.Param("a", []int{2}, nil)
			b := d.Input("b", []int{3}, nil)
			return G.Sum(G.Must(G.Add(a, b))) // shape mismatch
		}},
	} {
		obj, err := compiled.New(tc.build, &compiled.Options{Name: "test"})
		if err == nil || !strings.HasPrefix(err.Error(), "test: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want a test: error containing %q", tc.name, err, tc.want)
		}
		if obj != nil {
			t.Errorf("%s: got an objective", tc.name)
		}
	}
}

// TestObjectiveNonFinite checks that a non-finite cost is reported as a
// train.NonFiniteError by the objective's name.
func TestObjectiveNonFinite(t *testing.T) {
	obj, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		return G.Sum(G.Must(G.Log(d.Param("a", []int{2}, []float64{1, 1}))))
	}, &compiled.Options{Name: "logs"})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	_, err = obj.Eval([]float64{1, 0}, make([]float64, 2))
	if err == nil || !strings.HasPrefix(err.Error(), "logs: objective is -Inf") {
		t.Fatalf("err = %v", err)
	}
	obj.Close()
	if _, err := obj.Eval([]float64{1, 1}, make([]float64, 2)); err == nil {
		t.Fatal("Eval after Close succeeded")
	}
}
