package graphs

// Synthetic topologies used in the experiments (SLICER §9: regular tree of
// degree 3, scale-free tree, random regular graph of degree 3, Erdős–Rényi
// with mean degree 3, square lattice) plus Barabási–Albert and stochastic
// Kronecker graphs.
//
// Every generator returns a graph on nodes 0..n-1 with external ids
// "0".."n-1" built by FromEdges, so the edge order is the usual CSR
// (source, target) order. Random generators take a seed and draw from one
// math/rand/v2 PCG stream seeded by it: the same seed and parameters always
// give the identical graph (same N, Src, Dst), on any machine and for any
// GOMAXPROCS. Impossible parameters are returned errors prefixed "graphs: "
// and naming the generator; no generator panics on user input.

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
)

// Stream constants: the second PCG word of each generator, so that the same
// seed given to two different generators does not reuse one stream.
const (
	streamBA        = 0x7370726561642d62 // "spread-b"
	streamRRG       = 0x7370726561642d72 // "spread-r"
	streamER        = 0x7370726561642d65 // "spread-e"
	streamKronecker = 0x7370726561642d6b // "spread-k"
)

func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// simpleUndirected is the build policy for generators that guarantee a
// simple graph: a self-loop or duplicate would be a bug in the generator, so
// FromEdges rejects it instead of hiding it.
func simpleUndirected() BuildOptions {
	return BuildOptions{Undirected: true, SelfLoops: RejectSelfLoops, Duplicates: RejectDuplicates}
}

// mulOK returns a·b and whether it fits in an int (a, b ≥ 0).
func mulOK(a, b int) (int, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt {
		return 0, false
	}
	return int(lo), true
}

// RegularTree returns the d-regular tree (Bethe lattice) truncated to its
// first n nodes in breadth-first order, as an undirected graph.
//
// Node 0 is the root with children 1..d; every later node i receives its
// d−1 children in turn, so the parent of node i ≥ 1 is 0 for i ≤ d and
// 1 + (i−d−1)/(d−1) otherwise. The result is a tree with n−1 undirected
// edges. Every node has degree at most d; every node with children has
// degree exactly d, except possibly the last node to receive children (the
// truncation frontier) and a root with fewer than d children when n ≤ d.
// Leaves have degree 1. SLICER's "regular tree of degree 3" is RegularTree(n, 3).
//
// It is deterministic (no seed). It returns an error if n < 0 or d < 2.
func RegularTree(n, d int) (*Graph, error) {
	if n < 0 {
		return nil, fmt.Errorf("graphs: RegularTree: negative node count %d", n)
	}
	if d < 2 {
		return nil, fmt.Errorf("graphs: RegularTree: degree %d < 2 (a tree with more than 2 nodes needs d ≥ 2)", d)
	}
	m := max(n-1, 0)
	src, dst := make([]int, m), make([]int, m)
	for i := 1; i < n; i++ {
		p := 0
		if i > d {
			p = 1 + (i-d-1)/(d-1)
		}
		src[i-1], dst[i-1] = p, i
	}
	g, _, err := FromEdges(n, src, dst, nil, simpleUndirected())
	return g, err
}

// ScaleFreeTree returns a preferential-attachment tree on n nodes: the
// Barabási–Albert model with m = 1 (SLICER's "scale-free tree"; the original
// scripts' `ba` graphs with k = 1). Nodes 0–1 start joined by one edge; each
// later node t attaches to one earlier node chosen with probability
// proportional to its current degree. The result is an undirected tree with
// n−1 edges (power-law degree tail with exponent 3). It is
// BarabasiAlbert(n, 1, seed) for n ≥ 2; n = 0 and n = 1 give the empty graph
// and a single node. It returns an error if n < 0.
func ScaleFreeTree(n int, seed uint64) (*Graph, error) {
	if n < 0 {
		return nil, fmt.Errorf("graphs: ScaleFreeTree: negative node count %d", n)
	}
	if n < 2 {
		g, _, err := FromEdges(n, nil, nil, nil, simpleUndirected())
		return g, err
	}
	return BarabasiAlbert(n, 1, seed)
}

