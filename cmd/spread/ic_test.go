package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// edgeValue is one "u v value" line of an α file.
type edgeValue struct {
	u, v string
	x    float64
}

// readEdgeValues parses an α file written by ic learn or -alpha-out.
func readEdgeValues(t *testing.T, path string) []edgeValue {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []edgeValue
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" || s[0] == '#' {
			continue
		}
		f := strings.Fields(s)
		if len(f) != 3 {
			t.Fatalf("%s: line %q: want \"u v value\"", path, s)
		}
		x, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !(x >= 0 && x <= 1) {
			t.Errorf("%s: probability %v outside [0,1]", path, x)
		}
		out = append(out, edgeValue{f[0], f[1], x})
	}
	return out
}

// meanAbsDiff returns mean |a − b| over edges listed in the same order, and
// fails the test if the edge lists differ.
func meanAbsDiff(t *testing.T, a, b []edgeValue) (mean, max float64) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d vs %d edges", len(a), len(b))
	}
	for k := range a {
		if a[k].u != b[k].u || a[k].v != b[k].v {
			t.Fatalf("edge %d: %s %s vs %s %s", k, a[k].u, a[k].v, b[k].u, b[k].v)
		}
		d := math.Abs(a[k].x - b[k].x)
		mean += d
		max = math.Max(max, d)
	}
	return mean / float64(len(a)), max
}

// constError returns mean |c − x*| over the true values.
func constError(truth []edgeValue, c float64) float64 {
	s := 0.0
	for _, e := range truth {
		s += math.Abs(c - e.x)
	}
	return s / float64(len(truth))
}

// cascadeRow is one "cascade,node,time" record.
type cascadeRow struct {
	cascade, node string
	time          int
}

// readCascadeCSV parses a cascade file and checks its header.
func readCascadeCSV(t *testing.T, path string) []cascadeRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "cascade,node,time" {
		t.Fatalf("%s: header %v, want cascade,node,time", path, recs[:min(1, len(recs))])
	}
	var out []cascadeRow
	for _, r := range recs[1:] {
		if r[1] == "" && r[2] == "" {
			continue // "c,," declares a cascade without activations
		}
		tau, err := strconv.Atoi(r[2])
		if err != nil {
			t.Fatalf("%s: time %q: %v", path, r[2], err)
		}
		out = append(out, cascadeRow{r[0], r[1], tau})
	}
	return out
}

// readMarginals parses a "node,t,p" file and checks the contract: the
// header, N·T rows in node-major order, p ∈ [0,1] and non-decreasing in t
// for each node. It returns p[node][t].
func readMarginals(t *testing.T, path string, N, T int) map[string][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "node,t,p" {
		t.Fatalf("%s: header %v, want node,t,p", path, recs[:min(1, len(recs))])
	}
	if len(recs)-1 != N*T {
		t.Fatalf("%s: %d rows, want N·T = %d·%d", path, len(recs)-1, N, T)
	}
	out := make(map[string][]float64)
	for k, r := range recs[1:] {
		tt, err := strconv.Atoi(r[1])
		if err != nil || tt != k%T {
			t.Fatalf("%s row %d: t = %q, want %d", path, k+2, r[1], k%T)
		}
		p, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			t.Fatalf("%s row %d: %v", path, k+2, err)
		}
		if !(p >= 0 && p <= 1) {
			t.Errorf("%s row %d: p = %v outside [0,1]", path, k+2, p)
		}
		ps := out[r[0]]
		if tt == 0 && ps != nil {
			t.Fatalf("%s row %d: node %s listed twice", path, k+2, r[0])
		}
		if tt > 0 && p < ps[tt-1]-1e-12 {
			t.Errorf("%s row %d: node %s: p(%d) = %v < p(%d) = %v", path, k+2, r[0], tt, p, tt-1, ps[tt-1])
		}
		out[r[0]] = append(ps, p)
	}
	if len(out) != N {
		t.Errorf("%s: %d nodes, want %d", path, len(out), N)
	}
	return out
}

