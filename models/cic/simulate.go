package cic

import (
	"fmt"
	"github.com/spread-dev/spread/internal/distheap"
	"github.com/spread-dev/spread/internal/parallel"
	"math"
	"math/rand/v2"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/diffusion"
)

// Simulator draws continuous-time independent cascades: from the sources S
// (infected at time 0) each edge u→v draws a delay τ_uv from its Delay
// with parameters (a_e, b_e), freshly per cascade, and v is infected at
// t_v = min_{u→v} (t_u + τ_uv) if t_v ≤ T (Dijkstra from S on the edge
// lengths τ, truncated at T). Delays are drawn lazily: when v is settled,
// its out-edges' delays are drawn in edge order from the cascade's stream.
// The infector of v is the u that attains the minimum, and its root source
// is the root of u (a source is its own root).
//
// A Simulator holds scratch buffers: it is not safe for concurrent use, but
// SimulateMany, Simulate and Marginals run workers of their own.
type Simulator struct {
	g     *graphs.Graph
	delay Delay
	p     Params
	t     float64
	out   arcs

	done   diffusion.Marks // v is settled
	mark   diffusion.Marks // dist[v] is valid
	dist   []float64
	parent []int32
	pos    []int32 // position of a settled node in the current cascade
	heap   distheap.Heap
	c      Cascade // buffers of the last cascade
	pcg    *rand.PCG
	rng    *rand.Rand
	peer   []*Simulator
}

// NewSimulator returns a simulator of the CIC model on g with delay family
// d, per-edge parameters p (g's edge order; p.A nil takes g.Weight; p.B
// required for Weibull) and horizon T ≥ 0 (+Inf allowed). It returns an
// error for an unknown family, mis-sized or invalid parameters (naming the
// edge) or a negative or NaN T. The slices of p are retained, not copied.
func NewSimulator(g *graphs.Graph, d Delay, p Params, T float64) (*Simulator, error) {
	p, err := checkParams(g, d, p)
	if err != nil {
		return nil, err
	}
	if !(T >= 0) {
		return nil, fmt.Errorf("cic: simulator horizon T = %v, want T ≥ 0", T)
	}
	return newSimulator(g, d, p, T, outArcs(g, p)), nil
}

func newSimulator(g *graphs.Graph, d Delay, p Params, T float64, out arcs) *Simulator {
	s := &Simulator{g: g, delay: d, p: p, t: T, out: out,
		done: diffusion.NewMarks(g.N), mark: diffusion.NewMarks(g.N),
		dist: make([]float64, g.N), parent: make([]int32, g.N), pos: make([]int32, g.N), pcg: rand.NewPCG(0, 0)}
	s.rng = rand.New(s.pcg)
	return s
}

// Horizon returns T.
func (s *Simulator) Horizon() float64 { return s.t }

// Cascade is one simulated cascade: the infected nodes in order of
// infection (the sources first, in the order given, at time 0; then by
// increasing time), with Time[j] the infection time of Node[j], Parent[j]
// its infector (−1 for a source) and Root[j] the source at the root of its
// infection tree. The slices of a Cascade returned by a Simulator are views
// valid until its next call.
type Cascade struct {
	Node   []int32
	Time   []float64
	Parent []int32
	Root   []int32
}

// Len returns the number of infected nodes.
func (c Cascade) Len() int { return len(c.Node) }

// CheckSources returns an error unless every source is a node of g, n =
// g.N; repeated sources are allowed (the later copies are ignored).
func CheckSources(sources []int, n int) error {
	for _, v := range sources {
		if v < 0 || v >= n {
			return fmt.Errorf("cic: source %d is not a node (0..%d)", v, n-1)
		}
	}
	return nil
}

// SimulateOne draws one cascade from sources, taking every uniform from
// rng (U = 1 − rng.Float64() ∈ (0, 1] per relaxed edge), and returns it
// (views into s, valid until the next call). It panics if a source is not
// a node (check with CheckSources).
func (s *Simulator) SimulateOne(rng *rand.Rand, sources []int) Cascade {
	s.done.Reset()
	s.mark.Reset()
	s.heap = s.heap[:0]
	c := Cascade{Node: s.c.Node[:0], Time: s.c.Time[:0], Parent: s.c.Parent[:0], Root: s.c.Root[:0]}
	for _, v := range sources {
		diffusion.CheckNode(v, s.g.N)
		x := int32(v)
		if s.done.Has(x) {
			continue
		}
		s.done.Add(x)
		s.pos[x] = int32(len(c.Node))
		c.Node = append(c.Node, x)
		c.Time = append(c.Time, 0)
		c.Parent = append(c.Parent, -1)
		c.Root = append(c.Root, x)
	}
	for i := range c.Node {
		s.relax(rng, c.Node[i], 0)
	}
	for len(s.heap) > 0 {
		it := s.heap.Pop()
		v := it.V
		if s.done.Has(v) || it.D > s.dist[v] {
			continue
		}
		s.done.Add(v)
		s.pos[v] = int32(len(c.Node))
		u := s.parent[v]
		c.Node = append(c.Node, v)
		c.Time = append(c.Time, it.D)
		c.Parent = append(c.Parent, u)
		c.Root = append(c.Root, c.Root[s.pos[u]])
		s.relax(rng, v, it.D)
	}
	s.c = c
	return c
}

