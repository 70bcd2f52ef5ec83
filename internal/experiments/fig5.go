package experiments

import (
	"context"
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train/slicer"
)

const fig5Long = `Paper Fig. 5: the 10×10 open square lattice (N = 100, adversarial for DMP),
horizon T = 19 (the paper's 20 = the original code's T_code; activation times
0..18 resolved plus the censored class), α* ~ U[0,1]. Ground truth
p*_i^s(t) for t = 0..T (the T_code = T+1 rows of the code's arrays,
including t = 0 and the row after the last resolved slot) from MCRuns
Monte-Carlo cascades per single-seed source s. Prediction error, two
readings: metric delta_p is the original code's per-source
δp_s = Σ_{t,i} |p_i^s(t) − p*_i^s(t)| / Σ_{t,i} p*_i^s(t) averaged over the
sources; metric delta_p_eq8 is the paper's eq. 8 read literally,
⟨|p − p*|⟩ / ⟨p*⟩ with both averages over nodes, times and sources (a ratio
of sums over everything). Series: DMP with the true α* (constant in M) and
DMP with α learned by SLICER (paper loop from α = 0.5) from M single-seed
cascades (seeds uniform over the nodes); the metric=mae rows give
mean |α − α*| (paper Fig. 5a). Points average over α* sets.
Paper's readable numbers (Fig. 5b): δp ≈ 0.40 with the true α*; learned
≈ 0.46 (M = 10), 0.20 (10²), 0.165 (10³ to 10⁶).
quick: M ∈ {10, 10², 10³, 10⁴}, 3 α* sets, 5·10⁴ runs per source, all 100
sources; paper: M up to 10⁶, 3 α* sets, 10⁶ runs per source.`

const fig6Long = `Paper Fig. 6: the same lattice and horizon as Fig. 5; δp (both readings, see
fig5) of the mixture of R replicas (ic.MixtureMarginals, the replica average
of DMP marginals) learned by SLICER from M single-seed cascades (seeds among
the observed nodes) with ξ = 0% and 15% hidden nodes, for R = 1..MaxReplicas.
One slicer.Learn run per (α* set, ξ) with Replicas = MaxReplicas: stage R
starts from stage R−1's solution plus a perturbed copy of one replica
(slicer's continuation, δ = 0.05); the final iterate of each stage is
recorded. δp is measured over all nodes and all N sources (hidden ones
included). The series "DMP, true α*" is the reference. The paper gives no
numbers (monotone improvement with R).
quick: M = 10⁴, 1 α* set, 2·10⁴ runs per source, at most 300 iterations per
stage with the 1/√ rate decay from iteration 100 (K0 = 100: at the paper's
constant rate the ascent oscillates on this lattice until the decay starts,
so 300 iterations with K0 = 400 never converge); paper: M = 10⁶, 2 α* sets,
10⁶ runs per source, 1000 iterations per stage, K0 = 400.`

// Fig5Config configures Fig5.
type Fig5Config struct {
	// Side is the lattice side (N = Side²; paper 10).
	Side int `json:"side"`
	// T is the learning horizon (paper 20 = T_code, T = 19 here); marginals
	// are compared on the T+1 rows t = 0..T, as the code did.
	T int `json:"t"`
	// Ms are the numbers of cascades (the x axis).
	Ms []int `json:"ms"`
	// AlphaSets is the number of α* draws averaged.
	AlphaSets int `json:"alpha_sets"`
	// MCRuns is the number of Monte-Carlo cascades per source (paper 10⁶).
	MCRuns int `json:"mc_runs"`
	// Sources is the number of single-seed sources compared (a random
	// subset); zero means all nodes.
	Sources int `json:"sources"`
	// Learn is SLICER's configuration (Workers is set by the runner).
	Learn slicer.Config `json:"learn"`
}

// DefaultFig5 returns the configuration of scale s.
func DefaultFig5(s Scale) Fig5Config {
	c := Fig5Config{Side: 10, T: 19, Ms: []int{10, 100, 1000, 10000}, AlphaSets: 3, MCRuns: 50000, Learn: slicer.DefaultConfig()}
	if s == Paper {
		c.Ms = []int{10, 100, 1000, 10000, 100000, 1000000}
		c.AlphaSets = 3
		c.MCRuns = 1000000
	}
	return c
}