// BarabasiAlbert returns an undirected Barabási–Albert preferential-attachment
// graph on n nodes where each new node brings m edges.
//
// The seed graph is the clique on nodes 0..m (m+1 nodes, m(m+1)/2 edges, every
// degree m). Each later node t = m+1..n−1 picks m distinct earlier nodes, each
// draw with probability proportional to the current degree (sampling
// uniformly from the list of edge endpoints, rejecting repeats), and joins
// them; degrees are updated after all m targets are chosen. The result is
// simple and connected with exactly m(n−m−1) + m(m+1)/2 undirected edges and
// minimum degree m.
//
// It returns an error if m < 1 or n < m+1.
func BarabasiAlbert(n, m int, seed uint64) (*Graph, error) {
	if m < 1 {
		return nil, fmt.Errorf("graphs: BarabasiAlbert: m = %d < 1", m)
	}
	if n < m+1 {
		return nil, fmt.Errorf("graphs: BarabasiAlbert: n = %d < m+1 = %d (the seed clique has m+1 nodes)", n, m+1)
	}
	E := m*(n-m-1) + m*(m+1)/2
	if _, ok := mulOK(E, 2); !ok || E < 0 {
		return nil, fmt.Errorf("graphs: BarabasiAlbert: n = %d, m = %d: too many edges", n, m)
	}
	r := newRand(seed, streamBA)
	src, dst := make([]int, 0, E), make([]int, 0, E)
	// ends lists every edge endpoint, so node i appears deg(i) times.
	ends := make([]int, 0, 2*E)
	for u := 0; u <= m; u++ {
		for v := u + 1; v <= m; v++ {
			src, dst = append(src, u), append(dst, v)
			ends = append(ends, u, v)
		}
	}
	targets := make([]int, 0, m)
	for t := m + 1; t < n; t++ {
		targets = targets[:0]
		for len(targets) < m {
			v := ends[r.IntN(len(ends))]
			if !slices.Contains(targets, v) {
				targets = append(targets, v)
			}
		}
		for _, v := range targets {
			src, dst = append(src, v), append(dst, t)
			ends = append(ends, v, t)
		}
	}
	g, _, err := FromEdges(n, src, dst, nil, simpleUndirected())
	return g, err
}

// RandomRegular returns a simple random d-regular undirected graph on n nodes
// (no self-loops, no multi-edges; every node has degree d; n·d/2 edges).
//
// It uses the pairing algorithm of Steger and Wormald (1999), as NetworkX's
// random_regular_graph does: the n·d stubs are shuffled and paired; pairs that
// would form a self-loop or repeat an edge go back to the pool, which is
// reshuffled and re-paired until empty. When no admissible pair is left in the
// pool the attempt restarts from scratch. The distribution is asymptotically
// uniform over d-regular graphs for d = O(n^{1/28}) (Kim & Vu 2003) and close
// to uniform in practice. For d > (n−1)/2 it builds a random (n−1−d)-regular
// graph and returns its complement, which keeps dense cases fast.
// Expected running time is O(n·d) for fixed d; n = 10^5, d = 3 takes a few
// milliseconds.
//
// It returns an error if n < 0, d < 0, n·d is odd, d ≥ n (for d > 0), or no
// graph was found after 1000 restarts (never observed for feasible input).
func RandomRegular(n, d int, seed uint64) (*Graph, error) {
	switch {
	case n < 0:
		return nil, fmt.Errorf("graphs: RandomRegular: negative node count %d", n)
	case d < 0:
		return nil, fmt.Errorf("graphs: RandomRegular: negative degree %d", d)
	case d > 0 && d >= n:
		return nil, fmt.Errorf("graphs: RandomRegular: degree %d ≥ n = %d", d, n)
	case (n%2 == 1) && (d%2 == 1):
		return nil, fmt.Errorf("graphs: RandomRegular: n·d = %d·%d is odd", n, d)
	}
	if _, ok := mulOK(n, d); !ok {
		return nil, fmt.Errorf("graphs: RandomRegular: n·d = %d·%d overflows", n, d)
	}
	r := newRand(seed, streamRRG)
	complement := d > (n-1)/2
	dd := d
	if complement {
		dd = n - 1 - d
	}
	adj, ok := pairRegular(n, dd, r)
	if !ok {
		return nil, fmt.Errorf("graphs: RandomRegular: no simple %d-regular graph on %d nodes after %d restarts", d, n, rrgMaxRestarts)
	}
	E := n * d / 2
	src, dst := make([]int, 0, E), make([]int, 0, E)
	if complement {
		mark := make([]bool, n)
		for u := 0; u < n; u++ {
			nb := adj[u*dd : (u+1)*dd]
			for _, v := range nb {
				mark[v] = true
			}
			for v := u + 1; v < n; v++ {
				if !mark[v] {
					src, dst = append(src, u), append(dst, v)
				}
			}
			for _, v := range nb {
				mark[v] = false
			}
		}
	} else {
		for u := 0; u < n; u++ {
			for _, v := range adj[u*dd : (u+1)*dd] {
				if u < v {
					src, dst = append(src, u), append(dst, v)
				}
			}
		}
	}
	g, _, err := FromEdges(n, src, dst, nil, simpleUndirected())
	return g, err
}

