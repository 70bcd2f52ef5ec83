package influlearner

import (
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/train/gradcheck"
)

// randomLik returns a nodeLik over G groups and K = 70 features (two
// words, so the word offset b·64 is exercised) with random bits and
// counts, and a w in the interior of the simplex.
func randomLik(rng *rand.Rand, G int) (*nodeLik, []float64) {
	const K, kw = 70, 2
	l := &nodeLik{phi: make([]uint64, G*kw), y1: make([]float64, G), y0: make([]float64, G), p: make([]float64, G), kw: kw, lam: 0.01}
	for g := range G {
		for k := range K {
			if rng.Float64() < 0.2 {
				l.phi[g*kw+k/64] |= 1 << (k % 64)
			}
		}
		l.y1[g], l.y0[g] = float64(rng.IntN(6)), float64(rng.IntN(6))
		l.total += l.y1[g] + l.y0[g]
	}
	w := make([]float64, K)
	z := 0.0
	for k := range w {
		w[k] = 0.5 + rng.Float64()
		z += w[k]
	}
	for k := range w {
		w[k] /= z
	}
	return l, w
}

// TestNodeLikGradient holds the hand-written gradient of InfluLearner's
// likelihood (the one exponentiated gradient follows) against central
// differences (h = 1e-6; ℓ is O(1) and smooth at interior p, so the
// difference error is ~1e-10: RelTol 1e-6, AbsTol 1e-8), on three random
// problems; and, as a negative control, shows that the same check rejects
// the gradient without its (1 − 2λ) factor.
func TestNodeLikGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	set := &gradcheck.Settings{Step: 1e-6, RelTol: 1e-6, AbsTol: 1e-8}
	for trial := range 3 {
		l, w := randomLik(rng, 40+10*trial)
		grad := func(g, x []float64) []float64 {
			l.value(x)
			l.gradient(g)
			return g
		}
		rep, err := gradcheck.Check(l.value, grad, w, set)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Pass {
			t.Errorf("trial %d: gradient disagrees with central differences:\n%v", trial, rep)
		}
		wrong := func(g, x []float64) []float64 {
			grad(g, x)
			for k := range g {
				g[k] /= 1 - 2*l.lam
			}
			return g
		}
		rep, err = gradcheck.Check(l.value, wrong, w, set)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Pass {
			t.Errorf("trial %d: negative control (no (1 − 2λ) factor) passed", trial)
		}
	}
}
