package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/cic"
)

var cicCmd = &command{
	name:      "cic",
	usageLine: "spread cic <command> [arguments]",
	short:     "continuous-time independent cascade: simulate, ground truth",
	long: `spread cic works with the continuous-time independent cascade model: every
edge u→v transmits after a random delay drawn per cascade from an
exponential, Rayleigh (NetRate's convention, f(τ) = ατ e^{−ατ²/2}) or Weibull
(scale λ, shape k) density, and a node is infected at the first arrival, if
that is within the horizon T. Sources are infected at time 0.

Per-edge parameters come from -params FILE ("u v alpha" lines, or
"u v scale shape" for Weibull, one per directed edge). Without -params they
are drawn from -seed as in the NMF paper (He, Zha and Ye 2021):
α ~ U[0.1, 1] for exp and rayleigh, λ, k ~ U[1, 10] for weibull.`,
	children: []*command{cicSimulateCmd, cicTruthCmd},
}

// cicModelFlags binds the flags shared by the cic commands.
type cicModelFlags struct {
	gf     graphFlags
	model  string
	params string
	T      float64
	seed   uint64
}

func (f *cicModelFlags) bind(fs *flag.FlagSet) {
	f.gf.bind(fs)
	fs.StringVar(&f.model, "model", "exp", "delay family: exp, rayleigh or weibull")
	fs.StringVar(&f.params, "params", "", "per-edge delay parameters: \"u v alpha\" (or \"u v scale shape\" for weibull) lines")
	fs.Float64Var(&f.T, "T", 0, "horizon T > 0")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed")
}

// simulator validates the flags and returns the graph and its simulator.
func (f *cicModelFlags) simulator(e *env) (*graphs.Graph, *cic.Simulator, error) {
	g, d, p, err := f.load(e)
	if err != nil {
		return nil, nil, err
	}
	sim, err := cic.NewSimulator(g, d, p, f.T)
	return g, sim, err
}

// load validates the flags and returns the graph, the delay family and the
// per-edge parameters (-params, or drawn from -seed).
func (f *cicModelFlags) load(e *env) (*graphs.Graph, cic.Delay, cic.Params, error) {
	var p cic.Params
	d, err := cic.ParseDelay(f.model)
	if err != nil {
		return nil, d, p, usagef("-model: %v", err)
	}
	if !(f.T > 0) || math.IsInf(f.T, 0) {
		return nil, d, p, usagef("-T %v: want a finite horizon > 0", f.T)
	}
	if f.gf.path == "" {
		return nil, d, p, usagef("-graph is required")
	}
	g, err := f.gf.load(e)
	if err != nil {
		return nil, d, p, err
	}
	if f.params != "" {
		p, err = datasets.ReadDelayParamsFile(f.params, g, d)
	} else {
		p, err = cic.RandomParams(g, d, cic.DefaultRanges(), f.seed)
	}
	return g, d, p, err
}

// parseSizeRange parses "a-b" or "a" into 1 ≤ a ≤ b.
func parseSizeRange(s string) (lo, hi int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || lo < 1 || hi < lo {
		return 0, 0, usagef("-set-size %q: want \"min-max\" with 1 ≤ min ≤ max", s)
	}
	return lo, hi, nil
}

var cicSimulateCmd = &command{
	name:      "simulate",
	usageLine: "spread cic simulate -graph G [-model exp|rayleigh|weibull] [-params FILE] -source-sets K -per-set R [-set-size 1-10] -T T [-seed S] [-format csv|netrate] -o cascades.csv",
	short:     "simulate continuous-time cascades from random source sets",
	long: `Simulate draws K source sets (sizes uniform in -set-size, nodes uniform
without replacement) and R cascades from each, and writes the K·R cascades
as CSV "cascade,node,time" (cascade id "set/replica", external node ids,
float times, sources at time 0; a node absent from a cascade was not
infected by T), or with -format netrate in the NetInf/NetRate two-block
format. The output depends only on the inputs and -seed, not on the
number of cores.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var mf cicModelFlags
		mf.bind(fs)
		K := fs.Int("source-sets", 0, "number of source sets K")
		R := fs.Int("per-set", 0, "cascades R per source set")
		size := fs.String("set-size", "1-10", "source-set sizes \"min-max\"")
		format := fs.String("format", "csv", "output format: csv or netrate")
		out := fs.String("o", "", "output file")
		return func(ctx context.Context, e *env, args []string) error {
			if *K <= 0 {
				return usagef("-source-sets %d: want ≥ 1", *K)
			}
			if *R <= 0 {
				return usagef("-per-set %d: want ≥ 1", *R)
			}
			if *out == "" {
				return usagef("-o is required")
			}
			if *format != "csv" && *format != "netrate" {
				return usagef("-format %q: want csv or netrate", *format)
			}
			lo, hi, err := parseSizeRange(*size)
			if err != nil {
				return err
			}
			g, sim, err := mf.simulator(e)
			if err != nil {
				return err
			}
			if hi > g.N {
				return usagef("-set-size %q: at most %d nodes", *size, g.N)
			}
			sets, err := cic.RandomSourceSets(g.N, *K, lo, hi, mf.seed)
			if err != nil {
				return err
			}
			src := make([][]int, *K**R)
			for k := range src {
				src[k] = sets[k / *R]
			}
			cs, err := sim.Simulate(src, mf.seed, runtime.GOMAXPROCS(0))
			if err != nil {
				return err
			}
			c := datasets.FromCIC(cs)
			for k := range c.IDs {
				c.IDs[k] = strconv.Itoa(k / *R) + "/" + strconv.Itoa(k%*R)
			}
			if *format == "netrate" {
				err = datasets.WriteNetRateFile(*out, c, g)
			} else {
				err = datasets.WriteTimedCascadesFile(*out, c, g)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %d cascades, %d infections\n", *out, c.M(), len(c.Node))
			return nil
		}
	},
}

var cicTruthCmd = &command{
	name:      "truth",
	usageLine: "spread cic truth -graph G [-model exp|rayleigh|weibull] [-params FILE] -sources \"id,id\" -T T [-samples K] [-seed S] -o probs.csv",
	short:     "Monte-Carlo ground-truth infection probabilities on t = 0..T",
	long: `Truth estimates x*_v(t) = P(node v infected by t) from the source set
-sources on the grid t = 0, 1, …, ⌊T⌋ as the fraction of K simulated
cascades, and writes CSV "node,t,p" (external node ids, node-major). The
result depends only on the inputs and -seed, not on the number of cores.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var mf cicModelFlags
		mf.bind(fs)
		sources := fs.String("sources", "", "comma-separated source node ids")
		K := fs.Int("samples", 10000, "simulated cascades K")
		out := fs.String("o", "", "output CSV file")
		return func(ctx context.Context, e *env, args []string) error {
			if *K <= 0 {
				return usagef("-samples %d: want ≥ 1", *K)
			}
			if *sources == "" || *out == "" {
				return usagef("-sources and -o are required")
			}
			g, sim, err := mf.simulator(e)
			if err != nil {
				return err
			}
			seeds, err := parseNodeList(g, *sources)
			if err != nil {
				return usagef("%v", err)
			}
			L := int(mf.T) + 1
			grid := make([]float64, L)
			for t := range grid {
				grid[t] = float64(t)
			}
			marg, err := sim.Marginals(nil, seeds, grid, *K, mf.seed, runtime.GOMAXPROCS(0))
			if err != nil {
				return err
			}
			if err := datasets.WriteMarginalsFile(*out, g, marg, L); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %d nodes × %d times from %d cascades\n", *out, g.N, L, *K)
			return nil
		}
	},
}
