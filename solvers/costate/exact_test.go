package costate

import (
	"math"
	"testing"

	"github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/train/gradcheck"
)

// lossFn returns θ ↦ Loss at cfg (a fresh model per call: Loss keeps no
// state, but the model holds θ).
func lossFn(t *testing.T, cfg nmf.Config, cs []nmf.Cascade) func([]float64) float64 {
	return func(x []float64) float64 {
		m, err := nmf.NewModel(cfg, x)
		if err != nil {
			t.Fatal(err)
		}
		return Loss(m, cs)
	}
}

// discreteFn returns Discrete's gradient at cfg.
func discreteFn(t *testing.T, cfg nmf.Config, cs []nmf.Cascade) func(dst, x []float64) []float64 {
	return func(dst, x []float64) []float64 {
		m, err := nmf.NewModel(cfg, x)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Discrete(m, cs, dst); err != nil {
			t.Fatal(err)
		}
		return dst
	}
}

// TestExactGradient: in the exact event mode (every cascade on its own grid,
// the uniform one merged with its infection times) the discrete adjoint
// equals central differences of the plain-Go loss (step 1e-6, relative
// tolerance 1e-5: the differences' truncation and rounding error at this
// step), for Euler and RK4, dense and on a support; and the interp mode's
// gradient, a different loss's, does not (negative control).
func TestExactGradient(t *testing.T) {
	set := &gradcheck.Settings{Step: 1e-6, RelTol: 1e-5, AbsTol: 1e-7}
	for _, tc := range []struct {
		name string
		cfg  nmf.Config
	}{
		{"euler", nmf.Config{N: 4, T: 2, Steps: 5, Events: nmf.Exact}},
		{"rk4-poisson", nmf.Config{N: 4, T: 2, Steps: 4, Method: ode.RK4, Loss: nmf.Poisson, Events: nmf.Exact, RegA: 0.01}},
		{"rk4-support", nmf.Config{N: 5, T: 2, Steps: 3, Method: ode.RK4, Support: ring(5), Events: nmf.Exact}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, theta, cs := fixture(tc.cfg, 3, 2)
			rep, err := gradcheck.Check(lossFn(t, cfg, cs), discreteFn(t, cfg, cs), theta, set)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Pass {
				t.Errorf("exact mode, discrete adjoint vs central differences: %v", rep)
			}
			interp := cfg
			interp.Events = nmf.Interp
			rep, err = gradcheck.Check(lossFn(t, cfg, cs), discreteFn(t, interp, cs), theta, set)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Pass {
				t.Error("the interp mode's gradient passed as the exact mode's")
			}
		})
	}
}

// TestExactOnGrid: when every infection time is a uniform grid point the
// exact grid is the uniform grid and the exact loss and gradient equal the
// interp ones to rounding (interp then reads g at the grid point too).
func TestExactOnGrid(t *testing.T) {
	cfg, theta, cs := fixture(nmf.Config{N: 4, T: 2, Steps: 8, Method: ode.RK4}, 3, 3)
	h := cfg.T / float64(cfg.Steps)
	for _, c := range cs {
		for j, s := range c.Times {
			c.Times[j] = math.Max(1, math.Round(s/h)) * h
		}
	}
	exact := cfg
	exact.Events = nmf.Exact
	for _, c := range cs {
		if g := exact.CascadeGrid(c); len(g) != cfg.Steps+1 {
			t.Fatalf("grid of an on-grid cascade has %d points, want %d", len(g), cfg.Steps+1)
		}
	}
	gi, ge := make([]float64, len(theta)), make([]float64, len(theta))
	fi := discreteLoss(t, cfg, theta, cs, gi)
	fe := discreteLoss(t, exact, theta, cs, ge)
	if math.Abs(fi-fe) > 1e-12*math.Abs(fi) || relErr(gi, ge) > 1e-12 {
		t.Errorf("on-grid events: interp loss %v, exact %v; gradient relative difference %.3g", fi, fe, relErr(gi, ge))
	}
}

func discreteLoss(t *testing.T, cfg nmf.Config, theta []float64, cs []nmf.Cascade, grad []float64) float64 {
	t.Helper()
	m, err := nmf.NewModel(cfg, theta)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Discrete(m, cs, grad)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestExactConverges: on a coarse grid (RK4, 4 steps on [0, 2]) the exact
// mode's loss is closer than the interp mode's to the loss of a fine grid
// (RK4, 512 steps, where both modes agree to 1e-6), because it reads each
// intensity at the integrated state instead of interpolating g between
// points h = 0.5 apart.
func TestExactConverges(t *testing.T) {
	cfg, theta, cs := fixture(nmf.Config{N: 4, T: 2, Steps: 4, Method: ode.RK4}, 4, 4)
	loss := func(steps int, ev nmf.EventMode) float64 {
		c := cfg
		c.Steps, c.Events = steps, ev
		return lossFn(t, c, cs)(theta)
	}
	fine := loss(512, nmf.Interp)
	if d := math.Abs(loss(512, nmf.Exact) - fine); d > 1e-6*math.Abs(fine) {
		t.Fatalf("fine grid: exact and interp differ by %.3g", d)
	}
	ei, ee := math.Abs(loss(4, nmf.Interp)-fine), math.Abs(loss(4, nmf.Exact)-fine)
	t.Logf("|loss − fine| at 4 steps: interp %.4g, exact %.4g", ei, ee)
	if !(ee < ei/2) {
		t.Errorf("exact mode at 4 steps is %.4g from the fine-grid loss, interp %.4g: want less than half", ee, ei)
	}
}

// TestExactRefused: the continuous co-state and the batched program refuse
// the exact mode with an error.
func TestExactRefused(t *testing.T) {
	cfg, theta, cs := fixture(nmf.Config{N: 3, T: 1, Steps: 2, Events: nmf.Exact}, 2, 1)
	m, err := nmf.NewModel(cfg, theta)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Continuous(m, cs, make([]float64, len(theta))); err == nil {
		t.Error("Continuous accepted the exact mode")
	}
	if _, err := nmf.NewObjective(cfg, 2); err == nil {
		t.Error("NewObjective accepted the exact mode")
	}
}
