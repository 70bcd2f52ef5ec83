package experiments

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/spread-dev/spread/internal/atomicfile"
	"github.com/spread-dev/spread/internal/report"
)

// Output is what an experiment returns: its points (in a fixed order), the
// figures drawn from them, its configuration and notes.
type Output struct {
	// Name is the experiment's name; files are named after it.
	Name string
	// Config is the experiment's full configuration (written as JSON).
	Config any
	// Seed is Options.Seed of the run.
	Seed uint64
	// Points holds one entry per point, in the experiment's planning order
	// (not completion order), so it does not depend on Workers.
	Points []Point
	// Figures are the plots to save, the first one named Name + ".png".
	Figures []FigureFile
	// Notes are remarks on the run (skipped data, stopped methods).
	Notes []string
}

// FigureFile is a figure and the file name (without directory) it is saved
// under.
type FigureFile struct {
	File   string
	Figure *report.Figure
}

// Table returns the points as a table with one row per point and the
// columns series, method, graph, n, params, t (resolved slots, this
// project's convention), t_code (= t+1, the original code's T), hidden (ξ),
// m (cascades), replicas, x, metric, mean, stderr, n_runs, failures (runs
// stopped by a non-finite objective), at_limit (runs stopped at the
// iteration limit), iters (mean learning iterations per run) and seconds
// (wall time summed over runs). Only seconds varies between runs with the
// same seed (in fig1b the metric itself, mean and stderr, is a time as well).
func (o *Output) Table() *report.Table {
	t := report.NewTable(o.Name, "series", "method", "graph", "n", "params", "t", "t_code", "hidden", "m", "replicas",
		"x", "metric", "mean", "stderr", "n_runs", "failures", "at_limit", "iters", "seconds")
	for _, p := range o.Points {
		t.AddRow(p.Series, p.Method, p.Graph, p.N, p.Params, p.T, p.T+1, p.Hidden, p.M, p.Replicas,
			p.X, p.Metric, p.Mean, p.Stderr, p.Runs, p.Failures, p.AtLimit, p.Iters, p.Seconds)
	}
	return t
}

// Summary returns a short table for a terminal: series, metric, x, mean,
// stderr and runs, with numbers rounded to 4 significant digits.
func (o *Output) Summary() *report.Table {
	t := report.NewTable(o.Name+"-summary", "series", "metric", "x", "mean", "stderr", "runs")
	for _, p := range o.Points {
		se := "-"
		if !math.IsNaN(p.Stderr) {
			se = strconv.FormatFloat(p.Stderr, 'g', 3, 64)
		}
		t.AddRow(p.Series, p.Metric, strconv.FormatFloat(p.X, 'g', -1, 64),
			strconv.FormatFloat(p.Mean, 'g', 4, 64), se, p.Runs)
	}
	return t
}

// Write saves the outputs into dir (created if needed): NAME.csv (Table),
// NAME_config.json (Config and Seed), the figures as PNG (8×5.5 inches) and,
// when there are notes, NAME_notes.txt. Every file is written atomically.
func (o *Output) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("experiments: %w", err)
	}
	if err := o.Table().WriteCSV(filepath.Join(dir, o.Name+".csv")); err != nil {
		return fmt.Errorf("experiments: %w", err)
	}
	cfg, err := json.MarshalIndent(struct {
		Experiment string `json:"experiment"`
		Seed       uint64 `json:"seed"`
		Config     any    `json:"config"`
	}{o.Name, o.Seed, o.Config}, "", "  ")
	if err != nil {
		return fmt.Errorf("experiments: config of %s: %w", o.Name, err)
	}
	cfg = append(cfg, '\n')
	if err := atomicfile.WriteFile(filepath.Join(dir, o.Name+"_config.json"), func(w io.Writer) error {
		_, err := w.Write(cfg)
		return err
	}); err != nil {
		return fmt.Errorf("experiments: %w", err)
	}
	for _, f := range o.Figures {
		if err := f.Figure.SavePNG(filepath.Join(dir, f.File), 8, 5.5); err != nil {
			return fmt.Errorf("experiments: figure %s: %w", f.File, err)
		}
	}
	if len(o.Notes) > 0 {
		if err := atomicfile.WriteFile(filepath.Join(dir, o.Name+"_notes.txt"), func(w io.Writer) error {
			for _, n := range o.Notes {
				if _, err := fmt.Fprintln(w, n); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("experiments: %w", err)
		}
	}
	return nil
}

// figureSpec describes a plot drawn from points: those of the metric (any
// metric when empty) that pass keep, one series per Series label in first-appearance order, points
// sorted by X, error bars from Stderr.
type figureSpec struct {
	file, title, xlabel, ylabel string
	logX, logY                  bool
	metric                      string
	keep                        func(p *Point) bool
}

func (s figureSpec) build(points []Point) FigureFile {
	fig := &report.Figure{Title: s.title, XLabel: s.xlabel, YLabel: s.ylabel, LogX: s.logX, LogY: s.logY}
	index := map[string]int{}
	for i := range points {
		p := &points[i]
		if (s.metric != "" && p.Metric != s.metric) || (s.keep != nil && !s.keep(p)) {
			continue
		}
		k, ok := index[p.Series]
		if !ok {
			k = len(fig.Series)
			index[p.Series] = k
			fig.Series = append(fig.Series, report.Series{Name: p.Series})
		}
		sr := &fig.Series[k]
		sr.X = append(sr.X, p.X)
		sr.Y = append(sr.Y, p.Mean)
		sr.YErr = append(sr.YErr, p.Stderr)
	}
	for k := range fig.Series {
		sortSeries(&fig.Series[k])
	}
	return FigureFile{File: s.file, Figure: fig}
}

// sortSeries orders a series' points by X (stable).
func sortSeries(s *report.Series) {
	idx := make([]int, len(s.X))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case s.X[a] < s.X[b]:
			return -1
		case s.X[a] > s.X[b]:
			return 1
		}
		return 0
	})
	x, y, e := slices.Clone(s.X), slices.Clone(s.Y), slices.Clone(s.YErr)
	for i, j := range idx {
		s.X[i], s.Y[i], s.YErr[i] = x[j], y[j], e[j]
	}
}
