package graphs_test

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// genCountTests fixes node and edge counts the models determine exactly.
// pairs is the number of undirected edges (NumPairs) for undirected kinds and
// the number of directed edges for kronecker; -1 means "random, not fixed".
var genCountTests = []struct {
	name     string
	kind     string
	n        int
	opts     graphs.GenOptions
	pairs    int
	directed bool
}{
	// Trees: n−1 edges.
	{"tree N=20 d=3 (SLICER Fig. 1a)", "tree", 20, graphs.GenOptions{}, 19, false},
	{"tree N=100 d=4", "tree", 100, graphs.GenOptions{Degree: 4}, 99, false},
	{"tree N=1", "tree", 1, graphs.GenOptions{}, 0, false},
	{"tree N=0", "tree", 0, graphs.GenOptions{}, 0, false},
	{"sftree N=100", "sftree", 100, graphs.GenOptions{Seed: 1}, 99, false},
	{"sftree N=2", "sftree", 2, graphs.GenOptions{Seed: 1}, 1, false},
	{"sftree N=1", "sftree", 1, graphs.GenOptions{Seed: 1}, 0, false},
	// RRG: n·d/2 edges.
	{"rrg N=100 d=3 (SLICER Fig. 2)", "rrg", 100, graphs.GenOptions{Seed: 1}, 150, false},
	{"rrg N=1000 d=4", "rrg", 1000, graphs.GenOptions{Degree: 4, Seed: 2}, 2000, false},
	{"rrg N=100000 d=3", "rrg", 100000, graphs.GenOptions{Degree: 3, Seed: 3}, 150000, false},
	{"rrg N=4 d=3 is K4", "rrg", 4, graphs.GenOptions{Degree: 3, Seed: 4}, 6, false},
	{"rrg N=10 d=9 is K10 (complement path)", "rrg", 10, graphs.GenOptions{Degree: 9, Seed: 5}, 45, false},
	{"rrg N=12 d=7 (complement path)", "rrg", 12, graphs.GenOptions{Degree: 7, Seed: 6}, 42, false},
	{"rrg N=20 d=5", "rrg", 20, graphs.GenOptions{Degree: 5, Seed: 7}, 50, false},
	// ER: random edge count.
	{"er N=100 mean 3 (SLICER Fig. 2)", "er", 100, graphs.GenOptions{Seed: 1}, -1, false},
	{"er N=5 mean 4 is K5 (p = 1)", "er", 5, graphs.GenOptions{Degree: 4, Seed: 1}, 10, false},
	// Lattice: 2·side·(side−1) open, 2n periodic for side ≥ 3.
	{"lattice N=100 open (SLICER Fig. 2, 5)", "lattice", 100, graphs.GenOptions{}, 180, false},
	{"lattice N=100 periodic", "lattice", 100, graphs.GenOptions{Periodic: true}, 200, false},
	{"lattice N=9 periodic", "lattice", 9, graphs.GenOptions{Periodic: true}, 18, false},
	{"lattice N=4 periodic: wrap duplicates dropped", "lattice", 4, graphs.GenOptions{Periodic: true}, 4, false},
	{"lattice N=1 periodic: wrap self-loops dropped", "lattice", 1, graphs.GenOptions{Periodic: true}, 0, false},
	// BA: m(n−m−1) + m(m+1)/2.
	{"ba N=100 m=2", "ba", 100, graphs.GenOptions{Seed: 1}, 2*97 + 3, false},
	{"ba N=500 m=1", "ba", 500, graphs.GenOptions{Degree: 1, Seed: 1}, 499, false},
	{"ba N=50 m=5", "ba", 50, graphs.GenOptions{Degree: 5, Seed: 1}, 5*44 + 15, false},
	{"ba N=4 m=3 is the seed clique", "ba", 4, graphs.GenOptions{Degree: 3, Seed: 1}, 6, false},
	// Kronecker: exactly round(n·d) directed edges.
	{"kronecker N=1024 d=2 hier", "kronecker", 1024, graphs.GenOptions{Seed: 1}, 2048, true},
	{"kronecker N=1024 d=3 core", "kronecker", 1024, graphs.GenOptions{Degree: 3, Initiator: "core", Seed: 1}, 3072, true},
	{"kronecker N=1024 d=2.5 rand", "kronecker", 1024, graphs.GenOptions{Degree: 2.5, Initiator: "rand", Seed: 1}, 2560, true},
	{"kronecker N=8 complete (56 edges)", "kronecker", 8, graphs.GenOptions{Degree: 7, Initiator: "rand", Seed: 1}, 56, true},
}

