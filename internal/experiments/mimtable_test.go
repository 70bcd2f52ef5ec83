package experiments

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spread-dev/spread/internal/shared"
	"github.com/spread-dev/spread/models/multiplex"
)

// tinyMIM is a seconds-long mim-table1: one 300-node 3-layer multiplex,
// budget 5, a tiny PPO.
func tinyMIM(methods ...string) MIMTable1Config {
	c := DefaultMIMTable1(Quick)
	c.Synthetic, c.Real = []MIMSynthetic{{3, 0.5}}, []string{"xenopus"}
	c.Nodes, c.Degree, c.K, c.Runs, c.EvalRuns = 300, 6, 5, 20, 200
	c.Methods = methods
	c.Reasoner.Candidates, c.Reasoner.Status = 12, 4
	c.Reasoner.PPO.Updates, c.Reasoner.PPO.NumSteps, c.Reasoner.PPO.Minibatch = 2, 16, 8
	return c
}

// withCopies returns the registry plus "isf-copy" (ISF's seeds again,
// found independently) and "fixed" ({0, 1, 2}); fixed stores the model and
// seed it was given in *got.
func withCopies(got *[]*MIMInstance) []MIMMethod {
	reg := MIMMethods()
	isf := reg[slices.IndexFunc(reg, func(m MIMMethod) bool { return m.Name == "isf" })]
	return append(reg, MIMMethod{"isf-copy", isf.Run}, MIMMethod{"fixed", func(ctx context.Context, in *MIMInstance) (*MIMRun, error) {
		*got = append(*got, in)
		return &MIMRun{Seeds: []int{0, 1, 2}}, nil
	}})
}

func spreadOf(t *testing.T, pts []Point, series, method string) Point {
	t.Helper()
	for _, p := range pts {
		if p.Series == series && p.Method == method && p.Metric == "spread" {
			return p
		}
	}
	t.Fatalf("no spread point for %s / %s", series, method)
	return Point{}
}