// icFixture is a small undirected network with cascades simulated from
// uniformly drawn α* (saved with -alpha-out).
type icFixture struct {
	*cliHarness
	graph, truth, cascades string
	N, T                   int
}

const icFixtureT = 6

// newICFixture generates a 3-regular tree on 20 nodes (DMP is exact on
// trees, so learning and prediction have a known target) and 300
// single-seed cascades of horizon 6.
func newICFixture(t *testing.T) *icFixture {
	t.Helper()
	h := newCLIHarness(t)
	f := &icFixture{cliHarness: h, graph: h.path("tree.txt"), truth: h.path("alpha_true.txt"), cascades: h.path("c.csv"), N: 20, T: icFixtureT}
	h.must("graph", "gen", "-kind", "tree", "-n", "20", "-o", f.graph)
	_, stderr := h.must("ic", "simulate", "-graph", f.graph, "-alpha-uniform", "-alpha-out", f.truth,
		"-cascades", "300", "-T", strconv.Itoa(f.T), "-seed", "5", "-o", f.cascades)
	if !strings.Contains(stderr, "300 cascades") {
		t.Errorf("simulate stderr: %q", stderr)
	}
	return f
}

// sub returns the fixture for subtest t.
func (f *icFixture) sub(t *testing.T) *icFixture {
	c := *f
	c.cliHarness = f.cliHarness.sub(t)
	return &c
}

func (f *icFixture) tArg() string { return strconv.Itoa(f.T) }

// learn runs ic learn on the fixture's graph with extra flags.
func (f *icFixture) learn(out string, extra ...string) {
	f.t.Helper()
	args := append([]string{"ic", "learn", "-graph", f.graph, "-cascades", f.cascades, "-T", f.tArg(), "-o", out}, extra...)
	f.must(args...)
}

func TestICSimulateFile(t *testing.T) {
	f := newICFixture(t)
	truth := readEdgeValues(t, f.truth)
	if len(truth) != 19 {
		t.Fatalf("-alpha-out has %d edges, want 19 (one per undirected edge)", len(truth))
	}
	rows := readCascadeCSV(t, f.cascades)
	seeds := make(map[string]int)
	type key struct{ c, n string }
	seen := make(map[key]bool)
	for _, r := range rows {
		if i, err := strconv.Atoi(r.node); err != nil || i < 0 || i >= f.N {
			t.Fatalf("unknown node %q", r.node)
		}
		if r.time < 0 || r.time >= f.T {
			t.Errorf("time %d outside 0..%d", r.time, f.T-1)
		}
		if seen[key{r.cascade, r.node}] {
			t.Errorf("node %s twice in cascade %s", r.node, r.cascade)
		}
		seen[key{r.cascade, r.node}] = true
		if r.time == 0 {
			seeds[r.cascade]++
		}
	}
	if len(seeds) != 300 {
		t.Errorf("%d cascades have a seed, want 300", len(seeds))
	}
	for c, n := range seeds {
		if n != 1 {
			t.Errorf("cascade %s has %d seeds, want 1 without -p0", c, n)
		}
	}

	// The output depends on the inputs and -seed only, not on the cores.
	want := f.read(f.cascades)
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	p := f.path("c1.csv")
	f.must("ic", "simulate", "-graph", f.graph, "-alpha-uniform", "-cascades", "300", "-T", f.tArg(), "-seed", "5", "-o", p)
	if !bytes.Equal(f.read(p), want) {
		t.Errorf("GOMAXPROCS=1 changes the cascades")
	}
	runtime.GOMAXPROCS(3)
	f.must("ic", "simulate", "-graph", f.graph, "-alpha", f.truth, "-cascades", "300", "-T", f.tArg(), "-seed", "5", "-o", p)
	if !bytes.Equal(f.read(p), want) {
		t.Errorf("-alpha FILE with the -alpha-out values or GOMAXPROCS=3 changes the cascades")
	}
	f.must("ic", "simulate", "-graph", f.graph, "-alpha-uniform", "-cascades", "300", "-T", f.tArg(), "-seed", "6", "-o", p)
	if bytes.Equal(f.read(p), want) {
		t.Errorf("-seed 5 and 6 give the same cascades")
	}
}

