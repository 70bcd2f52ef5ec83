// Package multiplex implements propagation on a multiplex network with a
// different diffusion model on every layer, as in MIM-Reasoner (Do,
// Chowdhury, Ling, Zhao and Thai, "MIM-Reasoner: Learning with Theoretical
// Guarantees for Multiplex Influence Maximization", AISTATS 2024, §2) and
// Kuhnle et al. (IEEE TCSS 2018): a Model, its Simulator, the Monte-Carlo
// oracle MC, the DMP oracle for all-IC multiplexes, and the released code's
// simulator (NewCompat).
//
// # The model
//
// A multiplex 𝒢 = {(G_1, σ_1), …, (G_k, σ_k)} has k directed layers
// G_i = (V, E_i) over one node set V (a graphs.Multiplex: nodes missing from
// a layer are isolated there) and a propagation model σ_i per layer, IC or
// LT. Overlapping activation (the paper's §2): a node active in one layer
// is active in every layer, so one global active set A_t is kept and a node
// is counted once. Rounds are synchronous; with N_t the nodes that became
// active at round t (N_0 = S, the seeds),
//
//	IC layer i:  v ∉ A_t joins N_{t+1} if some u ∈ N_t with e = u→v ∈ E_i
//	             has a live coin, P(live) = p^i_e (one try per edge);
//	LT layer i:  v ∉ A_t joins N_{t+1} if Σ_{u ∈ A_t, u→v ∈ E_i} w^i_uv ≥ θ_{i,v},
//
// and A_{t+1} = A_t ∪ N_{t+1}. The cascade runs to quiescence (or for
// Config.Rounds rounds) and σ(S) = E|A_∞|. Defaults are the paper's
// (App. C.1): p^i_uv = 1/indeg_i(v) and, for LT, θ_{i,v} ~ U[0.5, 0.9]
// independently per layer and node, with weights w^i_uv = 1/indeg_i(v)
// (the paper gives no LT weights; this is the choice consistent with its
// Figure 1 and with weighted cascade). With thresholds U[0.5, 0.9] LT is no
// longer a live-edge model, so the multiplex Model is simulated forward
// only (no reverse-reachable sets).
//
// # Randomness and determinism
//
// A world w (models/diffusion.World) fixes every coin: edge e of layer i,
// with global id Σ_{j<i}|E_j| + e, is live iff w.Edge(id) < p·2^53, and the
// threshold of v in the ℓ-th LT layer is lo + (hi−lo)·w.Node(ℓ·n+v)/2^53.
// LT weights and thresholds are compared in fixed point (units of 2^-52,
// weights rounded up), so the sum of active weights is an exact integer:
// the cascade is a function of the seed set and the world, whatever the
// order of the seeds. MC averages over worlds fixed by its Seed (common
// random numbers) and sums in exact integers, so its estimate is
// bit-identical for any number of workers or GOMAXPROCS.
//
// # DMP on an all-IC multiplex
//
// When every layer is IC, the multiplex cascade is the IC cascade on the
// union graph U with p_uv = 1 − Π_i (1 − p^i_uv): independent coins on
// parallel edges, and the coupling makes activation a property of the node.
// DMP wraps models/ic's dynamic message passing on U (Lokhov et al.) as a
// fast deterministic oracle; it is exact on trees and overestimates on loopy
// graphs (docs/RESULTS.md measures its error and speed-up).
//
// # Code-compat mode
//
// The authors' released code simulates differently (one ndlib threshold
// model on the undirected union of all layers, θ = 0.5 for every node,
// weights 1/degree, and a single propagation round); NewCompat reproduces
// it so that the published Xenopus numbers (ISF 180, KSN 145, MIM-Reasoner
// 176 and 174) can be held as a regression test. Those numbers also depend
// on a quirk of the code: seed ids are read as positions in the union
// graph's node insertion order (FromPositions). With ids read as ids the
// same seed sets give 44, 37, 45 and 46.
//
// # Symbols and identifiers
//
//	k, n           NumLayers(), NumNodes()
//	σ_i            Sub(i): layer i alone
//	p^i_e, w^i_e   Layer.Values (nil: 1/indeg_i)
//	θ_{i,v}        Config.ThetaLo, ThetaHi
//	N_t, A_t       the rounds of Simulator.Reach
//	mc             MC.Runs (DefaultRuns = 100, the paper's §5.1)
package multiplex
