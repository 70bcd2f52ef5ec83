package nmf_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
)

// Tolerances of the float32 programs against the float64 ones at the same
// θ. Float32 rounds each operation to 6e-8 relative; the loss is a sum of
// a few hundred logs and the gradient accumulates over every field
// evaluation of the unroll (161 at the paper's 40 RK4 steps), so the
// errors grow to roughly 1e-7 (loss) and 1e-6 (gradient, relative to its
// largest entry and in norm) on these small models (measured: at most
// 1.4e-7 and 1.5e-6). The bounds leave about 100× for other seeds and
// larger n, while an error of the float32 path (a dropped term, a wrong
// transpose, θ or the data not converted) moves the results by far more:
// the negative control below perturbs θ by 1e-2 and fails them. The
// fixtures' rates keep every intensity away from 0; near 0 float32 is not
// this close (the package documentation), which these bounds do not cover.
const (
	f32LossTol = 1e-5
	f32GradTol = 1e-4
)

// f32Configs are small models covering both schemes, both loss forms and
// event modes, the dense (Sgemm) and support drifts, and a deeper ε.
func f32Configs(t *testing.T) []struct {
	name string
	cfg  nmf.Config
} {
	return []struct {
		name string
		cfg  nmf.Config
	}{
		{"rk4-dense", nmf.Config{N: 12, T: 3, Steps: 8, Method: ode.RK4, RegA: 0.01}},
		{"euler-dense-poisson-nearest", nmf.Config{N: 10, T: 2, Steps: 10, Loss: nmf.Poisson, Events: nmf.Nearest}},
		{"rk4-support", nmf.Config{N: 14, T: 2, Steps: 6, Method: ode.RK4, Support: supportRing(t, 14), RegA: 0.01}},
		{"euler-support-deep-plus", nmf.Config{N: 8, T: 1.5, Steps: 6, EpsSign: 1, Hidden: []int{9, 5}, Support: supportRing(t, 8), RegA: 0.1, RegL1: true, WeightDecay: 0.5}},
	}
}

// f32Disagreement returns an error if the float32 loss and gradient (f32,
// g32) differ from the float64 ones (f, g) by more than the tolerances.
func f32Disagreement(f32 float64, g32 []float64, f float64, g []float64) error {
	if d := math.Abs(f32-f) / math.Abs(f); !(d <= f32LossTol) {
		return fmt.Errorf("loss: float32 %v, float64 %v (relative %.3g > %g)", f32, f, d, f32LossTol)
	}
	if e := relMaxErr(g32, g); !(e <= f32GradTol) {
		return fmt.Errorf("gradient: relative max error %.3g > %g", e, f32GradTol)
	}
	if e := relNormErr(g32, g); !(e <= f32GradTol) {
		return fmt.Errorf("gradient: relative norm error %.3g > %g", e, f32GradTol)
	}
	return nil
}

// relNormErr returns ‖a − b‖₂ / ‖b‖₂.
func relNormErr(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

// TestFloat32MatchesFloat64 holds Config.Float32's loss and gradient to
// the float64 program's at the same θ (f32Disagreement), and checks that
// the float32 results are really float32 (the loss is a float32 value,
// and differs from the float64 one).
func TestFloat32MatchesFloat64(t *testing.T) {
	for _, tc := range f32Configs(t) {
		t.Run(tc.name, func(t *testing.T) {
			cfg, theta, cs := fusedFixture(t, tc.cfg, 6, 5)
			f, g := evalObjective(t, cfg, theta, cs)
			cfg.Float32 = true
			f32, g32 := evalObjective(t, cfg, theta, cs)
			if err := f32Disagreement(f32, g32, f, g); err != nil {
				t.Error(err)
			}
			if float64(float32(f32)) != f32 || f32 == f {
				t.Errorf("float32 loss %v is not a float32 result (float64 %v)", f32, f)
			}
		})
	}
}

// TestFloat32NegativeControl shows the tolerances can fail: the float32
// loss and gradient at a θ whose rates and ε weights are moved by 1e-2
// must not pass for the float64 ones at θ.
func TestFloat32NegativeControl(t *testing.T) {
	for _, tc := range f32Configs(t)[:2] {
		t.Run(tc.name, func(t *testing.T) {
			cfg, theta, cs := fusedFixture(t, tc.cfg, 6, 5)
			f, g := evalObjective(t, cfg, theta, cs)
			moved := append([]float64(nil), theta...)
			for i := range moved {
				moved[i] += 1e-2 * float64(i%3-1)
			}
			cfg.Float32 = true
			f32, g32 := evalObjective(t, cfg, moved, cs)
			if err := f32Disagreement(f32, g32, f, g); err == nil {
				t.Errorf("float32 results at a moved θ pass for float64 at θ (loss %v vs %v)", f32, f)
			}
		})
	}
}

// TestFloat32PredictorInfluence holds the float32 Predictor's
// trajectories to the float64 ones (1e-5 absolute: x ∈ [0, 1]) and the
// float32 Influence's value and gradient to float64 (f32Disagreement).
func TestFloat32PredictorInfluence(t *testing.T) {
	cfg, theta, _ := fusedFixture(t, nmf.Config{N: 9, T: 2, Steps: 6, Method: ode.RK4}, 1, 6)
	sources := [][]int{{0}, {3, 4}, {8}}
	predict := func(cfg nmf.Config) [][]float64 {
		p, err := nmf.NewPredictor(cfg, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		out, err := p.Predict(theta, sources)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	influence := func(cfg nmf.Config) (float64, []float64) {
		inf, err := nmf.NewInfluence(cfg, theta, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		defer inf.Close()
		u := []float64{0.3, 0.15, 0.25, 0.1, 0.2, 0.05, 0.4, 0.35, 0.2}
		g := make([]float64, len(u))
		f, err := inf.Eval(u, g)
		if err != nil {
			t.Fatal(err)
		}
		return f, g
	}
	x64 := predict(cfg)
	f, g := influence(cfg)
	cfg.Float32 = true
	x32 := predict(cfg)
	f32, g32 := influence(cfg)
	worst, exact := 0.0, true
	for j := range x64 {
		for i := range x64[j] {
			worst = max(worst, math.Abs(x32[j][i]-x64[j][i]))
			exact = exact && x32[j][i] == x64[j][i]
		}
	}
	if worst > 1e-5 || exact {
		t.Errorf("Predict: float32 vs float64 max difference %.3g (identical: %v), want (0, 1e-5]", worst, exact)
	}
	if err := f32Disagreement(f32, g32, f, g); err != nil {
		t.Errorf("Influence: %v", err)
	}
}

// TestFloat32Unfused checks that Float32 with the float64-only reference
// graph is an error from every constructor, not a panic.
func TestFloat32Unfused(t *testing.T) {
	cfg := nmf.Config{N: 4, T: 1, Steps: 2, Float32: true, Unfused: true}
	theta := make([]float64, 200)
	check := func(what string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), "Float32") {
			t.Errorf("%s: err = %v, want a Float32 error", what, err)
		}
	}
	_, err := nmf.NewObjective(cfg, 2)
	check("NewObjective", err)
	_, err = nmf.NewPredictor(cfg, 2)
	check("NewPredictor", err)
	_, err = nmf.NewInfluence(cfg, theta, 0)
	check("NewInfluence", err)
}
