package continest

import (
	"cmp"
	"fmt"
	"github.com/spread-dev/spread/internal/distheap"
	"github.com/spread-dev/spread/train"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/cic"
	"github.com/spread-dev/spread/solvers/im"
)

// Defaults of the Settings fields (the ConTinEst paper's m and r).
const (
	DefaultSamples = 10000
	DefaultLabels  = 5
)

// Settings configures New. A nil *Settings means the zero value; every
// zero field means its documented default.
type Settings struct {
	// Samples is the number m of delay realisations. Zero means
	// DefaultSamples.
	Samples int
	// Labels is the number r ≥ 2 of exponential label sets per
	// realisation. Zero means DefaultLabels.
	Labels int
	// Seed fixes the delays and labels.
	Seed uint64
	// Workers is the number of goroutines over samples. Zero means
	// runtime.GOMAXPROCS(0). The estimator does not depend on it.
	Workers int
}

// Estimator holds the least-label lists of m·r (delay realisation, label
// set) blocks. It is safe for concurrent queries.
type Estimator struct {
	g      *graphs.Graph
	delay  cic.Delay
	p      cic.Params
	t      float64
	m, r   int
	seed   uint64
	nodeOf []int32 // block b: node v's list is entries base[b]+nodeOf[b(n+1)+v] .. base[b]+nodeOf[b(n+1)+v+1]−1
	base   []int64
	label  []float32
	dist   []float32
}

// New samples m delay realisations of the CIC model on g (family d,
// per-edge parameters p; p.A nil takes g.Weight) and, for each, r sets of
// labels ℓ_u ~ Exp(1), and builds the least-label lists up to the horizon
// T. The result depends only on the inputs and Settings.Seed, not on
// Settings.Workers. It returns an error for invalid parameters, a horizon
// that is negative or not finite, or invalid settings.
func New(g *graphs.Graph, d cic.Delay, p cic.Params, T float64, s *Settings) (*Estimator, error) {
	var set Settings
	if s != nil {
		set = *s
	}
	train.Default(&set.Samples, DefaultSamples)
	train.Default(&set.Labels, DefaultLabels)
	switch {
	case set.Samples < 0:
		return nil, fmt.Errorf("continest: Samples = %d", set.Samples)
	case set.Labels < 2:
		return nil, fmt.Errorf("continest: Labels = %d, want ≥ 2", set.Labels)
	case !(T >= 0) || math.IsInf(T, 0):
		return nil, fmt.Errorf("continest: horizon T = %v, want finite ≥ 0", T)
	}
	// Validate the parameters through the model constructor.
	mod, err := cic.NewModelParams(g, d, p, T)
	if err != nil {
		return nil, fmt.Errorf("continest: %w", err)
	}
	e := &Estimator{g: g, delay: d, p: mod.Params(), t: T, m: set.Samples, r: set.Labels, seed: set.Seed}
	type block struct {
		off   []int32
		label []float32
		dist  []float32
	}
	blocks := make([]block, e.m*e.r)
	workers := set.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, e.m))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			w := e.newWorker()
			for {
				k := int(next.Add(1) - 1)
				if k >= e.m {
					return
				}
				rng := e.delays(w, k)
				for l := range e.r {
					b := &blocks[k*e.r+l]
					b.off, b.label, b.dist = w.lists(rng, e.t)
				}
			}
		})
	}
	wg.Wait()
	n := g.N
	e.nodeOf = make([]int32, 0, len(blocks)*(n+1))
	e.base = make([]int64, len(blocks))
	total := 0
	for _, b := range blocks {
		total += len(b.label)
	}
	e.label, e.dist = make([]float32, 0, total), make([]float32, 0, total)
	for i, b := range blocks {
		e.base[i] = int64(len(e.label))
		e.nodeOf = append(e.nodeOf, b.off...)
		e.label = append(e.label, b.label...)
		e.dist = append(e.dist, b.dist...)
	}
	return e, nil
}

