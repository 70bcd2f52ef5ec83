package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestMIMToupleGDD: -method touplegdd writes k distinct ids of the
// multiplex, reports the training and inference times, and mim eval scores
// the file (the learning itself is tested in solvers/touplegdd).
func TestMIMToupleGDD(t *testing.T) {
	h, mux := mimFixture(t)
	out := h.path("tg.txt")
	_, stderr := h.must("mim", "-multiplex", mux, "-models", "ic,ic", "-k", "2", "-method", "touplegdd", "-episodes", "20", "-mc", "50", "-seed", "3", "-o", out)
	for _, want := range []string{"touplegdd: trained in", "inference", "spread="} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	ids := strings.Fields(string(h.read(out)))
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("seeds %v, want 2 distinct ids", ids)
	}
	for _, id := range ids {
		if n, err := strconv.Atoi(id); err != nil || n < 0 || n > 11 {
			t.Errorf("seed %q is not a node of the multiplex", id)
		}
	}
	a, _ := h.must("mim", "eval", "-multiplex", mux, "-models", "ic,ic", "-seeds", out, "-mc", "200", "-seed", "4")
	if !strings.HasPrefix(a, "spread=") {
		t.Errorf("eval printed %q", a)
	}
}

// TestMIMToupleGDDBadInput: usage errors exit 2 naming the flag, no output
// file, no panic.
func TestMIMToupleGDDBadInput(t *testing.T) {
	h, mux := mimFixture(t)
	out := h.path("never.txt")
	for _, tc := range []struct {
		want string
		args []string
	}{
		{"-episodes must be positive", []string{"-episodes", "0"}},
		{"-episodes must be positive", []string{"-episodes", "-4"}},
		{"-k must be positive", []string{"-k", "0"}},
		{"-k 13 exceeds the 12 nodes", []string{"-k", "13"}},
		{"-policy needs -method reasoner", []string{"-policy", mux}},
	} {
		args := append([]string{"mim", "-multiplex", mux, "-models", "ic,lt", "-k", "2", "-method", "touplegdd", "-o", out}, tc.args...)
		code, stdout, stderr := h.run(args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("%v: exit %d (want 2), stdout %q, stderr %q (want %q)", tc.args, code, stdout, firstLine(stderr), tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written", out)
	}
}
