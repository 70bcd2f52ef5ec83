package main

// The NMF paper's baselines: NetRate (network inference), ConTinEst
// (influence estimation on a known network) and InfluLearner (influence
// estimation from cascades).

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
	"github.com/spread-dev/spread/models/cic"
	"github.com/spread-dev/spread/solvers/continest"
	"github.com/spread-dev/spread/solvers/influlearner"
	"github.com/spread-dev/spread/solvers/netrate"
)

// cascadeFlags reads a cascade file on the nodes 0..n−1.
type cascadeFlags struct {
	path   string
	format string
	n      int
	T      float64
}

func (f *cascadeFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "cascades", "", "cascade file: CSV \"cascade,node,time\" or the NetInf/NetRate two-block format")
	fs.StringVar(&f.format, "format", "auto", "cascade file format: auto, csv or netrate")
	fs.IntVar(&f.n, "n", 0, "number of nodes; node ids are 0..n-1")
	fs.Float64Var(&f.T, "T", 0, "observation horizon T > 0 of the cascades")
}

func (f *cascadeFlags) check(c *flagCheck) {
	c.required("cascades", f.path)
	c.intRange("n", f.n, 1, maxNodes, true)
	c.floatRange("T", f.T, 0, maxHorizon, true, false, true)
	c.oneOf("format", f.format, "auto", "csv", "netrate")
}

// load returns the node set (a graph without edges, ids 0..n−1) and the
// cascades.
func (f *cascadeFlags) load() (*graphs.Graph, *datasets.TimedCascades, error) {
	g, _, err := graphs.FromEdges(f.n, nil, nil, nil, graphs.BuildOptions{})
	if err != nil {
		return nil, nil, err
	}
	format := f.format
	if format == "auto" {
		if format, err = sniffCascades(f.path); err != nil {
			return nil, nil, err
		}
	}
	var c *datasets.TimedCascades
	if format == "netrate" {
		c, err = datasets.ReadNetRateFile(f.path, g, f.T)
	} else {
		c, err = datasets.ReadTimedCascadesFile(f.path, g, f.T)
	}
	return g, c, err
}

// sniffCascades tells the formats apart by the first line that is neither
// blank nor a comment: NetRate's node lines have two fields, the CSV three.
func sniffCascades(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" || s[0] == '#' {
			continue
		}
		if strings.Count(s, ",") == 1 {
			return "netrate", nil
		}
		return "csv", nil
	}
	return "csv", sc.Err()
}

