// Package icmle estimates the transmission probabilities of the
// discrete-time Independent Cascade model by maximum likelihood from fully
// observed cascades: the "calibration" baseline of Wilinski & Lokhov,
// ICML 2021 (arXiv 2007.06557), supplement S4 and Fig. 1a, which the
// original code solved with JuMP + Ipopt (spec §8).
//
// # Likelihood
//
// Time convention of models/ic: slots t = 0..T−1, activation times
// τ_i ∈ {0..T−1} and τ_i = T for a node not active by slot T−1 (censored).
// A node activated at τ_k tries once, at τ_k + 1, to activate each inactive
// out-neighbour i, with probability α_ki. Given the seeds (τ = 0), a cascade's
// probability factorises over the non-seed nodes i (τ_i ≥ 1):
//
//	log P_i = Σ_{k∈in(i): τ_k ≤ τ_i − 2} log(1 − α_ki)                     (earlier neighbours all failed)
//	        + 1{τ_i ≤ T−1} · log(1 − Π_{k∈in(i): τ_k = τ_i − 1} (1 − α_ki))    (some neighbour at τ_i − 1 succeeded)
//
// For a censored node (τ_i = T) the first sum runs over τ_k ≤ T−2: a
// neighbour activated at T−1 tries at slot T, which is not observed.
// Neighbours with τ_k ≥ τ_i, or censored, contribute nothing, and seeds
// contribute the constant 0. The log-likelihood is ℓ = Σ_cascades Σ_i log P_i.
// An activation 1 ≤ τ_i ≤ T−1 without any in-neighbour active at τ_i − 1 has
// probability 0 under the model for every α; Problem.Add rejects such a
// cascade with an error.
//
// # Convex reformulation
//
// With θ_ki = −log(1 − α_ki) ∈ [0, ∞) (α = 1 − e^{−θ}),
//
//	ℓ(θ) = −Σ_q F_q θ_q + Σ_events c_ev · log(1 − e^{−s_ev}),   s_ev = Σ_{q∈ev} θ_q,
//
// where F_q counts the observed failures on parameter q (pairs (k, i) with
// τ_k ≤ τ_i − 2 in some cascade) and each "success event" is a set of
// parameters — the in-edges k→i with τ_k = τ_i − 1 of an activated node i —
// with multiplicity c_ev (identical sets from different nodes or cascades are
// merged). The first term is linear and s ↦ log(1 − e^{−s}) is concave, so ℓ
// is concave in θ (not in α). Parameters are tied per undirected edge for an
// undirected graph (θ_q = θ[g.Pair[e]]) and are one per arc for a directed
// graph (θ_q = θ[e]), the layout of models/ic; for directed graphs ℓ
// separates over the in-edges of each node, for undirected graphs the
// shared parameters couple nodes but ℓ stays jointly concave. These
// sufficient statistics (F, the event sets and counts) are built once by
// Problem.Add, so an evaluation costs O(P + Σ_ev |ev|), with no maps.
//
// Derivatives: ∂ℓ/∂θ_q = −F_q + Σ_{ev∋q} c_ev/(e^{s_ev} − 1), and the Hessian
// is −Σ_ev c_ev e^{s_ev}/(e^{s_ev} − 1)² · 1_ev 1_evᵀ (negative semidefinite).
//
// # Method
//
// Fit maximises ℓ/M (M cascades) over the box 0 ≤ θ ≤ ThetaMax with a
// two-metric projected Newton method (Bertsekas 1982): at each iterate the
// ε-active bounds (θ_q ≤ ε with ∂ℓ/∂θ_q < 0, or θ_q ≥ ThetaMax − ε with
// ∂ℓ/∂θ_q > 0, ε = min(10⁻³, ‖projected gradient‖∞)) take a diagonally scaled
// gradient step, the free parameters a Newton step from the damped system
// (−H_FF + λI)d = g_F solved by Jacobi-preconditioned conjugate gradients
// with Hessian-vector products over the events (no Hessian is stored), and
// the step is P(θ + βd) with β halved until the Armijo condition
// ℓ(θ_β) ≥ ℓ(θ) + 10⁻⁴·∇ℓ·(θ_β − θ) holds (P projects onto the box). The
// upper bound ThetaMax (default 30, α ≤ 1 − 9.4·10⁻¹⁴) keeps the MLE finite
// for an edge that succeeded in every trial, whose likelihood increases
// towards α = 1. CG stops at relative residual min(0.1, sqrt(‖g_F‖)), so
// the convergence is superlinear near the optimum. This one method handles
// the directed (per-node separable) and the undirected (coupled) case.
// Alternatives considered: a fixed-step projected gradient needs a step size
// and converges linearly; gonum/optimize has no bound constraints, and its
// usual workaround θ = s² adds spurious stationary points at s = 0. The
// EM algorithm of Saito et al. (2008) is monotone but linear, and is used
// in the tests as an independent cross-check.
//
// # Special cases
//
//   - Single arc a→b (directed): ℓ = −F θ + n log(1 − e^{−θ}) with n the
//     successes (τ_b = τ_a + 1 ≤ T−1) and F the failures (τ_a ≤ T−2 and b
//     censored); ∂ℓ/∂θ = 0 gives e^θ = (n+F)/F, so α̂ = n/(n+F): successes
//     over trials, a trial being a cascade with τ_a ≤ T−2 and b not a seed.
//   - A parameter with failures but no success event has α̂ = 0.
//   - A parameter in success events but without failures has the MLE
//     α̂ = 1 (θ = ∞). ℓ flattens like −n e^{−θ} there, so Fit stops once
//     the gradient n e^{−θ}/M is below GradTol: α̂ ≈ 1 − GradTol·M/n
//     (never above 1 − e^{−ThetaMax}), with ℓ within about GradTol·M of
//     its supremum.
//   - A parameter with no evidence at all (never tried within the horizon)
//     does not affect ℓ: it keeps its initial value (Settings.InitAlpha or
//     Settings.Init).
//
// The log-likelihood is ℓ at the returned θ; Result.Alpha = 1 − e^{−θ}.
package icmle
