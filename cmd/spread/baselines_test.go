package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// baselineData writes the path 0→1→2→3 with 0→2 (ids 0..3), exponential
// rates, and 400 single-source cascades from it (CSV).
func baselineData(t *testing.T, h *cliHarness) (graph, params, cascades, truth string) {
	t.Helper()
	graph = h.write("g.txt", "0 1\n1 2\n2 3\n0 2\n")
	params = h.write("p.txt", "0 1 1\n1 2 0.8\n2 3 0.6\n0 2 0.5\n")
	truth = h.write("truth.txt", "0,0\n1,1\n2,2\n3,3\n\n0,1,1\n1,2,0.8\n2,3,0.6\n0,2,0.5\n")
	cascades = h.path("c.csv")
	h.must("cic", "simulate", "-graph", graph, "-params", params, "-source-sets", "400", "-per-set", "1", "-set-size", "1", "-T", "3", "-seed", "3", "-o", cascades)
	return
}

// TestNetRateCLI infers the 4-node network from cascades in both formats,
// checks the "u v alpha" output and the metrics line against -truth.
func TestNetRateCLI(t *testing.T) {
	h := newCLIHarness(t)
	graph, params, cascades, truth := baselineData(t, h)
	out := h.path("e.txt")
	_, e := h.must("netrate", "-cascades", cascades, "-n", "4", "-T", "3", "-threshold", "0.1", "-truth", truth, "-o", out)
	if !strings.Contains(e, "Prc 1.000") || !strings.Contains(e, "recall 1.000") {
		t.Errorf("metrics: %s", e)
	}
	got := map[string]float64{}
	for _, l := range strings.Split(strings.TrimSpace(string(h.read(out))), "\n")[1:] {
		f := strings.Fields(l)
		a, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		got[f[0]+">"+f[1]] = a
	}
	want := map[string]float64{"0>1": 1, "1>2": 0.8, "2>3": 0.6, "0>2": 0.5}
	for k, a := range want {
		if g, ok := got[k]; !ok || g < a*0.6 || g > a*1.6 {
			t.Errorf("α %s = %v, want about %v", k, g, a)
		}
	}
	// The NetRate format gives the same output.
	nr := h.path("c.txt")
	h.must("cic", "simulate", "-graph", graph, "-params", params, "-source-sets", "400", "-per-set", "1", "-set-size", "1", "-T", "3", "-seed", "3", "-format", "netrate", "-o", nr)
	out2 := h.path("e2.txt")
	h.must("netrate", "-cascades", nr, "-n", "4", "-T", "3", "-threshold", "0.1", "-o", out2)
	if string(h.read(out)) != string(h.read(out2)) {
		t.Error("csv and netrate inputs disagree")
	}
}

// TestBaselineFlags: bad flags exit 2 naming the flag, a bad file names
// its line, and no output is left behind.
func TestBaselineFlags(t *testing.T) {
	h := newCLIHarness(t)
	graph, _, cascades, _ := baselineData(t, h)
	out := h.path("x.txt")
	bad := h.write("bad.csv", "cascade,node,time\n0,0,0\n0,1,zz\n")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"netrate", "-cascades", cascades, "-n", "4", "-T", "3", "-model", "weibull", "-o", out}, 2, "-model"},
		{[]string{"netrate", "-cascades", cascades, "-n", "0", "-T", "3", "-o", out}, 2, "-n"},
		{[]string{"netrate", "-cascades", cascades, "-n", "4", "-T", "-1", "-o", out}, 2, "-T"},
		{[]string{"netrate", "-cascades", cascades, "-n", "4", "-T", "3", "-threshold", "-1", "-o", out}, 2, "-threshold"},
		{[]string{"netrate", "-cascades", cascades, "-n", "4", "-T", "3"}, 2, "-o"},
		{[]string{"netrate", "-cascades", cascades, "-n", "4", "-T", "3", "-o", cascades}, 2, "input"},
		{[]string{"netrate", "-cascades", bad, "-n", "4", "-T", "3", "-o", out}, 1, "bad.csv line 3"},
		{[]string{"netrate", "-cascades", cascades, "-n", "2", "-T", "3", "-o", out}, 1, "line"},
		{[]string{"continest", "-graph", graph, "-sources", "0", "-T", "3", "-labels", "1", "-o", out}, 2, "-labels"},
		{[]string{"continest", "-graph", graph, "-sources", "9", "-T", "3", "-o", out}, 2, "-sources"},
		{[]string{"continest", "-graph", graph, "-k", "0", "-T", "3", "-o", out}, 2, "-k"},
		{[]string{"continest", "-graph", graph, "-k", "5", "-T", "3", "-o", out}, 2, "-k 5 exceeds"},
		{[]string{"continest", "-graph", graph, "-k", "1", "-sources", "0", "-T", "3", "-o", out}, 2, "not both"},
		{[]string{"continest", "-graph", graph, "-T", "3", "-o", out}, 2, "-sources"},
		{[]string{"influlearner", "-cascades", cascades, "-n", "4", "-T", "3", "-sources", "0", "-features", "0", "-o", out}, 2, "-features"},
		{[]string{"influlearner", "-cascades", bad, "-n", "4", "-T", "3", "-sources", "0", "-o", out}, 1, "bad.csv line 3"},
	} {
		code, _, e := h.run(tc.args...)
		if code != tc.code || !strings.Contains(e, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, e, tc.code, tc.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v left %s behind", tc.args, out)
		}
	}
	// Multi-source cascades cannot be attributed from a file.
	multi := h.path("m.csv")
	h.must("cic", "simulate", "-graph", graph, "-source-sets", "5", "-per-set", "1", "-set-size", "2", "-T", "3", "-o", multi)
	if code, _, e := h.run("influlearner", "-cascades", multi, "-n", "4", "-T", "3", "-sources", "0", "-o", out); code != 1 || !strings.Contains(e, "several sources") {
		t.Errorf("multi-source: exit %d, %q", code, e)
	}
}

