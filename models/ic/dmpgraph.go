package ic

import (
	"errors"
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ad"
)

// DMPIndex is the graph-only preprocessing of the DMP unroll (BuildDMPWith)
// for K disjoint copies of a graph g: copy k has nodes k·N..(k+1)·N−1 and
// edges k·E..(k+1)·E−1, with the edge arrays of g shifted accordingly. It
// holds the lift of each edge to its source node (for the initial condition),
// the grouping of edges by target (the marginal product, ad.SegmentProd) and
// the cavity index (the message product, ad.CavityProd). Build it once per
// graph and copy count and share it by every unroll; it is immutable and
// safe for concurrent use.
type DMPIndex struct {
	g   *graphs.Graph
	k   int
	src []int        // K·E: k·N + Src[e]
	in  *ad.Segments // edges grouped by target, K·N segments
	cav *ad.CavityProdIndex
}

// NewDMPIndex returns the DMP index of K ≥ 1 disjoint copies of g, with the
// edges of each copy in g's edge order. It returns an error if K < 1 or g has
// no nodes or no edges (a graph without edges has constant marginals,
// p(t) = p̄; BuildDMP handles it without an index). For K = 1 it shares g's
// edge arrays; for K > 1 it allocates O(K·(N+E)) integers.
func NewDMPIndex(g *graphs.Graph, K int) (*DMPIndex, error) {
	return newDMPIndex(g, K, false)
}

// newDMPIndex is NewDMPIndex; with byTarget set, the edge slots of each copy
// are g's edges in in-edge order (grouped by target: slot q of a copy holds
// edge g.InEdges[q]), which makes the marginal product and the in-edge side
// of the cavity product read memory sequentially. Edge vectors passed to
// BuildDMPWith (alpha) must then be in slot order.
func newDMPIndex(g *graphs.Graph, K int, byTarget bool) (*DMPIndex, error) {
	if K < 1 {
		return nil, fmt.Errorf("models/ic: NewDMPIndex: K = %d copies, want K ≥ 1", K)
	}
	N, E := g.N, g.NumEdges()
	if N < 1 || E < 1 {
		return nil, fmt.Errorf("models/ic: NewDMPIndex: graph has %d nodes and %d edges, want at least one of each", N, E)
	}
	src, dst, rev := g.Src, g.Dst, g.Rev
	var slot []int // slot[e]: position of edge e in the copy; nil for identity
	if byTarget {
		slot = make([]int, E)
		for q, e := range g.InEdges {
			slot[e] = q
		}
	}
	if K > 1 || byTarget {
		src, dst, rev = make([]int, K*E), make([]int, K*E), make([]int, K*E)
		for k := 0; k < K; k++ {
			sk, dk, rk := src[k*E:(k+1)*E], dst[k*E:(k+1)*E], rev[k*E:(k+1)*E]
			for e := 0; e < E; e++ {
				q, r := e, g.Rev[e]
				if byTarget {
					q = slot[e]
					if r >= 0 {
						r = slot[r]
					}
				}
				sk[q] = k*N + g.Src[e]
				dk[q] = k*N + g.Dst[e]
				if r >= 0 {
					rk[q] = k*E + r
				} else {
					rk[q] = -1
				}
			}
		}
	}
	in, err := ad.NewSegments(dst, K*N)
	if err != nil {
		return nil, fmt.Errorf("models/ic: NewDMPIndex: %w", err)
	}
	cav, err := ad.NewCavityProdIndex(K*N, src, dst, rev)
	if err != nil {
		return nil, fmt.Errorf("models/ic: NewDMPIndex: %w", err)
	}
	return &DMPIndex{g: g, k: K, src: src, in: in, cav: cav}, nil
}

// Graph returns the graph the index was built for.
func (ix *DMPIndex) Graph() *graphs.Graph { return ix.g }

// Copies returns the number K of disjoint copies.
func (ix *DMPIndex) Copies() int { return ix.k }

