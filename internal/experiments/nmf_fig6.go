package experiments

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/cic"
	mnmf "github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/solvers/continest"
	"github.com/spread-dev/spread/solvers/im"
	"github.com/spread-dev/spread/solvers/iminfector"
	"github.com/spread-dev/spread/solvers/netrate"
)

const nmfFig6Long = `NMF paper (He, Zha & Ye, arXiv:2106.02608) Fig. 6: influence maximisation.
Data as nmf-fig2 (datasets.BuildCIC). For budgets k = 1..K every method picks
k seeds and every seed set is scored by the same Monte-Carlo evaluator on the
true continuous-time model at horizon T (im.MC). Methods (the IM method
registry, IMMethods): nmf-infmax (NMF trained on the cascades, then the
paper's projected gradient on 1ᵀx(T; u), step 0.01, ≤ 500 iterations, top-k
rounding); celf-true and imm-true (CELF with Monte Carlo, IMM with ε = 0.1, on
the true network and rates: their best case); celf-netrate and imm-netrate
(the same on NetRate's network inferred from the cascades: the paper's
baselines); influmax-true and influmax-netrate (CELF with ConTinEst as the
oracle). Greedy methods select K seeds once (their k-prefixes are the k-seed
answers, and seconds is the time of that one run); IMM and nmf-infmax run per
k. quick: n = 64 hier-exp, 90 × 10 cascades, T = 10 for training, scored at
horizon 2 (at horizon 10 almost every seed set reaches all 64 nodes), k =
1..5, 10 000 evaluation runs; paper: n = 1024 hier-exp, 100 source nodes × 10
single-source cascades (the paper's §4.4: 1 000 cascades, as it gives every
method), T = 10, k = 1..10, 20 000 runs.`

// IMEnv is what an influence-maximisation method of nmf-fig6 may use: the
// data (network, rates, cascades with their source attribution) and the
// settings, with the learned models built on first use and shared between
// methods.
type IMEnv struct {
	// Data is the case's data; Delay its delay family.
	Data  *datasets.CICData
	Delay cic.Delay
	// T is the horizon of the maximisation and of the evaluation.
	T float64
	// Seed and Workers are the run's Options.
	Seed    uint64
	Workers int
	// Config is the experiment's configuration.
	Config *NMFFig6Config

	tracker *tracker // gets NMF's epoch notes (may be nil)
	label   string   // the case's label
	mu      sync.Mutex
	nmf     *trainedNMF
	netrate *netrate.Result
}

// TrueNetwork returns the true network and rates.
func (e *IMEnv) TrueNetwork() (*graphs.Graph, cic.Params, error) {
	return e.Data.Graph, e.Data.Params, nil
}

// NetRate returns NetRate's network inferred from the training cascades
// (computed once).
func (e *IMEnv) NetRate() (*netrate.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.netrate == nil {
		r, err := netrate.Infer(e.Data.Train, e.Data.Config.N, &netrate.Settings{Delay: e.Delay, Threshold: e.Config.NetRateThreshold, Workers: e.Workers})
		if err != nil {
			return nil, fmt.Errorf("NetRate: %w", err)
		}
		e.netrate = r
	}
	return e.netrate, nil
}

// NetRateNetwork returns NetRate's network and rates.
func (e *IMEnv) NetRateNetwork() (*graphs.Graph, cic.Params, error) {
	r, err := e.NetRate()
	if err != nil {
		return nil, cic.Params{}, err
	}
	return r.Graph, r.Params, nil
}

// NMF returns NMF trained on the training cascades (computed once).
func (e *IMEnv) NMF() (*trainedNMF, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.nmf == nil {
		val, _, err := e.Config.Train.split(e.Data)
		if err != nil {
			return nil, err
		}
		m, err := trainNMF(e.Data, e.Config.Train, val, e.Seed, e.tracker, e.label)
		if err != nil {
			return nil, err
		}
		e.nmf = m
	}
	return e.nmf, nil
}

// IMMethod is an entry of the influence-maximisation registry of nmf-fig6.
type IMMethod struct {
	// Name is the method's name in NMFFig6Config.Methods and the CSV.
	Name string
	// Seeds returns the seed sets for k = 1..K (sets[k−1] has k seeds) and
	// the selection time of each in seconds.
	Seeds func(ctx context.Context, e *IMEnv, K int) (sets [][]int, secs []float64, err error)
}

