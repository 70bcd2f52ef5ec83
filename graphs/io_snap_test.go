package graphs

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sameGraph fails tb unless a and b have the same nodes (ids and order),
// edges (ids, endpoints, weights bit for bit) and pairing.
func sameGraph(tb testing.TB, a, b *Graph) {
	tb.Helper()
	if a.N != b.N || !slices.Equal(a.IDs(), b.IDs()) {
		tb.Fatalf("nodes differ: %d %v vs %d %v", a.N, clipIDs(a.IDs()), b.N, clipIDs(b.IDs()))
	}
	if !slices.Equal(a.Src, b.Src) || !slices.Equal(a.Dst, b.Dst) || !slices.Equal(a.Rev, b.Rev) {
		tb.Fatalf("edges differ:\n%v→%v\n%v→%v", a.Src, a.Dst, b.Src, b.Dst)
	}
	// Without edges, "weighted" cannot be told from the data.
	if len(a.Src) > 0 && (a.Weight == nil) != (b.Weight == nil) || len(a.Weight) != len(b.Weight) {
		tb.Fatalf("weights differ: %v vs %v", a.Weight, b.Weight)
	}
	for e := range a.Weight {
		if math.Float64bits(a.Weight[e]) != math.Float64bits(b.Weight[e]) {
			tb.Fatalf("weight %d: %v vs %v", e, a.Weight[e], b.Weight[e])
		}
	}
	if a.Undirected() != b.Undirected() || !slices.Equal(a.Pair, b.Pair) || !slices.Equal(a.PairEdge, b.PairEdge) {
		tb.Fatalf("pairing differs")
	}
}

func clipIDs(ids []string) []string {
	if len(ids) > 10 {
		return ids[:10]
	}
	return ids
}

// edgeIDs lists the edges of g as "u>v" or "u>v:w" with external ids.
func edgeIDs(g *Graph) []string {
	out := make([]string, g.NumEdges())
	for e := range out {
		out[e] = g.ID(g.Src[e]) + ">" + g.ID(g.Dst[e])
		if g.Weight != nil {
			out[e] += ":" + strconv.FormatFloat(g.Weight[e], 'g', -1, 64)
		}
	}
	return out
}

func TestReadSNAP(t *testing.T) {
	tests := []struct {
		name  string // what the row exercises; expected values worked out by hand
		in    string
		opt   ReadOptions
		ids   []string
		edges []string
		stats BuildStats
	}{
		{
			name:  "comments, blank lines, CRLF, tabs, commas, string ids",
			in:    "# Directed graph\r\n% also a comment\r\n\r\nalice\tbob\r\n  bob , carol\r\n\r\ncarol alice\n",
			ids:   []string{"alice", "bob", "carol"},
			edges: []string{"alice>bob", "bob>carol", "carol>alice"},
		},
		{
			name:  "weights, last line without newline",
			in:    "1 2 0.5\n2 1 1e-3\n1 3 -2",
			ids:   []string{"1", "2", "3"},
			edges: []string{"1>2:0.5", "1>3:-2", "2>1:0.001"},
		},
		{
			name:  "decimal ids in order are not stored; self-loop and repeat dropped",
			in:    "0 1\n1 2\n2 2\n0 1\n",
			ids:   []string{"0", "1", "2"},
			edges: []string{"0>1", "1>2"},
			stats: BuildStats{SelfLoops: 1, Duplicates: 1},
		},
		{
			name:  "undirected: u v and v u are one edge",
			in:    "a b\nb a\nb c\n",
			opt:   ReadOptions{BuildOptions: BuildOptions{Undirected: true}},
			ids:   []string{"a", "b", "c"},
			edges: []string{"a>b", "b>a", "b>c", "c>b"},
			stats: BuildStats{Duplicates: 1},
		},
		{
			name:  "#@nodes directive keeps an isolated node and the order",
			in:    "#@nodes z y\n#@nodes, x\n#@nodesfoo is a comment\ny z\n",
			ids:   []string{"z", "y", "x"},
			edges: []string{"y>z"},
		},
		{
			name:  "NumNodes: 0-based ids keep their index, extras follow",
			in:    "3 1\nq 0\n",
			opt:   ReadOptions{NumNodes: 5},
			ids:   []string{"0", "1", "2", "3", "4", "q"},
			edges: []string{"3>1", "q>0"},
		},
		{
			name:  "CountsLine (course copies of ca-GrQc, NetHEPT)",
			in:    "# c\n4 3\n10 20 0.5\n20 10 0.25\n30 30 1\n",
			opt:   ReadOptions{CountsLine: true},
			ids:   []string{"10", "20", "30"},
			edges: []string{"10>20:0.5", "20>10:0.25"},
			stats: BuildStats{SelfLoops: 1, CountsLine: 2},
		},
		{
			name:  "empty input",
			in:    "# nothing\n",
			ids:   []string{},
			edges: []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, st, err := ReadSNAP(strings.NewReader(tc.in), "in.txt", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGraphInvariants(t, g)
			if !slices.Equal(g.IDs(), tc.ids) || !slices.Equal(edgeIDs(g), tc.edges) || st != tc.stats {
				t.Errorf("got ids %v edges %v stats %+v\nwant    %v       %v       %+v", g.IDs(), edgeIDs(g), st, tc.ids, tc.edges, tc.stats)
			}
		})
	}
}

