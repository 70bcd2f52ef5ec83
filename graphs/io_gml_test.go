package graphs

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// gmlSample has the shape of Newman's files plus what networkx writes:
// a Creator line, comments, a graphics sub-list, string and numeric
// attributes, and an edge declared before one of its nodes.
const gmlSample = `Creator "hand-written for graphs tests"
# a comment line
graph [
  comment "three nodes"
  directed 1
  node [
    id 10
    label "AS 35034"
    graphics [ x 1.5 y -2 fill "#ff0000" nested [ a 1 ] ]
  ]
  node [ id 20 label "b" ]
  edge [ source 10 target 30 value 0.5 ]
  node [ id 30 label "c" weight 3 ]
  edge [ source 20 target 10 value 2 # trailing comment
  ]
]
`

func TestReadGML(t *testing.T) {
	tests := []struct {
		name       string // expected values worked out by hand
		in         string
		opt        ReadOptions
		ids        []string
		edges      []string
		undirected bool
		stats      BuildStats
	}{
		{
			name:  "directed with values and skipped keys",
			in:    gmlSample,
			ids:   []string{"10", "20", "30"},
			edges: []string{"10>30:0.5", "20>10:2"},
		},
		{
			name:  "LabelIDs",
			in:    gmlSample,
			opt:   ReadOptions{LabelIDs: true},
			ids:   []string{"AS 35034", "b", "c"},
			edges: []string{"AS 35034>c:0.5", "b>AS 35034:2"},
		},
		{
			name:       "directed 1 read as undirected",
			in:         gmlSample,
			opt:        ReadOptions{BuildOptions: BuildOptions{Undirected: true}},
			ids:        []string{"10", "20", "30"},
			edges:      []string{"10>20:2", "10>30:0.5", "20>10:2", "30>10:0.5"},
			undirected: true,
		},
		{
			name:       "as-22july06 shape: no directed key means undirected; isolated node; duplicate reversed edge",
			in:         "graph [\n  node [\n    id 0\n    label \"35034\"\n  ]\n  node [ id 1 ] node [ id 2 ]\n  edge [ source 1 target 0 ]\n  edge [ source 0 target 1 ]\n]\n",
			ids:        []string{"0", "1", "2"},
			edges:      []string{"0>1", "1>0"},
			undirected: true,
			stats:      BuildStats{Duplicates: 1},
		},
		{
			name:       "empty graph, weight key, negative ids",
			in:         "graph [ directed 0 node [ id -5 ] node [ id 7 ] edge [ source -5 target 7 weight 1e3 ] ]",
			ids:        []string{"-5", "7"},
			edges:      []string{"-5>7:1000", "7>-5:1000"},
			undirected: true,
		},
		{
			name:       "graph with no nodes",
			in:         "graph [ ]",
			ids:        []string{},
			edges:      []string{},
			undirected: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, st, err := ReadGML(strings.NewReader(tc.in), "in.gml", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGraphInvariants(t, g)
			if !slices.Equal(g.IDs(), tc.ids) || !slices.Equal(edgeIDs(g), tc.edges) || g.Undirected() != tc.undirected || st != tc.stats {
				t.Errorf("got %q %q undirected=%v %+v\nwant %q %q %v %+v", g.IDs(), edgeIDs(g), g.Undirected(), st, tc.ids, tc.edges, tc.undirected, tc.stats)
			}
		})
	}
}

