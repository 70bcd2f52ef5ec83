package graphs

import (
	"fmt"
	"strconv"
)

// Graph is an immutable directed graph in compressed sparse row (CSR) form.
//
// Nodes are dense indices 0..N-1; each has an external id (the string read from
// a file, or the decimal index for generated graphs) returned by ID and looked up
// by Index. Edges are numbered 0..E-1 in order of (source, target), so the
// out-edges of u are exactly the contiguous ids OutOff[u] .. OutOff[u+1]-1 and
// Dst[OutOff[u]:OutOff[u+1]] is sorted. In-edges of v are InEdges[InOff[v]:InOff[v+1]],
// listed in increasing edge id (hence increasing source).
//
// All exported slices are shared, read-only views: callers must not modify them.
// A Graph is safe for concurrent use.
type Graph struct {
	// N is the number of nodes.
	N int
	// Src and Dst give the endpoints of every edge e = Src[e] → Dst[e].
	Src, Dst []int
	// OutOff has N+1 entries; the out-edges of u are the ids OutOff[u]..OutOff[u+1]-1.
	OutOff []int
	// InOff has N+1 entries; the in-edges of v are InEdges[InOff[v]:InOff[v+1]].
	InOff   []int
	InEdges []int
	// InPos is the inverse of InEdges: InEdges[InPos[e]] = e, the slot of
	// edge e in the in-edge CSR. MaxInDegree is the largest in-degree. Both
	// are computed once here for every solver that walks in-edges (the
	// adjoint, DMPrec, the IC world sampler) instead of each rebuilding them.
	InPos       []int
	MaxInDegree int
	// Rev[e] is the id of the reverse edge Dst[e] → Src[e], or -1 if it is absent.
	Rev []int
	// Weight holds one value per edge (a weight or a probability read from a
	// file), or is nil when the input carried none.
	Weight []float64
	// Pair maps each directed edge to its undirected edge id in 0..NumPairs-1
	// when the graph was built as undirected (both directions present and tied);
	// nil for directed graphs. PairEdge[p] is the directed edge of pair p whose
	// source has the smaller index.
	Pair     []int
	PairEdge []int

	ids   []string       // nil means "decimal index"
	index map[string]int // external id → index; nil when ids is nil
}

// NumEdges returns the number of directed edges E.
func (g *Graph) NumEdges() int { return len(g.Src) }

// Undirected reports whether the graph was built as undirected, so that Pair
// ties the two directions of each edge.
func (g *Graph) Undirected() bool { return g.Pair != nil }

// NumPairs returns the number of undirected edges of an undirected graph, and
// the number of directed edges otherwise (each edge is its own parameter).
func (g *Graph) NumPairs() int {
	if g.Pair == nil {
		return len(g.Src)
	}
	return len(g.PairEdge)
}

// ParamEdge returns the edge that represents parameter p (0 ≤ p <
// NumPairs()): PairEdge[p] for an undirected graph, p itself for a directed
// one.
func (g *Graph) ParamEdge(p int) int {
	if g.Pair == nil {
		return p
	}
	return g.PairEdge[p]
}

// TieEdgeValues converts per-edge values (len NumEdges, edge order: an IMM
// probability file, a weighted graph's third column) into one value per
// parameter (len NumPairs): the value of ParamEdge(p). A tied undirected
// edge has one parameter, so its two directions must carry the same value;
// if they do not, TieEdgeValues returns an error naming the edge, both
// values and what they are (what, e.g. "probabilities") rather than
// silently keeping one direction. For a directed graph it returns a copy.
// It returns an error if len(edge) is not NumEdges.
func (g *Graph) TieEdgeValues(edge []float64, what string) ([]float64, error) {
	if len(edge) != g.NumEdges() {
		return nil, fmt.Errorf("graphs: %d %s for %d edges", len(edge), what, g.NumEdges())
	}
	out := make([]float64, g.NumPairs())
	for p := range out {
		e := g.ParamEdge(p)
		if g.Pair != nil {
			if r := g.Rev[e]; edge[r] != edge[e] && !(edge[r] != edge[r] && edge[e] != edge[e]) {
				return nil, fmt.Errorf("graphs: undirected edge %s–%s has %s %v (%s→%s) and %v (%s→%s); its one parameter needs equal values",
					g.ID(g.Src[e]), g.ID(g.Dst[e]), what, edge[e], g.ID(g.Src[e]), g.ID(g.Dst[e]), edge[r], g.ID(g.Dst[e]), g.ID(g.Src[e]))
			}
		}
		out[p] = edge[e]
	}
	return out, nil
}

// OutDegree returns the number of out-edges of u.
func (g *Graph) OutDegree(u int) int { return g.OutOff[u+1] - g.OutOff[u] }

// InDegree returns the number of in-edges of v.
func (g *Graph) InDegree(v int) int { return g.InOff[v+1] - g.InOff[v] }

// ID returns the external id of node i.
func (g *Graph) ID(i int) string {
	if g.ids == nil {
		return strconv.Itoa(i)
	}
	return g.ids[i]
}

// IDs returns the external ids of all nodes in index order (a fresh slice).
func (g *Graph) IDs() []string {
	out := make([]string, g.N)
	for i := range out {
		out[i] = g.ID(i)
	}
	return out
}

// Index returns the dense index of the node with external id id.
func (g *Graph) Index(id string) (int, bool) {
	if g.index == nil {
		i, err := strconv.Atoi(id)
		if err != nil || i < 0 || i >= g.N || strconv.Itoa(i) != id {
			return -1, false
		}
		return i, true
	}
	i, ok := g.index[id]
	return i, ok
}

// IndexOf is Index that returns an error naming the id when it is unknown.
func (g *Graph) IndexOf(id string) (int, error) {
	i, ok := g.Index(id)
	if !ok {
		return -1, fmt.Errorf("graphs: unknown node id %q", id)
	}
	return i, nil
}

// EdgeID returns the id of the edge u → v, or -1 if there is none. It runs a
// binary search over u's out-edges.
func (g *Graph) EdgeID(u, v int) int {
	lo, hi := g.OutOff[u], g.OutOff[u+1]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if g.Dst[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < g.OutOff[u+1] && g.Dst[lo] == v {
		return lo
	}
	return -1
}

// WithWeights returns a shallow copy of g that carries w as its edge weights.
// It returns an error if len(w) != E.
func (g *Graph) WithWeights(w []float64) (*Graph, error) {
	if len(w) != g.NumEdges() {
		return nil, fmt.Errorf("graphs: %d weights for %d edges", len(w), g.NumEdges())
	}
	h := *g
	h.Weight = w
	return &h, nil
}

// DegreeStats returns the minimum, mean and maximum total degree. For an
// undirected graph the degree of a node is its number of neighbours; for a
// directed graph it is in-degree plus out-degree. An empty graph gives zeros.
func (g *Graph) DegreeStats() (min, max int, mean float64) {
	if g.N == 0 {
		return 0, 0, 0
	}
	min = int(^uint(0) >> 1)
	total := 0
	for i := 0; i < g.N; i++ {
		d := g.OutDegree(i)
		if !g.Undirected() {
			d += g.InDegree(i)
		}
		total += d
		if d < min {
			min = d
		}
		if d > max {
			max = d
		}
	}
	return min, max, float64(total) / float64(g.N)
}
