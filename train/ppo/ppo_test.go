package ppo_test

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spread-dev/spread/train/ppo"
)

// TestMaskedActionsNeverChosen: the kBest environment returns an error for
// a masked action, so a training run of 2 updates (240 sampled actions)
// finishing without error has never chosen one; an untrained policy's
// probabilities are exactly 0 on masked actions, sum to 1 (to 1e-15)
// otherwise, and 2 000 samples never hit a masked action.
func TestMaskedActionsNeverChosen(t *testing.T) {
	cfg := kBestConfig()
	cfg.Updates = 2
	if _, err := ppo.Train(newKBest(10, 3), cfg, nil); err != nil {
		t.Fatal(err)
	}
	pol, err := ppo.NewPolicy(cfg, 10, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	env := newKBest(10, 3)
	obs, mask, _ := env.Reset(5)
	for _, a := range []int{2, 7, 4} {
		obs, mask, _, _, _ = env.Step(a)
	}
	obs, mask = slices.Clone(obs), slices.Clone(mask)
	prob, err := pol.Probs(nil, obs, mask)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for a, p := range prob {
		if !mask[a] && p != 0 {
			t.Errorf("masked action %d has probability %v", a, p)
		}
		sum += p
	}
	if d := sum - 1; d > 1e-15 || d < -1e-15 {
		t.Errorf("Σπ = %v", sum)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, err := pol.Act(obs, mask, rng)
		if err != nil {
			t.Fatal(err)
		}
		if !mask[a] {
			t.Fatalf("sampled masked action %d", a)
		}
	}
	if _, err := pol.Probs(nil, obs, make([]bool, 10)); err == nil {
		t.Error("all-masked state accepted")
	}
}

// TestResumeBitIdentical runs 4 updates at once, and 2 updates with a
// checkpoint followed by Resume to 4: the parameters and the per-update
// returns must be the same bits.
func TestResumeBitIdentical(t *testing.T) {
	cfg := kBestConfig()
	cfg.Updates, cfg.NumSteps, cfg.Minibatch = 4, 30, 16
	full, err := ppo.Train(newKBest(10, 3), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ppo.json")
	half := cfg
	half.Updates, half.Checkpoint = 2, path
	if _, err := ppo.Train(newKBest(10, 3), half, nil); err != nil {
		t.Fatal(err)
	}
	resumeCfg := half
	resumeCfg.Updates = 4
	res, err := ppo.Resume(newKBest(10, 3), path, resumeCfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(full.Policy.Theta, res.Policy.Theta) {
		t.Error("resumed parameters differ from an uninterrupted run")
	}
	if !slices.Equal(full.Returns, res.Returns) || res.Stats.Iterations != 4 {
		t.Errorf("returns %v vs %v, iterations %d", full.Returns, res.Returns, res.Stats.Iterations)
	}
	other := resumeCfg
	other.ClipCoef = 0.3
	if _, err := ppo.Resume(newKBest(10, 3), path, other, nil); err == nil {
		t.Error("Resume with a different config accepted")
	}
}

func TestConfigValidate(t *testing.T) {
	if err := ppo.DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, mod := range []func(*ppo.Config){
		func(c *ppo.Config) { c.NumSteps = 0 },
		func(c *ppo.Config) { c.Gamma = 1.5 },
		func(c *ppo.Config) { c.ClipCoef = 0 },
		func(c *ppo.Config) { c.Minibatch = 0 },
		func(c *ppo.Config) { c.Hidden = []int{0} },
	} {
		c := ppo.DefaultConfig()
		mod(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("invalid config %+v accepted", c)
		}
		if _, err := ppo.Train(newKBest(3, 1), c, nil); err == nil {
			t.Errorf("Train accepted invalid config %+v", c)
		}
	}
}
