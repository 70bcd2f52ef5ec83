package multiplex

import (
	"fmt"

	"github.com/spread-dev/spread/graphs"
)

// NewCompat returns the simulator of the released MIM-Reasoner code (see
// the package documentation, "Code-compat mode"): one LT layer on the
// undirected union of m's layers (an edge u–v when some layer has u→v or
// v→u; self-loops dropped), weights 1/degree, the constant threshold
// θ = 0.5, so that v activates when at least half of its neighbours are
// active, and rounds synchronous rounds (the code runs 1; 0 means until
// quiescence). It is deterministic: every world gives the same cascade.
func NewCompat(m *graphs.Multiplex, rounds int) (*Model, error) {
	if m == nil || len(m.Layers) == 0 {
		return nil, fmt.Errorf("multiplex: NewCompat: no layers")
	}
	b := unionBuilder(m.Layers, m.Layers[0].N)
	u, _, err := b.Build(graphs.BuildOptions{Undirected: true})
	if err != nil {
		return nil, fmt.Errorf("multiplex: NewCompat: %w", err)
	}
	um := &graphs.Multiplex{Names: []string{"union"}, Layers: []*graphs.Graph{u}}
	return New(um, []Layer{{Kind: LT}}, &Config{ThetaLo: 0.5, ThetaHi: 0.5, Rounds: rounds})
}

// FromPositions maps seeds given as positions in a node order to node
// indices: out[j] = order[pos[j]]. This reproduces the released code's
// reading of node ids as positions in the union graph's node insertion
// order (the order file of the MIM-Reasoner exports). It returns an error
// for a position outside the order.
func FromPositions(order []int, pos []int) ([]int, error) {
	out := make([]int, len(pos))
	for j, p := range pos {
		if p < 0 || p >= len(order) {
			return nil, fmt.Errorf("multiplex: position %d outside 0..%d", p, len(order)-1)
		}
		out[j] = order[p]
	}
	return out, nil
}
