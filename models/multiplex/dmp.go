package multiplex

import (
	"errors"
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// ErrNotIC is returned by UnionIC and NewDMP when a layer is not IC.
var ErrNotIC = errors.New("multiplex: the DMP estimate needs every layer IC")

// CoupledUnion returns the union graph U of the layers on the same nodes,
// with an edge u→v when some layer has it, and the coupled weight
//
//	w_uv = 1 − Π_i (1 − a^i_uv)
//
// with a^i layer i's IC probability or LT weight of u→v (Values). U's edges
// are in its CSR order (sorted by source, then target); its node ids are
// the multiplex's. For an all-IC multiplex this is the equivalent IC model
// (UnionIC); with LT layers it is the single weighted graph that the
// single-graph learned baselines see (solvers/deepim, solvers/touplegdd),
// as the MIM-Reasoner paper runs them on the union.
func (m *Model) CoupledUnion() (*graphs.Graph, []float64, error) {
	b := unionBuilder(m.layers, m.n)
	u, _, err := b.Build(graphs.BuildOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("multiplex: union: %w", err)
	}
	q := make([]float64, u.NumEdges()) // Π (1 − a), then 1 − that
	for e := range q {
		q[e] = 1
	}
	for i, g := range m.layers {
		a := m.values[i]
		for e := range g.Src {
			q[u.EdgeID(g.Src[e], g.Dst[e])] *= 1 - a[e]
		}
	}
	for e := range q {
		q[e] = 1 - q[e]
	}
	return u, q, nil
}

// UnionIC returns the IC model equivalent to an all-IC multiplex: the
// CoupledUnion, whose weight p_uv = 1 − Π_i (1 − p^i_uv) is then a
// probability (the layers' coins on parallel edges are independent, and
// overlapping activation makes a node active in every layer at once, so the
// multiplex cascade is the IC cascade on U round for round). It returns
// ErrNotIC if a layer is LT.
func (m *Model) UnionIC() (*graphs.Graph, []float64, error) {
	if !m.AllIC() {
		return nil, nil, ErrNotIC
	}
	return m.CoupledUnion()
}

// DMP is the dynamic-message-passing estimate of the spread of an all-IC
// multiplex: models/ic's DMP on the union graph of UnionIC with horizon T,
// σ_DMP(S) = Σ_v p_v(T−1). It is exact when the union's undirected
// skeleton is a forest and T exceeds its longest path, and an upper bound
// on loopy graphs (DMP counts activation echoing around short cycles). It
// is deterministic (standard error 0) and implements solvers/im's Oracle.
// Not safe for concurrent use.
type DMP struct {
	*ic.SeedSpread
}

// NewDMP returns the DMP oracle of m with horizon T ≥ 1. It returns
// ErrNotIC if a layer is LT.
func NewDMP(m *Model, T int) (*DMP, error) {
	if T < 1 {
		return nil, fmt.Errorf("multiplex: NewDMP: horizon T = %d, want ≥ 1", T)
	}
	u, p, err := m.UnionIC()
	if err != nil {
		return nil, err
	}
	return &DMP{ic.NewSeedSpread(u, p, T)}, nil
}

// unionBuilder returns a builder of the union of the layers: the n nodes of
// the multiplex with layer 0's ids (node i keeps index i) and every layer's
// edges, without weights; duplicates across layers collapse to the first
// when built with the default policy.
func unionBuilder(layers []*graphs.Graph, n int) *graphs.Builder {
	b := graphs.NewBuilder("")
	g0 := layers[0]
	for i := 0; i < n; i++ {
		b.Node(g0.ID(i))
	}
	for _, g := range layers {
		for e := range g.Src {
			b.AddEdgeIndex(g.Src[e], g.Dst[e], math.NaN(), 0)
		}
	}
	return b
}
