package datasets

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

func edgeValuesGraph(t *testing.T, undirected bool) *graphs.Graph {
	t.Helper()
	b := graphs.NewBuilder("test")
	for _, e := range [][2]string{{"a", "b"}, {"b", "c"}, {"c", "a"}} {
		b.AddEdge(e[0], e[1], math.NaN(), 0)
	}
	g, _, err := b.Build(graphs.BuildOptions{Undirected: undirected})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestEdgeValuesRoundTrip(t *testing.T) {
	for _, undirected := range []bool{false, true} {
		g := edgeValuesGraph(t, undirected)
		vals := make([]float64, g.NumPairs())
		for p := range vals {
			vals[p] = 0.1 + 0.123456789*float64(p)/7
		}
		var buf bytes.Buffer
		if err := WriteEdgeValues(&buf, g, vals); err != nil {
			t.Fatal(err)
		}
		got, err := ReadEdgeValues(&buf, "buf", g, true)
		if err != nil {
			t.Fatalf("undirected=%v: %v", undirected, err)
		}
		for p := range vals {
			if got[p] != vals[p] {
				t.Errorf("undirected=%v: param %d: got %v want %v", undirected, p, got[p], vals[p])
			}
		}
	}
}

func TestEdgeValuesReverseDirectionUndirected(t *testing.T) {
	g := edgeValuesGraph(t, true)
	got, err := ReadEdgeValues(strings.NewReader("b a 0.5\nc b 0.25\na c 1\n"), "x", g, true)
	if err != nil {
		t.Fatal(err)
	}
	e := g.EdgeID(mustIdx(t, g, "a"), mustIdx(t, g, "b"))
	if got[g.Pair[e]] != 0.5 {
		t.Errorf("a–b = %v, want 0.5", got[g.Pair[e]])
	}
}

func mustIdx(t *testing.T, g *graphs.Graph, id string) int {
	i, err := g.IndexOf(id)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestEdgeValuesErrors(t *testing.T) {
	for _, tc := range []struct {
		undirected bool
		in, want   string
	}{
		{false, "a b 0.5\nb c\n", "line 2: want \"u v value\""},
		{false, "a b 0.5\nb z 0.1\n", "line 2: unknown node \"z\""},
		{false, "a b 0.5\nb a 0.1\n", "line 2: b→a is not an edge"},
		{false, "a b NaN\n", "line 1: value \"NaN\" is not a finite"},
		{false, "a b 1.5\n", "line 1: probability 1.5 outside [0,1]"},
		{false, "a b -0.1\n", "line 1: probability -0.1 outside"},
		{false, "# c\na b 0.5\nb c 0.5\nc a 0.5\na b 0.2\n", "line 5: edge a–b given twice"},
		{true, "a b 0.5\nb a 0.2\n", "line 2: edge b–a given twice"},
		{false, "a b 0.5\n", "no value for edge b→c (and 1 more missing)"},
	} {
		g := edgeValuesGraph(t, tc.undirected)
		_, err := ReadEdgeValues(strings.NewReader(tc.in), "f.txt", g, true)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "datasets: read f.txt") {
			t.Errorf("%q: got %v, want error containing %q", tc.in, err, tc.want)
		}
	}
}
