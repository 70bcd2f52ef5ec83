package experiments

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/spread-dev/spread/train/slicer"
)

// Scale selects a preset of experiment sizes: Quick for a check that each
// experiment runs and shows the paper's trend in a few minutes on two cores,
// Paper for sizes close to the paper's (tens of minutes).
type Scale string

// Scales accepted by ParseScale and the Default* constructors.
const (
	Quick Scale = "quick"
	Paper Scale = "paper"
)

// ParseScale returns the Scale named s ("quick" or "paper").
func ParseScale(s string) (Scale, error) {
	switch Scale(s) {
	case Quick, Paper:
		return Scale(s), nil
	}
	return "", fmt.Errorf("experiments: unknown scale %q (want %q or %q)", s, Quick, Paper)
}

// Options are the run settings shared by every experiment.
type Options struct {
	// Seed determines every random choice (graphs, α*, hidden nodes,
	// cascades, Monte-Carlo runs). The same Seed gives the same numbers
	// in every column except the timing columns, whatever Workers is.
	Seed uint64
	// Workers is the number of independent runs executed at once (each
	// learning run, Monte-Carlo source or fit is one job). If it is zero or
	// negative, runtime.GOMAXPROCS(0) is used. Fig1b ignores it and times
	// one evaluation at a time on one core.
	Workers int
	// Recorder, when non-nil, receives a Progress after every completed
	// point and for notes (skipped data, phases). An error it returns stops
	// the experiment.
	Recorder Recorder
	// DataDir is the shared datasets folder (the one holding graphs/); only
	// the real-network experiment reads it. Empty means the data are absent.
	DataDir string
	// Config, when not empty, is a JSON object decoded over the scale's
	// default configuration (the "config" object of NAME_config.json has
	// that form; fields left out keep their defaults). An unknown field or
	// a wrong type is an error.
	Config []byte
	// Method, when non-empty, replaces slicer.Config.Method ("pqn",
	// "spg", "paper" or "adam") in every SLICER run (and DMPrec's loop in
	// Fig1a); empty keeps the experiments' default: the default learner
	// (pqn), except Real, which uses adam. The Output's Config shows the
	// method used.
	Method string
}

// learnConfig returns c with the Options' overrides applied.
func (o Options) learnConfig(c slicer.Config) slicer.Config {
	if o.Method != "" {
		c.Method = o.Method
	}
	return c
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Progress reports a completed point, or a note when Point is nil.
type Progress struct {
	// Experiment is the experiment's name (e.g. "fig2").
	Experiment string
	// Point is the point just completed (nil for a note).
	Point *Point
	// Note is a free-text message (phases, skipped inputs); empty with a
	// Point.
	Note string
	// Done and Total count completed and planned points. Fig1b plans a
	// point when it starts timing it (a method can be stopped), so its
	// Total grows as it runs.
	Done, Total int
	// Elapsed is the wall time since the experiment started.
	Elapsed time.Duration
}

// Recorder receives progress reports. The package never prints; a command
// decides what to show.
type Recorder interface {
	Record(p Progress) error
}

// RecorderFunc adapts a function to the Recorder interface.
type RecorderFunc func(p Progress) error

// Record implements Recorder by calling f(p).
func (f RecorderFunc) Record(p Progress) error { return f(p) }

// Point is one aggregated point of an experiment: a metric averaged over
// Runs independent runs (graphs and α* draws) at fixed parameters. Fields
// that do not apply to an experiment are zero.
type Point struct {
	// Series is the legend label of the curve the point belongs to.
	Series string
	// Method is the estimator or predictor: "slicer", "dmprec", "mle",
	// "autodiff" (fig1b), "dmp-true" (DMP with the true α*).
	Method string
	// Graph names the topology ("tree", "sftree", "rrg", "er", "lattice")
	// or the real network.
	Graph string
	// N is the number of nodes and Params the number of IC parameters
	// (undirected edges).
	N, Params int
	// T is the horizon in this project's convention: activation times
	// 0..T−1 resolved, T = censored. The original code's T is T+1 (the
	// CSV's t_code column).
	T int
	// Hidden is the fraction ξ of hidden nodes.
	Hidden float64
	// M is the number of cascades learned from.
	M int
	// Replicas is the number R of mixture replicas (fig6), else 1.
	Replicas int
	// X is the value on the plot's x axis (M, N or R).
	X float64
	// Metric names what Mean measures: "mae" (mean |α − α*| over the
	// edges kept), "delta_p" (relative ℓ1 marginal error, paper eq. 8),
	// "seconds_per_gradient", "max_abs_diff" (SLICER vs DMPrec estimates).
	Metric string
	// Mean and Stderr are the mean of the metric over Runs and its standard
	// error (sample standard deviation / √Runs; NaN when Runs < 2).
	Mean, Stderr float64
	// Runs is the number of runs averaged; Failures how many of them ended
	// with a learning failure (non-finite objective), whose last finite
	// iterate was used; AtLimit how many stopped at the iteration limit
	// (slicer.Config.MaxIters) instead of meeting the tolerance.
	Runs, Failures, AtLimit int
	// Iters is the mean number of SLICER iterations per run (for a replica
	// stage, that stage's iterations); 0 when nothing is learned.
	Iters float64
	// Seconds is the wall time spent on the point's runs, summed over runs
	// (a timing column: it varies between identical runs).
	Seconds float64
}

// meanStderr returns the mean of v and its standard error (NaN for fewer
// than two values).
func meanStderr(v []float64) (mean, stderr float64) {
	n := float64(len(v))
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= n
	if len(v) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}

// Experiment is one entry of the registry: a named experiment whose Run
// builds the configuration of a Scale and runs it.
type Experiment struct {
	// Name is the command-line name ("fig1a", ..., "real").
	Name string
	// Short is a one-line description; Long the protocol in prose.
	Short, Long string
	// Run runs the experiment at the given scale (with Options.Config
	// decoded over its default configuration).
	Run func(ctx context.Context, s Scale, opt Options) (*Output, error)
	// Config returns the configuration Run would use at scale s with the
	// JSON object js (may be empty) decoded over the default, or the
	// decoding error.
	Config func(s Scale, js []byte) (any, error)
}

// experiment pairs an experiment's run function with its default
// configuration at a scale.
func experiment[C any](name, short, long string, run func(context.Context, C, Options) (*Output, error), def func(Scale) C) Experiment {
	config := func(s Scale, js []byte) (C, error) {
		c := def(s)
		if len(bytes.TrimSpace(js)) == 0 {
			return c, nil
		}
		dec := json.NewDecoder(bytes.NewReader(js))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return c, fmt.Errorf("experiments: %s: configuration: %w", name, err)
		}
		if dec.More() {
			return c, fmt.Errorf("experiments: %s: configuration: data after the JSON object", name)
		}
		return c, nil
	}
	return Experiment{Name: name, Short: short, Long: long,
		Run: func(ctx context.Context, s Scale, opt Options) (*Output, error) {
			c, err := config(s, opt.Config)
			if err != nil {
				return nil, err
			}
			return run(ctx, c, opt)
		},
		Config: func(s Scale, js []byte) (any, error) { return config(s, js) },
	}
}