func TestGenerateCounts(t *testing.T) {
	for _, tc := range genCountTests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := graphs.Generate(tc.kind, tc.n, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if g.N != tc.n {
				t.Errorf("N = %d, want %d", g.N, tc.n)
			}
			if g.Undirected() == tc.directed {
				t.Errorf("Undirected() = %v, want %v", g.Undirected(), !tc.directed)
			}
			if tc.pairs >= 0 && g.NumPairs() != tc.pairs {
				t.Errorf("NumPairs = %d, want %d", g.NumPairs(), tc.pairs)
			}
			if !tc.directed && g.NumEdges() != 2*g.NumPairs() {
				t.Errorf("undirected graph has %d directed edges for %d pairs", g.NumEdges(), g.NumPairs())
			}
			genCheckSimple(t, g)
			if g.N > 0 {
				last := strconv.Itoa(g.N - 1)
				if g.ID(g.N-1) != last {
					t.Errorf("ID(%d) = %q, want %q", g.N-1, g.ID(g.N-1), last)
				}
				if i, ok := g.Index(last); !ok || i != g.N-1 {
					t.Errorf("Index(%q) = %d, %v", last, i, ok)
				}
			}
		})
	}
}

// genCheckSimple fails on a self-loop or a repeated directed edge.
func genCheckSimple(t *testing.T, g *graphs.Graph) {
	t.Helper()
	for e := range g.NumEdges() {
		if g.Src[e] == g.Dst[e] {
			t.Fatalf("self-loop on node %d (edge %d)", g.Src[e], e)
		}
		if e > 0 && g.Src[e] == g.Src[e-1] && g.Dst[e] == g.Dst[e-1] {
			t.Fatalf("duplicate edge %d→%d", g.Src[e], g.Dst[e])
		}
	}
}

// genDegree returns the number of neighbours of u (out-degree of an
// undirected graph).
func genDegree(g *graphs.Graph, u int) int { return g.OutDegree(u) }

// genConnected reports whether an undirected graph is connected, by BFS from 0.
func genConnected(g *graphs.Graph) bool {
	if g.N == 0 {
		return true
	}
	seen := make([]bool, g.N)
	queue := []int{0}
	seen[0] = true
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range g.Dst[g.OutOff[u]:g.OutOff[u+1]] {
			if !seen[v] {
				seen[v] = true
				queue = append(queue, v)
			}
		}
	}
	return !slices.Contains(seen, false)
}