// IMMethods returns the registry of nmf-fig6's methods. A new method is
// one more entry.
func IMMethods() []IMMethod {
	return []IMMethod{
		{"nmf-infmax", nmfInfMaxSeeds},
		{"celf-true", greedySeeds((*IMEnv).TrueNetwork, celfOn)},
		{"imm-true", perK((*IMEnv).TrueNetwork, immOn)},
		{"celf-netrate", greedySeeds((*IMEnv).NetRateNetwork, celfOn)},
		{"imm-netrate", perK((*IMEnv).NetRateNetwork, immOn)},
		{"influmax-true", greedySeeds((*IMEnv).TrueNetwork, influMaxOn)},
		{"influmax-netrate", greedySeeds((*IMEnv).NetRateNetwork, influMaxOn)},
		{"iminfector", imInfectorSeeds},
	}
}

// imInfectorSeeds is IMINFECTOR (solvers/iminfector) with the NMF paper's
// settings (d = 50, sampling 120 %, 50 epochs, P = 100), trained on the
// training cascades cut at the maximisation horizon. The first budget's
// time includes the training.
func imInfectorSeeds(ctx context.Context, e *IMEnv, K int) ([][]int, []float64, error) {
	start := time.Now()
	m, err := iminfector.Train(e.Data.Train.Until(e.T), &iminfector.Settings{Seed: subSeed(e.Seed, tagMC, 15)})
	if err != nil {
		return nil, nil, err
	}
	sets, ts := make([][]int, K), make([]float64, K)
	for k := 1; k <= K; k++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		r, err := m.Select(k, 100)
		if err != nil {
			return nil, nil, err
		}
		sets[k-1], ts[k-1] = r.Seeds, time.Since(start).Seconds()
		start = time.Now()
	}
	return sets, ts, nil
}

// imMethodNames returns the names of the registry.
func imMethodNames() []string {
	var s []string
	for _, m := range IMMethods() {
		s = append(s, m.Name)
	}
	return s
}

// network returns the network and rates a method works on.
type network func(*IMEnv) (*graphs.Graph, cic.Params, error)

// selector picks k seeds on the network g with rates p.
type selector func(e *IMEnv, g *graphs.Graph, p cic.Params, k int) ([]int, error)

// celfOn is CELF with a Monte-Carlo oracle on the continuous-time model.
func celfOn(e *IMEnv, g *graphs.Graph, p cic.Params, k int) ([]int, error) {
	m, err := cic.NewModelParams(g, e.Delay, p, e.T)
	if err != nil {
		return nil, err
	}
	r, err := im.Maximize(&im.Problem{Model: m, K: k}, &im.Settings{Seed: subSeed(e.Seed, tagMC, 10), Runs: e.Config.CELFRuns, Workers: e.Workers}, im.CELF{})
	if err != nil {
		return nil, err
	}
	return r.Seeds, nil
}

// immOn is IMM on the continuous-time model.
func immOn(e *IMEnv, g *graphs.Graph, p cic.Params, k int) ([]int, error) {
	m, err := cic.NewModelParams(g, e.Delay, p, e.T)
	if err != nil {
		return nil, err
	}
	r, err := im.Maximize(&im.Problem{Model: m, K: k}, &im.Settings{Seed: subSeed(e.Seed, tagMC, 11), Workers: e.Workers}, &im.IMM{Epsilon: e.Config.IMMEpsilon})
	if err != nil {
		return nil, err
	}
	return r.Seeds, nil
}

// influMaxOn is InfluMax: CELF with ConTinEst as the oracle.
func influMaxOn(e *IMEnv, g *graphs.Graph, p cic.Params, k int) ([]int, error) {
	est, err := continest.New(g, e.Delay, p, e.T, &continest.Settings{Samples: e.Config.ConTinEstSamples, Seed: subSeed(e.Seed, tagMC, 12), Workers: e.Workers})
	if err != nil {
		return nil, err
	}
	r, err := continest.InfluMax(est, k, nil)
	if err != nil {
		return nil, err
	}
	return r.Seeds, nil
}

// greedySeeds selects K seeds once with sel on the network of e and
// returns the prefixes (greedy selections are nested), each with the time
// of the one run.
func greedySeeds(net network, sel selector) func(context.Context, *IMEnv, int) ([][]int, []float64, error) {
	return func(ctx context.Context, e *IMEnv, K int) ([][]int, []float64, error) {
		g, p, err := net(e)
		if err != nil {
			return nil, nil, err
		}
		start := time.Now()
		seeds, err := sel(e, g, p, K)
		if err != nil {
			return nil, nil, err
		}
		if len(seeds) != K {
			return nil, nil, fmt.Errorf("%d seeds selected, want %d", len(seeds), K)
		}
		secs := time.Since(start).Seconds()
		sets, ts := make([][]int, K), make([]float64, K)
		for k := range K {
			sets[k], ts[k] = slices.Clone(seeds[:k+1]), secs
		}
		return sets, ts, nil
	}
}

