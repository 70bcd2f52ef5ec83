package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

var icCmd = &command{
	name:      "ic",
	usageLine: "spread ic <command> [arguments]",
	short:     "independent cascade: simulate, learn (SLICER), predict",
	long: `spread ic works with the discrete-time independent cascade model: it simulates
cascades, learns edge probabilities from partially observed cascades with
SLICER (dynamic message passing), and predicts activation marginals.

Time convention: with horizon T, activation times 0..T-1 are resolved and a
node not active by T-1 is censored (time T). Seeds are active at time 0.`,
	children: []*command{icSimulateCmd, icLearnCmd, icPredictCmd},
}

// graphFlags binds the flags every graph-reading command shares.
type graphFlags struct {
	path       string
	undirected bool
}

func (f *graphFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "graph", "", "network file (SNAP edge list, .mtx, .gml) or IMM dataset directory")
	fs.BoolVar(&f.undirected, "undirected", false, "read an edge list as undirected (one parameter per undirected edge)")
}

func (f *graphFlags) load(e *env) (*graphs.Graph, error) { return loadGraph(e, f.path, f.undirected) }

// alphaFlags chooses the IC probabilities of a command.
type alphaFlags struct {
	file     string
	konst    float64
	konstSet bool // -alpha-const was given (check sets it)
	uniform  bool
}

// check validates -alpha-const and records whether it was given.
func (f *alphaFlags) check(c *flagCheck) {
	f.konstSet = c.isSet("alpha-const")
	c.floatRange("alpha-const", f.konst, 0, 1, false, false, false)
}

func (f *alphaFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.file, "alpha", "", "file of \"u v alpha\" lines, one per (undirected) edge")
	fs.Float64Var(&f.konst, "alpha-const", -1, "the same probability on every edge")
	fs.BoolVar(&f.uniform, "alpha-uniform", false, "probabilities drawn uniformly from [0,1] per (undirected) edge, from -seed")
}

// theta returns one probability per model parameter of g (ic.NumParams).
func (f *alphaFlags) theta(g *graphs.Graph, seed uint64) ([]float64, error) {
	n := 0
	if f.file != "" {
		n++
	}
	if f.konstSet {
		n++
	}
	if f.uniform {
		n++
	}
	if n == 0 && g.Weight != nil {
		// The graph file carries probabilities (a third column, MatrixMarket
		// values, IMM .inf): use them.
		th, err := g.TieEdgeValues(g.Weight, "weights")
		if err != nil {
			return nil, err
		}
		for p, x := range th {
			if !(x >= 0 && x <= 1) {
				e := g.ParamEdge(p)
				return nil, fmt.Errorf("edge %s→%s has weight %v: not a probability (give -alpha, -alpha-const or -alpha-uniform)", g.ID(g.Src[e]), g.ID(g.Dst[e]), x)
			}
		}
		return th, nil
	}
	if n != 1 {
		return nil, usagef("give exactly one of -alpha FILE, -alpha-const p, -alpha-uniform (or a graph file with probabilities)")
	}
	switch {
	case f.file != "":
		return datasets.ReadEdgeValuesFile(f.file, g, true)
	case f.konstSet:
		th := make([]float64, ic.NumParams(g))
		for i := range th {
			th[i] = f.konst
		}
		return th, nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x616c706861)) // "alpha": a stream apart from the cascades'
	th := make([]float64, ic.NumParams(g))
	for i := range th {
		th[i] = rng.Float64()
	}
	return th, nil
}

// stochasticP0 returns p̄_i = c/N for every node, or an error if c/N ∉ (0,1].
func stochasticP0(g *graphs.Graph, c float64) ([]float64, error) {
	if g.N == 0 {
		return nil, fmt.Errorf("the graph has no nodes")
	}
	q := c / float64(g.N)
	if !(q > 0 && q <= 1) {
		return nil, usagef("-p0 %v gives p̄ = %v per node, want in (0,1]", c, q)
	}
	p0 := make([]float64, g.N)
	for i := range p0 {
		p0[i] = q
	}
	return p0, nil
}

