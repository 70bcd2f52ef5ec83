package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoSmall(t *testing.T) {
	h := newCLIHarness(t)
	dir := h.path("demo") // created by the demo
	stdout, _ := h.must("demo", "-side", "4", "-cascades", "200", "-T", "5", "-out", dir)
	for _, w := range []string{"network   square lattice 4×4: 16 nodes, 24 edges", "α error", "predict", "files"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("demo stdout lacks %q:\n%s", w, stdout)
		}
	}
	pngMagic := []byte("\x89PNG\r\n\x1a\n")
	for _, name := range []string{"deltap.csv", "alpha_true.txt", "alpha_learned.txt", "learning_curve.png", "marginals.png", "alpha.png"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("demo did not write %s: %v", name, err)
			continue
		}
		if strings.HasSuffix(name, ".png") && !bytes.HasPrefix(b, pngMagic) {
			t.Errorf("%s is not a PNG", name)
		}
		if strings.HasSuffix(name, ".txt") {
			// One "u v alpha" line per lattice edge.
			if got := len(readEdgeValues(t, filepath.Join(dir, name))); got != 24 {
				t.Errorf("%s has %d edges, want 24", name, got)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "deltap.csv")); err == nil {
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if !strings.HasPrefix(lines[0], "source,deltap_true_alpha,deltap_learned_alpha") || len(lines) < 2 {
			t.Errorf("deltap.csv:\n%s", b)
		}
	}
}
