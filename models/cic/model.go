package cic

import (
	"fmt"
	"github.com/spread-dev/spread/internal/distheap"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/diffusion"
)

// Model is the continuous-time independent cascade model: edge e = u→v
// transmits after a delay τ_e drawn from the Delay family with rate α_e,
// and a node is active at horizon T iff its shortest-path time from the
// seed set, d_S(v) = min_{s∈S} dist_τ(s, v), is at most T (seeds have time
// 0). In world w, τ_e = Delay.Sample(U_e, α_e) with U_e = (w.Edge(e)+½)/2^53.
// A rate of 0 means the edge never transmits. The forward sampler is a
// Dijkstra search from the seeds and the reverse sampler one from the root
// over in-edges, both truncated at T, drawing each delay when the edge is
// relaxed.
type Model struct {
	n     int
	p     Params
	t     float64 // horizon T
	delay Delay
	out   arcs // out-edges: edge j leads to Dst[j]
	in    arcs // in-edges in InEdges order
}

// NewModel returns the continuous-time IC model on g with delay family d,
// rates rate (one per edge, in g's edge order; nil takes g.Weight) and
// horizon T ≥ 0 (T may be +Inf: then a node is active iff some seed reaches
// it through edges of positive rate). It returns an error for an unknown
// delay family, missing or mis-sized rates, a negative or non-finite rate,
// or a negative or NaN T. rate is retained, not copied.
//
// NewModel is NewModelParams with Params{A: rate}: it serves the
// one-parameter families (Exponential, Rayleigh).
func NewModel(g *graphs.Graph, d Delay, rate []float64, T float64) (*Model, error) {
	return NewModelParams(g, d, Params{A: rate}, T)
}

// NewModelParams returns the continuous-time IC model on g with delay family
// d, per-edge parameters p (in g's edge order; p.A nil takes g.Weight; p.B
// is required for Weibull) and horizon T ≥ 0 (T = +Inf allowed). It returns
// an error for an unknown family, missing or mis-sized parameters, a
// parameter outside the family's domain (Delay.CheckParams, naming the
// edge), or a negative or NaN T. The slices of p are retained, not copied.
func NewModelParams(g *graphs.Graph, d Delay, p Params, T float64) (*Model, error) {
	p, err := checkParams(g, d, p)
	if err != nil {
		return nil, err
	}
	if !(T >= 0) {
		return nil, fmt.Errorf("cic: CTIC horizon T = %v, want T ≥ 0", T)
	}
	E := g.NumEdges()
	m := &Model{n: g.N, p: p, t: T, delay: d, out: outArcs(g, p),
		in: arcs{off: g.InOff, nbr: make([]int32, E), a: make([]float64, E), edge: make([]int32, E)}}
	if p.B != nil {
		m.in.b = make([]float64, E)
	}
	for i, e := range g.InEdges {
		m.in.nbr[i] = int32(g.Src[e])
		m.in.edge[i] = int32(e)
		m.in.a[i] = p.A[e]
		if p.B != nil {
			m.in.b[i] = p.B[e]
		}
	}
	return m, nil
}

// outArcs returns g's out-edges with their parameters (edge j is arc j).
func outArcs(g *graphs.Graph, p Params) arcs {
	a := arcs{off: g.OutOff, nbr: make([]int32, g.NumEdges()), a: p.A, b: p.B}
	for e := range a.nbr {
		a.nbr[e] = int32(g.Dst[e])
	}
	return a
}

// checkParams validates p for d on g and returns it with A resolved (nil:
// g.Weight) and B set to nil for the one-parameter families.
func checkParams(g *graphs.Graph, d Delay, p Params) (Params, error) {
	if !d.valid() {
		return p, fmt.Errorf("cic: unknown delay family %v", d)
	}
	a, err := diffusion.EdgeValues(g, p.A, "CTIC "+d.String()+" parameters")
	if err != nil {
		return p, fmt.Errorf("cic: %w", err)
	}
	p.A = a
	if d.NumParams() == 1 {
		p.B = nil
	} else if len(p.B) != g.NumEdges() {
		return p, fmt.Errorf("cic: %d %s shapes for %d edges", len(p.B), d, g.NumEdges())
	}
	for e := range p.A {
		if err := d.CheckParams(p.A[e], p.b(e)); err != nil {
			return p, fmt.Errorf("cic: CTIC edge %s→%s: %w", g.ID(g.Src[e]), g.ID(g.Dst[e]), err)
		}
	}
	return p, nil
}

