package experiments

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/report"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/deepim"
	"github.com/spread-dev/spread/solvers/mim"
	"github.com/spread-dev/spread/solvers/touplegdd"
	"github.com/spread-dev/spread/train/ppo"
)

const mimTable1Long = `MIM-Reasoner (Do et al., AISTATS 2024) Table 1 and Fig. 3: multiplex
influence maximisation with budget l = 30 on synthetic Erdős–Rényi
multiplexes (Table 2's layer sizes, 3/5/7/9 layers × 30/50/70 % overlap,
mean degree 10, graphs.ERMultiplex) and the real Arabidopsis and Xenopus
GPI multiplexes (read from the shared datasets folder, -data; skipped with a
note when absent; the paper's Celegans, Drosophila, Twitter-Foursquare and
Pope-Election are not available). Layers alternate IC (p = 1/in-degree) and
LT (weights 1/in-degree, θ ~ U[0.5, 0.9]), overlapping activation, to
quiescence. Methods (a registry, internal/experiments.MIMMethods): isf
(CELF on the multiplex spread), ksn (per-layer CELF + exact knapsack),
mim-reasoner (this project's tuned MIM-Reasoner: see MIMReasonerConfig and
docs/RESULTS.md) and mim-reasoner-paper (the paper's rules: GAT top-40
candidates, Phase 1 greedy on each layer alone, reward eq. 5 on the layer's
own cascade), deepim and touplegdd (the learned baselines, solvers/deepim
and solvers/touplegdd, on the coupled union graph; paper scale only by
default). Every method selects with mc = 100 Monte-Carlo runs and its
own seed; then ONE evaluator per dataset (EvalRuns runs, its own seed)
scores every method's seeds. Columns: metric spread (mean ± standard error
of that evaluator), rt_seconds (running time of isf/ksn, training time of a
learned method) and it_seconds (inference with the trained model; NaN for
isf and ksn), seeds (distinct seeds returned). quick: 3 layers × 30/70 %
and Xenopus, evaluator 1,000 runs, mim-reasoner only as learned method
(fewer datasets and a smaller evaluator than the paper scale: 6m50s of CPU,
i.e. minutes on two idle cores; 41 minutes wall at load average 20–26);
paper: all 12 synthetic multiplexes, Arabidopsis and Xenopus, evaluator
10,000 runs, both MIM-Reasoner rows (hours).`

// MIMSynthetic names one synthetic multiplex of mim-table1.
type MIMSynthetic struct {
	// Layers is the number of layers (3..9, Table 2's columns).
	Layers int `json:"layers"`
	// Overlap is the fraction of the largest layer shared by all layers.
	Overlap float64 `json:"overlap"`
}

// MIMReasonerConfig is how a mim-reasoner row runs MIM-Reasoner
// (solvers/mim): the GAT finder, Phase 1 and Phase 2.
type MIMReasonerConfig struct {
	// Candidates is c, the number of candidates per layer.
	Candidates int `json:"candidates"`
	// DegreeCandidates interleaves the GAT's top c/2 with the top c/2 by
	// out-degree summed over the layers (mim.Merge, mim.MultiplexDegree)
	// instead of the GAT's top c alone.
	DegreeCandidates bool `json:"degree_candidates"`
	// MultiplexGreedy runs Phase 1's 𝒜 on σ over the layer's candidates
	// (mim.Phase1.Greedy = ProfitMultiplex) instead of σ_i.
	MultiplexGreedy bool `json:"multiplex_greedy"`
	// Reward is Phase 2's ℳ: "layer" (the paper's eq. 5), "multiplex" or
	// "marginal" (mim.Reward).
	Reward string `json:"reward"`
	// Greedy adds the lazy greedy on ℳ as a fallback (mim.RL.Greedy).
	Greedy bool `json:"greedy"`
	// Status is m, the worlds of ℳ (0: mim.RL's default 16).
	Status int `json:"status"`
	// PPO is the per-layer PPO configuration (Seed is set per dataset).
	PPO ppo.Config `json:"ppo"`
}

// PaperReasoner returns the paper's rules at this project's default
// sizes: the GAT's top 40, 𝒜 on σ_i, reward eq. 5 on the layer's cascade,
// Phase 1's S_ij as the only fallback, mim.SmallPPO.
func PaperReasoner() MIMReasonerConfig {
	return MIMReasonerConfig{Candidates: 40, Reward: "layer", PPO: mim.SmallPPO()}
}

