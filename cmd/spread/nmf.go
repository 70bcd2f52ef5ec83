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
	children: []*command{nmfTrainCmd, nmfPredictCmd},
}

var nmfTrainCmd = &command{
	name:      "train",
	usageLine: "spread nmf train -cascades C -n N -T T [-support G] [-steps 40 -solver rk4|euler] [-epochs E -batch B] [-lr x] [-grad autodiff|adjoint|costate] [-loss survival|poisson] [-checkpoint F [-resume]] -seed S -o model.ckpt",
	short:     "train NMF on timed cascades",
	long: `Train reads timed cascades (CSV "cascade,node,time" with node ids 0..N-1;
the sources have time 0) and fits θ with Adam on mini-batches of -batch
cascades, shuffled every epoch from -seed, for -epochs epochs. The gradient
is reverse-mode autodiff through the unrolled solver (default), the
hand-written discrete adjoint (-grad adjoint, equal to autodiff) or the
paper's continuous co-state (-grad costate). With -checkpoint F a
checkpoint is written at every epoch end; -resume continues from it (bit
for bit the same result as an uninterrupted run). Progress goes to stderr;
the trained model (a JSON file) to -o.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		cascades := fs.String("cascades", "", "timed cascades CSV (cascade,node,time)")
		n := fs.Int("n", 0, "number of nodes (ids 0..n-1)")
		T := fs.Float64("T", 0, "horizon: infection times are in [0, T]")
		support := fs.String("support", "", "optional support graph: A lives on its edges")
		steps := fs.Int("steps", 40, "solver steps on [0, T]")
		solver := fs.String("solver", "rk4", "solver: rk4 or euler")
		epochs := fs.Int("epochs", 50, "epochs")
		batch := fs.Int("batch", 300, "cascades per step")
		lr := fs.Float64("lr", 1e-3, "Adam learning rate")
		grad := fs.String("grad", "autodiff", "gradient: autodiff, adjoint or costate")
		loss := fs.String("loss", "survival", "terminal term: survival (exact) or poisson (the paper's 1ᵀx(T))")
		regA := fs.Float64("reg-a", 0.01, "log-sum penalty coefficient on A")
		ckpt := fs.String("checkpoint", "", "checkpoint file, written at every epoch end")
		resume := fs.Bool("resume", false, "continue from -checkpoint")
		seed := fs.Uint64("seed", 1, "random seed (initial θ, batch order)")
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
			c.oneOf("grad", *grad, "autodiff", "adjoint", "costate")
			c.oneOf("loss", *loss, "survival", "poisson")
			if *resume && *ckpt == "" {
				c.failf("resume", "needs -checkpoint")
			}
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
			cfg.Model.Steps, cfg.Model.RegA = *steps, *regA
			if cfg.Model.Method, err = ode.ParseMethod(*solver); err != nil {
				return err
			}
			if cfg.Model.Loss, err = mnmf.ParseLossForm(*loss); err != nil {
				return err
			}
			if *support != "" {
				cfg.Model.Support = g
			}
			cfg.Epochs, cfg.Batch, cfg.LR, cfg.Grad, cfg.Seed, cfg.Patience = *epochs, *batch, *lr, *grad, *seed, 0
			cs := tnmf.Cascades(tc)
			for k, cas := range cs {
				if len(cas.Sources) == 0 {
					return fmt.Errorf("%s: cascade %q has no source (no node at time 0)", *cascades, tc.IDs[k])
				}
			}
			rec := train.RecorderFunc(func(p train.Progress) error {
				fmt.Fprintf(e.stderr, "epoch %.0f  loss %.6g  time %s\n", p.Metrics[0].Value, p.Objective, p.Elapsed.Round(1e6))
				return nil
			})
			res, err := tnmf.Train(cfg, cs, nil, *ckpt, *resume, rec)
			if err != nil {
				return err
			}
			if err := tnmf.WriteModel(*out, cfg, res.Theta); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %s\n", *out, res.Criterion)
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
			if err := checkFiles([]fileArg{{"-model", *model}}, []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			m, err := tnmf.ReadModel(*model)
			if err != nil {
				return err
			}
			if *T > m.Config.T {
				return usagef("-T %v beyond the model's horizon %v", *T, m.Config.T)
			}
			g, err := idGraph(e, m.Config.N, "")
			if err != nil {
				return err
			}
			src, err := parseNodeList(g, *sources)
			if err != nil {
				return usagef("%v", err)
			}
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
