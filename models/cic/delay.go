package cic

import (
	"fmt"
	"math"
	"strings"
)

// Delay is a family of transmission-delay densities f(τ; a, b) with per-edge
// parameters (a_e, b_e). It is a small comparable value type; the zero value
// is Exponential. Each family is defined once here (density, survival,
// hazard, inverse-transform sampling) and used by both the world-keyed Model
// and the Simulator.
//
//	family       a         b         f(τ)                            S(τ) = 1 − F(τ)   h(τ) = f/S
//	Exponential  rate α    (unused)  α e^{−ατ}                       e^{−ατ}           α
//	Rayleigh     rate α    (unused)  ατ e^{−ατ²/2}                   e^{−ατ²/2}        ατ
//	Weibull      scale λ   shape k   (k/λ)(τ/λ)^{k−1} e^{−(τ/λ)^k}   e^{−(τ/λ)^k}      (k/λ)(τ/λ)^{k−1}
//
// Rayleigh follows NetRate's convention (Gomez-Rodriguez, Balduzzi and
// Schölkopf 2011): α = 1/σ² of the textbook Rayleigh(σ). An edge whose
// delay is infinite with probability one never transmits: α = 0 for
// Exponential and Rayleigh, λ = +Inf for Weibull. For τ < 0 the density and
// hazard are 0 and the survival 1.
type Delay struct {
	family family
}

type family uint8

const (
	exponential family = iota
	rayleigh
	weibull
	numFamilies
)

// Exponential is the exponential delay family, f(τ; α) = α e^{−ατ}, the
// mean delay being 1/α.
func Exponential() Delay { return Delay{family: exponential} }

// Rayleigh is the Rayleigh delay family in NetRate's convention,
// f(τ; α) = ατ e^{−ατ²/2}, with mean √(π/(2α)).
func Rayleigh() Delay { return Delay{family: rayleigh} }

// Weibull is the Weibull delay family with scale λ (parameter a) and shape k
// (parameter b), f(τ; λ, k) = (k/λ)(τ/λ)^{k−1} e^{−(τ/λ)^k}, with mean
// λ Γ(1 + 1/k). Shape 1 is the exponential with rate 1/λ.
func Weibull() Delay { return Delay{family: weibull} }

// ParseDelay returns the family named "exp" (or "exponential"), "rayleigh"
// or "weibull", case-insensitively; an error names the valid choices.
func ParseDelay(name string) (Delay, error) {
	switch strings.ToLower(name) {
	case "exp", "exponential":
		return Exponential(), nil
	case "rayleigh":
		return Rayleigh(), nil
	case "weibull":
		return Weibull(), nil
	}
	return Delay{}, fmt.Errorf("cic: unknown delay family %q (valid: exp, rayleigh, weibull)", name)
}

// String returns the family's name.
func (d Delay) String() string {
	switch d.family {
	case exponential:
		return "exponential"
	case rayleigh:
		return "rayleigh"
	case weibull:
		return "weibull"
	}
	return fmt.Sprintf("Delay(%d)", d.family)
}

// NumParams returns the number of parameters per edge: 1 (a only) for
// Exponential and Rayleigh, 2 (a, b) for Weibull.
func (d Delay) NumParams() int {
	if d.family == weibull {
		return 2
	}
	return 1
}

// valid reports whether d is a known family.
func (d Delay) valid() bool { return d.family < numFamilies }

// CheckParams returns an error unless (a, b) are valid parameters of d:
// a finite rate α ≥ 0 for Exponential and Rayleigh (b ignored); a scale
// λ > 0 (+Inf allowed: never transmits) and a finite shape k > 0 for
// Weibull.
func (d Delay) CheckParams(a, b float64) error {
	switch d.family {
	case exponential, rayleigh:
		if !(a >= 0) || math.IsInf(a, 0) {
			return fmt.Errorf("%s rate %v, want a finite rate ≥ 0", d, a)
		}
	case weibull:
		if !(a > 0) {
			return fmt.Errorf("weibull scale %v, want a scale > 0", a)
		}
		if !(b > 0) || math.IsInf(b, 0) {
			return fmt.Errorf("weibull shape %v, want a finite shape > 0", b)
		}
	default:
		return fmt.Errorf("unknown delay family %v", d)
	}
	return nil
}