// List returns the experiments in the papers' order: SLICER's, then NMF's.
func List() []Experiment {
	return []Experiment{
		experiment("fig1a", "SLICER = DMPrec, vs MLE: error vs cascades on a 3-regular tree (paper Fig. 1a)", fig1aLong, Fig1a, DefaultFig1a),
		experiment("fig1b", "time per gradient evaluation vs N: adjoint, autodiff, DMPrec (paper Fig. 1b)", fig1bLong, Fig1b, DefaultFig1b),
		experiment("fig2", "full observation: error vs cascades on five topologies, two horizons (paper Fig. 2)", fig2Long, Fig2, DefaultFig2),
		experiment("fig3", "25% hidden nodes: error vs cascades on trees and RRGs (paper Fig. 3)", fig3Long, Fig3, DefaultFig3),
		experiment("fig5", "square lattice, T=19: marginal error δp of true vs learned α (paper Fig. 5)", fig5Long, Fig5, DefaultFig5),
		experiment("fig6", "square lattice: δp vs number of mixture replicas, 0% and 15% hidden (paper Fig. 6)", fig6Long, Fig6, DefaultFig6),
		experiment("real", "real networks (as-22july06, web-sk-2005): error vs cascades (paper Fig. 4)", realLong, Real, DefaultReal),
		experiment("nmf-fig2", "NMF paper Fig. 2: influence estimation MAE vs t (NMF, mean-field, ConTinEst, InfluLearner)", nmfFig2Long, NMFFig2, DefaultNMFFig2),
		experiment("nmf-table1", "NMF paper Table 1: network inference Prc/Rcl/Acc/Cor (NMF vs NetRate)", nmfTable1Long, NMFTable1, DefaultNMFTable1),
		experiment("nmf-fig6", "NMF paper Fig. 6: influence maximisation vs k (NMF-InfMax, CELF, IMM, InfluMax)", nmfFig6Long, NMFFig6, DefaultNMFFig6),
		experiment("mim-table1", "multiplex IM: ISF, KSN, MIM-Reasoner on synthetic and real multiplexes (MIM-Reasoner Table 1)", mimTable1Long, MIMTable1, DefaultMIMTable1),
	}
}

// Lookup returns the experiment named name.
func Lookup(name string) (Experiment, bool) {
	for _, e := range List() {
		if e.Name == name {
			return e, true
		}
	}
	return Experiment{}, false
}
