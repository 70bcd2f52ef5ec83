package nmf_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/train/gradcheck"
)

// fusedFixture returns B random cascades on cfg.N nodes (1–2 sources, each
// other node infected with probability 1/2 at a uniform time) and a random
// θ with rates, b and c large enough that the dynamics move, so every term
// of the field and of its gradient is exercised.
func fusedFixture(t *testing.T, cfg nmf.Config, B int, seed uint64) (nmf.Config, []float64, []nmf.Cascade) {
	t.Helper()
	cfg, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	theta := cfg.Init(rng)
	fs := cfg.Layout()
	for i := range fs[0].Size {
		theta[i] = 0.05 + 0.3*rng.Float64()
	}
	for i := range cfg.N {
		theta[fs[1].Offset+i] = 0.2 + 0.3*rng.Float64()
		theta[fs[2].Offset+i] = 0.3 + 0.5*rng.Float64()
	}
	// ε's biases off their zero start, so ELU sees both signs.
	for _, f := range fs[3:] {
		if len(f.Shape) == 1 {
			for i := range f.Size {
				theta[f.Offset+i] += rng.Float64() - 0.5
			}
		}
	}
	cs := make([]nmf.Cascade, B)
	for k := range cs {
		perm := rng.Perm(cfg.N)
		ns := 1 + rng.IntN(2)
		cs[k].Sources = perm[:ns]
		for _, v := range perm[ns:] {
			if rng.Float64() < 0.5 {
				cs[k].Nodes, cs[k].Times = append(cs[k].Nodes, v), append(cs[k].Times, cfg.T*(0.02+0.98*rng.Float64()))
			}
		}
	}
	return cfg, theta, cs
}

// evalObjective compiles the objective of cfg for cs and returns the loss
// and gradient at θ, after checking that a second run gives the same bits
// (the fused ops keep buffers and sum parameter gradients in place).
func evalObjective(t *testing.T, cfg nmf.Config, theta []float64, cs []nmf.Cascade) (float64, []float64) {
	t.Helper()
	obj, err := nmf.NewObjective(cfg, len(cs))
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	if err := obj.SetBatch(cs); err != nil {
		t.Fatal(err)
	}
	g := make([]float64, len(theta))
	f, err := obj.Eval(theta, g)
	if err != nil {
		t.Fatal(err)
	}
	g2 := make([]float64, len(theta))
	if f2, err := obj.Eval(theta, g2); err != nil || f2 != f {
		t.Fatalf("second run: f = %v (%v), first %v", f2, err, f)
	}
	for i := range g {
		if g[i] != g2[i] {
			t.Fatalf("second run: gradient[%d] = %v, first %v", i, g2[i], g[i])
		}
	}
	return f, g
}

func supportRing(t *testing.T, n int) *graphs.Graph {
	t.Helper()
	var src, dst []int
	for i := range n {
		src, dst = append(src, i, i), append(dst, (i+1)%n, (i+3)%n)
	}
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestFusedEqualsUnfused holds the fused field ops (the default) to the
// reference graph (Config.Unfused): the loss to 1e-12 relative and the
// gradient to 1e-12 of its largest entry (the two differ only in the
// order of the products' sums), and the fused gradient to central
// differences.
func TestFusedEqualsUnfused(t *testing.T) {
	tests := []struct {
		name string
		cfg  nmf.Config
	}{
		// The paper's setting at small n: RK4, survival loss, log-sum penalty.
		{"rk4-survival", nmf.Config{N: 6, T: 3, Steps: 4, Method: ode.RK4, RegA: 0.01}},
		// Euler, the Poisson compensator, nearest events.
		{"euler-poisson-nearest", nmf.Config{N: 5, T: 2, Steps: 5, Loss: nmf.Poisson, Events: nmf.Nearest}},
		// s = +1 and two hidden layers of other widths (every ε layer's
		// backward, the ELU' path between hidden layers), L1 and weight decay.
		{"rk4-deep-plus", nmf.Config{N: 4, T: 1.5, Steps: 3, Method: ode.RK4, EpsSign: 1, Hidden: []int{7, 3}, RegA: 0.1, RegL1: true, WeightDecay: 0.5}},
		// A on the edges of a support graph (the sparse drift of the fused op).
		{"rk4-support", nmf.Config{N: 7, T: 2, Steps: 4, Method: ode.RK4, Support: supportRing(t, 7), RegA: 0.01}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, theta, cs := fusedFixture(t, tc.cfg, 4, 1)
			ff, gf := evalObjective(t, cfg, theta, cs)
			ref := cfg
			ref.Unfused = true
			fu, gu := evalObjective(t, ref, theta, cs)
			if d := math.Abs(ff - fu); d > 1e-12*math.Abs(fu) {
				t.Errorf("loss: fused %v, unfused %v (diff %.3g)", ff, fu, d)
			}
			if e := relMaxErr(gf, gu); e > 1e-12 {
				t.Errorf("gradient: fused vs unfused relative error %.3g > 1e-12", e)
			}
			obj, err := nmf.NewObjective(cfg, len(cs))
			if err != nil {
				t.Fatal(err)
			}
			defer obj.Close()
			if err := obj.SetBatch(cs); err != nil {
				t.Fatal(err)
			}
			rep, err := gradcheck.CheckObjective(obj, theta, nil, &gradcheck.Settings{Step: 1e-6, RelTol: 1e-5, AbsTol: 1e-7})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Pass {
				t.Errorf("fused gradient vs central differences: %v", rep)
			}
		})
	}
}