// relax draws the delays of the settled node v's out-edges (infected at
// time tv) to nodes not yet settled, and lowers their tentative times.
func (s *Simulator) relax(rng *rand.Rand, v int32, tv float64) {
	a := &s.out
	for j := a.off[v]; j < a.off[v+1]; j++ {
		x := a.nbr[j]
		pa, pb := a.param(j)
		if s.delay.never(pa) || s.done.Has(x) {
			continue
		}
		d := tv + s.delay.Sample(1-rng.Float64(), pa, pb)
		if d > s.t {
			continue
		}
		if !s.mark.Has(x) || d < s.dist[x] {
			s.mark.Add(x)
			s.dist[x] = d
			s.parent[x] = v
			s.heap.Push(d, x)
		}
	}
}

// workers returns n simulators sharing s's graph and parameters: s itself
// first, then cached peers (allocated once, reused by later calls).
func (s *Simulator) workers(n int) []*Simulator {
	for len(s.peer) < n-1 {
		s.peer = append(s.peer, newSimulator(s.g, s.delay, s.p, s.t, s.out))
	}
	return append([]*Simulator{s}, s.peer[:n-1]...)
}

// SimulateMany runs M cascades, cascade idx from sources(idx), and calls
// visit(worker, idx, c) for each, idx = 0..M-1. Cascade idx draws its
// uniforms from its own stream, a PCG seeded with (seed,
// parallel.SplitMix64(idx)), so it is the same whatever the number of workers and
// whichever worker runs it.
//
// workers ≤ 0 means runtime.GOMAXPROCS(0). sources and visit run on up to
// workers goroutines at once; calls with the same worker value never
// overlap, so per-worker accumulators need no locks. The order of idx is
// unspecified: aggregate with order-independent operations (integer
// counts) or store by idx. c is valid only during the call. It panics if a
// source is not a node (check with CheckSources first).
func (s *Simulator) SimulateMany(M int, seed uint64, workers int, sources func(idx int) []int, visit func(worker, idx int, c Cascade)) {
	s.simulateRange(0, M, seed, workers, sources, visit)
}

// simulateRange is SimulateMany over the cascades idx = lo..hi−1 only: the
// cascades of disjoint ranges covering 0..M−1 are exactly those of
// SimulateMany(M, …), which lets a run be split into shards.
func (s *Simulator) simulateRange(lo, hi int, seed uint64, workers int, sources func(idx int) []int, visit func(worker, idx int, c Cascade)) {
	if hi <= lo {
		return
	}
	workers = parallel.Workers(workers, hi-lo)
	sims := s.workers(workers)
	parallel.For(hi-lo, workers, 8, func(w, i int) {
		sim, idx := sims[w], lo+i
		sim.pcg.Seed(seed, parallel.SplitMix64(uint64(idx)))
		visit(w, idx, sim.SimulateOne(sim.rng, sources(idx)))
	})
}

// Cascades is a set of M simulated cascades on N nodes with horizon T, in
// flat arrays: cascade k has the entries Off[k]..Off[k+1]-1 of Node, Time,
// Parent and Root, in the order of Cascade.
type Cascades struct {
	N    int
	T    float64
	Off  []int
	Node []int32
	Time []float64
	// Parent and Root hold each infection's infector (−1 for a source) and
	// root source; nil when unknown (cascades read from a file).
	Parent, Root []int32
}

// M returns the number of cascades.
func (c *Cascades) M() int { return len(c.Off) - 1 }

// Cascade returns cascade k (views into c; Parent and Root nil when c has
// none).
func (c *Cascades) Cascade(k int) Cascade {
	lo, hi := c.Off[k], c.Off[k+1]
	out := Cascade{Node: c.Node[lo:hi], Time: c.Time[lo:hi]}
	if c.Parent != nil {
		out.Parent, out.Root = c.Parent[lo:hi], c.Root[lo:hi]
	}
	return out
}

// Simulate draws one cascade per source set, cascade k from sources[k] with
// the stream (seed, k) of SimulateMany, on up to workers goroutines
// (≤ 0: GOMAXPROCS). The result does not depend on workers. It returns an
// error naming the set if a source is not a node.
func (s *Simulator) Simulate(sources [][]int, seed uint64, workers int) (*Cascades, error) {
	for k, src := range sources {
		if err := CheckSources(src, s.g.N); err != nil {
			return nil, fmt.Errorf("%w (source set %d)", err, k)
		}
	}
	M := len(sources)
	per := make([]Cascade, M)
	s.SimulateMany(M, seed, workers, func(k int) []int { return sources[k] }, func(_, k int, c Cascade) {
		per[k] = Cascade{Node: append([]int32(nil), c.Node...), Time: append([]float64(nil), c.Time...),
			Parent: append([]int32(nil), c.Parent...), Root: append([]int32(nil), c.Root...)}
	})
	out := &Cascades{N: s.g.N, T: s.t, Off: make([]int, M+1)}
	for k, c := range per {
		out.Off[k+1] = out.Off[k] + c.Len()
	}
	L := out.Off[M]
	out.Node, out.Time = make([]int32, 0, L), make([]float64, 0, L)
	out.Parent, out.Root = make([]int32, 0, L), make([]int32, 0, L)
	for _, c := range per {
		out.Node = append(out.Node, c.Node...)
		out.Time = append(out.Time, c.Time...)
		out.Parent = append(out.Parent, c.Parent...)
		out.Root = append(out.Root, c.Root...)
	}
	return out, nil
}

