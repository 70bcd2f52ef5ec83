package ode_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/train/gradcheck"
)

// solveFinal unrolls f from x0 over [0, t1] with n steps of method m inside
// compiled.New and returns the final state.
func solveFinal(t *testing.T, f func(d *compiled.Def) ode.Func, x0 []float64, t1 float64, m ode.Method, n int) []float64 {
	t.Helper()
	obj, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		x := d.Input("x0", []int{len(x0)}, x0)
		xs, err := ode.Solve(f(d), x, []float64{0, t1}, m, n)
		if err != nil {
			return nil, err
		}
		d.Output("xT", xs[1])
		return G.Sum(xs[1])
	}, &compiled.Options{NoGrad: true})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	if _, err := obj.Run(); err != nil {
		t.Fatal(err)
	}
	return append([]float64(nil), obj.Output("xT")...)
}

// TestConvergenceOrder measures the observed order log₂(e(h)/e(h/2)) of
// each method on two problems with exact solutions and requires it within
// ±0.3 of Method.Order:
//   - dx/dt = −x, x(0) = 1, at t = 1: e^{−1};
//   - dx/dt = M x with M = [[−½, 1], [−1, −½]], x(0) = (1, 0), at t = 2:
//     e^{−t/2}(cos t, −sin t).
//
// Step counts 4, 8, 16, 32 per unit time keep RK4's error above rounding.
func TestConvergenceOrder(t *testing.T) {
	decay := func(*compiled.Def) ode.Func {
		return func(_ float64, x *G.Node) (*G.Node, error) { return G.Neg(x) }
	}
	rot := func(d *compiled.Def) ode.Func {
		M := d.Input("M", []int{2, 2}, []float64{-0.5, 1, -1, -0.5})
		return func(_ float64, x *G.Node) (*G.Node, error) { return G.Mul(M, x) }
	}
	problems := []struct {
		name  string
		f     func(*compiled.Def) ode.Func
		x0    []float64
		t1    float64
		exact []float64
	}{
		{"decay", decay, []float64{1}, 1, []float64{math.Exp(-1)}},
		{"2-D linear", rot, []float64{1, 0}, 2, []float64{math.Exp(-1) * math.Cos(2), -math.Exp(-1) * math.Sin(2)}},
	}
	for _, p := range problems {
		for _, m := range []ode.Method{ode.Euler, ode.Midpoint, ode.RK4} {
			var errs []float64
			for _, n := range []int{4, 8, 16, 32} {
				x := solveFinal(t, p.f, p.x0, p.t1, m, n*int(p.t1))
				e := 0.0
				for i := range x {
					e = math.Max(e, math.Abs(x[i]-p.exact[i]))
				}
				errs = append(errs, e)
			}
			for i := 1; i < len(errs); i++ {
				order := math.Log2(errs[i-1] / errs[i])
				if math.Abs(order-float64(m.Order())) > 0.3 {
					t.Errorf("%s/%v: observed order %.3f between h and h/2 (errors %v), want %d ± 0.3", p.name, m, order, errs, m.Order())
				}
			}
			t.Logf("%s/%v: errors %.3g", p.name, m, errs)
		}
	}
}

// siField is the mean-field SI vector field on a matrix state: X is N×F
// (F independent initial conditions as columns) and dX/dt = (1 − X) ⊙ (A X)
// with A = diag-free rates a on the 3-node path 0→1→2 and 2→0, built
// densely from the parameter vector a.
func siField(A *G.Node) ode.Func {
	return func(_ float64, x *G.Node) (*G.Node, error) {
		ax, err := G.Mul(A, x)
		if err != nil {
			return nil, err
		}
		return G.HadamardProd(G.Must(G.Sub(G.NewConstant(1.0), x)), ax)
	}
}

