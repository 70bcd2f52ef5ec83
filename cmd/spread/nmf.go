package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
	mnmf "github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/solvers/im"
	"github.com/spread-dev/spread/train"
	tnmf "github.com/spread-dev/spread/train/nmf"
)

var nmfCmd = &command{
	name:      "nmf",
	usageLine: "spread nmf <command> [arguments]",
	short:     "neural mean-field dynamics: train on timed cascades, predict infection probabilities",
	long: `spread nmf learns the neural mean-field (NMF) dynamics of He, Xu, Ye and Zha
(NeurIPS 2020) from continuous-time cascades: the infection probabilities
x(t) follow x' = A x − diag(x) A x + s·ε(x, h), h' = b⊙x − c⊙h, with the
rates A ≥ 0 and the correction network ε learned by maximising the
point-process likelihood of the infection times. See go doc
./models/nmf for the model and every choice the paper leaves open.`,
	children: []*command{nmfTrainCmd, nmfPredictCmd, nmfInfMaxCmd, nmfInferNetworkCmd},
}

var nmfTrainCmd = &command{
	name:      "train",
	usageLine: "spread nmf train -cascades C -n N -T T [-support G] [-hidden W,...] [-steps 40 -solver rk4|euler] [-epochs E -batch B] [-lr x] [-backoff f] [-init-fit=false] [-grad autodiff|adjoint|costate] [-loss survival|poisson] [-events interp|nearest|exact] [-checkpoint F [-resume]] -seed S -o model.ckpt",
	short:     "train NMF on timed cascades",
	long: `Train reads timed cascades (CSV "cascade,node,time" with node ids 0..N-1;
the sources have time 0) and fits θ with Adam on mini-batches of -batch
cascades, shuffled every epoch from -seed, for -epochs epochs. The gradient
is reverse-mode autodiff through the unrolled solver (default), the
hand-written discrete adjoint (-grad adjoint, equal to autodiff) or the
paper's continuous co-state (-grad costate). With -checkpoint F a
checkpoint is written at every epoch end; -resume continues from it (bit
for bit the same result as an uninterrupted run). -backoff f (e.g. 1.5)
guards against divergence: when an epoch's mean loss exceeds f times the
lowest so far, training returns to that epoch's θ and Adam state and
halves the learning rate (the progress line then shows the new rate).
Before the first epoch the initial rates are scaled to the constant that
fits the cascades best (-init-fit=false keeps the fixed start U[0, 0.02],
on which, with -support, almost every intensity starts on the likelihood's
floor and nothing is learned).
-float32 computes the autodiff loss and gradient in float32, as the
paper's PyTorch code does (about half the time of float64 at n = 128;
docs/BENCHMARKS.md); θ and the optimiser stay float64.
Progress goes to stderr; the trained model (a JSON file) to -o.

On large networks (thousands of nodes) give -support (A on the known
network's edges, O(E) per cascade), a small -hidden (ε is 2n → hidden → n)
and -grad adjoint: autodiff keeps every solver state of the batch on its
tape (2.8 GB at batch 10 on NetHEPT's 15,229 nodes), the adjoint only the
states (236 MB at batch 100). See docs/RESULTS.md.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		cascades := fs.String("cascades", "", "timed cascades CSV (cascade,node,time)")
		n := fs.Int("n", 0, "number of nodes (ids 0..n-1)")
		T := fs.Float64("T", 0, "horizon: infection times are in [0, T]")
		support := fs.String("support", "", "optional support graph: A lives on its edges")
		hidden := fs.String("hidden", "", "hidden widths of the correction MLP ε, comma-separated (default n: 2n → n → n, the paper's); use a small width such as 32 on large networks")
		steps := fs.Int("steps", 40, "solver steps on [0, T]")
		solver := fs.String("solver", "rk4", "solver: rk4 or euler")
		epochs := fs.Int("epochs", 50, "epochs")
		batch := fs.Int("batch", 300, "cascades per step")
		lr := fs.Float64("lr", 1e-3, "Adam learning rate")
		initFit := fs.Bool("init-fit", true, "start the rates at their fitted constant mean (the best-scoring scale of the initial rates on the cascades); false: the fixed start U[0, 0.02]")
		backoff := fs.Float64("backoff", 0, "divergence guard: when an epoch's mean loss exceeds this factor (> 1, e.g. 1.5) times the lowest so far, return to that epoch's θ and halve -lr (0: off, the paper's plain Adam)")
		grad := fs.String("grad", "autodiff", "gradient: autodiff, adjoint or costate")
		loss := fs.String("loss", "survival", "terminal term: survival (exact) or poisson (the paper's 1ᵀx(T))")
		events := fs.String("events", "interp", "how an infection's intensity is read between grid points: interp, nearest, or exact (each cascade on its own grid merged with its infection times; needs -grad adjoint)")
		regA := fs.Float64("reg-a", 0.01, "log-sum penalty coefficient on A")
		ckpt := fs.String("checkpoint", "", "checkpoint file, written at every epoch end")
		resume := fs.Bool("resume", false, "continue from -checkpoint")
		seed := fs.Uint64("seed", 1, "random seed (initial θ, batch order)")
		f32 := fs.Bool("float32", false, "compute the loss and gradient in float32 (-grad autodiff; 2–3× faster at n = 128); θ, Adam and the model file stay float64, and the flag is not saved: give it again with -resume")
		out := fs.String("o", "", "output model file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			c.required("cascades", *cascades)
			c.required("o", *out)
			c.intRange("n", *n, 1, 1<<16, true)
			c.floatRange("T", *T, 0, maxHorizon, true, false, true)
			c.intRange("steps", *steps, 1, 1<<16, true)
			c.oneOf("solver", *solver, "rk4", "euler")
			c.intRange("epochs", *epochs, 1, 1<<20, true)
			c.intRange("batch", *batch, 1, 1<<20, true)
			c.floatRange("lr", *lr, 0, 1, true, false, true)
			c.floatRange("reg-a", *regA, 0, math.Inf(1), false, true, true)
			if *backoff != 0 {
				c.floatRange("backoff", *backoff, 1, math.Inf(1), true, true, true)
			}
			c.oneOf("grad", *grad, "autodiff", "adjoint", "costate")
			c.oneOf("loss", *loss, "survival", "poisson")
			c.oneOf("events", *events, "interp", "nearest", "exact")
			if *events == "exact" && *grad != "adjoint" {
				c.failf("events", "exact needs -grad adjoint (every cascade has its own grid, which the batched autodiff program and the continuous co-state do not support)")
			}
			if *resume && *ckpt == "" {
				c.failf("resume", "needs -checkpoint")
			}
			if *f32 && *grad != "autodiff" {
				c.failf("float32", "applies to -grad autodiff only (the adjoint and co-state are float64)")
			}
			widths := c.widths("hidden", *hidden)
			if err := c.err(); err != nil {
				return err
			}
			if err := checkFiles([]fileArg{{"-cascades", *cascades}, {"-support", *support}}, []fileArg{{"-o", *out}, {"-checkpoint", *ckpt}}); err != nil {
				return err
			}
			g, err := idGraph(e, *n, *support)
			if err != nil {
				return err
			}
			tc, err := datasets.ReadTimedCascadesFile(*cascades, g, *T)
			if err != nil {
				return err
			}
			if tc.M() < *batch {
				return usagef("-batch %d exceeds the %d cascades of %s", *batch, tc.M(), *cascades)
			}
			cfg := tnmf.DefaultConfig(*n, *T)
			cfg.Model.Steps, cfg.Model.RegA, cfg.Model.Float32 = *steps, *regA, *f32
			if widths != nil {
				cfg.Model.Hidden = widths
			}
			if cfg.Model.Method, err = ode.ParseMethod(*solver); err != nil {
				return err
			}
			if cfg.Model.Loss, err = mnmf.ParseLossForm(*loss); err != nil {
				return err
			}
			if cfg.Model.Events, err = mnmf.ParseEventMode(*events); err != nil {
				return err
			}
			if *support != "" {
				cfg.Model.Support = g
			}
			if p := cfg.Model.NumParams(); p > maxNMFParams {
				hint := "give -support (A on a graph's edges) and a small -hidden"
				if *support != "" {
					hint = "give a small -hidden, e.g. -hidden 32"
				}
				return usagef("the model would have %d parameters (%.1f GB of float64 before Adam's state and the tape), more than %d: %s", p, float64(p)*8/1e9, maxNMFParams, hint)
			}
			cfg.Epochs, cfg.Batch, cfg.LR, cfg.Grad, cfg.Seed, cfg.Patience, cfg.Backoff, cfg.InitFit = *epochs, *batch, *lr, *grad, *seed, 0, *backoff, *initFit
			cs := tnmf.Cascades(tc)
			for k, cas := range cs {
				if len(cas.Sources) == 0 {
					return fmt.Errorf("%s: cascade %q has no source (no node at time 0)", *cascades, tc.IDs[k])
				}
			}
			rec := train.RecorderFunc(func(p train.Progress) error {
				fmt.Fprintf(e.stderr, "epoch %.0f  loss %.6g  time %s", p.Metrics[0].Value, p.Objective, p.Elapsed.Round(1e6))
				if next := p.Metrics[2].Value; next != *lr {
					fmt.Fprintf(e.stderr, "  lr %.3g (halved after a divergence)", next)
				}
				fmt.Fprintln(e.stderr)
				return nil
			})
			if cfg.InitFit && !*resume {
				fmt.Fprintln(e.stderr, "fitting the initial rates to the cascades")
			}
			res, err := tnmf.Train(cfg, cs, nil, *ckpt, *resume, rec)
			if err != nil {
				return err
			}
			if res.InitRate > 0 {
				fmt.Fprintf(e.stderr, "the initial mean rate was fitted to %.4g\n", res.InitRate)
			}
			if err := tnmf.WriteModel(*out, cfg, res.Theta); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %s\n", *out, res.Criterion)
			warnUnstable(e, cfg.Model, res.Theta)
			return nil
		}
	},
}

// idGraph returns the support graph, or a graph of n isolated nodes with
// ids 0..n-1 that names the nodes.
func idGraph(e *env, n int, support string) (*graphs.Graph, error) {
	if support != "" {
		g, err := loadGraph(e, support, false)
		if err != nil {
			return nil, err
		}
		if g.N != n {
			return nil, usagef("-support %s has %d nodes, -n is %d", support, g.N, n)
		}
		return g, nil
	}
	g, _, err := graphs.FromEdges(n, nil, nil, nil, graphs.BuildOptions{})
	return g, err
}

var nmfPredictCmd = &command{
	name:      "predict",
	usageLine: "spread nmf predict -model model.ckpt -sources \"id,id\" -T T -o probs.csv",
	short:     "predict infection probabilities with a trained NMF model",
	long: `Predict integrates the trained model from the source set and writes the
infection probabilities x_v(t) at t = 0, 1, …, ⌊T⌋ as CSV "node,t,p"
(T at most the model's horizon).`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		model := fs.String("model", "", "trained model file (spread nmf train -o)")
		sources := fs.String("sources", "", "comma-separated source node ids")
		T := fs.Float64("T", 0, "horizon of the prediction")
		out := fs.String("o", "", "output CSV file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			c.required("model", *model)
			c.required("sources", *sources)
			c.required("o", *out)
			c.floatRange("T", *T, 0, maxHorizon, false, false, true)
			if err := c.err(); err != nil {
				return err
			}
			m, err := readModelFor(*model, *out, *T)
			if err != nil {
				return err
			}
			g, err := modelGraph(e, m.Config)
			if err != nil {
				return err
			}
			src, err := parseNodeList(g, *sources)
			if err != nil {
				return usagef("%v", err)
			}
			warnUnstable(e, m.Config, m.Theta)
			p, err := mnmf.NewPredictor(m.Config, 1)
			if err != nil {
				return err
			}
			defer p.Close()
			traj, err := p.Predict(m.Theta, [][]int{src})
			if err != nil {
				return err
			}
			L := int(*T)
			ts := make([]float64, L+1)
			for l := range ts {
				ts[l] = float64(l)
			}
			x := m.Config.At(traj[0], ts)
			n := m.Config.N
			return atomicfile.WriteFile(*out, func(w io.Writer) error {
				buf := []byte("node,t,p\n")
				for v := range n {
					for l := range ts {
						buf = append(buf, g.ID(v)...)
						buf = append(buf, ',')
						buf = strconv.AppendInt(buf, int64(l), 10)
						buf = append(buf, ',')
						buf = strconv.AppendFloat(buf, x[l*n+v], 'g', -1, 64)
						buf = append(buf, '\n')
					}
				}
				_, err := w.Write(buf)
				return err
			})
		}
	},
}

