package ic

// Discrete-time Monte Carlo simulation of the independent cascade (IC) model.
//
// Dynamics (SLICER §1): time slots t = 0, 1, 2, .... The nodes active at t = 0
// are given by the initial condition. A node activated at slot t makes exactly
// one attempt, at slot t+1, on each out-neighbour j that is still inactive,
// succeeding independently with probability alpha[e] for the edge e = i→j.
// A node activated at t stays active forever and never tries again.
//
// With a horizon T ≥ 1 the slots 0..T-1 are simulated: activation times are
// τ_i ∈ {0..T-1}, and a node not active at slot T-1 is censored (τ_i = T, the
// convention of Observations). With NoHorizon the cascade runs to quiescence
// (until a slot activates nobody), which is what influence spread needs.

import (
	"github.com/spread-dev/spread/internal/parallel"
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/spread-dev/spread/graphs"
)

// NoHorizon, passed as the horizon T to NewSimulator, runs every cascade to
// quiescence instead of stopping after slot T-1.
const NoHorizon = 0

// initKind says how Init picks the nodes active at t = 0.
type initKind uint8

const (
	initSeedSet initKind = iota
	initUniformSeed
	initStochastic
)

// Init is the initial condition of a cascade: which nodes are active at t = 0.
// Build it with SeedSet, UniformSeed or Stochastic. The zero value is the
// empty seed set (a cascade with no active node). An Init keeps the slices it
// was built from; do not modify them while it is in use.
type Init struct {
	kind  initKind
	nodes []int     // seed set, or candidates of UniformSeed (nil: all nodes)
	p0    []float64 // p̄ of Stochastic
	// q is the common value of p0 when all entries are equal and in (0,1),
	// else NaN; then the active nodes are drawn by geometric skipping in
	// O(1 + N·q) instead of N Bernoulli draws.
	q float64
}

// SeedSet returns the deterministic initial condition in which exactly the
// given nodes (indices) are active at t = 0, i.e. p̄ = 1 on seeds and 0
// elsewhere. Repeated seeds count once.
func SeedSet(seeds ...int) Init { return Init{kind: initSeedSet, nodes: seeds} }

// UniformSeed returns the initial condition of SLICER's protocol (§9): each
// cascade starts from one seed drawn uniformly from candidates (typically the
// observed nodes). A nil candidates slice means all nodes 0..N-1. An empty
// non-nil slice panics when simulated.
func UniformSeed(candidates []int) Init { return Init{kind: initUniformSeed, nodes: candidates} }

// Stochastic returns the stochastic initial condition: node i is active at
// t = 0 with probability p0[i], independently (p̄ = p0). Entries ≤ 0 never
// fire and entries ≥ 1 always do. len(p0) must be N (checked when simulated).
// Drawing costs O(N) per cascade, or O(1 + N·q) when all entries equal q.
func Stochastic(p0 []float64) Init {
	in := Init{kind: initStochastic, p0: p0, q: math.NaN()}
	if len(p0) > 0 && p0[0] > 0 && p0[0] < 1 {
		q := p0[0]
		for _, x := range p0 {
			if x != q {
				return in
			}
		}
		in.q = q
	}
	return in
}

// Cascade is a view of one simulated cascade: the activated nodes in order of
// non-decreasing activation time, and their times. It aliases the
// Simulator's buffers and is valid only until the Simulator runs again; copy
// it to keep it.
type Cascade struct {
	// Nodes[k] is the k-th activated node (an index); seeds come first.
	Nodes []int32
	// Times[k] is the activation time of Nodes[k], in 0..T-1 (or unbounded
	// with NoHorizon), non-decreasing in k.
	Times []int32
}

// Len returns the number of activated nodes.
func (c Cascade) Len() int { return len(c.Nodes) }

// Dense writes the activation time of every node into dst (length N) and
// returns it: Times for activated nodes, censored for the others (use T with
// a horizon, following Observations). It allocates dst when it is nil.
func (c Cascade) Dense(dst []int32, n int, censored int32) []int32 {
	if dst == nil {
		dst = make([]int32, n)
	}
	dst = dst[:n]
	for i := range dst {
		dst[i] = censored
	}
	for k, v := range c.Nodes {
		dst[v] = c.Times[k]
	}
	return dst
}

// Simulator runs IC cascades on one graph with fixed probabilities. It owns
// the per-node buffers of one worker, so simulating a cascade costs time
// proportional to the edges leaving activated nodes, with no O(N) reset and
// no allocation. A Simulator is not safe for concurrent use; SimulateMany and
// the estimators built on it run their own per-worker copies.
type Simulator struct {
	g     *graphs.Graph
	alpha []float64
	t     int

	tm    []int32 // tm[v] is v's activation time in the current cascade, -1 if inactive
	nodes []int32 // activated nodes in activation order (also the BFS frontiers)
	times []int32 // times[k] = tm[nodes[k]]

	pcg  *rand.PCG  // the stream of SimulateMany
	rng  *rand.Rand // wraps pcg
	peer []*Simulator
}

