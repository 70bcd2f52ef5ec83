package mim_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/mim"
)

// TestReasonerAblation measures what each change to MIM-Reasoner buys on
// the 3-layer, 30 % overlap Table 2 multiplex (spread mim gen -layers 3
// -overlap 0.3 -seed 1; layers ic,lt,ic), budget 30, mc = 100, every seed
// set scored by one evaluator (1,000 runs, seed 99). Minutes per row:
// SPREAD_MIM_ABLATION=1 (all rows) or a comma-free row name, e.g.
// SPREAD_MIM_ABLATION=tuned. docs/RESULTS.md holds the table.
func TestReasonerAblation(t *testing.T) {
	which := os.Getenv("SPREAD_MIM_ABLATION")
	if which == "" {
		t.Skip("set SPREAD_MIM_ABLATION=1 (or a row name) to run the MIM-Reasoner ablation")
	}
	sizes, _ := graphs.Table2Sizes(3)
	gen, err := graphs.ERMultiplex(sizes, 0.3, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Through the file, as spread mim gen + spread mim see it: the reader
	// takes each undirected edge of the file as one arc (ReadOptions{}),
	// so this multiplex has half the generator's arcs (docs/RESULTS.md).
	path := filepath.Join(t.TempDir(), "er3.edges")
	if err := graphs.WriteMultiplexFile(path, gen); err != nil {
		t.Fatal(err)
	}
	mx, _, err := graphs.ReadMultiplexFile(path, graphs.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := multiplex.New(mx, []multiplex.Layer{{Kind: multiplex.IC}, {Kind: multiplex.LT}, {Kind: multiplex.IC}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := multiplex.MustMC(m, 1000, 99, 0)
	type row struct {
		name     string
		c        int
		phase2   bool
		greedy   mim.Profit
		reward   mim.Reward
		fallback bool
		merge    bool
		judge    int
		isf      bool
	}
	rows := []row{
		{name: "isf", isf: true},
		{name: "paper-phase1", c: 40},
		{name: "paper", c: 40, phase2: true},
		{name: "multiplex-greedy", c: 40, phase2: true, greedy: mim.ProfitMultiplex},
		{name: "reward-multiplex", c: 40, phase2: true, reward: mim.RewardMultiplex, fallback: true},
		{name: "reward-marginal", c: 40, phase2: true, reward: mim.RewardMarginal, fallback: true},
		{name: "mg-reward-multiplex", c: 40, phase2: true, greedy: mim.ProfitMultiplex, reward: mim.RewardMultiplex, fallback: true},
		{name: "mg-reward-marginal", c: 40, phase2: true, greedy: mim.ProfitMultiplex, reward: mim.RewardMarginal, fallback: true},
		{name: "phase1-mg-c150", c: 150, greedy: mim.ProfitMultiplex},
		{name: "mg-reward-multiplex-c150", c: 150, phase2: true, greedy: mim.ProfitMultiplex, reward: mim.RewardMultiplex, fallback: true},
		{name: "tuned", c: 150, phase2: true, greedy: mim.ProfitMultiplex, reward: mim.RewardMarginal, fallback: true},
		{name: "tuned-judge100", c: 150, phase2: true, greedy: mim.ProfitMultiplex, reward: mim.RewardMarginal, fallback: true, judge: 100},
		{name: "tuned-merge-c80", c: 80, phase2: true, greedy: mim.ProfitMultiplex, reward: mim.RewardMarginal, fallback: true, merge: true},
	}
	for _, r := range rows {
		if which != "1" && which != r.name {
			continue
		}
		var meth mim.Method = mim.ISF{}
		if !r.isf {
			gf := &mim.GATFinder{C: r.c, Seed: 1}
			var cf mim.CandidateFinder = gf
			if r.merge {
				gf.C = r.c / 2
				cf = mim.Merge{gf, mim.MultiplexDegree{C: r.c / 2}}
			}
			cfg := mim.SmallPPO()
			cfg.Seed = 1
			rs := mim.Reasoner{Candidates: cf, Greedy: r.greedy}
			if r.phase2 {
				rs.Phase2 = &mim.RL{PPO: cfg, Candidates: cf, MaxCandidates: r.c, Reward: r.reward, Greedy: r.fallback, JudgeWorlds: r.judge}
			}
			meth = rs
		}
		t0 := time.Now()
		res, err := mim.Maximize(&mim.Problem{Model: m, K: 30}, &mim.Settings{Runs: 100, Seed: 1}, meth)
		if err != nil {
			t.Fatal(err)
		}
		mean, se := ev.Spread(res.Seeds)
		t.Logf("| %s | %d | %.1f ± %.1f | %d | %.1f s |", r.name, r.c, mean, se, len(res.Seeds), time.Since(t0).Seconds())
	}
}
