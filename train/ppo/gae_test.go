package ppo_test

import (
	"math"
	"testing"

	"github.com/spread-dev/spread/train/ppo"
)

// TestGAE checks GAE on a 4-step rollout by hand (γ = 0.9, λ = 0.8, an
// episode ending at step 1, V(s_4) = 3):
//
//	t=3: δ = 4 + 0.9·3 − 2 = 4.7,               Â = 4.7
//	t=2: δ = 3 + 0.9·2 − 1.5 = 3.3,             Â = 3.3 + 0.72·4.7 = 6.684
//	t=1: δ = 2 − 1 = 1 (terminal),              Â = 1
//	t=0: δ = 1 + 0.9·1 − 0.5 = 1.4,             Â = 1.4 + 0.72·1 = 2.12
//
// and R = Â + V.
func TestGAE(t *testing.T) {
	rewards := []float64{1, 2, 3, 4}
	values := []float64{0.5, 1, 1.5, 2}
	dones := []bool{false, true, false, false}
	adv, ret := make([]float64, 4), make([]float64, 4)
	if err := ppo.GAE(adv, ret, rewards, values, dones, 3, 0.9, 0.8); err != nil {
		t.Fatal(err)
	}
	wantA := []float64{2.12, 1, 6.684, 4.7}
	for i := range wantA {
		if math.Abs(adv[i]-wantA[i]) > 1e-12 || math.Abs(ret[i]-(wantA[i]+values[i])) > 1e-12 {
			t.Errorf("t=%d: Â = %v, R = %v; want %v, %v", i, adv[i], ret[i], wantA[i], wantA[i]+values[i])
		}
	}
	if err := ppo.GAE(adv[:3], ret, rewards, values, dones, 0, 1, 1); err == nil {
		t.Error("mismatched lengths accepted")
	}
}