func TestReadGMLErrors(t *testing.T) {
	tests := []struct {
		in   string
		opt  ReadOptions
		want string
	}{
		{"", ReadOptions{}, "in.gml: no graph [ ... ] list"},
		{"Creator \"x\"\n", ReadOptions{}, "in.gml: no graph"},
		{"graph [\n node [ id 1 ]\n", ReadOptions{}, "in.gml line 3: file ends inside the list opened on line 1 (truncated?)"},
		{"graph [\n node [ id 1\n", ReadOptions{}, "in.gml line 3: file ends inside the list opened on line 2"},
		{"graph [\n node [ id 1 label \"abc\n]\n]", ReadOptions{}, "in.gml line 2: unterminated string"},
		{"graph [ node [ label \"x\" ] ]", ReadOptions{}, "in.gml line 1: node without id"},
		{"graph [\nnode [ id 1 ]\nnode [ id 1 ]\n]", ReadOptions{}, "in.gml line 3: node id 1 already used by the node on line 2"},
		{"graph [ node [ id 1 id 2 ] ]", ReadOptions{}, "node has two ids"},
		{"graph [ node [ id 1.5 ] ]", ReadOptions{}, `id "1.5" is not an integer`},
		{"graph [ node [ id \"a\" ] ]", ReadOptions{}, "id needs an integer, got string"},
		{"graph [ node [ id 1 ] edge [\nsource 1 target 2 ] ]", ReadOptions{}, "in.gml line 1: edge target 2 is not a node id"},
		{"graph [ node [ id 1 ] edge [ source 1 ] ]", ReadOptions{}, "edge without source or target"},
		{"graph [ node [ id 1 ] node [ id 2 ]\nedge [ source 1 target 2 value 1 ]\nedge [ source 2 target 1 ] ]", ReadOptions{}, "in.gml line 3: edge value given for some edges but not others (first edge on line 2)"},
		{"graph [ node [ id 1 ] node [ id 2 ] edge [ source 1 target 2 value NaN ] ]", ReadOptions{}, `key "value" needs a value, got key`},
		{"graph [ node [ id 1 ] node [ id 2 ] edge [ source 1 target 2 value 1e999 ] ]", ReadOptions{}, `weight "1e999" is out of range`},
		{"graph [ node [ id 1 ] node [ id 2 ] edge [ source 1 target 2 value \"x\" ] ]", ReadOptions{}, "value needs a number, got string"},
		{"graph [ directed 2 ]", ReadOptions{}, "directed 2, want 0 or 1"},
		{"graph [ node 5 ]", ReadOptions{}, "node needs a [ ... ] list"},
		{"graph [ edge \"x\" ]", ReadOptions{}, "edge needs a [ ... ] list"},
		{"graph [ node [ id 1 ] @ ]", ReadOptions{}, "in.gml line 1: unexpected character '@'"},
		{"graph [ 5 ]", ReadOptions{}, "want a key, got number"},
		{"[ ]", ReadOptions{}, "want a key, got ["},
		{"graph ]", ReadOptions{}, `key "graph" needs a value, got ]`},
		{"graph [ node [ id ] ]", ReadOptions{}, `key "id" needs a value, got ]`},
		{"graph [ node [ id 1 ] ]", ReadOptions{LabelIDs: true}, "in.gml line 1: node 1 has no label (LabelIDs is set)"},
		{"graph [ node [ id 1 label \"a\" ]\nnode [ id 2 label \"a\" ] ]", ReadOptions{LabelIDs: true}, `in.gml line 2: label "a" already used by the node on line 1`},
		{"x [ [ [ ", ReadOptions{}, "file ends inside the list opened on line 1"},
		{"graph [ node [ id 1 ] node [ id 2 ]\nedge [ source 1 target 1 ] ]", ReadOptions{BuildOptions: BuildOptions{SelfLoops: RejectSelfLoops}}, `in.gml line 2: self-loop on node "1"`},
	}
	for _, tc := range tests {
		_, _, err := ReadGML(strings.NewReader(tc.in), "in.gml", tc.opt)
		var pe *ParseError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "graphs: in.gml") || !errors.As(err, &pe) {
			t.Errorf("ReadGML(%q): error %v, want a ParseError containing %q", tc.in, err, tc.want)
		}
	}
}

// TestReadGMLDeepNesting checks that skipping deeply nested unknown lists
// does not recurse.
func TestReadGMLDeepNesting(t *testing.T) {
	in := "x " + strings.Repeat("[ a ", 1<<16) + strings.Repeat("] ", 1<<16) + "graph [ node [ id 0 ] ]"
	g, _, err := ReadGML(strings.NewReader(in), "deep.gml", ReadOptions{})
	if err != nil || g.N != 1 {
		t.Fatalf("N=%v err=%v", g, err)
	}
}
