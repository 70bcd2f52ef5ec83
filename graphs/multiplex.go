package graphs

import "fmt"

// Multiplex is a network of k layers over one node set: every layer is a
// Graph with the same N and the same external ids (a node missing from a
// layer is isolated there).
type Multiplex struct {
	// Names holds one name per layer (as given in the input, e.g. "1").
	Names  []string
	Layers []*Graph
}

// N returns the number of nodes shared by all layers.
func (m *Multiplex) N() int {
	if len(m.Layers) == 0 {
		return 0
	}
	return m.Layers[0].N
}

// NewMultiplex checks that the layers share one node set and returns the
// multiplex. It returns an error when the node counts or ids differ.
func NewMultiplex(names []string, layers []*Graph) (*Multiplex, error) {
	if len(names) != len(layers) {
		return nil, fmt.Errorf("graphs: multiplex: %d names for %d layers", len(names), len(layers))
	}
	for l := 1; l < len(layers); l++ {
		if layers[l].N != layers[0].N {
			return nil, fmt.Errorf("graphs: multiplex: layer %s has %d nodes, layer %s has %d", names[l], layers[l].N, names[0], layers[0].N)
		}
		for i := 0; i < layers[0].N; i++ {
			if layers[l].ID(i) != layers[0].ID(i) {
				return nil, fmt.Errorf("graphs: multiplex: node %d is %q in layer %s but %q in layer %s", i, layers[l].ID(i), names[l], layers[0].ID(i), names[0])
			}
		}
	}
	return &Multiplex{Names: names, Layers: layers}, nil
}
