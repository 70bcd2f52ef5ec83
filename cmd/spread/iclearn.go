package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/slicer"
)

var icLearnCmd = &command{
	name:      "learn",
	usageLine: "spread ic learn -graph G [-undirected] -cascades C.csv -T T [-p0 c] [-hidden FILE] [-replicas R] [-grad autodiff|adjoint] [-method pqn|spg|paper|adam] [-iters K] [-grad-tol x] [-tol x] [-lr x] [-init a | -init-fit] [-prior none|beta|hier [-prior-mean m] [-prior-strength k1,k2,...] [-validate f]] [-checkpoint FILE [-resume]] -o alpha.txt",
	short:     "learn edge probabilities from cascades with SLICER",
	long: `Learn estimates the transmission probability α of every edge (one per
undirected edge for undirected graphs) by maximising the SLICER objective,
the DMP likelihood of the activation times of the observed nodes (Wilinski &
Lokhov, ICML 2021). Hidden nodes (-hidden) still propagate in the model but
are left out of the objective.

Cascades are grouped by their seed set (the nodes at time 0), one initial-
condition class per distinct seed set; with -p0 c they are instead one
stochastic class in which every node is active at t = 0 with probability c/N.

The gradient comes from reverse-mode autodiff through the DMP built as a
gorgonia graph (-grad autodiff, the default) or from the hand-written
Lagrange-multiplier adjoint (-grad adjoint, faster; both agree to rounding).
-method pqn (the default) is a projected quasi-Newton method (an L-BFGS
metric on the coordinates not held at a bound) with a monotone line search:
every accepted step raises the objective, it needs no learning rate, and it
stops when the projected gradient has fallen to -grad-tol (1e-5) times its
value at the start; the final line names the criterion met and its value.
-method spg is the spectral projected gradient method with the same
guarantees (slower on ill-conditioned problems). -method paper (also "ascent") is the original
code's rule (rate N/(M·(T+1)·80), 1/√ decay after 400 iterations, step
halving into (0,1), stop on a 1e-6 relative change); -method adam uses Adam.

The output has one "u v alpha" line per edge with external ids. With
-replicas R > 1 a mixture of R replicas is learned by continuation; replica 1
goes to the -o file and replica r to FILE.r<r> (predict takes them all as
-alpha FILE,FILE.r2,...). Progress goes to stderr every 50 iterations.

-prior regularises the estimate, which matters when the cascades are few
for the number of edges: it maximises O(α) + log p(α) (MAP). -prior beta
puts Beta(1+κm, 1+κ(1−m)) on every α, of mode m (-prior-mean, default 0.5:
the estimate of an edge the data say nothing about) and strength κ
(pseudo-trials per edge). -prior hier is empirical Bayes: a Gaussian of
precision κ on logit α around a centre learned jointly with α (the learned
mode m is printed). -prior-strength gives κ, or a comma-separated list of
candidates, 0 standing for no prior; with more than one candidate
(default: 1,10,100,1000 for beta, 0.1,1,10 for hier) the fraction
-validate f of the cascades (default 0.2, drawn with -seed) is held out,
each candidate is fitted on the rest and scored by the held-out SLICER
likelihood, the scores and the choice go to stderr, and the best is
refitted on all cascades. -prior none (the default) is maximum likelihood.
-init-fit starts every edge at the constant α that fits the cascades best
(a bisection of about 15 gradient evaluations) instead of -init: with few
cascades most edges stay near their start, so the start matters, and with
-prior hier it decides where the learned centre ends (docs/RESULTS.md).

With -checkpoint the state is saved atomically (every 50 iterations and at
the end of each stage) and -resume continues from it.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var gf graphFlags
		gf.bind(fs)
		cascPath := fs.String("cascades", "", "cascade CSV file (cascade,node,time)")
		T := fs.Int("T", 0, "horizon: activation times 0..T-1 are resolved, T means not activated")
		p0c := fs.Float64("p0", 0, "stochastic initial condition c (p̄_i = c/N); 0 groups cascades by seed set")
		hidden := fs.String("hidden", "", "file of hidden node ids")
		cfg := slicer.DefaultConfig()
		cfg.Grad = slicer.GradAutodiff
		fs.IntVar(&cfg.Replicas, "replicas", 1, "number of mixture replicas R")
		fs.StringVar(&cfg.Grad, "grad", cfg.Grad, "gradient source: autodiff or adjoint")
		fs.StringVar(&cfg.Method, "method", cfg.Method, "update rule: pqn, spg, paper (ascent) or adam")
		fs.Float64Var(&cfg.GradTol, "grad-tol", cfg.GradTol, "pqn, spg: stop when the projected gradient falls to this fraction of its start")
		fs.IntVar(&cfg.MaxIters, "iters", cfg.MaxIters, "iteration limit per replica stage")
		fs.Float64Var(&cfg.Tol, "tol", cfg.Tol, "stop when the objective's relative change stays below this")
		fs.Float64Var(&cfg.LR, "lr", 0, "base learning rate (0 = the method's default)")
		fs.Float64Var(&cfg.Init, "init", cfg.Init, "initial α of every edge, in (0,1)")
		fs.BoolVar(&cfg.InitFit, "init-fit", false, "start every edge at the best constant α fitted to the cascades (replaces -init; try with -prior hier on scarce data)")
		fs.Float64Var(&cfg.Perturb, "perturb", cfg.Perturb, "replica continuation perturbation δ")
		fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the replica perturbations")
		priorKind := fs.String("prior", slicer.PriorNone, "prior on α: none, beta (fixed mode -prior-mean) or hier (mode learned)")
		priorMean := fs.Float64("prior-mean", slicer.DefaultPriorMean, "-prior beta: the prior's mode m in (0,1)")
		priorStrength := fs.String("prior-strength", "", "-prior beta|hier: strength κ, or comma-separated candidates chosen by -validate (0 = no prior; default 1,10,100,1000 for beta, 0.1,1,10 for hier)")
		validate := fs.Float64("validate", 0, "fraction of cascades held out to choose among -prior-strength candidates, in (0,1) (default 0.2 when there is a choice)")
		ckpt := fs.String("checkpoint", "", "checkpoint file")
		resume := fs.Bool("resume", false, "continue from -checkpoint")
		out := fs.String("o", "", "output file of \"u v alpha\" lines")
		return func(ctx context.Context, e *env, args []string) error {
			if os.Getenv("GOGC") == "" {
				// A learning run holds a large live heap (graph, indexes,
				// the taped DMP states) and allocates ~10 MB per gradient:
				// at GOGC=25 the web-sk-2005 autodiff gradient peaks at
				// 297 MB instead of 459 MB and runs faster (fewer page
				// faults; docs/BENCHMARKS.md). An explicit GOGC wins.
				defer debug.SetGCPercent(debug.SetGCPercent(learnGCPercent))
			}
			if *cascPath == "" || *T <= 0 || *out == "" {
				return usagef("-cascades, -T and -o are required")
			}
			if *resume && *ckpt == "" {
				return usagef("-resume needs -checkpoint")
			}
			c := newFlagCheck(fs)
			c.oneOf("grad", cfg.Grad, slicer.GradAutodiff, slicer.GradAdjoint)
			c.oneOf("method", cfg.Method, slicer.MethodPQN, slicer.MethodSPG, slicer.MethodPaper, slicer.MethodAscent, slicer.MethodAdam)
			c.intRange("T", *T, 1, maxHorizon, true)
			c.intRange("replicas", cfg.Replicas, 1, maxReplicas, false)
			c.intRange("iters", cfg.MaxIters, 1, maxIters, false)
			c.floatRange("tol", cfg.Tol, 0, math.Inf(1), false, true, false)
			c.floatRange("lr", cfg.LR, 0, math.Inf(1), false, true, false)
			c.floatRange("init", cfg.Init, 0, 1, true, true, false)
			if cfg.InitFit && c.isSet("init") {
				c.failf("init", "conflicts with -init-fit (both set the starting α): give one")
			}
			c.floatRange("perturb", cfg.Perturb, 0, 1, false, false, false)
			c.floatRange("p0", *p0c, 0, math.Inf(1), true, true, false)
			c.oneOf("prior", *priorKind, slicer.PriorNone, slicer.PriorBeta, slicer.PriorHier)
			c.floatRange("prior-mean", *priorMean, slicer.PriorMargin, 1-slicer.PriorMargin, false, false, false)
			c.floatRange("validate", *validate, 0, 1, true, true, false)
			if err := c.err(); err != nil {
				return err
			}
			cands, valFrac, err := priorCandidates(c, *priorKind, *priorMean, *priorStrength, *validate)
			if err != nil {
				return err
			}
			if valFrac > 0 && *resume {
				return usagef("-resume cannot be combined with a -validate choice: give the chosen -prior-strength")
			}
			lineSearch := cfg.Method == slicer.MethodPQN || cfg.Method == slicer.MethodSPG
			if lineSearch && cfg.LR != 0 {
				return usagef("-lr: %s has no learning rate (its step comes from the line search)", cfg.Method)
			}
			if !lineSearch {
				// The relative-change rule of the paper's code, unless -tol was set.
				set := map[string]bool{}
				fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
				if !set["tol"] {
					cfg.Tol = slicer.DefaultTol
				}
				if !set["iters"] {
					cfg.MaxIters = slicer.DefaultMaxIters
				}
				cfg.Patience, cfg.GradTol, cfg.K0 = 0, 0, slicer.DefaultK0
			}
			outs := []fileArg{{"-o", *out}}
			for r := 2; r <= cfg.Replicas; r++ {
				outs = append(outs, fileArg{fmt.Sprintf("-o (replica %d)", r), datasets.ReplicaPath(*out, r)})
			}
			outs = append(outs, fileArg{"-checkpoint", *ckpt})
			if err := checkFiles([]fileArg{{"-graph", gf.path}, {"-cascades", *cascPath}, {"-hidden", *hidden}}, outs); err != nil {
				return err
			}
			g, err := gf.load(e)
			if err != nil {
				return err
			}
			if P := ic.NumParams(g) * cfg.Replicas; P > maxParamsAll {
				return usagef("-replicas %d on %d edges gives %d parameters, more than the limit of %d", cfg.Replicas, ic.NumParams(g), P, maxParamsAll)
			}
			casc, err := datasets.ReadCascadesFile(*cascPath, g, *T)
			if err != nil {
				return err
			}
			if casc.M() == 0 {
				return fmt.Errorf("-cascades %s holds no cascade: nothing to learn from", *cascPath)
			}
			var observed []bool
			if *hidden != "" {
				if observed, err = datasets.ReadHiddenFile(*hidden, g); err != nil {
					return err
				}
				if !slices.Contains(observed, true) {
					return fmt.Errorf("-hidden %s hides every node: the objective would be empty", *hidden)
				}
			}
			var p0 []float64
			if c.isSet("p0") {
				if p0, err = stochasticP0(g, *p0c); err != nil {
					return err
				}
			} else {
				for k := 0; k < casc.M(); k++ {
					if len(casc.Seeds(k)) == 0 {
						return fmt.Errorf("-cascades %s: cascade %q has no node at time 0, so its seed set is empty (give -p0 c for a stochastic initial condition)", *cascPath, casc.IDs[k])
					}
				}
			}
			counts := func(c *datasets.Cascades) *ic.Observations { return datasets.Counts(c, observed, p0 == nil, p0) }
			obs := counts(casc)
			cfg.Prior = cands[0]
			if valFrac > 0 {
				fitC, heldC, err := datasets.SplitCascades(casc, valFrac, cfg.Seed)
				if err != nil {
					return fmt.Errorf("-validate %v: %w", valFrac, err)
				}
				fmt.Fprintf(e.stderr, "validation: fitting %d candidate priors on %d cascades, scoring on %d held out (-validate %v, -seed %d)\n",
					len(cands), fitC.M(), heldC.M(), valFrac, cfg.Seed)
				best, scores, err := slicer.SelectPrior(g, counts(fitC), counts(heldC), cfg, cands, progressRecorder(e))
				if err != nil {
					return err
				}
				for _, sc := range scores {
					mode := ""
					if !math.IsNaN(sc.Mode) {
						mode = fmt.Sprintf("  m=%.4g", sc.Mode)
					}
					mark := ""
					if sc.Prior == best {
						mark = "  <- chosen"
					}
					fmt.Fprintf(e.stderr, "  prior %-20s held-out O=%.8g%s  (%d iterations, %s)%s\n", sc.Prior, sc.Held, mode, sc.Iters, sc.Status, mark)
				}
				cfg.Prior = best
			}
			cfg.Checkpoint = *ckpt
			if *ckpt != "" {
				cfg.CheckpointEvery = 50
			}
			fmt.Fprintf(e.stderr, "learning %d parameters from %d cascades in %d classes (T=%d, grad=%s, method=%s, prior=%v)\n",
				ic.NumParams(g)*max(cfg.Replicas, 1), casc.M(), len(obs.Classes), *T, cfg.Grad, cfg.Method, cfg.Prior)
			res, err := learnWithProgress(g, obs, cfg, *resume, e)
			if err != nil {
				return err
			}
			crit := ""
			if n := len(res.Stages); n > 0 && res.Stages[n-1].Criterion != "" {
				crit = " (" + res.Stages[n-1].Criterion + ")"
			}
			fmt.Fprintf(e.stderr, "done: %s%s after %d iterations, objective %.6g, %v\n", res.Status, crit, res.Iters, res.Objective, res.Stats.Runtime.Round(time.Millisecond))
			if cfg.InitFit {
				fmt.Fprintf(e.stderr, "started from the fitted constant α = %.6g\n", res.Init)
			}
			if cfg.Prior.Kind == slicer.PriorHier {
				fmt.Fprintf(e.stderr, "learned prior mode m=%.6g (κ=%g)\n", cfg.Prior.Mode(res.Theta), cfg.Prior.Strength)
			}
			if h := res.Stages[0].History; len(h) > 0 && res.Objective < h[0] { // Learn succeeded: Stages is not empty
				return fmt.Errorf("learning made the objective worse, from %.6g at the start to %.6g (is -lr too large?): nothing written", h[0], res.Objective)
			}
			return datasets.WriteReplicasFiles(*out, g, res.Theta, res.Replicas)
		}
	},
}

// learnWithProgress runs (or resumes) SLICER, reporting every 50 iterations.
func learnWithProgress(g *graphs.Graph, obs *ic.Observations, cfg slicer.Config, resume bool, e *env) (*slicer.Result, error) {
	rec := progressRecorder(e)
	if resume {
		return slicer.Resume(cfg.Checkpoint, g, obs, cfg, rec)
	}
	return slicer.Learn(g, obs, cfg, rec)
}

// progressRecorder reports SLICER's progress to stderr every 50 iterations.
func progressRecorder(e *env) train.Recorder {
	return train.RecorderFunc(func(p train.Progress) error {
		if p.Iter%50 == 0 {
			extra := ""
			for _, m := range p.Metrics {
				extra += fmt.Sprintf("  %s=%.3g", m.Name, m.Value)
			}
			fmt.Fprintf(e.stderr, "  R=%d iter %4d  O=%.8g  change=%.2e%s  evals=%d  %v\n", p.Stage, p.Iter, p.Objective, p.Change, extra, p.Evaluations, p.Elapsed.Round(time.Millisecond))
		}
		return nil
	})
}

// priorCandidates turns the -prior flags into the candidate priors and the
// validation fraction (0: no validation, the single candidate is used).
func priorCandidates(c *flagCheck, kind string, mean float64, strengths string, validate float64) ([]slicer.Prior, float64, error) {
	if kind == slicer.PriorNone {
		for _, f := range []string{"prior-mean", "prior-strength", "validate"} {
			if c.isSet(f) {
				return nil, 0, usagef("-%s needs -prior beta or -prior hier", f)
			}
		}
		return []slicer.Prior{{}}, 0, nil
	}
	if kind == slicer.PriorHier && c.isSet("prior-mean") {
		return nil, 0, usagef("-prior-mean: -prior hier learns the mode from the data (use -prior beta to fix it)")
	}
	var ks []float64
	if strengths != "" {
		for _, f := range strings.Split(strengths, ",") {
			k, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || math.IsNaN(k) || math.IsInf(k, 0) || k < 0 {
				return nil, 0, usagef("-prior-strength: %q is not a finite κ ≥ 0", f)
			}
			ks = append(ks, k)
		}
	} else if c.isSet("prior-strength") {
		return nil, 0, usagef("-prior-strength is empty")
	}
	var cands []slicer.Prior
	for _, p := range slicer.PriorCandidates(kind, mean, ks, false) {
		if p.Strength == 0 {
			p = slicer.Prior{} // κ = 0: no prior
		}
		if !slices.Contains(cands, p) {
			cands = append(cands, p)
		}
	}
	if len(cands) == 1 {
		if c.isSet("validate") {
			return nil, 0, usagef("-validate: a single -prior-strength leaves nothing to choose")
		}
		return cands, 0, nil
	}
	if !c.isSet("validate") {
		validate = 0.2
	}
	return cands, validate, nil
}

// readReplicas reads comma-separated α files (one per replica) into one
// replica-major θ.
func readReplicas(list string, g *graphs.Graph) (theta []float64, R int, err error) {
	var paths []string
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p != "" {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil, 0, usagef("-alpha is required")
	}
	return datasets.ReadReplicasFiles(paths, g)
}

// learnGCPercent is the garbage collector's target of spread ic learn
// unless the environment sets GOGC.
const learnGCPercent = 25