// TestInfluenceCLI: continest writes t,influence,stderr on t = 0..T with
// the sources' count at t = 0 and a non-decreasing influence bounded by
// n; influlearner writes node,t,p with the source at 1 and p(0→1 by t=3)
// near 1 − e^{−3} (rate 1) within 0.1.
func TestInfluenceCLI(t *testing.T) {
	h := newCLIHarness(t)
	graph, params, cascades, _ := baselineData(t, h)
	out := h.path("inf.csv")
	h.must("continest", "-graph", graph, "-params", params, "-sources", "0,3", "-T", "3", "-samples", "300", "-o", out)
	lines := strings.Split(strings.TrimSpace(string(h.read(out))), "\n")
	if lines[0] != "t,influence,stderr" || len(lines) != 5 {
		t.Fatalf("continest output %q", lines)
	}
	prev := 0.0
	for i, l := range lines[1:] {
		v, _ := strconv.ParseFloat(strings.Split(l, ",")[1], 64)
		if (i == 0 && v < 1.5) || v < prev-0.2 || v > 4 {
			t.Errorf("line %q", l)
		}
		prev = v
	}
	probs := h.path("p.csv")
	h.must("influlearner", "-cascades", cascades, "-n", "4", "-T", "3", "-sources", "0", "-o", probs)
	b := string(h.read(probs))
	if !strings.HasPrefix(b, "node,t,p\n0,0,1\n") {
		t.Errorf("influlearner output %q", b[:40])
	}
	for _, l := range strings.Split(b, "\n") {
		if strings.HasPrefix(l, "1,3,") {
			p, _ := strconv.ParseFloat(strings.TrimPrefix(l, "1,3,"), 64)
			if p < 0.85 || p > 1 {
				t.Errorf("p(1 by 3 | 0) = %v, want about 0.95", p)
			}
		}
	}
}

// TestInfluMaxCLI: continest -k runs InfluMax. On two components, the path
// 0→1→2→3 (with 0→2) and the edge 4→5, all rates 5 so that by T = 3 a
// source reaches its whole component with near certainty, the best single
// seed is 0 (4 nodes) and the best second is 4 (2 more); the estimate of
// the pair is near 6.
func TestInfluMaxCLI(t *testing.T) {
	h := newCLIHarness(t)
	graph := h.write("g2.txt", "0 1\n1 2\n2 3\n0 2\n4 5\n")
	params := h.write("p2.txt", "0 1 5\n1 2 5\n2 3 5\n0 2 5\n4 5 5\n")
	out := h.path("seeds.txt")
	_, e := h.must("continest", "-graph", graph, "-params", params, "-k", "2", "-T", "3", "-samples", "500", "-o", out)
	if got := strings.Fields(string(h.read(out))); len(got) != 2 || got[0] != "0" || got[1] != "4" {
		t.Errorf("InfluMax seeds %q, want [0 4]", got)
	}
	i := strings.Index(e, "influence ")
	if i < 0 {
		t.Fatalf("stderr %q", e)
	}
	v, err := strconv.ParseFloat(strings.Fields(e[i+len("influence "):])[0], 64)
	if err != nil || v < 5.5 || v > 6.5 {
		t.Errorf("influence of the pair %v (%v), want about 6", v, err)
	}
}
