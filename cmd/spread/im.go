package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/spread-dev/spread/train"
	"runtime"
	"strings"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/models/lt"
	"github.com/spread-dev/spread/solvers/im"
)

// imFlags are the model flags shared by spread im and spread im eval.
type imFlags struct {
	graphFlags
	probs    string
	wc       bool
	konst    float64
	konstSet bool // -p was given (check sets it)
	model    string
	seed     uint64
	mc       int
	workers  int
}

func (f *imFlags) bind(fs *flag.FlagSet) {
	f.graphFlags.bind(fs)
	fs.StringVar(&f.probs, "probs", "", "file of \"u v p\" lines: IC probability or LT weight per edge")
	fs.BoolVar(&f.wc, "wc", false, "weighted cascade: p(u→v) = 1/in-degree(v) (IC), w(u→v) = 1/in-degree(v) (LT)")
	fs.Float64Var(&f.konst, "p", -1, "the same probability (or LT weight) on every edge")
	fs.StringVar(&f.model, "model", "IC", "diffusion model: IC or LT")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed")
	fs.IntVar(&f.mc, "mc", 10000, "Monte-Carlo runs (CELF's oracle and the reported spread)")
	fs.IntVar(&f.workers, "workers", 0, "goroutines (0 = all cores); results do not depend on it")
}

// check validates the shared flags.
func (f *imFlags) check(c *flagCheck) {
	f.model = strings.ToUpper(f.model)
	if f.model != "IC" && f.model != "LT" {
		c.failf("model", "must be IC or LT, got %q", f.model)
	}
	c.intRange("mc", f.mc, 1, maxSamples, true)
	c.intRange("workers", f.workers, 0, maxWorkers, false)
	f.konstSet = c.isSet("p")
	c.floatRange("p", f.konst, 0, 1, false, false, false)
	n := 0
	for _, b := range []bool{f.probs != "", f.wc, f.konstSet} {
		if b {
			n++
		}
	}
	if n > 1 && c.first == nil {
		c.first = usagef("give at most one of -probs, -wc, -p")
	}
}

// inputs lists the files the shared flags read.
func (f *imFlags) inputs() []fileArg {
	return []fileArg{{"-graph", f.path}, {"-probs", f.probs}}
}

// load reads the graph and the per-edge probabilities and builds the model.
// check must have succeeded.
func (f *imFlags) load(e *env) (*graphs.Graph, []float64, diffusion.Model, error) {
	g, err := loadModelGraph(e, f.path, f.undirected, f.model)
	if err != nil {
		return nil, nil, nil, err
	}
	var p []float64
	switch {
	case f.probs != "":
		th, err := datasets.ReadEdgeValuesFile(f.probs, g, true)
		if err != nil {
			return nil, nil, nil, err
		}
		p = ic.ExpandAlpha(nil, g, th)
	case f.wc:
		p = diffusion.WeightedCascade(nil, g)
	case f.konstSet:
		p = make([]float64, g.NumEdges())
		for e := range p {
			p[e] = f.konst
		}
	default:
		if g.Weight == nil {
			return nil, nil, nil, usagef("the graph file has no probabilities: give -probs, -wc or -p")
		}
		p = g.Weight
	}
	var m diffusion.Model
	if f.model == "IC" {
		m, err = ic.NewModel(g, p)
	} else {
		m, err = lt.NewModel(g, p)
	}
	return g, p, m, err
}

