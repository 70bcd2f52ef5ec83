package slicer

import (
	"fmt"
	"math"

	"github.com/spread-dev/spread/train"
)

// initFitTol is the width in α at which FitConstant stops bisecting.
const initFitTol = 1e-4

// FitConstant returns the α at which the objective f of P parameters, with
// every parameter equal to α, is stationary: the maximum-likelihood fit of
// the one-parameter model "every edge has the same probability". It
// bisects the sign of φ′(α) = Σ_i ∂O/∂θ_i(α·1) on [SPGMargin,
// 1−SPGMargin] in logit coordinates (so that small α are resolved as
// finely as large ones) until the bracket is narrower than 1e-4 in α,
// about 15 evaluations; it returns a box end when φ′ has one sign on the
// whole box. evals is the number of gradient evaluations.
//
// Why: with scarce data most edges are touched by no cascade, and their
// learned α stays near the start (docs/RESULTS.md, ego-Facebook). Starting
// from the best constant instead of 0.5 puts them where the data as a whole
// point, and a hierarchical prior then learns its centre from there.
// φ need not be concave; bisection finds a stationary point, not
// necessarily the global maximum.
func FitConstant(f train.Objective, P int) (alpha float64, evals int, err error) {
	if P <= 0 {
		return 0, 0, fmt.Errorf("slicer: FitConstant: %d parameters", P)
	}
	theta := make([]float64, P)
	grad := make([]float64, P)
	slope := func(a float64) (float64, error) {
		for i := range theta {
			theta[i] = a
		}
		clear(grad)
		evals++
		o, err := f.Eval(theta, grad)
		if err == nil {
			err = train.CheckFinite("slicer: FitConstant", o, grad)
		}
		if err != nil {
			return 0, err
		}
		s := 0.0
		for _, g := range grad {
			s += g
		}
		return s, nil
	}
	lo, hi := SPGMargin, 1-SPGMargin
	if s, err := slope(lo); err != nil || s <= 0 {
		return lo, evals, err
	}
	if s, err := slope(hi); err != nil || s >= 0 {
		return hi, evals, err
	}
	logit := func(a float64) float64 { return math.Log(a / (1 - a)) }
	zl, zh := logit(lo), logit(hi)
	for hi-lo > initFitTol {
		z := (zl + zh) / 2
		mid := 1 / (1 + math.Exp(-z))
		s, err := slope(mid)
		if err != nil {
			return mid, evals, err
		}
		if s > 0 {
			zl, lo = z, mid
		} else {
			zh, hi = z, mid
		}
	}
	return (lo + hi) / 2, evals, nil
}
