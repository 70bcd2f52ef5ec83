// Package im solves influence maximisation on one network: given a
// diffusion model on a graph with n nodes and a budget k, find a seed set S,
// |S| = k, that maximises the expected spread
//
//	σ(S) = E[ number of nodes active at the end of the cascade from S ].
//
// # Models
//
// The diffusion models live with the other models and share one sampling
// contract, models/diffusion.Model: a Model hands out Samplers whose Reach
// simulates forward from a seed set and whose RRSet samples a
// reverse-reachable set, both in a diffusion.World. Each model is
// parameterised by one value per edge in the graph's edge order
// (graphs.Graph, e = Src[e] → Dst[e]):
//
//   - models/ic.Model, the independent cascade model: a newly active u
//     activates its inactive out-neighbour v through e = u→v with
//     probability p_e, once.
//   - models/lt.Model, the linear threshold model: v draws θ_v ~ U[0,1] and
//     activates when Σ_{active u→v} w_uv ≥ θ_v, with Σ_{u→v} w_uv ≤ 1 for
//     every v.
//   - models/cic.Model, continuous-time IC: edge e transmits after a delay
//     τ_e (exponential with rate_e); v is active at horizon T iff
//     d_S(v) = min_{s∈S} dist_τ(s, v) ≤ T.
//
// All three are live-edge models (Kempe, Kleinberg and Tardos, KDD 2003): a
// realisation is a random graph of live edges (with delays, for CTIC) and
// the active set is what the seeds reach in it. Every random number of a
// World is a hash of (key, edge) or (key, node), so forward simulation and
// reverse-reachable sampling see the same live-edge graph, and in every
// world
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
// IC and LT instances (any diffusion.Enumerable model). Another package can
// add an oracle (DMP, say) by implementing the one method Spread.
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
//   - DMPInfMax: ProjectedGradient on the DMP spread σ(u) = Σ_i p_i(T−1;
//     p̄ = u), the gradient through the DMP model (autodiff or the equal
//     hand-written adjoint). By default (SelectRR) the ascent only proposes
//     a pool of candidates and IMM's RR-set greedy picks the K seeds among
//     them: DMP double counts spread around short loops, the RR-set
//     coverage n·F_R(S) is unbiased. SelectRound keeps the earlier rule.
//
// # Symbols and identifiers
//
//	p_e, w_e, rate_e   IC probabilities, LT weights, CTIC rates: []float64 in edge order
//	T                  CTIC horizon (models/cic.NewModel)
//	R, θ               MC.Runs; IMM's RR-set count (Result.Stats.RRSets)
//	ε, ℓ               IMM.Epsilon, IMM.Ell
//	LB                 Result.Stats.LowerBound
//	F_R(S)             fraction of RR sets hit by S; Result.Spread = n·F_R(S) for IMM
//	u, γ               relaxed seed vector (Result.Relaxed), ProjectedGradient.Step
//
// # Determinism
//
// Randomness comes only from Settings.Seed (or MC.Seed): MC run r uses
// world diffusion.NewWorld(seed, ·, r) and IMM's RR set j uses world j of
// another stream; workers take fixed chunks of indices and combine them in
// index order (or with exact integer sums), so results do not depend on the
// number of workers or on GOMAXPROCS.
//
// The models' packages explain why their samplers are keyed by worlds
// rather than drawn in visit order (see models/ic for the IC simulator and
// its world-keyed Model side by side).
package im
