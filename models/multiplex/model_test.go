package multiplex_test

import (
	"bufio"
	"encoding/csv"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/shared"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/im"
)

var (
	_ im.Oracle = (*diffusion.MC)(nil)
	_ im.Oracle = (*multiplex.DMP)(nil)
)

// mux builds a multiplex on n nodes from per-layer edge lists "u v".
func mux(t testing.TB, n int, layers ...[][2]int) *graphs.Multiplex {
	t.Helper()
	var gs []*graphs.Graph
	var names []string
	for i, l := range layers {
		var src, dst []int
		for _, e := range l {
			src, dst = append(src, e[0]), append(dst, e[1])
		}
		g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		gs, names = append(gs, g), append(names, strconv.Itoa(i+1))
	}
	m, err := graphs.NewMultiplex(names, gs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ones(k int) []float64 {
	x := make([]float64, k)
	for i := range x {
		x[i] = 1
	}
	return x
}

// TestReachRounds: a hand-checked cascade through both layers. Layer 1 (IC,
// p = 1): 0→1, 2→3. Layer 2 (LT, weights 1/2, θ = 0.5): 1→2, 4→2, 3→5.
// From {0}: round 1 activates 1 (layer 1), round 2 activates 2 in layer 2
// (half its in-weight), round 3 activates 3 (layer 1, overlapping
// activation carried 2 over), round 4 activates 5 (weight 1 ≥ 0.5).
func TestReachRounds(t *testing.T) {
	m := mux(t, 6, [][2]int{{0, 1}, {2, 3}}, [][2]int{{1, 2}, {4, 2}, {3, 5}})
	want := []int32{0, 1, 2, 3, 5}
	for rounds := 0; rounds <= 5; rounds++ {
		md, err := multiplex.New(m, []multiplex.Layer{{Kind: multiplex.IC, Values: ones(2)}, {Kind: multiplex.LT}},
			&multiplex.Config{ThetaLo: 0.5, ThetaHi: 0.5, Rounds: rounds})
		if err != nil {
			t.Fatal(err)
		}
		got := md.NewSimulator().Reach(nil, diffusion.NewWorld(1, 2, 3), []int{0})
		w := want
		if rounds > 0 && rounds < 4 {
			w = want[:rounds+1]
		}
		if !slices.Equal(got, w) {
			t.Errorf("rounds %d: Reach = %v, want %v", rounds, got, w)
		}
	}
}

// TestLTThresholdDistribution: node 2 has in-weights 0.7 (from 0) and 0.3
// (from 1) in one LT layer; from {0} it activates iff θ ≤ 0.7, probability
// (0.7−0.5)/0.4 = 1/2 under the default U[0.5, 0.9]; from {1} never
// (0.3 < 0.5). Tolerance: 4 standard errors of 20000 runs.
func TestLTThresholdDistribution(t *testing.T) {
	m := mux(t, 3, [][2]int{{0, 2}, {1, 2}})
	md, err := multiplex.New(m, []multiplex.Layer{{Kind: multiplex.LT, Values: []float64{0.7, 0.3}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := multiplex.MustMC(md, 20000, 5, 0)
	mean, se := o.Spread([]int{0})
	if math.Abs(mean-1.5) > 4*se || se > 0.01 {
		t.Errorf("σ({0}) = %v ± %v, want 1.5", mean, se)
	}
	if mean, _ := o.Spread([]int{1}); mean != 1 {
		t.Errorf("σ({1}) = %v, want 1", mean)
	}
	if mean, _ := o.Spread([]int{0, 1}); mean != 3 {
		t.Errorf("σ({0,1}) = %v, want 3 (0.7+0.3 = 1 ≥ θ)", mean)
	}
}

// randomMux is a k-layer multiplex of random digraphs on n nodes.
func randomMux(t testing.TB, n, k, m int, seed uint64) *graphs.Multiplex {
	var layers [][][2]int
	s := seed
	next := func() int { s = s*6364136223846793005 + 1442695040888963407; return int(s >> 33) }
	for i := 0; i < k; i++ {
		var l [][2]int
		for j := 0; j < m; j++ {
			l = append(l, [2]int{next() % n, next() % n})
		}
		layers = append(layers, l)
	}
	return mux(t, n, layers...)
}

// TestMCDeterministic: the estimate is bit-identical for 1 and 4 workers
// and GOMAXPROCS 1 and 4, and for any seed order.
func TestMCDeterministic(t *testing.T) {
	m := randomMux(t, 300, 3, 900, 7)
	md, err := multiplex.New(m, []multiplex.Layer{{Kind: multiplex.IC}, {Kind: multiplex.LT}, {Kind: multiplex.IC}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	seeds := []int{3, 50, 7, 199}
	ref, refSE := multiplex.MustMC(md, 300, 9, 1).Spread(seeds)
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	for _, w := range []int{0, 2, 4} {
		got, se := multiplex.MustMC(md, 300, 9, w).Spread([]int{199, 7, 3, 50, 3})
		if got != ref || se != refSE {
			t.Errorf("workers %d: %v ± %v, want %v ± %v", w, got, se, ref, refSE)
		}
	}
	runtime.GOMAXPROCS(1)
	if got, _ := multiplex.MustMC(md, 300, 9, 0).Spread(seeds); got != ref {
		t.Errorf("GOMAXPROCS 1: %v, want %v", got, ref)
	}
	if got, _ := multiplex.MustMC(md, 300, 10, 0).Spread(seeds); got == ref {
		t.Errorf("seed 10 gives the same estimate %v as seed 9", got)
	}
}

// TestAllICMatchesUnion: an all-IC multiplex equals IC on the union graph
// with p = 1 − Π(1 − p_i) (models/ic, independent worlds); tolerance 4
// combined standard errors of 20000 runs each.
func TestAllICMatchesUnion(t *testing.T) {
	m := randomMux(t, 60, 3, 120, 11)
	md, err := multiplex.New(m, []multiplex.Layer{{Kind: multiplex.IC}, {Kind: multiplex.IC}, {Kind: multiplex.IC}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	u, p, err := md.UnionIC()
	if err != nil {
		t.Fatal(err)
	}
	icm, err := ic.NewModel(u, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, seeds := range [][]int{{0}, {5, 17}, {1, 2, 3, 4}} {
		a, sa := multiplex.MustMC(md, 20000, 1, 0).Spread(seeds)
		b, sb := (&im.MC{Model: icm, Runs: 20000, Seed: 2}).Spread(seeds)
		if d := math.Abs(a - b); d > 4*math.Hypot(sa, sb) {
			t.Errorf("seeds %v: multiplex %v ± %v, union IC %v ± %v", seeds, a, sa, b, sb)
		}
	}
	mlt, _ := multiplex.New(m, []multiplex.Layer{{Kind: multiplex.IC}, {Kind: multiplex.LT}, {Kind: multiplex.IC}}, nil)
	if _, err := multiplex.NewDMP(mlt, 5); err == nil {
		t.Error("NewDMP accepted an LT layer")
	}
}

// TestDMPExactOnTree: when the union is a directed tree (split over two
// layers, with one edge in both), DMP equals the exact spread; MC agrees
// within 4 standard errors of 40000 runs.
func TestDMPExactOnTree(t *testing.T) {
	// tree 0→1, 0→2, 1→3, 1→4, 2→5; layer 1 has 0→1, 1→3, 2→5; layer 2 has 0→1, 0→2, 1→4.
	m := mux(t, 6, [][2]int{{0, 1}, {1, 3}, {2, 5}}, [][2]int{{0, 1}, {0, 2}, {1, 4}})
	l1, l2 := []float64{0.5, 0.4, 0.9}, []float64{0.5, 0.6, 0.3}
	md, err := multiplex.New(m, []multiplex.Layer{{Kind: multiplex.IC, Values: l1}, {Kind: multiplex.IC, Values: l2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// exact: p01 = 0.75, p02 = 0.6; σ({0}) = 1 + 0.75(1 + 0.4 + 0.3) + 0.6(1 + 0.9)
	want := 1 + 0.75*1.7 + 0.6*1.9
	d, err := multiplex.NewDMP(md, 6)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Spread([]int{0}); math.Abs(got-want) > 1e-12 {
		t.Errorf("DMP σ({0}) = %v, want %v", got, want)
	}
	mean, se := multiplex.MustMC(md, 40000, 3, 0).Spread([]int{0})
	if math.Abs(mean-want) > 4*se {
		t.Errorf("MC σ({0}) = %v ± %v, want %v", mean, se, want)
	}
}

// TestNewErrors: bad inputs are errors, not panics.
func TestNewErrors(t *testing.T) {
	m := mux(t, 3, [][2]int{{0, 2}, {1, 2}})
	for name, tc := range map[string]struct {
		l   []multiplex.Layer
		cfg *multiplex.Config
	}{
		"count":   {[]multiplex.Layer{{}, {}}, nil},
		"length":  {[]multiplex.Layer{{Values: []float64{1}}}, nil},
		"range":   {[]multiplex.Layer{{Values: []float64{1, 1.5}}}, nil},
		"ltsum":   {[]multiplex.Layer{{Kind: multiplex.LT, Values: []float64{0.7, 0.7}}}, nil},
		"theta":   {[]multiplex.Layer{{}}, &multiplex.Config{ThetaLo: 0.9, ThetaHi: 0.5}},
		"rounds":  {[]multiplex.Layer{{}}, &multiplex.Config{Rounds: -1}},
		"unknown": {[]multiplex.Layer{{Kind: 7}}, nil},
	} {
		if _, err := multiplex.New(m, tc.l, tc.cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := multiplex.ParseKind("sir"); err == nil {
		t.Error("ParseKind accepted sir")
	}
}

// TestSub: Sub(i) simulates layer i alone.
func TestSub(t *testing.T) {
	m := mux(t, 4, [][2]int{{0, 1}}, [][2]int{{1, 2}, {2, 3}})
	md, _ := multiplex.New(m, []multiplex.Layer{{Values: ones(1)}, {Values: ones(2)}}, nil)
	w := diffusion.NewWorld(0, 0, 0)
	if got := md.Sub(0).NewSimulator().Reach(nil, w, []int{0}); !slices.Equal(got, []int32{0, 1}) {
		t.Errorf("Sub(0) from 0: %v", got)
	}
	if got := md.Sub(1).NewSimulator().Reach(nil, w, []int{0}); !slices.Equal(got, []int32{0}) {
		t.Errorf("Sub(1) from 0: %v", got)
	}
	if got := md.NewSimulator().Reach(nil, w, []int{0}); !slices.Equal(got, []int32{0, 1, 2, 3}) {
		t.Errorf("both from 0: %v", got)
	}
}

// TestCompatXenopus holds the released MIM-Reasoner code's published
// Xenopus spreads (Output/Xenopus_mean_LT50.csv): one LT round, θ = 0.5,
// undirected union, seed ids read as positions in the union's node
// insertion order: ISF 180, KSN 145, MIM-Reasoner 174/176 (and the failed
// runs 101, 98). With ids read as ids: 44, 37, 46, 45; to quiescence
// 220/187/211/213 (positions) and 46/40/49/48 (ids). Exact: the compat
// model is deterministic.
func TestCompatXenopus(t *testing.T) {
	dir := shared.Path(t, "multiplex", "MIM-Reasoner-derived")
	m, _, err := graphs.ReadMultiplexFile(dir+"/xenopus_mim_reasoner.edges", graphs.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var order []int
	f, err := os.Open(dir + "/xenopus_union_node_order.txt")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 2 || strings.HasPrefix(fs[0], "#") {
			continue
		}
		i, err := m.Layers[0].IndexOf(fs[1])
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, i)
	}
	f.Close()
	if len(order) != m.N() {
		t.Fatalf("node order has %d nodes, multiplex %d", len(order), m.N())
	}
	cf, err := os.Open(dir + "/xenopus_seed_sets.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer cf.Close()
	rows, err := csv.NewReader(cf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	one, _ := multiplex.NewCompat(m, 1)
	all, _ := multiplex.NewCompat(m, 0)
	// per row: published, ids (1 round), positions to quiescence, ids to quiescence
	want := [][4]int{{180, 44, 220, 46}, {145, 37, 187, 40}, {180, 44, 220, 46}, {174, 46, 211, 49},
		{101, 62, 114, 80}, {98, 69, 107, 98}, {174, 46, 211, 49}, {176, 45, 213, 48}}
	if len(rows) != len(want)+1 {
		t.Fatalf("%d rows", len(rows))
	}
	spread := func(md *multiplex.Model, seeds []int) int {
		got, _ := multiplex.MustMC(md, 10, 1, 0).Spread(seeds)
		return int(got)
	}
	for r, row := range rows[1:] {
		var ids []int
		for _, s := range strings.Split(strings.Trim(row[6], "[]"), ",") {
			x, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, x)
		}
		pub, _ := strconv.ParseFloat(row[7], 64)
		pos, err := multiplex.FromPositions(order, ids)
		if err != nil {
			t.Fatal(err)
		}
		byID := make([]int, len(ids))
		for j, x := range ids {
			byID[j], _ = m.Layers[0].IndexOf(strconv.Itoa(x))
		}
		got := [4]int{spread(one, pos), spread(one, byID), spread(all, pos), spread(all, byID)}
		if got != want[r] || float64(got[0]) != pub {
			t.Errorf("row %d (%s): got %v, want %v (published %v)", r+1, row[0], got, want[r], pub)
		}
	}
}