// TunedReasoner returns the configuration of the mim-reasoner rows: see
// docs/RESULTS.md ("closing the gap") for what each change buys.
func TunedReasoner() MIMReasonerConfig {
	return MIMReasonerConfig{Candidates: 150, MultiplexGreedy: true, Reward: "marginal", Greedy: true, PPO: mim.SmallPPO()}
}

// MIMTable1Config configures MIMTable1.
type MIMTable1Config struct {
	// Synthetic lists the synthetic multiplexes.
	Synthetic []MIMSynthetic `json:"synthetic"`
	// Nodes scales Table 2's layer sizes (which sum to 5,000) to sum to
	// Nodes; Degree is every layer's mean degree (10 in the paper).
	Nodes  int     `json:"nodes"`
	Degree float64 `json:"degree"`
	// Real lists the real multiplexes: "arabidopsis", "xenopus".
	Real []string `json:"real"`
	// K is the budget l (30).
	K int `json:"k"`
	// Runs is mc, the Monte-Carlo runs of every method's own estimates
	// (100); EvalRuns those of the shared evaluator (≥ 1,000).
	Runs     int `json:"runs"`
	EvalRuns int `json:"eval_runs"`
	// Methods names the rows (entries of MIMMethods), in order.
	Methods []string `json:"methods"`
	// Reasoner and Paper configure mim-reasoner and mim-reasoner-paper.
	Reasoner MIMReasonerConfig `json:"reasoner"`
	Paper    MIMReasonerConfig `json:"paper"`
	// DeepIMSamples and DeepIMEpochs size DeepIM's training and
	// ToupleGDDEpisodes ToupleGDD's; zero means the packages' defaults.
	DeepIMSamples     int `json:"deepim_samples"`
	DeepIMEpochs      int `json:"deepim_epochs"`
	ToupleGDDEpisodes int `json:"touplegdd_episodes"`
}

// DefaultMIMTable1 returns the configuration of scale s.
func DefaultMIMTable1(s Scale) MIMTable1Config {
	c := MIMTable1Config{Synthetic: []MIMSynthetic{{3, 0.3}, {3, 0.7}}, Nodes: 5000, Degree: 10,
		Real: []string{"xenopus"}, K: 30, Runs: 100, EvalRuns: 1000,
		Methods: []string{"isf", "ksn", "mim-reasoner"}, Reasoner: TunedReasoner(), Paper: PaperReasoner()}
	if s == Paper {
		c.Synthetic = nil
		for _, l := range []int{3, 5, 7, 9} {
			for _, o := range []float64{0.3, 0.5, 0.7} {
				c.Synthetic = append(c.Synthetic, MIMSynthetic{l, o})
			}
		}
		c.Real = []string{"arabidopsis", "xenopus"}
		c.EvalRuns = 10000
		c.Methods = []string{"isf", "ksn", "mim-reasoner", "mim-reasoner-paper", "deepim", "touplegdd"}
	}
	return c
}

// MIMInstance is one dataset of mim-table1 as a method sees it.
type MIMInstance struct {
	// Name is the dataset's name (the CSV's series).
	Name  string
	Model *multiplex.Model
	// K is the budget, Runs the Monte-Carlo runs of the method's own
	// estimates, Seed its seed (not the evaluator's), Workers its
	// goroutines (results do not depend on them).
	K, Runs int
	Seed    uint64
	Workers int
	// Config is the experiment's configuration.
	Config *MIMTable1Config
}

// MIMRun is what a method returns: at most K seeds and its times.
type MIMRun struct {
	Seeds []int
	// Train is the running time (combinatorial methods) or the training
	// time (learned ones), Infer the inference time with the trained
	// model (NaN when there is none).
	Train, Infer time.Duration
	// Learned reports whether Infer applies.
	Learned bool
}

// MIMMethod is one entry of the mim-table1 method registry.
type MIMMethod struct {
	Name string
	Run  func(ctx context.Context, in *MIMInstance) (*MIMRun, error)
}

// MIMMethods returns the registry of mim-table1's methods. A new
// baseline (DeepIM, ToupleGDD) is one more line: a name and a function
// training on in.Model and timing its inference.
func MIMMethods() []MIMMethod {
	return []MIMMethod{
		{"isf", combinatorial(mim.ISF{})},
		{"ksn", combinatorial(mim.KSN{})},
		{"mim-reasoner", func(ctx context.Context, in *MIMInstance) (*MIMRun, error) {
			return runReasoner(in, in.Config.Reasoner)
		}},
		{"mim-reasoner-paper", func(ctx context.Context, in *MIMInstance) (*MIMRun, error) {
			return runReasoner(in, in.Config.Paper)
		}},
		{"deepim", runDeepIM},
		{"touplegdd", runToupleGDD},
	}
}

