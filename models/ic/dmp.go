package ic

import (
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
)

// NumParams returns the number of IC parameters of g: one per undirected edge
// for an undirected graph, one per directed edge otherwise (g.NumPairs()).
func NumParams(g *graphs.Graph) int { return g.NumPairs() }

// ExpandAlpha writes the per-edge transmission probabilities α_e into dst and
// returns it: α_e = θ[g.Pair[e]] for an undirected graph and α_e = θ[e] for a
// directed one. dst is allocated when nil.
//
// It panics if len(theta) != g.NumPairs() or dst is non-nil with
// len(dst) != g.NumEdges().
func ExpandAlpha(dst []float64, g *graphs.Graph, theta []float64) []float64 {
	E := g.NumEdges()
	if len(theta) != g.NumPairs() {
		panic(fmt.Sprintf("models/ic: ExpandAlpha: len(theta) = %d, want g.NumPairs() = %d", len(theta), g.NumPairs()))
	}
	if dst == nil {
		dst = make([]float64, E)
	}
	if len(dst) != E {
		panic(fmt.Sprintf("models/ic: ExpandAlpha: len(dst) = %d, want g.NumEdges() = %d", len(dst), E))
	}
	if g.Pair == nil {
		copy(dst, theta)
		return dst
	}
	for e, p := range g.Pair {
		dst[e] = theta[p]
	}
	return dst
}

// FoldEdgeGrad is the transpose of ExpandAlpha: it writes
// dst[p] = Σ_{e: Pair[e] = p} gradEdge[e] (the two directions of a tied edge,
// in the order PairEdge[p] then its reverse) for an undirected graph, and
// copies gradEdge for a directed one. dst is allocated when nil.
//
// It panics if len(gradEdge) != g.NumEdges() or dst is non-nil with
// len(dst) != g.NumPairs().
func FoldEdgeGrad(dst []float64, g *graphs.Graph, gradEdge []float64) []float64 {
	P := g.NumPairs()
	if len(gradEdge) != g.NumEdges() {
		panic(fmt.Sprintf("models/ic: FoldEdgeGrad: len(gradEdge) = %d, want g.NumEdges() = %d", len(gradEdge), g.NumEdges()))
	}
	if dst == nil {
		dst = make([]float64, P)
	}
	if len(dst) != P {
		panic(fmt.Sprintf("models/ic: FoldEdgeGrad: len(dst) = %d, want g.NumPairs() = %d", len(dst), P))
	}
	if g.Pair == nil {
		copy(dst, gradEdge)
		return dst
	}
	for p, e := range g.PairEdge {
		dst[p] = gradEdge[e] + gradEdge[g.Rev[e]]
	}
	return dst
}

// DMP holds the state of the IC dynamic message-passing equations on one
// graph: the marginals p_i(t) and messages p_e(t) of the last forward pass,
// in buffers reused by later passes (see the package documentation for the
// equations and the time convention).
//
// A DMP is not safe for concurrent use, except that Step may run
// concurrently on disjoint node ranges of the same t.
type DMP struct {
	g       *graphs.Graph
	n, e    int
	allRev  bool      // every edge has a reverse (always true for undirected graphs)
	inRev   []int32   // inRev[pos] = Rev[InEdges[pos]]: graph-only, built once
	alphaIn []float64 // alphaIn[pos] = alpha[InEdges[pos]]: gathered once per pass

	// T is the horizon of the last Init or Forward call.
	T int
	// P holds the marginals, row-major [T][N]: P[t*N+i] = p_i(t).
	P []float64
	// Msg holds the messages, row-major [T][E]: Msg[t*E+e] = p_e(t), the
	// probability that Src[e] is active by t in the cavity graph without
	// Dst[e].
	Msg []float64

	alpha, p0 []float64 // referenced between Init and the last Step
}

// NewDMP returns a DMP for g. Buffers are allocated by the first Forward.
// It panics if g has 2³¹ or more edges (edge indices are stored as int32).
func NewDMP(g *graphs.Graph) *DMP {
	if g.NumEdges() > math.MaxInt32 {
		panic(fmt.Sprintf("models/ic: NewDMP: graph has %d edges, at most %d are supported", g.NumEdges(), math.MaxInt32))
	}
	d := &DMP{g: g, n: g.N, e: g.NumEdges(), allRev: true, inRev: make([]int32, g.NumEdges())}
	for _, r := range g.Rev {
		if r < 0 {
			d.allRev = false
			break
		}
	}
	for pos, k := range g.InEdges {
		d.inRev[pos] = int32(g.Rev[k])
	}
	return d
}

// Graph returns the graph d was built for.
func (d *DMP) Graph() *graphs.Graph { return d.g }

// Forward runs the DMP equations for slots t = 0..T−1 with per-edge
// probabilities alpha (len E, see ExpandAlpha) and initial condition p0
// (p̄, len N), filling d.P and d.Msg. It allocates only when T·E or T·N
// exceed what earlier calls needed. It does not modify alpha or p0.
//
// It panics if len(alpha) != E, len(p0) != N or T < 1.
func (d *DMP) Forward(alpha, p0 []float64, T int) {
	d.Init(alpha, p0, T)
	for t := 1; t < T; t++ {
		d.Step(t, 0, d.n)
	}
	d.alpha, d.p0 = nil, nil
}

