package slicer

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/gradcheck"
)

// instanceWith simulates M single-seed cascades of horizon T on g from the
// given α* (stream seed) and returns the cascades and their count tables.
func instanceWith(t testing.TB, g *graphs.Graph, star []float64, M, T int, seed uint64) (*datasets.Cascades, *ic.Observations) {
	t.Helper()
	c, err := datasets.Synthetic(g, ic.ExpandAlpha(nil, g, star), datasets.SyntheticConfig{M: M, T: T, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return c, datasets.Counts(c, nil, true, nil)
}

// TestMAPObjectiveGradient checks ∇(O + log p) against central differences
// for every prior kind and both gradient sources' shape (the adjoint here;
// MAPObjective wraps any train.Objective). Tolerances: step 1e-6, relative
// 1e-5, absolute 1e-6 (O is a sum of tens of log terms; the prior adds κ/α
// terms up to 1e3·κ at α near the box).
func TestMAPObjectiveGradient(t *testing.T) {
	g := tree20(t)
	in := newInstance(t, g, 200, 4, 0, 3)
	rng := rand.New(rand.NewPCG(9, 9))
	x := make([]float64, g.NumPairs())
	for i := range x {
		x[i] = 0.05 + 0.9*rng.Float64()
	}
	set := &gradcheck.Settings{Step: 1e-6, RelTol: 1e-5, AbsTol: 1e-6}
	tests := []struct {
		name  string
		prior Prior
	}{
		{"none", Prior{}},
		{"beta m=0.2 κ=5", Prior{Kind: PriorBeta, Mean: 0.2, Strength: 5}},
		{"beta default mean κ=50", Prior{Kind: PriorBeta, Strength: 50}},
		{"hier κ=3", Prior{Kind: PriorHier, Strength: 3}},
		{"hier κ=30", Prior{Kind: PriorHier, Strength: 30}},
	}
	for _, tt := range tests {
		obj := MAPObjective(AdjointObjective(g, in.obs, 1, &adjoint.Options{Workers: 1}), tt.prior)
		rep, err := gradcheck.CheckObjective(obj, x, nil, set)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !rep.Pass {
			t.Errorf("%s: %v", tt.name, rep)
		}
		// The prior alone, at points near the box where κ/α is large.
		lp := train.ObjectiveFunc(func(th, grad []float64) (float64, error) {
			clear(grad)
			return tt.prior.LogPrior(grad, th), nil
		})
		y := slices.Clone(x)
		y[0], y[1] = 2e-3, 1-2e-3
		if rep, err := gradcheck.CheckObjective(lp, y, nil, &gradcheck.Settings{Step: 1e-7, RelTol: 1e-5, AbsTol: 1e-6}); err != nil || !rep.Pass {
			t.Errorf("%s: log prior alone: %v %v", tt.name, rep, err)
		}
	}
	// Negative control: the gradient of the prior with the wrong sign must
	// fail.
	bad := train.ObjectiveFunc(func(th, grad []float64) (float64, error) {
		clear(grad)
		p := Prior{Kind: PriorHier, Strength: 3}
		v := p.LogPrior(grad, th)
		for i := range grad {
			grad[i] = -grad[i]
		}
		return v, nil
	})
	if rep, err := gradcheck.CheckObjective(bad, x, nil, set); err != nil || rep.Pass {
		t.Errorf("negative control (sign-flipped prior gradient) passed: %v %v", rep, err)
	}
}

// TestHierCentre checks that the profiled centre is the mean logit: the
// penalty at µ* is below the penalty at nearby µ.
func TestHierCentre(t *testing.T) {
	th := []float64{0.1, 0.2, 0.05, 0.7}
	p := Prior{Kind: PriorHier, Strength: 2}
	mu := logit(p.Mode(th))
	pen := func(mu float64) float64 {
		var s float64
		for _, a := range th {
			s += (logit(a) - mu) * (logit(a) - mu)
		}
		return -s
	}
	if math.Abs(p.LogPrior(nil, th)-pen(mu)) > 1e-12 || pen(mu+1e-3) > pen(mu) || pen(mu-1e-3) > pen(mu) {
		t.Errorf("µ* = %v is not the maximiser (log p %v)", mu, p.LogPrior(nil, th))
	}
}

// TestStrongPriorPullsToMode: with κ = 10⁶ every α moves to the prior mode
// (beta: the given m; hier: one common learned m).
func TestStrongPriorPullsToMode(t *testing.T) {
	g := rrg30(t)
	in := newInstance(t, g, 100, 4, 0, 5)
	for _, p := range []Prior{{Kind: PriorBeta, Mean: 0.3, Strength: 1e6}, {Kind: PriorHier, Strength: 1e6}} {
		cfg := DefaultConfig()
		cfg.Grad, cfg.Prior, cfg.Workers = GradAdjoint, p, 1
		res, err := Learn(g, in.obs, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := p.Mode(res.Theta)
		if p.Kind == PriorBeta && m != 0.3 {
			t.Errorf("%v: Mode = %v", p, m)
		}
		for e, a := range res.Theta {
			if math.Abs(a-m) > 2e-3 {
				t.Fatalf("%v: α[%d] = %v, want the mode %v ± 2e-3", p, e, a, m)
			}
		}
	}
}

// TestHierLearnsMean: with a constant α* = 0.2 and a strong hierarchical
// prior, the learned mode is close to 0.2 (from the start α = 0.5), and the
// estimate beats maximum likelihood on few cascades.
func TestHierLearnsMean(t *testing.T) {
	g := rrg30(t)
	star := filled(g.NumPairs(), 0.2)
	_, obs := instanceWith(t, g, star, 40, 4, 11)
	mae := func(p Prior) (float64, float64) {
		cfg := DefaultConfig()
		cfg.Grad, cfg.Prior, cfg.Workers = GradAdjoint, p, 1
		res, err := Learn(g, obs, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		return MeanAbsError(res.Theta, star, nil), p.Mode(res.Theta)
	}
	none, _ := mae(Prior{})
	hier, m := mae(Prior{Kind: PriorHier, Strength: 10})
	t.Logf("MAE none %.4f, hier(κ=10) %.4f with m = %.4f", none, hier, m)
	if math.Abs(m-0.2) > 0.05 {
		t.Errorf("learned mode %v, want 0.2 ± 0.05", m)
	}
	if !(hier < none/2) {
		t.Errorf("hier MAE %v not below half of maximum likelihood's %v", hier, none)
	}
}

// TestSelectPrior: validation prefers a strong prior when the data are few
// and α* is constant (the prior is right and the data cannot do better),
// and a weak one when the data are many and α* ~ U[0, 1] (the prior is
// wrong and the data can). Both runs are repeated to check determinism.
func TestSelectPrior(t *testing.T) {
	g := rrg30(t)
	rng := rand.New(rand.NewPCG(4, 4))
	uniform := make([]float64, g.NumPairs())
	for i := range uniform {
		uniform[i] = rng.Float64()
	}
	tests := []struct {
		name    string
		star    []float64
		M       int
		want    func(Prior) bool
		wantMsg string
	}{
		{"few cascades, constant α*", filled(g.NumPairs(), 0.2), 30, func(p Prior) bool { return p.Strength >= 10 }, "κ ≥ 10"},
		{"many cascades, uniform α*", uniform, 3000, func(p Prior) bool { return p.Strength <= 0.1 }, "κ ≤ 0.1 or none"},
	}
	cands := PriorCandidates(PriorHier, 0, []float64{0.1, 1, 10, 100}, true)
	for _, tt := range tests {
		c, _ := instanceWith(t, g, tt.star, tt.M, 4, 21)
		fitC, heldC, err := datasets.SplitCascades(c, 0.3, 1)
		if err != nil {
			t.Fatal(err)
		}
		fit, held := datasets.Counts(fitC, nil, true, nil), datasets.Counts(heldC, nil, true, nil)
		cfg := DefaultConfig()
		cfg.Grad, cfg.Workers = GradAdjoint, 1
		best, scores, err := SelectPrior(g, fit, held, cfg, cands, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range scores {
			t.Logf("%s: %v held-out %.4f m %.3f", tt.name, s.Prior, s.Held, s.Mode)
		}
		if !tt.want(best) {
			t.Errorf("%s: chose %v, want %s", tt.name, best, tt.wantMsg)
		}
		best2, scores2, err := SelectPrior(g, fit, held, cfg, cands, nil)
		if err != nil || best2 != best || len(scores2) != len(scores) {
			t.Fatalf("%s: second run chose %v (err %v)", tt.name, best2, err)
		}
		for i := range scores {
			if math.Float64bits(scores[i].Held) != math.Float64bits(scores2[i].Held) {
				t.Errorf("%s: candidate %d held-out %v then %v", tt.name, i, scores[i].Held, scores2[i].Held)
			}
		}
	}
}

func TestPriorErrors(t *testing.T) {
	bad := []Prior{
		{Kind: "gauss", Strength: 1},
		{Kind: PriorNone, Strength: 1},
		{Kind: PriorBeta, Mean: 1, Strength: 1},
		{Kind: PriorBeta, Mean: -0.1, Strength: 1},
		{Kind: PriorBeta, Mean: 0.5},
		{Kind: PriorBeta, Mean: 0.5, Strength: math.Inf(1)},
		{Kind: PriorHier, Mean: 0.5, Strength: 1},
		{Kind: PriorHier, Strength: math.NaN()},
	}
	g := tree20(t)
	in := newInstance(t, g, 10, 4, 0, 1)
	for _, p := range bad {
		if p.Validate() == nil {
			t.Errorf("%+v: no error", p)
		}
		cfg := DefaultConfig()
		cfg.Prior = p
		if _, err := Learn(g, in.obs, cfg, nil); err == nil {
			t.Errorf("%+v: Learn accepted it", p)
		}
	}
	if _, _, err := SelectPrior(g, in.obs, in.obs, DefaultConfig(), nil, nil); err == nil {
		t.Error("SelectPrior with no candidate: no error")
	}
}