var icSimulateCmd = &command{
	name:      "simulate",
	usageLine: "spread ic simulate -graph G [-undirected] [-alpha FILE | -alpha-const p | -alpha-uniform] -cascades M -T T [-p0 c] [-hidden FILE] [-alpha-out FILE] -seed S -o cascades.csv",
	short:     "simulate independent-cascade cascades",
	long: `Simulate draws M cascades of the discrete-time IC model and writes them as
CSV "cascade,node,time" (external node ids; seeds at time 0; a node absent
from a cascade was not activated within the horizon).

Without -p0 each cascade starts from one seed drawn uniformly among the nodes
(among the observed ones when -hidden lists hidden nodes, as in SLICER's
protocol); with -p0 c every node is a seed with probability c/N. Without
an -alpha flag the graph file's own probabilities (third column, MatrixMarket
values) are used. The probabilities used can be saved with -alpha-out. The
output depends only on the inputs and -seed, not on the number of cores.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var gf graphFlags
		var af alphaFlags
		gf.bind(fs)
		af.bind(fs)
		M := fs.Int("cascades", 0, "number of cascades")
		T := fs.Int("T", 0, "horizon: activation times 0..T-1 are recorded")
		p0c := fs.Float64("p0", 0, "stochastic initial condition: each node a seed with probability c/N (0 = one uniform seed)")
		hidden := fs.String("hidden", "", "file of hidden node ids: seeds are drawn among the other nodes")
		alphaOut := fs.String("alpha-out", "", "write the probabilities used as \"u v alpha\" lines")
		seed := fs.Uint64("seed", 1, "random seed")
		out := fs.String("o", "", "output CSV file")
		return func(ctx context.Context, e *env, args []string) error {
			fc := newFlagCheck(fs)
			fc.intRange("cascades", *M, 1, maxCascades, true)
			fc.intRange("T", *T, 1, maxHorizon, true)
			fc.required("o", *out)
			af.check(fc)
			fc.floatRange("p0", *p0c, 0, math.Inf(1), true, true, false)
			if err := fc.err(); err != nil {
				return err
			}
			if err := checkFiles([]fileArg{{"-graph", gf.path}, {"-alpha", af.file}, {"-hidden", *hidden}},
				[]fileArg{{"-o", *out}, {"-alpha-out", *alphaOut}}); err != nil {
				return err
			}
			g, err := gf.load(e)
			if err != nil {
				return err
			}
			theta, err := af.theta(g, *seed)
			if err != nil {
				return err
			}
			cfg := datasets.SyntheticConfig{M: *M, T: *T, Seed: *seed, Workers: runtime.GOMAXPROCS(0)}
			if *p0c != 0 {
				if cfg.P0, err = stochasticP0(g, *p0c); err != nil {
					return err
				}
			}
			if *hidden != "" {
				if cfg.Observed, err = datasets.ReadHiddenFile(*hidden, g); err != nil {
					return err
				}
			}
			c, err := datasets.Synthetic(g, ic.ExpandAlpha(nil, g, theta), cfg)
			if err != nil {
				return err
			}
			if len(c.Node) == 0 {
				return fmt.Errorf("no cascade has an active node (with -p0 %v each node is a seed with probability %.3g): nothing written", *p0c, *p0c/float64(g.N))
			}
			if *alphaOut != "" {
				if err := datasets.WriteEdgeValuesFile(*alphaOut, g, theta); err != nil {
					return err
				}
			}
			if err := datasets.WriteCascadesFile(*out, c, g); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %d cascades, %d activations\n", *out, c.M(), len(c.Node))
			return nil
		}
	},
}

var icPredictCmd = &command{
	name:      "predict",
	usageLine: "spread ic predict -graph G [-undirected] -alpha A[,A2,...] -T T (-sources \"id,id\" | -p0 c) [-method dmp|mc] [-samples K] [-seed S] -o marginals.csv",
	short:     "predict activation marginals p_i(t)",
	long: `Predict computes the marginals p_i(t), the probability that node i is active
by time t, for t = 0..T-1, from the probabilities in A ("u v alpha" lines, as
written by spread ic learn). Several comma-separated files are the replicas
of a mixture model (learn -replicas R): the prediction is the mean of their
DMP marginals. The initial condition is a seed set (-sources) or stochastic
(-p0 c: every node active at t = 0 with probability c/N).

-method dmp (default) uses dynamic message passing, exact on trees and an
upper bound on loopy graphs; -method mc averages K Monte-Carlo cascades.
The output is CSV "node,t,p" with external node ids.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var gf graphFlags
		gf.bind(fs)
		alphaPath := fs.String("alpha", "", "file of \"u v alpha\" lines (comma-separated files: mixture replicas)")
		T := fs.Int("T", 0, "horizon: marginals for t = 0..T-1")
		sources := fs.String("sources", "", "comma-separated seed node ids")
		p0c := fs.Float64("p0", 0, "stochastic initial condition c: p̄_i = c/N")
		method := fs.String("method", "dmp", "dmp or mc")
		samples := fs.Int("samples", 10000, "Monte-Carlo cascades for -method mc")
		seed := fs.Uint64("seed", 1, "random seed for -method mc")
		out := fs.String("o", "", "output CSV file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			if *alphaPath == "" || *T <= 0 || *out == "" {
				return usagef("-alpha, -T and -o are required")
			}
			if (*sources == "") == !c.isSet("p0") {
				return usagef("give exactly one of -sources and -p0")
			}
			c.intRange("T", *T, 1, maxHorizon, true)
			c.floatRange("p0", *p0c, 0, math.Inf(1), true, true, false)
			c.oneOf("method", *method, "dmp", "mc")
			c.intRange("samples", *samples, 1, maxSamples, true)
			if err := c.err(); err != nil {
				return err
			}
			ins := []fileArg{{"-graph", gf.path}}
			for _, a := range strings.Split(*alphaPath, ",") {
				ins = append(ins, fileArg{"-alpha", strings.TrimSpace(a)})
			}
			if err := checkFiles(ins, []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			g, err := gf.load(e)
			if err != nil {
				return err
			}
			if g.N*(*T) > maxCells {
				return usagef("-T %d on %d nodes gives %d marginals, more than the limit of %d", *T, g.N, g.N*(*T), maxCells)
			}
			theta, R, err := readReplicas(*alphaPath, g)
			if err != nil {
				return err
			}
			if R > 1 && *method == "mc" {
				return usagef("-method mc takes one -alpha file, got %d replicas", R)
			}
			var p0 []float64
			var init ic.Init
			if c.isSet("p0") {
				if p0, err = stochasticP0(g, *p0c); err != nil {
					return err
				}
				init = ic.Stochastic(p0)
			} else {
				seeds, err := parseNodeList(g, *sources)
				if err != nil {
					return err
				}
				p0 = make([]float64, g.N)
				for _, s := range seeds {
					p0[s] = 1
				}
				init = ic.SeedSet(seeds...)
			}
			var marg []float64
			if *method == "dmp" {
				marg = ic.MixtureMarginals(nil, g, theta, R, p0, *T)
			} else {
				alpha := ic.ExpandAlpha(nil, g, theta)
				marg = ic.NewSimulator(g, alpha, *T).Marginals(nil, init, *samples, *seed, runtime.GOMAXPROCS(0))
			}
			return datasets.WriteMarginalsFile(*out, g, marg, *T)
		}
	},
}

// parseNodeList parses "id,id,..." into node indices, rejecting unknown and
// repeated ids.
func parseNodeList(g *graphs.Graph, s string) ([]int, error) {
	if strings.Trim(s, ", \t") == "" {
		return nil, usagef("no node ids in %q", s) // a flag error, not a data one
	}
	ids, err := datasets.ParseNodeIDs(g, s)
	if err != nil {
		return nil, fmt.Errorf("-sources: %w", err)
	}
	return ids, nil
}