var imCmd = &command{
	name:      "im",
	usageLine: "spread im -graph G [-probs FILE | -wc | -p const] -model IC|LT -k K -method celf|imm|dmp [-epsilon 0.1] [-T T] [-iters N] [-polish P] [-mc R] -seed S -o seeds.txt",
	short:     "pick k seed nodes that maximise influence (and im eval)",
	long: `Im picks k seeds that maximise the expected spread of an IC or LT cascade
and writes their external ids, one per line, in selection order.

Methods:
  celf  lazy greedy (CELF) over a Monte-Carlo oracle of -mc runs; the runs use
        common random numbers, so CELF selects exactly what plain greedy would
  imm   IMM (Tang, Shi & Xiao 2015) with -epsilon and ℓ = 1, RR sets sampled
        in parallel, deterministic for a given -seed
  dmp   gradient ascent through dynamic message passing (IC only): the seed
        indicator is relaxed to the capped simplex {u ∈ [0,1]^N, Σu = k}, the
        DMP spread Σ_i p_i(T−1) is maximised by projected gradient with the
        gradient from autodiff through the DMP graph, rounded to the top k and
        optionally polished by swaps (-polish); -T is the DMP horizon. DMP
        overestimates spread on loopy graphs, so expect IMM to do better there

Probabilities come from -probs ("u v p" lines), -wc (weighted cascade), -p, or
the graph file's third column (IMM .inf files). After selection the seeds'
spread is estimated with -mc Monte-Carlo runs and printed to stderr.

Subcommand eval estimates the spread of a given seed file.`,
	children: []*command{imEvalCmd},
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var f imFlags
		f.bind(fs)
		k := fs.Int("k", 0, "number of seeds")
		method := fs.String("method", "imm", "celf, imm or dmp")
		eps := fs.Float64("epsilon", 0.1, "IMM's ε")
		T := fs.Int("T", 20, "DMP horizon for -method dmp")
		iters := fs.Int("iters", 200, "gradient steps for -method dmp")
		polish := fs.Int("polish", 0, "-method dmp: swap-polish the rounded seeds with the next POLISH candidates (DMP-scored; costs k·POLISH DMP runs per pass)")
		out := fs.String("o", "", "output file: one seed id per line")
		return func(ctx context.Context, e *env, args []string) error {
			if *k <= 0 || *out == "" {
				return usagef("-k (positive) and -o are required")
			}
			c := newFlagCheck(fs)
			f.check(c)
			c.oneOf("method", *method, "celf", "imm", "dmp")
			c.intRange("k", *k, 1, maxNodes, true)
			c.floatRange("epsilon", *eps, 0, 1, true, true, *method == "imm")
			c.intRange("T", *T, 1, maxHorizon, *method == "dmp")
			c.intRange("iters", *iters, 1, maxIters, false)
			c.intRange("polish", *polish, 0, maxPolish, false)
			if err := c.err(); err != nil {
				return err
			}
			if *method == "dmp" && f.model != "IC" {
				return usagef("-method dmp supports -model IC only")
			}
			if err := checkFiles(f.inputs(), []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			g, p, m, err := f.load(e)
			if err != nil {
				return err
			}
			if *method == "dmp" && g.NumEdges()*(*T) > maxCells {
				return usagef("-T %d on %d edges gives %d DMP messages, more than the limit of %d", *T, g.NumEdges(), g.NumEdges()*(*T), maxCells)
			}
			if *k > g.N {
				return fmt.Errorf("-k %d exceeds the %d nodes of the graph", *k, g.N)
			}
			workers := f.workers
			if workers <= 0 {
				workers = runtime.GOMAXPROCS(0)
			}
			prob := &im.Problem{Model: m, K: *k}
			set := &im.Settings{Seed: f.seed, Workers: workers, Runs: f.mc}
			var meth im.Method
			switch *method {
			case "celf":
				meth = im.CELF{}
				set.Recorder = imProgress(e)
			case "imm":
				meth = &im.IMM{Epsilon: *eps}
			case "dmp":
				d, err := im.NewDMPInfMax(g, p, *T)
				if err != nil {
					return err
				}
				defer d.Close()
				d.Iterations = *iters
				d.Step = 1
				d.Polish = *polish
				oracle, err := im.NewDMPOracle(g, p, *T)
				if err != nil {
					return err
				}
				prob.Oracle = oracle // polish and score with DMP itself
				meth = d
			default:
				return usagef("-method must be celf, imm or dmp, got %q", *method)
			}
			t0 := time.Now()
			res, err := im.Maximize(prob, set, meth)
			if err != nil {
				return err
			}
			elapsed := time.Since(t0)
			if err := datasets.WriteSeedsFile(*out, g, res.Seeds); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "%s: %d seeds in %v (method estimate %.2f", *method, len(res.Seeds), elapsed.Round(time.Millisecond), res.Spread)
			if res.Stats.RRSets > 0 {
				fmt.Fprintf(e.stderr, ", %d RR sets", res.Stats.RRSets)
			}
			if res.Stats.OracleCalls > 0 {
				fmt.Fprintf(e.stderr, ", %d oracle calls", res.Stats.OracleCalls)
			}
			fmt.Fprintln(e.stderr, ")")
			mc := &im.MC{Model: m, Runs: f.mc, Seed: f.seed ^ 0x9e3779b97f4a7c15, Workers: workers}
			mean, se := mc.Spread(res.Seeds)
			fmt.Fprintf(e.stderr, "Monte-Carlo spread (%d runs, independent of the selection's runs): %.2f ± %.2f\n", f.mc, mean, se)
			return nil
		}
	},
}

func imProgress(e *env) train.Recorder {
	return train.RecorderFunc(func(p train.Progress) error {
		if p.Iter%10 == 0 {
			fmt.Fprintf(e.stderr, "  %s: %d seeds, spread %.2f\n", p.Method, p.Iter, p.Objective)
		}
		return nil
	})
}

var imEvalCmd = &command{
	name:      "eval",
	usageLine: "spread im eval -graph G [-probs FILE | -wc | -p const] -model IC|LT -seeds seeds.txt -mc R -seed S",
	short:     "estimate the spread of a seed set by Monte Carlo",
	long: `Eval estimates the expected final number of active nodes of an IC or LT
cascade started from the seeds in the file (one external id per line, '#'
comments) with R Monte-Carlo runs, and prints "spread=<mean> stderr=<se>".
The estimate depends only on the inputs and -seed.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var f imFlags
		f.bind(fs)
		seedsPath := fs.String("seeds", "", "seed file")
		return func(ctx context.Context, e *env, args []string) error {
			if *seedsPath == "" {
				return usagef("-seeds is required")
			}
			c := newFlagCheck(fs)
			f.check(c)
			if err := c.err(); err != nil {
				return err
			}
			if err := checkFiles(append(f.inputs(), fileArg{"-seeds", *seedsPath}), nil); err != nil {
				return err
			}
			g, _, m, err := f.load(e)
			if err != nil {
				return err
			}
			seeds, err := datasets.ReadSeedsFile(*seedsPath, g)
			if err != nil {
				return err
			}
			mc := &im.MC{Model: m, Runs: f.mc, Seed: f.seed, Workers: f.workers}
			mean, se := mc.Spread(seeds)
			fmt.Fprintf(e.stdout, "spread=%.4f stderr=%.4f\n", mean, se)
			return nil
		}
	},
}
