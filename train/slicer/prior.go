package slicer

import (
	"fmt"
	"io"
	"math"

	"github.com/spread-dev/spread/train"
)

// Prior kinds accepted in Prior.Kind (see the package documentation,
// "Priors and MAP estimation").
const (
	// PriorNone is maximum likelihood: O(α) alone.
	PriorNone = "none"
	// PriorBeta is a fixed Beta prior with mode Prior.Mean and strength
	// Prior.Strength on every α_e.
	PriorBeta = "beta"
	// PriorHier is the hierarchical (empirical Bayes) prior: the Beta prior
	// of PriorBeta whose mode m is a free global parameter, maximised
	// jointly with α (profiled out at every evaluation).
	PriorHier = "hier"
)

// PriorMargin bounds the profiled mode m of PriorHier to [PriorMargin,
// 1−PriorMargin], the box the learners keep α in.
const PriorMargin = SPGMargin

// DefaultPriorMean is Prior.Mean when it is zero: 0.5, the paper's starting
// point, the prior mode that favours neither end of (0, 1).
const DefaultPriorMean = 0.5

// DefaultStrengths are the candidate strengths κ that SelectPrior's
// callers (spread ic learn -validate) try when none are given: pseudo-counts
// of 1, 10, 100 and 1000 trials per edge.
var DefaultStrengths = []float64{1, 10, 100, 1000}

// Prior is a prior on every learned α_e (all replicas alike): the Beta
// distribution with mode m and strength κ,
//
//	p(α_e) = Beta(α_e; 1 + κm, 1 + κ(1−m)),
//	log p(α_e) = κ[m log α_e + (1−m) log(1−α_e)] − log B(1 + κm, 1 + κ(1−m)),
//
// κm pseudo-activations and κ(1−m) pseudo-failures per edge. The zero value
// is no prior.
type Prior struct {
	// Kind is "none", "beta" or "hier". Empty means "none".
	Kind string `json:"kind,omitempty"`
	// Mean is the prior's mode m in (0, 1) for "beta" (the estimate of an
	// edge the data say nothing about). Zero means 0.5. It must be zero for
	// "hier", whose m is learned, and for "none".
	Mean float64 `json:"mean,omitempty"`
	// Strength is κ > 0, the number of pseudo-trials per edge, for "beta"
	// and "hier"; it must be zero for "none".
	Strength float64 `json:"strength,omitempty"`
}

// String returns "none", "beta(m=0.1, κ=10)" or "hier(κ=10)".
func (p Prior) String() string {
	switch p.Kind {
	case "", PriorNone:
		return PriorNone
	case PriorBeta:
		return fmt.Sprintf("beta(m=%g, κ=%g)", p.mean(), p.Strength)
	}
	return fmt.Sprintf("%s(κ=%g)", p.Kind, p.Strength)
}

// IsNone reports whether p adds nothing to the objective.
func (p Prior) IsNone() bool { return p.Kind == "" || p.Kind == PriorNone }

func (p Prior) mean() float64 {
	if p.Mean == 0 {
		return DefaultPriorMean
	}
	return p.Mean
}

// Validate returns an error naming the field if p is not a valid prior.
func (p Prior) Validate() error {
	switch p.Kind {
	case "", PriorNone:
		if p.Mean != 0 || p.Strength != 0 {
			return fmt.Errorf("slicer: prior none takes no Mean or Strength (got %v, %v)", p.Mean, p.Strength)
		}
		return nil
	case PriorBeta:
		if !(p.Mean >= 0 && p.Mean < 1) || (p.Mean != 0 && p.Mean < PriorMargin) || p.Mean > 1-PriorMargin {
			return fmt.Errorf("slicer: prior beta: Mean = %v, want %v ≤ Mean ≤ %v (0 means %v)", p.Mean, PriorMargin, 1-PriorMargin, DefaultPriorMean)
		}
	case PriorHier:
		if p.Mean != 0 {
			return fmt.Errorf("slicer: prior hier learns its mode: Mean must be 0, got %v", p.Mean)
		}
	default:
		return fmt.Errorf("slicer: unknown prior Kind %q (want %q, %q or %q)", p.Kind, PriorNone, PriorBeta, PriorHier)
	}
	if !(p.Strength > 0) || math.IsInf(p.Strength, 1) {
		return fmt.Errorf("slicer: prior %s: Strength = %v, want a finite κ > 0", p.Kind, p.Strength)
	}
	return nil
}

// Mode returns the prior's mode m at θ: Mean (or its default) for "beta",
// the profiled m*(θ) for "hier" (see LogPrior), NaN for "none". It panics
// if θ has an entry outside (0, 1) and p is "hier".
func (p Prior) Mode(theta []float64) float64 {
	switch p.Kind {
	case PriorBeta:
		return p.mean()
	case PriorHier:
		s1, s2 := logMeans(theta)
		return hierMode(s1, s2, p.Strength)
	}
	return math.NaN()
}