// readErrorTests are malformed inputs with the error each reader must give:
// a *ParseError whose text starts with "graphs: in.txt line N: " (or
// "graphs: in.txt: " for whole-file problems) and contains want.
var snapErrorTests = []struct {
	in   string
	opt  ReadOptions
	want string
}{
	{"a b\nc\n", ReadOptions{}, "in.txt line 2: want \"u v\" or \"u v w\", got 1 column"},
	{"a b 1 2\n", ReadOptions{}, "in.txt line 1: want \"u v\" or \"u v w\", got 4 columns"},
	{"a b x\n", ReadOptions{}, `in.txt line 1: weight "x" is not a number`},
	{"a b 0.5\na c NaN\n", ReadOptions{}, `in.txt line 2: weight "NaN" is not finite`},
	{"a b -Inf\n", ReadOptions{}, `in.txt line 1: weight "-Inf" is not finite`},
	{"a b 1e400\n", ReadOptions{}, `in.txt line 1: weight "1e400" is out of range`},
	{"# w\na b 1\nc d\n", ReadOptions{}, "in.txt line 3: 2 columns but line 2 has 3: weights must be given for all edges or none"},
	{"a b\nc d 1\n", ReadOptions{}, "in.txt line 2: 3 columns but line 1 has 2"},
	{"3 5\na b\n", ReadOptions{CountsLine: true}, "in.txt line 1: counts line says 5 edges but the file has 1 edge lines"},
	{"1 1\na b\n", ReadOptions{CountsLine: true}, "in.txt line 1: counts line says 1 nodes but the file names 2 distinct nodes"},
	{"a b\n", ReadOptions{CountsLine: true}, "in.txt line 1: want a counts line"},
	{"3\n", ReadOptions{CountsLine: true}, "in.txt line 1: want a counts line"},
	{"# only\n", ReadOptions{CountsLine: true}, "in.txt: no counts line"},
	{"a b\nb b\n", ReadOptions{BuildOptions: BuildOptions{SelfLoops: RejectSelfLoops}}, `in.txt line 2: self-loop on node "b"`},
	{"a b\nb c\nb a\n", ReadOptions{BuildOptions: BuildOptions{Undirected: true, Duplicates: RejectDuplicates}}, `in.txt line 3: duplicate edge "b"–"a", first given on line 1`},
}

func TestReadSNAPErrors(t *testing.T) {
	for _, tc := range snapErrorTests {
		_, _, err := ReadSNAP(strings.NewReader(tc.in), "in.txt", tc.opt)
		var pe *ParseError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "graphs: in.txt") || !errors.As(err, &pe) {
			t.Errorf("ReadSNAP(%q): error %v, want a ParseError containing %q", tc.in, err, tc.want)
		}
	}
}