// runDeepIM trains DeepIM (solvers/deepim, its defaults) for the budget
// and times its latent-space selection.
func runDeepIM(ctx context.Context, in *MIMInstance) (*MIMRun, error) {
	cfg := deepim.Default()
	cfg.Budget, cfg.Seed, cfg.Workers = in.K, in.Seed, in.Workers
	if in.Config.DeepIMSamples > 0 {
		cfg.Samples = in.Config.DeepIMSamples
	}
	if in.Config.DeepIMEpochs > 0 {
		cfg.Epochs = in.Config.DeepIMEpochs
	}
	t0 := time.Now()
	m, _, err := deepim.Train(ctx, in.Model, cfg)
	if err != nil {
		return nil, err
	}
	run := &MIMRun{Train: time.Since(t0), Learned: true}
	t1 := time.Now()
	if run.Seeds, err = m.Select(in.K); err != nil {
		return nil, err
	}
	run.Infer = time.Since(t1)
	return run, nil
}

// runToupleGDD trains ToupleGDD (solvers/touplegdd, its defaults, the
// instance's Monte-Carlo runs as the reward oracle) and times its k
// Q-network picks.
func runToupleGDD(ctx context.Context, in *MIMInstance) (*MIMRun, error) {
	cfg := touplegdd.DefaultConfig(in.K)
	cfg.Seed, cfg.Runs, cfg.Workers = in.Seed, in.Runs, in.Workers
	if in.Config.ToupleGDDEpisodes > 0 {
		cfg.Episodes = in.Config.ToupleGDDEpisodes
	}
	t0 := time.Now()
	a, _, err := touplegdd.Train(ctx, in.Model, cfg)
	if err != nil {
		return nil, err
	}
	run := &MIMRun{Train: time.Since(t0), Learned: true}
	t1 := time.Now()
	if run.Seeds, err = a.Select(in.K); err != nil {
		return nil, err
	}
	run.Infer = time.Since(t1)
	return run, nil
}

func combinatorial(meth mim.Method) func(context.Context, *MIMInstance) (*MIMRun, error) {
	return func(ctx context.Context, in *MIMInstance) (*MIMRun, error) {
		t0 := time.Now()
		res, err := mim.Maximize(&mim.Problem{Model: in.Model, K: in.K}, in.settings(), meth)
		if err != nil {
			return nil, err
		}
		return &MIMRun{Seeds: res.Seeds, Train: time.Since(t0)}, nil
	}
}

func (in *MIMInstance) settings() *mim.Settings {
	return &mim.Settings{Runs: in.Runs, Seed: in.Seed, Workers: in.Workers}
}

// reasoner builds MIM-Reasoner from c; with gat and policies it reuses
// them (inference).
func reasoner(c MIMReasonerConfig, seed uint64, gatTheta []float64, policies []mim.LayerPolicy) (mim.Reasoner, *mim.GATFinder, *mim.RL, error) {
	reward, err := mim.ParseReward(c.Reward)
	if err != nil {
		return mim.Reasoner{}, nil, nil, err
	}
	gf := &mim.GATFinder{}
	if gatTheta != nil {
		gf = mim.NewGATFinder(gatTheta)
	}
	gf.C, gf.Seed = c.Candidates, seed
	var cf mim.CandidateFinder = gf
	if c.DegreeCandidates {
		gf.C = max(1, c.Candidates/2)
		cf = mim.Merge{gf, mim.MultiplexDegree{C: max(1, c.Candidates/2)}}
	}
	cfg := c.PPO
	cfg.Seed = seed
	rl := &mim.RL{PPO: cfg, Candidates: cf, MaxCandidates: c.Candidates, Reward: reward, Greedy: c.Greedy,
		Status: c.Status, Policies: policies}
	r := mim.Reasoner{Candidates: cf, Phase2: rl}
	if c.MultiplexGreedy {
		r.Greedy = mim.ProfitMultiplex
	}
	return r, gf, rl, nil
}

