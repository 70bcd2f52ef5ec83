package ppo_test

import (
	"testing"

	"github.com/spread-dev/spread/train/ppo"
)

// BenchmarkUpdate measures PPO updates at MIM-Reasoner's Table 3 sizes: a
// 600-step rollout and 8 epochs over minibatches of 256 (3 per epoch), 64-64
// tanh networks, on "choose the 30 best of 100 nodes" (A = 100 actions, F =
// 3 features). One op is one update (rollout + GAE + 24 Adam steps); the
// graphs are built once per benchmark run (b.N updates).
func BenchmarkUpdate(b *testing.B) {
	cfg := ppo.DefaultConfig()
	cfg.Updates = b.N
	b.ResetTimer()
	if _, err := ppo.Train(newKBest(100, 30), cfg, nil); err != nil {
		b.Fatal(err)
	}
}
