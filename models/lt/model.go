package lt

import (
	"fmt"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/diffusion"
)

// WeightTolerance is the slack allowed in LT's constraint Σ_in w ≤ 1, to
// absorb rounding in weight files (NetHEPT's graph_lt.inf, written with six
// significant digits, has in-weight sums up to 1 + 2e-6); sums in
// (1, 1+WeightTolerance] are accepted and the last in-edge's share is
// truncated so that the total is 1.
const WeightTolerance = 1e-5

// Model is the linear threshold model in its live-edge form (see the
// package documentation): in world w node v keeps at most one in-edge, the
// i-th one when w.Node(v)/2^53 falls in [Σ_{j<i} w_j, Σ_{j≤i} w_j), and
// none with probability 1 − Σ w; a node is active iff a seed reaches it
// along kept edges.
type Model struct {
	n      int
	w      []float64
	outOff []int
	dst    []int32
	lo, hi []uint64 // v keeps e = u→v iff lo[e] ≤ w.Node(v) < hi[e]
	inOff  []int
	inSrc  []int32
	inHi   []uint64 // hi of the i-th in-edge (non-decreasing within a node)
}

// NewModel returns the LT model on g with weights w (one per edge, in g's
// edge order); a nil w takes g.Weight. It returns an error if both are nil,
// if len(w) != g.NumEdges(), if a weight is outside [0, 1], or if the
// weights into a node sum to more than 1 + WeightTolerance (the error names
// the node by its external id and gives the sum). w is retained, not
// copied.
func NewModel(g *graphs.Graph, w []float64) (*Model, error) {
	w, err := diffusion.EdgeValues(g, w, "LT weights")
	if err != nil {
		return nil, fmt.Errorf("lt: %w", err)
	}
	for e, x := range w {
		if !(x >= 0 && x <= 1) {
			return nil, fmt.Errorf("lt: LT weight of edge %s→%s is %v, want [0, 1]", g.ID(g.Src[e]), g.ID(g.Dst[e]), x)
		}
	}
	E := g.NumEdges()
	m := &Model{n: g.N, w: w, outOff: g.OutOff, inOff: g.InOff,
		dst: make([]int32, E), lo: make([]uint64, E), hi: make([]uint64, E),
		inSrc: make([]int32, E), inHi: make([]uint64, E)}
	for e := 0; e < E; e++ {
		m.dst[e] = int32(g.Dst[e])
	}
	for v := 0; v < g.N; v++ {
		sum := 0.0
		prev := uint64(0)
		for i := g.InOff[v]; i < g.InOff[v+1]; i++ {
			e := g.InEdges[i]
			sum += w[e]
			h := diffusion.Threshold(sum)
			m.lo[e], m.hi[e] = prev, h
			m.inSrc[i] = int32(g.Src[e])
			m.inHi[i] = h
			prev = h
		}
		if sum > 1+WeightTolerance {
			return nil, fmt.Errorf("lt: LT weights into node %s sum to %v > 1", g.ID(v), sum)
		}
	}
	return m, nil
}

// NumNodes returns n.
func (m *Model) NumNodes() int { return m.n }

// NewSampler returns a diffusion.Sampler for m.
func (m *Model) NewSampler() diffusion.Sampler {
	return &sampler{m: m, mark: diffusion.NewMarks(m.n)}
}

// LiveEdgeChoices implements diffusion.Enumerable: every node v with at
// least two alternatives is an independent choice among its in-edges
// (probability the width of the edge's interval of w.Node(v)) and "none"
// (1 − Σ w), taken in node order; a node whose only alternative is an edge
// contributes a fixed edge.
func (m *Model) LiveEdgeChoices() (fixed []diffusion.Alternative, choices [][]diffusion.Alternative) {
	for v := 0; v < m.n; v++ {
		var c []diffusion.Alternative
		prev := uint64(0)
		for i := m.inOff[v]; i < m.inOff[v+1]; i++ {
			if m.inHi[i] > prev {
				c = append(c, diffusion.Alternative{P: float64(m.inHi[i]-prev) / diffusion.Unit, U: m.inSrc[i], V: int32(v)})
			}
			prev = m.inHi[i]
		}
		if prev < diffusion.Unit {
			c = append(c, diffusion.Alternative{P: float64(diffusion.Unit-prev) / diffusion.Unit, U: -1, V: -1})
		}
		switch len(c) {
		case 0:
		case 1:
			if c[0].U >= 0 {
				fixed = append(fixed, c[0])
			}
		default:
			choices = append(choices, c)
		}
	}
	return fixed, choices
}

// sampler is Model's diffusion.Sampler.
type sampler struct {
	m    *Model
	mark diffusion.Marks
}

// Reach implements diffusion.Sampler.
func (s *sampler) Reach(dst []int32, w diffusion.World, seeds []int) []int32 {
	m := s.m
	s.mark.Reset()
	start := len(dst)
	dst = s.mark.AppendSeeds(dst, seeds, m.n)
	for i := start; i < len(dst); i++ {
		u := dst[i]
		for e := m.outOff[u]; e < m.outOff[u+1]; e++ {
			v := m.dst[e]
			if s.mark.Has(v) || m.lo[e] == m.hi[e] {
				continue
			}
			if x := w.Node(int(v)); m.lo[e] <= x && x < m.hi[e] {
				s.mark.Add(v)
				dst = append(dst, v)
			}
		}
	}
	return dst
}

// RRSet implements diffusion.Sampler: a walk up the kept in-edges from the
// root, which stops at a node without one or at a node already visited.
func (s *sampler) RRSet(dst []int32, w diffusion.World, root int) []int32 {
	m := s.m
	diffusion.CheckNode(root, m.n)
	s.mark.Reset()
	v := int32(root)
	s.mark.Add(v)
	dst = append(dst, v)
	for {
		x := w.Node(int(v))
		// The kept in-edge is the first i with inHi[i] > x, if any.
		lo, hi := m.inOff[v], m.inOff[v+1]
		if lo == hi || m.inHi[hi-1] <= x {
			return dst
		}
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if m.inHi[mid] <= x {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		u := m.inSrc[lo]
		if s.mark.Has(u) {
			return dst
		}
		s.mark.Add(u)
		dst = append(dst, u)
		v = u
	}
}