// Fig6Config configures Fig6.
type Fig6Config struct {
	// Side, T, AlphaSets, MCRuns and Sources are as in Fig5Config.
	Side      int `json:"side"`
	T         int `json:"t"`
	AlphaSets int `json:"alpha_sets"`
	MCRuns    int `json:"mc_runs"`
	Sources   int `json:"sources"`
	// M is the number of cascades (paper 10⁶).
	M int `json:"m"`
	// Hidden are the fractions ξ of hidden nodes (paper 0 and 15%).
	Hidden []float64 `json:"hidden"`
	// MaxReplicas is the largest number of replicas R (the x axis runs
	// 1..MaxReplicas).
	MaxReplicas int `json:"max_replicas"`
	// Learn is SLICER's configuration; Replicas is set to MaxReplicas,
	// Grad and Autodiff to the stage-recording adjoint, Workers by the
	// runner.
	Learn slicer.Config `json:"learn"`
}

// DefaultFig6 returns the configuration of scale s.
func DefaultFig6(s Scale) Fig6Config {
	c := Fig6Config{Side: 10, T: 19, AlphaSets: 1, MCRuns: 20000, M: 10000, Hidden: []float64{0, 0.15}, MaxReplicas: 4,
		Learn: slicer.DefaultConfig()}
	// At the paper's constant rate ε₀ the ascent oscillates on this lattice
	// until the 1/√ decay starts (measured: O(θ) stays near 2.3·10⁶, twice
	// its final value, and δp ≈ 1.5 for the first K0 = 400 iterations), so
	// the quick scale starts the decay after 100 iterations of each stage.
	c.Learn.MaxIters = 300
	c.Learn.K0 = 100
	if s == Paper {
		c.AlphaSets = 2
		c.MCRuns = 1000000
		c.M = 1000000
		c.Learn.MaxIters = slicer.DefaultMaxIters
		c.Learn.K0 = slicer.DefaultK0
	}
	return c
}

// latticeTruth holds one α* set of the lattice experiments, its Monte-Carlo
// ground truth and the prediction errors of DMP with α*.
type latticeTruth struct {
	alphaStar      []float64
	truth          [][]float64 // [source][t*N+i], t = 0..T
	trueDP, trueEq float64     // per-source and pooled δp of DMP with α*
}

// latticeSetup builds the lattice, picks the sources and computes, for each
// α* set, the ground truth (sources in parallel) and the δp of DMP with α*.
// α* set a is the one Fig2 and Fig3 draw for the lattice (network 0, set a)
// with the same seed.
func latticeSetup(ctx context.Context, name string, side, T, alphaSets, mcRuns, nSources int, opt Options, tr *tracker) (*graphs.Graph, []int, []latticeTruth, error) {
	if side < 2 || T < 1 || alphaSets < 1 || mcRuns < 1 {
		return nil, nil, nil, fmt.Errorf("experiments: %s: need Side ≥ 2, T ≥ 1, AlphaSets ≥ 1, MCRuns ≥ 1", name)
	}
	g, err := graphs.SquareLattice(side, false)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("experiments: %s: %w", name, err)
	}
	sources := allNodes(g.N)
	if nSources > 0 && nSources < g.N {
		rng := rand.New(rand.NewPCG(subSeed(opt.Seed, tagSources), 0))
		rng.Shuffle(len(sources), func(i, j int) { sources[i], sources[j] = sources[j], sources[i] })
		sources = sources[:nSources]
		slices.Sort(sources)
	}
	id, _ := topoID(TopoLattice)
	Tpred := T + 1
	sets := make([]latticeTruth, alphaSets)
	for a := range sets {
		t0 := time.Now()
		as := drawAlpha(g.NumPairs(), subSeed(opt.Seed, tagAlpha, id, 0, uint64(a)))
		alpha := ic.ExpandAlpha(nil, g, as)
		truth, err := mcMarginals(ctx, g, alpha, Tpred, sources, mcRuns, subSeed(opt.Seed, tagMC, uint64(a)), opt.workers())
		if err != nil {
			return nil, nil, nil, err
		}
		s := latticeTruth{alphaStar: as, truth: truth}
		s.trueDP, s.trueEq = predictionError(g, as, 1, sources, truth, Tpred)
		sets[a] = s
		if err := tr.note("α* set %d: Monte-Carlo ground truth (%d sources × %d runs, T_code = %d rows) in %.1fs; DMP with α*: δp = %.4f (per source), %.4f (eq. 8 pooled)",
			a, len(sources), mcRuns, Tpred, time.Since(t0).Seconds(), s.trueDP, s.trueEq); err != nil {
			return nil, nil, nil, err
		}
	}
	return g, sources, sets, nil
}

