// Package influlearner implements InfluLearner (N. Du, Y. Liang, M.-F.
// Balcan and L. Song, "Influence Function Learning in Information Diffusion
// Networks", ICML 2014), the influence-estimation baseline of the NMF paper
// (He, Zha and Ye, arXiv:2106.02608, Fig. 2 and 4): it learns each node's
// infection probability by time t as a function of the source set, from
// cascades with source attribution.
//
// # The model
//
// Under the continuous-time independent cascade model, fix the delays:
// node j is infected by t iff some source s ∈ S reaches it within t, so
// with r ∈ {0,1}^n the indicator of the sources that reach j within t,
//
//	P(j infected by t | S) = E_r[ min(1, χ_Sᵀ r) ],
//
// a coverage function of S. InfluLearner approximates the distribution of
// r by random features: for each node j and time t it estimates
//
//	q̂_sj(t) = (cascades having s as a source in which j was infected by t in s's infection tree) / (cascades having s as a source),
//
// following each infection's root source (cic.Cascades.Root), draws K
// features r^k with independent r^k_s ~ Bernoulli(q̂_sj(t)), and fits
//
//	f_j(S) = Σ_k w_k min(1, χ_Sᵀ r^k),  w on the probability simplex,
//
// by maximum likelihood of the labels y_cj = 1[t_cj ≤ t] of the training
// cascades c whose source set does not contain j, under the smoothed
// Bernoulli p = (1 − 2λ) f + λ (to keep log p finite), with exponentiated
// gradient: w ← w ⊙ exp(η ∇ℓ(w)) / Z, η halved whenever a step would lower
// the likelihood (so every accepted step raises it) and doubled after every
// accepted step. The prediction is
// x_j(t; S) = f_j(S) (1 for the sources).
//
// # Choices, recorded
//
//   - K = 200 features (Settings.Features) as in the paper; one model per
//     evaluation time and node (the NMF paper ran it once per t_l); the
//     (time, node) problems run in parallel goroutines, each with its own
//     PCG stream (Seed, l·n + j), so the model does not depend on the
//     number of workers.
//   - Cascades are grouped by their source set: the likelihood depends on
//     a cascade only through its source set and label, so each group
//     enters with its counts of infected and uninfected j.
//   - λ = 10⁻³ (Settings.Smoothing), not the 0.05 of a public
//     re-implementation: f is what is predicted, and with λ = 0.05 the
//     maximum-likelihood f is pulled towards ½ by up to 0.05 (f = (ŷ −
//     λ)/(1 − 2λ)), which the tree test detects.
//   - Exponentiated gradient starts at the uniform w with η = 1
//     (Settings.Step) and stops when an accepted step raises the mean
//     log-likelihood by at most Settings.Tol (10⁻⁹) or after
//     Settings.MaxIter (300) iterations.
//   - Source attribution is required (the NMF paper notes InfluLearner
//     needs it and gave it to InfluLearner in favour of it). With
//     multi-source training cascades a node infected first from one source
//     counts for that root only, so q̂_sj underestimates s's own reach when
//     other sources tend to get there first; the fitted weights absorb part
//     of this.
//
// # Symbols and identifiers
//
//	t_l        Model.Times[l]
//	K          Model.K
//	R^k        the feature bitsets of problem q = l·N + j (Model.feat)
//	w          Model.w[q·K : (q+1)·K]
//	λ, η       Settings.Smoothing, Settings.Step
package influlearner