// NewSimulator returns a Simulator for graph g with per-edge probabilities
// alpha (alpha[e] for the directed edge e = g.Src[e]→g.Dst[e]; values ≤ 0
// never fire, values ≥ 1 always do) and horizon T (T ≥ 1 simulates slots
// 0..T-1; NoHorizon runs to quiescence). alpha is kept, not copied: do not
// modify it while the Simulator is in use. It panics if len(alpha) !=
// g.NumEdges(), if T < 0, or if g has 2^31 nodes or more.
func NewSimulator(g *graphs.Graph, alpha []float64, T int) *Simulator {
	if len(alpha) != g.NumEdges() {
		panic("models/ic: NewSimulator: len(alpha) != number of edges")
	}
	if T < 0 {
		panic("models/ic: NewSimulator: negative horizon")
	}
	if g.N > math.MaxInt32 {
		panic("models/ic: NewSimulator: too many nodes for int32 indices")
	}
	s := &Simulator{g: g, alpha: alpha, t: T, tm: make([]int32, g.N)}
	for i := range s.tm {
		s.tm[i] = -1
	}
	s.pcg = rand.NewPCG(0, 0)
	s.rng = rand.New(s.pcg)
	return s
}

// Horizon returns T as given to NewSimulator (NoHorizon for quiescence).
func (s *Simulator) Horizon() int { return s.t }

// Graph returns the simulator's graph.
func (s *Simulator) Graph() *graphs.Graph { return s.g }

// SimulateOne runs one cascade from init, drawing every random number from
// rng, and returns a view of it (valid until the next call on s). The same
// rng state gives the same cascade. It panics if a seed or candidate is not
// a node index, if a UniformSeed candidate list is empty, or if a Stochastic
// p0 does not have length N.
func (s *Simulator) SimulateOne(rng *rand.Rand, init Init) Cascade {
	// Lazy reset: only the nodes the previous cascade touched.
	for _, v := range s.nodes {
		s.tm[v] = -1
	}
	s.nodes, s.times = s.nodes[:0], s.times[:0]
	s.seed(rng, &init)

	g, alpha, tm := s.g, s.alpha, s.tm
	dst, off := g.Dst, g.OutOff
	lo := 0
	for t := int32(1); lo < len(s.nodes) && (s.t == NoHorizon || int(t) < s.t); t++ {
		hi := len(s.nodes) // nodes[lo:hi] were activated at t-1: they try now
		for k := lo; k < hi; k++ {
			u := s.nodes[k]
			for e := off[u]; e < off[u+1]; e++ {
				v := dst[e]
				if tm[v] >= 0 {
					continue
				}
				if rng.Float64() < alpha[e] {
					tm[v] = t
					s.nodes = append(s.nodes, int32(v))
					s.times = append(s.times, t)
				}
			}
		}
		lo = hi
	}
	return Cascade{Nodes: s.nodes, Times: s.times}
}

// activate0 marks v active at t = 0 unless it already is.
func (s *Simulator) activate0(v int) {
	if v < 0 || v >= s.g.N {
		panic("models/ic: seed is not a node index")
	}
	if s.tm[v] < 0 {
		s.tm[v] = 0
		s.nodes = append(s.nodes, int32(v))
		s.times = append(s.times, 0)
	}
}

func (s *Simulator) seed(rng *rand.Rand, in *Init) {
	switch in.kind {
	case initSeedSet:
		for _, v := range in.nodes {
			s.activate0(v)
		}
	case initUniformSeed:
		if in.nodes == nil {
			s.activate0(rng.IntN(s.g.N))
			return
		}
		if len(in.nodes) == 0 {
			panic("models/ic: UniformSeed with no candidates")
		}
		s.activate0(in.nodes[rng.IntN(len(in.nodes))])
	case initStochastic:
		n := s.g.N
		if len(in.p0) != n {
			panic("models/ic: Stochastic p0 length != number of nodes")
		}
		if q := in.q; !math.IsNaN(q) {
			// Gaps between successive active nodes are Geometric(q):
			// P(gap = k) = (1-q)^k q, sampled as floor(log U / log(1-q)).
			l := math.Log1p(-q)
			for i := 0; ; i++ {
				gap := math.Floor(math.Log(1-rng.Float64()) / l) // U in (0,1]
				if gap >= float64(n-i) {
					return
				}
				i += int(gap)
				s.activate0(i)
			}
		}
		for i, p := range in.p0 {
			if rng.Float64() < p {
				s.activate0(i)
			}
		}
	}
}