// TestICLearnPredict is the main pipeline: learn with both gradient sources,
// compare with α*, predict with DMP and Monte Carlo.
func TestICLearnPredict(t *testing.T) {
	f := newICFixture(t)
	truth := readEdgeValues(t, f.truth)
	auto, adj := f.path("alpha_autodiff.txt"), f.path("alpha_adjoint.txt")
	f.learn(auto, "-grad", "autodiff")
	f.learn(adj, "-grad", "adjoint")
	a, b := readEdgeValues(t, auto), readEdgeValues(t, adj)
	if _, mx := meanAbsDiff(t, a, b); mx > 1e-6 {
		t.Errorf("autodiff and adjoint learn α differing by %g, want ≤ 1e-6", mx)
	}
	learnedErr, _ := meanAbsDiff(t, a, truth)
	initErr := constError(truth, 0.5)
	t.Logf("mean |α − α*|: %.4f at 0.5, %.4f learned", initErr, learnedErr)
	// Measured 0.27 → 0.035 (300 cascades on a tree); demand a halving.
	if !(learnedErr < initErr/2) {
		t.Errorf("learned α error %.4f, want < half of the α = 0.5 error %.4f", learnedErr, initErr)
	}

	t.Run("predict", func(t *testing.T) {
		f := f.sub(t)
		for _, method := range []string{"dmp", "mc"} {
			out := f.path("marg_" + method + ".csv")
			f.must("ic", "predict", "-graph", f.graph, "-alpha", auto, "-T", f.tArg(), "-sources", "0,7",
				"-method", method, "-samples", "2000", "-o", out)
			p := readMarginals(t, out, f.N, f.T)
			for id, ps := range p {
				want := 0.0
				if id == "0" || id == "7" {
					want = 1
				}
				if ps[0] != want {
					t.Errorf("%s: p_%s(0) = %v, want %v", method, id, ps[0], want)
				}
			}
		}
	})

	// On a tree DMP is exact: DMP with α* must match Monte Carlo with α*
	// within sampling error (20000 runs: sd ≤ 0.0036 per entry).
	t.Run("dmp equals mc on a tree", func(t *testing.T) {
		f := f.sub(t)
		dmp, mc := f.path("true_dmp.csv"), f.path("true_mc.csv")
		f.must("ic", "predict", "-graph", f.graph, "-alpha", f.truth, "-T", f.tArg(), "-sources", "3", "-o", dmp)
		f.must("ic", "predict", "-graph", f.graph, "-alpha", f.truth, "-T", f.tArg(), "-sources", "3", "-method", "mc", "-samples", "20000", "-seed", "9", "-o", mc)
		pd, pm := readMarginals(t, dmp, f.N, f.T), readMarginals(t, mc, f.N, f.T)
		worst := 0.0
		for id := range pd {
			for tt := range pd[id] {
				worst = math.Max(worst, math.Abs(pd[id][tt]-pm[id][tt]))
			}
		}
		if worst > 0.02 {
			t.Errorf("max |p_dmp − p_mc| = %v on a tree, want ≤ 0.02", worst)
		}
		// -method mc is reproducible from -seed.
		mc2 := f.path("true_mc2.csv")
		f.must("ic", "predict", "-graph", f.graph, "-alpha", f.truth, "-T", f.tArg(), "-sources", "3", "-method", "mc", "-samples", "20000", "-seed", "9", "-o", mc2)
		if !bytes.Equal(f.read(mc), f.read(mc2)) {
			t.Errorf("-method mc with the same -seed gives different files")
		}
	})
}

