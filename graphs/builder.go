package graphs

import (
	"fmt"
	"maps"
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
	// CountsLine is the line of a leading "n m" node and edge count that a
	// SNAP reader took as a header rather than an edge (ReadOptions.CountsLine
	// or detected), or 0.
	CountsLine int
	// IgnoredGraphs counts the top-level graph lists of a GML file after the
	// first, which are not read.
	IgnoredGraphs int
	// FromCache says the graph was loaded from its binary cache (ReadPath,
	// WriteCache); the other counts are those of the original read.
	FromCache bool
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
// edge; the error names the input and line (a *ParseError when the edge has a
// line). The Builder may be reused afterwards: the graph does not share its
// id table.
func (b *Builder) Build(opt BuildOptions) (*Graph, BuildStats, error) {
	g, st, err := b.build(opt)
	if err != nil {
		return nil, st, err
	}
	if g.ids != nil {
		// Later Node calls must not leak into g's id table.
		g.ids = slices.Clip(slices.Clone(g.ids))
		g.index = maps.Clone(g.index)
	}
	return g, st, nil
}

// build is Build without the defensive copy of the id table, for readers that
// discard the Builder afterwards.
func (b *Builder) build(opt BuildOptions) (*Graph, BuildStats, error) {
	var w []float64
	if b.hasW {
		w = b.w
		for k, x := range w {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, BuildStats{}, b.errAt(k, "edge %s→%s has weight %v (all edges need a finite weight when any has one)", b.ids[b.src[k]], b.ids[b.dst[k]], x)
			}
		}
	}
	reject := func(k, first int) error {
		u, v := b.ids[b.src[k]], b.ids[b.dst[k]]
		if first < 0 {
			return b.errAt(k, "self-loop on node %q", u)
		}
		arrow := "→"
		if opt.Undirected {
			arrow = "–"
		}
		if b.lines[first] > 0 {
			return b.errAt(k, "duplicate edge %q%s%q (first given on line %d)", u, arrow, v, b.lines[first])
		}
		return b.errAt(k, "duplicate edge %q%s%q (first given as input edge %d)", u, arrow, v, first)
	}
	g, st, err := build(len(b.ids), b.src, b.dst, w, opt, reject)
	if err != nil {
		return nil, st, err
	}
	if !isDecimalIdentity(b.ids) {
		g.ids = b.ids[:len(b.ids):len(b.ids)]
		g.index = b.index
	}
	return g, st, nil
}

func (b *Builder) errAt(k int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if b.where == "" && b.lines[k] <= 0 {
		return fmt.Errorf("graphs: edge %d: %s", k, msg)
	}
	return &ParseError{File: b.where, Line: max(b.lines[k], 0), Msg: msg}
}

// isDecimalIdentity reports whether ids[i] == strconv.Itoa(i) for all i, in
// which case the graph need not store them.
func isDecimalIdentity(ids []string) bool {
	var buf [20]byte
	for i, s := range ids {
		if s != string(strconv.AppendInt(buf[:0], int64(i), 10)) {
			return false
		}
	}
	return true
}

// FromEdges builds a graph on nodes 0..n-1 (external ids "0".."n-1") from
// parallel endpoint slices; w may be nil. It returns an error for an endpoint
// outside 0..n-1, a non-finite weight, or an edge a policy rejects. It does
// not modify or retain src, dst or w.
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
	reject := func(k, first int) error {
		if first < 0 {
			return errAt(k, "self-loop on node %d", src[k])
		}
		return errAt(k, "duplicate edge %d→%d (first given as input edge %d)", src[k], dst[k], first)
	}
	return build(n, src, dst, w, opt, reject)
}