// NumNodes returns n.
func (m *Model) NumNodes() int { return m.n }

// Horizon returns T.
func (m *Model) Horizon() float64 { return m.t }

// Delay returns the delay family.
func (m *Model) Delay() Delay { return m.delay }

// NewSampler returns a diffusion.Sampler for m.
func (m *Model) NewSampler() diffusion.Sampler {
	return &sampler{m: m, mark: diffusion.NewMarks(m.n), done: diffusion.NewMarks(m.n), dist: make([]float64, m.n)}
}

// sampler is Model's diffusion.Sampler.
type sampler struct {
	m    *Model
	mark diffusion.Marks // dist[v] is valid
	done diffusion.Marks // v is settled
	dist []float64
	heap distheap.Heap
}

// Params returns the per-edge parameters (p.B nil for one-parameter
// families); do not modify.
func (m *Model) Params() Params { return m.p }

// arcs is one direction of the graph for the Dijkstra search: node v's
// arcs are j in off[v]..off[v+1], leading to nbr[j] with parameters a[j]
// (and b[j], b nil for one-parameter families), on edge edge[j] (on edge j
// itself when edge is nil).
type arcs struct {
	off  []int
	nbr  []int32
	a, b []float64
	edge []int32
}

// param returns the parameters of arc j.
func (a *arcs) param(j int) (float64, float64) {
	if a.b == nil {
		return a.a[j], 0
	}
	return a.a[j], a.b[j]
}

// relax relaxes the arcs of the settled node v at distance dv: a neighbour
// not yet settled gets the tentative distance dv + τ_e when that is at most
// T and better than its current one, and is pushed on the heap.
func (s *sampler) relax(w diffusion.World, a *arcs, v int32, dv float64) {
	m := s.m
	for j := a.off[v]; j < a.off[v+1]; j++ {
		x := a.nbr[j]
		pa, pb := a.param(j)
		if m.delay.never(pa) || s.done.Has(x) {
			continue
		}
		e := j
		if a.edge != nil {
			e = int(a.edge[j])
		}
		d := dv + m.delay.Sample(diffusion.Open01(w.Edge(e)), pa, pb)
		if d > m.t {
			continue
		}
		if !s.mark.Has(x) || d < s.dist[x] {
			s.mark.Add(x)
			s.dist[x] = d
			s.heap.Push(d, x)
		}
	}
}

// drain settles the heap's nodes in order of distance, appending each to
// dst and relaxing its arcs, and returns the extended slice.
func (s *sampler) drain(dst []int32, w diffusion.World, a *arcs) []int32 {
	for len(s.heap) > 0 {
		it := s.heap.Pop()
		if s.done.Has(it.V) || it.D > s.dist[it.V] {
			continue
		}
		s.done.Add(it.V)
		dst = append(dst, it.V)
		s.relax(w, a, it.V, it.D)
	}
	return dst
}

// Reach implements diffusion.Sampler: Dijkstra from the seeds over
// out-edges.
func (s *sampler) Reach(dst []int32, w diffusion.World, seeds []int) []int32 {
	m := s.m
	s.mark.Reset()
	s.done.Reset()
	s.heap = s.heap[:0]
	start := len(dst)
	for _, v := range seeds {
		diffusion.CheckNode(v, m.n)
		if !s.done.Has(int32(v)) {
			s.done.Add(int32(v))
			s.mark.Add(int32(v))
			s.dist[v] = 0
			dst = append(dst, int32(v))
		}
	}
	for i := start; i < len(dst); i++ {
		s.relax(w, &m.out, dst[i], 0)
	}
	return s.drain(dst, w, &m.out)
}

// RRSet implements diffusion.Sampler: Dijkstra from the root over
// in-edges.
func (s *sampler) RRSet(dst []int32, w diffusion.World, root int) []int32 {
	m := s.m
	diffusion.CheckNode(root, m.n)
	s.mark.Reset()
	s.done.Reset()
	s.heap = s.heap[:0]
	r := int32(root)
	s.mark.Add(r)
	s.dist[r] = 0
	s.heap.Push(0, r)
	return s.drain(dst, w, &m.in)
}
