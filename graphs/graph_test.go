package graphs

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// checkGraphInvariants fails tb unless g satisfies every CSR invariant the
// Graph documentation promises: out-edges contiguous and sorted by target,
// in-edges ascending, Rev an involution (or -1 exactly when the reverse edge
// is absent), EdgeID consistent, weights finite, Pair/PairEdge tying both
// directions of an undirected graph, and the id table a bijection. Graphs
// from Build never hold self-loops or repeated edges, which it also checks.
func checkGraphInvariants(tb testing.TB, g *Graph) {
	tb.Helper()
	E := g.NumEdges()
	fail := func(format string, args ...any) {
		tb.Helper()
		tb.Fatalf("invariant: "+format, args...)
	}
	if g.N < 0 || len(g.Dst) != E || len(g.Rev) != E || len(g.OutOff) != g.N+1 || len(g.InOff) != g.N+1 || len(g.InEdges) != E {
		fail("lengths N=%d Src=%d Dst=%d Rev=%d OutOff=%d InOff=%d InEdges=%d", g.N, E, len(g.Dst), len(g.Rev), len(g.OutOff), len(g.InOff), len(g.InEdges))
	}
	if g.OutOff[0] != 0 || g.OutOff[g.N] != E || g.InOff[0] != 0 || g.InOff[g.N] != E {
		fail("offsets do not span 0..E")
	}
	outSum, inSum := 0, 0
	for u := 0; u < g.N; u++ {
		if g.OutOff[u] > g.OutOff[u+1] || g.InOff[u] > g.InOff[u+1] {
			fail("offsets decrease at node %d", u)
		}
		outSum += g.OutDegree(u)
		inSum += g.InDegree(u)
		for e := g.OutOff[u]; e < g.OutOff[u+1]; e++ {
			if g.Src[e] != u {
				fail("edge %d in out-range of %d has Src %d", e, u, g.Src[e])
			}
			if g.Dst[e] < 0 || g.Dst[e] >= g.N {
				fail("edge %d: Dst %d out of range", e, g.Dst[e])
			}
			if g.Dst[e] == u {
				fail("edge %d is a self-loop", e)
			}
			if e > g.OutOff[u] && g.Dst[e-1] >= g.Dst[e] {
				fail("out-edges of %d not strictly increasing at edge %d", u, e)
			}
		}
		in := g.InEdges[g.InOff[u]:g.InOff[u+1]]
		for i, e := range in {
			if e < 0 || e >= E || g.Dst[e] != u {
				fail("in-edge %d of node %d has Dst %d", e, u, g.Dst[min(max(e, 0), E-1)])
			}
			if i > 0 && in[i-1] >= e {
				fail("in-edges of %d not ascending", u)
			}
		}
	}
	if outSum != E || inSum != E {
		fail("degree sums %d, %d for %d edges", outSum, inSum, E)
	}
	for e := 0; e < E; e++ {
		if g.EdgeID(g.Src[e], g.Dst[e]) != e {
			fail("EdgeID(%d,%d) = %d, want %d", g.Src[e], g.Dst[e], g.EdgeID(g.Src[e], g.Dst[e]), e)
		}
		r := g.Rev[e]
		switch {
		case r == -1:
			if g.EdgeID(g.Dst[e], g.Src[e]) != -1 {
				fail("Rev[%d] = -1 but the reverse edge exists", e)
			}
		case r < 0 || r >= E:
			fail("Rev[%d] = %d", e, r)
		case g.Src[r] != g.Dst[e] || g.Dst[r] != g.Src[e] || g.Rev[r] != e:
			fail("Rev[%d] = %d is not the reverse edge", e, r)
		}
	}
	if g.Weight != nil {
		if len(g.Weight) != E {
			fail("%d weights for %d edges", len(g.Weight), E)
		}
		for e, x := range g.Weight {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				fail("weight %d = %v", e, x)
			}
		}
	}
	if g.Undirected() {
		if len(g.Pair) != E || len(g.PairEdge)*2 != E || g.NumPairs() != E/2 {
			fail("undirected: %d Pair, %d PairEdge for %d edges", len(g.Pair), len(g.PairEdge), E)
		}
		for e := 0; e < E; e++ {
			r := g.Rev[e]
			if r < 0 || g.Pair[e] != g.Pair[r] || g.Pair[e] < 0 || g.Pair[e] >= len(g.PairEdge) {
				fail("undirected edge %d: Rev %d, Pair %d", e, r, g.Pair[e])
			}
			if g.Weight != nil && g.Weight[e] != g.Weight[r] {
				fail("undirected edge %d: weights %v and %v differ", e, g.Weight[e], g.Weight[r])
			}
		}
		for p, e := range g.PairEdge {
			if g.Src[e] >= g.Dst[e] || g.Pair[e] != p || (p > 0 && g.PairEdge[p-1] >= e) {
				fail("PairEdge[%d] = %d (%d→%d)", p, e, g.Src[e], g.Dst[e])
			}
		}
	} else if g.Pair != nil || g.PairEdge != nil || g.NumPairs() != E {
		fail("directed graph with Pair")
	}
	if g.ids != nil && (len(g.ids) != g.N || len(g.index) != g.N) {
		fail("%d ids, %d index entries for %d nodes", len(g.ids), len(g.index), g.N)
	}
	for i := 0; i < g.N; i++ {
		if j, ok := g.Index(g.ID(i)); !ok || j != i {
			fail("Index(ID(%d)=%q) = %d, %v", i, g.ID(i), j, ok)
		}
	}
}

