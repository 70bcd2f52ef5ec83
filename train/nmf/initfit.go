package nmf

import (
	"fmt"
	"math"

	mnmf "github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/solvers/costate"
)

// initFitCascades bounds the cascades FitInitRate scores (evenly spaced
// through the training set); initFitGrid is the number of log-spaced scales
// it tries before refining the best one by golden-section search.
const (
	initFitCascades = 128
	initFitGrid     = 25
	initFitMin      = 1e-4
	// initFitStable is the fraction of the solver's stability limit the
	// fitted scale may reach (h·ρ ≤ 0.9·limit): the fit must not start
	// training on a grid that oscillates.
	initFitStable = 0.9
)

// FitInitRate scales the rate block W of θ (in place) by the factor r that
// minimises the loss of the model θ on cs, the fitted constant of the
// initial rates: W keeps its random pattern and its mean becomes r times
// the old one. The loss is the plain-Go loss of solvers/costate on at
// most 128 cascades spaced evenly through cs; the search is a grid of 25
// log-spaced factors, from a mean rate of 1e-4 to the largest factor at
// which the solver stays within 0.9 of its stability limit
// (Config.StepStability), refined by golden-section search around the
// best grid point. Only loss values are used: below a threshold rate
// almost every intensity is negative and sits on the likelihood's floor,
// where the gradient is zero and says nothing about the way out.
//
// Why (docs/RESULTS.md, NMF at n = 1,024): with A on a sparse support the
// default initial rates (mean 0.01) give a drift (A x)_i of about 0.01 at
// a node with one infected in-neighbour, below ε's initial 0.018; with
// s = −1 almost every intensity is then negative, floored, and gradient
// free, and only the survival term acts, which pulls the rates down: the
// model never starts to learn. It returns the new mean rate and the loss.
func FitInitRate(mc mnmf.Config, theta []float64, cs []mnmf.Cascade) (rate, loss float64, err error) {
	if len(cs) == 0 {
		return 0, 0, fmt.Errorf("train/nmf: FitInitRate: no cascades")
	}
	m, err := mnmf.NewModel(mc, theta) // checks len(θ) before it is sliced
	if err != nil {
		return 0, 0, err
	}
	nA := mc.NumA()
	w0 := append([]float64(nil), theta[:nA]...)
	mean := 0.0
	for _, w := range w0 {
		mean += w
	}
	mean /= float64(nA)
	if !(mean > 0) {
		return 0, 0, fmt.Errorf("train/nmf: FitInitRate: the initial rates are all zero")
	}
	stride := max(1, len(cs)/initFitCascades)
	var sample []mnmf.Cascade
	for i := 0; i < len(cs) && len(sample) < initFitCascades; i += stride {
		sample = append(sample, cs[i])
	}
	set := func(z float64) float64 { // z = log mean rate
		f := math.Exp(z) / mean
		for i, w := range w0 {
			theta[i] = f * w
		}
		return costate.Loss(m, sample)
	}
	lo := math.Log(initFitMin)
	hi := math.Log(2.0)
	if s := mc.StepStability(theta); s > 0 {
		hi = math.Log(mean * initFitStable * mc.StabilityLimit() / s)
	}
	if hi <= lo {
		lo = hi - math.Log(100)
	}
	best, bestF := lo, math.Inf(1)
	step := (hi - lo) / (initFitGrid - 1)
	for k := range initFitGrid {
		z := lo + float64(k)*step
		if f := set(z); f < bestF {
			best, bestF = z, f
		}
	}
	// Golden section on the bracket around the best grid point.
	a, b := max(lo, best-step), min(hi, best+step)
	g := (math.Sqrt(5) - 1) / 2
	c, d := b-g*(b-a), a+g*(b-a)
	fc, fd := set(c), set(d)
	for b-a > 1e-3 {
		if fc < fd {
			b, d, fd = d, c, fc
			c = b - g*(b-a)
			fc = set(c)
		} else {
			a, c, fc = c, d, fd
			d = a + g*(b-a)
			fd = set(d)
		}
	}
	z, f := c, fc
	if fd < fc {
		z, f = d, fd
	}
	if bestF < f {
		z, f = best, bestF
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, 0, fmt.Errorf("train/nmf: FitInitRate: the loss is %v at every scale", f)
	}
	set(z)
	return math.Exp(z), f, nil
}