// TestMIMTable1 runs the whole protocol on a tiny instance: the files,
// the metrics of every row, one shared evaluator (ISF's seeds found twice
// score identically; a fixed seed set scores what the documented evaluator
// gives), the skipped real dataset, and ISF ≥ KSN (ISF is greedy on the
// evaluated objective).
func TestMIMTable1(t *testing.T) {
	var got []*MIMInstance
	cfg := tinyMIM("isf", "ksn", "mim-reasoner", "isf-copy", "fixed")
	out, err := mimTable1(context.Background(), cfg, Options{Seed: 3, Workers: 2}, withCopies(&got))
	if err != nil {
		t.Fatal(err)
	}
	const series = "ER 3 layers 50%"
	if len(out.Points) != 5*4 {
		t.Fatalf("%d points, want 5 methods × 4 metrics", len(out.Points))
	}
	if len(out.Notes) != 1 || !strings.Contains(out.Notes[0], "skipping xenopus") {
		t.Errorf("notes %q, want the skipped xenopus", out.Notes)
	}
	isf, cp := spreadOf(t, out.Points, series, "isf"), spreadOf(t, out.Points, series, "isf-copy")
	if isf.Mean != cp.Mean || isf.Stderr != cp.Stderr || !(isf.Stderr > 0) {
		t.Errorf("ISF %v ± %v, its copy %v ± %v: not one evaluator", isf.Mean, isf.Stderr, cp.Mean, cp.Stderr)
	}
	if len(got) != 1 {
		t.Fatalf("fixed ran %d times", len(got))
	}
	in := got[0]
	want, wse := multiplex.MustMC(in.Model, cfg.EvalRuns, subSeed(3, tagMIMEval, 0), 1).Spread([]int{0, 1, 2})
	if fx := spreadOf(t, out.Points, series, "fixed"); fx.Mean != want || fx.Stderr != wse {
		t.Errorf("fixed seeds: %v ± %v, the evaluator gives %v ± %v", fx.Mean, fx.Stderr, want, wse)
	}
	if in.Seed == subSeed(3, tagMIMEval, 0) || in.K != 5 || in.Runs != 20 {
		t.Errorf("method instance: seed %d K %d runs %d; want its own seed, K 5, runs 20", in.Seed, in.K, in.Runs)
	}
	ksn, mr := spreadOf(t, out.Points, series, "ksn"), spreadOf(t, out.Points, series, "mim-reasoner")
	if isf.Mean < ksn.Mean-2*(isf.Stderr+ksn.Stderr) {
		t.Errorf("ISF %v below KSN %v", isf.Mean, ksn.Mean)
	}
	if !(mr.Mean > 0) {
		t.Errorf("MIM-Reasoner spread %v", mr.Mean)
	}
	for _, p := range out.Points {
		switch p.Metric {
		case "it_seconds":
			learned := p.Method == "mim-reasoner"
			if learned != !math.IsNaN(p.Mean) || (learned && !(p.Mean >= 0)) {
				t.Errorf("%s it_seconds = %v", p.Method, p.Mean)
			}
		case "rt_seconds":
			if !(p.Mean >= 0) {
				t.Errorf("%s rt_seconds = %v", p.Method, p.Mean)
			}
		case "seeds":
			if !(p.Mean >= 1 && p.Mean <= 5) {
				t.Errorf("%s: %v seeds for budget 5", p.Method, p.Mean)
			}
		}
	}
	dir := t.TempDir()
	if err := out.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"mim-table1.csv", "mim-table1.png", "mim-table1_config.json", "mim-table1_notes.txt"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	fh, err := os.Open(filepath.Join(dir, "mim-table1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil || len(rows) != 1+len(out.Points) {
		t.Fatalf("CSV: %d rows, %v", len(rows), err)
	}
}

// The same seed gives the same spreads and seed counts for any number of
// workers (timings aside).
func TestMIMTable1Deterministic(t *testing.T) {
	cfg := tinyMIM("isf", "ksn")
	cfg.Real = nil
	var a, b []Point
	for i, w := range []int{1, 3} {
		out, err := MIMTable1(context.Background(), cfg, Options{Seed: 5, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			a = out.Points
		} else {
			b = out.Points
		}
	}
	for i := range a {
		if a[i].Metric == "rt_seconds" || a[i].Metric == "it_seconds" {
			continue
		}
		if a[i].Mean != b[i].Mean || !(a[i].Stderr == b[i].Stderr || math.IsNaN(a[i].Stderr) && math.IsNaN(b[i].Stderr)) {
			t.Errorf("%s %s %s: %v ± %v with 1 worker, %v ± %v with 3", a[i].Series, a[i].Method, a[i].Metric, a[i].Mean, a[i].Stderr, b[i].Mean, b[i].Stderr)
		}
	}
}

func TestMIMTable1BadConfig(t *testing.T) {
	for name, c := range map[string]MIMTable1Config{
		"unknown method": tinyMIM("nosuch"),
		"no methods":     tinyMIM(),
		"K = 0":          func() MIMTable1Config { c := tinyMIM("isf"); c.K = 0; return c }(),
		"unknown real":   func() MIMTable1Config { c := tinyMIM("isf"); c.Real = []string{"celegans"}; return c }(),
		"bad reward": func() MIMTable1Config {
			c := tinyMIM("mim-reasoner")
			c.Reasoner.Reward = "nosuch"
			return c
		}(),
	} {
		if _, err := MIMTable1(context.Background(), c, Options{Seed: 1}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestMIMTable1Rows runs chosen rows of the paper-scale table (minutes
// each): SPREAD_MIM_ROWS="9:0.3,3:0.5" (layers:overlap), optionally
// SPREAD_MIM_REAL="arabidopsis,xenopus" with SPREAD_SHARED set, and
// SPREAD_MIM_OUT=DIR to write the CSV and PNG.
func TestMIMTable1Rows(t *testing.T) {
	rows := os.Getenv("SPREAD_MIM_ROWS")
	if rows == "" && os.Getenv("SPREAD_MIM_REAL") == "" {
		t.Skip("set SPREAD_MIM_ROWS=layers:overlap,... and/or SPREAD_MIM_REAL to run paper-scale rows of mim-table1")
	}
	cfg := DefaultMIMTable1(Paper)
	cfg.Synthetic, cfg.Real = nil, nil
	for _, r := range strings.Split(rows, ",") {
		if r == "" {
			continue
		}
		var s MIMSynthetic
		if _, err := fmt.Sscanf(r, "%d:%g", &s.Layers, &s.Overlap); err != nil {
			t.Fatalf("SPREAD_MIM_ROWS %q: %v", r, err)
		}
		cfg.Synthetic = append(cfg.Synthetic, s)
	}
	if r := os.Getenv("SPREAD_MIM_REAL"); r != "" {
		cfg.Real = strings.Split(r, ",")
	}
	if m := os.Getenv("SPREAD_MIM_METHODS"); m != "" {
		cfg.Methods = strings.Split(m, ",")
	}
	dataDir := ""
	if root := shared.Root(); root != "" {
		dataDir = filepath.Join(root, "datasets")
	}
	out, err := MIMTable1(context.Background(), cfg, Options{Seed: 1, DataDir: dataDir, Recorder: RecorderFunc(func(p Progress) error {
		if p.Point != nil {
			t.Logf("%s %s %s = %.4g (%.0fs)", p.Point.Series, p.Point.Method, p.Point.Metric, p.Point.Mean, p.Elapsed.Seconds())
		} else {
			t.Log(p.Note)
		}
		return nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out.Points {
		t.Logf("| %s | %s | %s | %.4g | %.3g |", p.Series, p.Method, p.Metric, p.Mean, p.Stderr)
	}
	if dir := os.Getenv("SPREAD_MIM_OUT"); dir != "" {
		if err := out.Write(dir); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMIMTable1Learned runs the two learned baselines through the registry
// on the tiny instance with minimal training: each returns k distinct
// seeds, scored by the shared evaluator within [k, n], with positive
// training and inference times.
func TestMIMTable1Learned(t *testing.T) {
	cfg := tinyMIM("ksn", "deepim", "touplegdd")
	cfg.Nodes, cfg.K = 120, 3
	cfg.DeepIMSamples, cfg.DeepIMEpochs, cfg.ToupleGDDEpisodes = 16, 3, 1
	out, err := mimTable1(context.Background(), cfg, Options{Seed: 4, Workers: 2}, MIMMethods())
	if err != nil {
		t.Fatal(err)
	}
	const series = "ER 3 layers 50%"
	for _, m := range []string{"deepim", "touplegdd"} {
		p := spreadOf(t, out.Points, series, m)
		if !(p.Mean >= float64(cfg.K)) || p.Mean > float64(cfg.Nodes) {
			t.Errorf("%s: spread %v outside [k, n]", m, p.Mean)
		}
		var it float64 = math.NaN()
		for _, q := range out.Points {
			if q.Method == m && q.Metric == "it_seconds" {
				it = q.Mean
			}
		}
		if !(it >= 0) {
			t.Errorf("%s: inference time %v, want a number", m, it)
		}
	}
}