func TestICReplicas(t *testing.T) {
	f := newICFixture(t)
	out := f.path("alpha.txt")
	f.learn(out, "-grad", "adjoint", "-replicas", "2", "-iters", "200")
	r1, r2 := readEdgeValues(t, out), readEdgeValues(t, out+".r2")
	if len(r1) != 19 || len(r2) != 19 {
		t.Fatalf("replica files have %d and %d edges, want 19", len(r1), len(r2))
	}
	meanAbsDiff(t, r1, r2) // same edge order
	assertAbsent(t, out+".r3")

	marg := f.path("marg.csv")
	f.must("ic", "predict", "-graph", f.graph, "-alpha", out+","+out+".r2", "-T", f.tArg(), "-sources", "0", "-o", marg)
	mix := readMarginals(t, marg, f.N, f.T)

	// The mixture's prediction is the mean of the replicas' DMP marginals.
	one := func(alpha string) map[string][]float64 {
		p := f.path("m1.csv")
		f.must("ic", "predict", "-graph", f.graph, "-alpha", alpha, "-T", f.tArg(), "-sources", "0", "-o", p)
		return readMarginals(t, p, f.N, f.T)
	}
	m1, m2 := one(out), one(out+".r2")
	for id := range mix {
		for tt := range mix[id] {
			if want := (m1[id][tt] + m2[id][tt]) / 2; math.Abs(mix[id][tt]-want) > 1e-12 {
				t.Fatalf("mixture p_%s(%d) = %v, want mean of replicas %v", id, tt, mix[id][tt], want)
			}
		}
	}

	// Monte Carlo takes one file only.
	bad := f.path("bad.csv")
	code, _, stderr := f.run("ic", "predict", "-graph", f.graph, "-alpha", out+","+out+".r2", "-T", f.tArg(), "-sources", "0", "-method", "mc", "-o", bad)
	if code != 2 || !strings.Contains(stderr, "2 replicas") {
		t.Errorf("mc with 2 replicas: exit %d, stderr %q; want 2", code, stderr)
	}
	assertAbsent(t, bad)
}

func TestICHidden(t *testing.T) {
	f := newICFixture(t)
	// 12 is a leaf (child of 5 in the BFS tree), 5 and 7 inner nodes.
	hidden := f.write("hidden.txt", "# hidden nodes\n5\n\n7\n12\n")
	casc := f.path("ch.csv")
	f.must("ic", "simulate", "-graph", f.graph, "-alpha", f.truth, "-cascades", "300", "-T", f.tArg(), "-seed", "5", "-hidden", hidden, "-o", casc)
	for _, r := range readCascadeCSV(t, casc) {
		if r.time == 0 && (r.node == "5" || r.node == "7" || r.node == "12") {
			t.Errorf("hidden node %s is a seed of cascade %s", r.node, r.cascade)
		}
	}
	withH, without := f.path("ah.txt"), f.path("a.txt")
	for _, c := range []struct {
		out   string
		extra []string
	}{{withH, []string{"-hidden", hidden}}, {without, nil}} {
		args := append([]string{"ic", "learn", "-graph", f.graph, "-cascades", casc, "-T", f.tArg(), "-grad", "adjoint", "-o", c.out}, c.extra...)
		f.must(args...)
	}
	ah, a := readEdgeValues(t, withH), readEdgeValues(t, without)
	if d, _ := meanAbsDiff(t, ah, a); d == 0 {
		t.Errorf("-hidden does not change the learned α")
	}
	// The edge 5–12 ends at a hidden leaf: no observed activation depends on
	// it, so it keeps its initial value 0.5.
	for _, e := range ah {
		if e.u == "5" && e.v == "12" && e.x != 0.5 {
			t.Errorf("α(5,12) = %v with 12 hidden, want the initial 0.5", e.x)
		}
	}
	truth := readEdgeValues(t, f.truth)
	if d, _ := meanAbsDiff(t, ah, truth); !(d < constError(truth, 0.5)) {
		t.Errorf("with -hidden the learned α error %.4f is not below the α = 0.5 error %.4f", d, constError(truth, 0.5))
	}

	out := f.path("x.txt")
	badHidden := f.write("badhidden.txt", "5\n99\n")
	code, _, stderr := f.run("ic", "learn", "-graph", f.graph, "-cascades", casc, "-T", f.tArg(), "-hidden", badHidden, "-o", out)
	if code != 1 || !strings.Contains(stderr, badHidden+" line 2") || !strings.Contains(stderr, `"99"`) {
		t.Errorf("unknown hidden node: exit %d, stderr %q; want 1 naming %s line 2", code, stderr, badHidden)
	}
	assertAbsent(t, out)
}

