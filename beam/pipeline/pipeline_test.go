package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/experiments"
	"github.com/spread-dev/spread/models/cic"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/im"
)

func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	os.Exit(m.Run())
}

// instance writes a random undirected graph (SNAP edge list) and its "u v
// alpha" file into dir and returns the graph and both paths.
func instance(t *testing.T, dir string) (g *graphs.Graph, graphPath, alphaPath string) {
	t.Helper()
	g, err := graphs.ErdosRenyi(60, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	graphPath, alphaPath = filepath.Join(dir, "g.txt"), filepath.Join(dir, "alpha.txt")
	if err := graphs.WriteSNAPFile(graphPath, g); err != nil {
		t.Fatal(err)
	}
	th := make([]float64, ic.NumParams(g))
	for p := range th {
		th[p] = 0.1 + 0.8*float64((p*37)%11)/11
	}
	if err := datasets.WriteEdgeValuesFile(alphaPath, g, th); err != nil {
		t.Fatal(err)
	}
	// Read back as the workers will.
	g, err = GraphSpec{Path: graphPath}.Load()
	if err != nil {
		t.Fatal(err)
	}
	return g, graphPath, alphaPath
}

// TestMCEqualsSingleMachine: the MC pipeline on Prism writes, for every
// source set, the file `spread ic predict -method mc` writes with the same
// seed (the same library calls: Simulator.Marginals, WriteMarginalsFile),
// byte for byte, for several shard counts.
func TestMCEqualsSingleMachine(t *testing.T) {
	dir := t.TempDir()
	g, gp, ap := instance(t, dir)
	const T, K, seed = 6, 3000, 17
	sources := [][]string{{g.ID(0)}, {g.ID(5), g.ID(9)}, {g.ID(59)}}
	th, err := datasets.ReadEdgeValuesFile(ap, g, true)
	if err != nil {
		t.Fatal(err)
	}
	sim := ic.NewSimulator(g, ic.ExpandAlpha(nil, g, th), T)
	var want [][]byte
	for k, ids := range sources {
		s, err := ParseNodeSet(g, strings.Join(ids, ","))
		if err != nil {
			t.Fatal(err)
		}
		ref := filepath.Join(dir, fmt.Sprintf("ref%d.csv", k))
		if err := datasets.WriteMarginalsFile(ref, g, sim.Marginals(nil, ic.SeedSet(s...), K, seed, runtime.GOMAXPROCS(0)), T); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(ref)
		want = append(want, b)
	}
	for _, shards := range []int{1, 7} {
		cfg := MCConfig{Graph: GraphSpec{Path: gp}, Alpha: ap, T: T, Samples: K, Seed: seed, Sources: sources, Shards: shards, Workers: 1}
		for k := range sources {
			cfg.Out = append(cfg.Out, filepath.Join(dir, fmt.Sprintf("shards%d-set%d.csv", shards, k)))
		}
		if err := RunMC(context.Background(), RunOptions{}, cfg); err != nil {
			t.Fatal(err)
		}
		for k, out := range cfg.Out {
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want[k]) {
				t.Errorf("%d shards, source set %d: pipeline output differs from the single-machine file", shards, k)
			}
		}
	}
}

// TestEvalEqualsSingleMachine: the eval pipeline gives im eval's mean and
// standard error (MC.Spread with the same runs and seed) bit for bit.
func TestEvalEqualsSingleMachine(t *testing.T) {
	dir := t.TempDir()
	g, gp, ap := instance(t, dir)
	sets := [][]string{{g.ID(1)}, {g.ID(2), g.ID(30), g.ID(44)}, {g.ID(7), g.ID(8)}}
	const R, seed = 2000, 3
	for _, model := range []string{"IC", "LT"} {
		probs := ProbSpec{File: ap}
		if model == "LT" {
			probs = ProbSpec{WC: true}
		}
		cfg := EvalConfig{Graph: GraphSpec{Path: gp}, Probs: probs, Model: model, SeedSets: sets, Runs: R, Seed: seed,
			Shards: 5, Workers: 1, Out: filepath.Join(dir, model+".csv")}
		if err := RunEval(context.Background(), RunOptions{}, cfg); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(cfg.Out)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) != len(sets)+1 || lines[0] != "set,size,spread,stderr" {
			t.Fatalf("%s: output\n%s", model, b)
		}
		p, err := probs.EdgeProbs(g)
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewModel(g, p, model)
		if err != nil {
			t.Fatal(err)
		}
		for k, ids := range sets {
			s, _ := ParseNodeSet(g, strings.Join(ids, " "))
			wm, ws := (&im.MC{Model: m, Runs: R, Seed: seed}).Spread(s)
			f := strings.Split(lines[k+1], ",")
			gm, _ := strconv.ParseFloat(f[2], 64)
			gs, _ := strconv.ParseFloat(f[3], 64)
			if f[0] != strconv.Itoa(k+1) || gm != wm || gs != ws {
				t.Errorf("%s set %d: pipeline %s, im eval %v %v", model, k+1, lines[k+1], wm, ws)
			}
		}
	}
}