const (
	rrgMaxRestarts = 1000
	rrgMaxStalls   = 100 // consecutive rounds without progress before a restart
)

// pairRegular runs the Steger–Wormald pairing. It returns the flat adjacency
// adj[u*d : (u+1)*d] of a simple d-regular graph, or false after
// rrgMaxRestarts failed attempts.
func pairRegular(n, d int, r *rand.Rand) ([]int, bool) {
	adj := make([]int, n*d)
	deg := make([]int, n)
	stubs := make([]int, 0, n*d)
	next := make([]int, 0, n*d)
	var distinct []int
	seen := make([]int, n) // seen[u] == round: u already in distinct
	round := 0
	// Adjacency test: a scan of u's ≤ d neighbours, or an n×n bit matrix when
	// d is large and the matrix small (dense graphs on few nodes).
	var bitsAdj []uint64
	if d >= 16 && n <= 1<<13 {
		bitsAdj = make([]uint64, (n*n+63)/64)
	}
	adjacent := func(u, v int) bool {
		if bitsAdj != nil {
			b := u*n + v
			return bitsAdj[b>>6]&(1<<(b&63)) != 0
		}
		return slices.Contains(adj[u*d:u*d+deg[u]], v)
	}
	link := func(u, v int) {
		adj[u*d+deg[u]] = v
		deg[u]++
		adj[v*d+deg[v]] = u
		deg[v]++
		if bitsAdj != nil {
			b := u*n + v
			bitsAdj[b>>6] |= 1 << (b & 63)
			b = v*n + u
			bitsAdj[b>>6] |= 1 << (b & 63)
		}
	}
attempts:
	for attempt := 0; attempt < rrgMaxRestarts; attempt++ {
		clear(deg)
		clear(bitsAdj)
		stubs = stubs[:0]
		for u := 0; u < n; u++ {
			for range d {
				stubs = append(stubs, u)
			}
		}
		stalls := 0
		for len(stubs) > 0 {
			r.Shuffle(len(stubs), func(i, j int) { stubs[i], stubs[j] = stubs[j], stubs[i] })
			next = next[:0]
			for i := 0; i+1 < len(stubs); i += 2 {
				u, v := stubs[i], stubs[i+1]
				if u == v || adjacent(u, v) {
					next = append(next, u, v)
					continue
				}
				link(u, v)
			}
			if len(next) == len(stubs) {
				stalls++
				if stalls > rrgMaxStalls {
					continue attempts
				}
			} else {
				stalls = 0
			}
			stubs, next = next, stubs
			if len(stubs) == 0 {
				break
			}
			// Is any admissible pair left among the pooled nodes?
			distinct = distinct[:0]
			round++
			for _, u := range stubs {
				if seen[u] != round {
					seen[u] = round
					distinct = append(distinct, u)
				}
			}
			found := false
		search:
			for i, u := range distinct {
				for _, v := range distinct[i+1:] {
					if !adjacent(u, v) {
						found = true
						break search
					}
				}
			}
			if !found {
				continue attempts
			}
		}
		return adj, true
	}
	return nil, false
}