// LogPrior returns log p(θ) = Σ_e log p(θ_e) and, when grad is not nil,
// adds ∂ log p/∂θ_e to grad[e]:
//
//	∂ log p/∂θ_e = κ[m/θ_e − (1−m)/(1−θ_e)].
//
// For "hier", m is m*(θ) = argmax over m ∈ [PriorMargin, 1−PriorMargin] of
// log p(θ | m), found by bisection on the stationarity condition
//
//	ψ(1 + κm) − ψ(1 + κ(1−m)) = S1 − S2,   S1 = mean log θ_e, S2 = mean log(1−θ_e)
//
// (ψ the digamma function; the left side increases with m and log p(θ | m)
// is strictly concave in m, so the maximiser is unique), and log p(θ) is the
// profiled value log p(θ | m*(θ)); by Danskin's theorem its gradient is the
// fixed-m gradient at m*. For "none" it returns 0 and leaves grad alone.
// θ_e ∉ (0, 1) gives −Inf or NaN. It panics if grad is not nil and
// len(grad) != len(theta).
func (p Prior) LogPrior(grad, theta []float64) float64 {
	if p.IsNone() {
		return 0
	}
	if grad != nil && len(grad) != len(theta) {
		panic("slicer: Prior.LogPrior: len(grad) != len(theta)")
	}
	k := p.Strength
	var m float64
	s1, s2 := logMeans(theta)
	if p.Kind == PriorHier {
		m = hierMode(s1, s2, k)
	} else {
		m = p.mean()
	}
	n := float64(len(theta))
	lp := n * (k*(m*s1+(1-m)*s2) - logBeta(1+k*m, 1+k*(1-m)))
	if grad != nil {
		for e, a := range theta {
			grad[e] += k * (m/a - (1-m)/(1-a))
		}
	}
	return lp
}

// logMeans returns S1 = mean log θ_e and S2 = mean log(1−θ_e) (0, 0 for an
// empty θ).
func logMeans(theta []float64) (s1, s2 float64) {
	if len(theta) == 0 {
		return 0, 0
	}
	for _, a := range theta {
		s1 += math.Log(a)
		s2 += math.Log1p(-a)
	}
	n := float64(len(theta))
	return s1 / n, s2 / n
}

// hierMode returns argmax over m ∈ [PriorMargin, 1−PriorMargin] of
// κ[m·s1 + (1−m)·s2] − log B(1+κm, 1+κ(1−m)), by bisection on its
// derivative κ[(s1 − s2) − ψ(1+κm) + ψ(1+κ(1−m))], which decreases in m.
func hierMode(s1, s2, k float64) float64 {
	d := s1 - s2
	slope := func(m float64) float64 { return d - digamma(1+k*m) + digamma(1+k*(1-m)) }
	lo, hi := PriorMargin, 1-PriorMargin
	if math.IsNaN(d) {
		return math.NaN()
	}
	if slope(lo) <= 0 {
		return lo
	}
	if slope(hi) >= 0 {
		return hi
	}
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if slope(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2
}

// logBeta returns log B(a, b) for a, b > 0.
func logBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// digamma returns ψ(x) for x > 0: the recurrence ψ(x) = ψ(x+1) − 1/x up to
// x ≥ 12, then the asymptotic series to x^−10 (error below 1e-14).
func digamma(x float64) float64 {
	var r float64
	for x < 12 {
		r -= 1 / x
		x++
	}
	f := 1 / (x * x)
	return r + math.Log(x) - 0.5/x - f*(1.0/12-f*(1.0/120-f*(1.0/252-f*(1.0/240-f*(1.0/132)))))
}

// MAPObjective returns the maximum a posteriori objective of base under p,
//
//	F(θ) = f(θ) + log p(θ),
//
// with ∇F = ∇f + ∇ log p (Prior.LogPrior) for any gradient source base
// (autodiff, adjoint, a model variant). With a "none" prior it returns base
// itself. The learners keep θ in [SPGMargin, 1−SPGMargin] (or the margins of
// the other methods), where log p is finite. It panics if p is invalid.
func MAPObjective(base train.Objective, p Prior) train.Objective {
	if err := p.Validate(); err != nil {
		panic(err.Error())
	}
	if p.IsNone() {
		return base
	}
	return &mapObjective{base: base, prior: p}
}

type mapObjective struct {
	base  train.Objective
	prior Prior
}

// Eval implements train.Objective.
func (o *mapObjective) Eval(theta, grad []float64) (float64, error) {
	f, err := o.base.Eval(theta, grad)
	if err != nil {
		return f, err
	}
	return f + o.prior.LogPrior(grad, theta), nil
}

// Close releases the base objective if it holds resources.
func (o *mapObjective) Close() error {
	if c, ok := o.base.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
