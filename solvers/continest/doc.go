// Package continest implements ConTinEst (N. Du, L. Song, M.
// Gomez-Rodriguez and H. Zha, "Scalable Influence Estimation in
// Continuous-Time Diffusion Networks", NIPS 2013), the randomised
// estimator of the expected influence of a source set within a horizon
// under the continuous-time independent cascade model (models/cic), and
// InfluMax (M. Gomez-Rodriguez and B. Schölkopf, "Influence Maximization in
// Continuous Time Diffusion Networks", ICML 2012) as lazy greedy selection
// (solvers/im's CELF) with ConTinEst as the oracle: the influence
// maximisation baseline of the NMF paper (He, Zha and Ye,
// arXiv:2106.02608, Fig. 6).
//
// # The estimator
//
// With the delays τ fixed, the influence of S within t is the size of the
// neighbourhood N(S, t) = {v : d_S(v) ≤ t}, d_S the shortest-path distance
// from S. ConTinEst estimates σ(S, t) = E_τ |N(S, t)| with Cohen's
// size-estimation framework (E. Cohen, "Size-estimation framework with
// applications to transitive closure and reachability", JCSS 1997): give
// every node a label ℓ_u ~ Exp(1); the least label in a set of size |N|
// is Exp(|N|), so with r independent label sets the r minima r*_1..r*_r
// give the unbiased estimate (r − 1)/Σ_l r*_l of |N|. The least label of
// N(S, t) is min_{s∈S} of the least label of N(s, t), read from s's
// least-label list: the pairs (ℓ_u, d(s, u)) built by processing the nodes
// in increasing label order, each running a Dijkstra search over in-edges
// up to the horizon T and pruning at any node whose last entry is at
// least as close. Lists are increasing in label and strictly decreasing in
// distance, so the least label within t ≤ T is the first entry with
// distance ≤ t. The estimate is
//
//	σ̂(S, t) = (1/m) Σ_{k=1..m} (r − 1) / Σ_{l=1..r} r*_{kl}(S, t).
//
// # Choices, recorded
//
//   - Samples. m delay realisations (Settings.Samples, default 10 000 as
//     in the paper) with r = 5 label sets each (Settings.Labels). Sample k
//     draws every edge's delay (in edge order) and then its r label sets
//     from its own PCG stream (Seed, splitmix64(k)), so the estimator does
//     not depend on the number of workers.
//   - Storage. Lists are kept for every (sample, label set) block in flat
//     CSR arrays with float32 labels and distances (8 bytes per entry,
//     about n ln n entries per block), so that any source set and any
//     t ≤ T can be queried after one construction. A distance within
//     float32 rounding of t may be counted on the other side of t.
//   - Error. Given the delays, each sample's estimate has relative
//     standard deviation 1/√(r − 2); InfluenceAt's standard error is over
//     the m per-sample estimates (delays and labels together).
//     ExactInfluence counts |N(S, t)| exactly over the same m
//     realisations, the cross-check feasible for n ≤ 1024.
//   - InfluMax is im.CELF over the Estimator (an im.Oracle whose Spread is
//     σ̂(S, T)); with the estimator fixed it is a deterministic function of
//     S, so CELF and Greedy agree. The NMF paper feeds it NetRate's rates
//     and the true delay family.
//
// # Symbols and identifiers
//
//	m, r       Settings.Samples, Settings.Labels
//	ℓ_u        the labels (float32 Estimator.label entries)
//	d(s, u)    the distances of the list entries (Estimator.dist)
//	T          New's horizon (Estimator.Horizon)
package continest