// build is the shared CSR construction: a counting sort of the arcs by
// source, then a sort of each source's bucket by (target, input index), so
// the first occurrence of a repeated edge comes first; O(E log d_max), no
// maps. In-edges come from a second counting sort and Rev from merging each
// node's sorted out-list with its in-list (sorted by source).
//
// reject(k, first) builds the error for input edge k rejected by a policy:
// first is -1 for a self-loop, else the input edge k repeats. The rejected
// edge reported is the earliest in input order.
func build(n int, src, dst []int, w []float64, opt BuildOptions, reject func(k, first int) error) (*Graph, BuildStats, error) {
	var st BuildStats
	if uint64(n) > math.MaxUint32 || uint64(len(src)) > math.MaxUint32 {
		return nil, st, fmt.Errorf("graphs: %d nodes and %d edges exceed the limit of 2^32-1", n, len(src))
	}
	// 1. Count arcs per source; self-loops are handled here.
	off := make([]int, n+1)
	for k := range src {
		u, v := src[k], dst[k]
		if u == v {
			if opt.SelfLoops == RejectSelfLoops {
				return nil, st, reject(k, -1)
			}
			st.SelfLoops++
			continue
		}
		off[u+1]++
		if opt.Undirected {
			off[v+1]++
		}
	}
	for i := 0; i < n; i++ {
		off[i+1] += off[i]
	}
	// 2. Bucket the arcs by source as keys target<<32 | input index, and
	// sort each bucket: repeats of an edge become adjacent, first one first.
	keys := make([]uint64, off[n])
	pos := slices.Clone(off[:n])
	for k := range src {
		u, v := src[k], dst[k]
		if u == v {
			continue
		}
		keys[pos[u]] = uint64(v)<<32 | uint64(k)
		pos[u]++
		if opt.Undirected {
			keys[pos[v]] = uint64(u)<<32 | uint64(k)
			pos[v]++
		}
	}
	// 3. Deduplicate in place, keeping the first occurrence; off becomes OutOff.
	dupK, dupFirst := -1, -1
	E := 0
	for u := 0; u < n; u++ {
		lo, hi := off[u], off[u+1]
		off[u] = E
		b := keys[lo:hi]
		if len(b) > 1 {
			slices.Sort(b)
		}
		headK := 0 // input index of the kept copy of the current target
		for i, key := range b {
			// Writes go to keys[E] with E <= lo+i, behind the reads.
			if i > 0 && key>>32 == b[i-1]>>32 {
				if k := int(uint32(key)); dupK < 0 || k < dupK {
					dupK, dupFirst = k, headK
				}
				if !opt.Undirected || u < int(key>>32) {
					st.Duplicates++ // count each undirected duplicate once
				}
				continue
			}
			headK = int(uint32(key))
			keys[E] = key
			E++
		}
	}
	off[n] = E
	if dupK >= 0 && opt.Duplicates == RejectDuplicates {
		return nil, BuildStats{}, reject(dupK, dupFirst)
	}
	g := &Graph{N: n, Src: make([]int, E), Dst: make([]int, E), OutOff: off, Rev: make([]int, E)}
	if w != nil {
		g.Weight = make([]float64, E)
	}
	for u := 0; u < n; u++ {
		for e := off[u]; e < off[u+1]; e++ {
			g.Src[e], g.Dst[e] = u, int(keys[e]>>32)
			if w != nil {
				g.Weight[e] = w[uint32(keys[e])]
			}
		}
	}
	keys = nil
	// 4. In-adjacency by counting sort; edge ids ascending within each node.
	g.InOff = make([]int, n+1)
	for _, v := range g.Dst {
		g.InOff[v+1]++
	}
	for i := 0; i < n; i++ {
		g.InOff[i+1] += g.InOff[i]
	}
	g.InEdges = make([]int, E)
	g.InPos = make([]int, E)
	fill := slices.Clone(g.InOff[:n])
	for e, v := range g.Dst {
		g.InEdges[fill[v]] = e
		g.InPos[e] = fill[v]
		fill[v]++
	}
	for v := 0; v < n; v++ {
		g.MaxInDegree = max(g.MaxInDegree, g.InOff[v+1]-g.InOff[v])
	}
	// 5. Reverse edges: the out-list of u is sorted by target and its
	// in-list by source, so one merge pairs u→v with v→u.
	for u := 0; u < n; u++ {
		in := g.InEdges[g.InOff[u]:g.InOff[u+1]]
		j := 0
		for e := off[u]; e < off[u+1]; e++ {
			v := g.Dst[e]
			for j < len(in) && g.Src[in[j]] < v {
				j++
			}
			if j < len(in) && g.Src[in[j]] == v {
				g.Rev[e] = in[j]
			} else {
				g.Rev[e] = -1
			}
		}
	}
	// 6. Undirected pairing.
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