var netrateCmd = &command{
	name:      "netrate",
	usageLine: "spread netrate -cascades C -n N -T T [-model exp|rayleigh] [-threshold 0.01] [-format auto|csv|netrate] [-truth NETWORK] [-workers W] -o edges.txt",
	short:     "infer transmission rates from cascades (NetRate)",
	long: `NetRate (Gomez-Rodriguez, Balduzzi & Schölkopf, ICML 2011) estimates the
rate α_ji of every edge j→i by maximising the likelihood of the cascades
under the continuous-time independent cascade model with exponential or
Rayleigh delays: one convex problem per node, solved by projected Newton,
nodes in parallel. Cascades come from -cascades on the nodes 0..N-1 with
observation horizon T (CSV "cascade,node,time" or the NetInf/NetRate
format, detected from the first line unless -format says).

The output lists the edges with α ≥ -threshold as "u v alpha" lines (the
-params format of spread cic). With -truth (a network in NetRate's format:
node lines, a blank line, "src,dst,alpha" lines) the network-inference
metrics are printed to stderr, under the NMF paper's names (its Prc is the
usual recall, its Rcl the usual precision, its Acc is F1) and the usual
ones. The result does not depend on the number of cores.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var cf cascadeFlags
		cf.bind(fs)
		model := fs.String("model", "exp", "delay family: exp or rayleigh")
		threshold := fs.Float64("threshold", 0.01, "keep edges with α ≥ threshold")
		truth := fs.String("truth", "", "true network in NetRate's format, to print the metrics")
		workers := fs.Int("workers", 0, "goroutines (0: all cores); the result does not depend on it")
		out := fs.String("o", "", "output edge file \"u v alpha\"")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			cf.check(c)
			c.oneOf("model", *model, "exp", "rayleigh")
			c.floatRange("threshold", *threshold, 0, math.Inf(1), false, true, true)
			c.intRange("workers", *workers, 0, maxWorkers, true)
			c.required("o", *out)
			if err := c.err(); err != nil {
				return err
			}
			if err := checkFiles([]fileArg{{"-cascades", cf.path}, {"-truth", *truth}}, []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			d, _ := cic.ParseDelay(*model)
			g, cs, err := cf.load()
			if err != nil {
				return err
			}
			var tsrc, tdst []int
			var talpha []float64
			if *truth != "" {
				if tsrc, tdst, talpha, err = datasets.ReadNetRateNetworkFile(*truth, g); err != nil {
					return err
				}
			}
			res, err := netrate.Infer(cs, cf.n, &netrate.Settings{Delay: d, Threshold: *threshold, Workers: *workers})
			if err != nil {
				return err
			}
			if err := datasets.WriteEdgeValuesFile(*out, res.Graph, res.Params.A); err != nil {
				return err
			}
			st := res.Stats
			fmt.Fprintf(e.stderr, "wrote %s: %d edges with α ≥ %v from %d cascades (%d node problems, %d Newton iterations, %d at the limit, log-likelihood %.6g, %v)\n",
				*out, res.Graph.NumEdges(), *threshold, cs.M(), st.Nodes, st.Iterations, st.IterationLimit, st.LogLik, st.Runtime.Round(1e6))
			if *truth != "" {
				tg, _, err := graphs.FromEdges(cf.n, tsrc, tdst, talpha, graphs.BuildOptions{})
				if err != nil {
					return fmt.Errorf("-truth: %w", err)
				}
				m, err := netrate.Compare(res.Graph, nil, tg, nil, *threshold)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "NMF paper's names: Prc %.3f  Rcl %.3f  Acc %.3f  Cor %.3f\n", m.PaperPrc, m.PaperRcl, m.PaperAcc, m.Cor)
				fmt.Fprintf(e.stderr, "usual names: precision %.3f  recall %.3f  F1 %.3f  (%d of %d inferred edges true, %d true edges)\n",
					m.Precision, m.Recall, m.F1, m.TP, m.Est, m.True)
			}
			return nil
		}
	},
}

// timeGrid returns 0, 1, …, ⌊T⌋.
func timeGrid(T float64) []float64 {
	grid := make([]float64, int(T)+1)
	for t := range grid {
		grid[t] = float64(t)
	}
	return grid
}

var continestCmd = &command{
	name:      "continest",
	usageLine: "spread continest -graph G [-model exp|rayleigh|weibull] [-params FILE] (-sources \"id,id\" | -k K) -T T [-samples 10000] [-labels 5] [-seed S] -o influence.csv|seeds.txt",
	short:     "estimate the expected influence of a source set (ConTinEst), or pick seeds with it (InfluMax)",
	long: `ConTinEst (Du, Song, Gomez-Rodriguez & Zha, NIPS 2013) estimates the
expected number of nodes infected by time t from -sources on a known
network with known delay parameters, from least-label lists over -samples
delay realisations with -labels exponential label sets each. It writes CSV
"t,influence,stderr" on t = 0, 1, …, ⌊T⌋ (ConTinEst estimates the
influence, a count, not per-node probabilities). Parameters come from
-params or are drawn from -seed as in spread cic. The result depends only
on the inputs and -seed, not on the number of cores.

With -k instead of -sources it runs InfluMax (Gomez-Rodriguez & Schölkopf,
ICML 2012, with ConTinEst as the oracle: the NMF paper's influence
maximisation baseline): lazy greedy (CELF) over all nodes maximising the
estimated influence at T, and writes the k seeds' ids to -o, one per line,
in the order picked; the final estimate goes to stderr. The lists are built
once (memory about m·r·n·ln n entries of 8 bytes), then every oracle call
is a query.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var mf cicModelFlags
		mf.bind(fs)
		sources := fs.String("sources", "", "comma-separated source node ids")
		k := fs.Int("k", 0, "InfluMax: number of seeds to pick (instead of -sources)")
		m := fs.Int("samples", continest.DefaultSamples, "delay realisations m")
		r := fs.Int("labels", continest.DefaultLabels, "label sets r ≥ 2 per realisation")
		out := fs.String("o", "", "output: the influence CSV, or with -k the seed ids")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			c.intRange("samples", *m, 1, maxSamples, true)
			c.intRange("labels", *r, 2, 1<<10, true)
			c.floatRange("T", mf.T, 0, maxHorizon, true, false, true)
			if c.isSet("k") {
				c.intRange("k", *k, 1, maxNodes, true)
				if *sources != "" {
					c.failf("k", "give -sources (estimate) or -k (InfluMax), not both")
				}
			} else {
				c.required("sources", *sources)
			}
			c.required("o", *out)
			if err := c.err(); err != nil {
				return err
			}
			if err := checkFiles([]fileArg{{"-graph", mf.gf.path}, {"-params", mf.params}}, []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			g, d, p, err := mf.load(e)
			if err != nil {
				return err
			}
			if c.isSet("k") {
				if *k > g.N {
					return usagef("-k %d exceeds the graph's %d nodes", *k, g.N)
				}
				est, err := continest.New(g, d, p, mf.T, &continest.Settings{Samples: *m, Labels: *r, Seed: mf.seed, Workers: runtime.GOMAXPROCS(0)})
				if err != nil {
					return err
				}
				t0 := time.Now()
				res, err := continest.InfluMax(est, *k, nil)
				if err != nil {
					return err
				}
				if err := datasets.WriteSeedsFile(*out, g, res.Seeds); err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "wrote %s: %d seeds in %v, influence %.4g ± %.2g at T = %v (ConTinEst, %d samples × %d label sets)\n",
					*out, len(res.Seeds), time.Since(t0).Round(time.Millisecond), res.Spread, res.StdErr, mf.T, *m, *r)
				return nil
			}
			seeds, err := parseNodeList(g, *sources)
			if err != nil {
				return usagef("-sources: %v", err)
			}
			est, err := continest.New(g, d, p, mf.T, &continest.Settings{Samples: *m, Labels: *r, Seed: mf.seed, Workers: runtime.GOMAXPROCS(0)})
			if err != nil {
				return err
			}
			grid := timeGrid(mf.T)
			err = atomicfile.WriteFile(*out, func(w io.Writer) error {
				bw := bufio.NewWriter(w)
				bw.WriteString("t,influence,stderr\n")
				for _, t := range grid {
					v, se := est.InfluenceAt(seeds, t)
					fmt.Fprintf(bw, "%s,%s,%s\n", strconv.FormatFloat(t, 'g', -1, 64), strconv.FormatFloat(v, 'g', -1, 64), strconv.FormatFloat(se, 'g', -1, 64))
				}
				return bw.Flush()
			})
			if err != nil {
				return err
			}
			v, se := est.InfluenceAt(seeds, grid[len(grid)-1])
			fmt.Fprintf(e.stderr, "wrote %s: influence %.4g ± %.2g at t = %v from %d samples × %d label sets\n", *out, v, se, grid[len(grid)-1], *m, *r)
			return nil
		}
	},
}

