// Package cic implements continuous-time independent cascades (CTIC) as a
// world-keyed live-edge sampler (a models/diffusion.Model), for influence
// maximisation under a time horizon (solvers/im) and spread estimation.
//
// # The model
//
// Gomez-Rodriguez, Leskovec and Krause (NetInf, KDD 2010) and Du, Song,
// Gomez-Rodriguez and Zha (ConTinEst, NIPS 2013): when u becomes active at
// time t_u, the edge e = u→v transmits after a random delay τ_e drawn from a
// density f(τ; α_e) with one rate α_e per edge, independently over edges; v
// becomes active at the first arrival, t_v = min_{u→v} (t_u + τ_e). Seeds
// are active at time 0. Equivalently, with the delays fixed, t_v is the
// shortest-path distance
//
//	d_S(v) = min_{s∈S} dist_τ(s, v),
//
// and v counts as active at horizon T iff d_S(v) ≤ T. A realisation is a
// weighted live-edge graph (every edge is live, with length τ_e), so
// forward simulation is Dijkstra from the seeds truncated at T, and the
// reverse-reachable set of a root r is Dijkstra over in-edges from r
// truncated at T: v ∈ RR(r) ⇔ dist_τ(v, r) ≤ T ⇔ r ∈ Reach({v}) (Du et
// al. 2013 use the same duality for their estimator).
//
// # Delays
//
// A Delay is a family of delay densities f(τ; a, b) with per-edge
// parameters (Params: a_e and, for two-parameter families, b_e):
//
//	Exponential  f(τ; α) = α e^{−ατ}                           S(τ) = e^{−ατ}       h(τ) = α
//	Rayleigh     f(τ; α) = ατ e^{−ατ²/2}                       S(τ) = e^{−ατ²/2}    h(τ) = ατ
//	Weibull      f(τ; λ, k) = (k/λ)(τ/λ)^{k−1} e^{−(τ/λ)^k}    S(τ) = e^{−(τ/λ)^k}  h(τ) = (k/λ)(τ/λ)^{k−1}
//
// with Rayleigh in NetRate's convention (α = 1/σ²). Each family is defined
// once (Delay.Density, Survival, CDF, Hazard, Sample, Mean) and both
// samplers use it. Delays are drawn by inversion of the survival function,
// τ = S⁻¹(U): τ = −ln U/α, √(−2 ln U/α), λ(−ln U)^{1/k}. The world-keyed
// Model takes U = (w.Edge(e) + ½)/2^53 ∈ (0, 1] (diffusion.Open01); the
// Simulator takes U from the cascade's PCG stream. A rate α_e = 0 (a
// Weibull scale λ_e = +Inf) means the edge never transmits.
//
// # The cascade simulator
//
// Simulator draws CIC cascades from a multi-source seed set S with horizon
// T, recording for each infected node its time t_v = d_S(v) ≤ T, its
// infector (the u of the arc u→v that attains the minimum) and the root
// source of its infection tree. Delays are drawn lazily: the delays of v's
// out-edges when v is settled by Dijkstra, in edge order, from the
// cascade's own PCG stream seeded with (seed, SplitMix64(index)) (internal/parallel), so
// cascade k is the same whatever the number of workers. Marginals estimates
// the ground-truth curves x*_v(t) = P(t_v ≤ t) on a time grid by averaging
// K simulated cascades (the NMF paper's ground truth, He, Zha and Ye 2021).
//
// # Symbols and identifiers
//
//	α_e    rate (Weibull: scale λ_e): Params.A in the graph's edge order (nil: g.Weight)
//	k_e    Weibull shape: Params.B
//	τ_e    delay of edge e, Delay.Sample(U_e, a_e, b_e)
//	T      the horizon (NewModel's T; Model.Horizon), T = +Inf allowed
//	d_S(v) the Dijkstra distance held in the sampler's dist[v]
//
// References: S. He, H. Zha and X. Ye, "Influence Estimation and
// Maximization via Neural Mean-Field Dynamics", arXiv:2106.02608, 2021
// (their synthetic protocol, built by datasets.BuildCIC from RandomParams
// with DefaultRanges and RandomSourceSets); M. Gomez-Rodriguez, D. Balduzzi and B. Schölkopf, "Uncovering
// the Temporal Dynamics of Diffusion Networks", ICML 2011 (NetRate); N. Du,
// L. Song, M. Gomez-Rodriguez and H. Zha, "Scalable Influence Estimation in
// Continuous-Time Diffusion Networks", NIPS 2013.
package cic
