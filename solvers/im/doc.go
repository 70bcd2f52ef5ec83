// Package im solves influence maximisation on one network: given a
// diffusion model on a graph with n nodes and a budget k, find a seed set S,
// |S| = k, that maximises the expected spread
//
//	σ(S) = E[ number of nodes active at the end of the cascade from S ].
//
// # Models
//
// Three diffusion models are provided, each parameterised by one value per
// edge in the graph's edge order (graphs.Graph, e = Src[e] → Dst[e]):
//
//   - IC, the independent cascade model: a newly active u activates its
//     inactive out-neighbour v through e = u→v with probability p_e, once.
//   - LT, the linear threshold model: v draws θ_v ~ U[0,1] and activates
//     when Σ_{active u→v} w_uv ≥ θ_v, with Σ_{u→v} w_uv ≤ 1 for every v.
//   - CTIC, continuous-time IC: edge e transmits after τ_e ~ Exp(rate_e);
//     v is active at horizon T iff d_S(v) = min_{s∈S} dist_τ(s, v) ≤ T.
//
// All three are live-edge models (Kempe, Kleinberg and Tardos, KDD 2003):
// a realisation is a random graph of live edges (with delays, for CTIC) and
// the active set is what the seeds reach in it. A realisation is a World: a
// 64-bit key, every random number of which is a hash of (key, edge) or
// (key, node). Forward simulation (Sampler.Reach) and reverse-reachable
// sampling (Sampler.RRSet) read the same hashes, so in every world
//
//	v ∈ RR(root)  ⇔  root ∈ Reach({v}),     hence σ(S) = n·P[RR ∩ S ≠ ∅],
//
// with the root uniform (Borgs et al., SODA 2014; Tang et al., SIGMOD 2014).
//
// # Oracles and methods
//
// An Oracle estimates σ(S). MC averages over Runs worlds fixed by a seed
// (common random numbers), so it is a deterministic, monotone and
// submodular function of S; Exact enumerates the live-edge worlds of small
// IC and LT instances. Another package can add an oracle (DMP, say) by
// implementing the one method Spread.
//
// Following the Problem / Method / Settings / Result pattern, Maximize
// solves a Problem (Model and/or Oracle, K, optional Candidates) with a
// Method:
//
//   - Greedy: k rounds of argmax_v σ(S ∪ {v}) − σ(S); ≥ (1 − 1/e)·OPT for
//     submodular σ.
//   - CELF: lazy greedy; gains stored with the round they were computed in,
//     stale ones recomputed. Identical to Greedy for the MC and Exact
//     oracles, with far fewer oracle calls (Result.Stats.OracleCalls).
//   - IMM (Tang, Shi and Xiao, SIGMOD 2015): RR-set sampling with the
//     martingale sample sizes λ'/x and λ*/LB, then greedy maximum coverage;
//     a (1 − 1/e − ε) approximation with probability 1 − n^−ℓ. See IMM for
//     the formulas.
//   - ProjectedGradient: ascent on a relaxation f(u) over the capped
//     simplex {u ∈ [0,1]^n : Σu = k} (ProjectCappedSimplex), rounding to the
//     top k and optional swap polishing with the oracle (NMF-InfMax).
//
// # Symbols and identifiers
//
//	p_e, w_e, rate_e   IC probabilities, LT weights, CTIC rates: []float64 in edge order
//	T                  CTIC horizon (NewCTIC)
//	R, θ               MC.Runs; IMM's RR-set count (Result.Stats.RRSets)
//	ε, ℓ               IMM.Epsilon, IMM.Ell
//	LB                 Result.Stats.LowerBound
//	F_R(S)             fraction of RR sets hit by S; Result.Spread = n·F_R(S) for IMM
//	u, γ               relaxed seed vector (Result.Relaxed), ProjectedGradient.Step
//
// # Determinism
//
// Randomness comes only from Settings.Seed (or MC.Seed): MC run r uses
// world NewWorld(seed, ·, r) and IMM's RR set j uses world j of another
// stream; workers take fixed chunks of indices and combine them in index
// order (or with exact integer sums), so results do not depend on the
// number of workers or on GOMAXPROCS.
//
// # Why not models/ic's simulator
//
// models/ic.Simulator draws its coins in visit order, which is right for
// cascade data but cannot be replayed backwards. Here every coin is a hash
// of (world, edge) or (world, node), so forward simulation and reverse
// reachable sets see the same live-edge graph; that is what makes the MC
// oracle an exact coverage function (CELF equals greedy) and IMM's RR sets
// consistent with its MC check. The two agree statistically (test tag
// crosscheck).
package im