// ErdosRenyi returns an undirected Erdős–Rényi graph G(n, p) with
// p = meanDegree/(n−1): every one of the n(n−1)/2 node pairs is an edge
// independently with probability p, so the expected mean degree is
// meanDegree and the expected edge count n·meanDegree/2.
//
// It uses the geometric skipping of Batagelj and Brandes (2005), which jumps
// over runs of absent pairs with one uniform draw per present edge, so it runs
// in O(n + m) time for m edges. The graph may be disconnected.
//
// It returns an error if n < 0, meanDegree is negative or not finite, or
// meanDegree > n−1 (p > 1). For n ≤ 1 only meanDegree = 0 is accepted.
func ErdosRenyi(n int, meanDegree float64, seed uint64) (*Graph, error) {
	if n < 0 {
		return nil, fmt.Errorf("graphs: ErdosRenyi: negative node count %d", n)
	}
	if meanDegree < 0 || math.IsNaN(meanDegree) || math.IsInf(meanDegree, 0) {
		return nil, fmt.Errorf("graphs: ErdosRenyi: mean degree %v is not a finite non-negative number", meanDegree)
	}
	if meanDegree > float64(max(n-1, 0)) {
		return nil, fmt.Errorf("graphs: ErdosRenyi: mean degree %v > n−1 = %d", meanDegree, max(n-1, 0))
	}
	var src, dst []int
	if meanDegree > 0 {
		p := meanDegree / float64(n-1)
		want := float64(n) * meanDegree / 2
		capacity := int(want + 4*math.Sqrt(want) + 16)
		src, dst = make([]int, 0, capacity), make([]int, 0, capacity)
		if p >= 1 {
			for v := 1; v < n; v++ {
				for w := 0; w < v; w++ {
					src, dst = append(src, w), append(dst, v)
				}
			}
		} else {
			r := newRand(seed, streamER)
			lp := math.Log1p(-p)
			// Pairs (v, w) with w < v are visited in row-major order; w is the
			// column index, advanced by 1 + Geometric(p) each step.
			v, w := 1, -1
			for v < n {
				skip := math.Floor(math.Log(1-r.Float64()) / lp)
				if skip >= float64(n)*float64(n) { // beyond the last pair
					break
				}
				w += 1 + int(skip)
				for w >= v && v < n {
					w -= v
					v++
				}
				if v < n {
					src, dst = append(src, w), append(dst, v)
				}
			}
		}
	}
	g, _, err := FromEdges(n, src, dst, nil, simpleUndirected())
	return g, err
}

// Lattice returns the rows×cols square lattice (4-neighbour grid) as an
// undirected graph. Node r·cols + c sits at row r, column c and is joined to
// (r, c+1) and (r+1, c). With periodic = true both directions wrap around
// (a torus): (r, cols−1)–(r, 0) and (rows−1, c)–(0, c).
//
// Edge count: open boundaries give rows(cols−1) + cols(rows−1) edges; a torus
// with rows, cols ≥ 3 gives 2·rows·cols and every degree is 4. In a direction
// of length 2 the wrap edge repeats the existing edge and is dropped by
// FromEdges' KeepFirst duplicate policy; in a direction of length 1 it would
// be a self-loop and is dropped by DropSelfLoops. So a periodic 2×2 lattice is
// the 4-cycle, like the open one.
//
// It is deterministic (no seed). It returns an error if rows or cols is
// negative or rows·cols overflows.
func Lattice(rows, cols int, periodic bool) (*Graph, error) {
	if rows < 0 || cols < 0 {
		return nil, fmt.Errorf("graphs: Lattice: negative size %d×%d", rows, cols)
	}
	n, ok := mulOK(rows, cols)
	if !ok {
		return nil, fmt.Errorf("graphs: Lattice: %d×%d nodes overflow", rows, cols)
	}
	src, dst := make([]int, 0, 2*n), make([]int, 0, 2*n)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			u := r*cols + c
			if c+1 < cols {
				src, dst = append(src, u), append(dst, u+1)
			} else if periodic {
				src, dst = append(src, u), append(dst, r*cols)
			}
			if r+1 < rows {
				src, dst = append(src, u), append(dst, u+cols)
			} else if periodic {
				src, dst = append(src, u), append(dst, c)
			}
		}
	}
	// Default policies: drop the wrap self-loops (size 1) and duplicate wrap
	// edges (size 2), as documented.
	g, _, err := FromEdges(n, src, dst, nil, BuildOptions{Undirected: true})
	return g, err
}

// SquareLattice returns the side×side square lattice on N = side² nodes:
// Lattice(side, side, periodic). SLICER's lattice with N = 100 is
// SquareLattice(10, false).
func SquareLattice(side int, periodic bool) (*Graph, error) {
	if side < 0 {
		return nil, fmt.Errorf("graphs: SquareLattice: negative side %d", side)
	}
	return Lattice(side, side, periodic)
}