// runReasoner trains MIM-Reasoner on the instance (GAT finder, Phase 1,
// per-layer PPO), then times inference with the trained GAT, Phase 1's
// allocation 𝒰 and the policies (Phase 2 only: the GAT's candidates, the
// policies' rollouts, and the greedy fallback when configured).
func runReasoner(in *MIMInstance, c MIMReasonerConfig) (*MIMRun, error) {
	meth, gf, rl, err := reasoner(c, in.Seed, nil, nil)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	tres, err := mim.Maximize(&mim.Problem{Model: in.Model, K: in.K}, in.settings(), meth)
	if err != nil {
		return nil, err
	}
	train := time.Since(t0)
	if len(rl.Trained) == 0 {
		return nil, errors.New("mim-reasoner: no layer received a budget, nothing was trained")
	}
	inf, _, _, err := reasoner(c, in.Seed, gf.Finder.Theta, rl.Trained)
	if err != nil {
		return nil, err
	}
	inf.Plan = tres.Plan // the allocation 𝒰 is part of the trained model
	t1 := time.Now()
	res, err := mim.Maximize(&mim.Problem{Model: in.Model, K: in.K}, in.settings(), inf)
	if err != nil {
		return nil, err
	}
	return &MIMRun{Seeds: res.Seeds, Train: train, Infer: time.Since(t1), Learned: true}, nil
}

// mimDataset is a loaded dataset of mim-table1.
type mimDataset struct {
	name   string
	layers int
	m      *multiplex.Model
}

// alternating returns k layers alternating IC and LT (IC first).
func alternating(k int) []multiplex.Layer {
	ls := make([]multiplex.Layer, k)
	for i := range ls {
		if i%2 == 1 {
			ls[i].Kind = multiplex.LT
		}
	}
	return ls
}

// mimReal returns the path of a real multiplex under dataDir.
func mimReal(dataDir, name string) (string, error) {
	switch name {
	case "arabidopsis":
		return filepath.Join(dataDir, "multiplex", "Arabidopsis_Multiplex_Genetic", "Dataset"), nil
	case "xenopus":
		return filepath.Join(dataDir, "multiplex", "MIM-Reasoner-derived", "xenopus_mim_reasoner.edges"), nil
	}
	return "", fmt.Errorf("unknown real multiplex %q (want arabidopsis or xenopus)", name)
}

const (
	tagMIMGraph uint64 = 0x6d696d01 + iota
	tagMIMSelect
	tagMIMEval
)

// MIMTable1 runs mim-table1 (see mimTable1Long). Points: per dataset
// (series) and method, the metrics spread, rt_seconds, it_seconds and
// seeds; X is the dataset's index (1-based, planning order), N its
// nodes.
func MIMTable1(ctx context.Context, cfg MIMTable1Config, opt Options) (*Output, error) {
	return mimTable1(ctx, cfg, opt, MIMMethods())
}

