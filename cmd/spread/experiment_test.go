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
