// Package lt implements the linear threshold (LT) diffusion model as a
// world-keyed live-edge sampler (a models/diffusion.Model), for influence
// maximisation (solvers/im) and spread estimation.
//
// # The model
//
// Each edge e = u→v carries a weight w_e = w_uv ≥ 0 with Σ_{u→v} w_uv ≤ 1
// for every node v. Node v draws a threshold θ_v uniform in [0, 1]; starting
// from the seed set S, v becomes active once the weights of its active
// in-neighbours reach its threshold,
//
//	Σ_{u→v, u active} w_uv ≥ θ_v,
//
// and stays active. σ(S) is the expected number of active nodes at the end.
//
// # Live-edge equivalence
//
// Kempe, Kleinberg and Tardos (KDD 2003, Thm 2.5): let every node v keep at
// most one of its in-edges, u→v with probability w_uv and none with
// probability 1 − Σ_u w_uv, independently over nodes; then the set of nodes
// reachable from S along kept edges has the same distribution as the final
// active set of the threshold process. This package simulates that form:
// in world w (diffusion.World) node v keeps its i-th in-edge (in the
// graph's InEdges order) when
//
//	w.Node(v)/2^53 ∈ [Σ_{j<i} w_j, Σ_{j≤i} w_j),
//
// with the cumulative sums rounded up to multiples of 2^-53
// (diffusion.Threshold). So every node's choice is one draw, the reverse
// sampler is a walk (a node has at most one kept in-edge), and each world's
// reach is a coverage function of S, which the threshold form is not per
// realisation.
//
// # Symbols and identifiers
//
//	w_e       the weights, []float64 in the graph's edge order (nil: g.Weight)
//	θ_v       not drawn explicitly; w.Node(v) plays its role in the live-edge form
//	Σ w ≤ 1   checked up to WeightTolerance
//
// Reference: D. Kempe, J. Kleinberg and É. Tardos, "Maximizing the Spread of
// Influence through a Social Network", KDD 2003.
package lt
