package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/deepim"
	"github.com/spread-dev/spread/solvers/mim"
	"github.com/spread-dev/spread/solvers/touplegdd"
)

// mimFlags are the flags shared by spread mim and spread mim eval.
type mimFlags struct {
	path    string
	models  string
	rounds  int
	seed    uint64
	mc      int
	workers int
}

func (f *mimFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "multiplex", "", "multiplex edge list (\"layer u v\" lines) or a De Domenico dataset directory")
	fs.StringVar(&f.models, "models", "", "one model per layer in file order, comma-separated: ic or lt (e.g. ic,lt,ic)")
	fs.IntVar(&f.rounds, "rounds", 0, "synchronous rounds per cascade (0 = until quiescence)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed (Monte-Carlo worlds)")
	fs.IntVar(&f.mc, "mc", multiplex.DefaultRuns, "Monte-Carlo runs per spread estimate")
	fs.IntVar(&f.workers, "workers", 0, "goroutines (0 = all cores); results do not depend on it")
}

// check validates the flags and parses -models.
func (f *mimFlags) check(c *flagCheck) []multiplex.Kind {
	c.required("multiplex", f.path)
	c.required("models", f.models)
	c.intRange("mc", f.mc, 1, maxSamples, true)
	c.intRange("rounds", f.rounds, 0, maxHorizon, false)
	c.intRange("workers", f.workers, 0, maxWorkers, false)
	var kinds []multiplex.Kind
	if f.models != "" {
		for _, s := range strings.Split(f.models, ",") {
			k, err := multiplex.ParseKind(strings.TrimSpace(s))
			if err != nil {
				c.failf("models", "has unknown model %q (want ic or lt)", s)
				break
			}
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// load reads the multiplex and builds the model; a -models list of the
// wrong length is a usage error.
func (f *mimFlags) load(kinds []multiplex.Kind) (*graphs.Multiplex, *multiplex.Model, error) {
	var mx *graphs.Multiplex
	var err error
	if st, serr := os.Stat(f.path); serr == nil && st.IsDir() {
		mx, _, err = graphs.ReadDeDomenico(f.path, graphs.ReadOptions{})
	} else {
		mx, _, err = graphs.ReadMultiplexFile(f.path, graphs.ReadOptions{})
	}
	if err != nil {
		return nil, nil, err
	}
	if len(kinds) != len(mx.Layers) {
		return nil, nil, usagef("-models lists %d models but %s has %d layers (%s)", len(kinds), f.path, len(mx.Layers), strings.Join(mx.Names, ", "))
	}
	layers := make([]multiplex.Layer, len(kinds))
	for i, k := range kinds {
		layers[i].Kind = k
	}
	m, err := multiplex.New(mx, layers, &multiplex.Config{Rounds: f.rounds})
	return mx, m, err
}

var mimCmd = &command{
	name:      "mim",
	usageLine: "spread mim -multiplex FILE -models ic,lt,... -k K [-method isf|ksn|reasoner|deepim|touplegdd] [-rule paper|tuned] [-policy policy.ckpt] [-candidates 40] [-epochs 100] [-deepim-rule tuned|paper] [-episodes 40] [-mc 100] [-rounds R] -seed S -o seeds.txt",
	short:     "multiplex influence maximisation (and mim eval)",
	long: `Mim picks k seeds maximising the expected number of nodes activated in a
multiplex network with one propagation model per layer (-models, in the
file's layer order: ic = independent cascade with p(u→v) = 1/in-degree of v
in the layer, lt = linear threshold with weights 1/in-degree and thresholds
uniform in [0.5, 0.9]), coupled by overlapping activation: a node active in
one layer is active in all, and is counted once (MIM-Reasoner, AISTATS 2024).
It writes the seeds' external ids, one per line.

Methods:
  isf       greedy (CELF) on the multiplex spread, -mc Monte-Carlo runs
  ksn       per-layer CELF on each layer alone, then the exact
            multiple-choice knapsack over the nested prefixes (0..k seeds
            per layer); may return fewer than k seeds when layers share them
  reasoner  MIM-Reasoner: a GAT candidate finder (top -candidates nodes
            per layer, trained on probabilistic-greedy scores of sampled
            subgraphs), Phase 1 (as ksn over the candidates, with the
            prefixes' multiplex spread as profits), then Phase 2: per layer
            a PPO policy picks the layer's seeds with rewards from the
            earlier layers' PGMs (solvers/mim.RL). With -policy it reuses
            the policy and GAT of "spread mim train" (no training) and,
            when -k is the trained budget, its allocation (no Phase 1).
            -rule tuned (default c = 150) runs Phase 1's greedy on the
            multiplex spread, rewards the exact multiplex gain over the
            earlier layers' seeds and keeps a greedy on that reward when
            it beats the policy: 4.4 % below ISF instead of 17.6 % on the
            Table 2 multiplex (docs/RESULTS.md); -rule paper is the
            paper's.
  deepim    DeepIM (Ling et al., ICML 2023) on the union graph with the
            coupling: a VAE over seed sets and a monotone GNN spread
            estimator trained on Monte-Carlo labelled random seed sets (at
            most -epochs epochs, early stopping on the reconstruction
            accuracy), then gradient ascent in the latent space;
            -deepim-rule tuned (default) adds degree-biased training sets,
            a start at the encoding of the estimator's greedy set and a
            swap polish on the estimator, paper is the paper's rule;
            training and inference times go to stderr (solvers/deepim).
  touplegdd ToupleGDD (Chen et al. 2022) on the union of the layers: three
            coupled GNNs and a Q-network trained by double DQN for
            -episodes episodes (rewards: -mc Monte-Carlo marginal gains),
            then k greedy Q-network picks; training and inference times go
            to stderr (solvers/touplegdd).

The final spread estimate (-mc runs) goes to stderr.
Subcommand eval estimates the spread of a given seed file; train trains
MIM-Reasoner and saves its policy.`,
	children: []*command{mimEvalCmd, mimGenCmd, mimTrainCmd},
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var f mimFlags
		f.bind(fs)
		k := fs.Int("k", 0, "number of seeds (budget l)")
		method := fs.String("method", "isf", "isf, ksn, reasoner, deepim or touplegdd")
		episodes := fs.Int("episodes", 40, "touplegdd: training episodes (early stop after a quarter without improvement)")
		out := fs.String("o", "", "output file: one seed id per line")
		policy := fs.String("policy", "", "reasoner: trained policy file of spread mim train (no training)")
		cands := fs.Int("candidates", 40, "reasoner: candidates per layer (GAT top-c; 150 with -rule tuned; with -policy, the trained value unless given)")
		rule := fs.String("rule", "paper", "reasoner: paper (the paper's rules) or tuned (𝒜 on σ, exact multiplex gain as reward, greedy fallback; docs/RESULTS.md)")
		epochs := fs.Int("epochs", deepim.Default().Epochs, "deepim: maximum training epochs")
		deepimRule := fs.String("deepim-rule", deepim.RuleTuned, "deepim: training-set and search rule, tuned or paper (solvers/deepim)")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			kinds := f.check(c)
			c.intRange("k", *k, 1, maxNodes, true)
			c.oneOf("method", *method, "isf", "ksn", "reasoner", "deepim", "touplegdd")
			c.intRange("epochs", *epochs, 1, maxIters, false)
			c.oneOf("deepim-rule", *deepimRule, deepim.RuleTuned, deepim.RulePaper)
			c.intRange("episodes", *episodes, 1, maxIters, true)
			c.oneOf("rule", *rule, "paper", "tuned")
			c.intRange("candidates", *cands, 1, maxNodes, true)
			c.required("o", *out)
			if *policy != "" && *method != "reasoner" {
				c.failf("policy", "needs -method reasoner")
			}
			if c.isSet("epochs") && *method != "deepim" {
				c.failf("epochs", "needs -method deepim")
			}
			if c.isSet("deepim-rule") && *method != "deepim" {
				c.failf("deepim-rule", "needs -method deepim")
			}
			if c.isSet("episodes") && *method != "touplegdd" {
				c.failf("episodes", "needs -method touplegdd")
			}
			if err := c.err(); err != nil {
				return err
			}
			ins := []fileArg{{"-multiplex", f.path}}
			if *policy != "" {
				ins = append(ins, fileArg{"-policy", *policy})
			}
			if err := checkFiles(ins, []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			var pf *mim.PolicyFile
			if *policy != "" {
				var err error
				if pf, err = mim.LoadPolicy(*policy); err != nil {
					return err
				}
				if !flagSet(fs, "candidates") && pf.Candidates > 0 {
					*cands = pf.Candidates // the training's c unless given
				}
				trained := orPaper(pf.Rule)
				if flagSet(fs, "rule") && *rule != trained {
					return usagef("-rule %s, but %s was trained with -rule %s", *rule, *policy, trained)
				}
				*rule = trained
			} else if *rule == "tuned" && !flagSet(fs, "candidates") {
				*cands = tunedCandidates
			}
			mx, m, err := f.load(kinds)
			if err != nil {
				return err
			}
			if *k > m.NumNodes() {
				return usagef("-k %d exceeds the %d nodes of the multiplex", *k, m.NumNodes())
			}
			var meth mim.Method
			var rs *reasonerSetup
			var dm *deepim.Method
			switch *method {
			case "isf":
				meth = mim.ISF{}
			case "ksn":
				meth = mim.KSN{}
			case "deepim":
				dm = newDeepIM(ctx, *epochs, *deepimRule, f.seed)
				meth = dm
			case "touplegdd":
				cfg := touplegdd.DefaultConfig(*k)
				cfg.Episodes = *episodes
				meth = &touplegdd.Method{Config: cfg, Context: ctx}
			default:
				rs = newReasoner(*cands, *k, f.seed, pf, *rule)
				meth = rs.method()
			}
			t0 := time.Now()
			res, err := mim.Maximize(&mim.Problem{Model: m, K: *k}, &mim.Settings{Runs: f.mc, Seed: f.seed, Workers: f.workers}, meth)
			if err != nil {
				return err
			}
			if rs != nil {
				rs.report(e, mx)
			}
			if dm != nil {
				reportDeepIM(e, dm)
			}
			if tg, ok := meth.(*touplegdd.Method); ok {
				fmt.Fprintf(e.stderr, "touplegdd: trained in %v (%d episodes, %d gradient steps, early stop %v, best training spread %.2f), inference %v\n",
					tg.Stats.TrainTime.Round(time.Millisecond), tg.Stats.Episodes, tg.Stats.GradSteps, tg.Stats.EarlyStop, tg.Stats.BestSpread, tg.SelectTime.Round(time.Microsecond))
			}
			if err := datasets.WriteSeedsFile(*out, mx.Layers[0], res.Seeds); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "%s: %d seeds in %v, %d oracle calls\n", *method, len(res.Seeds), time.Since(t0).Round(time.Millisecond), res.Stats.OracleCalls)
			if res.Plan != nil {
				for _, a := range res.Plan.Table {
					fmt.Fprintf(e.stderr, "  layer %s: budget %d, profit %.2f\n", mx.Names[a.Layer], a.Budget, a.Profit)
				}
			}
			fmt.Fprintf(e.stderr, "spread=%.4f stderr=%.4f (%d runs)\n", res.Spread, res.StdErr, f.mc)
			return nil
		}
	},
}

var mimEvalCmd = &command{
	name:      "eval",
	usageLine: "spread mim eval -multiplex FILE -models ic,lt,... -seeds seeds.txt -mc R [-rounds R] -seed S",
	short:     "estimate the multiplex spread of a seed set by Monte Carlo",
	long: `Eval estimates the expected number of nodes activated in the multiplex
(each node counted once) from the seeds in the file (one external id per
line, '#' comments) with R Monte-Carlo runs, and prints
"spread=<mean> stderr=<se>". The estimate depends only on the inputs and
-seed, not on -workers.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var f mimFlags
		f.bind(fs)
		seedsPath := fs.String("seeds", "", "seed file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			kinds := f.check(c)
			c.required("seeds", *seedsPath)
			if err := c.err(); err != nil {
				return err
			}
			if err := checkFiles([]fileArg{{"-multiplex", f.path}, {"-seeds", *seedsPath}}, nil); err != nil {
				return err
			}
			mx, m, err := f.load(kinds)
			if err != nil {
				return err
			}
			seeds, err := datasets.ReadSeedsFile(*seedsPath, mx.Layers[0])
			if err != nil {
				return err
			}
			mean, se := multiplex.MustMC(m, f.mc, f.seed, f.workers).Spread(seeds)
			fmt.Fprintf(e.stdout, "spread=%.4f stderr=%.4f\n", mean, se)
			return nil
		}
	},
}

var mimGenCmd = &command{
	name:      "gen",
	usageLine: "spread mim gen -layers 3..9 -overlap 0.3 [-degree 10] -seed S -o FILE",
	short:     "write a synthetic Erdős–Rényi multiplex of MIM-Reasoner's Table 2",
	long: `Gen writes the synthetic multiplex of MIM-Reasoner's Table 2 (App. C.1):
-layers undirected Erdős–Rényi layers with the table's node counts (summing
to 5,000) and mean degree -degree (10: 25,000 edges in all), with
round(overlap × largest layer) users shared by every layer (see
graphs.ERMultiplex), as a multiplex edge list.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		layers := fs.Int("layers", 3, "number of layers, 3..9 (Table 2's columns)")
		overlap := fs.Float64("overlap", 0.3, "fraction of the largest layer's nodes shared by all layers")
		degree := fs.Float64("degree", 10, "mean degree of every layer")
		seed := fs.Uint64("seed", 1, "random seed")
		out := fs.String("o", "", "output file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			c.intRange("layers", *layers, 3, 9, true)
			c.floatRange("overlap", *overlap, 0, 1, false, false, true)
			c.floatRange("degree", *degree, 0, 100, false, false, true)
			c.required("o", *out)
			if err := c.err(); err != nil {
				return err
			}
			if err := checkFiles(nil, []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			sizes, err := graphs.Table2Sizes(*layers)
			if err != nil {
				return err
			}
			m, err := graphs.ERMultiplex(sizes, *overlap, *degree, *seed)
			if err != nil {
				return err
			}
			return graphs.WriteMultiplexFile(*out, m)
		}
	},
}

