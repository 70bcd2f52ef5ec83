package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
	"github.com/spread-dev/spread/models/sir"
	"github.com/spread-dev/spread/train"
)

var sirCmd = &command{
	name:      "sir",
	usageLine: "spread sir <command> [arguments]",
	short:     "SIR model: simulate, learn, predict (dynamic message passing)",
	long: `spread sir works with the discrete-time SIR model (susceptible, infected,
recovered): every infected node infects each susceptible neighbour with
probability λ (per edge) and recovers with probability μ (per node) at each
step. It simulates cascades, learns λ and μ from them by maximising the
dynamic-message-passing likelihood (Lokhov, Mézard, Ohta & Zdeborová, Phys.
Rev. E 2014), and predicts the marginals P_S, P_I, P_R.

Time convention: with horizon T, times 0..T-1 are resolved; the sources are
infected at time 0.`,
	children: []*command{sirSimulateCmd, sirLearnCmd, sirPredictCmd},
}

// sirParamFlags are the λ and μ sources shared by simulate and predict.
type sirParamFlags struct {
	lambdaFile, muFile   string
	lambdaConst, muConst float64
}

func (f *sirParamFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.lambdaFile, "lambda", "", "file of infection probabilities (\"u v lambda\" lines)")
	fs.Float64Var(&f.lambdaConst, "lambda-const", -1, "the same infection probability on every edge")
	fs.StringVar(&f.muFile, "mu", "", "file of recovery probabilities (\"id mu\" lines)")
	fs.Float64Var(&f.muConst, "mu-const", -1, "the same recovery probability at every node")
}

// setup is the common start of simulate and predict: it finishes the flag
// checks c (-o and -T), checks the files before any work, and loads the
// graph and the parameters.
func (f *sirParamFlags) setup(e *env, c *flagCheck, gf *graphFlags, T int, out string) (*graphs.Graph, []float64, []float64, error) {
	c.required("o", out)
	c.intRange("T", T, 1, maxHorizon, true)
	if err := c.err(); err != nil {
		return nil, nil, nil, err
	}
	ins := []fileArg{{"-graph", gf.path}, {"-lambda", f.lambdaFile}, {"-mu", f.muFile}}
	if err := checkFiles(ins, []fileArg{{"-o", out}}); err != nil {
		return nil, nil, nil, err
	}
	g, err := gf.load(e)
	if err != nil {
		return nil, nil, nil, err
	}
	if g.N == 0 {
		return nil, nil, nil, fmt.Errorf("%s: the graph has no nodes", gf.path)
	}
	lambda, mu, err := f.load(g)
	return g, lambda, mu, err
}

func (f *sirParamFlags) load(g *graphs.Graph) (lambda, mu []float64, err error) {
	if (f.lambdaFile == "") == (f.lambdaConst < 0) || (f.muFile == "") == (f.muConst < 0) {
		return nil, nil, usagef("give one of -lambda FILE and -lambda-const p, and one of -mu FILE and -mu-const q")
	}
	constant := func(name string, v float64, n int) ([]float64, error) {
		if !(v >= 0 && v <= 1) {
			return nil, usagef("-%s %v outside [0,1]", name, v)
		}
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = v
		}
		return xs, nil
	}
	if f.lambdaFile != "" {
		lambda, err = datasets.ReadEdgeValuesFile(f.lambdaFile, g, true)
	} else {
		lambda, err = constant("lambda-const", f.lambdaConst, g.NumPairs())
	}
	if err != nil {
		return nil, nil, err
	}
	if f.muFile != "" {
		mu, err = datasets.ReadNodeValuesFile(f.muFile, g, true)
	} else {
		mu, err = constant("mu-const", f.muConst, g.N)
	}
	return lambda, mu, err
}

