package slicer

import (
	"math"
	"testing"
)

// TestFitConstant: with every α* = 0.2 and 2000 cascades the fitted
// constant is 0.2 within sampling error, and it is a stationary point: the
// slope Σ ∂O/∂θ changes sign across it. Learn with InitFit starts stage 1
// there (its first objective is O at the fitted constant, not at Init).
func TestFitConstant(t *testing.T) {
	g := rrg30(t)
	star := filled(g.NumPairs(), 0.2)
	_, obs := instanceWith(t, g, star, 2000, 4, 7)
	f := AdjointObjective(g, obs, 1, nil)
	a, evals, err := FitConstant(f, g.NumPairs())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fitted α = %.5f in %d evaluations", a, evals)
	if math.Abs(a-0.2) > 0.01 {
		t.Errorf("fitted α = %v, want 0.2 ± 0.01", a)
	}
	if evals > 20 {
		t.Errorf("%d evaluations, want at most 20", evals)
	}
	slope := func(x float64) float64 {
		grad := make([]float64, g.NumPairs())
		if _, err := f.Eval(filled(g.NumPairs(), x), grad); err != nil {
			t.Fatal(err)
		}
		s := 0.0
		for _, v := range grad {
			s += v
		}
		return s
	}
	if lo, hi := slope(a-1e-3), slope(a+1e-3); !(lo > 0 && hi < 0) {
		t.Errorf("slope %v at α−1e-3 and %v at α+1e-3, want + then −", lo, hi)
	}

	cfg := DefaultConfig()
	cfg.Grad, cfg.Workers, cfg.MaxIters, cfg.InitFit = GradAdjoint, 1, 1, true
	res, err := Learn(g, obs, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	o0, err := f.Eval(filled(g.NumPairs(), a), make([]float64, g.NumPairs()))
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Stages[0].Initial; math.Abs(got-o0) > 1e-9*math.Abs(o0) {
		t.Errorf("Learn with InitFit starts at O = %v, want O(fitted α·1) = %v", got, o0)
	}
}