// reasonerSetup is the GAT finder and Phase 2 of spread mim -method
// reasoner and spread mim train.
type reasonerSetup struct {
	gf   *mim.GATFinder
	rl   *mim.RL
	c    int
	rule string
	k    int
	plan *mim.Plan // the trained allocation (inference), or nil
}

// tunedCandidates is c under -rule tuned unless -candidates is given.
const tunedCandidates = 150

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// orPaper returns a policy file's rule, "paper" when absent.
func orPaper(rule string) string {
	if rule == "" {
		return "paper"
	}
	return rule
}

// newReasoner trains everything, or with pf reuses its policy, GAT and
// allocation. Rule "tuned" selects the variants of docs/RESULTS.md
// ("Closing the gap"): 𝒜 on σ, reward mim.RewardMarginal, greedy fallback.
func newReasoner(c, k int, seed uint64, pf *mim.PolicyFile, rule string) *reasonerSetup {
	rs := &reasonerSetup{c: c, rule: rule, k: k}
	if pf != nil && pf.GAT != nil {
		rs.gf = mim.NewGATFinder(pf.GAT)
	} else {
		rs.gf = &mim.GATFinder{}
	}
	rs.gf.C, rs.gf.Seed = c, seed
	if pf == nil {
		rs.gf.RecallK = k // a CELF over every layer node: training only
	}
	cfg := mim.SmallPPO()
	cfg.Seed = seed
	rs.rl = &mim.RL{PPO: cfg, Candidates: rs.gf, MaxCandidates: c}
	if rule == "tuned" {
		rs.rl.Reward, rs.rl.Greedy = mim.RewardMarginal, true
	}
	if pf != nil {
		rs.rl.PPO, rs.rl.Policies = pf.PPO, pf.Layers
		if pf.K == k {
			rs.plan = pf.Plan // the allocation is for the trained budget only
		}
	}
	return rs
}

