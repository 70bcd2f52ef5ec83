package graphs

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// SelfLoopPolicy says what Build does with an edge u → u.
type SelfLoopPolicy int

const (
	// DropSelfLoops removes self-loops and counts them in BuildStats (the
	// default: a node cannot infect itself in any model of this module).
	DropSelfLoops SelfLoopPolicy = iota
	// RejectSelfLoops makes Build fail on the first self-loop.
	RejectSelfLoops
)

// DuplicatePolicy says what Build does when the same edge appears twice
// (for undirected graphs, u–v and v–u are the same edge).
type DuplicatePolicy int

const (
	// KeepFirst keeps the first occurrence (and its weight) and counts the
	// others in BuildStats (the default).
	KeepFirst DuplicatePolicy = iota
	// RejectDuplicates makes Build fail on the first repeated edge.
	RejectDuplicates
)

// BuildOptions controls Build. The zero value builds a directed graph that
// drops self-loops and keeps the first of duplicate edges.
type BuildOptions struct {
	// Undirected adds both directions of every edge and ties them to one
	// undirected edge id (Graph.Pair).
	Undirected bool
	SelfLoops  SelfLoopPolicy
	Duplicates DuplicatePolicy
}

// BuildStats reports what Build removed.
type BuildStats struct {
	SelfLoops  int // self-loops dropped
	Duplicates int // repeated edges dropped
}

// Builder accumulates nodes and edges under external ids, then builds an
// immutable Graph. Nodes are numbered in order of first appearance. The zero
// value is not usable; call NewBuilder.
type Builder struct {
	ids   []string
	index map[string]int
	src   []int
	dst   []int
	w     []float64
	hasW  bool
	lines []int // source line of each edge for error messages (0 = unknown)
	where string
}

// NewBuilder returns an empty Builder. where names the input (a file name)
// in error messages; it may be empty.
func NewBuilder(where string) *Builder {
	return &Builder{index: make(map[string]int), where: where}
}

// Node returns the index of the node with external id id, adding it if new.
func (b *Builder) Node(id string) int {
	if i, ok := b.index[id]; ok {
		return i
	}
	i := len(b.ids)
	b.ids = append(b.ids, id)
	b.index[id] = i
	return i
}

// NumNodes returns the number of nodes added so far.
func (b *Builder) NumNodes() int { return len(b.ids) }

// AddEdge adds the edge u → v between external ids (adding the nodes if new).
// line is the input line for error messages (0 if unknown). Use math.NaN() as
// w for an edge without weight; a builder whose edges all lack weights builds
// a graph with nil Weight, and mixing the two is an error at Build.
func (b *Builder) AddEdge(u, v string, w float64, line int) {
	b.AddEdgeIndex(b.Node(u), b.Node(v), w, line)
}

// AddEdgeIndex adds the edge u → v between node indices returned by Node.
func (b *Builder) AddEdgeIndex(u, v int, w float64, line int) {
	b.src = append(b.src, u)
	b.dst = append(b.dst, v)
	b.w = append(b.w, w)
	b.lines = append(b.lines, line)
	if !math.IsNaN(w) {
		b.hasW = true
	}
}

// Build returns the graph. It returns an error if weights are given for some
// edges but not others, if a weight is infinite, or if a policy rejects an
// edge; the error names the input and line.
func (b *Builder) Build(opt BuildOptions) (*Graph, BuildStats, error) {
	var w []float64
	if b.hasW {
		w = b.w
		for k, x := range w {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, BuildStats{}, b.errAt(k, "edge %s→%s has weight %v (all edges need a finite weight when any has one)", b.ids[b.src[k]], b.ids[b.dst[k]], x)
			}
		}
	}
	g, st, err := build(len(b.ids), b.src, b.dst, w, opt, b.errAt)
	if err != nil {
		return nil, st, err
	}
	if !isDecimalIdentity(b.ids) {
		g.ids = b.ids
		g.index = b.index
	}
	return g, st, nil
}

func (b *Builder) errAt(k int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	switch {
	case b.where != "" && b.lines[k] > 0:
		return fmt.Errorf("graphs: %s line %d: %s", b.where, b.lines[k], msg)
	case b.lines[k] > 0:
		return fmt.Errorf("graphs: line %d: %s", b.lines[k], msg)
	case b.where != "":
		return fmt.Errorf("graphs: %s: %s", b.where, msg)
	}
	return fmt.Errorf("graphs: edge %d: %s", k, msg)
}

// isDecimalIdentity reports whether ids[i] == strconv.Itoa(i) for all i, in
// which case the graph need not store them.
func isDecimalIdentity(ids []string) bool {
	for i, s := range ids {
		if s != strconv.Itoa(i) {
			return false
		}
	}
	return true
}