// Stochastic Kronecker initiator presets (Leskovec et al. 2010, as used for
// synthetic spreading benchmarks). They are values (Kronecker copies its
// argument); treat them as constants. KroneckerPreset returns the same values.
var (
	// KroneckerHierarchical favours edges inside the same half at every
	// level: nested communities.
	KroneckerHierarchical = [2][2]float64{{0.9, 0.1}, {0.1, 0.9}}
	// KroneckerCorePeriphery favours edges touching the "0" half at every
	// level: a dense core and a sparse periphery.
	KroneckerCorePeriphery = [2][2]float64{{0.9, 0.5}, {0.5, 0.3}}
	// KroneckerRandom is uniform: every ordered pair is equally likely, an
	// Erdős–Rényi-like directed graph with a fixed edge count.
	KroneckerRandom = [2][2]float64{{0.5, 0.5}, {0.5, 0.5}}
)

// KroneckerPreset returns the initiator named "hier" (KroneckerHierarchical),
// "core" (KroneckerCorePeriphery) or "rand" (KroneckerRandom). It returns an
// error for any other name.
func KroneckerPreset(name string) ([2][2]float64, error) {
	// Literals rather than the variables, so a caller that assigns to a
	// preset variable does not change what the CLI generates.
	switch name {
	case "hier":
		return [2][2]float64{{0.9, 0.1}, {0.1, 0.9}}, nil
	case "core":
		return [2][2]float64{{0.9, 0.5}, {0.5, 0.3}}, nil
	case "rand":
		return [2][2]float64{{0.5, 0.5}, {0.5, 0.5}}, nil
	}
	return [2][2]float64{}, fmt.Errorf("graphs: unknown Kronecker initiator %q (valid: hier, core, rand)", name)
}

// kroneckerMaxK bounds k so that n² fits comfortably in the uint64 edge keys.
const kroneckerMaxK = 30

