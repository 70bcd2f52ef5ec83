package icmle

import (
	"testing"

	"github.com/spread-dev/spread/train"
)

// monoRec records the log-likelihood of every iterate.
type monoRec struct{ ll []float64 }

func (r *monoRec) Record(p train.Progress) error { r.ll = append(r.ll, p.Objective); return nil }

// TestFitAscent checks the Armijo condition of Fit's line search through
// its Recorder: every accepted iterate has ℓ no smaller than the previous
// one (the condition ℓ(θ_new) ≥ ℓ(θ) + 1e-4·g·(θ_new − θ) with a predicted
// gain g·(θ_new − θ) ≥ 0 along an ascent direction; tolerance 0, ℓ is
// evaluated by the same code at both points). Rows: probCases, started at
// α = 0.5 and at α = 0.95 (far from the optimum, so early Newton steps
// overshoot and the search must halve).
func TestFitAscent(t *testing.T) {
	for _, tc := range probCases(t) {
		for _, init := range []float64{0.5, 0.95} {
			rec := &monoRec{}
			if _, err := Fit(tc.p, &Settings{InitAlpha: init, Recorder: rec}); err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(rec.ll); i++ {
				if rec.ll[i] < rec.ll[i-1] {
					t.Errorf("%s, α₀ = %v: ℓ fell from %.17g to %.17g at iteration %d", tc.name, init, rec.ll[i-1], rec.ll[i], i)
				}
			}
		}
	}
}