// perK runs sel once per budget k = 1..K on the network of e.
func perK(net network, sel selector) func(context.Context, *IMEnv, int) ([][]int, []float64, error) {
	return func(ctx context.Context, e *IMEnv, K int) ([][]int, []float64, error) {
		g, p, err := net(e)
		if err != nil {
			return nil, nil, err
		}
		sets, ts := make([][]int, K), make([]float64, K)
		for k := 1; k <= K; k++ {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			start := time.Now()
			if sets[k-1], err = sel(e, g, p, k); err != nil {
				return nil, nil, err
			}
			ts[k-1] = time.Since(start).Seconds()
		}
		return sets, ts, nil
	}
}

// nmfInfMaxSeeds is NMF-InfMax: the trained model integrated over [0, T],
// the relaxed objective 1ᵀx(T; u) maximised by projected gradient on the
// capped simplex (the paper's Algorithm 2), top-k rounding, per k.
func nmfInfMaxSeeds(ctx context.Context, e *IMEnv, K int) ([][]int, []float64, error) {
	tm, err := e.NMF()
	if err != nil {
		return nil, nil, err
	}
	mc, err := tm.cfg.AtHorizon(e.T)
	if err != nil {
		return nil, nil, err
	}
	inf, err := mnmf.NewInfluence(mc, tm.theta, 0)
	if err != nil {
		return nil, nil, err
	}
	defer inf.Close()
	sets, ts := make([][]int, K), make([]float64, K)
	for k := 1; k <= K; k++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		start := time.Now()
		r, err := im.Maximize(&im.Problem{N: mc.N, K: k}, &im.Settings{Seed: subSeed(e.Seed, tagMC, 13)},
			&im.ProjectedGradient{Objective: inf, Step: 0.01, Iterations: 500, Patience: 10})
		if err != nil {
			return nil, nil, err
		}
		sets[k-1], ts[k-1] = r.Seeds, time.Since(start).Seconds()
	}
	return sets, ts, nil
}

// NMFFig6Config configures NMFFig6.
type NMFFig6Config struct {
	// Cases are the networks; Data the protocol (Data.T is the training
	// horizon).
	Cases []NMFCase `json:"cases"`
	Data  NMFData   `json:"data"`
	// Methods are names from IMMethods.
	Methods []string `json:"methods"`
	// Train is NMF's training (its ValSets test sets validate it).
	Train NMFTrain `json:"train"`
	// Horizon is the maximisation and evaluation horizon (≤ Data.T; paper:
	// 10) and K the largest budget (paper: 10).
	Horizon float64 `json:"horizon"`
	K       int     `json:"k"`
	// EvalRuns is the number of Monte-Carlo runs of the evaluator and
	// CELFRuns those of CELF's oracle; IMMEpsilon is IMM's ε;
	// ConTinEstSamples InfluMax's number of delay realisations;
	// NetRateThreshold the rate below which NetRate's edges are dropped.
	EvalRuns         int     `json:"eval_runs"`
	CELFRuns         int     `json:"celf_runs"`
	IMMEpsilon       float64 `json:"imm_epsilon"`
	ConTinEstSamples int     `json:"continest_samples"`
	NetRateThreshold float64 `json:"netrate_threshold"`
}

// DefaultNMFFig6 returns the configuration of scale s.
func DefaultNMFFig6(s Scale) NMFFig6Config {
	c := NMFFig6Config{Cases: []NMFCase{{"hier", "exp", 64}}, Data: quickNMFData(), Methods: imMethodNames(),
		Train: quickNMFTrain(), Horizon: 2, K: 5, EvalRuns: 10000, CELFRuns: 2000, IMMEpsilon: 0.1,
		ConTinEstSamples: 1000, NetRateThreshold: 0.01}
	if s == Paper {
		c.Cases = []NMFCase{{"hier", "exp", 1024}}
		c.Data = paperNMFData()
		c.Data.SourceSets, c.Data.PerSet, c.Data.SetSizeMin, c.Data.SetSizeMax, c.Data.T = 100, 10, 1, 1, 10
		c.Train = paperNMFTrain()
		c.Horizon, c.K, c.EvalRuns = 10, 10, 20000
	}
	return c
}

