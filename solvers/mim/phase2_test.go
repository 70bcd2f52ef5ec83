package mim_test

import (
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/multiplex"
	"slices"
	"testing"

	"github.com/spread-dev/spread/solvers/mim"
)

// On overlapStars (budget 2) Phase 1 gives {0, 6} (σ = 7): the two hubs
// whose stars overlap. Phase 2 visits layer 1 first, keeps its hub 0, and
// the PGM of layer 1's status data scores the shared leaves 1..5 as
// already active, so on layer 2 the reward (eq. 6) of hub 6 is ≈ 1.3 and
// that of hub 7 is 4: MIM-Reasoner finds the optimum {0, 7}, σ = 10.
func TestReasonerPhase2Stars(t *testing.T) {
	m := overlapStars(t)
	rl := &mim.RL{}
	res, err := mim.Maximize(&mim.Problem{Model: m, K: 2}, &mim.Settings{Runs: 4, Seed: 1}, mim.Reasoner{Phase2: rl})
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(res.Seeds)
	slices.Sort(got)
	if !slices.Equal(got, []int{0, 7}) || res.Spread != 10 {
		t.Fatalf("Reasoner: %v spread %v, want [0 7] spread 10; report %+v", res.Seeds, res.Spread, rl.Report)
	}
	if len(rl.Trained) != 2 || len(rl.Report) != 2 {
		t.Fatalf("trained %d policies, %d reports, want 2", len(rl.Trained), len(rl.Report))
	}
	if r := rl.Report[1]; r.Layer != 1 || !(r.M > 3.9 && r.MPhase1 < 2) {
		t.Errorf("layer 2 report %+v, want ℳ ≈ 4 and Phase 1's ℳ < 2", r)
	}
	// Inference with the trained policies reproduces the seeds.
	inf := &mim.RL{Policies: rl.Trained}
	res2, err := mim.Maximize(&mim.Problem{Model: m, K: 2}, &mim.Settings{Runs: 4, Seed: 1}, mim.Reasoner{Phase2: inf})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res2.Seeds, res.Seeds) {
		t.Errorf("inference %v, training %v", res2.Seeds, res.Seeds)
	}
}

func TestGATFinderReasoner(t *testing.T) {
	mx, err := graphs.ERMultiplex([]int{120, 100, 80}, 0.3, 6, 3)
	if err != nil {
		t.Fatal(err)
	}
	m, err := multiplex.New(mx, make([]multiplex.Layer, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	gf := &mim.GATFinder{C: 15, Subgraphs: 2, SubSize: 30, Runs: 8, Epochs: 30, Seed: 2, RecallK: 5}
	rl := &mim.RL{Candidates: gf}
	res, err := mim.Maximize(&mim.Problem{Model: m, K: 5}, &mim.Settings{Runs: 20, Seed: 1}, mim.Reasoner{Candidates: gf, Phase2: rl})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Seeds) == 0 || len(res.Seeds) > 5 {
		t.Fatalf("seeds %v", res.Seeds)
	}
	if len(gf.Recall) != 3 {
		t.Fatalf("recall %v, want 3 layers", gf.Recall)
	}
	for i, r := range gf.Recall {
		if !(r >= 0 && r <= 1) {
			t.Errorf("layer %d recall %v", i, r)
		}
	}
	ksn, err := mim.Maximize(&mim.Problem{Model: m, K: 5}, &mim.Settings{Runs: 20, Seed: 1}, mim.KSN{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reasoner %v σ=%.2f, KSN σ=%.2f, recall %v", res.Seeds, res.Spread, ksn.Spread, gf.Recall)
}