func TestICStochasticP0(t *testing.T) {
	f := newICFixture(t)
	casc := f.path("cp.csv")
	f.must("ic", "simulate", "-graph", f.graph, "-alpha", f.truth, "-cascades", "300", "-T", f.tArg(), "-p0", "2", "-seed", "5", "-o", casc)
	rows := readCascadeCSV(t, casc)
	seeds := 0
	for _, r := range rows {
		if r.time == 0 {
			seeds++
		}
	}
	// Each node is a seed with probability 2/20: 600 seeds expected in 300
	// cascades, sd ≈ 23.
	if seeds < 480 || seeds > 720 {
		t.Errorf("%d seeds in 300 cascades with -p0 2 on 20 nodes, want ≈ 600", seeds)
	}
	out := f.path("ap.txt")
	_, stderr := f.must("ic", "learn", "-graph", f.graph, "-cascades", casc, "-T", f.tArg(), "-p0", "2", "-grad", "adjoint", "-o", out)
	if !strings.Contains(stderr, "in 1 classes") {
		t.Errorf("-p0 should make one stochastic class; stderr:\n%s", stderr)
	}
	truth := readEdgeValues(t, f.truth)
	if d, _ := meanAbsDiff(t, readEdgeValues(t, out), truth); !(d < constError(truth, 0.5)) {
		t.Errorf("-p0 learned α error %.4f is not below the α = 0.5 error %.4f", d, constError(truth, 0.5))
	}
	for _, method := range []string{"dmp", "mc"} {
		marg := f.path("mp_" + method + ".csv")
		f.must("ic", "predict", "-graph", f.graph, "-alpha", out, "-T", f.tArg(), "-p0", "2", "-method", method, "-samples", "500", "-o", marg)
		p := readMarginals(t, marg, f.N, f.T)
		if method == "dmp" {
			for id, ps := range p {
				if math.Abs(ps[0]-0.1) > 1e-15 {
					t.Errorf("dmp p_%s(0) = %v, want c/N = 0.1", id, ps[0])
				}
			}
		}
	}
}

// snapshotWriter collects stderr and, the first time a line containing
// trigger is written, copies the checkpoint file: the state an interrupted
// run would have left.
type snapshotWriter struct {
	mu         sync.Mutex
	buf        bytes.Buffer
	trigger    string
	ckpt, snap string
	done       bool
	copyErr    error
}

func (w *snapshotWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.done && bytes.Contains(p, []byte(w.trigger)) {
		w.done = true
		b, err := os.ReadFile(w.ckpt)
		if err == nil {
			err = os.WriteFile(w.snap, b, 0o644)
		}
		w.copyErr = err
	}
	return len(p), nil
}