// Series labels of the δp metrics.
const (
	metricDP   = "delta_p"     // per-source δp averaged over sources
	metricDPEq = "delta_p_eq8" // pooled ratio of sums, paper eq. 8
)

// dpLabel returns the series label of a δp curve for metric m.
func dpLabel(base, m string) string {
	if m == metricDPEq {
		return base + " (eq. 8 pooled)"
	}
	return base + " (per source)"
}

// Fig5 reproduces paper Fig. 5 (see fig5Long). Points: per M, metrics
// "delta_p" and "delta_p_eq8" for methods "dmp-true" and "slicer", and
// metric "mae" for "slicer".
func Fig5(ctx context.Context, cfg Fig5Config, opt Options) (*Output, error) {
	const name = "fig5"
	cfg.Learn = opt.learnConfig(cfg.Learn)
	if len(cfg.Ms) == 0 {
		return nil, fmt.Errorf("experiments: %s: no Ms", name)
	}
	tr := newTracker(name, opt.Recorder)
	N := cfg.Side * cfg.Side
	params := 2 * cfg.Side * (cfg.Side - 1)
	base := Point{Graph: TopoLattice, N: N, Params: params, T: cfg.T, Replicas: 1}
	metrics := []string{metricDP, metricDPEq}
	var iTrue, iLearn [2][]int // [metric][M index]
	var iMAE []int
	for _, M := range cfg.Ms {
		p := base
		p.M, p.X = M, float64(M)
		for k, m := range metrics {
			q := p
			q.Series, q.Method, q.Metric = dpLabel("DMP, true α*", m), "dmp-true", m
			iTrue[k] = append(iTrue[k], tr.plan(q, cfg.AlphaSets))
			q.Series, q.Method, q.Metric = dpLabel("DMP, α learned by SLICER", m), "slicer", m
			iLearn[k] = append(iLearn[k], tr.plan(q, cfg.AlphaSets))
		}
		q := p
		q.Series, q.Method, q.Metric = "SLICER", "slicer", "mae"
		iMAE = append(iMAE, tr.plan(q, cfg.AlphaSets))
	}
	g, sources, sets, err := latticeSetup(ctx, name, cfg.Side, cfg.T, cfg.AlphaSets, cfg.MCRuns, cfg.Sources, opt, tr)
	if err != nil {
		return nil, err
	}
	for a, s := range sets {
		for mi := range cfg.Ms {
			if err := tr.add(iTrue[0][mi], a, s.trueDP, runInfo{}); err != nil {
				return nil, err
			}
			if err := tr.add(iTrue[1][mi], a, s.trueEq, runInfo{}); err != nil {
				return nil, err
			}
		}
	}
	type job struct{ a, mi int }
	var jobs []job
	for mi := len(cfg.Ms) - 1; mi >= 0; mi-- {
		for a := range sets {
			jobs = append(jobs, job{a, mi})
		}
	}
	id, _ := topoID(TopoLattice)
	W := opt.workers()
	gw := max(1, W/len(jobs))
	err = runJobs(ctx, W, len(jobs), func(ctx context.Context, j int) error {
		a, mi := jobs[j].a, jobs[j].mi
		M := cfg.Ms[mi]
		t0 := time.Now()
		s := &sets[a]
		obs := simulateCounts(g, ic.ExpandAlpha(nil, g, s.alphaStar), cfg.T, M, nil, nil,
			subSeed(opt.Seed, tagCascades, id, 0, uint64(a), uint64(cfg.T), 0), 1)
		lc := cfg.Learn
		lc.Workers = gw
		res, err := learnSlicer(ctx, g, obs, lc)
		if err != nil {
			return fmt.Errorf("experiments: %s: α* set %d, M = %d: %w", name, a, M, err)
		}
		dp, eq := predictionError(g, res.Theta, 1, sources, s.truth, cfg.T+1)
		ri := learnInfo(res, time.Since(t0).Seconds())
		if err := tr.add(iLearn[0][mi], a, dp, ri); err != nil {
			return err
		}
		if err := tr.add(iLearn[1][mi], a, eq, ri); err != nil {
			return err
		}
		return tr.add(iMAE[mi], a, slicer.MeanAbsError(res.Theta, s.alphaStar, nil), ri)
	})
	out, err := tr.output(err, cfg, opt.Seed, nil)
	if err != nil {
		return nil, err
	}
	pts := out.Points
	title := fmt.Sprintf("%d×%d lattice, T=%d (T_code=%d), %d MC runs/source", cfg.Side, cfg.Side, cfg.T, cfg.T+1, cfg.MCRuns)
	isDP := func(p *Point) bool { return p.Metric == metricDP || p.Metric == metricDPEq }
	out.Figures = []FigureFile{
		figureSpec{file: name + ".png", title: "Fig. 5b: " + title, xlabel: "number of cascades M",
			ylabel: "δp = Σ|p − p*| / Σp*", logX: true, keep: isDP}.build(pts),
		figureSpec{file: name + "_alpha.png", title: "Fig. 5a: " + title, xlabel: "number of cascades M",
			ylabel: "mean |α − α*|", logX: true, logY: true, metric: "mae"}.build(pts),
	}
	return out, nil
}

