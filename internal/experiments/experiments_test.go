package experiments

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/shared"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train/slicer"
)

// TestSimulateCounts checks the streaming count tables against the public
// path datasets.Counts(datasets.Synthetic(...)), for several worker counts.
func TestSimulateCounts(t *testing.T) {
	tree, err := graphs.RegularTree(15, 3)
	if err != nil {
		t.Fatal(err)
	}
	lat, err := graphs.SquareLattice(4, false)
	if err != nil {
		t.Fatal(err)
	}
	p0 := make([]float64, lat.N)
	for i := range p0 {
		p0[i] = 2.0 / float64(lat.N)
	}
	tests := []struct {
		name     string
		g        *graphs.Graph
		T, M     int
		observed []bool
		p0       []float64
	}{
		// Single seeds, everything observed: one class per seed node.
		{"tree single seed", tree, 4, 500, nil, nil},
		// Hidden nodes: seeds among the observed, hidden rows zero.
		{"lattice hidden", lat, 6, 400, datasets.RandomObserved(lat.N, 4, 3), nil},
		// Stochastic initial condition: one class.
		{"lattice stochastic", lat, 5, 300, datasets.RandomObserved(lat.N, 3, 4), p0},
	}
	for _, tc := range tests {
		alpha := ic.ExpandAlpha(nil, tc.g, drawAlpha(tc.g.NumPairs(), 9))
		cs, err := datasets.Synthetic(tc.g, alpha, datasets.SyntheticConfig{M: tc.M, T: tc.T, Observed: tc.observed, P0: tc.p0, Seed: 42, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		want := datasets.Counts(cs, tc.observed, tc.p0 == nil, tc.p0)
		for _, w := range []int{1, 3} {
			got := simulateCounts(tc.g, alpha, tc.T, tc.M, tc.observed, tc.p0, 42, w)
			if got.N != want.N || got.T != want.T || !slices.Equal(got.Observed, want.Observed) || len(got.Classes) != len(want.Classes) {
				t.Fatalf("%s, %d workers: shape differs: %d classes, want %d", tc.name, w, len(got.Classes), len(want.Classes))
			}
			for s := range want.Classes {
				a, b := got.Classes[s], want.Classes[s]
				if a.M != b.M || !slices.Equal(a.Seeds, b.Seeds) || !slices.Equal(a.P0, b.P0) || !slices.Equal(a.Counts, b.Counts) {
					t.Errorf("%s, %d workers: class %d differs (M %d vs %d, seeds %v vs %v)", tc.name, w, s, a.M, b.M, a.Seeds, b.Seeds)
				}
			}
		}
	}
}

func TestMeanStderr(t *testing.T) {
	tests := []struct {
		v          []float64
		mean, serr float64
	}{
		{[]float64{2}, 2, math.NaN()},           // one run: no error bar
		{[]float64{1, 3}, 2, 1},                 // sd √2, /√2
		{[]float64{1, 2, 3, 4}, 2.5, 0.6454972}, // sd 1.2910, /2
	}
	for _, tc := range tests {
		m, s := meanStderr(tc.v)
		if math.Abs(m-tc.mean) > 1e-12 || (math.IsNaN(tc.serr) != math.IsNaN(s)) || (!math.IsNaN(s) && math.Abs(s-tc.serr) > 1e-6) {
			t.Errorf("meanStderr(%v) = %v, %v; want %v, %v", tc.v, m, s, tc.mean, tc.serr)
		}
	}
}

func TestDeltaP(t *testing.T) {
	tests := []struct {
		p, pStar []float64
		want     float64
	}{
		{[]float64{1, 0.5, 0.5}, []float64{1, 0.5, 0.5}, 0},   // exact
		{[]float64{1, 0.6, 0.2}, []float64{1, 0.5, 0.5}, 0.2}, // (0.1+0.3)/2
		{[]float64{0, 0}, []float64{0.5, 0.5}, 1},             // predicts nothing
	}
	for _, tc := range tests {
		if got := deltaP(tc.p, tc.pStar); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("deltaP(%v, %v) = %v, want %v", tc.p, tc.pStar, got, tc.want)
		}
	}
}

// TestPredictionErrorExactOnTree: DMP is exact on trees, so with the true
// α and enough Monte-Carlo runs both δp readings are small, and they grow
// when α is perturbed.
func TestPredictionErrorExactOnTree(t *testing.T) {
	g, err := graphs.RegularTree(10, 3)
	if err != nil {
		t.Fatal(err)
	}
	as := drawAlpha(g.NumPairs(), 5)
	truth, err := mcMarginals(context.Background(), g, ic.ExpandAlpha(nil, g, as), 5, []int{0, 3, 7}, 40000, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	dp, eq := predictionError(g, as, 1, []int{0, 3, 7}, truth, 5)
	if dp > 0.02 || eq > 0.02 {
		t.Errorf("δp with true α on a tree = %v, %v; want ≤ 0.02 (Monte-Carlo noise only)", dp, eq)
	}
	bad := slices.Clone(as)
	for i := range bad {
		bad[i] = min(1, bad[i]+0.3)
	}
	dp2, eq2 := predictionError(g, bad, 1, []int{0, 3, 7}, truth, 5)
	if dp2 < 5*dp || eq2 < 5*eq {
		t.Errorf("δp with perturbed α = %v, %v; want well above %v, %v", dp2, eq2, dp, eq)
	}
}

func TestRunJobsError(t *testing.T) {
	boom := errors.New("boom")
	var ran [20]bool
	err := runJobs(context.Background(), 3, 20, func(_ context.Context, i int) error {
		ran[i] = true
		if i == 4 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("runJobs error = %v, want boom", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := runJobs(ctx, 2, 5, func(context.Context, int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("runJobs with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestSubSeed(t *testing.T) {
	seen := map[uint64]bool{}
	for a := uint64(0); a < 4; a++ {
		for b := uint64(0); b < 4; b++ {
			s := subSeed(1, tagAlpha, a, b)
			if seen[s] {
				t.Fatalf("subSeed collision at (%d, %d)", a, b)
			}
			seen[s] = true
		}
	}
	if subSeed(1, tagAlpha, 1, 2) == subSeed(1, tagAlpha, 2, 1) {
		t.Error("subSeed ignores the order of its parts")
	}
	if subSeed(1, tagAlpha, 3) == subSeed(2, tagAlpha, 3) {
		t.Error("subSeed ignores the seed")
	}
}

// findPoint returns the point of series at x for metric.
func findPoint(t *testing.T, pts []Point, series, metric string, x float64) Point {
	t.Helper()
	for _, p := range pts {
		if p.Series == series && p.Metric == metric && p.X == x {
			return p
		}
	}
	t.Fatalf("no point %q %s x=%g", series, metric, x)
	return Point{}
}

func tinyLearn(maxIters int) slicer.Config {
	c := slicer.DefaultConfig()
	c.MaxIters = maxIters
	return c
}

func TestFig1aTiny(t *testing.T) {
	cfg := Fig1aConfig{N: 20, T: 4, Ms: []int{100, 10000}, AlphaSets: 2, Learn: tinyLearn(1000)}
	out, err := Fig1a(context.Background(), cfg, Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Points) != 4*len(cfg.Ms) {
		t.Fatalf("%d points, want %d", len(out.Points), 4*len(cfg.Ms))
	}
	for _, M := range cfg.Ms {
		x := float64(M)
		s := findPoint(t, out.Points, "SLICER", "mae", x)
		d := findPoint(t, out.Points, "DMPrec", "mae", x)
		if math.Abs(s.Mean-d.Mean) > 1e-6 {
			t.Errorf("M=%d: SLICER error %v, DMPrec %v; want equal to 1e-6", M, s.Mean, d.Mean)
		}
		if diff := findPoint(t, out.Points, "|SLICER − DMPrec|", "max_abs_diff", x); diff.Mean > 1e-6 {
			t.Errorf("M=%d: max |α_SLICER − α_DMPrec| = %v, want ≤ 1e-6", M, diff.Mean)
		}
	}
	for _, series := range []string{"SLICER", "MLE"} {
		lo := findPoint(t, out.Points, series, "mae", 100)
		hi := findPoint(t, out.Points, series, "mae", 10000)
		if !(hi.Mean < lo.Mean/3) {
			t.Errorf("%s: error %v at M=10⁴ not well below %v at M=10²", series, hi.Mean, lo.Mean)
		}
	}
}

func TestFig1bTiny(t *testing.T) {
	cfg := Fig1bConfig{Ns: []int{10, 20}, M: 100, T: 4, AlphaSets: 1,
		Methods: []string{GradMethodAdjoint, GradMethodAutodiff, GradMethodDMPrec}, MinReps: 1, Reps: 3, RepSeconds: 0.01, StopSeconds: 10}
	out, err := Fig1b(context.Background(), cfg, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Points) != 6 {
		t.Fatalf("%d points, want 6", len(out.Points))
	}
	for _, p := range out.Points {
		if !(p.Mean > 0 && p.Mean < 5) {
			t.Errorf("%s N=%g: %v s per gradient, want in (0, 5)", p.Series, p.X, p.Mean)
		}
	}
	// StopSeconds 0 stops every method after the first N.
	cfg.StopSeconds = 0
	cfg.Methods = []string{GradMethodDMPrec}
	out, err = Fig1b(context.Background(), cfg, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Points) != 1 || len(out.Notes) != 1 || !strings.Contains(out.Notes[0], "stopped after N = 10") {
		t.Errorf("with StopSeconds 0: %d points, notes %q; want 1 point and a stop note", len(out.Points), out.Notes)
	}
	cfg.Methods = []string{"bogus"}
	if _, err := Fig1b(context.Background(), cfg, Options{}); err == nil {
		t.Error("unknown method: no error")
	}
}

func tinyFig2() Fig2Config {
	return Fig2Config{N: 16, Topologies: []string{TopoTree, TopoSFTree, TopoRRG, TopoER, TopoLattice}, Ts: []int{3},
		Ms: []int{30, 3000}, Networks: 1, AlphaSets: 2, Learn: tinyLearn(300)}
}

func TestFig2Tiny(t *testing.T) {
	cfg := tinyFig2()
	out, err := Fig2(context.Background(), cfg, Options{Seed: 2, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Points) != len(cfg.Topologies)*len(cfg.Ms) {
		t.Fatalf("%d points, want %d", len(out.Points), len(cfg.Topologies)*len(cfg.Ms))
	}
	for _, topo := range cfg.Topologies {
		series := topoLabel(topo) + " T=3"
		lo := findPoint(t, out.Points, series, "mae", 30)
		hi := findPoint(t, out.Points, series, "mae", 3000)
		if !(hi.Mean < lo.Mean) || hi.Runs != 2 {
			t.Errorf("%s: error %v at M=3000 (%d runs), want below %v at M=30", series, hi.Mean, hi.Runs, lo.Mean)
		}
	}
	if len(out.Figures) != 1 || out.Figures[0].File != "fig2.png" || len(out.Figures[0].Figure.Series) != len(cfg.Topologies) {
		t.Errorf("figures: %+v", out.Figures)
	}
}

// TestDeterminism: the same seed gives the same table, except the timing
// column, for different worker counts; another seed gives another table.
func TestDeterminism(t *testing.T) {
	cfg := tinyFig2()
	cfg.Topologies = []string{TopoRRG, TopoLattice}
	cfg.Ms = []int{200}
	csv := func(seed uint64, workers int) string {
		out, err := Fig2(context.Background(), cfg, Options{Seed: seed, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		tab := out.Table()
		col := slices.Index(tab.Header, "seconds")
		var b bytes.Buffer
		for _, r := range tab.Rows {
			r = slices.Clone(r)
			r[col] = ""
			b.WriteString(strings.Join(r, ",") + "\n")
		}
		return b.String()
	}
	a, b := csv(7, 1), csv(7, 3)
	if a != b {
		t.Errorf("same seed, 1 and 3 workers:\n%s\nvs\n%s", a, b)
	}
	if c := csv(8, 2); c == a {
		t.Error("seeds 7 and 8 give the same table")
	}
}

func TestFig3Tiny(t *testing.T) {
	cfg := Fig3Config{N: 40, Topologies: []string{TopoTree, TopoRRG}, Ts: []int{4}, Ms: []int{50, 5000},
		Networks: 1, AlphaSets: 1, Hidden: []float64{0.25}, Learn: tinyLearn(300)}
	out, err := Fig3(context.Background(), cfg, Options{Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out.Points {
		if p.Hidden != 0.25 || math.IsNaN(p.Mean) {
			t.Errorf("%s M=%d: hidden %v, error %v", p.Series, p.M, p.Hidden, p.Mean)
		}
	}
	for _, topo := range cfg.Topologies {
		series := topoLabel(topo) + " T=4 ξ=25%"
		if lo, hi := findPoint(t, out.Points, series, "mae", 50), findPoint(t, out.Points, series, "mae", 5000); !(hi.Mean < lo.Mean) {
			t.Errorf("%s: error %v at M=5000, want below %v at M=50", series, hi.Mean, lo.Mean)
		}
	}
	cfg.Hidden = []float64{1}
	if _, err := Fig3(context.Background(), cfg, Options{}); err == nil {
		t.Error("hidden fraction 1: no error")
	}
}

func TestFig5Tiny(t *testing.T) {
	cfg := Fig5Config{Side: 4, T: 8, Ms: []int{10, 3000}, AlphaSets: 1, MCRuns: 3000, Sources: 6, Learn: tinyLearn(300)}
	out, err := Fig5(context.Background(), cfg, Options{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{metricDP, metricDPEq} {
		tr := findPoint(t, out.Points, dpLabel("DMP, true α*", m), m, 10)
		lo := findPoint(t, out.Points, dpLabel("DMP, α learned by SLICER", m), m, 10)
		hi := findPoint(t, out.Points, dpLabel("DMP, α learned by SLICER", m), m, 3000)
		if !(tr.Mean > 0) || math.IsNaN(lo.Mean) || math.IsInf(lo.Mean, 0) || !(hi.Mean < lo.Mean) {
			t.Errorf("%s: δp true %v, learned %v (M=10), %v (M=3000); want true > 0, learned finite and falling", m, tr.Mean, lo.Mean, hi.Mean)
		}
	}
	if a := findPoint(t, out.Points, "SLICER", "mae", 3000); !(a.Mean > 0 && a.Mean < 0.5) {
		t.Errorf("α error at M=3000 = %v", a.Mean)
	}
	if len(out.Figures) != 2 {
		t.Errorf("%d figures, want 2", len(out.Figures))
	}
}

func TestFig6Tiny(t *testing.T) {
	cfg := Fig6Config{Side: 4, T: 8, AlphaSets: 1, MCRuns: 2000, Sources: 5, M: 2000, Hidden: []float64{0, 0.25}, MaxReplicas: 2,
		Learn: tinyLearn(60)}
	out, err := Fig6(context.Background(), cfg, Options{Seed: 6})
	if err != nil {
		t.Fatal(err)
	}
	if want := (len(cfg.Hidden) + 1) * 2 * cfg.MaxReplicas; len(out.Points) != want {
		t.Fatalf("%d points, want %d", len(out.Points), want)
	}
	for _, p := range out.Points {
		if !(p.Mean > 0) || math.IsInf(p.Mean, 0) {
			t.Errorf("%s R=%g: δp = %v", p.Series, p.X, p.Mean)
		}
		if p.Method == "slicer" && p.Iters == 0 {
			t.Errorf("%s R=%g: no iterations recorded", p.Series, p.X)
		}
	}
}

func TestRealTiny(t *testing.T) {
	cfg := DefaultReal(Quick)
	cfg.Ms = []int{200}
	cfg.Hidden = []float64{0.25}
	cfg.Runs = 1
	cfg.Learn.MaxIters = 5
	// Absent data (an empty folder, or none given): a note and no points,
	// not an error.
	for _, dir := range []string{t.TempDir(), ""} {
		out, err := Real(context.Background(), cfg, Options{DataDir: dir})
		if err != nil {
			t.Fatalf("DataDir %q: %v", dir, err)
		}
		if len(out.Points) != 0 || len(out.Notes) != 1 || !strings.Contains(out.Notes[0], "skipping as-22july06") {
			t.Errorf("DataDir %q: %d points, notes %q", dir, len(out.Points), out.Notes)
		}
	}
	dir := filepath.Dir(filepath.Dir(filepath.Dir(shared.Path(t, "graphs", "as-22july06", "as-22july06.gml"))))
	out, err := Real(context.Background(), cfg, Options{Seed: 1, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Points) != 2 {
		t.Fatalf("%d points, want 2 (start and learned)", len(out.Points))
	}
	start := findPoint(t, out.Points, "as-22july06, start α=0.1", "mae", 200)
	p := findPoint(t, out.Points, "as-22july06 ξ=25%", "mae", 200)
	if p.N != 22963 || p.Params != 48436 || !(p.Mean > 0 && p.Mean < 0.5) || p.Iters != 5 || p.Mean == start.Mean {
		t.Errorf("as-22july06: N %d, %d params, error %v (start %v), %v iterations", p.N, p.Params, p.Mean, start.Mean, p.Iters)
	}
}

func TestOutputWrite(t *testing.T) {
	out := &Output{Name: "demo", Config: map[string]int{"n": 3}, Seed: 9,
		Points: []Point{{Series: "a", Method: "slicer", N: 3, T: 4, M: 10, X: 10, Metric: "mae", Mean: 0.5, Stderr: math.NaN(), Runs: 1}},
		Notes:  []string{"hello"}}
	out.Figures = []FigureFile{figureSpec{file: "demo.png", metric: "mae", logX: true}.build(out.Points)}
	dir := filepath.Join(t.TempDir(), "sub")
	if err := out.Write(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "demo.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := "series,method,graph,n,params,t,t_code,hidden,m,replicas,x,metric,mean,stderr,n_runs,failures,at_limit,iters,seconds\n" +
		"a,slicer,,3,0,4,5,0,10,0,10,mae,0.5,NaN,1,0,0,0,0\n"
	if string(b) != want {
		t.Errorf("demo.csv =\n%s\nwant\n%s", b, want)
	}
	for _, f := range []string{"demo_config.json", "demo.png", "demo_notes.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestLookupAndScale(t *testing.T) {
	for _, name := range []string{"fig1a", "fig1b", "fig2", "fig3", "fig5", "fig6", "real"} {
		if e, ok := Lookup(name); !ok || e.Run == nil || e.Long == "" {
			t.Errorf("Lookup(%q) = %v", name, ok)
		}
	}
	if _, ok := Lookup("fig4"); ok {
		t.Error("Lookup(fig4) found an experiment")
	}
	if _, err := ParseScale("huge"); err == nil {
		t.Error("ParseScale(huge): no error")
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fig2(ctx, tinyFig2(), Options{Seed: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("Fig2 with a cancelled context: %v, want context.Canceled", err)
	}
}
