package nmf

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
	mnmf "github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/solvers/costate"
)

// starCascades returns M cascades from the centre 0 of the out-star on n
// nodes with exponential delays of rate alpha, observed until T, and the
// star as a support graph. With the source pinned at 1 the mean-field ODE
// x_j' = (1 − x_j)·α is exact on a star, so the likelihood's best
// constant rate is alpha up to sampling error. (On deeper trees it is
// not: (1 − x_j)·x_parent overstates P(parent infected, j not).)
func starCascades(t *testing.T, n, M int, alpha, T float64) ([]mnmf.Cascade, *graphs.Graph) {
	t.Helper()
	var src, dst []int
	for i := 1; i < n; i++ {
		src, dst = append(src, 0), append(dst, i)
	}
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	cs := make([]mnmf.Cascade, M)
	at := make([]float64, n)
	for m := range cs {
		c := mnmf.Cascade{Sources: []int{0}}
		for i := 1; i < n; i++ {
			at[i] = rng.ExpFloat64() / alpha
			if at[i] <= T {
				c.Nodes, c.Times = append(c.Nodes, i), append(c.Times, at[i])
			}
		}
		cs[m] = c
	}
	return cs, g
}

// fitConfig is an NMF model on the star with ε switched off (output bias
// −40: ε ≈ 4e-18), so that the initial model is the mean-field ODE.
func fitConfig(g *graphs.Graph, T float64, steps int) mnmf.Config {
	mc, err := mnmf.Config{N: g.N, T: T, Steps: steps, Method: ode.RK4, Support: g, Hidden: []int{4}, EpsBias0: -40}.Resolve()
	if err != nil {
		panic(err)
	}
	return mc
}

// TestFitInitRate: on 128 cascades from a star with every rate 0.5 the
// fitted constant is 0.5 within 5 % (the sampling error of 128·14
// infections is about 3 %), starting from rates 100 times too small, θ
// holds it, and no nearby scale scores lower.
func TestFitInitRate(t *testing.T) {
	const alpha, T = 0.5, 4.0
	cs, g := starCascades(t, 15, 128, alpha, T)
	mc := fitConfig(g, T, 40)
	theta := mc.Init(rand.New(rand.NewPCG(1, 1)))
	nA := mc.NumA()
	for i := range nA {
		theta[i] = 0.005
	}
	r, f, err := FitInitRate(mc, theta, cs)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r-alpha) > 0.05*alpha {
		t.Errorf("fitted rate %.4f, want %.2f ± 5%%", r, alpha)
	}
	for i := range nA {
		if math.Abs(theta[i]-r) > 1e-12 {
			t.Fatalf("θ[%d] = %v, want the fitted %v", i, theta[i], r)
		}
	}
	// f is the loss at the fit: no other scale scores lower.
	m, _ := mnmf.NewModel(mc, theta)
	for _, s := range []float64{0.8, 0.95, 1.05, 1.25} {
		for i := range nA {
			theta[i] = s * r
		}
		if g := costate.Loss(m, cs); g < f-1e-9 {
			t.Errorf("scale %.2f of the fit: loss %.6f < the fit's %.6f", s, g, f)
		}
	}
}

// TestFitInitRateStable: when the best rate would make the solver
// unstable the fit stops at 0.9 of the stability limit (h·ρ = 0.9·2.785
// for RK4), not above: the data's rate is 20, the cap 5.0.
func TestFitInitRateStable(t *testing.T) {
	const T = 4.0
	cs, g := starCascades(t, 15, 200, 20, T)
	mc := fitConfig(g, T, 8) // h = 0.5: the cap allows rates up to 5.0
	theta := mc.Init(rand.New(rand.NewPCG(1, 1)))
	r, _, err := FitInitRate(mc, theta, cs)
	if err != nil {
		t.Fatal(err)
	}
	if s := mc.StepStability(theta); s > 0.9*mc.StabilityLimit()+1e-9 {
		t.Errorf("h·ρ = %.4f after the fit (rate %.4f), want ≤ %.4f", s, r, 0.9*mc.StabilityLimit())
	}
	if s := mc.StepStability(theta); s < 0.85*mc.StabilityLimit() {
		t.Errorf("h·ρ = %.4f (rate %.4f): the fit stopped below the cap although the data's rate is 20", s, r)
	}
}

// TestTrainInitFit: with A on the star and ε at its default start, the
// default initial rates leave the intensities on the floor and the first
// epoch's loss stays far above the one reached from the fitted rate.
func TestTrainInitFit(t *testing.T) {
	const T = 4.0
	cs, g := starCascades(t, 15, 200, 0.5, T)
	cfg := DefaultConfig(15, T)
	cfg.Model.Support, cfg.Model.Hidden, cfg.Model.Steps, cfg.Model.Method = g, []int{4}, 20, ode.Euler
	cfg.Epochs, cfg.Batch, cfg.LR, cfg.Patience = 2, 50, 0.01, 0
	cfg.InitFit = false
	plain, err := Train(cfg, cs, nil, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.InitFit = true
	fit, err := Train(cfg, cs, nil, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plain.InitRate != 0 || !(fit.InitRate > 0.3 && fit.InitRate < 0.7) {
		t.Errorf("InitRate: %v without the fit, %v with it (want ≈ 0.5)", plain.InitRate, fit.InitRate)
	}
	if lp, lf := plain.Epochs[1].Loss, fit.Epochs[1].Loss; !(lf < 0.5*lp) {
		t.Errorf("epoch-2 loss %.4g with the fit, %.4g without: want less than half", lf, lp)
	}
	// Resuming a fitted run does not fit again: 1 epoch, a checkpoint and
	// 1 more give the same θ as the 2 straight epochs, bit for bit.
	sameBits(t, fit.Theta, trainResumed(t, cfg, cs, nil, 1).Theta)
}

// TestFitInitRateShortTheta: a θ of the wrong length is an error, not a
// panic.
func TestFitInitRateShortTheta(t *testing.T) {
	cs, g := starCascades(t, 5, 4, 0.5, 2)
	if _, _, err := FitInitRate(fitConfig(g, 2, 4), []float64{0.1}, cs); err == nil {
		t.Error("no error for a θ of 1 value")
	}
}