// Fig6 reproduces paper Fig. 6 (see fig6Long). Points: per ξ, R and δp
// metric ("delta_p", "delta_p_eq8"), series "SLICER mixture, ξ=…"; and per R
// the reference "DMP, true α*".
func Fig6(ctx context.Context, cfg Fig6Config, opt Options) (*Output, error) {
	const name = "fig6"
	cfg.Learn = opt.learnConfig(cfg.Learn)
	if cfg.MaxReplicas < 1 || cfg.M < 1 || len(cfg.Hidden) == 0 {
		return nil, fmt.Errorf("experiments: %s: need MaxReplicas ≥ 1, M ≥ 1 and hidden fractions", name)
	}
	for _, xi := range cfg.Hidden {
		if !(xi >= 0 && xi < 1) {
			return nil, fmt.Errorf("experiments: %s: hidden fraction %g outside [0, 1)", name, xi)
		}
	}
	tr := newTracker(name, opt.Recorder)
	N := cfg.Side * cfg.Side
	params := 2 * cfg.Side * (cfg.Side - 1)
	base := Point{Graph: TopoLattice, N: N, Params: params, T: cfg.T, M: cfg.M}
	metrics := []string{metricDP, metricDPEq}
	idx := make([][2][]int, len(cfg.Hidden)) // [ξ][metric][R−1]
	for hi, xi := range cfg.Hidden {
		for k, m := range metrics {
			for R := 1; R <= cfg.MaxReplicas; R++ {
				p := base
				p.Series = dpLabel(fmt.Sprintf("SLICER mixture, ξ=%g%%", 100*xi), m)
				p.Method, p.Metric, p.Hidden, p.Replicas, p.X = "slicer", m, xi, R, float64(R)
				idx[hi][k] = append(idx[hi][k], tr.plan(p, cfg.AlphaSets))
			}
		}
	}
	var iTrue [2][]int
	for k, m := range metrics {
		for R := 1; R <= cfg.MaxReplicas; R++ {
			p := base
			p.Series, p.Method, p.Metric, p.Replicas, p.X = dpLabel("DMP, true α*", m), "dmp-true", m, 1, float64(R)
			iTrue[k] = append(iTrue[k], tr.plan(p, cfg.AlphaSets))
		}
	}
	g, sources, sets, err := latticeSetup(ctx, name, cfg.Side, cfg.T, cfg.AlphaSets, cfg.MCRuns, cfg.Sources, opt, tr)
	if err != nil {
		return nil, err
	}
	for a, s := range sets {
		for R := range cfg.MaxReplicas {
			if err := tr.add(iTrue[0][R], a, s.trueDP, runInfo{}); err != nil {
				return nil, err
			}
			if err := tr.add(iTrue[1][R], a, s.trueEq, runInfo{}); err != nil {
				return nil, err
			}
		}
	}
	type job struct{ a, hi int }
	var jobs []job
	for a := range sets {
		for hi := range cfg.Hidden {
			jobs = append(jobs, job{a, hi})
		}
	}
	id, _ := topoID(TopoLattice)
	W := opt.workers()
	gw := max(1, W/len(jobs))
	notes := make([]string, len(jobs))
	err = runJobs(ctx, W, len(jobs), func(ctx context.Context, j int) error {
		a, hi := jobs[j].a, jobs[j].hi
		xi := cfg.Hidden[hi]
		t0 := time.Now()
		s := &sets[a]
		xiKey := uint64(math.Round(xi * 1e6))
		observed := hiddenMask(g.N, xi, subSeed(opt.Seed, tagHidden, id, 0, uint64(a), xiKey))
		obs := simulateCounts(g, ic.ExpandAlpha(nil, g, s.alphaStar), cfg.T, cfg.M, observed, nil,
			subSeed(opt.Seed, tagCascades, id, 0, uint64(a), uint64(cfg.T), xiKey), 1)
		var capture stageCapture
		lc := cfg.Learn
		lc.Workers = gw
		lc.Replicas = cfg.MaxReplicas
		lc.Grad, lc.Autodiff = slicer.GradAutodiff, capture.factory()
		res, err := learnSlicer(ctx, g, obs, lc)
		if err != nil {
			return fmt.Errorf("experiments: %s: α* set %d, ξ = %g: %w", name, a, xi, err)
		}
		failed := res.Status == train.Failure
		if !failed && len(capture.theta) != cfg.MaxReplicas {
			return fmt.Errorf("experiments: %s: α* set %d, ξ = %g: recorded %d stages, want %d", name, a, xi, len(capture.theta), cfg.MaxReplicas)
		}
		if !failed && !slices.Equal(capture.theta[cfg.MaxReplicas-1], res.Theta) {
			return fmt.Errorf("experiments: %s: α* set %d, ξ = %g: recorded final iterate differs from Learn's result", name, a, xi)
		}
		secs := time.Since(t0).Seconds()
		msg := fmt.Sprintf("α* set %d, ξ = %g: δp (per source / eq. 8) by R:", a, xi)
		for R := 1; R <= cfg.MaxReplicas; R++ {
			dp, eq := math.NaN(), math.NaN()
			ri := runInfo{secs: secs, failed: true}
			if R <= len(res.Stages) && R <= len(capture.theta) && capture.theta[R-1] != nil {
				dp, eq = predictionError(g, capture.theta[R-1], R, sources, s.truth, cfg.T+1)
				st := res.Stages[R-1]
				ri = runInfo{secs: secs, iters: st.Iters, atLimit: st.Status == train.IterationLimit, failed: st.Status == train.Failure}
			}
			msg += fmt.Sprintf(" R=%d: %.4f / %.4f;", R, dp, eq)
			if err := tr.add(idx[hi][0][R-1], a, dp, ri); err != nil {
				return err
			}
			if err := tr.add(idx[hi][1][R-1], a, eq, ri); err != nil {
				return err
			}
		}
		notes[j] = msg
		return nil
	})
	out, err := tr.output(err, cfg, opt.Seed, notes)
	if err != nil {
		return nil, err
	}
	pts := out.Points
	// The reference (DMP with α*, constant in R) is left out of the plots,
	// which would otherwise squeeze the curves; the title gives its value.
	title := fmt.Sprintf("Fig. 6: %d×%d lattice, T=%d, M=%d (DMP with α*: %%.3f)", cfg.Side, cfg.Side, cfg.T, cfg.M)
	learned := func(p *Point) bool { return p.Method == "slicer" }
	out.Figures = []FigureFile{
		figureSpec{file: name + ".png", title: fmt.Sprintf(title, pts[iTrue[0][0]].Mean),
			xlabel: "number of replicas R", ylabel: "δp per source, Σ|p − p*| / Σp*", metric: metricDP, keep: learned}.build(pts),
		figureSpec{file: name + "_eq8.png", title: fmt.Sprintf(title, pts[iTrue[1][0]].Mean),
			xlabel: "number of replicas R", ylabel: "δp pooled (eq. 8), Σ|p − p*| / Σp*", metric: metricDPEq, keep: learned}.build(pts),
	}
	return out, nil
}
