package im

import (
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
)

// Model is a diffusion model on a fixed graph that can be simulated forward
// and sampled in reverse. IC, LT and CTIC implement it; a new model (a
// triggering model, say) implements it to get the Monte-Carlo oracle, Greedy,
// CELF and IMM for free.
type Model interface {
	// NumNodes returns the number of nodes n; nodes are 0..n-1.
	NumNodes() int
	// NewSampler returns a Sampler with its own scratch space.
	NewSampler() Sampler
}

// Sampler draws realisations of a Model. It holds O(n) scratch space and
// must be used by one goroutine at a time; make one per worker.
//
// Both methods see the randomness of the same World (see World), so for
// every world w, root r and node v, v is in RRSet(·, w, r) if and only if r
// is in Reach(·, w, {v}).
type Sampler interface {
	// Reach appends to dst the nodes active at the end of the cascade from
	// seeds in world w (each once, seeds first in the order given, duplicates
	// dropped) and returns the extended slice. It panics if a seed is outside
	// 0..n-1.
	Reach(dst []int32, w World, seeds []int) []int32
	// RRSet appends to dst the reverse-reachable set of root in world w: the
	// nodes v whose cascade from {v} reaches root, root first. It panics if
	// root is outside 0..n-1.
	RRSet(dst []int32, w World, root int) []int32
}