var sirSimulateCmd = &command{
	name:      "simulate",
	usageLine: "spread sir simulate -graph G [-undirected] (-lambda FILE | -lambda-const p) (-mu FILE | -mu-const q) -cascades M -T T -seed S -o cascades.csv",
	short:     "simulate SIR cascades",
	long: `Simulate draws M SIR cascades, each from one source drawn uniformly among the
nodes, and writes them as CSV "cascade,node,infected,recovered" (external
node ids; one line per node infected within the horizon; recovered empty when
the node had not recovered by T-1). The output depends only on the inputs and
-seed.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var gf graphFlags
		var pf sirParamFlags
		gf.bind(fs)
		pf.bind(fs)
		M := fs.Int("cascades", 0, "number of cascades")
		T := fs.Int("T", 0, "horizon: times 0..T-1 are recorded")
		seed := fs.Uint64("seed", 1, "random seed")
		out := fs.String("o", "", "output CSV file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			c.intRange("cascades", *M, 1, maxCascades, true)
			g, lambda, mu, err := pf.setup(e, c, &gf, *T, *out)
			if err != nil {
				return err
			}
			rng := rand.New(rand.NewPCG(*seed, 0x736f75726365)) // "source": apart from the cascades' streams
			sources := make([][]int, *M)
			for k := range sources {
				sources[k] = []int{rng.IntN(g.N)}
			}
			cs, err := sir.Simulate(g, lambda, mu, sources, *T, *seed)
			if err != nil {
				return err
			}
			if err := datasets.WriteSIRCascadesFile(*out, g, *T, cs); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %d cascades\n", *out, len(cs))
			return nil
		}
	},
}

var sirLearnCmd = &command{
	name:      "learn",
	usageLine: "spread sir learn -graph G [-undirected] -cascades C.csv -T T [-iters K] [-lr x] [-init a] -o lambda.txt -mu-out mu.txt",
	short:     "learn infection and recovery probabilities from SIR cascades",
	long: `Learn estimates λ (one per undirected edge for undirected graphs, per edge
otherwise) and μ (per node) by maximising the dynamic-message-passing
likelihood of the cascades' infection times and the geometric likelihood of
their recovery delays, with Adam and autodiff through the DMP unroll. It
writes λ as "u v lambda" lines to -o and μ as "id mu" lines to -mu-out, and
reports the log-likelihood on stderr every 50 iterations.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var gf graphFlags
		gf.bind(fs)
		casc := fs.String("cascades", "", "SIR cascade CSV file")
		T := fs.Int("T", 0, "horizon of the cascades")
		var cfg sir.Config
		fs.IntVar(&cfg.MaxIters, "iters", 500, "iteration limit")
		fs.Float64Var(&cfg.LR, "lr", 0.05, "Adam learning rate")
		fs.Float64Var(&cfg.Init, "init", 0.3, "initial λ and μ, in (0,1)")
		out := fs.String("o", "", "output file for λ")
		muOut := fs.String("mu-out", "", "output file for μ")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			c.required("cascades", *casc)
			c.required("o", *out)
			c.required("mu-out", *muOut)
			c.intRange("T", *T, 1, maxHorizon, true)
			c.intRange("iters", cfg.MaxIters, 1, maxIters, true)
			c.floatRange("lr", cfg.LR, 0, 1, true, false, true)
			c.floatRange("init", cfg.Init, 0, 1, true, true, true)
			if err := c.err(); err != nil {
				return err
			}
			if err := checkFiles([]fileArg{{"-graph", gf.path}, {"-cascades", *casc}}, []fileArg{{"-o", *out}, {"-mu-out", *muOut}}); err != nil {
				return err
			}
			g, err := gf.load(e)
			if err != nil {
				return err
			}
			cs, err := datasets.ReadSIRCascadesFile(*casc, g, *T)
			if err != nil {
				return err
			}
			if len(cs) == 0 {
				return fmt.Errorf("%s: no cascades", *casc)
			}
			obs, err := sir.Aggregate(g.N, *T, cs)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "learning %d parameters from %d cascades (%d source sets), T = %d\n", g.NumPairs()+g.N, len(cs), len(obs.Classes), *T)
			rec := train.RecorderFunc(func(p train.Progress) error {
				if p.Iter%50 == 0 {
					fmt.Fprintf(e.stderr, "  iteration %4d  log-likelihood %.6g  (%v)\n", p.Iter, p.Objective, p.Elapsed.Round(time.Millisecond))
				}
				return ctx.Err()
			})
			x, tr, err := sir.Fit(g, obs, cfg, rec)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "done: %s after %d iterations, log-likelihood %.6g\n", tr.Status, tr.Iters, tr.Objective)
			P := g.NumPairs()
			if err := datasets.WriteEdgeValuesFile(*out, g, x[:P]); err != nil {
				return err
			}
			return datasets.WriteNodeValuesFile(*muOut, g, x[P:])
		}
	},
}

var sirPredictCmd = &command{
	name:      "predict",
	usageLine: "spread sir predict -graph G [-undirected] (-lambda FILE | -lambda-const p) (-mu FILE | -mu-const q) -T T -sources \"id,id\" -o marginals.csv",
	short:     "predict the marginals P_S, P_I, P_R by dynamic message passing",
	long: `Predict computes, for every node and t = 0..T-1, the probabilities of being
susceptible, infected and recovered at t given the infected -sources at time
0, by dynamic message passing (exact on trees). Output: CSV
"node,t,S,I,R" with external node ids.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var gf graphFlags
		var pf sirParamFlags
		gf.bind(fs)
		pf.bind(fs)
		T := fs.Int("T", 0, "horizon: t = 0..T-1")
		sources := fs.String("sources", "", "comma-separated source node ids")
		out := fs.String("o", "", "output CSV file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			c.required("sources", *sources)
			g, lambda, mu, err := pf.setup(e, c, &gf, *T, *out)
			if err != nil {
				return err
			}
			seeds, err := parseNodeList(g, *sources)
			if err != nil {
				return usagef("%v", err)
			}
			PS, PI, PR, err := sir.Marginals(g, lambda, mu, seeds, *T)
			if err != nil {
				return err
			}
			return atomicfile.WriteFile(*out, func(w io.Writer) error {
				if _, err := fmt.Fprintln(w, "node,t,S,I,R"); err != nil {
					return err
				}
				for i := range g.N {
					for t := range *T {
						if _, err := fmt.Fprintf(w, "%s,%d,%.10g,%.10g,%.10g\n", g.ID(i), t, PS[t][i], PI[t][i], PR[t][i]); err != nil {
							return err
						}
					}
				}
				return nil
			})
		}
	},
}
