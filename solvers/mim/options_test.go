package mim_test

import (
	"slices"
	"testing"

	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/mim"
)

// Phase 1's profits are the documented oracle's spread of each prefix,
// for every combination of 𝒜's objective (Greedy) and the profit: σ (the
// multiplex) or σ_i (layer i alone). Swapping the two oracles, or summing
// the greedy's gains of the wrong objective, breaks a row.
func TestPhase1ProfitsMatchOracle(t *testing.T) {
	m := overlapStars(t)
	const runs, seed = 4, 1
	sigma := multiplex.MustMC(m, runs, seed, 1)
	for _, tc := range []struct {
		name           string
		greedy, profit mim.Profit
	}{
		{"layer greedy, layer profit (KSN)", mim.ProfitLayer, mim.ProfitLayer},
		{"layer greedy, multiplex profit (Algorithm 1)", mim.ProfitLayer, mim.ProfitMultiplex},
		{"multiplex greedy, multiplex profit (released code)", mim.ProfitMultiplex, mim.ProfitMultiplex},
		{"multiplex greedy, layer profit", mim.ProfitMultiplex, mim.ProfitLayer},
	} {
		plan, _, err := mim.Phase1{Profit: tc.profit, Greedy: tc.greedy}.Plan(&mim.Problem{Model: m, K: 2}, &mim.Settings{Runs: runs, Seed: seed, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i := range m.NumLayers() {
			o := sigma
			if tc.profit == mim.ProfitLayer {
				o = multiplex.MustMC(m.Sub(i), runs, seed, 1)
			}
			for j := 1; j < len(plan.Profits[i]); j++ {
				want, _ := o.Spread(plan.Greedy[i][:j])
				if got := plan.Profits[i][j]; got != want {
					t.Errorf("%s: layer %d prefix %d: profit %v, want %v", tc.name, i, j, got, want)
				}
			}
		}
	}
}

// RewardMarginal's ℳ is the exact gain over the earlier layers' seeds:
// on overlapStars (every p = 1) layer 2, visited after layer 1's {0},
// scores hub 7 at σ({0,7}) − σ({0}) = 10 − 6 = 4 and Phase 1's hub 6 at
// σ({0,6}) − 6 = 1; with the greedy fallback the greedy's ℳ is 4 too.
func TestRLRewardMarginal(t *testing.T) {
	m := overlapStars(t)
	for _, greedy := range []bool{false, true} {
		rl := &mim.RL{Reward: mim.RewardMarginal, Greedy: greedy}
		res, err := mim.Maximize(&mim.Problem{Model: m, K: 2}, &mim.Settings{Runs: 4, Seed: 1}, mim.Reasoner{Phase2: rl})
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Clone(res.Seeds)
		slices.Sort(got)
		if !slices.Equal(got, []int{0, 7}) || res.Spread != 10 {
			t.Fatalf("greedy %v: %v spread %v, want [0 7] spread 10", greedy, res.Seeds, res.Spread)
		}
		r := rl.Report[1]
		if r.Layer != 1 || r.M != 4 || r.MPhase1 != 1 {
			t.Errorf("greedy %v: layer 2 report %+v, want ℳ = 4, Phase 1's ℳ = 1", greedy, r)
		}
		if greedy && r.MGreedy != 4 {
			t.Errorf("greedy fallback ℳ = %v, want 4", r.MGreedy)
		}
		if !greedy && r.MGreedy != 0 {
			t.Errorf("no greedy, but MGreedy = %v", r.MGreedy)
		}
	}
	if _, err := mim.ParseReward("nosuch"); err == nil {
		t.Error("ParseReward accepted an unknown name")
	}
	for _, r := range []mim.Reward{mim.RewardLayer, mim.RewardMultiplex, mim.RewardMarginal} {
		if got, err := mim.ParseReward(r.String()); err != nil || got != r {
			t.Errorf("ParseReward(%q) = %v, %v", r.String(), got, err)
		}
	}
}

// fixed is a CandidateFinder returning the same list for every layer.
type fixed []int

func (f fixed) Candidates(*multiplex.Model, int) ([]int, error) { return f, nil }

func TestCandidateFinders(t *testing.T) {
	m := overlapStars(t)
	got, err := mim.Merge{fixed{1, 2, 3}, fixed{3, 4}}.Candidates(m, 0)
	if err != nil || !slices.Equal(got, []int{1, 3, 2, 4}) {
		t.Errorf("Merge = %v, %v, want [1 3 2 4]", got, err)
	}
	// Summed out-degrees: 0 and 6 have 5, 7 has 3, the leaves 0.
	for _, tc := range []struct {
		layer, c int
		want     []int
	}{
		{0, 0, []int{0, 1, 2, 3, 4, 5}},
		{1, 2, []int{6, 7}},
		{1, 3, []int{6, 7, 1}},
	} {
		got, err := mim.MultiplexDegree{C: tc.c}.Candidates(m, tc.layer)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("MultiplexDegree{C: %d} layer %d = %v, %v, want %v", tc.c, tc.layer, got, err, tc.want)
		}
	}
}

// Inference from a trained plan skips Phase 1 (one oracle call: the final
// estimate) and returns the training's seeds; a plan of another multiplex
// is refused.
func TestReasonerReusesPlan(t *testing.T) {
	m := overlapStars(t)
	rl := &mim.RL{Reward: mim.RewardMarginal}
	p, s := &mim.Problem{Model: m, K: 2}, &mim.Settings{Runs: 4, Seed: 1}
	tr, err := mim.Maximize(p, s, mim.Reasoner{Phase2: rl})
	if err != nil {
		t.Fatal(err)
	}
	inf, err := mim.Maximize(p, s, mim.Reasoner{Phase2: &mim.RL{Reward: mim.RewardMarginal, Policies: rl.Trained}, Plan: tr.Plan})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(inf.Seeds, tr.Seeds) || inf.Stats.OracleCalls != 1 || tr.Stats.OracleCalls <= 1 {
		t.Errorf("inference %v (%d oracle calls), training %v (%d)", inf.Seeds, inf.Stats.OracleCalls, tr.Seeds, tr.Stats.OracleCalls)
	}
	bad := &mim.Plan{Table: tr.Plan.Table[:1]}
	if _, err := mim.Maximize(p, s, mim.Reasoner{Plan: bad}); err == nil {
		t.Error("a one-layer plan for a two-layer multiplex was accepted")
	}
}