// Kronecker returns a directed stochastic Kronecker graph on n = 2^k nodes
// with exactly round(n·d) distinct edges and no self-loops.
//
// The edge probability matrix is the k-th Kronecker power of the 2×2
// initiator θ = init normalised to sum 1, P = θ^{⊗k}: the cell (u, v) has
// probability Π_l θ[u_l][v_l] over the bits u_l, v_l of u and v from the
// most significant (l = 1) to the least. Edges are sampled R-MAT style by
// recursive descent: at each of the k levels one quadrant (i, j) is chosen
// with probability θ[i][j], appending bit i to the source and j to the
// target. Self-loops and repeats of an already accepted edge are rejected
// and sampling continues until round(n·d) distinct edges are accepted, so the
// edge set is the first round(n·d) distinct non-loop draws of an i.i.d. stream
// from P. The graph is directed (Rev[e] is −1 unless the reverse was drawn
// too); the out-degree averages d.
//
// It returns an error if k is outside 0..30, an initiator entry is negative
// or not finite or all are zero, d is negative or not finite, round(n·d)
// exceeds n(n−1) or the number of non-loop cells with positive probability,
// or the target was not reached after 50·round(n·d) + 2^20 draws (an
// initiator too skewed for such a dense graph).
func Kronecker(k int, init [2][2]float64, d float64, seed uint64) (*Graph, error) {
	if k < 0 || k > kroneckerMaxK {
		return nil, fmt.Errorf("graphs: Kronecker: k = %d outside 0..%d", k, kroneckerMaxK)
	}
	if d < 0 || math.IsNaN(d) || math.IsInf(d, 0) {
		return nil, fmt.Errorf("graphs: Kronecker: edges per node %v is not a finite non-negative number", d)
	}
	sum := 0.0
	positive, positiveDiag := 0, 0
	for i := range 2 {
		for j := range 2 {
			x := init[i][j]
			if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("graphs: Kronecker: initiator entry [%d][%d] = %v is not a finite non-negative number", i, j, x)
			}
			sum += x
			if x > 0 {
				positive++
				if i == j {
					positiveDiag++
				}
			}
		}
	}
	if sum == 0 {
		return nil, fmt.Errorf("graphs: Kronecker: initiator is all zeros")
	}
	n := 1 << k
	maxEdges := float64(n) * float64(n-1)
	targetF := math.Round(float64(n) * d)
	if targetF > maxEdges {
		return nil, fmt.Errorf("graphs: Kronecker: round(n·d) = %v edges exceed n(n−1) = %v for n = %d", targetF, maxEdges, n)
	}
	target := int(targetF)
	if reachable := ipow(positive, k) - ipow(positiveDiag, k); target > reachable {
		return nil, fmt.Errorf("graphs: Kronecker: round(n·d) = %d edges exceed the %d non-loop cells the initiator can reach", target, reachable)
	}

	// Cumulative quadrant table in the order (0,0), (0,1), (1,0), (1,1);
	// zero-probability quadrants are never chosen, even under rounding.
	var cum [4]float64
	var quad [4]uint64 // bit pair (i<<1 | j)
	nq := 0
	acc := 0.0
	for q := range 4 {
		x := init[q>>1][q&1] / sum
		if x == 0 {
			continue
		}
		acc += x
		cum[nq], quad[nq] = acc, uint64(q)
		nq++
	}
	cum[nq-1] = math.Inf(1)

	r := newRand(seed, streamKronecker)
	draw := func() (u, v uint64) {
		for range k {
			x := r.Float64()
			q := 0
			for x >= cum[q] {
				q++
			}
			u = u<<1 | quad[q]>>1
			v = v<<1 | quad[q]&1
		}
		return u, v
	}

	// have: accepted edges as sorted unique keys u<<k | v. Each round draws
	// exactly the deficit, sorts, removes repeats and merges into have, which
	// is the same edge set as rejecting one draw at a time.
	have := make([]uint64, 0, target)
	merged := make([]uint64, 0, target)
	batch := make([]uint64, 0, target)
	budget := 50*float64(target) + (1 << 20)
	draws := 0.0
	for len(have) < target {
		batch = batch[:0]
		for len(batch) < target-len(have) {
			if draws >= budget {
				return nil, fmt.Errorf("graphs: Kronecker: only %d of %d distinct edges after %.0f draws; the initiator is too skewed for d = %v", len(have), target, draws, d)
			}
			draws++
			u, v := draw()
			if u != v {
				batch = append(batch, u<<uint(k)|v)
			}
		}
		slices.Sort(batch)
		batch = slices.Compact(batch)
		merged = merged[:0]
		i, j := 0, 0
		for i < len(have) || j < len(batch) {
			switch {
			case j == len(batch) || (i < len(have) && have[i] < batch[j]):
				merged = append(merged, have[i])
				i++
			case i == len(have) || batch[j] < have[i]:
				merged = append(merged, batch[j])
				j++
			default: // equal: a repeat of an accepted edge
				merged = append(merged, have[i])
				i++
				j++
			}
		}
		have, merged = merged, have
	}
	src, dst := make([]int, target), make([]int, target)
	mask := uint64(n - 1)
	for e, key := range have {
		src[e], dst[e] = int(key>>uint(k)), int(key&mask)
	}
	g, _, err := FromEdges(n, src, dst, nil, BuildOptions{SelfLoops: RejectSelfLoops, Duplicates: RejectDuplicates})
	return g, err
}

// ipow returns b^e for small non-negative b (≤ 4) and e (≤ 30).
func ipow(b, e int) int {
	p := 1
	for range e {
		p *= b
	}
	return p
}

// GenOptions are the parameters of Generate beyond the kind and node count.
// Zero fields mean the documented default of each kind.
type GenOptions struct {
	// Degree is the kind's degree parameter; 0 means the kind's default:
	//   tree:      d, the degree of internal nodes (whole number ≥ 2, default 3)
	//   rrg:       d, the degree of every node (whole number, default 3)
	//   er:        mean degree, p = Degree/(n−1) (default 3)
	//   ba:        m, edges brought by each new node (whole number ≥ 1, default 2)
	//   kronecker: edges per node, exactly round(n·Degree) edges (default 2)
	//   sftree, lattice: no degree parameter; must be 0.
	Degree float64
	// Initiator names the Kronecker preset: "hier", "core" or "rand"
	// (default "hier"). It must be empty for the other kinds.
	Initiator string
	// Seed seeds the random kinds (sftree, rrg, er, ba, kronecker); tree and
	// lattice are deterministic and ignore it.
	Seed uint64
	// Periodic wraps the lattice into a torus. It must be false for the
	// other kinds.
	Periodic bool
}

