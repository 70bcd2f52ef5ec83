package graphs

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadIMMAttributes(t *testing.T) {
	tests := []struct {
		in   string
		n, m int
		err  string
	}{
		{"n=15229\nm=62752\n", 15229, 62752, ""}, // nethept-imm/attribute.txt
		{"m = 3\r\n\r\n# c\nfoo=bar\nn= 2", 2, 3, ""},
		{"n=2\n", 0, 0, "attribute.txt: want both n= and m= lines"},
		{"n=2\nm=1\nn=3\n", 0, 0, "attribute.txt line 3: n given twice"},
		{"n=-2\nm=1\n", 0, 0, `attribute.txt line 1: n="-2" is not a non-negative integer`},
		{"n=2\nm=x\n", 0, 0, `attribute.txt line 2: m="x" is not a non-negative integer`},
		{"n 2\n", 0, 0, `attribute.txt line 1: want "key=value"`},
	}
	for _, tc := range tests {
		n, m, err := ReadIMMAttributes(strings.NewReader(tc.in), "attribute.txt")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || n != tc.n || m != tc.m {
			t.Errorf("%q: got %d %d %v, want %d %d", tc.in, n, m, err, tc.n, tc.m)
		}
	}
}

func TestReadIMMInf(t *testing.T) {
	// Nodes 0..4; node 4 has no arcs but exists.
	in := "0 1 0.5\n1 0 1\n2 3 0\n"
	g, st, err := ReadIMMInf(strings.NewReader(in), "g.inf", 5, 3, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkGraphInvariants(t, g)
	if g.N != 5 || g.ids != nil || st != (BuildStats{}) {
		t.Errorf("N=%d ids %v", g.N, g.ids)
	}
	if want := []string{"0>1:0.5", "1>0:1", "2>3:0"}; !slices.Equal(edgeIDs(g), want) {
		t.Errorf("edges %v, want %v", edgeIDs(g), want)
	}
	// m < 0 skips the count check.
	if _, _, err := ReadIMMInf(strings.NewReader(in), "g.inf", 5, -1, ReadOptions{}); err != nil {
		t.Error(err)
	}

	tests := []struct {
		in   string
		n, m int
		want string
	}{
		{"0 1 1.5\n", 2, 1, `g.inf line 1: probability "1.5" not a number in [0,1]`},
		{"0 1 -0.1\n", 2, 1, `g.inf line 1: probability "-0.1" not a number in [0,1]`},
		{"0 1 NaN\n", 2, 1, `g.inf line 1: probability "NaN" not a number in [0,1]`},
		{"0 1 p\n", 2, 1, `g.inf line 1: probability "p" not a number in [0,1]`},
		{"0 1\n", 2, 1, `g.inf line 1: want "u v p", got 2 columns`},
		{"0 1 0.5 7\n", 2, 1, `g.inf line 1: want "u v p", got 4 columns`},
		{"0 1 0.5\n0 2 0.5\n", 2, 2, `g.inf line 2: node "2" not in 0..1`},
		{"-1 1 0.5\n", 2, 1, `g.inf line 1: node "-1" not in 0..1`},
		{"a 1 0.5\n", 2, 1, `g.inf line 1: node "a" not in 0..1`},
		{"0 1 0.5\n", 2, 2, "g.inf: attributes say m=2 but the file has 1 arc lines"},
		{"0 1 0.5\n1 0 0.5\n", 2, 1, "g.inf: attributes say m=1 but the file has 2 arc lines"},
		{"", -1, 0, "g.inf: node count n=-1 not in 0.."},
		{"", 1 << 40, 0, "g.inf: node count n=1099511627776 not in 0.."},
	}
	for _, tc := range tests {
		_, _, err := ReadIMMInf(strings.NewReader(tc.in), "g.inf", tc.n, tc.m, ReadOptions{})
		var pe *ParseError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestIMMRoundTrip(t *testing.T) {
	dir := t.TempDir()
	g, _, _ := FromEdges(4, []int{0, 1, 2}, []int{1, 2, 0}, []float64{0.5, 1, 0.125}, BuildOptions{Undirected: true})
	if err := WriteIMM(dir, "graph_ic.inf", g); err != nil {
		t.Fatal(err)
	}
	attr, _ := os.ReadFile(filepath.Join(dir, "attribute.txt"))
	if string(attr) != "n=4\nm=6\n" {
		t.Errorf("attribute.txt = %q", attr)
	}
	h, _, err := ReadIMM(dir, "graph_ic.inf", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// IMM is directed: both arcs of every undirected edge are written.
	if h.Undirected() || h.N != 4 || !slices.Equal(h.Src, g.Src) || !slices.Equal(h.Dst, g.Dst) || !slices.Equal(h.Weight, g.Weight) {
		t.Errorf("round trip: %v vs %v", edgeIDs(h), edgeIDs(g))
	}
	// Errors: no weights, weight outside [0,1], missing files.
	var buf bytes.Buffer
	d, _, _ := FromEdges(2, []int{0}, []int{1}, nil, BuildOptions{})
	if err := WriteIMMInf(&buf, d); err == nil {
		t.Error("graph without weights written")
	}
	d2, _ := d.WithWeights([]float64{2})
	if err := WriteIMMInf(&buf, d2); err == nil || buf.Len() != 0 {
		t.Error("weight 2 written")
	}
	if _, _, err := ReadIMM(dir, "missing.inf", ReadOptions{}); err == nil || !strings.Contains(err.Error(), "missing.inf") {
		t.Errorf("missing inf: %v", err)
	}
	if _, _, err := ReadIMM(t.TempDir(), "graph_ic.inf", ReadOptions{}); err == nil || !strings.Contains(err.Error(), "attribute.txt") {
		t.Errorf("missing attribute.txt: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "attribute.txt"), []byte("n=4\nm=5\n"), 0o644)
	if _, _, err := ReadIMM(dir, "graph_ic.inf", ReadOptions{}); err == nil || !strings.Contains(err.Error(), "graph_ic.inf: attributes say m=5 but the file has 6 arc lines") {
		t.Errorf("m mismatch: %v", err)
	}
}

// TestReadPath checks the dispatch of ReadPath and ReadIMMDir: an IMM
// directory reads graph_ic.inf, or graph.txt without it; a file goes by
// extension; a missing path is an error naming it.
func TestReadPath(t *testing.T) {
	dir := t.TempDir()
	g, _, _ := FromEdges(3, []int{0, 1}, []int{1, 2}, []float64{0.5, 0.25}, BuildOptions{})
	if err := WriteIMM(dir, IMMGraphFile, g); err != nil {
		t.Fatal(err)
	}
	h, _, err := ReadPath(dir, ReadOptions{})
	if err != nil || !slices.Equal(h.Weight, g.Weight) {
		t.Fatalf("graph.txt fallback: %v, %v", h, err)
	}
	g2, _ := g.WithWeights([]float64{0.125, 1})
	if err := WriteIMM(dir, IMMICFile, g2); err != nil {
		t.Fatal(err)
	}
	if h, _, err := ReadIMMDir(dir, ReadOptions{}); err != nil || !slices.Equal(h.Weight, g2.Weight) {
		t.Fatalf("graph_ic.inf preferred: %v, %v", h, err)
	}
	file := filepath.Join(dir, "g.txt")
	if err := WriteSNAPFile(file, g); err != nil {
		t.Fatal(err)
	}
	if h, _, err := ReadPath(file, ReadOptions{}); err != nil || h.NumEdges() != 2 {
		t.Fatalf("SNAP file: %v, %v", h, err)
	}
	missing := filepath.Join(dir, "nope")
	if _, _, err := ReadPath(missing, ReadOptions{}); err == nil || !strings.Contains(err.Error(), missing) || !strings.HasPrefix(err.Error(), "graphs: ") {
		t.Errorf("missing path: %v", err)
	}
}