// NMFFig6 reproduces the NMF paper's Fig. 6 (see nmfFig6Long). Points: one
// per (case, method, k), Series "<case> <method>", X = k, Metric
// "mc_spread" (Mean ± Stderr of the evaluator over EvalRuns worlds),
// Seconds the selection time.
func NMFFig6(ctx context.Context, cfg NMFFig6Config, opt Options) (*Output, error) {
	const name = "nmf-fig6"
	if len(cfg.Cases) == 0 {
		return nil, fmt.Errorf("experiments: %s: no case", name)
	}
	if err := checkNames("method", cfg.Methods, imMethodNames()); err != nil {
		return nil, fmt.Errorf("experiments: %s: %w", name, err)
	}
	if cfg.K < 1 || !(cfg.Horizon > 0) || cfg.Horizon > cfg.Data.T || cfg.EvalRuns < 1 || cfg.CELFRuns < 1 || !(cfg.IMMEpsilon > 0) {
		return nil, fmt.Errorf("experiments: %s: need K ≥ 1, 0 < Horizon ≤ Data.T, EvalRuns ≥ 1, CELFRuns ≥ 1, IMMEpsilon > 0", name)
	}
	registry := map[string]IMMethod{}
	for _, m := range IMMethods() {
		registry[m.Name] = m
	}
	tr := newTracker(name, opt.Recorder)
	W := opt.workers()
	var notes []string
	for _, c := range cfg.Cases {
		if c.N < cfg.K {
			return nil, fmt.Errorf("experiments: %s: case %s has fewer nodes than K = %d", name, c.Label(), cfg.K)
		}
		fail := func(err error) error { return fmt.Errorf("experiments: %s: %s: %w", name, c.Label(), err) }
		if err := tr.note("%s: simulating the cascades", c.Label()); err != nil {
			return nil, err
		}
		d, delay, err := cfg.Data.build(c, opt.Seed, W)
		if err != nil {
			return nil, fail(err)
		}
		env := &IMEnv{Data: d, Delay: delay, T: cfg.Horizon, Seed: opt.Seed, Workers: W, Config: &cfg, tracker: tr, label: c.Label()}
		truth, err := cic.NewModelParams(d.Graph, delay, d.Params, cfg.Horizon)
		if err != nil {
			return nil, fail(err)
		}
		eval := &im.MC{Model: truth, Runs: cfg.EvalRuns, Seed: subSeed(opt.Seed, tagMC, 14), Workers: W}
		for _, mn := range cfg.Methods {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := tr.note("%s: %s", c.Label(), mn); err != nil {
				return nil, err
			}
			sets, secs, err := registry[mn].Seeds(ctx, env, cfg.K)
			if err != nil {
				return nil, fail(fmt.Errorf("%s: %w", mn, err))
			}
			if len(sets) != cfg.K {
				return nil, fail(fmt.Errorf("%s returned %d seed sets, want %d", mn, len(sets), cfg.K))
			}
			for k, S := range sets {
				if len(S) != k+1 {
					return nil, fail(fmt.Errorf("%s: budget %d: %d seeds", mn, k+1, len(S)))
				}
				mean, se := eval.Spread(S)
				p := Point{Series: c.Label() + " " + mn, Method: mn, Graph: c.Label(), N: c.N, Params: d.Graph.NumEdges(),
					T: int(cfg.Horizon), M: d.Train.M(), Replicas: 1, X: float64(k + 1), Metric: "mc_spread"}
				pi := tr.plan(p, 1)
				if err := tr.add(pi, 0, mean, runInfo{secs: secs[k]}); err != nil {
					return nil, err
				}
				// One run: the standard error is the evaluator's (the
				// Recorder saw NaN).
				tr.points[pi].Stderr = se
			}
			notes = append(notes, fmt.Sprintf("%s %s seeds (k = %d): %v", c.Label(), mn, cfg.K, sets[cfg.K-1]))
		}
		if env.nmf != nil {
			notes = append(notes, c.Label()+" "+env.nmf.summary())
		}
		if env.netrate != nil {
			notes = append(notes, fmt.Sprintf("%s NetRate: %d edges (true %d), %.1f s", c.Label(), env.netrate.Graph.NumEdges(), d.Graph.NumEdges(), env.netrate.Stats.Runtime.Seconds()))
		}
	}
	out, err := tr.output(nil, cfg, opt.Seed, notes)
	if err != nil {
		return nil, err
	}
	out.Figures = []FigureFile{figureSpec{file: name + ".png", title: fmt.Sprintf("NMF Fig. 6: influence at T = %g (Monte Carlo on the true network)", cfg.Horizon),
		xlabel: "number of seeds k", ylabel: "influence σ(S)", metric: "mc_spread"}.build(out.Points)}
	return out, nil
}