// TestFusedInfluenceEqualsUnfused differentiates with respect to the
// relaxed seeds u (Influence: χ = u and notChi = 1 − u are differentiated,
// the gradients of the fused ops' source inputs), fused against the
// reference graph to 1e-12 of the largest entry.
func TestFusedInfluenceEqualsUnfused(t *testing.T) {
	cfg, theta, _ := fusedFixture(t, nmf.Config{N: 6, T: 2, Steps: 4, Method: ode.RK4}, 1, 4)
	u := []float64{0.3, 0.15, 0.25, 0.1, 0.2, 0.05}
	eval := func(cfg nmf.Config) (float64, []float64) {
		inf, err := nmf.NewInfluence(cfg, theta, 0.7)
		if err != nil {
			t.Fatal(err)
		}
		defer inf.Close()
		g := make([]float64, len(u))
		f, err := inf.Eval(u, g)
		if err != nil {
			t.Fatal(err)
		}
		return f, g
	}
	ff, gf := eval(cfg)
	ref := cfg
	ref.Unfused = true
	fu, gu := eval(ref)
	if math.Abs(ff-fu) > 1e-12*math.Abs(fu) || relMaxErr(gf, gu) > 1e-12 {
		t.Errorf("fused f = %v, ∇ = %v; unfused f = %v, ∇ = %v", ff, gf, fu, gu)
	}
}

// TestFusedNegativeControl shows the comparison above can fail: the fused
// program of a model whose ε sign is flipped must not match the reference.
func TestFusedNegativeControl(t *testing.T) {
	cfg, theta, cs := fusedFixture(t, nmf.Config{N: 6, T: 3, Steps: 4, Method: ode.RK4}, 4, 2)
	ff, gf := evalObjective(t, cfg, theta, cs)
	bad := cfg
	bad.EpsSign, bad.Unfused = -cfg.EpsSign, true
	fb, gb := evalObjective(t, bad, theta, cs)
	if math.Abs(ff-fb) < 1e-6*math.Abs(fb) || relMaxErr(gf, gb) < 1e-6 {
		t.Errorf("flipped ε sign still matches: loss %v vs %v, gradient error %.3g", ff, fb, relMaxErr(gf, gb))
	}
}

// TestFusedDeterministic checks that the fused step gives the same bits
// for GOMAXPROCS 1 and 2 at a batch large enough (300 × 64) for gonum's
// matrix product and the element-wise kernels to split their work over
// goroutines, in float64 and in float32 (Config.Float32: Sgemm).
func TestFusedDeterministic(t *testing.T) {
	for _, f32 := range []bool{false, true} {
		t.Run(fmt.Sprintf("float32=%v", f32), func(t *testing.T) {
			cfg, theta, cs := fusedFixture(t, nmf.Config{N: 64, T: 2, Steps: 2, Method: ode.RK4, Float32: f32}, 300, 3)
			prev := runtime.GOMAXPROCS(1)
			f1, g1 := evalObjective(t, cfg, theta, cs)
			runtime.GOMAXPROCS(2)
			f2, g2 := evalObjective(t, cfg, theta, cs)
			runtime.GOMAXPROCS(prev)
			if f1 != f2 {
				t.Errorf("loss: GOMAXPROCS 1 %v, 2 %v", f1, f2)
			}
			for i := range g1 {
				if g1[i] != g2[i] {
					t.Fatalf("gradient[%d]: GOMAXPROCS 1 %v, 2 %v", i, g1[i], g2[i])
				}
			}
		})
	}
}

// relMaxErr returns max|a − b| / max|b|.
func relMaxErr(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num = max(num, math.Abs(a[i]-b[i]))
		den = max(den, math.Abs(b[i]))
	}
	return num / den
}
