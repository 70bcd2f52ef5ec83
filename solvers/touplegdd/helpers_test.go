package touplegdd

import (
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/multiplex"
)

// stars returns a two-layer multiplex of disjoint out-stars with the given
// numbers of leaves, hub→leaf edges live with probability p in IC layers;
// star i lives in layer i%2. hubs[i] is star i's hub.
func stars(t testing.TB, leaves []int, p float64) (m *multiplex.Model, hubs []int) {
	t.Helper()
	n := 0
	for _, l := range leaves {
		n += 1 + l
	}
	src := [2][]int{}
	dst := [2][]int{}
	v := 0
	for i, l := range leaves {
		hub := v
		hubs = append(hubs, hub)
		v++
		for j := 0; j < l; j++ {
			src[i%2] = append(src[i%2], hub)
			dst[i%2] = append(dst[i%2], v)
			v++
		}
	}
	var ls []*graphs.Graph
	var layers []multiplex.Layer
	for k := 0; k < 2; k++ {
		g, _, err := graphs.FromEdges(n, src[k], dst[k], nil, graphs.BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, g)
		vals := make([]float64, g.NumEdges())
		for e := range vals {
			vals[e] = p
		}
		layers = append(layers, multiplex.Layer{Kind: multiplex.IC, Values: vals})
	}
	m, err := multiplex.New(&graphs.Multiplex{Names: []string{"a", "b"}, Layers: ls}, layers, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, hubs
}