// TestGradientThroughUnroll holds autodiff through the unroll against
// central differences (train/gradcheck, step 1e-6, relative tolerance 1e-6)
// for every method, with a matrix state (3×2) and time-dependent forcing:
// cost = Σ_l Σ w_l ⊙ X(t_l) over the grid 0, 0.5, 1.5 with the rates A
// (3×3) and X(0) both parameters. A final row checks a negative control:
// a deliberately wrong reference gradient must fail.
func TestGradientThroughUnroll(t *testing.T) {
	a0 := []float64{0, 0.3, 0.1, 0.8, 0, 0.2, 0.5, 0.4, 0}
	x0 := []float64{0.9, 0.1, 0.05, 0.7, 0.2, 0.3}
	for _, m := range []ode.Method{ode.Euler, ode.Midpoint, ode.RK4} {
		obj, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
			A := d.Param("A", []int{3, 3}, a0)
			X := d.Param("X0", []int{3, 2}, x0)
			si := siField(A)
			f := func(tt float64, x *G.Node) (*G.Node, error) {
				dx, err := si(tt, x)
				if err != nil {
					return nil, err
				}
				return G.Add(dx, G.Must(G.Mul(G.NewConstant(0.1*math.Sin(tt)), x))) // t-dependent term
			}
			xs, err := ode.Solve(f, X, []float64{0, 0.5, 1.5}, m, 3)
			if err != nil {
				return nil, err
			}
			cost := G.NewConstant(0.0)
			for l, xl := range xs {
				w := d.Input("w"+strconv.Itoa(l), []int{3, 2}, []float64{1, -2, 0.5, 1, 3, float64(l)})
				cost = G.Must(G.Add(cost, G.Must(G.Sum(G.Must(G.HadamardProd(w, xl))))))
			}
			return cost, nil
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		x := obj.X()
		rep, err := gradcheck.CheckObjective(obj, x, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Pass {
			t.Errorf("%v: %v", m, rep)
		}
		bad := make([]float64, len(x))
		if _, err := obj.Eval(x, bad); err != nil {
			t.Fatal(err)
		}
		bad[4] *= 1.001
		if rep, err := gradcheck.CheckObjective(obj, x, bad, nil); err != nil || rep.Pass {
			t.Errorf("%v: a perturbed reference gradient passed the check (%v)", m, err)
		}
		obj.Close()
	}
}

// TestSolveErrors checks Solve's input errors.
func TestSolveErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewVector(g, tensor.Float64, G.WithName("x"), G.WithShape(2))
	id := func(_ float64, x *G.Node) (*G.Node, error) { return x, nil }
	wrong := func(_ float64, x *G.Node) (*G.Node, error) { return G.Sum(x) }
	for _, tc := range []struct {
		f     ode.Func
		grid  []float64
		m     ode.Method
		steps int
		want  string
	}{
		{id, nil, ode.Euler, 1, "empty"},
		{id, []float64{0, 0}, ode.Euler, 1, "increasing"},
		{id, []float64{0, math.NaN()}, ode.Euler, 1, "increasing"},
		{id, []float64{0, 1}, ode.Euler, 0, "steps"},
		{id, []float64{0, 1}, ode.Method(9), 1, "unknown method"},
		{wrong, []float64{0, 1}, ode.RK4, 1, "shape"},
		{nil, []float64{0, 1}, ode.RK4, 1, "nil"},
	} {
		if _, err := ode.Solve(tc.f, x, tc.grid, tc.m, tc.steps); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "ode: ") {
			t.Errorf("Solve(grid %v, %v, steps %d): error %v, want one containing %q", tc.grid, tc.m, tc.steps, err, tc.want)
		}
	}
	if m, err := ode.ParseMethod("RK4"); err != nil || m != ode.RK4 {
		t.Errorf("ParseMethod(RK4) = %v, %v", m, err)
	}
	if _, err := ode.ParseMethod("dopri5"); err == nil {
		t.Error("ParseMethod(dopri5): no error")
	}
}