// worker holds the scratch of one goroutine.
type worker struct {
	e     *Estimator
	tau   []float64 // delay per in-edge slot (g.InEdges order)
	lab   []float64
	order []int32
	dist  []float64
	seen  []int32 // epoch marks
	epoch int32
	heap  distheap.Heap
	// last entry's distance per node in the current block (+Inf: none)
	lastDist []float64
	ev       []int32
	el, ed   []float32
	pcg      *rand.PCG
	rng      *rand.Rand
}

func (e *Estimator) newWorker() *worker {
	n := e.g.N
	w := &worker{e: e, tau: make([]float64, e.g.NumEdges()), lab: make([]float64, n), order: make([]int32, n),
		dist: make([]float64, n), seen: make([]int32, n), lastDist: make([]float64, n), pcg: rand.NewPCG(0, 0)}
	w.rng = rand.New(w.pcg)
	return w
}

// delays seeds the worker's stream for sample k (PCG (Seed, splitmix64(k)))
// and draws the delay of every edge, in edge order, into w.tau indexed by
// the edge's in-edge slot. The labels of the sample's r label sets follow
// in the same stream.
func (e *Estimator) delays(w *worker, k int) *rand.Rand {
	w.pcg.Seed(e.seed, splitmix64(uint64(k)))
	g := e.g
	for ed := range g.NumEdges() {
		b := 0.0
		if e.p.B != nil {
			b = e.p.B[ed]
		}
		w.tau[g.InPos[ed]] = e.delay.Sample(1-w.rng.Float64(), e.p.A[ed], b)
	}
	return w.rng
}

// lists draws one label set and builds its least-label lists (Cohen 1997):
// nodes in increasing label order each run a Dijkstra search over in-edges
// (reverse distances d(v, u)) up to T, and a node v reached at distance δ
// gets the entry (ℓ_u, δ) unless its last entry has distance ≤ δ, in
// which case the search is pruned at v. Each list is therefore increasing
// in label and strictly decreasing in distance. It returns the lists in
// CSR form (node offsets, labels, distances).
func (w *worker) lists(rng *rand.Rand, T float64) (off []int32, label, dist []float32) {
	g := w.e.g
	n := g.N
	for v := range n {
		w.lab[v] = -math.Log(1 - rng.Float64())
		w.order[v] = int32(v)
		w.lastDist[v] = math.Inf(1)
	}
	slices.SortFunc(w.order, func(a, b int32) int { return cmp.Or(cmp.Compare(w.lab[a], w.lab[b]), cmp.Compare(a, b)) })
	w.ev, w.el, w.ed = w.ev[:0], w.el[:0], w.ed[:0]
	for _, u := range w.order {
		w.epoch++
		lu := float32(w.lab[u])
		w.heap = w.heap[:0]
		w.dist[u], w.seen[u] = 0, w.epoch
		w.heap.Push(0, u)
		for len(w.heap) > 0 {
			it := w.heap.Pop()
			v := it.V
			if it.D > w.dist[v] {
				continue
			}
			if w.lastDist[v] <= it.D {
				continue // dominated: an earlier label reaches v at least as fast
			}
			w.lastDist[v] = it.D
			w.ev, w.el, w.ed = append(w.ev, v), append(w.el, lu), append(w.ed, float32(it.D))
			for s := g.InOff[v]; s < g.InOff[v+1]; s++ {
				x := int32(g.Src[g.InEdges[s]])
				dx := it.D + w.tau[s]
				if dx > T {
					continue
				}
				if w.seen[x] != w.epoch || dx < w.dist[x] {
					w.seen[x], w.dist[x] = w.epoch, dx
					w.heap.Push(dx, x)
				}
			}
		}
	}
	off = make([]int32, n+1)
	for _, v := range w.ev {
		off[v+1]++
	}
	for v := range n {
		off[v+1] += off[v]
	}
	fill := slices.Clone(off[:n])
	label, dist = make([]float32, len(w.ev)), make([]float32, len(w.ev))
	for i, v := range w.ev { // generation order is label order within each node
		label[fill[v]], dist[fill[v]] = w.el[i], w.ed[i]
		fill[v]++
	}
	return off, label, dist
}

// Horizon returns the horizon T of the lists.
func (e *Estimator) Horizon() float64 { return e.t }

// NumNodes returns n.
func (e *Estimator) NumNodes() int { return e.g.N }

