package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExperimentFig1a runs the smallest experiment end to end through the
// CLI and checks its files and summary.
func TestExperimentFig1a(t *testing.T) {
	h := newCLIHarness(t)
	out := h.path("fig1a")
	stdout, _ := h.must("experiment", "fig1a", "-scale", "quick", "-out", out)
	for _, f := range []string{"fig1a.csv", "fig1a.png"} {
		if st, err := os.Stat(out + "/" + f); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	if !strings.Contains(stdout, "SLICER") {
		t.Errorf("summary does not mention SLICER:\n%s", stdout)
	}
	if code, _, _ := h.run("experiment", "nosuch"); code != 2 {
		t.Errorf("unknown experiment: exit %d, want 2", code)
	}
	if code, _, _ := h.run("experiment", "fig1a", "-scale", "huge"); code == 0 {
		t.Error("-scale huge accepted")
	}
}

// TestExperimentNMF runs the three NMF experiments end to end through the
// CLI on a tiny configuration (-config) and checks their files, the CSV's
// shape and the rejection of bad -scale and -config values.
func TestExperimentNMF(t *testing.T) {
	h := newCLIHarness(t)
	cfg := h.path("tiny.json")
	tiny := `{"cases": [{"network": "hier", "delay": "exp", "n": 16}],
	  "data": {"degree": 4, "source_sets": 30, "per_set": 5, "set_size_min": 1, "set_size_max": 3, "t": 3, "test_sets": 4, "truth_samples": 200},
	  "train": {"solver": "euler", "steps": 6, "loss": "survival", "epochs": 1, "batch": 30, "lr": 0.01, "patience": 1, "reg_a": 0.01, "val_sets": 2}`
	extra := map[string]string{
		"nmf-fig2":   `, "continest_samples": 100, "influlearner_features": 20}`,
		"nmf-table1": `}`,
		"nmf-fig6":   `, "horizon": 1, "k": 2, "eval_runs": 500, "celf_runs": 100, "continest_samples": 100}`,
	}
	for _, name := range []string{"nmf-fig2", "nmf-table1", "nmf-fig6"} {
		t.Run(name, func(t *testing.T) {
			h := h.sub(t)
			if err := os.WriteFile(cfg, []byte(tiny+extra[name]), 0o644); err != nil {
				t.Fatal(err)
			}
			out := h.path(name)
			stdout, _ := h.must("experiment", name, "-config", cfg, "-out", out, "-seed", "2")
			for _, f := range []string{name + ".csv", name + ".png", name + "_config.json"} {
				if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
					t.Errorf("%s missing or empty: %v", f, err)
				}
			}
			b, err := os.ReadFile(filepath.Join(out, name+".csv"))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatalf("%s.csv: %v", name, err)
			}
			if len(rows) < 2 || rows[0][0] != "series" {
				t.Fatalf("%s.csv: %d rows, header %v", name, len(rows), rows[0])
			}
			col := slices.Index(rows[0], "graph")
			for i, r := range rows[1:] {
				if r[col] != "hier-exp-n16" {
					t.Errorf("row %d: graph %q, want hier-exp-n16", i+1, r[col])
				}
			}
			if !strings.Contains(stdout, "hier-exp-n16") {
				t.Errorf("summary does not name the case:\n%s", stdout)
			}
			if code, _, _ := h.run("experiment", name, "-scale", "huge", "-out", h.path("x")); code != 2 {
				t.Errorf("-scale huge: exit %d, want 2", code)
			}
		})
	}
	if err := os.WriteFile(cfg, []byte(`{"casez": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := h.run("experiment", "nmf-table1", "-config", cfg, "-out", h.path("bad"))
	if code != 2 || !strings.Contains(stderr, "-config") || !strings.Contains(stderr, "casez") {
		t.Errorf("unknown config field: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(h.path("bad")); err == nil {
		t.Error("a rejected configuration created the output directory")
	}
	if code, _, stderr := h.run("experiment", "nmf-fig6", "-config", h.path("nosuch.json")); code != 2 || !strings.Contains(stderr, "nosuch.json") {
		t.Errorf("missing config file: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := h.run("experiment", "nmf-fig2", "-method", "adam", "-out", h.path("m")); code != 2 || !strings.Contains(stderr, "-method") {
		t.Errorf("-method on an NMF experiment: exit %d, stderr %q", code, stderr)
	}
}

// TestExperimentMIMTable1Flags checks that mim-table1 is registered and
// rejects a bad scale and a bad -data before computing anything (the
// protocol itself is tested on a tiny instance in internal/experiments).
func TestExperimentMIMTable1Flags(t *testing.T) {
	h := newCLIHarness(t)
	if code, _, _ := h.run("experiment", "mim-table1", "-scale", "huge"); code == 0 {
		t.Error("-scale huge accepted")
	}
	if code, _, stderr := h.run("experiment", "mim-table1", "-data", h.path("nosuch")); code != 2 || !strings.Contains(stderr, "-data") {
		t.Errorf("-data nosuch: exit %d, stderr %q", code, stderr)
	}
	if _, stdout, _ := h.run("experiment", "help", "mim-table1"); !strings.Contains(stdout, "evaluator") {
		t.Errorf("help does not describe the shared evaluator:\n%s", stdout)
	}
}
