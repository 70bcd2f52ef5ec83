package graphs

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestReadMatrixMarket(t *testing.T) {
	tests := []struct {
		name       string // expected values worked out by hand
		in         string
		opt        ReadOptions
		n          int
		edges      []string
		undirected bool
		stats      BuildStats
	}{
		{
			name:  "pattern general; node 4 has no entry but exists",
			in:    "%%MatrixMarket matrix coordinate pattern general\n% comment\n\n4 4 3\n1 2\n2 3\n3 1\n",
			n:     4,
			edges: []string{"1>2", "2>3", "3>1"},
		},
		{
			name:       "pattern symmetric, single-% banner as in web-sk-2005, trailing space, lower triangle",
			in:         "%MatrixMarket matrix coordinate pattern symmetric \n3 3 2\n2 1\n3 2\n",
			n:          3,
			edges:      []string{"1>2", "2>1", "2>3", "3>2"},
			undirected: true,
		},
		{
			name:  "real general with a diagonal entry (self-loop dropped), CRLF, mixed case",
			in:    "%%matrixmarket MATRIX Coordinate Real General\r\n3 3 3\r\n1 3 2.5e-1\r\n2 2 1\r\n3 1 0.75\r\n",
			n:     3,
			edges: []string{"1>3:0.25", "3>1:0.75"},
			stats: BuildStats{SelfLoops: 1},
		},
		{
			name:  "integer general",
			in:    "%%MatrixMarket matrix coordinate integer general\n2 2 1\n2 1 -7\n",
			n:     2,
			edges: []string{"2>1:-7"},
		},
		{
			name:       "general read as undirected: (1,2) and (2,1) are one edge",
			in:         "%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 2\n2 1\n",
			opt:        ReadOptions{BuildOptions: BuildOptions{Undirected: true}},
			n:          2,
			edges:      []string{"1>2", "2>1"},
			undirected: true,
			stats:      BuildStats{Duplicates: 1},
		},
		{
			name:  "empty matrix",
			in:    "%%MatrixMarket matrix coordinate pattern general\n0 0 0\n",
			edges: []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, st, err := ReadMatrixMarket(strings.NewReader(tc.in), "in.mtx", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGraphInvariants(t, g)
			if g.N != tc.n || !slices.Equal(edgeIDs(g), tc.edges) || g.Undirected() != tc.undirected || st != tc.stats {
				t.Errorf("got N=%d %v undirected=%v %+v, want %d %v %v %+v", g.N, edgeIDs(g), g.Undirected(), st, tc.n, tc.edges, tc.undirected, tc.stats)
			}
			for i := 0; i < g.N; i++ {
				if j, ok := g.Index(g.ID(i)); !ok || j != i || g.ID(i) != strings.TrimSpace(g.ID(i)) {
					t.Errorf("id of node %d is %q", i, g.ID(i))
				}
			}
		})
	}
}