// Init starts a forward pass: it sizes the buffers for horizon T, fills row
// t = 0 (p_i(0) = p_e(0) = p̄ of the source node) and records alpha and p0,
// which must stay unchanged until the last Step. Forward is Init followed by
// Step(t, 0, N) for t = 1..T−1; Init and Step are exported so that callers
// can split the nodes of a time step among goroutines.
//
// It panics if len(alpha) != E, len(p0) != N or T < 1.
func (d *DMP) Init(alpha, p0 []float64, T int) {
	if len(alpha) != d.e {
		panic(fmt.Sprintf("models/ic: DMP: len(alpha) = %d, want %d edges", len(alpha), d.e))
	}
	if len(p0) != d.n {
		panic(fmt.Sprintf("models/ic: DMP: len(p0) = %d, want %d nodes", len(p0), d.n))
	}
	if T < 1 {
		panic(fmt.Sprintf("models/ic: DMP: horizon T = %d, want T ≥ 1", T))
	}
	d.T = T
	d.P = grow(d.P, T*d.n)
	d.Msg = grow(d.Msg, T*d.e)
	d.alpha, d.p0 = alpha, p0
	d.alphaIn = grow(d.alphaIn, d.e)
	for pos, k := range d.g.InEdges {
		d.alphaIn[pos] = alpha[k]
	}
	copy(d.P[:d.n], p0)
	m0 := d.Msg[:d.e]
	for e, s := range d.g.Src {
		m0[e] = p0[s]
	}
}

// Step computes row t (1 ≤ t < T) of the marginals and messages for the
// nodes lo..hi−1: p_i(t) and the messages p_e(t) on the out-edges of those
// nodes. Rows before t must be complete. Calls for the same t on disjoint
// node ranges write disjoint entries and may run concurrently.
func (d *DMP) Step(t, lo, hi int) {
	g := d.g
	N, E := d.n, d.e
	// α and Rev are read in in-edge order (contiguous per node); only the
	// previous messages are gathered from scattered edge ids.
	alpha, p0, inRev := d.alphaIn, d.p0, d.inRev
	prev := d.Msg[(t-1)*E : t*E]
	cur := d.Msg[t*E : (t+1)*E]
	pt := d.P[t*N : (t+1)*N]
	inOff, inEdges := g.InOff, g.InEdges
	for i := lo; i < hi; i++ {
		a, b := inOff[i], inOff[i+1]
		base := 1 - p0[i]
		// Prefix products Π_{q'<q} x_q', parked in the slot of the message
		// i→l that leaves out in-edge k_q = l→i.
		pre := 1.0
		for pos := a; pos < b; pos++ {
			if r := inRev[pos]; r >= 0 {
				cur[r] = pre
			}
			pre *= 1 - alpha[pos]*prev[inEdges[pos]]
		}
		pt[i] = 1 - base*pre
		// Suffix products complete the leave-one-out cavity products.
		suf := 1.0
		for pos := b - 1; pos >= a; pos-- {
			if r := inRev[pos]; r >= 0 {
				cur[r] = 1 - base*cur[r]*suf
			}
			suf *= 1 - alpha[pos]*prev[inEdges[pos]]
		}
		if !d.allRev {
			for e := g.OutOff[i]; e < g.OutOff[i+1]; e++ {
				if g.Rev[e] < 0 {
					cur[e] = pt[i]
				}
			}
		}
	}
}

// Marginals returns row t of the marginals, p_i(t) for i = 0..N−1, as a view
// into d.P.
func (d *DMP) Marginals(t int) []float64 { return d.P[t*d.n : (t+1)*d.n] }

// Messages returns row t of the messages, p_e(t) for e = 0..E−1, as a view
// into d.Msg.
func (d *DMP) Messages(t int) []float64 { return d.Msg[t*d.e : (t+1)*d.e] }

// grow returns s resliced to length n, reallocating only when its capacity
// is too small. Contents are unspecified.
func grow(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}

// SeedSpread is the DMP spread of seed sets: σ_DMP(S) = Σ_i p_i(T−1) with
// p̄ the indicator of S, for fixed per-edge transmission probabilities —
// the expected number of nodes active by slot T−1, exact on trees (for T
// beyond the longest path) and an upper bound on loopy graphs. It is the
// spread oracle influence maximisation uses (solvers/im, models/multiplex).
// Not safe for concurrent use.
type SeedSpread struct {
	dmp   *DMP
	alpha []float64
	p0    []float64
	t     int
}

// NewSeedSpread returns the oracle on g with per-edge probabilities alpha
// (edge order, kept, not copied) and horizon T ≥ 1 (a programmer error
// otherwise: it panics).
func NewSeedSpread(g *graphs.Graph, alpha []float64, T int) *SeedSpread {
	if T < 1 || len(alpha) != g.NumEdges() {
		panic(fmt.Sprintf("models/ic: NewSeedSpread: T = %d, %d probabilities for %d edges", T, len(alpha), g.NumEdges()))
	}
	return &SeedSpread{dmp: NewDMP(g), alpha: alpha, p0: make([]float64, g.N), t: T}
}

// Spread returns σ_DMP(seeds) and a zero standard error (the estimate is
// deterministic). It panics if a seed is outside 0..N−1.
func (o *SeedSpread) Spread(seeds []int) (mean, stderr float64) {
	clear(o.p0)
	for _, s := range seeds {
		o.p0[s] = 1
	}
	o.dmp.Forward(o.alpha, o.p0, o.t)
	for _, x := range o.dmp.Marginals(o.t - 1) {
		mean += x
	}
	return mean, 0
}
