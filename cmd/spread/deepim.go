package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spread-dev/spread/solvers/deepim"
)

// newDeepIM is spread mim -method deepim: solvers/deepim's defaults with
// the -epochs limit, the -deepim-rule and the -seed.
func newDeepIM(ctx context.Context, epochs int, rule string, seed uint64) *deepim.Method {
	cfg := deepim.Default()
	cfg.Epochs, cfg.Rule, cfg.Seed = epochs, rule, seed
	return &deepim.Method{Config: cfg, Ctx: ctx}
}

// reportDeepIM prints DeepIM's training and inference times and losses.
func reportDeepIM(e *env, d *deepim.Method) {
	st := d.Stats
	stop := "epoch limit"
	if st.EarlyStopped {
		stop = "early stop"
	}
	last := func(x []float64) float64 {
		if len(x) == 0 {
			return 0
		}
		return x[len(x)-1]
	}
	fmt.Fprintf(e.stderr, "  deepim: training %v (labelling %v), %d epochs (%s), VAE loss %.4g → %.4g, estimator loss %.4g → %.4g, reconstruction accuracy %.3f\n",
		st.TrainTime.Round(time.Millisecond), st.LabelTime.Round(time.Millisecond), st.Epochs, stop,
		first(st.VAELoss), last(st.VAELoss), first(st.EstimatorLoss), last(st.EstimatorLoss), last(st.Accuracy))
	fmt.Fprintf(e.stderr, "  deepim: inference %v\n", d.InferTime.Round(time.Millisecond))
}

func first(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	return x[0]
}