func TestReadMatrixMarketErrors(t *testing.T) {
	const banner = "%%MatrixMarket matrix coordinate pattern general\n"
	const real = "%%MatrixMarket matrix coordinate real general\n"
	tests := []struct {
		in   string
		opt  ReadOptions
		want string
	}{
		{"", ReadOptions{}, "in.mtx: empty file"},
		{"3 3 1\n1 2\n", ReadOptions{}, "in.mtx line 1: want a banner"},
		{"%%MatrixMarket matrix array real general\n", ReadOptions{}, `line 1: format "array" is not supported`},
		{"%%MatrixMarket matrix coordinate complex general\n", ReadOptions{}, `line 1: field "complex" is not supported`},
		{"%%MatrixMarket matrix coordinate real hermitian\n", ReadOptions{}, `line 1: symmetry "hermitian" is not supported`},
		{"%%MatrixMarket matrix coordinate real skew-symmetric\n", ReadOptions{}, `symmetry "skew-symmetric" is not supported`},
		{"%%MatrixMarket vector coordinate real general\n", ReadOptions{}, `object "vector" is not supported`},
		{"%%MatrixMarket matrix coordinate real\n", ReadOptions{}, "banner has 4 words"},
		{banner, ReadOptions{}, "in.mtx line 1: file ends before the size line"},
		{banner + "3 4 0\n", ReadOptions{}, "line 2: matrix is 3×4, an adjacency matrix must be square"},
		{banner + "3 3\n", ReadOptions{}, `line 2: want a size line "rows cols nnz"`},
		{banner + "3 3 -1\n", ReadOptions{}, `line 2: want a size line`},
		{banner + "100 100 0\n", ReadOptions{MaxNodes: 99}, "line 2: 100 nodes exceed the limit of 99"},
		{banner + "3 3 1\n0 1\n", ReadOptions{}, `line 3: row index "0" not in 1..3`},
		{banner + "3 3 1\n1 4\n", ReadOptions{}, `line 3: column index "4" not in 1..3`},
		{banner + "3 3 1\n1 x\n", ReadOptions{}, `line 3: column index "x" not in 1..3`},
		{banner + "3 3 1\n1 2 3\n", ReadOptions{}, "line 3: want 2 columns for a pattern matrix entry, got 3"},
		{real + "3 3 1\n1 2\n", ReadOptions{}, "line 3: want 3 columns for a real matrix entry, got 2"},
		{real + "3 3 1\n1 2 nan\n", ReadOptions{}, `line 3: weight "nan" is not finite`},
		{real + "3 3 1\n1 2 abc\n", ReadOptions{}, `line 3: weight "abc" is not a number`},
		{"%%MatrixMarket matrix coordinate integer general\n3 3 1\n1 2 1.5\n", ReadOptions{}, `line 3: value "1.5" is not an integer`},
		{banner + "3 3 3\n1 2\n2 3\n", ReadOptions{}, "in.mtx line 4: file ends after 2 of the 3 entries declared on line 2 (truncated?)"},
		{banner + "3 3 1\n1 2\n2 3\n", ReadOptions{}, "line 4: more entries than the 1 declared on line 2"},
		{banner + "3 3 2\n1 2\n1 2\n", ReadOptions{BuildOptions: BuildOptions{Duplicates: RejectDuplicates}}, `line 4: duplicate edge "1"→"2", first given on line 3`},
	}
	for _, tc := range tests {
		_, _, err := ReadMatrixMarket(strings.NewReader(tc.in), "in.mtx", tc.opt)
		var pe *ParseError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "graphs: in.mtx") || !errors.As(err, &pe) {
			t.Errorf("ReadMatrixMarket(%q): error %v, want a ParseError containing %q", tc.in, err, tc.want)
		}
	}
}

// TestMatrixMarketRoundTrip writes random graphs and reads them back: node
// indices, edge ids, weights and pairing survive; ids become "1".."N".
func TestMatrixMarketRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 200; trial++ {
		undirected, weighted := r.IntN(2) == 0, r.IntN(2) == 0
		g := randomGraph(t, r, undirected, weighted, true)
		var buf bytes.Buffer
		if err := WriteMatrixMarket(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, st, err := ReadMatrixMarket(&buf, "rt.mtx", ReadOptions{})
		if err != nil {
			t.Fatalf("trial %d: %v\n%s", trial, err, buf.String())
		}
		if st != (BuildStats{}) {
			t.Errorf("stats %+v", st)
		}
		for i := 0; i < h.N; i++ {
			if h.ID(i) != strconv.Itoa(i+1) {
				t.Fatalf("node %d has id %q", i, h.ID(i))
			}
		}
		g1 := *g
		g1.ids, g1.index = h.ids, h.index
		sameGraph(t, &g1, h)
	}
}

func TestWriteMatrixMarket(t *testing.T) {
	// Undirected weighted triangle 0–1 (0.5), 1–2 (2), 0–2 (1e-9); N=4.
	g, _, _ := FromEdges(4, []int{0, 1, 2}, []int{1, 2, 0}, []float64{0.5, 2, 1e-9}, BuildOptions{Undirected: true})
	var buf bytes.Buffer
	if err := WriteMatrixMarket(&buf, g); err != nil {
		t.Fatal(err)
	}
	want := "%%MatrixMarket matrix coordinate real symmetric\n" +
		"% written by spread graphs: node index i is row/column i+1\n" +
		"4 4 3\n" +
		"2 1 0.5\n" +
		"3 1 1e-09\n" +
		"3 2 2\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}
