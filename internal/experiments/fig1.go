package experiments

import (
	"context"
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"
	"slices"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
	"github.com/spread-dev/spread/solvers/dmprec"
	"github.com/spread-dev/spread/solvers/icmle"
	"github.com/spread-dev/spread/train/slicer"
)

const fig1aLong = `Paper Fig. 1a: on the 3-regular tree with N = 20 nodes, α* ~ U[0,1] per edge,
M single-seed cascades (seed uniform over the nodes) of horizon T = 4 (the
paper's "length 5" = the original code's T_code = 5: activation times 0..3
resolved plus the censored class), full observation. Three estimators per
(α* set, M), all on the same cascades: SLICER (train/slicer, adjoint gradient,
the paper's ascent loop from α = 0.5), DMPrec (the same loop with the
forward-mode gradient of solvers/dmprec) and MLE (solvers/icmle). Metric: mean
|α − α*| over the 19 edges, averaged over α* sets (error bars: standard error).
The row metric=max_abs_diff gives max_e |α_SLICER − α_DMPrec| (mean over sets):
the two gradients agree to rounding, so the iterates agree to about 1e-16,
except in rare runs where rounding flips the relative-change stopping test by
one iteration (measured at paper scale: 2 of 80 runs, max |Δα| 5e-3 and 1e-3).
At large M SLICER's error lies above MLE's, partly because the paper's loop
stops (relative change 1e-6) short of the optimum: at M = 10⁶ on three α*
sets, 0.0011–0.0021 at the stop, 0.0010–0.0011 at the optimum (tolerance
1e-12), MLE about 0.0007.
quick: M ∈ {10², 10³, 10⁴, 10⁵}, 5 α* sets (the paper's); paper: 8 values of M
from 10² to 10⁶, 10 α* sets.`

// Fig1aConfig configures Fig1a.
type Fig1aConfig struct {
	// N is the number of nodes of the 3-regular tree (paper: 20).
	N int `json:"n"`
	// T is the horizon in this project's convention (paper "length 5" =
	// T_code 5 = T 4).
	T int `json:"t"`
	// Ms are the numbers of cascades (the x axis).
	Ms []int `json:"ms"`
	// AlphaSets is the number of α* draws averaged (paper: 5).
	AlphaSets int `json:"alpha_sets"`
	// Learn is the loop of SLICER and DMPrec (Grad and Autodiff are set per
	// method; Workers is set by the runner).
	Learn slicer.Config `json:"learn"`
	// MLEMaxIter bounds the Newton iterations of the MLE (0: icmle default).
	MLEMaxIter int `json:"mle_max_iter"`
}

// DefaultFig1a returns the configuration of scale s.
func DefaultFig1a(s Scale) Fig1aConfig {
	c := Fig1aConfig{N: 20, T: 4, Ms: []int{100, 1000, 10000, 100000}, AlphaSets: 5, Learn: slicer.DefaultConfig()}
	if s == Paper {
		c.Ms = []int{100, 300, 1000, 3000, 10000, 30000, 100000, 1000000}
		c.AlphaSets = 10
	}
	return c
}