// Marginals estimates the ground-truth infection curves x*_v(t_l) =
// P(t_v ≤ t_l) from the source set sources on the increasing time grid
// grid, as the fraction of K cascades (streams (seed, 0..K-1) of
// SimulateMany, on up to workers goroutines) in which v is infected by t_l.
// It writes them time-major into dst, x*_v(t_l) = dst[l*N+v], allocating
// dst when nil, and returns it. Counts are integers until the final
// division, so the result does not depend on workers. Sources have
// x* = 1 at every t ≥ 0. It returns an error if K ≤ 0, the grid is empty,
// not increasing or has a NaN, a source is not a node, or len(dst) is
// neither 0 nor len(grid)·N.
func (s *Simulator) Marginals(dst []float64, sources []int, grid []float64, K int, seed uint64, workers int) ([]float64, error) {
	N, L := s.g.N, len(grid)
	switch {
	case K <= 0:
		return nil, fmt.Errorf("cic: Marginals: %d samples, want ≥ 1", K)
	case L == 0:
		return nil, fmt.Errorf("cic: Marginals: empty time grid")
	case dst != nil && len(dst) != L*N:
		return nil, fmt.Errorf("cic: Marginals: len(dst) = %d, want %d", len(dst), L*N)
	}
	// FirstCounts checks the grid and the sources.
	first, err := s.FirstCounts(nil, sources, grid, 0, K, seed, workers)
	if err != nil {
		return nil, err
	}
	return MarginalsFromFirst(dst, first, N, K), nil
}

// FirstCounts adds to dst[l·N+v] the number of cascades idx = lo..hi−1 of
// Marginals(·, sources, grid, ·, seed, ·) in which node v is infected in
// the grid interval (grid[l−1], grid[l]] (l = 0: at or before grid[0]) and
// returns dst (length len(grid)·N, allocated zeroed when nil). Cascade idx
// has its own stream (seed, idx), so the counts of disjoint ranges covering
// 0..K−1 add up exactly to those of the whole run, whatever the split and
// the workers: the hook for sharding the ground truth across machines. It
// returns an error for bad sources, a grid that is not increasing or a dst
// of the wrong length.
func (s *Simulator) FirstCounts(dst []int64, sources []int, grid []float64, lo, hi int, seed uint64, workers int) ([]int64, error) {
	N, L := s.g.N, len(grid)
	if dst == nil {
		dst = make([]int64, L*N)
	}
	if len(dst) != L*N {
		return nil, fmt.Errorf("cic: FirstCounts: len(dst) = %d, want %d", len(dst), L*N)
	}
	for l, t := range grid {
		if math.IsNaN(t) || (l > 0 && !(t > grid[l-1])) {
			return nil, fmt.Errorf("cic: FirstCounts: time grid not increasing at index %d (%v)", l, t)
		}
	}
	if err := CheckSources(sources, N); err != nil {
		return nil, err
	}
	if hi <= lo {
		return dst, nil
	}
	workers = parallel.Workers(workers, hi-lo)
	// first[w] counts worker w's cascades; worker 0 counts into dst.
	first := make([][]int64, workers)
	first[0] = dst
	for w := 1; w < workers; w++ {
		first[w] = make([]int64, L*N)
	}
	s.simulateRange(lo, hi, seed, workers, func(int) []int { return sources }, func(w, _ int, c Cascade) {
		f := first[w]
		for j, v := range c.Node {
			if l := searchGrid(grid, c.Time[j]); l < L {
				f[l*N+int(v)]++
			}
		}
	})
	for w := 1; w < workers; w++ {
		for j, n := range first[w] {
			dst[j] += n
		}
	}
	return dst, nil
}

// MarginalsFromFirst turns the counts of FirstCounts over K cascades into
// the marginals P(t_v ≤ grid[l]) (a prefix sum over l, divided by K),
// written into dst (length len(first), allocated when nil) and returned.
func MarginalsFromFirst(dst []float64, first []int64, N, K int) []float64 {
	if dst == nil {
		dst = make([]float64, len(first))
	}
	acc := make([]int64, N)
	for l := 0; l*N < len(first); l++ {
		for v, n := range first[l*N : (l+1)*N] {
			acc[v] += n
			dst[l*N+v] = float64(acc[v]) / float64(K)
		}
	}
	return dst
}

// searchGrid returns the first l with grid[l] ≥ t (len(grid) if none).
func searchGrid(grid []float64, t float64) int {
	lo, hi := 0, len(grid)
	for lo < hi {
		m := (lo + hi) / 2
		if grid[m] >= t {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}
