package main

import (
	"os"
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
