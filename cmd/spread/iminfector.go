package main

// IMINFECTOR: influence maximisation from cascades alone, the NMF paper's
// baseline for NMF-InfMax (Fig. 5–6).

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/solvers/iminfector"
	"github.com/spread-dev/spread/train"
)

var iminfectorCmd = &command{
	name:      "iminfector",
	usageLine: "spread iminfector -cascades C [-format auto|csv|netrate] -n N -T T -k K [-dim 50] [-epochs 50] [-optimizer adam|sgd] [-lr η] [-sampling 120] [-batch 1] [-P 100] -seed S -o seeds.txt",
	short:     "choose seeds from cascades alone (IMINFECTOR)",
	long: `IMINFECTOR (Panagopoulos, Malliaros & Vazirgiannis, IEEE TKDE 2020) learns
from -cascades (on the nodes 0..N-1, horizon T; CSV "cascade,node,time" or
the NetInf/NetRate format) a source embedding S_u for every initiator (the
nodes at a cascade's earliest time) and a target embedding T_v for every
node, by two tasks: predicting the nodes an initiator infects (softmax of
S_u·T_v) and the min-max normalised length of its cascades (σ(S_u·1 + b)).
Each cascade of length L gives round(L·sampling/100) training targets.
Training runs -epochs passes of -batch cascades per step with -optimizer
(adam, default lr 0.01, or sgd, default lr 0.1 as in the paper).

Then it keeps the top -P percent of the initiators by ‖S_u‖², gives each
the expected spread E_u = round(N·‖S_u‖²/Σ‖S‖²) and picks -k seeds
greedily: the gain of u is the sum of the E_u largest entries of
softmax(S_u·T) over the nodes not yet marked, and the chosen seed marks
those E_u nodes. Only initiators can be chosen: -k larger than the number
of candidates is an error. The seeds (one id a line, in selection order)
go to -o; the training loss and the seeds' gains to stderr. The result
depends only on the inputs and -seed.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		var cf cascadeFlags
		cf.bind(fs)
		k := fs.Int("k", 0, "number of seeds")
		dim := fs.Int("dim", iminfector.DefaultDim, "embedding size d")
		epochs := fs.Int("epochs", iminfector.DefaultEpochs, "training epochs")
		lr := fs.Float64("lr", 0, "learning rate (0: 0.01 for adam, 0.1 for sgd)")
		opt := fs.String("optimizer", "adam", "optimiser: adam or sgd")
		sampling := fs.Float64("sampling", iminfector.DefaultSampling, "sampling percentage: targets per cascade as a percentage of its length")
		batch := fs.Int("batch", iminfector.DefaultBatch, "cascades per optimiser step")
		P := fs.Float64("P", iminfector.DefaultReduction, "percentage of the initiators kept as candidates, by ‖S_u‖²")
		seed := fs.Uint64("seed", 1, "random seed")
		out := fs.String("o", "", "output seed file")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			cf.check(c)
			c.intRange("k", *k, 1, maxNodes, true)
			c.intRange("dim", *dim, 1, iminfector.MaxDim, true)
			c.intRange("epochs", *epochs, 1, maxIters, true)
			c.floatRange("lr", *lr, 0, 1e3, true, false, false)
			c.oneOf("optimizer", *opt, "adam", "sgd")
			c.floatRange("sampling", *sampling, 0, iminfector.MaxSampling, true, false, true)
			c.intRange("batch", *batch, 1, maxCascades, true)
			c.floatRange("P", *P, 0, 100, true, false, true)
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
			m, err := iminfector.Train(cs, &iminfector.Settings{Dim: *dim, Epochs: *epochs, LR: *lr, Optimizer: *opt,
				Sampling: *sampling, Batch: *batch, Seed: *seed, Recorder: infectorProgress(e)})
			if err != nil {
				return fmt.Errorf("-cascades %s: %w", cf.path, err)
			}
			res, err := m.Select(*k, *P)
			if err != nil {
				return fmt.Errorf("-k %d: %w", *k, err)
			}
			if err := datasets.WriteSeedsFile(*out, g, res.Seeds); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "trained on %d cascades (%d initiators, %d pairs): loss %.4g → %.4g in %d steps (%v)\n",
				cs.M(), len(m.Initiators), m.Pairs, m.Loss[0], m.Loss[len(m.Loss)-1], m.Stats.Iterations, m.Stats.Runtime.Round(1e6))
			fmt.Fprintf(e.stderr, "wrote %s: %d seeds from %d candidates, gains %.3f, E %v, %d nodes marked\n",
				*out, len(res.Seeds), res.Candidates, res.Gains, res.E, res.Marked)
			return nil
		}
	},
}

// infectorProgress reports INFECTOR's full-data loss every 10 epochs.
func infectorProgress(e *env) train.Recorder {
	return train.RecorderFunc(func(p train.Progress) error {
		if p.Iter%10 == 0 {
			fmt.Fprintf(e.stderr, "  epoch %3d  L=%.6g  L_A=%.6g  L_B=%.4g  %v\n", p.Iter, p.Objective, p.Metrics[0].Value, p.Metrics[1].Value, p.Elapsed.Round(time.Millisecond))
		}
		return nil
	})
}
