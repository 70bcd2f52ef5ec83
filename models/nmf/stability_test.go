package nmf

import (
	"math"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ode"
)

// TestStepStabilityFormula: h·ρ with ρ the largest column sum of W (the
// in-rates, W_ij = α_ij), not the largest row sum, for dense and support
// models.
func TestStepStabilityFormula(t *testing.T) {
	cfg, err := Config{N: 3, T: 10, Steps: 20, Method: ode.RK4}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, cfg.NumParams())
	// Row 0 (node 0's out-rates) sums to 3; column 2 (node 2's in-rates) to 2.5.
	copy(theta, []float64{
		0, 1, 2,
		0, 0, 0.5,
		0.25, 0, 0,
	})
	if got, want := cfg.StepStability(theta), 0.5*2.5; math.Abs(got-want) > 1e-15 {
		t.Errorf("dense: StepStability = %v, want h·ρ = %v", got, want)
	}
	g, _, err := graphs.FromEdges(3, []int{0, 0, 1, 2}, []int{1, 2, 2, 0}, nil, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Config{N: 3, T: 10, Steps: 20, Support: g}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	ts := make([]float64, cs.NumParams())
	in := make([]float64, 3)
	for e := range g.NumEdges() {
		ts[e] = float64(e + 1)
		in[g.Dst[e]] += ts[e]
	}
	if got, want := cs.StepStability(ts), 0.5*max(in[0], in[1], in[2]); math.Abs(got-want) > 1e-15 {
		t.Errorf("support: StepStability = %v, want %v", got, want)
	}
	if cs.StabilityLimit() != 2 || cfg.StabilityLimit() != 2.785 {
		t.Errorf("StabilityLimit: Euler %v, RK4 %v", cs.StabilityLimit(), cfg.StabilityLimit())
	}
}

// TestStepStabilityMeaning shows what the limit guards: a node with
// in-rate 12 from one source (x_1(t) = 1 − e^{−12t} with ε ≈ 0). At T = 20
// with RK4-40 (h·ρ = 6, above 2.785) the clamped solver ends far from 1; with
// RK4-200 (h·ρ = 1.2) it ends within 1e-6 of it.
func TestStepStabilityMeaning(t *testing.T) {
	for _, c := range []struct {
		steps  int
		stable bool
	}{{40, false}, {200, true}} {
		cfg, err := Config{N: 2, T: 20, Steps: c.steps, Method: ode.RK4}.Resolve()
		if err != nil {
			t.Fatal(err)
		}
		theta := make([]float64, cfg.NumParams())
		fs := cfg.Layout()
		ob := fs[len(fs)-1] // ε's output bias: ε = sigmoid(−60) with zero weights
		for i := range ob.Size {
			theta[ob.Offset+i] = -60
		}
		theta[0*2+1] = 12 // α_01
		if got := cfg.StepStability(theta) <= cfg.StabilityLimit(); got != c.stable {
			t.Fatalf("steps %d: StepStability %v within the limit = %v, want %v", c.steps, cfg.StepStability(theta), got, c.stable)
		}
		p, err := NewPredictor(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		traj, err := p.Predict(theta, [][]int{{0}})
		p.Close()
		if err != nil {
			t.Fatal(err)
		}
		x := cfg.At(traj[0], []float64{20})[1]
		t.Logf("steps %d: h·ρ = %v, x_1(20) = %v", c.steps, cfg.StepStability(theta), x)
		if c.stable && math.Abs(x-1) > 1e-6 {
			t.Errorf("steps %d (stable): x_1(20) = %v, want 1", c.steps, x)
		}
		if !c.stable && math.Abs(x-1) < 0.1 {
			t.Errorf("steps %d (unstable): x_1(20) = %v, expected the clamped oscillation to miss 1", c.steps, x)
		}
	}
}
