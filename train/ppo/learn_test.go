package ppo_test

import (
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/ppo"
)

func meanOptimum(env *kBest, episodes int, seed uint64) float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := 0.0
	for range episodes {
		s += env.Optimum(rng.Uint64())
	}
	return s / float64(episodes)
}

// kBestConfig is the paper's configuration scaled to a small problem:
// 120 steps (40 episodes) per update, minibatch 60, 32-32 tanh networks,
// both learning rates 3e-3 (10× the paper's actor rate, so that a few
// updates suffice).
func kBestConfig() ppo.Config {
	cfg := ppo.DefaultConfig()
	cfg.NumSteps, cfg.Minibatch, cfg.Updates = 120, 60, 8
	cfg.ActorLR, cfg.CriticLR = 3e-3, 3e-3
	cfg.Hidden = []int{32, 32}
	return cfg
}

// TestLearnKBest trains PPO (seed 1) for 8 updates on "choose the 3 best of
// 10 nodes" with random node values per episode, then plays 100 fresh
// episodes greedily: the mean return must reach 97% of the mean optimum
// (observed: 100%; a uniformly random policy gets ≈ 62%). Every update
// must report the CleanRL diagnostics, finite.
func TestLearnKBest(t *testing.T) {
	env := newKBest(10, 3)
	var reports int
	res, err := ppo.Train(env, kBestConfig(), train.RecorderFunc(func(p train.Progress) error {
		reports++
		names := map[string]bool{}
		for _, m := range p.Metrics {
			names[m.Name] = true
			if m.Value != m.Value {
				t.Errorf("update %d: %s is NaN", p.Iter, m.Name)
			}
		}
		for _, n := range []string{"pg_loss", "v_loss", "entropy_loss", "approx_kl", "clipfracs"} {
			if !names[n] {
				t.Errorf("update %d: no %s reported", p.Iter, n)
			}
		}
		t.Logf("update %d: episodic return %.3f", p.Iter, p.Objective)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if reports != 8 || res.Stats.Iterations != 8 || res.Stats.Evaluations != 8*120 {
		t.Errorf("%d reports, stats %+v; want 8 updates of 120 steps", reports, res.Stats)
	}
	opt := meanOptimum(newKBest(10, 3), 100, 99)
	got, err := ppo.Evaluate(newKBest(10, 3), res.Policy, 100, 99, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("greedy return %.4f, optimum %.4f, ratio %.4f", got, opt, got/opt)
	if got < 0.97*opt {
		t.Errorf("greedy return %.4f < 97%% of the optimum %.4f", got, opt)
	}
}
