package main

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestSIR runs the SIR command group end to end on a generated tree:
// simulate with known λ and μ, learn them back (mean error ≤ 0.05 with
// 4,000 cascades), predict with the learned values, and check that bad
// input is refused with exit 2 (usage) or 1 (a file error) and no output.
func TestSIR(t *testing.T) {
	h := newCLIHarness(t)
	g, c, lam, mu, m := h.path("g.txt"), h.path("c.csv"), h.path("lam.txt"), h.path("mu.txt"), h.path("m.csv")
	h.must("graph", "gen", "-kind", "tree", "-n", "40", "-degree", "3", "-o", g)
	h.must("sir", "simulate", "-graph", g, "-lambda-const", "0.5", "-mu-const", "0.3", "-cascades", "4000", "-T", "8", "-seed", "2", "-o", c)
	h.must("sir", "learn", "-graph", g, "-cascades", c, "-T", "8", "-o", lam, "-mu-out", mu)
	sum, n := 0.0, 0
	for _, ev := range readEdgeValues(t, lam) {
		sum += math.Abs(ev.x - 0.5)
		n++
	}
	for _, line := range strings.Split(strings.TrimSpace(string(h.read(mu))), "\n")[1:] {
		var id string
		var x float64
		if _, err := fmt.Sscan(line, &id, &x); err != nil {
			t.Fatal(err)
		}
		sum += math.Abs(x - 0.3)
		n++
	}
	if n != 39+40 || sum/float64(n) > 0.05 {
		t.Errorf("%d learned values, mean error %.3f, want 79 values within 0.05", n, sum/float64(n))
	}
	h.must("sir", "predict", "-graph", g, "-lambda", lam, "-mu", mu, "-T", "8", "-sources", "0", "-o", m)
	rows := strings.Split(strings.TrimSpace(string(h.read(m))), "\n")
	if rows[0] != "node,t,S,I,R" || len(rows) != 1+40*8 || !strings.HasPrefix(rows[1], "0,0,0,1,0") {
		t.Errorf("marginals: %d rows starting %q, %q", len(rows), rows[0], rows[1])
	}
	for _, tc := range []struct {
		name string
		code int
		args []string
	}{
		{"lambda outside [0,1]", 2, []string{"sir", "simulate", "-graph", g, "-lambda-const", "1.5", "-mu-const", "0.3", "-cascades", "10", "-T", "4", "-o", h.path("x.csv")}},
		{"no mu", 2, []string{"sir", "simulate", "-graph", g, "-lambda-const", "0.5", "-cascades", "10", "-T", "4", "-o", h.path("x.csv")}},
		{"same outputs", 2, []string{"sir", "learn", "-graph", g, "-cascades", c, "-T", "8", "-o", h.path("x.csv"), "-mu-out", h.path("x.csv")}},
		{"zero iterations", 2, []string{"sir", "learn", "-graph", g, "-cascades", c, "-T", "8", "-iters", "0", "-o", h.path("x.csv"), "-mu-out", h.path("y.csv")}},
		{"time beyond T", 1, []string{"sir", "learn", "-graph", g, "-cascades", h.write("bad.csv", "cascade,node,infected,recovered\n0,0,0,\n0,1,9,\n"), "-T", "8", "-o", h.path("x.csv"), "-mu-out", h.path("y.csv")}},
		{"no source", 1, []string{"sir", "learn", "-graph", g, "-cascades", h.write("nosrc.csv", "0,1,2,\n"), "-T", "8", "-o", h.path("x.csv"), "-mu-out", h.path("y.csv")}},
		{"unknown source", 2, []string{"sir", "predict", "-graph", g, "-lambda", lam, "-mu", mu, "-T", "8", "-sources", "999", "-o", h.path("x.csv")}},
	} {
		code, _, stderr := h.run(tc.args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tc.name, code, tc.code, stderr)
		}
		assertAbsent(t, h.path("x.csv"))
	}
}
