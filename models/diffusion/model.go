package diffusion

import (
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
)

// Model is a diffusion model on a fixed graph that can be simulated forward
// and sampled in reverse. models/ic, models/lt and models/cic implement it;
// a new model (a triggering model, say) implements it to get solvers/im's
// Monte-Carlo oracle, Greedy, CELF and IMM for free.
type Model interface {
	// NumNodes returns the number of nodes n; nodes are 0..n-1.
	NumNodes() int
	// NewSampler returns a Sampler with its own scratch space.
	NewSampler() Sampler
}

// Sampler draws realisations of a Model. It holds O(n) scratch space and
// must be used by one goroutine at a time; make one per worker.
//
// Both methods see the randomness of the same World, so for every world w,
// root r and node v, v is in RRSet(·, w, r) if and only if r is in
// Reach(·, w, {v}).
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

// Alternative is one outcome of an independent random choice of a
// live-edge model: with probability P the edge U→V is live, or no edge is
// when U = -1.
type Alternative struct {
	P    float64
	U, V int32
}

// Enumerable is implemented by live-edge models whose worlds are the
// product of finitely many independent choices, so that small instances
// can be solved exactly by enumeration.
type Enumerable interface {
	// LiveEdgeChoices returns the edges live in every world (P = 1) and the
	// independent choices, each a list of alternatives whose P sum to 1.
	// A world picks one alternative per choice; its probability is the
	// product of the picked P, in the order of choices.
	LiveEdgeChoices() (fixed []Alternative, choices [][]Alternative)
}

// EdgeValues returns x, or g.Weight when x is nil, after checking that g is
// small enough for int32 node and edge indices and that there is one value
// per edge. what names the values in errors ("IC probabilities"). The
// errors carry no package prefix: a model's constructor wraps them with its
// own.
func EdgeValues(g *graphs.Graph, x []float64, what string) ([]float64, error) {
	if g == nil {
		return nil, fmt.Errorf("nil graph")
	}
	if g.NumEdges() >= math.MaxInt32 || g.N >= math.MaxInt32 {
		return nil, fmt.Errorf("graph too large (%d nodes, %d edges; the limit is 2^31-1)", g.N, g.NumEdges())
	}
	if x == nil {
		x = g.Weight
		if x == nil && g.NumEdges() > 0 {
			return nil, fmt.Errorf("no %s given and the graph carries no edge weights", what)
		}
	}
	if len(x) != g.NumEdges() {
		return nil, fmt.Errorf("%d %s for %d edges", len(x), what, g.NumEdges())
	}
	return x, nil
}

// CheckNode panics with "diffusion: node v outside 0..n-1" if v is not a
// node index. Samplers and oracles call it on caller-supplied seeds and
// roots.
func CheckNode(v, n int) {
	if v < 0 || v >= n {
		panic(fmt.Sprintf("diffusion: node %d outside 0..%d", v, n-1))
	}
}

// WeightedCascade returns the weighted-cascade edge values
// x_e = 1/indeg(Dst[e]) of Kempe, Kleinberg and Tardos (2003), in g's edge
// order: IC probabilities, and LT weights that sum to exactly 1 into every
// node with in-edges. It writes into dst and returns it, allocating only
// when dst is nil. It panics if dst is not nil and len(dst) != g.NumEdges().
func WeightedCascade(dst []float64, g *graphs.Graph) []float64 {
	if dst == nil {
		dst = make([]float64, g.NumEdges())
	}
	if len(dst) != g.NumEdges() {
		panic(fmt.Sprintf("diffusion: WeightedCascade: len(dst) = %d, want %d edges", len(dst), g.NumEdges()))
	}
	for e, v := range g.Dst {
		dst[e] = 1 / float64(g.InDegree(v))
	}
	return dst
}