// InfluenceAt returns ConTinEst's estimate of σ(S, t) = E[|{v : d_S(v) ≤
// t}|] for t ≤ T,
//
//	σ̂ = (1/m) Σ_{k=1..m} (r − 1) / Σ_{l=1..r} r*_{kl},  r*_{kl} = min_{s∈S} min{ℓ : (ℓ, δ) ∈ list_{kl}(s), δ ≤ t},
//
// and the standard error of the mean over the m samples. An empty S has
// σ = 0. It panics if a seed is not a node or t > T.
func (e *Estimator) InfluenceAt(S []int, t float64) (mean, stderr float64) {
	n := e.g.N
	for _, s := range S {
		if s < 0 || s >= n {
			panic(fmt.Sprintf("continest: seed %d is not a node (0..%d)", s, n-1))
		}
	}
	if t > e.t {
		panic(fmt.Sprintf("continest: query time %v beyond the lists' horizon %v", t, e.t))
	}
	if len(S) == 0 || e.m == 0 {
		return 0, 0
	}
	t32 := float32(t)
	var sum, sum2 float64
	for k := range e.m {
		tot := 0.0
		for l := range e.r {
			b := k*e.r + l
			off := e.nodeOf[b*(n+1) : (b+1)*(n+1)]
			base := e.base[b]
			best := float32(math.Inf(1))
			for _, s := range S {
				for q := base + int64(off[s]); q < base+int64(off[s+1]); q++ {
					if e.dist[q] <= t32 {
						best = min(best, e.label[q])
						break
					}
				}
			}
			tot += float64(best)
		}
		est := float64(e.r-1) / tot
		sum += est
		sum2 += est * est
	}
	m := float64(e.m)
	mean = sum / m
	if e.m > 1 {
		stderr = math.Sqrt(max(0, sum2/m-mean*mean) / (m - 1))
	}
	return mean, stderr
}

// Spread implements im.Oracle: InfluenceAt(seeds, T).
func (e *Estimator) Spread(seeds []int) (mean, stderr float64) { return e.InfluenceAt(seeds, e.t) }

// ExactInfluence returns the exact mean over the same m delay realisations
// of |{v : d_S(v) ≤ t}|, by a forward Dijkstra search from S per sample
// (no labels): the quantity ConTinEst estimates, for cross-checks on small
// networks (n ≤ 1024). It panics if a seed is not a node.
func (e *Estimator) ExactInfluence(S []int, t float64) float64 {
	g := e.g
	w := e.newWorker()
	settled := make([]bool, g.N)
	total := 0
	for k := range e.m {
		e.delays(w, k)
		w.epoch++
		w.heap = w.heap[:0]
		for _, s := range S {
			if s < 0 || s >= g.N {
				panic(fmt.Sprintf("continest: seed %d is not a node (0..%d)", s, g.N-1))
			}
			w.dist[s], w.seen[s] = 0, w.epoch
			w.heap.Push(0, int32(s))
		}
		clear(settled)
		for len(w.heap) > 0 {
			it := w.heap.Pop()
			v := it.V
			if settled[v] || it.D > w.dist[v] {
				continue
			}
			settled[v] = true
			total++
			for ed := g.OutOff[v]; ed < g.OutOff[v+1]; ed++ {
				x := int32(g.Dst[ed])
				dx := it.D + w.tau[g.InPos[ed]]
				if dx > t {
					continue
				}
				if w.seen[x] != w.epoch || dx < w.dist[x] {
					w.seen[x], w.dist[x] = w.epoch, dx
					w.heap.Push(dx, x)
				}
			}
		}
	}
	return float64(total) / float64(e.m)
}

// InfluMax selects k seeds among candidates (nil: all nodes) by lazy
// greedy (CELF) with ConTinEst as the marginal-gain oracle: InfluMax of
// Gomez-Rodriguez & Schölkopf (ICML 2012) with the estimator of Du, Song,
// Gomez-Rodriguez & Zha (NIPS 2013).
func InfluMax(e *Estimator, k int, candidates []int) (*im.Result, error) {
	return im.Maximize(&im.Problem{Oracle: e, N: e.g.N, K: k, Candidates: candidates}, nil, im.CELF{})
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