// never reports whether an edge with first parameter a never transmits.
func (d Delay) never(a float64) bool {
	if d.family == weibull {
		return math.IsInf(a, 1)
	}
	return a == 0
}

// Sample returns the delay τ = F⁻¹(1 − u; a, b) for a uniform u ∈ (0, 1],
// F the family's CDF (inverse-transform sampling with the complement, so
// that S(τ) = u and τ decreases in u; u = 1 gives τ = 0):
//
//	Exponential  τ = −ln(u)/α
//	Rayleigh     τ = √(−2 ln(u)/α)
//	Weibull      τ = λ (−ln u)^{1/k}
//
// A rate α = 0 (or λ = +Inf) gives +Inf. It panics on an unknown family
// (a programmer error: the zero Delay and the constructors are known).
func (d Delay) Sample(u, a, b float64) float64 {
	switch d.family {
	case exponential:
		return -math.Log(u) / a
	case rayleigh:
		return math.Sqrt(-2 * math.Log(u) / a)
	case weibull:
		return a * math.Pow(-math.Log(u), 1/b)
	}
	panic("cic: unknown delay family " + d.String())
}

// cumHazard returns Λ(τ) = −ln S(τ) for τ ≥ 0.
func (d Delay) cumHazard(t, a, b float64) float64 {
	switch d.family {
	case exponential:
		return a * t
	case rayleigh:
		return a * t * t / 2
	case weibull:
		return math.Pow(t/a, b)
	}
	panic("cic: unknown delay family " + d.String())
}

// Survival returns S(τ) = P(delay > τ) = 1 − CDF(τ), e^{−Λ(τ)} with the
// cumulative hazard Λ(τ) = ατ, ατ²/2, (τ/λ)^k; 1 for τ < 0.
func (d Delay) Survival(t, a, b float64) float64 {
	if t < 0 {
		return 1
	}
	return math.Exp(-d.cumHazard(t, a, b))
}

// CDF returns F(τ) = P(delay ≤ τ) = 1 − S(τ), computed as −expm1(−Λ(τ))
// for accuracy at small τ; 0 for τ < 0.
func (d Delay) CDF(t, a, b float64) float64 {
	if t < 0 {
		return 0
	}
	return -math.Expm1(-d.cumHazard(t, a, b))
}

// Hazard returns h(τ) = f(τ)/S(τ): α (Exponential), ατ (Rayleigh),
// (k/λ)(τ/λ)^{k−1} (Weibull); 0 for τ < 0. NetRate's log-likelihood uses
// log h and Λ = −log S.
func (d Delay) Hazard(t, a, b float64) float64 {
	if t < 0 {
		return 0
	}
	switch d.family {
	case exponential:
		return a
	case rayleigh:
		return a * t
	case weibull:
		return b / a * math.Pow(t/a, b-1)
	}
	panic("cic: unknown delay family " + d.String())
}

// Density returns f(τ) = h(τ) S(τ); 0 for τ < 0.
func (d Delay) Density(t, a, b float64) float64 {
	if t < 0 {
		return 0
	}
	return d.Hazard(t, a, b) * d.Survival(t, a, b)
}

// Mean returns the mean delay: 1/α (Exponential), √(π/(2α)) (Rayleigh),
// λ Γ(1 + 1/k) (Weibull); +Inf for an edge that never transmits.
func (d Delay) Mean(a, b float64) float64 {
	switch d.family {
	case exponential:
		return 1 / a
	case rayleigh:
		return math.Sqrt(math.Pi / (2 * a))
	case weibull:
		return a * math.Gamma(1+1/b)
	}
	panic("cic: unknown delay family " + d.String())
}

// Params holds a delay family's per-edge parameters in the graph's edge
// order (see Delay for their meaning per family).
type Params struct {
	// A is a_e: the rate α_e of Exponential and Rayleigh, the scale λ_e of
	// Weibull. nil means the graph's weights (g.Weight).
	A []float64
	// B is b_e: the Weibull shape k_e. Ignored (may be nil) for the
	// one-parameter families.
	B []float64
}

// b returns b_e, 0 when B is nil.
func (p *Params) b(e int) float64 {
	if p.B == nil {
		return 0
	}
	return p.B[e]
}