// BuildDMP adds the DMP equations of the Independent Cascade model on g to
// the expression graph eg and returns the marginal nodes p(t), t = 0..T−1
// (each a vector of length N, p(t)[i] = p_i(t)). alpha is the vector of
// per-edge transmission probabilities α_e (length E, edge order of g; for a
// tied undirected graph build it as ad.Gather(θ, g.Pair)) and p0 the initial
// condition p̄ (length N). Both may be inputs or computed nodes, and either
// may be differentiated through: SLICER differentiates with respect to θ
// behind alpha, influence maximisation with respect to a relaxed seed vector
// u = p0. p(0) is p0 itself.
//
// The graph is built from models/ad primitives and gorgonia element-wise ops
// only. With the complements q_e(t) = 1 − p_e(t) and Q_i(t) = 1 − p_i(t) and
// x_e(t) = 1 − α_e p_e(t) = (1 − α_e) + α_e q_e(t):
//
//	Q(0) = 1 − p̄,   q_e(0) = Q_{src e}(0) = ad.Gather(Q(0), Src)[e],
//	Q_i(t)   = Q_i(0)       · Π_{k∈in(i)} x_k(t−1)            (ad.SegmentProd over Dst),
//	q_e(t)   = Q_{src e}(0) · Π_{k∈in(src e), k≠Rev[e]} x_k(t−1) (ad.CavityProd),
//	p(t)     = 1 − Q(t),   t = 1..T−1,
//
// which are paper eqs. 1–2 (see the package documentation); the products are
// division-free, so α = 0, α = 1 and p̄ = 1 are exact in values and
// gradients. The factor α_e·Q_{src e}(0) is formed once, so a step costs one
// CavityProd, one SegmentProd and two element-wise edge ops; messages of the
// last slot, which feed nothing, are not built. The values equal DMP.Forward
// to rounding.
//
// It returns an error if T < 1, alpha or p0 is not a float64 vector of length
// E or N or not a node of eg, or an op cannot be built. alpha is not used,
// and may be nil, when T = 1 or g has no edges; a graph without edges gives
// p(t) = p0 for every t. BuildDMP builds a new DMPIndex on each call; use BuildDMPWith to
// share one.
func BuildDMP(eg *G.ExprGraph, g *graphs.Graph, alpha, p0 *G.Node, T int) ([]*G.Node, error) {
	if T < 1 {
		return nil, fmt.Errorf("models/ic: BuildDMP: horizon T = %d, want T ≥ 1", T)
	}
	if g.NumEdges() == 0 {
		if err := checkVec("BuildDMP", "p0", p0, g.N); err != nil {
			return nil, err
		}
		if p0.Graph() != eg {
			return nil, errors.New("models/ic: BuildDMP: p0 must be a node of eg")
		}
		p := make([]*G.Node, T)
		for t := range p {
			p[t] = p0
		}
		return p, nil
	}
	ix, err := NewDMPIndex(g, 1)
	if err != nil {
		return nil, err
	}
	return BuildDMPWith(eg, ix, alpha, p0, T)
}

// BuildDMPWith is BuildDMP over a prebuilt index of K disjoint copies of the
// graph: alpha has length K·E and p0 length K·N, copy k's entries at
// [k·E, (k+1)·E) and [k·N, (k+1)·N), and the returned marginals have length
// K·N. The copies do not interact; they batch several initial conditions (or
// replicas) into one graph run.
func BuildDMPWith(eg *G.ExprGraph, ix *DMPIndex, alpha, p0 *G.Node, T int) ([]*G.Node, error) {
	if p0 != nil && p0.Graph() != eg || alpha != nil && alpha.Graph() != eg {
		return nil, errors.New("models/ic: BuildDMP: alpha and p0 must be nodes of eg")
	}
	Q, err := buildQ(ix, alpha, p0, T)
	if err != nil {
		return nil, err
	}
	p := make([]*G.Node, T)
	p[0] = p0
	for t := 1; t < T; t++ {
		if p[t], err = G.Sub(one(), Q[t]); err != nil {
			return nil, fmt.Errorf("models/ic: BuildDMP: %w", err)
		}
	}
	return p, nil
}

// one returns the float64 scalar constant 1 (identical constants are merged
// by gorgonia, so every call yields the same node of a graph).
func one() *G.Node { return G.NewConstant(1.0) }

// buildQ builds the complements Q(t) = 1 − p(t), t = 0..T−1, of the
// marginals (see BuildDMP).
func buildQ(ix *DMPIndex, alpha, p0 *G.Node, T int) ([]*G.Node, error) {
	if ix == nil {
		return nil, errors.New("models/ic: BuildDMP: nil DMPIndex")
	}
	if T < 1 {
		return nil, fmt.Errorf("models/ic: BuildDMP: horizon T = %d, want T ≥ 1", T)
	}
	K, N, E := ix.k, ix.g.N, ix.g.NumEdges()
	if err := checkVec("BuildDMP", "p0", p0, K*N); err != nil {
		return nil, err
	}
	Q := make([]*G.Node, T)
	var err error
	wrap := func(e error) error { return fmt.Errorf("models/ic: BuildDMP: %w", e) }
	if Q[0], err = G.Sub(one(), p0); err != nil {
		return nil, wrap(err)
	}
	if T == 1 {
		return Q, nil // alpha is not used and may be nil
	}
	if err := checkVec("BuildDMP", "alpha", alpha, K*E); err != nil {
		return nil, err
	}
	q0src, err := ad.Gather(Q[0], ix.src) // q_e(0) = 1 − p̄_{src e}
	if err != nil {
		return nil, wrap(err)
	}
	a1, err := G.Sub(one(), alpha) // 1 − α
	if err != nil {
		return nil, wrap(err)
	}
	b, err := G.HadamardProd(alpha, q0src) // α_e·Q_{src e}(0)
	if err != nil {
		return nil, wrap(err)
	}
	x, err := G.Add(a1, b) // x(0) = 1 − α p(0)
	if err != nil {
		return nil, wrap(err)
	}
	// In the element-wise ops below the operand that dies there comes first:
	// gorgonia's compiler then lets the op overwrite it in place instead of
	// cloning it.
	for t := 1; t < T; t++ {
		prod, err := ad.SegmentProdWith(x, ix.in)
		if err != nil {
			return nil, wrap(err)
		}
		if Q[t], err = G.HadamardProd(prod, Q[0]); err != nil {
			return nil, wrap(err)
		}
		if t == T-1 {
			break
		}
		// x(t) = 1 − α p(t) = (1 − α) + α·Q_src(0)·Π_cavity x(t−1).
		cav, err := ad.CavityProd(x, ix.cav)
		if err != nil {
			return nil, wrap(err)
		}
		bc, err := G.HadamardProd(cav, b)
		if err != nil {
			return nil, wrap(err)
		}
		if x, err = G.Add(bc, a1); err != nil {
			return nil, wrap(err)
		}
	}
	return Q, nil
}