// Times writes the activation time of every node in the last cascade into dst
// (length N) and returns it, allocating when dst is nil. Nodes not activated
// get T (censored) with a horizon and -1 with NoHorizon.
func (s *Simulator) Times(dst []int32) []int32 {
	censored := int32(s.t)
	if s.t == NoHorizon {
		censored = -1
	}
	return Cascade{Nodes: s.nodes, Times: s.times}.Dense(dst, s.g.N, censored)
}

// workers returns n simulators sharing s's graph and alpha: s itself first,
// then cached peers (allocated once and reused by later calls).
func (s *Simulator) workers(n int) []*Simulator {
	for len(s.peer) < n-1 {
		s.peer = append(s.peer, NewSimulator(s.g, s.alpha, s.t))
	}
	return append([]*Simulator{s}, s.peer[:n-1]...)
}

// SimulateMany runs M cascades from init and calls visit(worker, idx, c) for
// each, idx = 0..M-1. Cascade idx draws its random numbers from its own
// stream, a PCG seeded with (seed, parallel.SplitMix64(idx)), so cascade idx is the
// same whatever the number of workers and whichever worker runs it.
//
// workers ≤ 0 means runtime.GOMAXPROCS(0). visit runs on up to workers
// goroutines at once; calls with the same worker value (0..workers-1) never
// overlap, so per-worker accumulators need no locks. The order of idx is
// unspecified, so aggregate with order-independent operations (integer
// counts) or store by idx to keep results deterministic. c is valid only
// during the call. s must not be used concurrently with SimulateMany. It
// panics as SimulateOne does.
func (s *Simulator) SimulateMany(M int, seed uint64, workers int, init Init, visit func(worker, idx int, c Cascade)) {
	s.simulateRange(0, M, seed, workers, init, visit)
}

// simulateRange is SimulateMany over the cascades idx = lo..hi-1 only: the
// cascades of disjoint ranges that cover 0..M-1 are exactly those of
// SimulateMany(M, ...), which is what lets a run be split into shards.
func (s *Simulator) simulateRange(lo, hi int, seed uint64, workers int, init Init, visit func(worker, idx int, c Cascade)) {
	if hi <= lo {
		return
	}
	workers = parallel.Workers(workers, hi-lo)
	sims := s.workers(workers)
	parallel.For(hi-lo, workers, 16, func(w, idx int) {
		sim := sims[w]
		sim.pcg.Seed(seed, parallel.SplitMix64(uint64(lo+idx)))
		visit(w, lo+idx, sim.SimulateOne(sim.rng, init))
	})
}

// Spread estimates the influence spread σ(S), the expected number of nodes
// active at the end of a cascade started from the seed set S (seeds
// included), within the simulator's horizon (to quiescence with NoHorizon).
// It averages runs cascades of SimulateMany(runs, seed, workers, ...) and
// returns the sample mean and its standard error sqrt(var/runs) (sample
// variance with runs-1; 0 when runs < 2). The sums are exact integers
// (while runs·N² < 2^64) until the final division, so the result does not
// depend on workers.
// It returns (0, 0) when runs ≤ 0 and panics on a seed that is not a node.
func (s *Simulator) Spread(seeds []int, runs int, seed uint64, workers int) (mean, stderr float64) {
	if runs <= 0 {
		return 0, 0
	}
	workers = parallel.Workers(workers, runs)
	type acc struct {
		sum, sumSq uint64
		_          [48]byte // keep workers on separate cache lines
	}
	accs := make([]acc, workers)
	s.SimulateMany(runs, seed, workers, SeedSet(seeds...), func(w, _ int, c Cascade) {
		n := uint64(c.Len())
		accs[w].sum += n
		accs[w].sumSq += n * n
	})
	var sum, sumSq uint64
	for _, a := range accs {
		sum += a.sum
		sumSq += a.sumSq
	}
	r := uint64(runs)
	mean = float64(sum) / float64(runs)
	if runs < 2 {
		return mean, 0
	}
	// var = (r·Σn² − (Σn)²) / (r(r−1)), numerator in exact 128-bit arithmetic.
	h1, l1 := bits.Mul64(r, sumSq)
	h2, l2 := bits.Mul64(sum, sum)
	lo, borrow := bits.Sub64(l1, l2, 0)
	hi, _ := bits.Sub64(h1, h2, borrow)
	num := float64(hi)*0x1p64 + float64(lo)
	variance := num / (float64(r) * float64(r-1))
	return mean, math.Sqrt(variance / float64(runs))
}