// randomGraph returns a graph with string or decimal ids, some isolated
// nodes, and optionally weights, for round-trip tests.
func randomGraph(tb testing.TB, r *rand.Rand, undirected, weighted, stringIDs bool) *Graph {
	tb.Helper()
	n := r.IntN(15)
	b := NewBuilder("")
	perm := r.Perm(n)
	for _, i := range perm {
		if stringIDs {
			b.Node("v" + strconv.Itoa(i))
		} else {
			b.Node(strconv.Itoa(i))
		}
	}
	m := 0
	if n > 0 {
		m = r.IntN(3 * n)
	}
	for k := 0; k < m; k++ {
		w := math.NaN()
		if weighted {
			w = r.NormFloat64() * math.Pow(10, float64(r.IntN(20)-10))
		}
		b.AddEdgeIndex(r.IntN(n), r.IntN(n), w, 0)
	}
	g, _, err := b.Build(BuildOptions{Undirected: undirected})
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func TestSNAPRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		undirected, weighted, stringIDs := r.IntN(2) == 0, r.IntN(2) == 0, r.IntN(2) == 0
		g := randomGraph(t, r, undirected, weighted, stringIDs)
		var buf bytes.Buffer
		if err := WriteSNAP(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, st, err := ReadSNAP(&buf, "rt", ReadOptions{BuildOptions: BuildOptions{Undirected: undirected}})
		if err != nil {
			t.Fatalf("trial %d: %v\n%s", trial, err, buf.String())
		}
		if st != (BuildStats{}) {
			t.Errorf("trial %d: stats %+v on re-read", trial, st)
		}
		sameGraph(t, g, h)
	}
}

