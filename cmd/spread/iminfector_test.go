package main

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestIMINFECTORCLI: seeds from the baseline cascades (4 nodes, 400
// single-source cascades) are k distinct node ids, the same for the same
// -seed and for both cascade formats; -k beyond the initiators fails.
func TestIMINFECTORCLI(t *testing.T) {
	h := newCLIHarness(t)
	graph, params, cascades, _ := baselineData(t, h)
	out := h.path("s.txt")
	args := []string{"-n", "4", "-T", "3", "-k", "2", "-dim", "8", "-epochs", "3", "-seed", "5"}
	_, e := h.must(append([]string{"iminfector", "-cascades", cascades, "-o", out}, args...)...)
	if !strings.Contains(e, "2 seeds from 4 candidates") {
		t.Errorf("stderr %q", e)
	}
	seeds := strings.Fields(string(h.read(out)))
	if len(seeds) != 2 || seeds[0] == seeds[1] {
		t.Fatalf("seeds %q, want two distinct ids", seeds)
	}
	for _, s := range seeds {
		if !slices.Contains([]string{"0", "1", "2", "3"}, s) {
			t.Errorf("seed %q is not a node", s)
		}
	}
	nr := h.path("c.txt")
	h.must("cic", "simulate", "-graph", graph, "-params", params, "-source-sets", "400", "-per-set", "1", "-set-size", "1", "-T", "3", "-seed", "3", "-format", "netrate", "-o", nr)
	out2 := h.path("s2.txt")
	h.must(append([]string{"iminfector", "-cascades", nr, "-o", out2}, args...)...)
	if string(h.read(out)) != string(h.read(out2)) {
		t.Error("csv and netrate inputs disagree")
	}
	// Node 3 has no out-edge: with -P 100 all 4 nodes are initiators, so
	// -k 5 exceeds them.
	out3 := h.path("s3.txt")
	args[5] = "5"
	if code, _, e := h.run(append([]string{"iminfector", "-cascades", cascades, "-o", out3}, args...)...); code != 1 || !strings.Contains(e, "-k 5") || !strings.Contains(e, "4 candidates") {
		t.Errorf("k = 5: exit %d, %q", code, e)
	}
	if _, err := os.Stat(out3); err == nil {
		t.Error("k = 5 left output behind")
	}
}

// TestIMINFECTORFlags: bad flags exit 2 naming the flag, bad files exit 1
// naming the file and line, and no output is left behind.
func TestIMINFECTORFlags(t *testing.T) {
	h := newCLIHarness(t)
	_, _, cascades, _ := baselineData(t, h)
	out := h.path("x.txt")
	bad := h.write("bad.csv", "cascade,node,time\n0,0,0\n0,1,zz\n")
	empty := h.write("empty.csv", "cascade,node,time\n")
	base := func(extra ...string) []string {
		return append([]string{"iminfector", "-cascades", cascades, "-n", "4", "-T", "3", "-epochs", "1", "-dim", "4", "-o", out}, extra...)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{base(), 2, "-k"},
		{base("-k", "0"), 2, "-k"},
		{base("-k", "-2"), 2, "-k"},
		{base("-k", "1", "-P", "0"), 2, "-P"},
		{base("-k", "1", "-P", "101"), 2, "-P"},
		{base("-k", "1", "-lr", "-1"), 2, "-lr"},
		{base("-k", "1", "-lr", "0"), 2, "-lr"},
		{base("-k", "1", "-dim", "0"), 2, "-dim"},
		{base("-k", "1", "-epochs", "0"), 2, "-epochs"},
		{base("-k", "1", "-sampling", "0"), 2, "-sampling"},
		{base("-k", "1", "-batch", "0"), 2, "-batch"},
		{base("-k", "1", "-optimizer", "rmsprop"), 2, "-optimizer"},
		{[]string{"iminfector", "-cascades", cascades, "-n", "4", "-T", "3", "-k", "1"}, 2, "-o"},
		{[]string{"iminfector", "-cascades", cascades, "-n", "4", "-T", "3", "-k", "1", "-o", cascades}, 2, "input"},
		{[]string{"iminfector", "-cascades", bad, "-n", "4", "-T", "3", "-k", "1", "-o", out}, 1, "bad.csv line 3"},
		{[]string{"iminfector", "-cascades", cascades, "-n", "2", "-T", "3", "-k", "1", "-o", out}, 1, "line"},
		{[]string{"iminfector", "-cascades", empty, "-n", "4", "-T", "3", "-k", "1", "-o", out}, 1, "no cascade"},
		{[]string{"iminfector", "-cascades", h.path("missing.csv"), "-n", "4", "-T", "3", "-k", "1", "-o", out}, 1, "missing.csv"},
	} {
		code, _, e := h.run(tc.args...)
		if code != tc.code || !strings.Contains(e, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tc.args[1:], code, e, tc.code, tc.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v left %s behind", tc.args, out)
		}
	}
}
