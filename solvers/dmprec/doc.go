// Package dmprec computes the gradient of the SLICER objective of the
// Independent Cascade model by DMPrec, the forward-mode baseline of
// Lokhov, "Reconstructing parameters of spreading models from partial
// observations", NeurIPS 2016, as adapted to IC in Wilinski & Lokhov,
// ICML 2021 (arXiv 2007.06557), supplement S3. It gives the same objective
// and gradient as solvers/adjoint (same ic.MuFloor, hidden nodes, θ layout)
// at a cost O(|E|²·T·|S|) instead of O(|E|·T·|S|): it exists as the
// baseline of the paper's Fig. 1 (identical estimates, quadratic run time).
//
// # Sensitivities
//
// Notation as in models/ic: messages p_e(t) for e = i→j, marginals p_i(t),
// slots t = 0..T−1, per-edge α_e, initial condition p̄ of one class. For a
// parameter θ_q (one entry of the parameter vector θ in the layout of
// ic.ExpandAlpha: α_e = θ[Pair[e]] for undirected graphs, α_e = θ[e] for
// directed ones) let
//
//	φ^q_e(t) := ∂p_e(t)/∂θ_q,   ψ^q_i(t) := ∂p_i(t)/∂θ_q,   δ^q_k := ∂α_k/∂θ_q ∈ {0, 1}.
//
// Then φ^q(0) = ψ^q(0) = 0 and, differentiating the DMP equations with
// x_k(t) := 1 − α_k p_k(t−1) and its derivative
// y^q_k(t) := −α_k φ^q_k(t−1) − δ^q_k p_k(t−1), for t = 1..T−1
//
//	ψ^q_i(t) = −(1−p̄_i) Σ_{k∈in(i)}         y^q_k(t) Π_{k'∈in(i)∖k}        x_k'(t),
//	φ^q_e(t) = −(1−p̄_i) Σ_{k∈in(i)∖Rev[e]}  y^q_k(t) Π_{k'∈in(i)∖{k,Rev[e]}} x_k'(t),
//
// and φ^q_e = ψ^q_i when e = i→j has no reverse edge (directed graphs). For
// an undirected graph this is the spec's (§7)
// φ^e_{k→i}(t) = (1−p̄_k) Σ_{l∈∂k∖i} [α_lk φ^e_{l→k}(t−1) + 1{(l,k)=e} p_{l→k}(t−1)] Π_{m∈∂k∖{i,l}} (1 − α_mk p_{m→k}(t−1)),
// with both directions of the tied edge counted in 1{·}. The "leave-one-out"
// derivative sums are computed for all out-edges of a node in O(deg) with
// prefix and suffix sweeps (the derivative of a product by the product rule),
// so nothing is divided and α ∈ {0, 1} is exact.
//
// # Gradient
//
// With the source terms a_i(t) = ∂O_s/∂p_i(t) of ic.SourceTerms (an
// observation (i, τ) with count m adds m/µ_i(τ) at slot τ ≤ T−1 and
// −m/µ_i(τ) at slot τ−1 ≥ 0; zero for hidden nodes and for floored terms
// µ ≤ ic.MuFloor), the chain rule gives
//
//	∂O/∂θ_q = Σ_s Σ_{t=1}^{T−1} Σ_i a^s_i(t) ψ^{q,s}_i(t),
//
// which is the spec's Σ_s Σ_{i∈O} Σ_τ m_i^s(τ) (∂µ_i^s(τ)/∂θ_q)/µ_i^s(τ).
//
// # Cost and memory
//
// Every parameter needs its own sensitivity field over all messages, so one
// gradient costs O(P·|E|·T·|S|) = O(|E|²·T·|S|) for P parameters and |S|
// classes. Parameters are processed in blocks of Options.Block: a block
// propagates its fields two time rows at a time (φ(t−1) and φ(t), [E][Block]
// each), reusing the buffers, so memory is O(|E|·Block + |N|·T + |E|·T)
// per worker instead of the original code's O(|E|²·T). Each block reruns the
// forward DMP of every class (a 1/Block overhead). The sensitivities are
// dense, as in DMPrec: no light-cone sparsity is exploited.
//
// # Determinism
//
// Each parameter's sensitivities follow the same arithmetic whatever its
// block, and its gradient is summed over classes in class order, so results
// are bit-identical for every Options.Workers, Options.Block and GOMAXPROCS.
// The objective is ic.Objective's value exactly.
//
// Symbols ↔ identifiers: φ^q_e(t) ↔ phi rows [E][Block] with lane q − q0 of
// the block starting at q0, a_i(t) ↔ the [T][N] source-term buffer, the
// gradient is returned in θ layout (ic.NumParams entries).
package dmprec