func TestWriteSNAP(t *testing.T) {
	// Undirected path b–a–c with weights, plus isolated d; node order a, b, c, d.
	b := NewBuilder("")
	for _, id := range []string{"a", "b", "c", "d"} {
		b.Node(id)
	}
	b.AddEdge("b", "a", 0.5, 0)
	b.AddEdge("a", "c", 0.1, 0)
	g, _, err := b.Build(BuildOptions{Undirected: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteSNAP(&buf, g); err != nil {
		t.Fatal(err)
	}
	want := "# spread graphs edge list, undirected (each edge once), weighted: u v w\n" +
		"# nodes 4 edges 2\n" +
		"#@undirected\n" +
		"#@nodes a b c d\n" +
		"a b 0.5\n" +
		"a c 0.1\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	// A directed graph whose first-appearance order is its index order
	// needs no #@nodes line.
	d, _, _ := FromEdges(3, []int{0, 1}, []int{1, 2}, nil, BuildOptions{})
	buf.Reset()
	WriteSNAP(&buf, d)
	if want := "# spread graphs edge list, directed\n# nodes 3 edges 2\n0 1\n1 2\n"; buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestWriteSNAPBadIDs(t *testing.T) {
	for _, id := range []string{"a b", "x,y", "#c", "%d", "tab\there", "nl\nx"} {
		b := NewBuilder("")
		b.AddEdge(id, "ok", math.NaN(), 0)
		g, _, err := b.Build(BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteSNAP(&buf, g); err == nil || buf.Len() != 0 {
			t.Errorf("id %q: error %v, %d bytes written", id, err, buf.Len())
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "g.txt")
	g, _, _ := FromEdges(3, []int{0, 1}, []int{1, 2}, []float64{0.25, 0.5}, BuildOptions{})
	if err := WriteSNAPFile(path, g); err != nil {
		t.Fatal(err)
	}
	h, _, err := ReadSNAPFile(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, g, h)
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
	// A failing writer leaves the old file intact and no temporary behind.
	before, _ := os.ReadFile(path)
	boom := errors.New("boom")
	err = WriteFile(path, func(w io.Writer) error {
		w.Write([]byte("half a file"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want boom", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("failed write changed the file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after a failed write", len(entries))
	}
	// A directory that does not exist is an error, not a panic.
	if err := WriteSNAPFile(filepath.Join(dir, "no", "such", "g.txt"), g); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

func TestReadFileDispatch(t *testing.T) {
	dir := t.TempDir()
	g, _, _ := FromEdges(3, []int{0, 2}, []int{1, 1}, []float64{0.5, 0.75}, BuildOptions{Undirected: true})
	// .mtx
	mtx := filepath.Join(dir, "g.mtx")
	if err := WriteMatrixMarketFile(mtx, g); err != nil {
		t.Fatal(err)
	}
	h, _, err := ReadFile(mtx, ReadOptions{})
	if err != nil || !h.Undirected() || h.NumPairs() != 2 || h.ID(0) != "1" {
		t.Fatalf("ReadFile(.mtx): %v", err)
	}
	// .txt.gz
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	WriteSNAP(zw, g)
	zw.Close()
	gz := filepath.Join(dir, "g.txt.gz")
	os.WriteFile(gz, buf.Bytes(), 0o644)
	h, _, err = ReadFile(gz, ReadOptions{BuildOptions: BuildOptions{Undirected: true}})
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, g, h)
	// .gml
	gml := filepath.Join(dir, "g.gml")
	os.WriteFile(gml, []byte("graph [ node [ id 0 ] node [ id 1 ] edge [ source 0 target 1 ] ]"), 0o644)
	if h, _, err = ReadFile(gml, ReadOptions{}); err != nil || h.NumPairs() != 1 {
		t.Fatalf("ReadFile(.gml): %v", err)
	}
	// Errors name the path.
	if _, _, err := ReadFile(filepath.Join(dir, "missing.txt"), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.txt.gz")
	os.WriteFile(bad, []byte("not gzip"), 0o644)
	if _, _, err := ReadFile(bad, ReadOptions{}); err == nil || !strings.Contains(err.Error(), "bad.txt.gz") {
		t.Errorf("bad gzip: %v", err)
	}
}

// TestReadSNAPLongLine checks lines longer than the reader's buffer.
func TestReadSNAPLongLine(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	g, _, err := ReadSNAP(strings.NewReader("a "+long+"\n"+long+" b\n"), "in.txt", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g.N != 3 || g.ID(1) != long || g.NumEdges() != 2 {
		t.Errorf("N=%d E=%d", g.N, g.NumEdges())
	}
}

// errReader fails after returning its data.
type errReader struct{ data []byte }

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadErrorsPropagate(t *testing.T) {
	for name, read := range map[string]func() error{
		"SNAP": func() error { _, _, err := ReadSNAP(&errReader{[]byte("a b\n")}, "in.txt", ReadOptions{}); return err },
		"MM": func() error {
			_, _, err := ReadMatrixMarket(&errReader{[]byte("%%MatrixMarket matrix coordinate pattern general\n")}, "in.txt", ReadOptions{})
			return err
		},
		"GML": func() error { _, _, err := ReadGML(&errReader{[]byte("graph [")}, "in.txt", ReadOptions{}); return err },
		"IMM": func() error {
			_, _, err := ReadIMMInf(&errReader{[]byte("0 1 0.5\n")}, "in.txt", 2, 1, ReadOptions{})
			return err
		},
		"multiplex": func() error {
			_, _, err := ReadMultiplex(&errReader{[]byte("1 a b\n")}, "in.txt", ReadOptions{})
			return err
		},
	} {
		if err := read(); err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.HasPrefix(err.Error(), "graphs: in.txt") {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

// TestSNAPUndirectedDirective checks that an undirected graph written by
// WriteSNAP reads back undirected without ReadOptions.Undirected.
func TestSNAPUndirectedDirective(t *testing.T) {
	g, _, err := FromEdges(4, []int{0, 1, 2}, []int{1, 2, 3}, nil, BuildOptions{Undirected: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteSNAP(&buf, g); err != nil {
		t.Fatal(err)
	}
	h, _, err := ReadSNAP(&buf, "buf", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !h.Undirected() || h.NumPairs() != 3 || h.NumEdges() != 6 {
		t.Fatalf("read back undirected=%v pairs=%d edges=%d, want true 3 6", h.Undirected(), h.NumPairs(), h.NumEdges())
	}
}
