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
// A Delay is a family of delay densities f(τ; α). Exponential, the only
// family so far, has f(τ; α) = α e^{−ατ} and is sampled by the inverse
// transform τ = −ln U / α with U = (w.Edge(e) + ½)/2^53 ∈ (0, 1]
// (diffusion.Open01). The other families of the NetRate/NMF line (power
// law, Rayleigh f(τ; α) = ατ e^{−ατ²/2} in NetRate's convention, Weibull)
// are further values of Delay: each needs only its inverse transform of
// the same uniform. A rate α_e = 0 means the edge never transmits.
//
// # Symbols and identifiers
//
//	α_e    rate: []float64 in the graph's edge order (nil: g.Weight)
//	τ_e    delay of edge e in a world, Delay.Sample(U_e, α_e)
//	T      the horizon (NewModel's T; Model.Horizon), T = +Inf allowed
//	d_S(v) the Dijkstra distance held in the sampler's dist[v]
//
// References: M. Gomez-Rodriguez, D. Balduzzi and B. Schölkopf, "Uncovering
// the Temporal Dynamics of Diffusion Networks", ICML 2011 (NetRate); N. Du,
// L. Song, M. Gomez-Rodriguez and H. Zha, "Scalable Influence Estimation in
// Continuous-Time Diffusion Networks", NIPS 2013.
package cic
