package cic

import (
	"fmt"
	"math"
)

// Delay is a family of transmission-delay densities f(τ; α) with one rate
// parameter α per edge. It is a small value type: further families
// (Rayleigh, Weibull with a shape) are added as more values of it, and
// Model samples every edge through Sample. The zero value is Exponential.
type Delay struct {
	family family
}

type family uint8

const (
	exponential family = iota
)

// Exponential is the exponential delay family, f(τ; α) = α e^{−ατ}, the
// mean delay being 1/α.
func Exponential() Delay { return Delay{family: exponential} }

// String returns the family's name.
func (d Delay) String() string {
	switch d.family {
	case exponential:
		return "exponential"
	}
	return fmt.Sprintf("Delay(%d)", d.family)
}

// Sample returns the delay τ = F⁻¹(1 − u; α) for the rate α > 0 and a
// uniform u ∈ (0, 1], F the family's CDF (inverse-transform sampling with
// the complement, so that τ decreases in u; u = 1 gives τ = 0). For
// Exponential, τ = −ln(u)/α.
func (d Delay) Sample(u, rate float64) float64 {
	switch d.family {
	case exponential:
		return -math.Log(u) / rate
	}
	panic("cic: unknown delay family " + d.String())
}

// valid reports whether d is a known family.
func (d Delay) valid() bool { return d.family == exponential }
