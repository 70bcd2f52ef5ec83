package graphs

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestReadMultiplex(t *testing.T) {
	tests := []struct {
		name   string // expected values worked out by hand
		in     string
		opt    ReadOptions
		names  []string
		ids    []string
		layers [][]string // edgeIDs per layer
		stats  BuildStats
	}{
		{
			name:   "numeric layer names are sorted; nodes shared; De Domenico 4-column format",
			in:     "# layer u v w\n2 a b 1\n1 b c 0.5\n10 c c 1\n1 b c 9\n",
			names:  []string{"1", "2", "10"},
			ids:    []string{"a", "b", "c"},
			layers: [][]string{{"b>c:0.5"}, {"a>b:1"}, {}},
			stats:  BuildStats{SelfLoops: 1, Duplicates: 1},
		},
		{
			name:   "other layer names keep first appearance; undirected",
			in:     "soc 1 2\nbio 2 3\nsoc 2 1\n",
			opt:    ReadOptions{BuildOptions: BuildOptions{Undirected: true}},
			names:  []string{"soc", "bio"},
			ids:    []string{"1", "2", "3"},
			layers: [][]string{{"1>2", "2>1"}, {"2>3", "3>2"}},
			stats:  BuildStats{Duplicates: 1},
		},
		{
			name:   "#@layers fixes the order and keeps an empty layer; #@nodes and NumNodes",
			in:     "#@layers 3 1 2\n#@nodes x\n1 0 1\n",
			opt:    ReadOptions{NumNodes: 2},
			names:  []string{"3", "1", "2"},
			ids:    []string{"0", "1", "x"},
			layers: [][]string{{}, {"0>1"}, {}},
		},
		{
			name:   "empty input",
			in:     "",
			names:  []string{},
			layers: [][]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, st, err := ReadMultiplex(strings.NewReader(tc.in), "in.edges", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(m.Names, tc.names) || st != tc.stats {
				t.Errorf("names %v stats %+v, want %v %+v", m.Names, st, tc.names, tc.stats)
			}
			for l, g := range m.Layers {
				checkGraphInvariants(t, g)
				if !slices.Equal(g.IDs(), tc.ids) || !slices.Equal(edgeIDs(g), tc.layers[l]) {
					t.Errorf("layer %s: ids %v edges %v, want %v %v", m.Names[l], g.IDs(), edgeIDs(g), tc.ids, tc.layers[l])
				}
			}
		})
	}
}