var influlearnerCmd = &command{
	name:      "influlearner",
	usageLine: "spread influlearner -cascades C -n N -T T -sources \"id,id\" [-features 200] [-format auto|csv|netrate] [-seed S] -o probs.csv",
	short:     "learn infection probabilities from cascades (InfluLearner)",
	long: `InfluLearner (Du, Liang, Balcan & Song, ICML 2014) learns, for every node j
and time t, a coverage function of the source set from random binary
features drawn from the source-attributed reachability frequencies of the
cascades, with weights fitted by maximum likelihood (exponentiated
gradient). One model per t = 0, 1, …, ⌊T⌋; it writes the predicted
probabilities for -sources as CSV "node,t,p" (like spread cic truth).

InfluLearner needs to know which source infected each node. A file holds no
infectors, so every cascade of -cascades must have exactly one source
(one node at time 0): the root of all its infections. The result depends
only on the inputs and -seed, not on the number of cores.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var cf cascadeFlags
		cf.bind(fs)
		sources := fs.String("sources", "", "comma-separated source node ids")
		K := fs.Int("features", influlearner.DefaultFeatures, "random features K per node and time")
		seed := fs.Uint64("seed", 1, "random seed of the features")
		out := fs.String("o", "", "output CSV file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			cf.check(c)
			c.intRange("features", *K, 1, 1<<16, true)
			c.required("sources", *sources)
			c.required("o", *out)
			if err := c.err(); err != nil {
				return err
			}
			if err := checkFiles([]fileArg{{"-cascades", cf.path}}, []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			g, cs, err := cf.load()
			if err != nil {
				return err
			}
			seeds, err := parseNodeList(g, *sources)
			if err != nil {
				return usagef("-sources: %v", err)
			}
			att, err := singleSource(cs)
			if err != nil {
				return fmt.Errorf("-cascades %s: %w", cf.path, err)
			}
			grid := timeGrid(cf.T)
			m, err := influlearner.Fit(att, grid, &influlearner.Settings{Features: *K, Seed: *seed})
			if err != nil {
				return err
			}
			if err := datasets.WriteMarginalsFile(*out, g, m.Predict(nil, seeds), len(grid)); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %d nodes × %d times, learned from %d cascades (%d iterations)\n", *out, g.N, len(grid), cs.M(), m.Iterations)
			return nil
		}
	},
}

// singleSource attributes every infection of c to its cascade's single
// source, and refuses a cascade with no source or several.
func singleSource(c *datasets.TimedCascades) (*cic.Cascades, error) {
	out := &cic.Cascades{N: c.N, T: c.T, Off: c.Off, Node: c.Node, Time: c.Time,
		Parent: make([]int32, len(c.Node)), Root: make([]int32, len(c.Node))}
	for k := range c.M() {
		nodes, times := c.Cascade(k)
		var src int32 = -1
		for j, v := range nodes {
			if times[j] == 0 {
				if src >= 0 {
					return nil, fmt.Errorf("cascade %s has several sources (time 0): InfluLearner needs the source of every infection", c.IDs[k])
				}
				src = v
			}
		}
		if src < 0 && len(nodes) > 0 {
			return nil, fmt.Errorf("cascade %s has no source (time 0)", c.IDs[k])
		}
		for j, v := range nodes {
			p := c.Off[k] + j
			out.Root[p] = src
			out.Parent[p] = src
			if v == src {
				out.Parent[p] = -1
			}
		}
	}
	return out, nil
}
