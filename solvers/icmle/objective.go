package icmle

import (
	"fmt"
	"math"
)

// ThetaFromAlpha writes θ_q = −log(1 − α_q) into dst and returns it; dst is
// allocated when nil. α = 1 gives +Inf. It panics if dst is non-nil with a
// length other than len(alpha).
func ThetaFromAlpha(dst, alpha []float64) []float64 {
	dst = sized(dst, len(alpha), "ThetaFromAlpha")
	for q, a := range alpha {
		dst[q] = -math.Log1p(-a)
	}
	return dst
}

// AlphaFromTheta writes α_q = 1 − e^{−θ_q}, clipped into [0, 1], into dst
// and returns it; dst is allocated when nil. It panics if dst is non-nil
// with a length other than len(theta).
func AlphaFromTheta(dst, theta []float64) []float64 {
	dst = sized(dst, len(theta), "AlphaFromTheta")
	for q, th := range theta {
		dst[q] = min(1, max(0, -math.Expm1(-th)))
	}
	return dst
}

func sized(dst []float64, n int, fn string) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("icmle: %s: len(dst) = %d, want %d", fn, len(dst), n))
	}
	return dst
}

// LogLik returns the log-likelihood ℓ(θ) = −Σ_q F_q θ_q +
// Σ_ev c_ev log(1 − e^{−s_ev}) of the cascades added to p, at θ in the
// log-space parametrisation θ_q = −log(1 − α_q) ≥ 0 (layout of
// ic.NumParams). It is −Inf when some success event has s_ev ≤ 0 (all its
// parameters zero): an observed activation that θ makes impossible. It does
// not modify theta and panics if len(theta) != p.NumParams().
func (p *Problem) LogLik(theta []float64) float64 {
	p.checkLen(theta, "LogLik")
	l := 0.0
	for q, f := range p.fail {
		if f != 0 {
			l -= f * theta[q]
		}
	}
	for ev, c := range p.evCount {
		l += c * logSuccess(p.eventSum(theta, ev))
	}
	return l
}

// LogLikAlpha is LogLik at θ = ThetaFromAlpha(α): the log-likelihood of
// the probabilities alpha (each in [0, 1], ic layout).
func (p *Problem) LogLikAlpha(alpha []float64) float64 {
	p.checkLen(alpha, "LogLikAlpha")
	return p.LogLik(ThetaFromAlpha(nil, alpha))
}

// Gradient returns ℓ(θ) and writes ∂ℓ/∂θ_q = −F_q + Σ_{ev∋q} c_ev/(e^{s_ev} − 1)
// into dst (same layout as theta), which it returns; dst is allocated when
// nil. Entries are +Inf where an event has s_ev ≤ 0. It panics if
// len(theta) != p.NumParams() or dst has the wrong length.
func (p *Problem) Gradient(dst, theta []float64) (float64, []float64) {
	p.checkLen(theta, "Gradient")
	dst = sized(dst, len(theta), "Gradient")
	l := 0.0
	for q, f := range p.fail {
		dst[q] = -f
		if f != 0 {
			l -= f * theta[q]
		}
	}
	for ev, c := range p.evCount {
		s := p.eventSum(theta, ev)
		l += c * logSuccess(s)
		d := c / math.Expm1(s)
		if s <= 0 {
			d = math.Inf(1)
		}
		for _, q := range p.evIdx[p.evOff[ev]:p.evOff[ev+1]] {
			dst[q] += d
		}
	}
	return l, dst
}

// eventSum returns s_ev = Σ_{q∈ev} θ_q.
func (p *Problem) eventSum(theta []float64, ev int) float64 {
	s := 0.0
	for _, q := range p.evIdx[p.evOff[ev]:p.evOff[ev+1]] {
		s += theta[q]
	}
	return s
}

// logSuccess returns log(1 − e^{−s}), −Inf for s ≤ 0.
func logSuccess(s float64) float64 {
	if s <= 0 {
		return math.Inf(-1)
	}
	return math.Log(-math.Expm1(-s))
}

// curvature returns −d²/ds² log(1 − e^{−s}) = e^s/(e^s − 1)² ≥ 0 (0 for
// large s, +Inf for s ≤ 0).
func curvature(s float64) float64 {
	if s <= 0 {
		return math.Inf(1)
	}
	return 1 / (math.Expm1(s) * -math.Expm1(-s))
}

// negHessVec writes (−∇²ℓ)·v into dst using the event curvatures w_ev =
// c_ev·curvature(s_ev) (precomputed): (−∇²ℓ v)_q = Σ_{ev∋q} w_ev Σ_{r∈ev} v_r.
func (p *Problem) negHessVec(dst, w, v []float64) {
	clear(dst)
	for ev, wev := range w {
		if wev == 0 {
			continue
		}
		idx := p.evIdx[p.evOff[ev]:p.evOff[ev+1]]
		u := 0.0
		for _, q := range idx {
			u += v[q]
		}
		u *= wev
		for _, q := range idx {
			dst[q] += u
		}
	}
}

func (p *Problem) checkLen(x []float64, fn string) {
	if len(x) != len(p.fail) {
		panic(fmt.Sprintf("icmle: %s: len = %d, want %d parameters", fn, len(x), len(p.fail)))
	}
}