func TestReadMultiplexErrors(t *testing.T) {
	tests := []struct {
		in   string
		opt  ReadOptions
		want string
	}{
		{"1 a\n", ReadOptions{}, `in.edges line 1: want "layer u v" or "layer u v w", got 2 columns`},
		{"1 a b 1 2\n", ReadOptions{}, "in.edges line 1: want \"layer u v\" or \"layer u v w\", got 5 columns"},
		{"1 a b\n2 a b 1\n", ReadOptions{}, "in.edges line 2: 4 columns but line 1 has 3"},
		{"1 a b inf\n", ReadOptions{}, `in.edges line 1: weight "inf" is not finite`},
		{"1 a b x\n", ReadOptions{}, `in.edges line 1: weight "x" is not a number`},
		{"1 a b\n1 a b\n", ReadOptions{BuildOptions: BuildOptions{Duplicates: RejectDuplicates}}, `in.edges line 2: duplicate edge "a"→"b", first given on line 1`},
	}
	for _, tc := range tests {
		_, _, err := ReadMultiplex(strings.NewReader(tc.in), "in.edges", tc.opt)
		var pe *ParseError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &pe) {
			t.Errorf("ReadMultiplex(%q): error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestMultiplexRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 100; trial++ {
		undirected, weighted := r.IntN(2) == 0, r.IntN(2) == 0
		n := r.IntN(10)
		ids := make([]string, n)
		for i := range ids {
			ids[i] = "n" + strconv.Itoa(r.IntN(1000)) + "_" + strconv.Itoa(i)
		}
		k := r.IntN(4)
		names := make([]string, k)
		layers := make([]*Graph, k)
		for l := range layers {
			names[l] = "L" + strconv.Itoa(k-l) // not sorted, not numeric
			b := NewBuilder("")
			for _, id := range ids {
				b.Node(id)
			}
			for e := 0; n > 0 && e < r.IntN(2*n); e++ {
				w := math.NaN()
				if weighted {
					w = r.Float64()
				}
				b.AddEdgeIndex(r.IntN(n), r.IntN(n), w, 0)
			}
			g, _, err := b.Build(BuildOptions{Undirected: undirected})
			if err != nil {
				t.Fatal(err)
			}
			layers[l] = g
		}
		m, err := NewMultiplex(names, layers)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteMultiplex(&buf, m); err != nil {
			t.Fatal(err)
		}
		// No options: the file itself says whether its layers are undirected.
		h, _, err := ReadMultiplex(&buf, "rt", ReadOptions{})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if !slices.Equal(h.Names, m.Names) {
			t.Fatalf("names %v, want %v", h.Names, m.Names)
		}
		for l := range m.Layers {
			if h.Layers[l].Undirected() != undirected {
				t.Fatalf("trial %d layer %d: undirected %v, want %v", trial, l, h.Layers[l].Undirected(), undirected)
			}
			sameGraph(t, m.Layers[l], h.Layers[l])
		}
	}
}

func TestWriteMultiplexErrors(t *testing.T) {
	a, _, _ := FromEdges(2, []int{0}, []int{1}, nil, BuildOptions{})
	b, _, _ := FromEdges(2, []int{0}, []int{1}, []float64{1}, BuildOptions{})
	var buf bytes.Buffer
	if err := WriteMultiplex(&buf, &Multiplex{Names: []string{"a", "b"}, Layers: []*Graph{a, b}}); err == nil {
		t.Error("mixed weighted layers written")
	}
	if err := WriteMultiplex(&buf, &Multiplex{Names: []string{"a b"}, Layers: []*Graph{a}}); err == nil {
		t.Error("layer name with a space written")
	}
	if buf.Len() != 0 {
		t.Error("bytes written before the error")
	}
}

// TestReadDeDomenico builds a miniature of the Arabidopsis directory.
func TestReadDeDomenico(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("toy_genetic_multiplex.edges", "1 1 2 1\n2 2 3 1\n1 3 3 1\n")
	write("toy_genetic_layers.txt", "layerID layerLabel\n2 physical_association\n1 direct_interaction\n3 empty_layer\n")
	write("toy_genetic_nodes.txt", "nodeID nodeLabel\n1 \"BRCA2(IV)\"\n2 PDH-E1 ALPHA\n3 GIF3\n4 LONELY\n")
	m, st, err := ReadDeDomenico(dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Names, []string{"2", "1", "3"}) || m.N() != 4 || st.SelfLoops != 1 {
		t.Fatalf("names %v N=%d stats %+v", m.Names, m.N(), st)
	}
	if got := edgeIDs(m.Layers[1]); !slices.Equal(got, []string{"1>2:1"}) {
		t.Errorf("layer 1: %v", got)
	}
	m, _, err = ReadDeDomenico(dir, ReadOptions{LabelIDs: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Names, []string{"physical_association", "direct_interaction", "empty_layer"}) {
		t.Errorf("names %v", m.Names)
	}
	if got := edgeIDs(m.Layers[0]); !slices.Equal(got, []string{"PDH-E1 ALPHA>GIF3:1"}) {
		t.Errorf("layer physical_association: %v", got)
	}
	for _, g := range m.Layers {
		checkGraphInvariants(t, g)
	}
	// An edge on a node without a label is an error under LabelIDs only.
	write("toy_genetic_multiplex.edges", "1 1 5 1\n")
	if _, _, err := ReadDeDomenico(dir, ReadOptions{}); err != nil {
		t.Error(err)
	}
	if _, _, err := ReadDeDomenico(dir, ReadOptions{LabelIDs: true}); err == nil || !strings.Contains(err.Error(), "node 5 has no label") {
		t.Errorf("missing label: %v", err)
	}
	write("toy_genetic_nodes.txt", "nodeID nodeLabel\n1 a\n1 b\n")
	if _, _, err := ReadDeDomenico(dir, ReadOptions{}); err == nil || !strings.Contains(err.Error(), `toy_genetic_nodes.txt line 3: id "1" given twice`) {
		t.Errorf("duplicate node id: %v", err)
	}
	if _, _, err := ReadDeDomenico(t.TempDir(), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "found 0") {
		t.Errorf("empty dir: %v", err)
	}
	// A layers file without a header line keeps its first layer.
	write("toy_genetic_nodes.txt", "nodeID nodeLabel\n1 a\n2 b\n")
	write("toy_genetic_layers.txt", "7 seven\n1 one\n")
	m, _, err = ReadDeDomenico(dir, ReadOptions{})
	if err != nil || !slices.Equal(m.Names, []string{"7", "1"}) {
		t.Errorf("headerless layers file: %v %v", m, err)
	}
	// Without the layers and nodes files the edges alone define the multiplex.
	dir2 := t.TempDir()
	os.WriteFile(filepath.Join(dir2, "x_multiplex.edges"), []byte("2 a b\n1 b a\n"), 0o644)
	m, _, err = ReadDeDomenico(dir2, ReadOptions{})
	if err != nil || !slices.Equal(m.Names, []string{"1", "2"}) || m.N() != 2 {
		t.Errorf("edges only: %v %v", m, err)
	}
}