// Fig1a reproduces paper Fig. 1a: estimation error of SLICER, DMPrec and MLE
// vs the number of cascades on a 3-regular tree (see fig1aLong). Points:
// for each method ("slicer", "dmprec", "mle") and M, metric "mae"; for each M,
// metric "max_abs_diff" (SLICER vs DMPrec, series "|SLICER − DMPrec|").
func Fig1a(ctx context.Context, cfg Fig1aConfig, opt Options) (*Output, error) {
	const name = "fig1a"
	if cfg.N < 2 || cfg.T < 1 || len(cfg.Ms) == 0 || cfg.AlphaSets < 1 {
		return nil, fmt.Errorf("experiments: %s: need N ≥ 2, T ≥ 1, some Ms and AlphaSets ≥ 1", name)
	}
	cfg.Learn = opt.learnConfig(cfg.Learn)
	g, err := graphs.RegularTree(cfg.N, 3)
	if err != nil {
		return nil, fmt.Errorf("experiments: %s: %w", name, err)
	}
	P := g.NumPairs()
	tr := newTracker(name, opt.Recorder)
	methods := []struct{ key, label string }{{"slicer", "SLICER"}, {"dmprec", "DMPrec"}, {"mle", "MLE"}}
	base := Point{Graph: TopoTree, N: g.N, Params: P, T: cfg.T, Replicas: 1}
	idx := make([][]int, len(methods)+1) // [method or diff][M index]
	for k, m := range methods {
		for _, M := range cfg.Ms {
			p := base
			p.Series, p.Method, p.M, p.X, p.Metric = m.label, m.key, M, float64(M), "mae"
			idx[k] = append(idx[k], tr.plan(p, cfg.AlphaSets))
		}
	}
	for _, M := range cfg.Ms {
		p := base
		p.Series, p.Method, p.M, p.X, p.Metric = "|SLICER − DMPrec|", "slicer-dmprec", M, float64(M), "max_abs_diff"
		idx[len(methods)] = append(idx[len(methods)], tr.plan(p, cfg.AlphaSets))
	}
	// Jobs: (α* set, M), largest M first.
	type job struct{ a, mi int }
	var jobs []job
	for mi := len(cfg.Ms) - 1; mi >= 0; mi-- {
		for a := 0; a < cfg.AlphaSets; a++ {
			jobs = append(jobs, job{a, mi})
		}
	}
	W := opt.workers()
	gw := max(1, W/len(jobs))
	err = runJobs(ctx, W, len(jobs), func(ctx context.Context, j int) error {
		a, mi := jobs[j].a, jobs[j].mi
		M := cfg.Ms[mi]
		alphaStar := drawAlpha(P, subSeed(opt.Seed, tagAlpha, 0, uint64(a)))
		cs, err := datasets.Synthetic(g, ic.ExpandAlpha(nil, g, alphaStar), datasets.SyntheticConfig{
			M: M, T: cfg.T, Seed: subSeed(opt.Seed, tagCascades, 0, uint64(a)), Workers: 1})
		if err != nil {
			return fmt.Errorf("experiments: %s: %w", name, err)
		}
		obs := datasets.Counts(cs, nil, true, nil)
		var thetas [2][]float64
		for k := 0; k < 2; k++ {
			lc := cfg.Learn
			lc.Workers = gw
			if methods[k].key == "dmprec" {
				lc.Grad, lc.Autodiff = slicer.GradAutodiff, dmprecFactory
			}
			t0 := time.Now()
			res, err := learnSlicer(ctx, g, obs, lc)
			if err != nil {
				return fmt.Errorf("experiments: %s: %s, α* set %d, M = %d: %w", name, methods[k].label, a, M, err)
			}
			thetas[k] = res.Theta
			if err := tr.add(idx[k][mi], a, slicer.MeanAbsError(res.Theta, alphaStar, nil), learnInfo(res, time.Since(t0).Seconds())); err != nil {
				return err
			}
		}
		var diff float64
		for e := range thetas[0] {
			diff = max(diff, math.Abs(thetas[0][e]-thetas[1][e]))
		}
		if err := tr.add(idx[3][mi], a, diff, runInfo{}); err != nil {
			return err
		}
		t0 := time.Now()
		prob := icmle.NewProblem(g, cfg.T)
		for k := 0; k < cs.M(); k++ {
			nodes, times := cs.Cascade(k)
			if err := prob.AddSparse(nodes, times); err != nil {
				return fmt.Errorf("experiments: %s: MLE: cascade %d: %w", name, k, err)
			}
		}
		res, err := icmle.Fit(prob, &icmle.Settings{MaxIter: cfg.MLEMaxIter})
		if err != nil {
			return fmt.Errorf("experiments: %s: MLE, α* set %d, M = %d: %w", name, a, M, err)
		}
		return tr.add(idx[2][mi], a, slicer.MeanAbsError(res.Alpha, alphaStar, nil),
			runInfo{secs: time.Since(t0).Seconds(), iters: res.Stats.Iterations, atLimit: res.Status == train.IterationLimit})
	})
	out, err := tr.output(err, cfg, opt.Seed, nil)
	if err != nil {
		return nil, err
	}
	pts := out.Points
	out.Figures = []FigureFile{
		figureSpec{file: name + ".png", title: fmt.Sprintf("Fig. 1a: 3-regular tree, N=%d, T=%d (T_code=%d), full observation", cfg.N, cfg.T, cfg.T+1),
			xlabel: "number of cascades M", ylabel: "mean |α − α*|", logX: true, logY: true, metric: "mae"}.build(pts),
	}
	return out, nil
}

const fig1bLong = `Paper Fig. 1b: wall time of one gradient evaluation of the SLICER objective
vs N on 3-regular trees, from M = 10³ single-seed cascades of horizon T = 4
(T_code 5), at α = 0.5 (SLICER's starting point): the hand-written adjoint
(solvers/adjoint), reverse-mode autodiff through the gorgonia DMP graph
(models/ic GraphObjective) and DMPrec (solvers/dmprec), each on one core.
Per (N, α* set, method): one untimed warm-up evaluation, then between MinReps
and Reps timed evaluations (as many as fit in RepSeconds); the point is the
mean over α* sets of the median time, with its standard error. A method is
not run at larger N once a median exceeds StopSeconds. Runs one evaluation at
a time whatever -workers says. quick: N = 20..1280, 2 α* sets, StopSeconds 1;
paper: N = 20..5120, 5 α* sets, StopSeconds 5. The paper gives no numbers, only the plot.`

