package icmle

import (
	"github.com/spread-dev/spread/train"
	"testing"
)

// TestFitUpperBoundStationary checks the first-order optimality measure at
// the upper bound θ = ThetaMax. On one arc 0 → 1 whose every exposure
// succeeded (10 cascades: node 0 at τ = 0, node 1 at τ = 1) the
// log-likelihood 10·log(1 − e^{−θ}) increases without bound, so θ̂ =
// ThetaMax with ∂ℓ/∂θ = 10/(e^θ − 1) > 0. The projected gradient
// ‖P(θ + ∇(ℓ/M)) − θ‖∞ clips θ + g back to ThetaMax and is exactly 0 there,
// so Fit must stop with train.GradientThreshold and Result.ProjGrad = 0. With
// ThetaMax = 3 and 5, ∂(ℓ/M)/∂θ = 1/(e^θ − 1) ≈ 0.052 and 6.8e-3 at the
// bound, ≫ GradTol = 1e-9, so a measure that forgot the upper clip would not
// be small. (With the default ThetaMax = 30 the gradient falls below GradTol
// near θ ≈ 21, before the bound, so the default is not used here.)
func TestFitUpperBoundStationary(t *testing.T) {
	g := mustGraph(2, []int{0}, []int{1}, false)
	p := NewProblem(g, 3)
	for range 10 {
		if err := p.Add([]int32{0, 1}); err != nil {
			t.Fatal(err)
		}
	}
	for _, thMax := range []float64{3, 5} {
		res, err := Fit(p, &Settings{ThetaMax: thMax})
		if err != nil {
			t.Fatal(err)
		}
		if res.Theta[0] != thMax || res.ProjGrad != 0 || res.Status != train.GradientThreshold {
			t.Errorf("ThetaMax %v: θ̂ = %v, projected gradient %v, status %v; want θ̂ = ThetaMax, 0, train.GradientThreshold",
				thMax, res.Theta[0], res.ProjGrad, res.Status)
		}
	}
}