func TestRegularTreeStructure(t *testing.T) {
	// Provenance: BFS construction by hand; e.g. n=20, d=3 has levels of
	// 1, 3, 6, 10 nodes and node 8 is the last parent.
	tests := []struct{ n, d int }{{20, 3}, {100, 3}, {5, 3}, {4, 3}, {2, 3}, {50, 2}, {200, 5}, {1000, 3}}
	for _, tc := range tests {
		g, err := graphs.RegularTree(tc.n, tc.d)
		if err != nil {
			t.Fatal(err)
		}
		if g.NumPairs() != tc.n-1 || !genConnected(g) {
			t.Errorf("RegularTree(%d,%d): %d edges, connected %v; want a tree", tc.n, tc.d, g.NumPairs(), genConnected(g))
		}
		short := 0 // nodes with children but degree < d
		for u := range g.N {
			deg := genDegree(g, u)
			if deg > tc.d {
				t.Errorf("RegularTree(%d,%d): node %d has degree %d > d", tc.n, tc.d, u, deg)
			}
			children := deg - 1
			if u == 0 {
				children = deg
			}
			if children > 0 && deg < tc.d {
				short++
			}
			// BFS order: every neighbour of u except its parent is larger.
			smaller := 0
			for _, v := range g.Dst[g.OutOff[u]:g.OutOff[u+1]] {
				if v < u {
					smaller++
				}
			}
			if (u == 0 && smaller != 0) || (u > 0 && smaller != 1) {
				t.Errorf("RegularTree(%d,%d): node %d has %d smaller neighbours", tc.n, tc.d, u, smaller)
			}
		}
		if short > 1 {
			t.Errorf("RegularTree(%d,%d): %d internal nodes with degree < d, want ≤ 1", tc.n, tc.d, short)
		}
	}
	// Hand-checked: n=20, d=3. Internal nodes 0..8 have degree 3, 9..19 are leaves.
	g, _ := graphs.RegularTree(20, 3)
	for u := range 20 {
		want := 1
		if u <= 8 {
			want = 3
		}
		if genDegree(g, u) != want {
			t.Errorf("RegularTree(20,3): degree(%d) = %d, want %d", u, genDegree(g, u), want)
		}
	}
}

func TestScaleFreeAndBAStructure(t *testing.T) {
	for _, tc := range []struct{ n, m int }{{100, 1}, {1000, 1}, {1000, 2}, {300, 4}} {
		for seed := range uint64(3) {
			g, err := graphs.BarabasiAlbert(tc.n, tc.m, seed)
			if err != nil {
				t.Fatal(err)
			}
			if !genConnected(g) {
				t.Errorf("BarabasiAlbert(%d,%d,%d) is disconnected", tc.n, tc.m, seed)
			}
			minDeg, maxDeg, _ := g.DegreeStats()
			if minDeg < tc.m {
				t.Errorf("BarabasiAlbert(%d,%d,%d): min degree %d < m", tc.n, tc.m, seed, minDeg)
			}
			// Preferential attachment grows hubs: for n=1000 the largest
			// degree is far above the mean 2m (typically ~ m·sqrt(n)).
			if tc.n == 1000 && maxDeg < 8*tc.m {
				t.Errorf("BarabasiAlbert(%d,%d,%d): max degree %d, expected hubs", tc.n, tc.m, seed, maxDeg)
			}
		}
	}
	g, err := graphs.ScaleFreeTree(500, 9)
	if err != nil {
		t.Fatal(err)
	}
	if g.NumPairs() != 499 || !genConnected(g) {
		t.Errorf("ScaleFreeTree(500): %d edges, connected %v; want a tree", g.NumPairs(), genConnected(g))
	}
	h, _ := graphs.BarabasiAlbert(500, 1, 9)
	if !slices.Equal(g.Src, h.Src) || !slices.Equal(g.Dst, h.Dst) {
		t.Error("ScaleFreeTree(n, seed) differs from BarabasiAlbert(n, 1, seed)")
	}
}

func TestRandomRegularDegrees(t *testing.T) {
	tests := []struct{ n, d int }{{100, 3}, {1000, 3}, {10000, 3}, {500, 6}, {31, 4}, {8, 7}, {10, 5}, {16, 8}, {6, 1}, {7, 0}}
	for _, tc := range tests {
		for seed := range uint64(5) {
			g, err := graphs.RandomRegular(tc.n, tc.d, seed)
			if err != nil {
				t.Fatalf("RandomRegular(%d,%d,%d): %v", tc.n, tc.d, seed, err)
			}
			for u := range g.N {
				if genDegree(g, u) != tc.d {
					t.Fatalf("RandomRegular(%d,%d,%d): degree(%d) = %d", tc.n, tc.d, seed, u, genDegree(g, u))
				}
			}
			if g.NumPairs() != tc.n*tc.d/2 {
				t.Errorf("RandomRegular(%d,%d,%d): %d edges", tc.n, tc.d, seed, g.NumPairs())
			}
			genCheckSimple(t, g)
		}
	}
}