// Spread estimates σ(S) to quiescence on g with probabilities alpha: it is
// NewSimulator(g, alpha, NoHorizon).Spread(seeds, runs, seed, workers). For
// repeated calls (influence maximisation) keep one Simulator instead, which
// reuses its buffers.
func Spread(g *graphs.Graph, alpha []float64, seeds []int, runs int, seed uint64, workers int) (mean, stderr float64) {
	return NewSimulator(g, alpha, NoHorizon).Spread(seeds, runs, seed, workers)
}

// Marginals estimates the ground-truth marginals p_i(t) = P(node i active by
// slot t), t = 0..T-1, from runs cascades of SimulateMany(runs, seed,
// workers, init, ...): p_i(t) is the fraction of cascades with τ_i ≤ t. The
// layout is time-major, dst[t*N+i] = p_i(t) (length T·N), the layout of the
// DMP marginals. dst is allocated when nil. Counts are exact integers summed
// over workers, so the result does not depend on workers. It panics if the
// simulator has no horizon, if runs ≤ 0, if dst is non-nil with length
// other than T·N, or as SimulateOne does.
//
// Marginals is ActivationCounts over 0..runs-1 followed by
// MarginalsFromCounts; a distributed run computes the counts of disjoint
// ranges of cascades, adds them and finishes the same way, with the same
// result bit for bit.
func (s *Simulator) Marginals(dst []float64, init Init, runs int, seed uint64, workers int) []float64 {
	if s.t == NoHorizon {
		panic("models/ic: Marginals needs a horizon T ≥ 1")
	}
	if runs <= 0 {
		panic("models/ic: Marginals needs runs ≥ 1")
	}
	if dst != nil && len(dst) != s.t*s.g.N {
		panic("models/ic: Marginals: len(dst) != T*N")
	}
	if dst != nil {
		clear(dst)
	}
	dst = s.ActivationCounts(dst, init, 0, runs, seed, workers)
	return MarginalsFromCounts(dst, s.g.N, runs)
}

// ActivationCounts adds to dst[τ*N+i] the number of cascades idx = lo..hi-1
// of SimulateMany(·, seed, workers, init, ...) in which node i activates at
// slot τ (τ = 0..T-1; length T·N, allocated zeroed when nil) and returns dst.
// Cascade idx has its own stream (seed, idx), so the counts of disjoint
// ranges covering 0..runs-1 add up (exactly: they are integers below 2^53)
// to the counts of the whole run, whatever the split and the workers. It
// panics if the simulator has no horizon, if dst is non-nil with length other
// than T·N, or as SimulateOne does.
func (s *Simulator) ActivationCounts(dst []float64, init Init, lo, hi int, seed uint64, workers int) []float64 {
	T, n := s.t, s.g.N
	if T == NoHorizon {
		panic("models/ic: ActivationCounts needs a horizon T ≥ 1")
	}
	if dst == nil {
		dst = make([]float64, T*n)
	}
	if len(dst) != T*n {
		panic("models/ic: ActivationCounts: len(dst) != T*N")
	}
	if hi <= lo {
		return dst
	}
	workers = parallel.Workers(workers, hi-lo)
	// counts[w][τ*N+i] = number of cascades with τ_i = τ; worker 0 counts in dst.
	counts := make([][]float64, workers)
	counts[0] = dst
	for w := 1; w < workers; w++ {
		counts[w] = make([]float64, T*n)
	}
	s.simulateRange(lo, hi, seed, workers, init, func(w, _ int, c Cascade) {
		cw := counts[w]
		for k, v := range c.Nodes {
			cw[int(c.Times[k])*n+int(v)]++
		}
	})
	for w := 1; w < workers; w++ {
		for j, x := range counts[w] {
			dst[j] += x
		}
	}
	return dst
}

// MarginalsFromCounts turns activation counts of runs cascades (the layout
// of ActivationCounts, length T·N for n nodes) into the marginals p_i(t) in
// place: it cumulates over time, p_i(t) ∝ #{τ_i ≤ t}, divides by runs and
// returns counts. It panics if len(counts) is not a multiple of n or runs ≤ 0.
func MarginalsFromCounts(counts []float64, n, runs int) []float64 {
	if n < 0 || (n == 0 && len(counts) != 0) || (n > 0 && len(counts)%n != 0) {
		panic("models/ic: MarginalsFromCounts: len(counts) is not a multiple of N")
	}
	if runs <= 0 {
		panic("models/ic: MarginalsFromCounts needs runs ≥ 1")
	}
	if n == 0 {
		return counts
	}
	T := len(counts) / n
	// Cumulate over time (exact integers), then normalise.
	for t := 1; t < T; t++ {
		row, prev := counts[t*n:(t+1)*n], counts[(t-1)*n:t*n]
		for i := range row {
			row[i] += prev[i]
		}
	}
	for j := range counts {
		counts[j] /= float64(runs)
	}
	return counts
}