var nmfInfMaxCmd = &command{
	name:      "infmax",
	usageLine: "spread nmf infmax -model model.ckpt -k K -T T [-step 0.01 -iters 500 -patience 10 -rho 0] -o seeds.txt",
	short:     "influence maximisation with a trained NMF model (NMF-InfMax)",
	long: `Infmax runs NMF-InfMax (He et al. 2020, Algorithm 2): projected gradient
ascent of the model's predicted influence 1ᵀx(T; u) − rho·Σu(1−u) over
relaxed seeds u on the capped simplex {u ∈ [0,1]^n, Σu = k}, the gradient
by reverse mode through the unrolled solver, then the top k entries of u
as the seed set. T is at most the model's horizon (the solver keeps the
model's step length). The seeds go to -o, one external id per line; the
model's predicted influence of the rounded set to stderr.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		model := fs.String("model", "", "trained model file (spread nmf train -o)")
		k := fs.Int("k", 0, "number of seeds")
		T := fs.Float64("T", 0, "horizon of the influence (at most the model's)")
		step := fs.Float64("step", 0.01, "PGD step size (the paper's constant 0.01)")
		iters := fs.Int("iters", 500, "maximum PGD iterations")
		patience := fs.Int("patience", 10, "stop after this many iterations without change")
		rho := fs.Float64("rho", 0, "weight of the paper's regulariser Σ u(1−u)")
		out := fs.String("o", "", "output seed file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			c.required("model", *model)
			c.required("o", *out)
			c.intRange("k", *k, 1, 1<<16, true)
			c.floatRange("T", *T, 0, maxHorizon, true, false, true)
			c.floatRange("step", *step, 0, math.Inf(1), true, false, true)
			c.intRange("iters", *iters, 1, 1<<24, true)
			c.intRange("patience", *patience, 1, 1<<24, true)
			c.floatRange("rho", *rho, 0, math.Inf(1), false, false, true)
			if err := c.err(); err != nil {
				return err
			}
			m, err := readModelFor(*model, *out, *T)
			if err != nil {
				return err
			}
			if *k > m.Config.N {
				return usagef("-k %d exceeds the model's %d nodes", *k, m.Config.N)
			}
			cfg, err := m.Config.AtHorizon(*T)
			if err != nil {
				return err
			}
			warnUnstable(e, cfg, m.Theta)
			inf, err := mnmf.NewInfluence(cfg, m.Theta, *rho)
			if err != nil {
				return err
			}
			defer inf.Close()
			res, err := im.Maximize(&im.Problem{N: cfg.N, K: *k}, nil, &im.ProjectedGradient{Objective: inf, Step: *step, Iterations: *iters, Patience: *patience})
			if err != nil {
				return err
			}
			g, err := modelGraph(e, cfg)
			if err != nil {
				return err
			}
			if err := datasets.WriteSeedsFile(*out, g, res.Seeds); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "nmf-infmax: %d seeds, predicted influence %.4g at T = %v (%d iterations, %v)\n", len(res.Seeds), res.Spread, *T, res.Stats.Iterations, res.Status)
			return nil
		}
	},
}

var nmfInferNetworkCmd = &command{
	name:      "infer-network",
	usageLine: "spread nmf infer-network -model model.ckpt [-threshold 0.01] -o edges.txt",
	short:     "write the network a trained NMF model learned",
	long: `Infer-network writes the edges u → v whose learned transmission rate
A[u][v] exceeds -threshold, one "u v a" line each (external ids 0..n-1),
in (u, v) order; self-loops of a dense A are left out.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		model := fs.String("model", "", "trained model file (spread nmf train -o)")
		threshold := fs.Float64("threshold", 0.01, "keep rates above this")
		out := fs.String("o", "", "output edge list")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			c.required("model", *model)
			c.required("o", *out)
			c.floatRange("threshold", *threshold, 0, math.Inf(1), false, false, true)
			if err := c.err(); err != nil {
				return err
			}
			if err := checkFiles([]fileArg{{"-model", *model}}, []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			m, err := tnmf.ReadModel(*model)
			if err != nil {
				return err
			}
			es, err := m.Config.Network(m.Theta, *threshold)
			if err != nil {
				return err
			}
			g, err := modelGraph(e, m.Config)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "%d edges above %v\n", len(es), *threshold)
			return atomicfile.WriteFile(*out, func(w io.Writer) error {
				var buf []byte
				for _, ed := range es {
					buf = append(buf, g.ID(ed.Src)...)
					buf = append(buf, ' ')
					buf = append(buf, g.ID(ed.Dst)...)
					buf = append(buf, ' ')
					buf = strconv.AppendFloat(buf, ed.A, 'g', -1, 64)
					buf = append(buf, '\n')
				}
				_, err := w.Write(buf)
				return err
			})
		}
	},
}