// TestRandomRegularSpread is a crude uniformity check: over many 3-regular
// graphs on 8 nodes, every node pair is an edge with frequency close to
// d/(n−1) = 3/7 by symmetry.
func TestRandomRegularSpread(t *testing.T) {
	const n, d, reps = 8, 3, 4000
	var count [n][n]int
	for seed := range uint64(reps) {
		g, err := graphs.RandomRegular(n, d, seed)
		if err != nil {
			t.Fatal(err)
		}
		for e := range g.NumEdges() {
			count[g.Src[e]][g.Dst[e]]++
		}
	}
	want := float64(d) / (n - 1)
	sd := math.Sqrt(want * (1 - want) / reps)
	for u := range n {
		for v := u + 1; v < n; v++ {
			f := float64(count[u][v]) / reps
			if math.Abs(f-want) > 5*sd {
				t.Errorf("pair %d–%d present in %.3f of graphs, want %.3f ± %.3f", u, v, f, want, 5*sd)
			}
		}
	}
}

func TestLatticeShapes(t *testing.T) {
	// Provenance: counts by hand: open r×c has r(c−1)+c(r−1) edges.
	tests := []struct {
		rows, cols int
		periodic   bool
		pairs      int
		allDeg     int // every node's degree, or -1
	}{
		{10, 10, false, 180, -1},
		{10, 10, true, 200, 4},
		{3, 4, true, 24, 4},
		{2, 3, false, 7, -1},
		{2, 3, true, 9, 3},   // rows wrap duplicates the vertical edges
		{1, 5, true, 5, 2},   // a 5-cycle; vertical wraps are self-loops
		{1, 5, false, 4, -1}, // a path
		{2, 2, true, 4, 2},
		{0, 7, true, 0, -1},
	}
	for _, tc := range tests {
		g, err := graphs.Lattice(tc.rows, tc.cols, tc.periodic)
		if err != nil {
			t.Fatal(err)
		}
		if g.N != tc.rows*tc.cols || g.NumPairs() != tc.pairs {
			t.Errorf("Lattice(%d,%d,%v): N=%d, %d edges; want %d, %d", tc.rows, tc.cols, tc.periodic, g.N, g.NumPairs(), tc.rows*tc.cols, tc.pairs)
		}
		genCheckSimple(t, g)
		if tc.allDeg >= 0 {
			for u := range g.N {
				if genDegree(g, u) != tc.allDeg {
					t.Errorf("Lattice(%d,%d,%v): degree(%d) = %d, want %d", tc.rows, tc.cols, tc.periodic, u, genDegree(g, u), tc.allDeg)
				}
			}
		}
	}
	// Node r·cols+c is joined to (r, c+1) and (r+1, c).
	g, _ := graphs.Lattice(3, 4, false)
	for _, p := range [][2]int{{0, 1}, {0, 4}, {5, 6}, {5, 9}, {10, 11}} {
		if g.EdgeID(p[0], p[1]) < 0 {
			t.Errorf("Lattice(3,4): missing edge %d–%d", p[0], p[1])
		}
	}
	if g.EdgeID(3, 4) >= 0 {
		t.Error("Lattice(3,4,false): row end 3 joined to next row start 4")
	}
	sq, _ := graphs.SquareLattice(10, true)
	if sq.N != 100 || sq.EdgeID(9, 0) < 0 || sq.EdgeID(90, 0) < 0 {
		t.Error("SquareLattice(10, true): missing wrap edges 9–0 or 90–0")
	}
}

