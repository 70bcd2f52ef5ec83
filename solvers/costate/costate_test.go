package costate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/train/gradcheck"
)

// fixture returns a small NMF instance: B random cascades on n nodes with
// horizon T (sources of size 1..2, a few infections at random times) and
// a random θ, with rates large enough that every node has a positive
// intensity.
func fixture(cfg nmf.Config, B int, seed uint64) (nmf.Config, []float64, []nmf.Cascade) {
	cfg, err := cfg.Resolve()
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	theta := cfg.Init(rng)
	fs := cfg.Layout()
	for i := range fs[0].Size {
		theta[i] = 0.05 + 0.3*rng.Float64()
	}
	for i := range cfg.N {
		theta[fs[1].Offset+i] = 0.2 + 0.3*rng.Float64()
		theta[fs[2].Offset+i] = 0.3 + 0.5*rng.Float64()
	}
	var cs []nmf.Cascade
	for range B {
		perm := rng.Perm(cfg.N)
		ns := 1 + rng.IntN(2)
		c := nmf.Cascade{Sources: perm[:ns]}
		for _, v := range perm[ns:] {
			if rng.Float64() < 0.5 {
				c.Nodes = append(c.Nodes, v)
				c.Times = append(c.Times, cfg.T*(0.02+0.98*rng.Float64()))
			}
		}
		cs = append(cs, c)
	}
	return cfg, theta, cs
}

func ring(n int) *graphs.Graph {
	var src, dst []int
	for i := range n {
		src, dst = append(src, i, i), append(dst, (i+1)%n, (i+2)%n)
	}
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{})
	if err != nil {
		panic(err)
	}
	return g
}

// gradTests is the table behind the discrete-adjoint and gradient checks.
var gradTests = []struct {
	name string
	cfg  nmf.Config
}{
	// The defaults at small n (Euler, survival, interp, s = −1).
	{"euler-survival", nmf.Config{N: 4, T: 2, Steps: 5}},
	// The paper's setting: RK4, the Poisson compensator, log-sum penalty.
	{"rk4-poisson-logsum", nmf.Config{N: 4, T: 2, Steps: 4, Method: ode.RK4, Loss: nmf.Poisson, RegA: 0.01}},
	// Nearest events, s = +1, two hidden layers, L1 and weight decay.
	{"rk4-nearest-deep", nmf.Config{N: 3, T: 1.5, Steps: 3, Method: ode.RK4, Events: nmf.Nearest, EpsSign: 1, Hidden: []int{4, 3}, RegA: 0.1, RegL1: true, WeightDecay: 0.5}},
	// A on the edges of a support graph (Gather/ScatterAdd).
	{"rk4-support", nmf.Config{N: 5, T: 2, Steps: 4, Method: ode.RK4, Support: ring(5), RegA: 0.01}},
}

func TestDiscreteEqualsAutodiff(t *testing.T) {
	for _, tc := range gradTests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, theta, cs := fixture(tc.cfg, 3, 1)
			obj, err := nmf.NewObjective(cfg, len(cs))
			if err != nil {
				t.Fatal(err)
			}
			defer obj.Close()
			if err := obj.SetBatch(cs); err != nil {
				t.Fatal(err)
			}
			ad := make([]float64, len(theta))
			fa, err := obj.Eval(theta, ad)
			if err != nil {
				t.Fatal(err)
			}
			m, err := nmf.NewModel(cfg, theta)
			if err != nil {
				t.Fatal(err)
			}
			dg := make([]float64, len(theta))
			fd, err := Discrete(m, cs, dg)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(fa-fd) > 1e-12*math.Abs(fa) {
				t.Errorf("loss: autodiff %v, plain Go %v", fa, fd)
			}
			// ≤ 1e-9 relative to the gradient's largest entry.
			e := relErr(ad, dg)
			t.Logf("discrete adjoint vs autodiff: relative error %.3g", e)
			if e > 1e-9 {
				t.Errorf("discrete adjoint vs autodiff: relative error %.3g > 1e-9", e)
			}
			rep, err := gradcheck.CheckObjective(obj, theta, dg, &gradcheck.Settings{Step: 1e-6, RelTol: 1e-5, AbsTol: 1e-7})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Pass {
				t.Errorf("central differences: %v", rep)
			}
		})
	}
}

// relErr returns max|a − b| / max|a|.
func relErr(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num = max(num, math.Abs(a[i]-b[i]))
		den = max(den, math.Abs(a[i]))
	}
	return num / den
}

// TestContinuousConverges holds the paper's co-state (Algorithm 1) against
// the discrete adjoint (= autodiff) as the number of steps K doubles, and
// reports the observed order log₂(e_K / e_2K).
func TestContinuousConverges(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cfg      nmf.Config
		minOrder float64 // required mean observed order over the doublings
		tol      float64 // required relative error at the finest K
	}{
		// Euler: both gradients are O(h) from the continuous one.
		{"euler", nmf.Config{N: 4, T: 2, EpsSign: 1}, 0.8, 0.05},
		// RK4 with linear interpolation of the intensity: O(h²) from the
		// interpolation dominates.
		{"rk4", nmf.Config{N: 4, T: 2, EpsSign: 1, Method: ode.RK4}, 1.6, 0.01},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errs []float64
			for _, K := range []int{8, 16, 32, 64} {
				c := tc.cfg
				c.Steps = K
				cfg, theta, cs := fixture(c, 2, 3)
				m, err := nmf.NewModel(cfg, theta)
				if err != nil {
					t.Fatal(err)
				}
				dg, cg := make([]float64, len(theta)), make([]float64, len(theta))
				if _, err := Discrete(m, cs, dg); err != nil {
					t.Fatal(err)
				}
				if _, err := Continuous(m, cs, cg); err != nil {
					t.Fatal(err)
				}
				errs = append(errs, relErr(dg, cg))
			}
			order := 0.0
			for i := 1; i < len(errs); i++ {
				order += math.Log2(errs[i-1]/errs[i]) / float64(len(errs)-1)
			}
			t.Logf("relative error vs autodiff at K = 8, 16, 32, 64: %.3g; observed order %.2f", errs, order)
			if order < tc.minOrder || errs[len(errs)-1] > tc.tol {
				t.Errorf("co-state does not converge: errors %.3g, order %.2f (want ≥ %v, final ≤ %v)", errs, order, tc.minOrder, tc.tol)
			}
		})
	}
}

// TestNegativeControl: the discrete adjoint of a model with the wrong
// sign of ε must fail the same central-difference check.
func TestNegativeControl(t *testing.T) {
	cfg, theta, cs := fixture(nmf.Config{N: 4, T: 2, Steps: 4, Method: ode.RK4}, 3, 1)
	obj, err := nmf.NewObjective(cfg, len(cs))
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	if err := obj.SetBatch(cs); err != nil {
		t.Fatal(err)
	}
	wrong := cfg
	wrong.EpsSign = -cfg.EpsSign
	m, err := nmf.NewModel(wrong, theta)
	if err != nil {
		t.Fatal(err)
	}
	dg := make([]float64, len(theta))
	if _, err := Discrete(m, cs, dg); err != nil {
		t.Fatal(err)
	}
	rep, err := gradcheck.CheckObjective(obj, theta, dg, &gradcheck.Settings{Step: 1e-6, RelTol: 1e-5, AbsTol: 1e-7})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pass {
		t.Error("a wrong-sign adjoint passed the gradient check")
	}
}