// warnUnstable tells the user on stderr when the model's rates make its
// explicit solver unstable (models/nmf Config.StepStability): the clamp to
// [0, 1] would hide the oscillation and the predictions would be wrong at
// the fastest nodes without any other sign.
func warnUnstable(e *env, c mnmf.Config, theta []float64) {
	r, lim := c.StepStability(theta), c.StabilityLimit()
	if r <= lim {
		return
	}
	fmt.Fprintf(e.stderr, "warning: step × largest total in-rate = %.3g exceeds %v's stability limit %.3g: the solver oscillates at the fastest nodes and the clamp to [0, 1] hides it; retrain with -steps %d or more\n",
		r, c.Method, lim, int(math.Ceil(float64(c.Steps)*r/lim)))
}

// modelGraph names the nodes of a trained model: its support graph's ids,
// or 0..n-1.
func modelGraph(e *env, c mnmf.Config) (*graphs.Graph, error) {
	if c.Support != nil {
		return c.Support, nil
	}
	return idGraph(e, c.N, "")
}

// readModelFor checks the files of a command that reads a trained model
// and writes out, reads the model and refuses a horizon T beyond it.
func readModelFor(model, out string, T float64) (*tnmf.Model, error) {
	if err := checkFiles([]fileArg{{"-model", model}}, []fileArg{{"-o", out}}); err != nil {
		return nil, err
	}
	m, err := tnmf.ReadModel(model)
	if err != nil {
		return nil, err
	}
	if T > m.Config.T {
		return nil, usagef("-T %v beyond the model's horizon %v", T, m.Config.T)
	}
	return m, nil
}
