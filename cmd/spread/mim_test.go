package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// mimFixture writes a 2-layer multiplex on 12 nodes: layer 1 the star
// 0→{1..5}, layer 2 the stars 6→{1..5} and 7→{8,9,10}; node 11 has no edge.
func mimFixture(t *testing.T) (*cliHarness, string) {
	h := newCLIHarness(t)
	var b strings.Builder
	b.WriteString("#@nodes 0 1 2 3 4 5 6 7 8 9 10 11\n")
	for v := 1; v <= 5; v++ {
		b.WriteString("1 0 " + itoa(v) + "\n")
	}
	for v := 1; v <= 5; v++ {
		b.WriteString("2 6 " + itoa(v) + "\n")
	}
	for v := 8; v <= 10; v++ {
		b.WriteString("2 7 " + itoa(v) + "\n")
	}
	return h, h.write("mux.edges", b.String())
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestMIMRoundTrip: every method writes k distinct ids of the multiplex,
// and eval prints spread=… stderr=… identically for any -workers.
func TestMIMRoundTrip(t *testing.T) {
	h, mux := mimFixture(t)
	for _, m := range []string{"isf", "ksn", "reasoner"} {
		out := h.path(m + ".txt")
		h.must("mim", "-multiplex", mux, "-models", "ic,lt", "-k", "2", "-method", m, "-mc", "50", "-seed", "3", "-o", out)
		ids := strings.Fields(string(h.read(out)))
		if len(ids) == 0 || len(ids) > 2 {
			t.Errorf("%s: %d seeds %v", m, len(ids), ids)
		}
		a, _ := h.must("mim", "eval", "-multiplex", mux, "-models", "ic,lt", "-seeds", out, "-mc", "200", "-seed", "4", "-workers", "1")
		b, _ := h.must("mim", "eval", "-multiplex", mux, "-models", "ic,lt", "-seeds", out, "-mc", "200", "-seed", "4", "-workers", "3")
		if a != b || !strings.HasPrefix(a, "spread=") || !strings.Contains(a, " stderr=") {
			t.Errorf("%s: eval %q vs %q", m, a, b)
		}
	}
	// ISF on the overlapping stars: {0 or 6, 7}; p = 1/in-degree = 1/2 on the
	// shared leaves in layer 2 is LT here, so only check the centres.
	out := h.path("isf.txt")
	if s := string(h.read(out)); !strings.Contains(s, "7\n") {
		t.Errorf("ISF seeds %q lack node 7", s)
	}
}

// TestMIMBadInput: usage errors exit 2, data errors 1; no output file is
// left behind and nothing panics.
func TestMIMBadInput(t *testing.T) {
	h, mux := mimFixture(t)
	seeds := h.write("seeds.txt", "0\n")
	absent := h.write("absent.txt", "0\n99\n")
	out := h.path("never.txt")
	for _, tc := range []struct {
		code int
		want string
		args []string
	}{
		{2, "-models lists 3 models", []string{"mim", "-multiplex", mux, "-models", "ic,lt,ic", "-k", "2", "-o", out}},
		{2, "-models lists 1 models", []string{"mim", "eval", "-multiplex", mux, "-models", "ic", "-seeds", seeds}},
		{2, "unknown model \"sir\"", []string{"mim", "-multiplex", mux, "-models", "ic,sir", "-k", "2", "-o", out}},
		{2, "-k must be positive", []string{"mim", "-multiplex", mux, "-models", "ic,lt", "-k", "0", "-o", out}},
		{2, "-k must be positive, got -3", []string{"mim", "-multiplex", mux, "-models", "ic,lt", "-k", "-3", "-o", out}},
		{2, "-k 13 exceeds the 12 nodes", []string{"mim", "-multiplex", mux, "-models", "ic,lt", "-k", "13", "-o", out}},
		{2, "-method", []string{"mim", "-multiplex", mux, "-models", "ic,lt", "-k", "2", "-method", "imm", "-o", out}},
		{2, "-o is required", []string{"mim", "-multiplex", mux, "-models", "ic,lt", "-k", "2"}},
		{2, "-mc must be positive", []string{"mim", "eval", "-multiplex", mux, "-models", "ic,lt", "-seeds", seeds, "-mc", "0"}},
		{1, "unknown node id \"99\"", []string{"mim", "eval", "-multiplex", mux, "-models", "ic,lt", "-seeds", absent}},
		{1, "no such file", []string{"mim", "-multiplex", h.path("missing.edges"), "-models", "ic", "-k", "1", "-o", out}},
	} {
		code, stdout, stderr := h.run(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("%v: exit %d (want %d), stdout %q, stderr %q (want %q)", tc.args, code, tc.code, stdout, firstLine(stderr), tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written", out)
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// TestMIMGen: gen writes Table 2's 3-layer multiplex (3750 nodes at 30 %),
// readable by mim eval; a bad -layers is a usage error.
func TestMIMGen(t *testing.T) {
	h := newCLIHarness(t)
	out := h.path("er.edges")
	h.must("mim", "gen", "-layers", "3", "-overlap", "0.3", "-seed", "2", "-o", out)
	if s := string(h.read(out)); !strings.Contains(s, "nodes 3750") {
		t.Errorf("header: %q", firstLine(strings.SplitN(s, "\n", 2)[1]))
	}
	seeds := h.write("s.txt", "0\n")
	if o, _ := h.must("mim", "eval", "-multiplex", out, "-models", "ic,lt,ic", "-seeds", seeds, "-mc", "10"); !strings.HasPrefix(o, "spread=") {
		t.Errorf("eval: %q", o)
	}
	if code, _, _ := h.run("mim", "gen", "-layers", "10", "-o", h.path("x")); code != 2 {
		t.Errorf("-layers 10: exit %d", code)
	}
}

// TestMIMTrainPolicy: mim train writes a policy that mim -policy reuses
// (same seeds as training's Phase 2 would give from the same inputs); a
// truncated policy file is a clear error; -policy needs -method reasoner.
func TestMIMTrainPolicy(t *testing.T) {
	h, mux := mimFixture(t)
	ckpt := h.path("policy.ckpt")
	_, stderr := h.must("mim", "train", "-multiplex", mux, "-models", "ic,ic", "-k", "2", "-mc", "20", "-seed", "3", "-o", ckpt)
	if !strings.Contains(stderr, "layer policies") || !strings.Contains(stderr, "recall of greedy") {
		t.Errorf("train stderr: %q", stderr)
	}
	out := h.path("seeds.txt")
	_, stderr = h.must("mim", "-multiplex", mux, "-models", "ic,ic", "-k", "2", "-method", "reasoner", "-policy", ckpt, "-mc", "20", "-seed", "3", "-o", out)
	ids := strings.Fields(string(h.read(out)))
	if len(ids) == 0 || len(ids) > 2 || !strings.Contains(stderr, "phase 2 layer") {
		t.Errorf("inference seeds %v, stderr %q", ids, stderr)
	}
	full := h.read(ckpt)
	bad := h.write("bad.ckpt", string(full[:len(full)/2]))
	code, _, stderr := h.run("mim", "-multiplex", mux, "-models", "ic,ic", "-k", "2", "-method", "reasoner", "-policy", bad, "-o", h.path("x.txt"))
	if code != 1 || !strings.Contains(stderr, "truncated or corrupt") {
		t.Errorf("truncated policy: exit %d, stderr %q", code, firstLine(stderr))
	}
	code, _, stderr = h.run("mim", "-multiplex", mux, "-models", "ic,ic", "-k", "2", "-method", "ksn", "-policy", ckpt, "-o", h.path("y.txt"))
	if code != 2 || !strings.Contains(stderr, "-policy needs -method reasoner") {
		t.Errorf("-policy with ksn: exit %d, stderr %q", code, firstLine(stderr))
	}
}

// TestMIMRuleTuned: -rule tuned trains, stores its rule and allocation,
// and inference with the policy file reuses both (same seeds as
// training); a conflicting or unknown -rule is a usage error.
func TestMIMRuleTuned(t *testing.T) {
	h, mux := mimFixture(t)
	ckpt := h.path("tuned.ckpt")
	h.must("mim", "train", "-multiplex", mux, "-models", "ic,ic", "-k", "2", "-rule", "tuned", "-mc", "20", "-seed", "3", "-o", ckpt)
	if s := string(h.read(ckpt)); !strings.Contains(s, `"rule":"tuned"`) || !strings.Contains(s, `"plan":{`) {
		t.Errorf("policy file lacks the rule or the plan")
	}
	a, b := h.path("a.txt"), h.path("b.txt")
	h.must("mim", "-multiplex", mux, "-models", "ic,ic", "-k", "2", "-method", "reasoner", "-rule", "tuned", "-mc", "20", "-seed", "3", "-o", a)
	_, stderr := h.must("mim", "-multiplex", mux, "-models", "ic,ic", "-k", "2", "-method", "reasoner", "-policy", ckpt, "-mc", "20", "-seed", "3", "-o", b)
	if sa, sb := string(h.read(a)), string(h.read(b)); sa != sb || sa == "" {
		t.Errorf("trained seeds %q, inference %q", sa, sb)
	}
	if !strings.Contains(stderr, ", 1 oracle calls") || !strings.Contains(stderr, "phase 2 layer") {
		t.Errorf("inference did not reuse the allocation (one oracle call: the final estimate): %q", stderr)
	}
	code, _, stderr := h.run("mim", "-multiplex", mux, "-models", "ic,ic", "-k", "2", "-method", "reasoner", "-policy", ckpt, "-rule", "paper", "-o", h.path("c.txt"))
	if code != 2 || !strings.Contains(stderr, "-rule") {
		t.Errorf("conflicting -rule: exit %d, stderr %q", code, firstLine(stderr))
	}
	if code, _, _ := h.run("mim", "train", "-multiplex", mux, "-models", "ic,ic", "-k", "2", "-rule", "best", "-o", h.path("d.ckpt")); code != 2 {
		t.Errorf("-rule best: exit %d, want 2", code)
	}
}
