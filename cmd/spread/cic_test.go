package main

import (
	"math"
	"os"
	"runtime"
	"strings"
	"testing"
)

// cicGraph writes the path a→b→c→d plus a→c as an edge list and returns its
// path.
func cicGraph(t *testing.T, h *cliHarness) string {
	t.Helper()
	p := h.path("g.txt")
	if err := os.WriteFile(p, []byte("a b\nb c\nc d\na c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCICSimulate runs cic simulate with each family and checks the CSV
// contract (header, K·R cascades named set/replica, sources at time 0,
// times in [0, T]); that the output does not depend on GOMAXPROCS (1 vs
// 4); that -params is read; and the NetRate format.
func TestCICSimulate(t *testing.T) {
	h := newCLIHarness(t)
	g := cicGraph(t, h)
	var ref []byte
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 4} {
		runtime.GOMAXPROCS(procs)
		out := h.path("c.csv")
		h.must("cic", "simulate", "-graph", g, "-model", "rayleigh", "-source-sets", "5", "-per-set", "3", "-set-size", "1-2", "-T", "4", "-seed", "7", "-o", out)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = b
		} else if string(b) != string(ref) {
			t.Fatal("output depends on GOMAXPROCS")
		}
	}
	lines := strings.Split(strings.TrimSpace(string(ref)), "\n")
	if lines[0] != "cascade,node,time" {
		t.Fatalf("header %q", lines[0])
	}
	ids := map[string]bool{}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		ids[f[0]] = true
		if f[2] == "" || f[2][0] == '-' {
			t.Fatalf("line %q", l)
		}
	}
	if len(ids) != 15 || !ids["0/0"] || !ids["4/2"] {
		t.Errorf("cascade ids %v, want 0/0..4/2", ids)
	}
	params := h.path("p.txt")
	if err := os.WriteFile(params, []byte("a b 2 1\nb c 1 3\nc d 5 2\na c 1 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.must("cic", "simulate", "-graph", g, "-model", "weibull", "-params", params, "-source-sets", "2", "-per-set", "2", "-T", "4", "-set-size", "1", "-format", "netrate", "-o", h.path("c.txt"))
	b, _ := os.ReadFile(h.path("c.txt"))
	if !strings.HasPrefix(string(b), "a,a\n") || !strings.Contains(string(b), "\n\n") {
		t.Errorf("netrate output %q", b)
	}
	if code, _, e := h.run("cic", "simulate", "-graph", g, "-model", "exp", "-params", params, "-source-sets", "2", "-per-set", "2", "-T", "4", "-o", h.path("x.csv")); code != 1 || !strings.Contains(e, "p.txt line 1") {
		t.Errorf("weibull params for exp: exit %d, stderr %q", code, e)
	}
}

// TestCICTruth checks cic truth: the node,t,p contract on t = 0..T, sources
// at 1, the exact probability for a→b with exponential rate from -params
// (1 − e^{−αt}) within 5σ, and GOMAXPROCS independence.
func TestCICTruth(t *testing.T) {
	h := newCLIHarness(t)
	g := cicGraph(t, h)
	params := h.path("p.txt")
	if err := os.WriteFile(params, []byte("a b 0.5\nb c 1\nc d 1\na c 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var ref string
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 4} {
		runtime.GOMAXPROCS(procs)
		h.must("cic", "truth", "-graph", g, "-params", params, "-sources", "a", "-T", "3", "-samples", "4000", "-seed", "2", "-o", h.path("p.csv"))
		b, _ := os.ReadFile(h.path("p.csv"))
		if ref == "" {
			ref = string(b)
		} else if string(b) != ref {
			t.Fatal("output depends on GOMAXPROCS")
		}
	}
	p := readMarginals(t, h.path("p.csv"), 4, 4)
	for tt := range 4 {
		if p["a"][tt] != 1 {
			t.Errorf("source a at t = %d: %v", tt, p["a"][tt])
		}
		want := 1 - math.Exp(-0.5*float64(tt))
		if d := p["b"][tt] - want; d > 5*0.0080 || d < -5*0.0080 {
			t.Errorf("b at t = %d: %v, want %v", tt, p["b"][tt], want)
		}
	}
}

// TestCICUsageErrors checks that bad flags exit 2 and name the flag.
func TestCICUsageErrors(t *testing.T) {
	h := newCLIHarness(t)
	g := cicGraph(t, h)
	o := h.path("o.csv")
	sim := []string{"cic", "simulate", "-graph", g, "-source-sets", "2", "-per-set", "2", "-T", "3", "-o", o}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{append(sim[:len(sim):len(sim)], "-model", "gamma"), "-model"},
		{append(sim[:len(sim):len(sim)], "-T", "0"), "-T"},
		{append(sim[:len(sim):len(sim)], "-T", "-1"), "-T"},
		{append(sim[:len(sim):len(sim)], "-source-sets", "0"), "-source-sets"},
		{append(sim[:len(sim):len(sim)], "-per-set", "-1"), "-per-set"},
		{append(sim[:len(sim):len(sim)], "-set-size", "3-1"), "-set-size"},
		{append(sim[:len(sim):len(sim)], "-set-size", "1-9"), "-set-size"},
		{append(sim[:len(sim):len(sim)], "-format", "xml"), "-format"},
		{[]string{"cic", "truth", "-graph", g, "-sources", "a", "-T", "3", "-samples", "0", "-o", o}, "-samples"},
		{[]string{"cic", "truth", "-graph", g, "-sources", "zz", "-T", "3", "-o", o}, "-sources"},
		{[]string{"cic", "truth", "-graph", g, "-T", "3", "-o", o}, "-sources"},
	} {
		code, _, e := h.run(tc.args...)
		if code != 2 || !strings.Contains(e, tc.want) {
			t.Errorf("spread %s: exit %d, stderr %q; want 2 naming %s", strings.Join(tc.args, " "), code, e, tc.want)
		}
	}
}
