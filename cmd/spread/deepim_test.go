package main

import (
	"os"
	"strings"
	"testing"
)

// TestMIMDeepIM: spread mim -method deepim writes k distinct ids that
// spread mim eval scores, reports training and inference times, and gives
// the same file for the same -seed; -deepim-rule paper runs too.
func TestMIMDeepIM(t *testing.T) {
	h, mux := mimFixture(t)
	var files [2]string
	for i := range files {
		out := h.path("deepim" + itoa(i) + ".txt")
		_, stderr := h.must("mim", "-multiplex", mux, "-models", "ic,lt", "-k", "2", "-method", "deepim", "-epochs", "20", "-mc", "50", "-seed", "3", "-o", out)
		if !strings.Contains(stderr, "deepim: training") || !strings.Contains(stderr, "deepim: inference") || !strings.Contains(stderr, "spread=") {
			t.Errorf("stderr %q lacks the training/inference report", stderr)
		}
		files[i] = string(h.read(out))
		ids := strings.Fields(files[i])
		if len(ids) != 2 || ids[0] == ids[1] {
			t.Errorf("seeds %v, want 2 distinct ids", ids)
		}
		if o, _ := h.must("mim", "eval", "-multiplex", mux, "-models", "ic,lt", "-seeds", out, "-mc", "100"); !strings.HasPrefix(o, "spread=") {
			t.Errorf("eval: %q", o)
		}
	}
	if files[0] != files[1] {
		t.Errorf("same -seed, different seeds: %q vs %q", files[0], files[1])
	}
	out := h.path("paper.txt")
	h.must("mim", "-multiplex", mux, "-models", "ic,lt", "-k", "2", "-method", "deepim", "-deepim-rule", "paper", "-epochs", "20", "-mc", "50", "-seed", "3", "-o", out)
	if ids := strings.Fields(string(h.read(out))); len(ids) != 2 || ids[0] == ids[1] {
		t.Errorf("-deepim-rule paper: seeds %v, want 2 distinct ids", ids)
	}
}

// TestMIMDeepIMBadInput: a bad -epochs, -deepim-rule or -k, or -epochs or
// -deepim-rule with another method, is a usage error naming the flag, with no output file.
func TestMIMDeepIMBadInput(t *testing.T) {
	h, mux := mimFixture(t)
	out := h.path("never.txt")
	for _, tc := range []struct {
		want string
		args []string
	}{
		{"-epochs", []string{"-epochs", "0"}},
		{"-epochs", []string{"-epochs", "-4"}},
		{"-k must be positive", []string{"-k", "0"}},
		{"-k 13 exceeds the 12 nodes", []string{"-k", "13"}},
		{"-epochs needs -method deepim", []string{"-method", "isf", "-epochs", "5"}},
		{"-deepim-rule", []string{"-deepim-rule", "greedy"}},
		{"-deepim-rule needs -method deepim", []string{"-method", "ksn", "-deepim-rule", "paper"}},
	} {
		args := append([]string{"mim", "-multiplex", mux, "-models", "ic,lt", "-method", "deepim", "-o", out, "-k", "2"}, tc.args...)
		code, stdout, stderr := h.run(args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want %q)", tc.args, code, stdout, firstLine(stderr), tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written", out)
	}
}
