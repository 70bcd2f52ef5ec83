package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spread-dev/spread/internal/experiments"
	"github.com/spread-dev/spread/internal/shared"
)

var experimentCmd = &command{
	name:      "experiment",
	usageLine: "spread experiment <name> [-out DIR] [-scale quick|paper] [-config FILE] [-seed S] [-workers W] [-method pqn|spg|paper|adam] [-data DIR]",
	short:     "reproduce the SLICER paper's experiments (Figs. 1–6), the NMF paper's (nmf-fig2, nmf-table1, nmf-fig6) and MIM-Reasoner's Table 1 (mim-table1)",
	long: `spread experiment reruns the experiments of Wilinski & Lokhov, "Prediction-Centric
Learning of Independent Cascade Dynamics from Partial Observations" (ICML 2021),
fig1a … real, and of He, Zha & Ye, "Influence Estimation and Maximization via
Neural Mean-Field Dynamics" (arXiv:2106.02608), nmf-fig2, nmf-table1 and
nmf-fig6, and MIM-Reasoner's Table 1 (mim-table1: multiplex influence
maximisation, Do et al., AISTATS 2024), and writes, into -out (default ./spread-experiments/<name>/):

	<name>.csv          one row per point: series, method, graph, n, params,
	                    t (resolved slots), t_code (= t+1, the paper's T), hidden,
	                    m, replicas, x, metric, mean, stderr, n_runs, failures
	                    (runs stopped by a non-finite objective), at_limit (runs
	                    stopped at the iteration limit), iters (mean SLICER
	                    iterations), seconds (wall time summed over the runs)
	<name>.png          the figure (plus extra panels for some experiments)
	<name>_config.json  the full configuration and seed
	<name>_notes.txt    remarks (skipped data, stopped methods), if any

A short summary table goes to stdout, a line per completed point to stderr.
-scale quick runs each experiment in a few minutes on two cores; -scale paper
uses sizes close to the paper's (tens of minutes). The same -seed gives the
same numbers in every column except the timing ones, whatever -workers is.
-config FILE reads a JSON object decoded over the scale's configuration (the
"config" object of <name>_config.json has that form; fields left out keep
the scale's values), e.g. {"cases": [{"network": "core", "delay": "exp",
"n": 128}]} for the NMF experiments. -method applies to SLICER runs only.`,
	children: experimentChildren(),
}

// experimentChildren makes one subcommand per registered experiment.
func experimentChildren() []*command {
	var cs []*command
	for _, ex := range experiments.List() {
		cs = append(cs, &command{
			name:      ex.Name,
			usageLine: fmt.Sprintf("spread experiment %s [-out DIR] [-scale quick|paper] [-config FILE] [-seed S] [-workers W] [-method pqn|spg|paper|adam] [-data DIR]", ex.Name),
			short:     ex.Short,
			long:      ex.Long,
			setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
				out := fs.String("out", "", "output directory (default ./spread-experiments/"+ex.Name+")")
				scale := fs.String("scale", string(experiments.Quick), "sizes: quick (minutes) or paper (tens of minutes)")
				seed := fs.Uint64("seed", 1, "random seed of every draw")
				workers := fs.Int("workers", 0, "runs executed at once (0 = GOMAXPROCS)")
				method := fs.String("method", "", "override the update rule of every SLICER run: pqn, spg, paper (the paper's ascent) or adam (default: the experiment's own, pqn except for real)")
				config := fs.String("config", "", "JSON file decoded over the scale's configuration (see <name>_config.json)")
				data := fs.String("data", "", "shared datasets folder holding graphs/ (default $SPREAD_SHARED/datasets or ../shared/datasets beside the module)")
				return func(ctx context.Context, e *env, args []string) error {
					s, err := experiments.ParseScale(*scale)
					if err != nil {
						return usagef("%v", err)
					}
					dir := *out
					if dir == "" {
						dir = filepath.Join("spread-experiments", ex.Name)
					}
					c := newFlagCheck(fs)
					c.intRange("workers", *workers, 0, maxWorkers, false)
					if err := c.err(); err != nil {
						return err
					}
					if *data != "" {
						if st, err := os.Stat(*data); err != nil || !st.IsDir() {
							return usagef("-data %s is not a directory", *data)
						}
					}
					dataDir := *data
					if dataDir == "" {
						if r := shared.Root(); r != "" {
							dataDir = filepath.Join(r, "datasets")
						}
					}
					var js []byte
					if *config != "" {
						if js, err = os.ReadFile(*config); err != nil {
							return usagef("-config %s: %v", *config, err)
						}
						if _, err := ex.Config(s, js); err != nil {
							return usagef("-config %s: %v", *config, err)
						}
					}
					if *method != "" && strings.HasPrefix(ex.Name, "nmf-") {
						return usagef("-method applies to the SLICER experiments; %s runs no SLICER", ex.Name)
					}
					switch *method {
					case "", "pqn", "spg", "paper", "ascent", "adam":
					default:
						return usagef("-method %q: want pqn, spg, paper or adam", *method)
					}
					opt := experiments.Options{Seed: *seed, Workers: *workers, DataDir: dataDir, Method: *method, Config: js,
						Recorder: experiments.RecorderFunc(func(p experiments.Progress) error {
							printProgress(e, p)
							return nil
						})}
					if err := checkOutDir("-out", dir, ex.Name+".csv"); err != nil {
						return err
					}
					fmt.Fprintf(e.stderr, "[%s] scale %s, seed %d, output %s\n", ex.Name, s, *seed, dir)
					start := time.Now()
					o, err := ex.Run(ctx, s, opt)
					if err != nil {
						return err
					}
					if len(o.Points) == 0 {
						for _, n := range o.Notes {
							fmt.Fprintf(e.stderr, "[%s] note: %s\n", ex.Name, n)
						}
						return fmt.Errorf("no point was computed (see the notes above): nothing written")
					}
					if err := o.Write(dir); err != nil {
						return err
					}
					if err := printSummary(e, o); err != nil {
						return err
					}
					for _, n := range o.Notes {
						fmt.Fprintf(e.stderr, "[%s] note: %s\n", ex.Name, n)
					}
					fmt.Fprintf(e.stderr, "[%s] done in %s; wrote %s\n", ex.Name, time.Since(start).Round(time.Second), dir)
					return nil
				}
			},
		})
	}
	return cs
}

// printProgress writes one line per completed point or note to stderr.
func printProgress(e *env, p experiments.Progress) {
	el := p.Elapsed.Round(time.Second)
	if p.Point == nil {
		fmt.Fprintf(e.stderr, "[%s %s] %s\n", p.Experiment, el, p.Note)
		return
	}
	q := p.Point
	se := ""
	if !math.IsNaN(q.Stderr) {
		se = fmt.Sprintf(" ± %.3g", q.Stderr)
	}
	fail := ""
	if q.Failures > 0 {
		fail = fmt.Sprintf(", %d failed", q.Failures)
	}
	fmt.Fprintf(e.stderr, "[%s %d/%d %s] %s x=%g: %s = %.4g%s (%d runs%s, %.1fs)\n",
		p.Experiment, p.Done, p.Total, el, q.Series, q.X, q.Metric, q.Mean, se, q.Runs, fail, q.Seconds)
}

// printSummary writes the summary table, aligned, to stdout.
func printSummary(e *env, o *experiments.Output) error {
	t := o.Summary()
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(t.Header, "\t"))
	for _, r := range t.Rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	if len(t.Rows) == 0 {
		fmt.Fprintln(w, "(no points)")
	}
	return w.Flush()
}
