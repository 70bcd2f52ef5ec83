// Package ic implements the Independent Cascade (IC) model's dynamic
// message-passing (DMP) equations and the SLICER learning objective of
// Wilinski & Lokhov, "Prediction-Centric Learning of Independent Cascade
// Dynamics from Partial Observations", ICML 2021 (arXiv 2007.06557).
//
// # Time convention
//
// A horizon of T resolved time slots t = 0, 1, …, T−1. A node activated at slot
// t tries once, at t+1, to activate each inactive out-neighbour j, succeeding
// with probability α. Activation times τ take values 0..T−1, and τ = T means
// "censored": not active by slot T−1. This T is the original Julia code's
// T_code − 1 (its last simulated row is never used); a paper "cascade of length
// 5" resolves T = 4 slots here.
//
// # Parameters
//
// Parameters θ have one entry per undirected edge for an undirected graph
// (g.Undirected(): α_e = θ[g.Pair[e]], the two directions share one value) and
// one entry per directed edge otherwise (α_e = θ[e]); len(θ) = g.NumPairs()
// in both cases. ExpandAlpha maps θ to per-edge α and FoldEdgeGrad maps a
// per-edge gradient back to θ (summing the two directions of a tied edge).
// A mixture of R replicas (paper §5.2) stores θ replica-major: replica r uses
// θ[r·P : (r+1)·P] with P = g.NumPairs().
//
// # DMP (paper eqs. 1–2)
//
// For a directed edge e = i→j (Src[e] = i, Dst[e] = j) the message p_e(t) =
// p_{i→j}(t) is the probability that i is active by slot t in the cavity
// graph with j removed. With the in-edges k = l→i of node i and the reverse
// edge Rev[e] = j→i,
//
//	p_i(0)   = p̄_i,   p_e(0) = p̄_i,
//	p_i(t)   = 1 − (1−p̄_i) Π_{k∈in(i)}          (1 − α_k p_k(t−1)),
//	p_e(t)   = 1 − (1−p̄_i) Π_{k∈in(i), k≠Rev[e]} (1 − α_k p_k(t−1)),   t = 1..T−1.
//
// When e has no reverse edge (directed graphs), p_e(t) = p_i(t). The cavity
// products are computed without division (prefix and suffix products over each
// node's in-edges), so α = 1 on a message equal to 1 is exact. DMP is exact on
// graphs whose undirected skeleton is a tree and an upper bound on the true
// marginals otherwise. Unlike the original code, DMP applies no monotonicity
// safeguard p(t) ← max(p(t−1), p(t)): it changes nothing in exact arithmetic,
// and where rounding makes it trigger, the computed values are no longer the
// function whose derivative the adjoint (solvers/adjoint) and autodiff compute.
//
// Symbols ↔ identifiers: p_i(t) ↔ DMP.P[t*N+i], p_e(t) ↔ DMP.Msg[t*E+e],
// α_e ↔ alpha[e], p̄_i ↔ p0[i].
//
// # Objective (paper eqs. 3–4)
//
// From the cumulative marginals, the probability of activation exactly at τ is
//
//	µ_i(0) = p_i(0),  µ_i(τ) = p_i(τ) − p_i(τ−1) (1 ≤ τ ≤ T−1),  µ_i(T) = 1 − p_i(T−1),
//
// and the SLICER objective over initial-condition classes s with count tables
// m_i^s(τ) and observed nodes O is
//
//	O(α) = Σ_s Σ_{i∈O} Σ_{τ=0}^{T} m_i^s(τ) · log max(µ_i^s(τ), MuFloor).
//
// MuFloor is the single floor used by every path (objective, source terms of
// the adjoint, autodiff graphs); below it a term is constant and has zero
// derivative. Hidden nodes propagate in DMP but contribute nothing to O.
//
// The mixture objective (paper eq. 9) replaces p_i(t) by the replica average
// S_i(t) = (1/R) Σ_r p_{i,r}(t).
//
// # The DMP as a gorgonia graph (autodiff)
//
// BuildDMP adds the same equations to a gorgonia expression graph, built only
// from models/ad primitives (ad.Gather, ad.SegmentProd, ad.CavityProd,
// ad.ScatterAdd) and element-wise ops, in terms of the complements
// Q_i(t) = 1 − p_i(t) and x_e(t) = 1 − α_e p_e(t) = (1 − α_e) + α_e q_e(t):
//
//	Q_i(t) = (1−p̄_i) · SegmentProd_{k∈in(i)} x_k(t−1),
//	q_e(t) = (1−p̄_{Src[e]}) · CavityProd_{k∈in(Src[e]), k≠Rev[e]} x_k(t−1).
//
// Both products are division-free in value and gradient. Reverse-mode
// autodiff through this graph is the project's source of truth for
// gradients: GraphObjective evaluates the SLICER objective (and its mixture)
// with θ → α by ad.Gather, batching the classes of a chunk as disjoint copies
// of the graph, and solvers/adjoint is tested against it. SpreadObjective
// differentiates σ(u) = Σ_i p_i(T−1) with respect to the relaxed seed vector
// u = p̄ for influence maximisation; SpreadAdjoint is its plain-Go fast path
// (a hand-written reverse sweep, division-free like the forward pass, split
// over node ranges), held equal to the autodiff gradient by a test.
//
// # Two samplers: Simulator and Model
//
// Simulator draws a cascade slot by slot with one PCG stream per cascade,
// consuming its coins in visit order: the right tool for cascade data
// (activation times, horizons, stochastic initial conditions) and for
// Monte-Carlo marginals. Model (NewModel) is the same IC law as a
// models/diffusion.Model for influence maximisation (solvers/im): every
// coin is a hash of (world, edge), or of (world, node, t) for nodes whose
// live in-edges are drawn by geometric gaps, so it does not depend on the
// order of the visit. Only then can reverse sampling replay a forward
// cascade: IMM's reverse-reachable sets and its Monte-Carlo check must see
// the same live-edge graph (v ∈ RRSet(w, r) ⇔ r ∈ Reach(w, {v})), and the
// Monte-Carlo oracle over fixed worlds is then an exact coverage function
// (monotone and submodular, so CELF equals greedy). Simulator's coins
// cannot be replayed backwards, and Model has no notion of time slots. The
// two agree in distribution (solvers/im's test tag crosscheck compares
// their spreads).
package ic