func TestFromEdges(t *testing.T) {
	nan := math.NaN()
	_ = nan
	tests := []struct {
		name     string // provenance: hand-built, expected CSR worked out by hand
		n        int
		src, dst []int
		w        []float64
		opt      BuildOptions
		wantSrc  []int
		wantDst  []int
		wantRev  []int
		wantW    []float64
		wantPair []int
		stats    BuildStats
	}{
		{
			name: "directed path 0→1→2 given backwards",
			n:    3, src: []int{1, 0}, dst: []int{2, 1},
			wantSrc: []int{0, 1}, wantDst: []int{1, 2}, wantRev: []int{-1, -1},
		},
		{
			name: "directed reciprocal pair plus a chord, weighted",
			n:    3, src: []int{1, 0, 0}, dst: []int{0, 1, 2}, w: []float64{0.5, 0.25, 1},
			wantSrc: []int{0, 0, 1}, wantDst: []int{1, 2, 0}, wantRev: []int{2, -1, 0},
			wantW: []float64{0.25, 1, 0.5},
		},
		{
			name: "undirected triangle: 3 pairs, 6 arcs",
			n:    3, src: []int{0, 1, 2}, dst: []int{1, 2, 0}, w: []float64{1, 2, 3},
			opt:     BuildOptions{Undirected: true},
			wantSrc: []int{0, 0, 1, 1, 2, 2}, wantDst: []int{1, 2, 0, 2, 0, 1},
			wantRev: []int{2, 4, 0, 5, 1, 3}, wantW: []float64{1, 3, 1, 2, 3, 2},
			wantPair: []int{0, 1, 0, 2, 1, 2},
		},
		{
			name: "self-loops dropped and counted",
			n:    2, src: []int{0, 1, 1}, dst: []int{0, 0, 1},
			wantSrc: []int{1}, wantDst: []int{0}, wantRev: []int{-1},
			stats: BuildStats{SelfLoops: 2},
		},
		{
			name: "directed duplicate keeps the first weight",
			n:    2, src: []int{0, 0, 1}, dst: []int{1, 1, 0}, w: []float64{7, 8, 9},
			wantSrc: []int{0, 1}, wantDst: []int{1, 0}, wantRev: []int{1, 0}, wantW: []float64{7, 9},
			stats: BuildStats{Duplicates: 1},
		},
		{
			name: "undirected u-v then v-u is one duplicate, first weight on both arcs",
			n:    2, src: []int{1, 0}, dst: []int{0, 1}, w: []float64{4, 5},
			opt:     BuildOptions{Undirected: true},
			wantSrc: []int{0, 1}, wantDst: []int{1, 0}, wantRev: []int{1, 0}, wantW: []float64{4, 4},
			wantPair: []int{0, 0}, stats: BuildStats{Duplicates: 1},
		},
		{
			name: "nodes without edges",
			n:    4, src: []int{3}, dst: []int{1},
			wantSrc: []int{3}, wantDst: []int{1}, wantRev: []int{-1},
		},
		{
			name:    "empty graph",
			n:       0,
			wantSrc: []int{}, wantDst: []int{}, wantRev: []int{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, st, err := FromEdges(tc.n, tc.src, tc.dst, tc.w, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGraphInvariants(t, g)
			if g.N != tc.n || !slices.Equal(g.Src, tc.wantSrc) || !slices.Equal(g.Dst, tc.wantDst) || !slices.Equal(g.Rev, tc.wantRev) {
				t.Errorf("got N=%d Src %v Dst %v Rev %v, want %v %v %v", g.N, g.Src, g.Dst, g.Rev, tc.wantSrc, tc.wantDst, tc.wantRev)
			}
			if !slices.Equal(g.Weight, tc.wantW) || (g.Weight == nil) != (tc.wantW == nil) {
				t.Errorf("weights %v, want %v", g.Weight, tc.wantW)
			}
			if !slices.Equal(g.Pair, tc.wantPair) || g.Undirected() != tc.opt.Undirected {
				t.Errorf("Pair %v, want %v", g.Pair, tc.wantPair)
			}
			if st != tc.stats {
				t.Errorf("stats %+v, want %+v", st, tc.stats)
			}
		})
	}
}

func TestUndirectedPairing(t *testing.T) {
	// Star 0–1, 0–2, 0–3 plus 2–3, given with mixed orientation.
	g, _, err := FromEdges(4, []int{1, 0, 3, 3}, []int{0, 2, 0, 2}, nil, BuildOptions{Undirected: true})
	if err != nil {
		t.Fatal(err)
	}
	checkGraphInvariants(t, g)
	if g.NumPairs() != 4 || g.NumEdges() != 8 {
		t.Fatalf("NumPairs %d NumEdges %d", g.NumPairs(), g.NumEdges())
	}
	want := [][2]int{{0, 1}, {0, 2}, {0, 3}, {2, 3}} // PairEdge order = edge order
	for p, e := range g.PairEdge {
		if [2]int{g.Src[e], g.Dst[e]} != want[p] {
			t.Errorf("PairEdge[%d] = %d→%d, want %v", p, g.Src[e], g.Dst[e], want[p])
		}
		if r := g.Rev[e]; g.Pair[r] != p {
			t.Errorf("pair %d: reverse edge %d has Pair %d", p, r, g.Pair[r])
		}
	}
	// A directed graph: every edge is its own parameter.
	d, _, _ := FromEdges(2, []int{0, 1}, []int{1, 0}, nil, BuildOptions{})
	if d.Undirected() || d.NumPairs() != 2 || d.Pair != nil {
		t.Errorf("directed: Undirected %v NumPairs %d", d.Undirected(), d.NumPairs())
	}
}

func TestPolicyErrors(t *testing.T) {
	tests := []struct {
		name     string
		src, dst []int
		opt      BuildOptions
		want     string // substring of the error
	}{
		{"self-loop rejected", []int{0, 1}, []int{1, 1}, BuildOptions{SelfLoops: RejectSelfLoops}, "edge 1: self-loop on node 1"},
		{"duplicate rejected", []int{0, 1, 0}, []int{1, 0, 1}, BuildOptions{Duplicates: RejectDuplicates}, "edge 2: duplicate edge 0→1 (first given as input edge 0)"},
		{"undirected reverse duplicate rejected", []int{0, 1}, []int{1, 0}, BuildOptions{Undirected: true, Duplicates: RejectDuplicates}, "edge 1: duplicate edge"},
		{"endpoint out of range", []int{0}, []int{2}, BuildOptions{}, "outside 0..1"},
		{"negative endpoint", []int{-1}, []int{0}, BuildOptions{}, "outside 0..1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := FromEdges(2, tc.src, tc.dst, nil, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "graphs: ") {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, _, err := FromEdges(2, []int{0}, []int{1, 0}, nil, BuildOptions{}); err == nil {
		t.Error("mismatched lengths accepted")
	}
	if _, _, err := FromEdges(2, []int{0}, []int{1}, []float64{math.Inf(1)}, BuildOptions{}); err == nil {
		t.Error("infinite weight accepted")
	}
	if _, _, err := FromEdges(-1, nil, nil, nil, BuildOptions{}); err == nil {
		t.Error("negative n accepted")
	}
}

func TestBuilderPolicies(t *testing.T) {
	b := NewBuilder("in.txt")
	b.AddEdge("a", "b", math.NaN(), 3)
	b.AddEdge("b", "a", math.NaN(), 4)
	b.AddEdge("c", "c", math.NaN(), 5)
	b.AddEdge("a", "b", math.NaN(), 6)
	tests := []struct {
		opt   BuildOptions
		stats BuildStats
		arcs  int
		err   string
	}{
		{BuildOptions{}, BuildStats{SelfLoops: 1, Duplicates: 1}, 2, ""},
		{BuildOptions{Undirected: true}, BuildStats{SelfLoops: 1, Duplicates: 2}, 2, ""},
		{BuildOptions{SelfLoops: RejectSelfLoops}, BuildStats{}, 0, `graphs: in.txt line 5: self-loop on node "c"`},
		{BuildOptions{Duplicates: RejectDuplicates}, BuildStats{}, 0, `graphs: in.txt line 6: duplicate edge "a"→"b" (first given on line 3)`},
		{BuildOptions{Undirected: true, Duplicates: RejectDuplicates}, BuildStats{}, 0, `graphs: in.txt line 4: duplicate edge "b"–"a" (first given on line 3)`},
	}
	for i, tc := range tests {
		g, st, err := b.Build(tc.opt)
		if tc.err != "" {
			var pe *ParseError
			if err == nil || err.Error() != tc.err || !errors.As(err, &pe) {
				t.Errorf("case %d: error %v, want %q", i, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		checkGraphInvariants(t, g)
		if st != tc.stats || g.NumEdges() != tc.arcs || g.N != 3 {
			t.Errorf("case %d: stats %+v, %d arcs, %d nodes; want %+v, %d, 3", i, st, g.NumEdges(), g.N, tc.stats, tc.arcs)
		}
	}
}

func TestBuilderIDs(t *testing.T) {
	b := NewBuilder("")
	b.AddEdge("x", "y", math.NaN(), 0)
	b.Node("lonely")
	b.AddEdge("y", "z", math.NaN(), 0)
	g, _, err := b.Build(BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkGraphInvariants(t, g)
	if want := []string{"x", "y", "lonely", "z"}; !slices.Equal(g.IDs(), want) {
		t.Errorf("IDs %v, want %v", g.IDs(), want)
	}
	if g.N != 4 || g.OutDegree(2)+g.InDegree(2) != 0 {
		t.Errorf("isolated node lost: N=%d", g.N)
	}
	if i, err := g.IndexOf("z"); err != nil || i != 3 {
		t.Errorf("IndexOf(z) = %d, %v", i, err)
	}
	if _, err := g.IndexOf("w"); err == nil || !strings.Contains(err.Error(), `"w"`) {
		t.Errorf("IndexOf(w) error %v", err)
	}
	// The Builder can keep going without changing the built graph.
	b.Node("later")
	if _, ok := g.Index("later"); ok || len(g.IDs()) != 4 {
		t.Error("node added after Build leaked into the graph")
	}

	// Decimal identity ids are not stored; Index then parses canonical decimals.
	d := NewBuilder("")
	d.AddEdge("0", "1", math.NaN(), 0)
	d.AddEdge("1", "2", math.NaN(), 0)
	h, _, err := d.Build(BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if h.ids != nil || h.index != nil {
		t.Error("decimal identity ids stored")
	}
	for _, tc := range []struct {
		id   string
		want int
		ok   bool
	}{{"0", 0, true}, {"2", 2, true}, {"3", -1, false}, {"01", -1, false}, {"+1", -1, false}, {"-1", -1, false}, {"", -1, false}} {
		if i, ok := h.Index(tc.id); i != tc.want || ok != tc.ok {
			t.Errorf("Index(%q) = %d, %v; want %d, %v", tc.id, i, ok, tc.want, tc.ok)
		}
	}
	// Decimal ids out of order are stored.
	o := NewBuilder("")
	o.AddEdge("1", "0", math.NaN(), 0)
	k, _, _ := o.Build(BuildOptions{})
	if k.ids == nil || k.ID(0) != "1" {
		t.Errorf("ids %v", k.ids)
	}
}

func TestBuilderWeightsAllOrNone(t *testing.T) {
	b := NewBuilder("w.txt")
	b.AddEdge("a", "b", 0.5, 1)
	b.AddEdge("b", "c", math.NaN(), 2)
	_, _, err := b.Build(BuildOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), "graphs: w.txt line 2: ") {
		t.Errorf("error %v, want one naming w.txt line 2", err)
	}
	b2 := NewBuilder("w.txt")
	b2.AddEdge("a", "b", math.Inf(-1), 7)
	if _, _, err := b2.Build(BuildOptions{}); err == nil || !strings.Contains(err.Error(), "line 7") {
		t.Errorf("infinite weight: error %v", err)
	}
	b3 := NewBuilder("w.txt")
	b3.AddEdge("a", "b", 0.5, 1)
	b3.AddEdge("b", "c", 0.25, 2)
	g, _, err := b3.Build(BuildOptions{})
	if err != nil || !slices.Equal(g.Weight, []float64{0.5, 0.25}) {
		t.Errorf("weights %v, %v", g.Weight, err)
	}
}

func TestEmptyBuilder(t *testing.T) {
	g, st, err := NewBuilder("").Build(BuildOptions{Undirected: true})
	if err != nil {
		t.Fatal(err)
	}
	checkGraphInvariants(t, g)
	if g.N != 0 || g.NumEdges() != 0 || st != (BuildStats{}) || g.NumPairs() != 0 {
		t.Errorf("N=%d E=%d", g.N, g.NumEdges())
	}
	min, max, mean := g.DegreeStats()
	if min != 0 || max != 0 || mean != 0 {
		t.Errorf("DegreeStats %d %d %v", min, max, mean)
	}
	if len(g.IDs()) != 0 {
		t.Error("IDs of empty graph")
	}
}

func TestDegreeStats(t *testing.T) {
	tests := []struct {
		name     string // degrees counted by hand
		n        int
		src, dst []int
		opt      BuildOptions
		min, max int
		mean     float64
	}{
		{"directed path 0→1→2: degrees 1,2,1", 3, []int{0, 1}, []int{1, 2}, BuildOptions{}, 1, 2, 4.0 / 3},
		{"undirected star on 4 nodes: 3,1,1,1", 4, []int{0, 0, 0}, []int{1, 2, 3}, BuildOptions{Undirected: true}, 1, 3, 1.5},
		{"reciprocal pair plus isolated node: 2,2,0", 3, []int{0, 1}, []int{1, 0}, BuildOptions{}, 0, 2, 4.0 / 3},
	}
	for _, tc := range tests {
		g, _, err := FromEdges(tc.n, tc.src, tc.dst, nil, tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		min, max, mean := g.DegreeStats()
		if min != tc.min || max != tc.max || math.Abs(mean-tc.mean) > 1e-15 {
			t.Errorf("%s: got %d %d %v, want %d %d %v", tc.name, min, max, mean, tc.min, tc.max, tc.mean)
		}
	}
}

func TestWithWeights(t *testing.T) {
	g, _, _ := FromEdges(2, []int{0}, []int{1}, nil, BuildOptions{})
	h, err := g.WithWeights([]float64{0.3})
	if err != nil || h.Weight[0] != 0.3 || g.Weight != nil {
		t.Errorf("WithWeights: %v %v %v", h, err, g.Weight)
	}
	if _, err := g.WithWeights([]float64{1, 2}); err == nil {
		t.Error("wrong length accepted")
	}
}

// naiveGraph is the reference construction for TestBuildProperty: a map from
// (u, v) to the first weight, built the obvious way.
func naiveGraph(n int, src, dst []int, w []float64, undirected bool) (map[[2]int]float64, BuildStats) {
	var st BuildStats
	seen := make(map[[2]int]bool)
	arcs := make(map[[2]int]float64)
	for k := range src {
		u, v := src[k], dst[k]
		if u == v {
			st.SelfLoops++
			continue
		}
		key := [2]int{u, v}
		if undirected {
			key = [2]int{min(u, v), max(u, v)}
		}
		if seen[key] {
			st.Duplicates++
			continue
		}
		seen[key] = true
		x := 0.0
		if w != nil {
			x = w[k]
		}
		arcs[[2]int{u, v}] = x
		if undirected {
			arcs[[2]int{v, u}] = x
		}
	}
	return arcs, st
}

func TestBuildProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		n := r.IntN(12)
		m := r.IntN(40)
		if n == 0 {
			m = 0
		}
		src, dst, w := make([]int, m), make([]int, m), make([]float64, m)
		for k := range src {
			src[k], dst[k], w[k] = r.IntN(n), r.IntN(n), float64(k)
		}
		undirected := r.IntN(2) == 0
		g, st, err := FromEdges(n, src, dst, w, BuildOptions{Undirected: undirected})
		if err != nil {
			t.Fatal(err)
		}
		checkGraphInvariants(t, g)
		arcs, wantSt := naiveGraph(n, src, dst, w, undirected)
		if st != wantSt || g.NumEdges() != len(arcs) {
			t.Fatalf("trial %d: stats %+v, %d arcs; naive %+v, %d", trial, st, g.NumEdges(), wantSt, len(arcs))
		}
		for e := range g.Src {
			x, ok := arcs[[2]int{g.Src[e], g.Dst[e]}]
			if !ok || x != g.Weight[e] {
				t.Fatalf("trial %d: edge %d→%d weight %v, naive %v %v", trial, g.Src[e], g.Dst[e], g.Weight[e], x, ok)
			}
		}
		// The same edges through a Builder with string ids give the same
		// graph up to the node numbering, which is by first appearance.
		b := NewBuilder("")
		for i := 0; i < n; i++ {
			b.Node("n" + strconv.Itoa(i))
		}
		for k := range src {
			b.AddEdge("n"+strconv.Itoa(src[k]), "n"+strconv.Itoa(dst[k]), w[k], k+1)
		}
		h, hst, err := b.Build(BuildOptions{Undirected: undirected})
		if err != nil {
			t.Fatal(err)
		}
		if hst != st || !slices.Equal(h.Src, g.Src) || !slices.Equal(h.Dst, g.Dst) || !slices.Equal(h.Weight, g.Weight) || !slices.Equal(h.Pair, g.Pair) {
			t.Fatalf("trial %d: Builder and FromEdges differ", trial)
		}
	}
}

func TestEdgeID(t *testing.T) {
	g, _, _ := FromEdges(5, []int{0, 0, 0, 3}, []int{4, 1, 3, 0}, nil, BuildOptions{})
	for _, tc := range []struct{ u, v, want int }{{0, 1, 0}, {0, 3, 1}, {0, 4, 2}, {3, 0, 3}, {0, 2, -1}, {1, 0, -1}, {4, 4, -1}} {
		if got := g.EdgeID(tc.u, tc.v); got != tc.want {
			t.Errorf("EdgeID(%d,%d) = %d, want %d", tc.u, tc.v, got, tc.want)
		}
	}
}

// TestTieEdgeValues checks the one converter from per-edge values to
// parameters: the representative edge's value, equal directions required
// on undirected graphs (the error names the edge and both values), a plain
// copy on directed graphs.
func TestTieEdgeValues(t *testing.T) {
	u, _, err := FromEdges(3, []int{0, 1}, []int{1, 2}, nil, BuildOptions{Undirected: true})
	if err != nil {
		t.Fatal(err)
	}
	// Edge values keyed by endpoints, so the test does not depend on the
	// CSR edge order.
	val := map[[2]int]float64{{0, 1}: 0.25, {1, 0}: 0.25, {1, 2}: 0.5, {2, 1}: 0.5}
	edge := make([]float64, u.NumEdges())
	for e := range edge {
		edge[e] = val[[2]int{u.Src[e], u.Dst[e]}]
	}
	th, err := u.TieEdgeValues(edge, "probabilities")
	if err != nil {
		t.Fatal(err)
	}
	for p, x := range th {
		e := u.ParamEdge(p)
		if want := val[[2]int{u.Src[e], u.Dst[e]}]; x != want || u.Pair[e] != p {
			t.Errorf("parameter %d = %v (edge %d), want %v", p, x, e, want)
		}
	}
	// One direction differs: refused, naming the edge and both values,
	// whichever direction is the representative.
	for e := range edge {
		bad := slices.Clone(edge)
		bad[e] = 0.75
		_, err := u.TieEdgeValues(bad, "probabilities")
		if err == nil || !strings.Contains(err.Error(), "0.75") || !strings.Contains(err.Error(), "probabilities") {
			t.Errorf("edge %d changed: err = %v, want a refusal naming both values", e, err)
		}
	}
	if _, err := u.TieEdgeValues(edge[:1], "probabilities"); err == nil {
		t.Error("wrong length accepted")
	}
	d, _, err := FromEdges(3, []int{0, 1, 1}, []int{1, 0, 2}, nil, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dv := []float64{0.1, 0.2, 0.3}
	th, err = d.TieEdgeValues(dv, "weights")
	if err != nil || !slices.Equal(th, dv) || d.ParamEdge(2) != 2 {
		t.Errorf("directed: %v, %v, want a copy of %v", th, err, dv)
	}
}

// TestInPos checks the precomputed in-edge positions and maximum in-degree
// on generated graphs of every kind: InEdges[InPos[e]] = e and the slot lies
// in the in-list of Dst[e]; MaxInDegree is the largest InDegree.
func TestInPos(t *testing.T) {
	for _, kind := range GenKinds() {
		opt := GenOptions{Seed: 3}
		if kind != "sftree" && kind != "lattice" {
			opt.Degree = 3
		}
		g, err := Generate(kind, 64, opt)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		for e := range g.Src {
			q := g.InPos[e]
			if g.InEdges[q] != e || q < g.InOff[g.Dst[e]] || q >= g.InOff[g.Dst[e]+1] {
				t.Fatalf("%s: InPos[%d] = %d", kind, e, q)
			}
		}
		m := 0
		for v := range g.N {
			m = max(m, g.InDegree(v))
		}
		if g.MaxInDegree != m || m == 0 {
			t.Errorf("%s: MaxInDegree = %d, want %d", kind, g.MaxInDegree, m)
		}
	}
}
