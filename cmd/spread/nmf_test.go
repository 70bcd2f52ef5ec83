package main

import (
	"os"
	"strings"
	"testing"
)

// TestNMF trains a tiny NMF model from hand-written cascades, predicts
// with it, resumes from a checkpoint, and checks that bad input is refused
// with exit 2 (usage) or 1 (a file error) and no output file.
func TestNMF(t *testing.T) {
	h := newCLIHarness(t)
	var b strings.Builder
	b.WriteString("cascade,node,time\n")
	for k := range 6 {
		src := k % 4
		b.WriteString(strings.Join([]string{itoa(k), itoa(src), "0"}, ",") + "\n")
		b.WriteString(strings.Join([]string{itoa(k), itoa((src + 1) % 4), "0.7"}, ",") + "\n")
		if k%2 == 0 {
			b.WriteString(strings.Join([]string{itoa(k), itoa((src + 2) % 4), "1.9"}, ",") + "\n")
		}
	}
	c := h.write("c.csv", b.String())
	model, ck, probs := h.path("m.json"), h.path("ck.json"), h.path("p.csv")
	common := []string{"nmf", "train", "-cascades", c, "-n", "4", "-T", "3", "-steps", "6", "-solver", "euler", "-batch", "3", "-seed", "2"}
	h.must(append(common, "-epochs", "2", "-checkpoint", ck, "-o", model)...)
	h.must(append(common, "-epochs", "3", "-checkpoint", ck, "-resume", "-o", model)...)
	h.must("nmf", "predict", "-model", model, "-sources", "0,1", "-T", "3", "-o", probs)
	rows := strings.Split(strings.TrimSpace(string(h.read(probs))), "\n")
	if rows[0] != "node,t,p" || len(rows) != 1+4*4 || !strings.HasPrefix(rows[1], "0,0,1") {
		t.Errorf("probabilities: %d rows, %q %q", len(rows), rows[0], rows[1])
	}
	trunc := h.write("trunc.json", string(h.read(model))[:100])
	other := h.path("other.json")
	h.must("nmf", "train", "-cascades", h.write("c5.csv", "0,0,0\n0,1,1\n1,2,0\n"), "-n", "5", "-T", "3", "-steps", "2", "-epochs", "1", "-batch", "1", "-o", other, "-checkpoint", h.path("ck5.json"))
	x := h.path("x.csv")
	for _, tc := range []struct {
		name string
		code int
		args []string
	}{
		{"steps 0", 2, append(append([]string{}, common...), "-steps", "0", "-o", x)},
		{"negative time", 1, []string{"nmf", "train", "-cascades", h.write("neg.csv", "0,0,0\n0,1,-1\n"), "-n", "4", "-T", "3", "-batch", "1", "-o", x}},
		{"NaN time", 1, []string{"nmf", "train", "-cascades", h.write("nan.csv", "0,0,0\n0,1,NaN\n"), "-n", "4", "-T", "3", "-batch", "1", "-o", x}},
		{"time beyond T", 1, []string{"nmf", "train", "-cascades", h.write("late.csv", "0,0,0\n0,1,5\n"), "-n", "4", "-T", "3", "-batch", "1", "-o", x}},
		{"node twice", 1, []string{"nmf", "train", "-cascades", h.write("twice.csv", "0,0,0\n0,1,1\n0,1,2\n"), "-n", "4", "-T", "3", "-batch", "1", "-o", x}},
		{"unknown id", 1, []string{"nmf", "train", "-cascades", h.write("unk.csv", "0,0,0\n0,9,1\n"), "-n", "4", "-T", "3", "-batch", "1", "-o", x}},
		{"checkpoint for another n", 1, append(append([]string{}, common...), "-epochs", "3", "-checkpoint", h.path("ck5.json"), "-resume", "-o", x)},
		{"truncated model", 1, []string{"nmf", "predict", "-model", trunc, "-sources", "0", "-T", "3", "-o", x}},
		{"unknown source", 2, []string{"nmf", "predict", "-model", model, "-sources", "7", "-T", "3", "-o", x}},
		{"T beyond the model", 2, []string{"nmf", "predict", "-model", model, "-sources", "0", "-T", "9", "-o", x}},
	} {
		code, _, stderr := h.run(tc.args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tc.name, code, tc.code, stderr)
		}
		if strings.Contains(stderr, "panic") {
			t.Errorf("%s: panic: %s", tc.name, stderr)
		}
		if _, err := os.Stat(x); err == nil {
			t.Errorf("%s: output written", tc.name)
		}
	}
}