func (rs *reasonerSetup) method() mim.Method {
	r := mim.Reasoner{Candidates: rs.gf, Phase2: rs.rl, Plan: rs.plan}
	if rs.rule == "tuned" {
		r.Greedy = mim.ProfitMultiplex
	}
	return r
}

func (rs *reasonerSetup) policyFile(plan *mim.Plan) *mim.PolicyFile {
	return &mim.PolicyFile{PPO: rs.rl.PPO, Layers: rs.rl.Trained, Candidates: rs.c, GAT: rs.gf.Finder.Theta, Rule: rs.rule, Plan: plan, K: rs.k}
}

func (rs *reasonerSetup) report(e *env, mx *graphs.Multiplex) {
	for _, r := range rs.rl.Report {
		src := "policy"
		if !r.Policy {
			src = "phase 1"
		}
		if r.Source != "" {
			src = r.Source
		}
		recall := "n/a"
		if x, ok := rs.gf.Recall[r.Layer]; ok {
			recall = fmt.Sprintf("%.2f", x)
		}
		fmt.Fprintf(e.stderr, "  phase 2 layer %s: budget %d of %d candidates, recall of greedy %s, M=%.2f (phase 1 M=%.2f), kept %s\n",
			mx.Names[r.Layer], r.Budget, r.Candidates, recall, r.M, r.MPhase1, src)
	}
}