// TestSweepEqualsExperiment: the sweep pipeline writes the CSV of the
// single-machine experiment run with the same configuration (timing
// column aside), for fig2 and fig3.
func TestSweepEqualsExperiment(t *testing.T) {
	for _, tc := range []struct {
		name string
		grid map[string]any
	}{
		{"fig2", map[string]any{"n": 16, "topologies": []string{"tree", "rrg"}, "ts": []int{3}, "ms": []int{40, 400}, "networks": 1, "alpha_sets": 2}},
		{"fig3", map[string]any{"n": 20, "topologies": []string{"rrg"}, "ts": []int{3}, "ms": []int{60}, "networks": 1, "alpha_sets": 2, "hidden": []float64{0, 0.2}}},
	} {
		sw, err := experiments.NewSweep(tc.name, experiments.Quick, mustJSON(t, tc.grid))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		cfg := SweepConfig{Sweep: *sw, Seed: 9, Workers: 1, Out: filepath.Join(dir, "beam")}
		if err := RunSweep(context.Background(), RunOptions{}, cfg); err != nil {
			t.Fatal(err)
		}
		full, err := runFull(tc.name, sw.Config, experiments.Options{Seed: 9, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		if err := full.Write(filepath.Join(dir, "single")); err != nil {
			t.Fatal(err)
		}
		a := readWithoutTiming(t, filepath.Join(dir, "beam", tc.name+".csv"))
		b := readWithoutTiming(t, filepath.Join(dir, "single", tc.name+".csv"))
		if a != b || strings.Count(a, "\n") != len(full.Points)+1 {
			t.Errorf("%s: pipeline CSV\n%s\nsingle machine\n%s", tc.name, a, b)
		}
		ca, _ := os.ReadFile(filepath.Join(dir, "beam", tc.name+"_config.json"))
		cb, _ := os.ReadFile(filepath.Join(dir, "single", tc.name+"_config.json"))
		if !bytes.Equal(ca, cb) {
			t.Errorf("%s: config\n%s\nvs\n%s", tc.name, ca, cb)
		}
	}
}

func runFull(name string, cfg []byte, opt experiments.Options) (*experiments.Output, error) {
	switch name {
	case "fig2":
		var c experiments.Fig2Config
		if err := json.Unmarshal(cfg, &c); err != nil {
			return nil, err
		}
		return experiments.Fig2(context.Background(), c, opt)
	}
	var c experiments.Fig3Config
	if err := json.Unmarshal(cfg, &c); err != nil {
		return nil, err
	}
	return experiments.Fig3(context.Background(), c, opt)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readWithoutTiming returns a CSV with its last column (seconds) blanked.
func readWithoutTiming(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		out.WriteString(l[:strings.LastIndexByte(l, ',')] + "\n")
	}
	return out.String()
}

// TestUnreachableEndpoint: a job server that is not there fails fast with
// a clear message.
func TestUnreachableEndpoint(t *testing.T) {
	err := CheckEndpoint(context.Background(), "127.0.0.1:1", 0)
	if err == nil || !strings.Contains(err.Error(), "job server unreachable") {
		t.Errorf("closed port: %v", err)
	}
	// A black-holed address (TEST-NET-1, RFC 5737) times out at the limit.
	err = CheckEndpoint(context.Background(), "192.0.2.1:8099", 300_000_000)
	if err == nil || !strings.Contains(err.Error(), "within 300ms") {
		t.Errorf("black hole: %v", err)
	}
	if err := CheckEndpoint(context.Background(), "nohostport", 0); err == nil || !strings.Contains(err.Error(), "HOST:PORT") {
		t.Errorf("bad endpoint: %v", err)
	}
}

// TestCICEqualsSingleMachine: the continuous-time ground truth on Prism
// writes the same bytes as cic.Simulator.Marginals (the computation of
// spread cic truth) for 1 and 5 shards.
func TestCICEqualsSingleMachine(t *testing.T) {
	dir := t.TempDir()
	g, gp, _ := instance(t, dir)
	const T, K, seed = 4.0, 2000, 23
	d := cic.Exponential()
	p, err := cic.RandomParams(g, d, cic.DefaultRanges(), seed)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := cic.NewSimulator(g, d, p, T)
	if err != nil {
		t.Fatal(err)
	}
	grid := []float64{0, 1, 2, 3, 4}
	sources := [][]string{{g.ID(0)}, {g.ID(3), g.ID(8)}}
	var want [][]byte
	for k, ids := range sources {
		s, err := ParseNodeSet(g, strings.Join(ids, ","))
		if err != nil {
			t.Fatal(err)
		}
		marg, err := sim.Marginals(nil, s, grid, K, seed, 2)
		if err != nil {
			t.Fatal(err)
		}
		ref := filepath.Join(dir, fmt.Sprintf("cref%d.csv", k))
		if err := datasets.WriteMarginalsFile(ref, g, marg, len(grid)); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(ref)
		want = append(want, b)
	}
	for _, shards := range []int{1, 5} {
		cfg := CICConfig{Graph: GraphSpec{Path: gp}, Model: "exp", T: T, Samples: K, Seed: seed, Sources: sources, Shards: shards, Workers: 1}
		for k := range sources {
			cfg.Out = append(cfg.Out, filepath.Join(dir, fmt.Sprintf("cic%d-set%d.csv", shards, k)))
		}
		if err := RunCIC(context.Background(), RunOptions{}, cfg); err != nil {
			t.Fatal(err)
		}
		for k, out := range cfg.Out {
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want[k]) {
				t.Errorf("%d shards, source set %d: pipeline output differs from the single-machine file", shards, k)
			}
		}
	}
}