// GenKinds returns the kinds Generate accepts, in the order the CLI lists them.
func GenKinds() []string {
	return []string{"tree", "sftree", "rrg", "er", "lattice", "ba", "kronecker"}
}

// Generate builds a graph of the named kind on n nodes; it backs
// `spread graph gen -kind K -n N [-degree D] [-initiator I] [-periodic] [-seed S]`.
//
//	tree       RegularTree(n, d)                  d = Degree (default 3)
//	sftree     ScaleFreeTree(n, Seed)
//	rrg        RandomRegular(n, d, Seed)          d = Degree (default 3)
//	er         ErdosRenyi(n, Degree, Seed)        mean degree (default 3)
//	lattice    SquareLattice(√n, Periodic)        n must be a perfect square
//	ba         BarabasiAlbert(n, m, Seed)         m = Degree (default 2)
//	kronecker  Kronecker(log2 n, preset, d, Seed) n must be a power of 2,
//	                                              d = Degree (default 2),
//	                                              preset = Initiator (default "hier")
//
// It returns an error listing the valid kinds for an unknown kind, an error
// for options that do not apply to the kind (a non-zero Degree for sftree or
// lattice, an Initiator for a kind other than kronecker, Periodic for a kind
// other than lattice), a negative or non-integer Degree where a whole number
// is needed, and the generator's own errors.
func Generate(kind string, n int, opts GenOptions) (*Graph, error) {
	if !slices.Contains(GenKinds(), kind) {
		return nil, fmt.Errorf("graphs: unknown generator kind %q (valid: %s)", kind, strings.Join(GenKinds(), ", "))
	}
	if n < 0 {
		return nil, fmt.Errorf("graphs: generate %s: negative node count %d", kind, n)
	}
	if d := opts.Degree; d < 0 || math.IsNaN(d) || math.IsInf(d, 0) {
		return nil, fmt.Errorf("graphs: generate %s: degree %v is not a finite non-negative number", kind, d)
	}
	if opts.Initiator != "" && kind != "kronecker" {
		return nil, fmt.Errorf("graphs: generate %s: an initiator applies only to kronecker", kind)
	}
	if opts.Periodic && kind != "lattice" {
		return nil, fmt.Errorf("graphs: generate %s: periodic applies only to lattice", kind)
	}
	deg := func(def float64) float64 {
		if opts.Degree == 0 {
			return def
		}
		return opts.Degree
	}
	whole := func(def float64) (int, error) {
		d := deg(def)
		if d != math.Trunc(d) || d > math.MaxInt32 {
			return 0, fmt.Errorf("graphs: generate %s: degree %v must be a whole number", kind, d)
		}
		return int(d), nil
	}
	switch kind {
	case "tree":
		d, err := whole(3)
		if err != nil {
			return nil, err
		}
		return RegularTree(n, d)
	case "rrg":
		d, err := whole(3)
		if err != nil {
			return nil, err
		}
		return RandomRegular(n, d, opts.Seed)
	case "er":
		return ErdosRenyi(n, deg(3), opts.Seed)
	case "ba":
		m, err := whole(2)
		if err != nil {
			return nil, err
		}
		return BarabasiAlbert(n, m, opts.Seed)
	case "sftree", "lattice":
		if opts.Degree != 0 {
			return nil, fmt.Errorf("graphs: generate %s: the kind has no degree parameter (got %v)", kind, opts.Degree)
		}
		if kind == "sftree" {
			return ScaleFreeTree(n, opts.Seed)
		}
		side := int(math.Sqrt(float64(n)))
		for side*side > n {
			side--
		}
		for (side+1)*(side+1) <= n {
			side++
		}
		if side*side != n {
			return nil, fmt.Errorf("graphs: generate lattice: n = %d is not a perfect square", n)
		}
		return SquareLattice(side, opts.Periodic)
	default: // kronecker
		if n == 0 || n&(n-1) != 0 {
			return nil, fmt.Errorf("graphs: generate kronecker: n = %d is not a power of 2", n)
		}
		name := opts.Initiator
		if name == "" {
			name = "hier"
		}
		init, err := KroneckerPreset(name)
		if err != nil {
			return nil, err
		}
		return Kronecker(bits.TrailingZeros(uint(n)), init, deg(2), opts.Seed)
	}
}