// BuildDMPFused is BuildDMPWith with one fused op per time step
// (ad.DMPInit, ad.DMPStep, ad.DMPFinal) instead of the reference graph's
// SegmentProd, CavityProd and four element-wise ops: the same equations,
// evaluated in the same order (the values are the same bits), with an exact,
// division-free gradient that allocates no intermediate per op. It returns
// the marginal complements of all slots as one vector of T blocks,
//
//	Q = [Q(0) | Q(1) | … | Q(T−1)],   Q(t) = 1 − p(t), block t at [t·K·N, (t+1)·K·N),
//
// (each block in BuildDMPWith's copy layout), which a cost consumes with
// block-wise ops (GraphObjective's µ is Q − Gather(Q, next block)); slicing
// it into T nodes would give each slice a gradient as long as Q. BuildDMPWith
// stays the definition and the template for a new model variant; this is its
// fast path, tested equal to it (values and gradients to 1e-14). Its
// arguments and errors are BuildDMPWith's.
func BuildDMPFused(eg *G.ExprGraph, ix *DMPIndex, alpha, p0 *G.Node, T int) (*G.Node, error) {
	if p0 != nil && p0.Graph() != eg || alpha != nil && alpha.Graph() != eg {
		return nil, errors.New("models/ic: BuildDMPFused: alpha and p0 must be nodes of eg")
	}
	return buildQFused(ix, alpha, p0, T, nil)
}

// buildQFused builds the stacked complements of BuildDMPFused; with a
// non-nil reach (an ad.DMPReach on ix.cav) the steps are the
// reach-restricted ones, which give the same values and θ-gradient when
// reach holds the distances from the nodes with p̄ > 0 (see ad.DMPReach).
func buildQFused(ix *DMPIndex, alpha, p0 *G.Node, T int, reach *ad.DMPReach) (*G.Node, error) {
	if ix == nil {
		return nil, errors.New("models/ic: BuildDMPFused: nil DMPIndex")
	}
	if T < 1 {
		return nil, fmt.Errorf("models/ic: BuildDMPFused: horizon T = %d, want T ≥ 1", T)
	}
	K, N, E := ix.k, ix.g.N, ix.g.NumEdges()
	if err := checkVec("BuildDMPFused", "p0", p0, K*N); err != nil {
		return nil, err
	}
	wrap := func(e error) error { return fmt.Errorf("models/ic: BuildDMPFused: %w", e) }
	q0, err := G.Sub(one(), p0)
	if err != nil {
		return nil, wrap(err)
	}
	if T == 1 {
		return q0, nil // alpha is not used and may be nil
	}
	if err := checkVec("BuildDMPFused", "alpha", alpha, K*E); err != nil {
		return nil, err
	}
	s, err := ad.DMPInit(alpha, q0, ix.cav)
	if err != nil {
		return nil, wrap(err)
	}
	for t := 1; t < T-1; t++ {
		if reach != nil {
			s, err = ad.DMPStepReach(s, reach)
		} else {
			s, err = ad.DMPStep(s, ix.cav)
		}
		if err != nil {
			return nil, wrap(err)
		}
	}
	var Q *G.Node
	if reach != nil {
		Q, err = ad.DMPFinalReach(s, reach)
	} else {
		Q, err = ad.DMPFinal(s, ix.cav)
	}
	if err != nil {
		return nil, wrap(err)
	}
	return Q, nil
}

// checkVec returns an error unless x is a float64 vector of length n.
func checkVec(fn, name string, x *G.Node, n int) error {
	if x == nil {
		return fmt.Errorf("models/ic: %s: %s is a nil node", fn, name)
	}
	if s := x.Shape(); len(s) != 1 || s[0] != n || x.Dtype() != tensor.Float64 {
		return fmt.Errorf("models/ic: %s: %s has shape %v and dtype %v, want a float64 vector of length %d", fn, name, x.Shape(), x.Dtype(), n)
	}
	return nil
}
