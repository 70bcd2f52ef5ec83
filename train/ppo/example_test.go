package ppo_test

import (
	"fmt"

	"github.com/spread-dev/spread/train/ppo"
)

// GAE on a 3-step episode with γ = 1, λ = 0.95 and a critic that predicts
// 0: the advantages are the discounted λ-returns of the rewards.
func ExampleGAE() {
	rewards := []float64{1, 0, 2}
	values := []float64{0, 0, 0}
	dones := []bool{false, false, true}
	adv, ret := make([]float64, 3), make([]float64, 3)
	if err := ppo.GAE(adv, ret, rewards, values, dones, 0, 1, 0.95); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("advantages %.4f\n", adv)
	fmt.Println("defaults: clip", ppo.DefaultConfig().ClipCoef, "λ", ppo.DefaultConfig().GAELambda, "minibatch", ppo.DefaultConfig().Minibatch)
	// Output:
	// advantages [2.8050 1.9000 2.0000]
	// defaults: clip 0.2 λ 0.95 minibatch 256
}
