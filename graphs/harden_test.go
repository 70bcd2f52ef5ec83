package graphs

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spread-dev/spread/internal/shared"
)

// TestReadSNAPConventions is the table of first-line conventions (issue #10,
// class 3): a leading "n m" counts line is detected only when unambiguous,
// and a byte-order mark never becomes part of an id.
func TestReadSNAPConventions(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		opt        ReadOptions
		wantIDs    string // ids in index order, space separated
		wantEdges  int
		wantCounts int
		wantErr    string
	}{
		// The course copies of ca-GrQc: "n m" then m two-column edges.
		{name: "counts line detected", in: "4 2\n10 20\n20 30\n", wantIDs: "10 20 30", wantEdges: 2, wantCounts: 1},
		// NetHEPT.txt: a two-column counts line before weighted edges.
		{name: "counts line before weighted edges", in: "3 2\n0 1 0.5\n1 2 0.25\n", wantIDs: "0 1 2", wantEdges: 2, wantCounts: 1},
		{name: "after comments", in: "# c\n4 2\n10 20\n20 30\n", wantIDs: "10 20 30", wantEdges: 2, wantCounts: 2},
		// A first edge whose ids recur is an edge, whatever the counts say.
		{name: "ids reused: an edge", in: "5 1\n0 1\n", wantIDs: "5 1 0", wantEdges: 2},
		{name: "m does not match: an edge", in: "7 9\n1 2\n2 3\n", wantIDs: "7 9 1 2 3", wantEdges: 3},
		{name: "too few nodes: an edge", in: "1 2\n3 4\n5 6\n", wantIDs: "1 2 3 4 5 6", wantEdges: 3},
		{name: "only line: an edge", in: "3 4\n", wantIDs: "3 4", wantEdges: 1},
		{name: "m = 0: an edge", in: "3 0\n", wantIDs: "3 0", wantEdges: 1},
		{name: "NoCountsLine", in: "4 2\n10 20\n20 30\n", opt: ReadOptions{NoCountsLine: true}, wantIDs: "4 2 10 20 30", wantEdges: 3},
		{name: "node directive before", in: "#@nodes 9\n4 2\n10 20\n20 30\n", wantIDs: "9 10 20 30", wantEdges: 2, wantCounts: 2},
		{name: "node directive, an edge", in: "#@nodes 9\n7 8\n8 9\n", wantIDs: "9 7 8", wantEdges: 2},
		{name: "dense ids, an edge", in: "3 1\n0 1\n", opt: ReadOptions{NumNodes: 2}, wantIDs: "0 1 3", wantEdges: 2},
		{name: "weighted mismatch names the counts reading", in: "3 5\n0 1 0.5\n", wantErr: "counts line"},
		{name: "byte-order mark", in: "\ufeffa b\nb c\n", wantIDs: "a b c", wantEdges: 2},
		{name: "byte-order mark before counts", in: "\ufeff5 2\n10 20\n20 30\n", wantIDs: "10 20 30", wantEdges: 2, wantCounts: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, st, err := ReadSNAP(strings.NewReader(tc.in), "in", tc.opt)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for i := 0; i < g.N; i++ {
				ids = append(ids, g.ID(i))
			}
			if got := strings.Join(ids, " "); got != tc.wantIDs {
				t.Errorf("ids %q, want %q", got, tc.wantIDs)
			}
			if g.NumEdges() != tc.wantEdges {
				t.Errorf("%d edges, want %d", g.NumEdges(), tc.wantEdges)
			}
			if st.CountsLine != tc.wantCounts {
				t.Errorf("CountsLine = %d, want %d", st.CountsLine, tc.wantCounts)
			}
		})
	}
}

// TestSharedCountsDetected: the shared copies of ca-GrQc and NetHEPT read
// without options (issue #10: 5,244 nodes, and "weights at line 2").
func TestSharedCountsDetected(t *testing.T) {
	root := shared.Root()
	if root == "" {
		t.Skip("shared datasets folder not found")
	}
	for _, tc := range []struct {
		file  string
		nodes int
	}{
		{"graphs/ca-GrQc/CA-GrQc.txt", 5242},
		{"graphs/nethept-wc/NetHEPT.txt", 15233},
	} {
		g, st, err := ReadSNAPFile(filepath.Join(root, "datasets", tc.file), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if g.N != tc.nodes || st.CountsLine != 1 {
			t.Errorf("%s: %d nodes, CountsLine %d; want %d nodes, line 1", tc.file, g.N, st.CountsLine, tc.nodes)
		}
	}
}

func TestReadGMLReportsIgnoredGraphs(t *testing.T) {
	in := "\ufeffgraph [ node [ id 1 ] node [ id 2 ] edge [ source 1 target 2 ] ]\ngraph [ node [ id 5 ] ]\n"
	g, st, err := ReadGML(strings.NewReader(in), "in", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g.N != 2 || st.IgnoredGraphs != 1 {
		t.Errorf("N = %d, IgnoredGraphs = %d; want 2, 1", g.N, st.IgnoredGraphs)
	}
}