func mimTable1(ctx context.Context, cfg MIMTable1Config, opt Options, registry []MIMMethod) (*Output, error) {
	const name = "mim-table1"
	if cfg.K < 1 || cfg.Runs < 1 || cfg.EvalRuns < 1 || len(cfg.Methods) == 0 || cfg.Nodes < 1 || !(cfg.Degree > 0) {
		return nil, fmt.Errorf("experiments: %s: need K, Runs, EvalRuns, Nodes ≥ 1, Degree > 0 and methods", name)
	}
	var methods []MIMMethod
	for _, mn := range cfg.Methods {
		i := slices.IndexFunc(registry, func(m MIMMethod) bool { return m.Name == mn })
		if i < 0 {
			return nil, fmt.Errorf("experiments: %s: unknown method %q", name, mn)
		}
		methods = append(methods, registry[i])
	}
	tr := newTracker(name, opt.Recorder)
	var notes []string
	var data []mimDataset
	for _, s := range cfg.Synthetic {
		sizes, err := graphs.Table2Sizes(s.Layers)
		if err != nil {
			return nil, fmt.Errorf("experiments: %s: %w", name, err)
		}
		for i := range sizes {
			sizes[i] = max(1, sizes[i]*cfg.Nodes/5000)
		}
		mx, err := graphs.ERMultiplex(sizes, s.Overlap, cfg.Degree, subSeed(opt.Seed, tagMIMGraph, uint64(s.Layers), uint64(math.Round(s.Overlap*1000))))
		if err != nil {
			return nil, fmt.Errorf("experiments: %s: %w", name, err)
		}
		m, err := multiplex.New(mx, alternating(s.Layers), nil)
		if err != nil {
			return nil, fmt.Errorf("experiments: %s: %w", name, err)
		}
		data = append(data, mimDataset{fmt.Sprintf("ER %d layers %g%%", s.Layers, 100*s.Overlap), s.Layers, m})
	}
	for _, rn := range cfg.Real {
		path, err := mimReal(opt.DataDir, rn)
		if err != nil {
			return nil, fmt.Errorf("experiments: %s: %w", name, err)
		}
		var mx *graphs.Multiplex
		if opt.DataDir == "" {
			err = fs.ErrNotExist
		} else if _, err = os.Stat(path); err == nil {
			if rn == "arabidopsis" {
				mx, _, err = graphs.ReadDeDomenico(path, graphs.ReadOptions{})
			} else {
				mx, _, err = graphs.ReadMultiplexFile(path, graphs.ReadOptions{})
			}
		}
		if errors.Is(err, fs.ErrNotExist) {
			n := fmt.Sprintf("skipping %s: shared data absent (%s); set -data or SPREAD_SHARED", rn, path)
			notes = append(notes, n)
			if err := tr.note("%s", n); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("experiments: %s: %w", name, err)
		}
		m, err := multiplex.New(mx, alternating(len(mx.Layers)), nil)
		if err != nil {
			return nil, fmt.Errorf("experiments: %s: %s: %w", name, rn, err)
		}
		data = append(data, mimDataset{rn, len(mx.Layers), m})
	}
	metrics := []string{"spread", "rt_seconds", "it_seconds", "seeds"}
	idx := make([][]int, len(data)) // point of (dataset, method, metric)
	for di, d := range data {
		for _, me := range methods {
			for _, mt := range metrics {
				idx[di] = append(idx[di], tr.plan(Point{Series: d.name, Method: me.Name, Graph: d.name, N: d.m.NumNodes(),
					X: float64(di + 1), Metric: mt, Replicas: 1}, 1))
			}
		}
	}
	for di, d := range data {
		if d.m.NumNodes() < cfg.K {
			return nil, fmt.Errorf("experiments: %s: %s has %d nodes, fewer than K = %d", name, d.name, d.m.NumNodes(), cfg.K)
		}
		// One evaluator per dataset, shared by every method.
		ev := multiplex.MustMC(d.m, cfg.EvalRuns, subSeed(opt.Seed, tagMIMEval, uint64(di)), opt.workers())
		in := &MIMInstance{Name: d.name, Model: d.m, K: cfg.K, Runs: cfg.Runs, Seed: subSeed(opt.Seed, tagMIMSelect, uint64(di)),
			Workers: opt.workers(), Config: &cfg}
		for mi, me := range methods {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			run, err := me.Run(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("experiments: %s: %s on %s: %w", name, me.Name, d.name, err)
			}
			if len(run.Seeds) > cfg.K {
				return nil, fmt.Errorf("experiments: %s: %s on %s returned %d seeds for budget %d", name, me.Name, d.name, len(run.Seeds), cfg.K)
			}
			mean, se := ev.Spread(run.Seeds)
			secs := (run.Train + run.Infer).Seconds()
			infer := math.NaN()
			if run.Learned {
				infer = run.Infer.Seconds()
			}
			base := mi * len(metrics)
			vals := []float64{mean, run.Train.Seconds(), infer, float64(len(run.Seeds))}
			for k, v := range vals {
				if err := tr.add(idx[di][base+k], 0, v, runInfo{secs: secs}); err != nil {
					return nil, err
				}
			}
			tr.points[idx[di][base]].Stderr = se // the evaluator's, not over runs
		}
	}
	out, err := tr.output(nil, cfg, opt.Seed, notes)
	if err != nil {
		return nil, err
	}
	out.Figures = mimFigures(out.Points, cfg.Methods)
	return out, nil
}

// mimFigures draws each method's spread relative to ISF's on the same
// dataset (or the spread itself without an isf row) against the dataset
// index.
func mimFigures(pts []Point, methods []string) []FigureFile {
	isf := map[float64]float64{}
	rel := slices.Contains(methods, "isf")
	for _, p := range pts {
		if p.Metric == "spread" && p.Method == "isf" {
			isf[p.X] = p.Mean
		}
	}
	f := &report.Figure{Title: "MIM-Reasoner Table 1: spread per dataset (CSV series = dataset)", XLabel: "dataset index (see the CSV)",
		YLabel: "spread"}
	if rel {
		f.YLabel = "spread / ISF's spread"
	}
	for _, mn := range methods {
		s := report.Series{Name: mn, Points: true}
		for _, p := range pts {
			if p.Metric != "spread" || p.Method != mn {
				continue
			}
			y := p.Mean
			if rel && isf[p.X] > 0 {
				y /= isf[p.X]
			}
			s.X, s.Y = append(s.X, p.X), append(s.Y, y)
		}
		f.Series = append(f.Series, s)
	}
	return []FigureFile{{File: "mim-table1.png", Figure: f}}
}