// Gradient methods timed by Fig1b.
const (
	GradMethodAdjoint  = "adjoint"
	GradMethodAutodiff = "autodiff"
	GradMethodDMPrec   = "dmprec"
)

// Fig1bConfig configures Fig1b.
type Fig1bConfig struct {
	// Ns are the tree sizes (the x axis), in increasing order.
	Ns []int `json:"ns"`
	// M is the number of cascades (paper: 10³) and T the horizon (4).
	M int `json:"m"`
	T int `json:"t"`
	// AlphaSets is the number of α* draws (paper: 5).
	AlphaSets int `json:"alpha_sets"`
	// Methods are the gradient sources timed: "adjoint", "autodiff",
	// "dmprec".
	Methods []string `json:"methods"`
	// MinReps and Reps bound the timed evaluations per (N, α* set, method);
	// RepSeconds is the time budget that picks their number in between.
	MinReps    int     `json:"min_reps"`
	Reps       int     `json:"reps"`
	RepSeconds float64 `json:"rep_seconds"`
	// StopSeconds stops a method at larger N once one of its median times
	// exceeds it (the paper: DMPrec becomes prohibitive).
	StopSeconds float64 `json:"stop_seconds"`
}

// DefaultFig1b returns the configuration of scale s.
func DefaultFig1b(s Scale) Fig1bConfig {
	c := Fig1bConfig{Ns: []int{20, 40, 80, 160, 320, 640, 1280}, M: 1000, T: 4, AlphaSets: 2,
		Methods: []string{GradMethodAdjoint, GradMethodAutodiff, GradMethodDMPrec},
		MinReps: 3, Reps: 20, RepSeconds: 1, StopSeconds: 1}
	if s == Paper {
		c.Ns = []int{20, 40, 80, 160, 320, 640, 1280, 2560, 5120}
		c.AlphaSets = 5
		c.Reps = 200
		c.RepSeconds = 5
		// DMPrec's cost grows like N³ here (about 1 s at N = 320, 8 s at 640
		// on one core), so 5 s stops it after N = 640 instead of spending
		// minutes per point at 1280.
		c.StopSeconds = 5
	}
	return c
}

// gradFunc evaluates the objective and its gradient at theta into grad.
type gradFunc func(theta, grad []float64) (float64, error)

// newGradFunc returns the gradient source method on (g, obs) using one core,
// and a function releasing its resources.
func newGradFunc(method string, g *graphs.Graph, obs *ic.Observations) (gradFunc, func(), error) {
	switch method {
	case GradMethodAdjoint:
		ws := adjoint.NewWorkspace(g, &adjoint.Options{Workers: 1})
		return func(th, gr []float64) (float64, error) { o, _, err := ws.Gradient(gr, th, obs); return o, err }, func() {}, nil
	case GradMethodDMPrec:
		ws := dmprec.NewWorkspace(g, &dmprec.Options{Workers: 1})
		return func(th, gr []float64) (float64, error) { o, _, err := ws.Gradient(gr, th, obs); return o, err }, func() {}, nil
	case GradMethodAutodiff:
		f, err := ic.NewGraphObjective(g, obs, 1, nil)
		if err != nil {
			return nil, nil, err
		}
		return f.Eval, func() { f.Close() }, nil
	}
	return nil, nil, fmt.Errorf("unknown gradient method %q (want adjoint, autodiff or dmprec)", method)
}