var mimTrainCmd = &command{
	name:      "train",
	usageLine: "spread mim train -multiplex FILE -models ic,lt,... -k K [-rule paper|tuned] [-candidates 40] [-mc 100] [-rounds R] -seed S -o policy.ckpt",
	short:     "train MIM-Reasoner (GAT finder and per-layer PPO) and save the policy",
	long: `Train runs MIM-Reasoner on the multiplex with budget k (as spread mim
-method reasoner) and writes its trained GAT candidate finder and per-layer
PPO policies, the rule (-rule paper|tuned, as for spread mim) and the
allocation of Phase 1 to the -o file (JSON), for spread mim -policy FILE.
The seeds found and the training time go to stderr.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var f mimFlags
		f.bind(fs)
		k := fs.Int("k", 0, "number of seeds (budget l)")
		cands := fs.Int("candidates", 40, "candidates per layer (GAT top-c; 150 with -rule tuned)")
		rule := fs.String("rule", "paper", "paper (the paper's rules) or tuned (𝒜 on σ, exact multiplex gain as reward, greedy fallback)")
		out := fs.String("o", "", "output policy file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			kinds := f.check(c)
			c.intRange("k", *k, 1, maxNodes, true)
			c.intRange("candidates", *cands, 1, maxNodes, true)
			c.oneOf("rule", *rule, "paper", "tuned")
			if *rule == "tuned" && !flagSet(fs, "candidates") {
				*cands = tunedCandidates
			}
			c.required("o", *out)
			if err := c.err(); err != nil {
				return err
			}
			if err := checkFiles([]fileArg{{"-multiplex", f.path}}, []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			mx, m, err := f.load(kinds)
			if err != nil {
				return err
			}
			if *k > m.NumNodes() {
				return usagef("-k %d exceeds the %d nodes of the multiplex", *k, m.NumNodes())
			}
			rs := newReasoner(*cands, *k, f.seed, nil, *rule)
			t0 := time.Now()
			res, err := mim.Maximize(&mim.Problem{Model: m, K: *k}, &mim.Settings{Runs: f.mc, Seed: f.seed, Workers: f.workers}, rs.method())
			if err != nil {
				return err
			}
			if len(rs.rl.Trained) == 0 {
				return fmt.Errorf("mim train: no layer received a budget, nothing was trained")
			}
			if err := mim.SavePolicy(*out, rs.policyFile(res.Plan)); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "reasoner: trained in %v, %d layer policies\n", time.Since(t0).Round(time.Millisecond), len(rs.rl.Trained))
			rs.report(e, mx)
			fmt.Fprintf(e.stderr, "spread=%.4f stderr=%.4f (%d runs)\n", res.Spread, res.StdErr, f.mc)
			return nil
		}
	},
}
