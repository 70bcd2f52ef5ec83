package ic

import (
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/diffusion"
)

// Model is the independent cascade model as a diffusion.Model: world-keyed
// forward simulation (Reach) and reverse-reachable sampling (RRSet) for
// influence maximisation (solvers/im). When u becomes active it gets one
// chance to activate each inactive out-neighbour v, succeeding with
// probability p_e for e = u→v, independently over edges.
//
// In world w the edge e is live iff w.Edge(e) < p_e·2^53, except at a node
// v whose d in-edges all carry the same probability p with (1 + d·p)·6 < d
// (weighted cascade, p = 1/d, at in-degree above 12, for example). There the
// live in-edges of v are the positions of a Bernoulli(p) process over v's
// in-list, drawn by geometric gaps ⌊ln U_t / ln(1 − p)⌋ from the uniforms
// U_t of w.Seq(v): the same distribution with about 1 + d·p draws instead
// of d. Both samplers use the same rule, so RR sets and forward cascades stay
// consistent world by world. See the package documentation for how Model
// relates to Simulator.
type Model struct {
	n      int
	p      []float64 // p_e in edge order (not copied; read-only)
	outOff []int     // graph's OutOff (shared)
	dst    []int32   // Dst[e]
	thr    []uint64  // live iff draw < thr[e]
	inPos  []int     // position of e in the in-edge list (index into in): g.InPos
	inOff  []int     // graph's InOff (shared)
	in     []icArc   // the i-th in-edge (InEdges order)
	geo    []float64 // 1/ln(1−p) at nodes sampled by geometric gaps, 0 elsewhere
	nGeo   int       // number of such nodes
}

// icArc is an in-edge packed for the reverse sampler's inner loop.
type icArc struct {
	src, edge int32
	thr       uint64
}

// NewModel returns the IC model on g with activation probabilities p (one
// per edge, in g's edge order). A nil p takes g.Weight. It returns an error
// if both are nil, if len(p) != g.NumEdges(), or if some p_e is outside
// [0, 1] (the error names the edge by its endpoints' external ids). p is
// retained, not copied: do not modify it afterwards.
func NewModel(g *graphs.Graph, p []float64) (*Model, error) {
	p, err := diffusion.EdgeValues(g, p, "IC probabilities")
	if err != nil {
		return nil, fmt.Errorf("ic: %w", err)
	}
	for e, x := range p {
		if !(x >= 0 && x <= 1) {
			return nil, fmt.Errorf("ic: IC probability of edge %s→%s is %v, want [0, 1]", g.ID(g.Src[e]), g.ID(g.Dst[e]), x)
		}
	}
	m := &Model{n: g.N, p: p, outOff: g.OutOff, inOff: g.InOff}
	E := g.NumEdges()
	m.dst = make([]int32, E)
	m.thr = make([]uint64, E)
	for e := 0; e < E; e++ {
		m.dst[e] = int32(g.Dst[e])
		m.thr[e] = diffusion.Threshold(p[e])
	}
	m.in = make([]icArc, E)
	m.inPos = g.InPos
	for i, e := range g.InEdges {
		m.in[i] = icArc{src: int32(g.Src[e]), edge: int32(e), thr: m.thr[e]}
	}
	m.geo = make([]float64, g.N)
	for v := 0; v < g.N; v++ {
		lo, hi := g.InOff[v], g.InOff[v+1]
		d := hi - lo
		if d == 0 {
			continue
		}
		q := p[g.InEdges[lo]]
		uniform := q > 0 && q < 1
		for i := lo + 1; i < hi && uniform; i++ {
			uniform = p[g.InEdges[i]] == q
		}
		if uniform && (1+float64(d)*q)*6 < float64(d) {
			m.geo[v] = 1 / math.Log1p(-q)
			m.nGeo++
		}
	}
	return m, nil
}

// NumNodes returns n.
func (m *Model) NumNodes() int { return m.n }

// NewSampler returns a diffusion.Sampler for m.
func (m *Model) NewSampler() diffusion.Sampler {
	s := &sampler{m: m, mark: diffusion.NewMarks(m.n)}
	if m.nGeo > 0 {
		s.touched = diffusion.NewMarks(m.n)
		s.live = diffusion.NewMarks(len(m.in))
	}
	return s
}

// LiveEdgeChoices implements diffusion.Enumerable: every edge with
// 0 < p_e < 1 is an independent choice, live with probability
// thr[e]/2^53 (p_e rounded up to a multiple of 2^-53), taken in edge
// order; edges with p_e = 1 are fixed. The geometric-gap sampling of some
// nodes uses p itself, a difference below 2^-53.
func (m *Model) LiveEdgeChoices() (fixed []diffusion.Alternative, choices [][]diffusion.Alternative) {
	for u := 0; u < m.n; u++ {
		for e := m.outOff[u]; e < m.outOff[u+1]; e++ {
			p := float64(m.thr[e]) / diffusion.Unit
			switch {
			case p == 1:
				fixed = append(fixed, diffusion.Alternative{P: 1, U: int32(u), V: m.dst[e]})
			case p > 0:
				choices = append(choices, []diffusion.Alternative{{P: p, U: int32(u), V: m.dst[e]}, {P: 1 - p, U: -1, V: -1}})
			}
		}
	}
	return fixed, choices
}

// GeometricNodes returns the number of nodes whose live in-edges are drawn
// by geometric gaps rather than one draw per edge (see Model).
func (m *Model) GeometricNodes() int { return m.nGeo }