func TestErdosRenyiMeanDegree(t *testing.T) {
	// For n = 10^4 and mean 3, 2m/n has standard deviation
	// sqrt(2·3/n) ≈ 0.0245; the tolerance is 4 sd.
	for seed := range uint64(5) {
		g, err := graphs.ErdosRenyi(10000, 3, seed)
		if err != nil {
			t.Fatal(err)
		}
		_, _, mean := g.DegreeStats()
		if math.Abs(mean-3) > 0.1 {
			t.Errorf("seed %d: mean degree %.4f, want 3 ± 0.1", seed, mean)
		}
	}
	// Dense case: mean 50 on 101 nodes (p = 0.5), sd of the mean ≈ 0.5.
	g, err := graphs.ErdosRenyi(101, 50, 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, mean := g.DegreeStats(); math.Abs(mean-50) > 2 {
		t.Errorf("ErdosRenyi(101, 50): mean degree %.3f, want 50 ± 2", mean)
	}
	genCheckSimple(t, g)
	// Pairs are independent: the lower and upper halves of node indices get
	// the same share (a check that skipping does not bias early rows).
	big, _ := graphs.ErdosRenyi(2000, 20, 11)
	low := 0
	for e := range big.NumEdges() {
		if big.Src[e] < 1000 {
			low++
		}
	}
	if f := float64(low) / float64(big.NumEdges()); math.Abs(f-0.5) > 0.02 {
		t.Errorf("ErdosRenyi(2000, 20): %.3f of edge ends in the lower half, want 0.5", f)
	}
	empty, err := graphs.ErdosRenyi(50, 0, 1)
	if err != nil || empty.NumEdges() != 0 {
		t.Errorf("ErdosRenyi(50, 0) = %v edges, %v", empty.NumEdges(), err)
	}
}

func TestKroneckerInitiator(t *testing.T) {
	const k = 12
	top := func(g *graphs.Graph) (same, bothOne float64) {
		h := 1 << (k - 1)
		s, b := 0, 0
		for e := range g.NumEdges() {
			su, sv := g.Src[e] >= h, g.Dst[e] >= h
			if su == sv {
				s++
			}
			if su && sv {
				b++
			}
		}
		E := float64(g.NumEdges())
		return float64(s) / E, float64(b) / E
	}
	// Provenance: with θ = init/sum, P(top bits equal) = θ00+θ11, then
	// conditioned on not being a self-loop. hier: 0.9 before conditioning,
	// about 0.88 after; rand: 0.5; core: P(both 1) = 0.3/2.2 ≈ 0.14.
	tests := []struct {
		preset         string
		sameLo, sameHi float64
		bothOneHi      float64
	}{
		{"hier", 0.7, 1, 1},
		{"rand", 0.45, 0.55, 1},
		{"core", 0, 1, 0.2},
	}
	for _, tc := range tests {
		init, err := graphs.KroneckerPreset(tc.preset)
		if err != nil {
			t.Fatal(err)
		}
		g, err := graphs.Kronecker(k, init, 4, 1)
		if err != nil {
			t.Fatal(err)
		}
		if g.N != 1<<k || g.NumEdges() != 4<<k {
			t.Fatalf("%s: N=%d E=%d, want %d, %d", tc.preset, g.N, g.NumEdges(), 1<<k, 4<<k)
		}
		genCheckSimple(t, g)
		same, both := top(g)
		if same < tc.sameLo || same > tc.sameHi || both > tc.bothOneHi {
			t.Errorf("%s: top bit equal on %.3f of edges (want %.2f..%.2f), both 1 on %.3f (want ≤ %.2f)",
				tc.preset, same, tc.sameLo, tc.sameHi, both, tc.bothOneHi)
		}
	}
	if graphs.KroneckerHierarchical != [2][2]float64{{0.9, 0.1}, {0.1, 0.9}} ||
		graphs.KroneckerCorePeriphery != [2][2]float64{{0.9, 0.5}, {0.5, 0.3}} ||
		graphs.KroneckerRandom != [2][2]float64{{0.5, 0.5}, {0.5, 0.5}} {
		t.Error("preset values changed")
	}
	// An anti-diagonal initiator reaches only the 2^k cells where every bit
	// differs: v = u XOR (n−1). Asking for all of them must find each one.
	g, err := graphs.Kronecker(4, [2][2]float64{{0, 1}, {1, 0}}, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	for e := range g.NumEdges() {
		if g.Dst[e] != g.Src[e]^15 {
			t.Errorf("anti-diagonal initiator produced %d→%d", g.Src[e], g.Dst[e])
		}
	}
	if g.NumEdges() != 16 {
		t.Errorf("anti-diagonal: %d edges, want 16", g.NumEdges())
	}
}

func TestGenDeterminism(t *testing.T) {
	kinds := []struct {
		kind string
		n    int
		opts graphs.GenOptions
	}{
		{"sftree", 300, graphs.GenOptions{}},
		{"rrg", 300, graphs.GenOptions{}},
		{"er", 300, graphs.GenOptions{}},
		{"ba", 300, graphs.GenOptions{}},
		{"kronecker", 256, graphs.GenOptions{}},
		{"kronecker", 256, graphs.GenOptions{Initiator: "rand"}},
	}
	for _, tc := range kinds {
		gen := func(seed uint64) *graphs.Graph {
			o := tc.opts
			o.Seed = seed
			g, err := graphs.Generate(tc.kind, tc.n, o)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		a, b, c := gen(42), gen(42), gen(43)
		if !slices.Equal(a.Src, b.Src) || !slices.Equal(a.Dst, b.Dst) {
			t.Errorf("%s: same seed gave different graphs", tc.kind)
		}
		if slices.Equal(a.Src, c.Src) && slices.Equal(a.Dst, c.Dst) {
			t.Errorf("%s: seeds 42 and 43 gave the same graph", tc.kind)
		}
	}
}

func TestGenErrors(t *testing.T) {
	errOf := func(_ *graphs.Graph, err error) error { return err }
	// Each row must fail; want is a substring of the message.
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"tree n<0", errOf(graphs.RegularTree(-1, 3)), "negative"},
		{"tree d=1", errOf(graphs.RegularTree(10, 1)), "degree 1"},
		{"sftree n<0", errOf(graphs.ScaleFreeTree(-3, 1)), "negative"},
		{"ba m=0", errOf(graphs.BarabasiAlbert(10, 0, 1)), "m = 0"},
		{"ba n<m+1", errOf(graphs.BarabasiAlbert(3, 3, 1)), "m+1"},
		{"rrg n·d odd", errOf(graphs.RandomRegular(5, 3, 1)), "odd"},
		{"rrg d=n", errOf(graphs.RandomRegular(4, 4, 1)), "≥ n"},
		{"rrg d<0", errOf(graphs.RandomRegular(4, -2, 1)), "negative"},
		{"rrg n<0", errOf(graphs.RandomRegular(-4, 2, 1)), "negative"},
		{"er n<0", errOf(graphs.ErdosRenyi(-1, 3, 1)), "negative"},
		{"er mean<0", errOf(graphs.ErdosRenyi(10, -1, 1)), "non-negative"},
		{"er mean NaN", errOf(graphs.ErdosRenyi(10, math.NaN(), 1)), "non-negative"},
		{"er mean>n-1", errOf(graphs.ErdosRenyi(10, 9.5, 1)), "n−1"},
		{"er n=1 mean>0", errOf(graphs.ErdosRenyi(1, 1, 1)), "n−1"},
		{"lattice negative", errOf(graphs.Lattice(-2, 3, false)), "negative"},
		{"lattice overflow", errOf(graphs.Lattice(1<<40, 1<<40, false)), "overflow"},
		{"square negative", errOf(graphs.SquareLattice(-2, false)), "negative"},
		{"kronecker k<0", errOf(graphs.Kronecker(-1, graphs.KroneckerRandom, 1, 1)), "outside"},
		{"kronecker k>30", errOf(graphs.Kronecker(31, graphs.KroneckerRandom, 1, 1)), "outside"},
		{"kronecker negative entry", errOf(graphs.Kronecker(4, [2][2]float64{{1, -1}, {1, 1}}, 1, 1)), "[0][1]"},
		{"kronecker zero initiator", errOf(graphs.Kronecker(4, [2][2]float64{}, 1, 1)), "zeros"},
		{"kronecker d<0", errOf(graphs.Kronecker(4, graphs.KroneckerRandom, -1, 1)), "non-negative"},
		{"kronecker d=Inf", errOf(graphs.Kronecker(4, graphs.KroneckerRandom, math.Inf(1), 1)), "non-negative"},
		{"kronecker too dense", errOf(graphs.Kronecker(2, graphs.KroneckerRandom, 4, 1)), "n(n−1)"},
		{"kronecker unreachable", errOf(graphs.Kronecker(4, [2][2]float64{{0, 1}, {1, 0}}, 2, 1)), "reach"},
		{"kronecker diagonal only", errOf(graphs.Kronecker(4, [2][2]float64{{1, 0}, {0, 1}}, 1, 1)), "reach"},
		{"preset unknown", func() error { _, err := graphs.KroneckerPreset("x"); return err }(), "hier, core, rand"},
		{"generate unknown kind", errOf(graphs.Generate("grid", 10, graphs.GenOptions{})), "valid: tree, sftree, rrg, er, lattice, ba, kronecker"},
		{"generate n<0", errOf(graphs.Generate("er", -1, graphs.GenOptions{})), "negative"},
		{"generate lattice not square", errOf(graphs.Generate("lattice", 10, graphs.GenOptions{})), "perfect square"},
		{"generate lattice degree", errOf(graphs.Generate("lattice", 9, graphs.GenOptions{Degree: 4})), "no degree"},
		{"generate sftree degree", errOf(graphs.Generate("sftree", 9, graphs.GenOptions{Degree: 1})), "no degree"},
		{"generate kronecker not power of 2", errOf(graphs.Generate("kronecker", 1000, graphs.GenOptions{})), "power of 2"},
		{"generate kronecker n=0", errOf(graphs.Generate("kronecker", 0, graphs.GenOptions{})), "power of 2"},
		{"generate kronecker bad initiator", errOf(graphs.Generate("kronecker", 16, graphs.GenOptions{Initiator: "xx"})), "initiator"},
		{"generate initiator on er", errOf(graphs.Generate("er", 16, graphs.GenOptions{Initiator: "hier"})), "only to kronecker"},
		{"generate periodic on tree", errOf(graphs.Generate("tree", 16, graphs.GenOptions{Periodic: true})), "only to lattice"},
		{"generate fractional rrg degree", errOf(graphs.Generate("rrg", 16, graphs.GenOptions{Degree: 2.5})), "whole number"},
		{"generate negative degree", errOf(graphs.Generate("er", 16, graphs.GenOptions{Degree: -1})), "non-negative"},
		{"generate rrg odd", errOf(graphs.Generate("rrg", 15, graphs.GenOptions{})), "odd"},
	}
	for _, tc := range tests {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		msg := tc.err.Error()
		if !strings.HasPrefix(msg, "graphs: ") || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: error %q, want prefix \"graphs: \" and %q", tc.name, msg, tc.want)
		}
	}
}

func BenchmarkRandomRegular(b *testing.B) {
	for i := range b.N {
		if _, err := graphs.RandomRegular(100000, 3, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKronecker(b *testing.B) {
	for i := range b.N {
		if _, err := graphs.Kronecker(16, graphs.KroneckerHierarchical, 4, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkErdosRenyi(b *testing.B) {
	for i := range b.N {
		if _, err := graphs.ErdosRenyi(100000, 10, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
