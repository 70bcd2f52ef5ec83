// Package adjoint computes the exact gradient of the SLICER objective of the
// Independent Cascade model (Wilinski & Lokhov, ICML 2021, arXiv 2007.06557)
// by a hand-written backward (adjoint, Lagrange-multiplier) sweep through the
// DMP equations of models/ic, in O(|E|·T) per initial-condition class.
//
// # Recursion
//
// Notation as in models/ic: messages p_e(t) for e = i→j, marginals p_i(t),
// slots t = 0..T−1, per-edge α_e, initial condition p̄. Each class s takes
// four steps.
//
// Forward: ic.DMP gives p_i(t) and p_e(t).
//
// Source terms: a_i(t) = ∂O_s/∂p_i(t) (ic.SourceTerms; zero for hidden nodes
// and for floored terms µ ≤ ic.MuFloor). An observation (i, τ) with count m
// adds m/µ_i(τ) at slot τ (if τ ≤ T−1) and −m/µ_i(τ) at slot τ−1 (if τ ≥ 1);
// the paper's λ_i(t) is −a_i(t).
//
// Backward sweep, in the division-free ν form (spec §4.5). Let a_e(t) be the
// total derivative of O_s with respect to p_e(t), ν_e(t) := a_e(t)/α_e, and
// R_{i∖A}(t) := (1−p̄_i) Π_{k∈in(i)∖A} (1 − α_k p_k(t)) the cavity products.
// Then ν(T−1) ≡ 0 (the last messages feed nothing) and, for t = T−2, …, 0 and
// every in-edge k = l→i of node i,
//
//	ν_k(t)   = c_i(t+1)·R_{i∖{k}}(t) + Σ_{e=i→j: Rev[e]≥0, Rev[e]≠k} α_e ν_e(t+1)·R_{i∖{k,Rev[e]}}(t),
//	c_i(t+1) = a_i(t+1) + Σ_{e=i→j: Rev[e]<0} α_e ν_e(t+1).
//
// An out-edge without a reverse edge (directed graphs) carries the full
// marginal of i, so it enters like the marginal. For an undirected graph
// this is ν_{l→i}(t) = a_i(t+1) R_{i∖l}(t) + Σ_{j∈∂i∖l} α_ij ν_{i→j}(t+1) R_{i∖{l,j}}(t).
//
// Gradient (paper eq. 6 without its 1/α):
//
//	∂O_s/∂α_k = Σ_{t=0}^{T−2} ν_k(t)·p_k(t),
//
// and for an undirected graph the two directions of a tied edge are summed,
// ∂O/∂θ_ij = Σ_t [ν_{i→j}(t) p_{i→j}(t) + ν_{j→i}(t) p_{j→i}(t)].
//
// The "leave-two-out" sums over in-edges of each node are computed in
// O(deg) with prefix and suffix sweeps over x_q = 1 − α_{k_q} p_{k_q}(t):
// prefix products P_q = Π_{q'<q} x_q', running sums A_{q+1} = A_q x_q + u_q P_q
// (u_q = α_e ν_e(t+1) for the out-edge e = Rev[k_q]), and the mirrored suffix
// quantities S_q, B_q, giving ν_{k_q}(t) = (1−p̄_i)·((c_i P_q + A_q)·S_q + P_q·B_q).
// Nothing is divided, so α = 0, α = 1 and messages equal to 1 are exact.
//
// # Mixture
//
// For R replicas (θ replica-major, see models/ic) the source terms are taken
// once from the mixture marginal S_i(t) = (1/R) Σ_r p_{i,r}(t) and scaled by
// 1/R; then each replica runs its own backward sweep with its α^r and
// messages (spec §6).
//
// # Class blocks and reach
//
// With two or more classes, classes are evaluated in blocks of four: every
// per-class array gets a class-minor layout (the four classes' values of a
// marginal, message or ν sit side by side), so each in-edge's α, reverse
// slot and index are loaded once for four classes, its four values share a
// cache line, and the four prefix/suffix recurrences of a node run side by
// side. Within a block, let d(i) be the distance along out-edges from the
// nearest node with p̄ > 0 in any of its classes. A node with d(i) > t has
// p_i(t) = 0 and sends messages p(t) = 0 exactly (every factor is
// 1 − α·0 = 1), so forward step t updates only nodes with d ≤ t, backward
// step t only nodes with d ≤ t+1, and terms ν_k(t)·p_k(t) with p_k(t) = 0
// are skipped. For single-seed classes and a short horizon this leaves out
// most of a large graph. The skipped terms are exact zeros and each class
// keeps the one-class arithmetic, so the result is bit-identical to
// evaluating classes one at a time (as long as it is finite). A block costs
// about (R·T + 2)·|E|·32 bytes per worker; above 256 MiB, classes are
// evaluated one at a time.
//
// # Parallelism and determinism
//
// Classes are independent. With at least as many classes as workers, each
// worker runs whole blocks of classes (or whole classes); otherwise classes
// run one after another and the nodes of each time step are split among the
// workers (nodes write disjoint entries). Every class's gradient is computed
// with the same arithmetic in every mode and added to the total in class
// order, so the result is bit-identical for any number of workers
// (GOMAXPROCS).
//
// Symbols ↔ identifiers: ν_e(t) ↔ nu rows indexed by edge e, a_i(t) ↔ the
// [T][N] source-term buffer, the gradient is returned in θ layout
// (ic.NumParams entries per replica, replica-major).
package adjoint