func TestICCheckpointResume(t *testing.T) {
	f := newICFixture(t)
	tests := []struct {
		name    string
		flags   []string
		trigger string // progress line after which the snapshot is taken
	}{
		// Checkpoints every 50 iterations; at "iter  100" the file holds
		// iteration 100 or 50.
		{"paper adjoint", []string{"-grad", "adjoint", "-method", "paper"}, "iter  100"},
		{"pqn", []string{"-grad", "adjoint", "-grad-tol", "1e-14", "-tol", "0", "-iters", "120"}, "iter   50"},
		{"adam autodiff", []string{"-grad", "autodiff", "-method", "adam", "-iters", "150"}, "iter  100"},
		// At the first progress line of replica stage 2 the checkpoint
		// holds a state at or after the end of stage 1.
		{"replicas", []string{"-grad", "adjoint", "-replicas", "2", "-iters", "120"}, "R=2 iter    0"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := f.sub(t)
			base := fmt.Sprintf("ck%d", i)
			plain, full, resumed := f.path(base+"_plain.txt"), f.path(base+"_full.txt"), f.path(base+"_resumed.txt")
			ckpt, snap := f.path(base+".ckpt"), f.path(base+"_snap.ckpt")
			f.learn(plain, tt.flags...)

			w := &snapshotWriter{trigger: tt.trigger, ckpt: ckpt, snap: snap}
			args := append([]string{"ic", "learn", "-graph", f.graph, "-cascades", f.cascades, "-T", f.tArg(), "-checkpoint", ckpt, "-o", full}, tt.flags...)
			if code, _ := f.runStderr(w, args...); code != 0 {
				t.Fatalf("learn with -checkpoint: exit %d\n%s", code, w.buf.String())
			}
			if !w.done || w.copyErr != nil {
				t.Fatalf("no snapshot taken (trigger %q seen: %v, copy error %v); stderr:\n%s", tt.trigger, w.done, w.copyErr, w.buf.String())
			}
			if bytes.Equal(f.read(snap), f.read(ckpt)) {
				t.Fatalf("the snapshot is the final checkpoint: the resume would not continue a run")
			}
			if !bytes.Equal(f.read(plain), f.read(full)) {
				t.Errorf("-checkpoint changes the learned α")
			}
			for _, c := range []struct{ what, from string }{{"mid-run snapshot", snap}, {"final checkpoint", ckpt}} {
				args := append([]string{"ic", "learn", "-graph", f.graph, "-cascades", f.cascades, "-T", f.tArg(), "-checkpoint", c.from, "-resume", "-o", resumed}, tt.flags...)
				f.must(args...)
				if !bytes.Equal(f.read(full), f.read(resumed)) {
					t.Errorf("resume from the %s gives a different output file", c.what)
				}
				if strings.Contains(tt.name, "replicas") && !bytes.Equal(f.read(full+".r2"), f.read(resumed+".r2")) {
					t.Errorf("resume from the %s gives a different replica 2", c.what)
				}
				os.Remove(resumed)
			}

			// A checkpoint written with other settings is refused.
			other := append([]string{"ic", "learn", "-graph", f.graph, "-cascades", f.cascades, "-T", f.tArg(), "-checkpoint", ckpt, "-resume", "-init", "0.3", "-o", resumed}, tt.flags...)
			if code, _, stderr := f.run(other...); code != 1 {
				t.Errorf("resume with a different -init: exit %d, want 1; stderr:\n%s", code, stderr)
			}
			assertAbsent(t, resumed)
		})
	}

	t.Run("missing checkpoint file", func(t *testing.T) {
		f := f.sub(t)
		out := f.path("r.txt")
		code, _, stderr := f.run("ic", "learn", "-graph", f.graph, "-cascades", f.cascades, "-T", f.tArg(), "-checkpoint", f.path("none.ckpt"), "-resume", "-o", out)
		if code != 1 || !strings.Contains(stderr, "none.ckpt") {
			t.Errorf("exit %d, stderr %q; want 1 naming the file", code, stderr)
		}
		assertAbsent(t, out)
	})
}

