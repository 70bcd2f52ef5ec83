package main

import (
	"os"
	"strings"
	"testing"

	tnmf "github.com/spread-dev/spread/train/nmf"
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
	// A guarded run at a rate that jumps: it trains and reports the halved rate.
	if _, stderr := h.must(append(common, "-epochs", "6", "-lr", "0.9", "-backoff", "1.01", "-o", h.path("b.json"))...); !strings.Contains(stderr, "halved after a divergence") {
		t.Errorf("-backoff 1.01 at lr 0.9: no back-off reported: %s", stderr)
	}
	// -events exact trains with the adjoint.
	h.must(append(common, "-epochs", "1", "-events", "exact", "-grad", "adjoint", "-o", h.path("e.json"))...)
	// The initial rates are fitted by default (reported), not with -init-fit=false.
	if _, stderr := h.must(append(common, "-epochs", "1", "-o", h.path("f.json"))...); !strings.Contains(stderr, "initial mean rate was fitted to") {
		t.Errorf("default: no fitted rate reported: %s", stderr)
	}
	if _, stderr := h.must(append(common, "-epochs", "1", "-init-fit=false", "-o", h.path("f.json"))...); strings.Contains(stderr, "fitted") {
		t.Errorf("-init-fit=false: a fit reported: %s", stderr)
	}
	// -float32 trains in float32: the model differs from the float64 one
	// of the same seed (rounding), and the flag is not in the file.
	m64, m32 := h.path("m64.json"), h.path("m32.json")
	h.must(append(common, "-epochs", "2", "-o", m64)...)
	h.must(append(common, "-epochs", "2", "-float32", "-o", m32)...)
	if b32 := string(h.read(m32)); b32 == string(h.read(m64)) || strings.Contains(b32, "loat32") {
		t.Errorf("-float32: model file equal to float64's or naming the flag: %.300s", b32)
	}
	h.must("nmf", "predict", "-model", model, "-sources", "0,1", "-T", "3", "-o", probs)
	rows := strings.Split(strings.TrimSpace(string(h.read(probs))), "\n")
	if rows[0] != "node,t,p" || len(rows) != 1+4*4 || !strings.HasPrefix(rows[1], "0,0,1") {
		t.Errorf("probabilities: %d rows, %q %q", len(rows), rows[0], rows[1])
	}
	// -hidden sets ε's widths, stored in the model file.
	hid := h.path("hid.json")
	h.must(append(common, "-epochs", "1", "-hidden", "2,3", "-o", hid)...)
	if !strings.Contains(string(h.read(hid)), `"Hidden":[2,3]`) {
		t.Errorf("-hidden 2,3 not in the model file: %.300s", h.read(hid))
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
		{"float32 with the adjoint", 2, append(append([]string{}, common...), "-float32", "-grad", "adjoint", "-o", x)},
		{"backoff 1", 2, append(append([]string{}, common...), "-backoff", "1", "-o", x)},
		{"backoff NaN", 2, append(append([]string{}, common...), "-backoff", "NaN", "-o", x)},
		{"events unknown", 2, append(append([]string{}, common...), "-events", "midpoint", "-o", x)},
		{"events exact without the adjoint", 2, append(append([]string{}, common...), "-events", "exact", "-o", x)},
		{"hidden 0", 2, append(append([]string{}, common...), "-hidden", "4,0", "-o", x)},
		{"hidden not a number", 2, append(append([]string{}, common...), "-hidden", "wide", "-o", x)},
		{"model too large", 2, []string{"nmf", "train", "-cascades", c, "-n", "9000", "-T", "3", "-batch", "1", "-o", x}},
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

// starModelFile writes a hand-set NMF model on 5 nodes: A is a star with
// hub 0 (rate 1 to each leaf) and a weak edge 1 → 2 (rate 0.2); ε ≈ 0.
func starModelFile(t *testing.T, path string) { starModelFileScaled(t, path, 1) }

// starModelFileScaled is starModelFile with every rate times scale.
func starModelFileScaled(t *testing.T, path string, scale float64) {
	t.Helper()
	cfg := tnmf.DefaultConfig(5, 3)
	cfg.Model.Hidden, cfg.Model.Steps = []int{3}, 12
	mc, err := cfg.Model.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, mc.NumParams())
	fs := mc.Layout()
	for j := 1; j < 5; j++ {
		theta[j] = scale
	}
	theta[1*5+2] = 0.2 * scale
	last := fs[len(fs)-1]
	for i := range last.Size {
		theta[last.Offset+i] = -30
	}
	if err := tnmf.WriteModel(path, cfg, theta); err != nil {
		t.Fatal(err)
	}
}

// TestNMFInfMaxNetwork runs infmax and infer-network on a hand-set star
// model, and checks that bad input is refused.
func TestNMFInfMaxNetwork(t *testing.T) {
	h := newCLIHarness(t)
	model, seeds, edges := h.path("m.json"), h.path("seeds.txt"), h.path("edges.txt")
	starModelFile(t, model)
	h.must("nmf", "infmax", "-model", model, "-k", "1", "-T", "3", "-step", "0.1", "-o", seeds)
	if got := strings.TrimSpace(string(h.read(seeds))); got != "0" {
		t.Errorf("infmax seeds %q, want 0", got)
	}
	h.must("nmf", "infmax", "-model", model, "-k", "2", "-T", "2", "-step", "0.1", "-rho", "0.1", "-o", seeds)
	if got := strings.Fields(string(h.read(seeds))); len(got) != 2 || got[0] != "0" || got[1] != "1" {
		t.Errorf("infmax -k 2: %q, want [0 1]", got)
	}
	h.must("nmf", "infer-network", "-model", model, "-threshold", "0.1", "-o", edges)
	if got := string(h.read(edges)); got != "0 1 1\n0 2 1\n0 3 1\n0 4 1\n1 2 0.2\n" {
		t.Errorf("infer-network -threshold 0.1: %q", got)
	}
	h.must("nmf", "infer-network", "-model", model, "-o", edges)
	if rows := strings.Split(strings.TrimSpace(string(h.read(edges))), "\n"); len(rows) != 5 {
		t.Errorf("infer-network default threshold: %q", rows)
	}
	x := h.path("x.txt")
	for _, tc := range []struct {
		name string
		code int
		args []string
	}{
		{"infmax no k", 2, []string{"nmf", "infmax", "-model", model, "-T", "3", "-o", x}},
		{"infmax k > n", 2, []string{"nmf", "infmax", "-model", model, "-k", "6", "-T", "3", "-o", x}},
		{"infmax T beyond", 2, []string{"nmf", "infmax", "-model", model, "-k", "1", "-T", "4", "-o", x}},
		{"infmax no T", 2, []string{"nmf", "infmax", "-model", model, "-k", "1", "-o", x}},
		{"infmax step 0", 2, []string{"nmf", "infmax", "-model", model, "-k", "1", "-T", "3", "-step", "0", "-o", x}},
		{"infmax negative rho", 2, []string{"nmf", "infmax", "-model", model, "-k", "1", "-T", "3", "-rho", "-1", "-o", x}},
		{"infmax no model file", 1, []string{"nmf", "infmax", "-model", h.path("none.json"), "-k", "1", "-T", "3", "-o", x}},
		{"infmax truncated model", 1, []string{"nmf", "infmax", "-model", h.write("trunc.json", string(h.read(model))[:50]), "-k", "1", "-T", "3", "-o", x}},
		{"network negative threshold", 2, []string{"nmf", "infer-network", "-model", model, "-threshold", "-1", "-o", x}},
		{"network no o", 2, []string{"nmf", "infer-network", "-model", model}},
		{"network no model file", 1, []string{"nmf", "infer-network", "-model", h.path("none.json"), "-o", x}},
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

// TestNMFUnstableWarning: predict and infmax warn on stderr when the
// model's rates make its solver unstable (RK4-12 on [0, 3], largest in-rate
// 1.2·20 = 24: h·ρ = 6 > 2.785) and stay silent on the stable star model
// (h·ρ = 0.3).
func TestNMFUnstableWarning(t *testing.T) {
	h := newCLIHarness(t)
	for _, c := range []struct {
		scale float64
		warn  bool
	}{{1, false}, {20, true}} {
		model := h.path("m" + itoa(int(c.scale)) + ".json")
		starModelFileScaled(t, model, c.scale)
		for _, args := range [][]string{
			{"nmf", "predict", "-model", model, "-sources", "0", "-T", "3", "-o", h.path("p.csv")},
			{"nmf", "infmax", "-model", model, "-k", "1", "-T", "3", "-o", h.path("s.txt")},
		} {
			_, stderr := h.must(args...)
			if got := strings.Contains(stderr, "exceeds") && strings.Contains(stderr, "-steps 26 or more"); got != c.warn {
				t.Errorf("rate scale %v, %s: warning %v, want %v; stderr:\n%s", c.scale, args[1], got, c.warn, stderr)
			}
		}
	}
}
