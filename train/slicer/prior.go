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
	// PriorHier is the hierarchical (empirical Bayes) prior: a Gaussian on
	// logit α_e with precision Prior.Strength around a global centre µ that
	// is maximised jointly with α (profiled out at every evaluation).
	PriorHier = "hier"
)

// PriorMargin is the smallest distance of Prior.Mean from 0 and 1: the box
// the learners keep α in.
const PriorMargin = SPGMargin

// DefaultPriorMean is Prior.Mean when it is zero: 0.5, the paper's starting
// point, the prior mode that favours neither end of (0, 1).
const DefaultPriorMean = 0.5

// DefaultStrengths are the candidate strengths κ of PriorCandidates when
// none are given, per kind: for "beta" pseudo-counts of 1, 10, 100 and 1000
// trials per edge; for "hier" logit-scale precisions 0.1, 1 and 10
// (standard deviations of about 3.2, 1 and 0.32 in logit α).
var DefaultStrengths = map[string][]float64{PriorBeta: {1, 10, 100, 1000}, PriorHier: {0.1, 1, 10}}

// Prior is a prior on every learned α_e (all replicas alike). "beta" is
// the Beta distribution with mode m and strength κ,
//
//	p(α_e) = Beta(α_e; 1 + κm, 1 + κ(1−m)),
//
// κm pseudo-activations and κ(1−m) pseudo-failures per edge; "hier" is a
// Gaussian on logit α_e of precision κ around a learned centre (see
// LogPrior). The zero value is no prior.
type Prior struct {
	// Kind is "none", "beta" or "hier". Empty means "none".
	Kind string `json:"kind,omitempty"`
	// Mean is the prior's mode m in (0, 1) for "beta" (the estimate of an
	// edge the data say nothing about). Zero means 0.5. It must be zero for
	// "hier", whose m is learned, and for "none".
	Mean float64 `json:"mean,omitempty"`
	// Strength is κ > 0: the number of pseudo-trials per edge for "beta",
	// the precision 1/σ² of logit α_e for "hier"; it must be zero for
	// "none".
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
// the learned m*(θ) = σ(µ*(θ)) for "hier" (see LogPrior), NaN for "none".
func (p Prior) Mode(theta []float64) float64 {
	switch p.Kind {
	case PriorBeta:
		return p.mean()
	case PriorHier:
		return sigmoid(meanLogit(theta))
	}
	return math.NaN()
}

// LogPrior returns log p(θ) = Σ_e log p(θ_e) and, when grad is not nil,
// adds ∂ log p/∂θ_e to grad[e]. For "beta",
//
//	log p(θ_e) = κ[m log θ_e + (1−m) log(1−θ_e)] − log B(1 + κm, 1 + κ(1−m)),
//	∂ log p/∂θ_e = κ[m/θ_e − (1−m)/(1−θ_e)].
//
// For "hier", a Gaussian penalty on ℓ_e = logit θ_e around a learned centre
// µ, with precision κ, profiled over µ:
//
//	log p(θ) = max_µ −(κ/2) Σ_e (ℓ_e − µ)² = −(κ/2) Σ_e (ℓ_e − µ*)²,   µ* = mean_e ℓ_e,
//	∂ log p/∂θ_e = −κ (ℓ_e − µ*) / (θ_e(1−θ_e))
//
// (the µ* dependence drops out: Σ_e (ℓ_e − µ*) = 0). For "none" it returns
// 0 and leaves grad alone. θ_e ∉ (0, 1) gives −Inf or NaN. It panics if
// grad is not nil and len(grad) != len(theta).
func (p Prior) LogPrior(grad, theta []float64) float64 {
	if p.IsNone() {
		return 0
	}
	if grad != nil && len(grad) != len(theta) {
		panic("slicer: Prior.LogPrior: len(grad) != len(theta)")
	}
	k := p.Strength
	if p.Kind == PriorHier {
		mu := meanLogit(theta)
		var ss float64
		for e, a := range theta {
			d := logit(a) - mu
			ss += d * d
			if grad != nil {
				grad[e] -= k * d / (a * (1 - a))
			}
		}
		return -k / 2 * ss
	}
	m := p.mean()
	var s1, s2 float64
	for e, a := range theta {
		s1 += math.Log(a)
		s2 += math.Log1p(-a)
		if grad != nil {
			grad[e] += k * (m/a - (1-m)/(1-a))
		}
	}
	return k*(m*s1+(1-m)*s2) - float64(len(theta))*logBeta(1+k*m, 1+k*(1-m))
}

func logit(a float64) float64   { return math.Log(a) - math.Log1p(-a) }
func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// meanLogit returns µ* = mean_e logit θ_e (0 for an empty θ).
func meanLogit(theta []float64) float64 {
	if len(theta) == 0 {
		return 0
	}
	var s float64
	for _, a := range theta {
		s += logit(a)
	}
	return s / float64(len(theta))
}

// logBeta returns log B(a, b) for a, b > 0.
func logBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
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