// TestICBadInputs checks that malformed input files fail with exit 1, an
// error naming the file and line, and no output file.
func TestICBadInputs(t *testing.T) {
	f := newICFixture(t)
	alpha := f.path("alpha.txt")
	f.learn(alpha, "-grad", "adjoint", "-iters", "20")
	lines := strings.SplitAfter(string(f.read(alpha)), "\n")
	// Line 3 of the α file is its second edge; set it to 1.5.
	fld := strings.Fields(lines[2])
	lines[2] = fld[0] + " " + fld[1] + " 1.5\n"
	badAlpha := f.write("bad_alpha.txt", strings.Join(lines, ""))
	notEdge := f.write("notedge_alpha.txt", "0 19 0.5\n")

	header := "cascade,node,time\n"
	tests := []struct {
		name    string
		file    string // cascade CSV contents ("" for alpha rows)
		args    func(casc, out string) []string
		errFile string
		want    []string
	}{
		{"unknown node", header + "0,0,0\n0,1,1\n0,99,2\n", nil, "", []string{"line 4", `unknown node "99"`}},
		{"time = T", header + "0,0,0\n1,2,0\n1,0,6\n", nil, "", []string{"line 4", "time 6 outside 0..5"}},
		{"negative time", header + "0,0,-1\n", nil, "", []string{"line 2", "outside"}},
		{"duplicate node", header + "0,0,0\n0,1,1\n0,0,2\n", nil, "", []string{"line 4", `node "0" appears twice in cascade "0"`}},
		{"duplicate across interleaved cascades", header + "a,0,0\nb,0,0\na,1,1\na,0,3\n", nil, "", []string{"line 5", "appears twice"}},
		{"two columns", header + "0,0,0\n0,1\n", nil, "", []string{"line 3", "want 3 columns"}},
		{"non-integer time", "0,0,0\n0,1,x\n", nil, "", []string{"line 2", `time "x" is not an integer`}},
		{"alpha 1.5 in predict", "", func(_, out string) []string {
			return []string{"ic", "predict", "-graph", f.graph, "-alpha", badAlpha, "-T", f.tArg(), "-sources", "0", "-o", out}
		}, badAlpha, []string{"line 3", "probability 1.5 outside [0,1]"}},
		{"alpha 1.5 in the second replica", "", func(_, out string) []string {
			return []string{"ic", "predict", "-graph", f.graph, "-alpha", alpha + "," + badAlpha, "-T", f.tArg(), "-sources", "0", "-o", out}
		}, badAlpha, []string{"line 3", "1.5"}},
		{"alpha 1.5 in simulate", "", func(_, out string) []string {
			return []string{"ic", "simulate", "-graph", f.graph, "-alpha", badAlpha, "-cascades", "5", "-T", f.tArg(), "-alpha-out", out + ".alpha", "-o", out}
		}, badAlpha, []string{"line 3", "1.5"}},
		{"alpha on a non-edge", "", func(_, out string) []string {
			return []string{"ic", "predict", "-graph", f.graph, "-alpha", notEdge, "-T", f.tArg(), "-sources", "0", "-o", out}
		}, notEdge, []string{"line 1", "not an edge"}},
		{"unknown source", "", func(_, out string) []string {
			return []string{"ic", "predict", "-graph", f.graph, "-alpha", alpha, "-T", f.tArg(), "-sources", "0,77", "-o", out}
		}, "", []string{`"77"`}},
		{"repeated source", "", func(_, out string) []string {
			return []string{"ic", "predict", "-graph", f.graph, "-alpha", alpha, "-T", f.tArg(), "-sources", "4,4", "-o", out}
		}, "", []string{`"4" given twice`}},
		{"missing cascade file", "", func(_, out string) []string {
			return []string{"ic", "learn", "-graph", f.graph, "-cascades", f.path("none.csv"), "-T", f.tArg(), "-o", out}
		}, f.path("none.csv"), nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := f.sub(t)
			out := f.path(fmt.Sprintf("out%d.txt", i))
			casc := f.path(fmt.Sprintf("bad%d.csv", i))
			errFile := tt.errFile
			var args []string
			if tt.args == nil {
				if err := os.WriteFile(casc, []byte(tt.file), 0o644); err != nil {
					t.Fatal(err)
				}
				errFile = casc
				args = []string{"ic", "learn", "-graph", f.graph, "-cascades", casc, "-T", f.tArg(), "-o", out}
			} else {
				args = tt.args(casc, out)
			}
			code, stdout, stderr := f.run(args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want empty", stdout)
			}
			if errFile != "" && !strings.Contains(stderr, errFile) {
				t.Errorf("stderr does not name %s:\n%s", errFile, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			assertAbsent(t, out)
			assertAbsent(t, out+".alpha")
		})
	}
}

// TestICLearnGCPercent: ic learn runs with GOGC 25 unless GOGC is set and
// restores the caller's setting afterwards (run() is called in-process by
// the tests and by library users).
func TestICLearnGCPercent(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set: ic learn keeps it")
	}
	f := newICFixture(t)
	prev := debug.SetGCPercent(77)
	f.learn(f.path("a.txt"), "-iters", "3")
	if got := debug.SetGCPercent(prev); got != 77 {
		t.Errorf("GC percent after ic learn = %d, want the caller's 77 restored", got)
	}
}
