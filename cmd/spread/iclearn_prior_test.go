package main

import (
	"strings"
	"testing"
)

// TestICLearnPriorFlags: invalid -prior flag values are usage errors (exit
// 2) that name the flag, before any work.
func TestICLearnPriorFlags(t *testing.T) {
	f := newICFixture(t)
	tests := []struct {
		flags []string
		want  string
	}{
		{[]string{"-prior", "gauss"}, "-prior must be one of"},
		{[]string{"-prior", "beta", "-prior-mean", "0"}, "-prior-mean"},
		{[]string{"-prior", "beta", "-prior-mean", "1.5"}, "-prior-mean"},
		{[]string{"-prior", "hier", "-prior-mean", "0.2"}, "-prior-mean"},
		{[]string{"-prior", "hier", "-prior-strength", "-1"}, "-prior-strength"},
		{[]string{"-prior", "hier", "-prior-strength", "10,abc"}, "-prior-strength"},
		{[]string{"-prior", "hier", "-prior-strength", "NaN"}, "-prior-strength"},
		{[]string{"-prior", "hier", "-prior-strength", ""}, "-prior-strength"},
		{[]string{"-prior", "hier", "-validate", "0"}, "-validate"},
		{[]string{"-prior", "hier", "-validate", "1"}, "-validate"},
		{[]string{"-prior", "hier", "-prior-strength", "10", "-validate", "0.2"}, "-validate"},
		{[]string{"-validate", "0.2"}, "-validate needs -prior"},
		{[]string{"-prior-strength", "10"}, "-prior-strength needs -prior"},
		{[]string{"-prior", "hier", "-checkpoint", "x.ckpt", "-resume"}, "-resume"},
	}
	for _, tt := range tests {
		out := f.path("a.txt")
		args := append([]string{"ic", "learn", "-graph", f.graph, "-cascades", f.cascades, "-T", f.tArg(), "-o", out}, tt.flags...)
		code, _, stderr := f.run(args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %q", tt.flags, code, stderr, tt.want)
		}
		assertAbsent(t, out)
	}
}

// TestICLearnPrior: -prior hier with validation reports every candidate's
// held-out score and the choice, and runs the same way twice; a strong fixed
// beta prior pulls every α to its mode.
func TestICLearnPrior(t *testing.T) {
	f := newICFixture(t)
	a1, a2 := f.path("a1.txt"), f.path("a2.txt")
	args := func(out string) []string {
		return []string{"ic", "learn", "-graph", f.graph, "-cascades", f.cascades, "-T", f.tArg(), "-grad", "adjoint",
			"-prior", "hier", "-prior-strength", "0,1,100", "-validate", "0.3", "-seed", "3", "-o", out}
	}
	_, stderr := f.must(args(a1)...)
	for _, w := range []string{"210 cascades, scoring on 90 held out", "prior none ", "prior hier(κ=1)", "prior hier(κ=100)", "<- chosen", "learned prior mode m="} {
		if !strings.Contains(stderr, w) && !(w == "learned prior mode m=" && strings.Contains(stderr, "prior=none")) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	// With 300 cascades on 19 edges and α* ~ U[0,1] the data win: κ = 1000
	// must not be chosen.
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, "<- chosen") && strings.Contains(line, "κ=100)") {
			t.Errorf("chose κ = 100 on plentiful data: %s", line)
		}
	}
	f.must(args(a2)...)
	if string(f.read(a1)) != string(f.read(a2)) {
		t.Error("two runs with the same -seed differ")
	}

	strong := f.path("s.txt")
	f.must("ic", "learn", "-graph", f.graph, "-cascades", f.cascades, "-T", f.tArg(), "-grad", "adjoint",
		"-prior", "beta", "-prior-mean", "0.3", "-prior-strength", "1e7", "-o", strong)
	for _, e := range readEdgeValues(t, strong) {
		if e.x < 0.299 || e.x > 0.301 {
			t.Errorf("α(%s,%s) = %v with a κ = 1e7 prior of mode 0.3", e.u, e.v, e.x)
		}
	}
}