// FromEdges builds a graph on nodes 0..n-1 (external ids "0".."n-1") from
// parallel endpoint slices; w may be nil. It returns an error for an endpoint
// outside 0..n-1, a non-finite weight, or an edge a policy rejects.
func FromEdges(n int, src, dst []int, w []float64, opt BuildOptions) (*Graph, BuildStats, error) {
	if len(src) != len(dst) || (w != nil && len(w) != len(src)) {
		return nil, BuildStats{}, fmt.Errorf("graphs: FromEdges: %d sources, %d targets, %d weights", len(src), len(dst), len(w))
	}
	if n < 0 {
		return nil, BuildStats{}, fmt.Errorf("graphs: FromEdges: negative node count %d", n)
	}
	errAt := func(k int, format string, args ...any) error {
		return fmt.Errorf("graphs: edge %d: %s", k, fmt.Sprintf(format, args...))
	}
	for k := range src {
		if src[k] < 0 || src[k] >= n || dst[k] < 0 || dst[k] >= n {
			return nil, BuildStats{}, errAt(k, "endpoint %d→%d outside 0..%d", src[k], dst[k], n-1)
		}
		if w != nil && (math.IsNaN(w[k]) || math.IsInf(w[k], 0)) {
			return nil, BuildStats{}, errAt(k, "weight %v is not finite", w[k])
		}
	}
	return build(n, src, dst, w, opt, errAt)
}

// build is the shared CSR construction: O(E log E) for sorting each node's
// out-list, no maps.
func build(n int, src, dst []int, w []float64, opt BuildOptions, errAt func(int, string, ...any) error) (*Graph, BuildStats, error) {
	var st BuildStats
	// 1. Collect directed arcs (with input order k to resolve duplicates).
	type arc struct{ u, v, k int }
	arcs := make([]arc, 0, len(src)*(1+boolInt(opt.Undirected)))
	for k := range src {
		u, v := src[k], dst[k]
		if u == v {
			if opt.SelfLoops == RejectSelfLoops {
				return nil, st, errAt(k, "self-loop on node %d", u)
			}
			st.SelfLoops++
			continue
		}
		arcs = append(arcs, arc{u, v, k})
		if opt.Undirected {
			arcs = append(arcs, arc{v, u, k})
		}
	}
	slices.SortFunc(arcs, func(a, b arc) int {
		if a.u != b.u {
			return a.u - b.u
		}
		if a.v != b.v {
			return a.v - b.v
		}
		return a.k - b.k
	})
	// 2. Deduplicate: keep the first occurrence in input order.
	out := arcs[:0]
	for i, a := range arcs {
		if i > 0 && a.u == arcs[i-1].u && a.v == arcs[i-1].v {
			if opt.Duplicates == RejectDuplicates {
				return nil, st, errAt(a.k, "duplicate edge %d→%d (first given as input edge %d)", a.u, a.v, arcs[i-1].k)
			}
			if !opt.Undirected || a.u < a.v {
				st.Duplicates++ // count each undirected duplicate once
			}
			continue
		}
		out = append(out, a)
	}
	arcs = out
	E := len(arcs)
	g := &Graph{N: n, Src: make([]int, E), Dst: make([]int, E), OutOff: make([]int, n+1), Rev: make([]int, E)}
	if w != nil {
		g.Weight = make([]float64, E)
	}
	for e, a := range arcs {
		g.Src[e], g.Dst[e] = a.u, a.v
		g.OutOff[a.u+1]++
		if w != nil {
			g.Weight[e] = w[a.k]
		}
	}
	for i := 0; i < n; i++ {
		g.OutOff[i+1] += g.OutOff[i]
	}
	// 3. In-adjacency by counting sort; edge ids ascending within each node.
	g.InOff = make([]int, n+1)
	for _, v := range g.Dst {
		g.InOff[v+1]++
	}
	for i := 0; i < n; i++ {
		g.InOff[i+1] += g.InOff[i]
	}
	g.InEdges = make([]int, E)
	fill := slices.Clone(g.InOff[:n])
	for e, v := range g.Dst {
		g.InEdges[fill[v]] = e
		fill[v]++
	}
	// 4. Reverse edges by binary search in the target's sorted out-list.
	for e := range g.Rev {
		g.Rev[e] = g.EdgeID(g.Dst[e], g.Src[e])
	}
	// 5. Undirected pairing.
	if opt.Undirected {
		g.Pair = make([]int, E)
		g.PairEdge = make([]int, 0, E/2)
		for e := range g.Pair {
			if g.Src[e] < g.Dst[e] {
				g.Pair[e] = len(g.PairEdge)
				g.PairEdge = append(g.PairEdge, e)
			}
		}
		for e := range g.Pair {
			if g.Src[e] > g.Dst[e] {
				g.Pair[e] = g.Pair[g.Rev[e]]
			}
		}
	}
	return g, st, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