// IC is the independent cascade model: when u becomes active it gets one
// chance to activate each inactive out-neighbour v, succeeding with
// probability p_e for e = u→v, independently over edges.
//
// In world w the edge e is live iff w.Edge(e) < p_e·2^53, except at a node
// v whose d in-edges all carry the same probability p with (1 + d·p)·6 < d
// (weighted cascade, p = 1/d, at in-degree above 12, for example). There the
// live in-edges of v are the positions of a Bernoulli(p) process over v's
// in-list, drawn by geometric gaps ⌊ln U_t / ln(1 − p)⌋ from uniforms U_t
// keyed by (w, v, t): the same distribution with about 1 + d·p draws instead
// of d. Both samplers use the same rule, so RR sets and forward cascades stay
// consistent world by world.
type IC struct {
	n      int
	p      []float64 // p_e in edge order (not copied; read-only)
	outOff []int     // graph's OutOff (shared)
	dst    []int32   // Dst[e]
	thr    []uint64  // live iff draw < thr[e]
	inPos  []int32   // position of e in the in-edge list (index into in)
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

// NewIC returns the IC model on g with activation probabilities p (one per
// edge, in g's edge order). A nil p takes g.Weight. It returns an error if
// both are nil, if len(p) != g.NumEdges(), or if some p_e is outside [0, 1]
// (the error names the edge by its endpoints' external ids). p is retained,
// not copied: do not modify it afterwards.
func NewIC(g *graphs.Graph, p []float64) (*IC, error) {
	p, err := edgeValues(g, p, "IC probabilities")
	if err != nil {
		return nil, err
	}
	for e, x := range p {
		if !(x >= 0 && x <= 1) {
			return nil, fmt.Errorf("im: IC probability of edge %s→%s is %v, want [0, 1]", g.ID(g.Src[e]), g.ID(g.Dst[e]), x)
		}
	}
	m := &IC{n: g.N, p: p, outOff: g.OutOff, inOff: g.InOff}
	E := g.NumEdges()
	m.dst = make([]int32, E)
	m.thr = make([]uint64, E)
	for e := 0; e < E; e++ {
		m.dst[e] = int32(g.Dst[e])
		m.thr[e] = prob53(p[e])
	}
	m.in = make([]icArc, E)
	m.inPos = make([]int32, E)
	for i, e := range g.InEdges {
		m.in[i] = icArc{src: int32(g.Src[e]), edge: int32(e), thr: m.thr[e]}
		m.inPos[e] = int32(i)
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
func (m *IC) NumNodes() int { return m.n }

// NewSampler returns a Sampler for m.
func (m *IC) NewSampler() Sampler {
	s := &icSampler{m: m, mark: newMarks(m.n)}
	if m.nGeo > 0 {
		s.touched = newMarks(m.n)
		s.live = newMarks(len(m.in))
	}
	return s
}

// LTWeightTolerance is the slack allowed in LT's constraint Σ_in w ≤ 1, to
// absorb rounding in weight files (NetHEPT's graph_lt.inf, written with six
// significant digits, has in-weight sums up to 1 + 2e-6); sums in
// (1, 1+LTWeightTolerance] are accepted and the last in-edge's share is
// truncated so that the total is 1.
const LTWeightTolerance = 1e-5

// LT is the linear threshold model: node v draws a threshold θ_v uniform in
// [0, 1] and becomes active when the weights of its active in-neighbours sum
// to at least θ_v; the weights into each node satisfy Σ_{u→v} w_uv ≤ 1.
//
// Simulation uses the equivalent live-edge form (Kempe, Kleinberg and
// Tardos 2003, Thm 2.5): in world w node v keeps at most one in-edge, the
// i-th one (in InEdges order) when w.Node(v)/2^53 falls in
// [Σ_{j<i} w_j, Σ_{j≤i} w_j), and none with probability 1 − Σ w; a node
// is active iff a seed reaches it along kept edges. The final active set
// has the same distribution as in the threshold form, and each world's
// reach is a coverage function (the threshold form is not per realisation).
type LT struct {
	n      int
	w      []float64
	outOff []int
	dst    []int32
	lo, hi []uint64 // v keeps e = u→v iff lo[e] ≤ w.Node(v) < hi[e]
	inOff  []int
	inSrc  []int32
	inHi   []uint64 // hi of the i-th in-edge (non-decreasing within a node)
}

// NewLT returns the LT model on g with weights w (one per edge, in g's edge
// order); a nil w takes g.Weight. It returns an error if both are nil, if
// len(w) != g.NumEdges(), if a weight is outside [0, 1], or if the weights
// into a node sum to more than 1 + LTWeightTolerance (the error names the
// node by its external id and gives the sum). w is retained, not copied.
func NewLT(g *graphs.Graph, w []float64) (*LT, error) {
	w, err := edgeValues(g, w, "LT weights")
	if err != nil {
		return nil, err
	}
	for e, x := range w {
		if !(x >= 0 && x <= 1) {
			return nil, fmt.Errorf("im: LT weight of edge %s→%s is %v, want [0, 1]", g.ID(g.Src[e]), g.ID(g.Dst[e]), x)
		}
	}
	E := g.NumEdges()
	m := &LT{n: g.N, w: w, outOff: g.OutOff, inOff: g.InOff,
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
			h := prob53(sum)
			m.lo[e], m.hi[e] = prev, h
			m.inSrc[i] = int32(g.Src[e])
			m.inHi[i] = h
			prev = h
		}
		if sum > 1+LTWeightTolerance {
			return nil, fmt.Errorf("im: LT weights into node %s sum to %v > 1", g.ID(v), sum)
		}
	}
	return m, nil
}

// NumNodes returns n.
func (m *LT) NumNodes() int { return m.n }

// NewSampler returns a Sampler for m.
func (m *LT) NewSampler() Sampler { return &ltSampler{m: m, mark: newMarks(m.n)} }

// CTIC is the continuous-time independent cascade model with exponential
// delays: edge e = u→v transmits after a delay τ_e ~ Exp(rate_e), and a node
// is active at horizon T iff its shortest-path time from the seed set,
// d_S(v) = min_{s∈S} dist_τ(s, v), is at most T (seeds have time 0). In world
// w, τ_e = −ln(U_e)/rate_e with U_e = (w.Edge(e)+½)/2^53. A rate of 0 means
// the edge never transmits. The reverse sampler is a Dijkstra search from the
// root over in-edges, truncated at T, drawing each delay when the edge is
// relaxed.
type CTIC struct {
	n      int
	rate   []float64
	t      float64 // horizon T
	outOff []int
	dst    []int32
	inOff  []int
	inSrc  []int32
	inEdge []int32
	inRate []float64
}

// NewCTIC returns the continuous-time IC model on g with delay rates rate
// (one per edge, in g's edge order; nil takes g.Weight) and horizon T ≥ 0
// (T may be +Inf: then a node is active iff some seed reaches it through
// edges of positive rate). It returns an error for missing or mis-sized
// rates, a negative or non-finite rate, or a negative or NaN T. rate is
// retained, not copied.
func NewCTIC(g *graphs.Graph, rate []float64, T float64) (*CTIC, error) {
	rate, err := edgeValues(g, rate, "CTIC rates")
	if err != nil {
		return nil, err
	}
	if !(T >= 0) {
		return nil, fmt.Errorf("im: CTIC horizon T = %v, want T ≥ 0", T)
	}
	for e, x := range rate {
		if !(x >= 0) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("im: CTIC rate of edge %s→%s is %v, want a finite rate ≥ 0", g.ID(g.Src[e]), g.ID(g.Dst[e]), x)
		}
	}
	E := g.NumEdges()
	m := &CTIC{n: g.N, rate: rate, t: T, outOff: g.OutOff, inOff: g.InOff,
		dst: make([]int32, E), inSrc: make([]int32, E), inEdge: make([]int32, E), inRate: make([]float64, E)}
	for e := 0; e < E; e++ {
		m.dst[e] = int32(g.Dst[e])
	}
	for i, e := range g.InEdges {
		m.inSrc[i] = int32(g.Src[e])
		m.inEdge[i] = int32(e)
		m.inRate[i] = rate[e]
	}
	return m, nil
}

// NumNodes returns n.
func (m *CTIC) NumNodes() int { return m.n }

// Horizon returns T.
func (m *CTIC) Horizon() float64 { return m.t }

// NewSampler returns a Sampler for m.
func (m *CTIC) NewSampler() Sampler {
	return &ctSampler{m: m, mark: newMarks(m.n), done: newMarks(m.n), dist: make([]float64, m.n)}
}

// edgeValues returns x, or g.Weight when x is nil, checking the length.
func edgeValues(g *graphs.Graph, x []float64, what string) ([]float64, error) {
	if g == nil {
		return nil, fmt.Errorf("im: nil graph")
	}
	if g.NumEdges() >= math.MaxInt32 || g.N >= math.MaxInt32 {
		return nil, fmt.Errorf("im: graph too large (%d nodes, %d edges; the limit is 2^31-1)", g.N, g.NumEdges())
	}
	if x == nil {
		x = g.Weight
		if x == nil && g.NumEdges() > 0 {
			return nil, fmt.Errorf("im: no %s given and the graph carries no edge weights", what)
		}
	}
	if len(x) != g.NumEdges() {
		return nil, fmt.Errorf("im: %d %s for %d edges", len(x), what, g.NumEdges())
	}
	return x, nil
}