// Fig1b reproduces paper Fig. 1b: the time of one gradient evaluation vs N
// (see fig1bLong). Points: one per (method, N) run, metric
// "seconds_per_gradient".
func Fig1b(ctx context.Context, cfg Fig1bConfig, opt Options) (*Output, error) {
	const name = "fig1b"
	if len(cfg.Ns) == 0 || cfg.M < 1 || cfg.T < 1 || cfg.AlphaSets < 1 || cfg.MinReps < 1 || cfg.Reps < cfg.MinReps {
		return nil, fmt.Errorf("experiments: %s: need Ns, M ≥ 1, T ≥ 1, AlphaSets ≥ 1, 1 ≤ MinReps ≤ Reps", name)
	}
	labels := map[string]string{GradMethodAdjoint: "SLICER adjoint", GradMethodAutodiff: "SLICER autodiff (gorgonia)", GradMethodDMPrec: "DMPrec"}
	for _, m := range cfg.Methods {
		if labels[m] == "" {
			return nil, fmt.Errorf("experiments: %s: unknown method %q (want adjoint, autodiff or dmprec)", name, m)
		}
	}
	tr := newTracker(name, opt.Recorder)
	var notes []string
	stopped := map[string]bool{}
	graphsByN := make([]*graphs.Graph, len(cfg.Ns))
	for i, n := range cfg.Ns {
		g, err := graphs.RegularTree(n, 3)
		if err != nil {
			return nil, fmt.Errorf("experiments: %s: %w", name, err)
		}
		graphsByN[i] = g
	}
	for ni, g := range graphsByN {
		P := g.NumPairs()
		// Data of every α* set, shared by the methods.
		obsSets := make([]*ic.Observations, cfg.AlphaSets)
		for a := range obsSets {
			alphaStar := drawAlpha(P, subSeed(opt.Seed, tagAlpha, uint64(ni), uint64(a)))
			obsSets[a] = simulateCounts(g, ic.ExpandAlpha(nil, g, alphaStar), cfg.T, cfg.M, nil, nil,
				subSeed(opt.Seed, tagCascades, uint64(ni), uint64(a)), opt.workers())
		}
		theta := make([]float64, P)
		for i := range theta {
			theta[i] = 0.5
		}
		grad := make([]float64, P)
		for _, m := range cfg.Methods {
			if stopped[m] {
				continue
			}
			p := Point{Series: labels[m], Method: m, Graph: TopoTree, N: g.N, Params: P, T: cfg.T, M: cfg.M, Replicas: 1,
				X: float64(g.N), Metric: "seconds_per_gradient"}
			pi := tr.plan(p, cfg.AlphaSets)
			worst := 0.0
			for a, obs := range obsSets {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				t0 := time.Now()
				f, closeFn, err := newGradFunc(m, g, obs)
				if err != nil {
					return nil, fmt.Errorf("experiments: %s: %s, N = %d: %w", name, m, g.N, err)
				}
				times, err := timeEvals(ctx, f, theta, grad, cfg)
				closeFn()
				if err != nil {
					return nil, fmt.Errorf("experiments: %s: %s, N = %d: %w", name, m, g.N, err)
				}
				med := median(times)
				worst = max(worst, med)
				if err := tr.add(pi, a, med, runInfo{secs: time.Since(t0).Seconds()}); err != nil {
					return nil, err
				}
			}
			if worst > cfg.StopSeconds && ni+1 < len(cfg.Ns) {
				stopped[m] = true
				n := fmt.Sprintf("%s stopped after N = %d: median %.3g s per gradient > %g s", labels[m], g.N, worst, cfg.StopSeconds)
				notes = append(notes, n)
				if err := tr.note("%s", n); err != nil {
					return nil, err
				}
			}
		}
	}
	out, err := tr.output(nil, cfg, opt.Seed, notes)
	if err != nil {
		return nil, err
	}
	pts := out.Points
	out.Figures = []FigureFile{
		figureSpec{file: name + ".png", title: fmt.Sprintf("Fig. 1b: 3-regular trees, M=%d cascades, T=%d (T_code=%d), one core", cfg.M, cfg.T, cfg.T+1),
			xlabel: "number of nodes N", ylabel: "seconds per gradient evaluation", logX: true, logY: true, metric: "seconds_per_gradient"}.build(pts),
	}
	return out, nil
}

// timeEvals runs one untimed warm-up evaluation, then between MinReps and
// Reps timed ones, as many as fit in RepSeconds after the warm-up, and
// returns the timed durations in seconds.
func timeEvals(ctx context.Context, f gradFunc, theta, grad []float64, cfg Fig1bConfig) ([]float64, error) {
	t0 := time.Now()
	if _, err := f(theta, grad); err != nil {
		return nil, err
	}
	warm := time.Since(t0).Seconds()
	reps := cfg.Reps
	if warm > 0 {
		reps = int(math.Min(float64(cfg.Reps), math.Max(float64(cfg.MinReps), math.Ceil(cfg.RepSeconds/warm))))
	}
	out := make([]float64, 0, reps)
	for r := 0; r < reps; r++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t := time.Now()
		if _, err := f(theta, grad); err != nil {
			return nil, err
		}
		out = append(out, time.Since(t).Seconds())
	}
	return out, nil
}

// median returns the median of v (the mean of the middle two for even
// length); v is reordered.
func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
