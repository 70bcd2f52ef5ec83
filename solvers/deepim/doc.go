// Package deepim is DeepIM (Ling, Jiang, Rana, Xie, Yang, Zhao, Zhao and
// Zhao, "Deep Graph Representation Learning and Optimization for Influence
// Maximization", ICML 2023) as a learned baseline of multiplex influence
// maximisation, run as the MIM-Reasoner paper (Do et al., AISTATS 2024,
// Table 1 and §5.1) compares it: on the multiplex through the union graph
// with the coupling.
//
// # The method
//
// A seed set is its indicator x ∈ {0,1}^n. DeepIM has three parts.
//
// (a) A variational autoencoder over seed sets (Kingma & Welling 2014):
//
//	h = ReLU(x W₀ + b₀),  μ = h W_μ + b_μ,  log σ² = h W_σ + b_σ,
//	z = μ + σ ⊙ ε,  ε ~ N(0, I_d),  ℓ = dec(z),  x̂ = sigmoid(ℓ),
//	L_VAE = Σ_v [softplus(ℓ_v) − x_v ℓ_v] + β · ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1),
//
// the binary cross-entropy of the reconstruction (computed from the logits
// ℓ) plus β times KL(q(z|x) ‖ N(0, I)); dec is an MLP d → Hidden → n with a
// ReLU hidden layer.
//
// (b) A diffusion estimator f(x; G) ≥ 0, monotone in x, on the coupled
// union graph U of the multiplex: an arc u→v when some layer i has it, with
// weight
//
//	w_uv = 1 − Π_i (1 − a^i_uv),
//
// a^i the layer's IC probability or LT weight (multiplex.Model.Values; an
// LT layer's weights enter like probabilities, the usual live-edge reading
// of LT). With h⁰_v = x_v and L GNN layers of width F,
//
//	m^ℓ_v = Σ_{u→v ∈ U} w_uv h^{ℓ−1}_u,
//	h^ℓ_v = ReLU(h^{ℓ−1}_v W_s^ℓ + b^ℓ + m^ℓ_v W_n^ℓ),
//	s_v = sigmoid(h^L_v w_o + b_o),   ŷ_v = x_v + (1 − x_v) s_v,
//	f(x) = Σ_v ŷ_v,
//
// ŷ_v the predicted probability that v ends active (a seed surely is). The
// weight matrices W_s, W_n, w_o are kept ≥ 0 (initialised |Glorot| and
// projected after every Adam step), the biases are free: then every h^ℓ
// and s is non-decreasing in x (non-negative combinations of
// non-decreasing functions through the non-decreasing ReLU and sigmoid),
// and so is ŷ_v, since ∂ŷ_v/∂x_v = 1 − s_v + (1 − x_v) ∂s_v/∂x_v ≥ 0 on
// [0,1]^n: f is monotone, DeepIM's Theorem on its diffusion model. It is
// trained by the per-node squared error
//
//	L_f = Σ_v (ŷ_v − p_v(S))²
//
// against Monte-Carlo activation probabilities p_v(S) of the multiplex
// model itself (models/multiplex: per-layer IC/LT with overlapping
// activation), whose sum is the spread σ(S).
//
// (c) Seed selection by optimisation in the latent space: from a start z₀,
// Adam minimises
//
//	J(z) = −f(x̂(z)) + λ (Σ_v x̂_v(z) − k)² + (γ/2)‖z‖²,
//
// and the seeds are the top k entries of x̂ (descending).
//
// # Symbols and identifiers
//
//	x, x̂, z, μ, σ, ε   "x", decoder sigmoid, "z", "mu", "lv" (log σ²), "eps"
//	W₀, W_μ, W_σ, dec  "enc.0", "mu", "lv", "dec.0", "dec.1" (nn.Linear names)
//	W_s^ℓ, b^ℓ, W_n^ℓ  "f.ℓ.self.W", "f.ℓ.self.b", "f.ℓ.nb.W"
//	w_o, b_o           "f.out.W", "f.out.b"
//	w_uv               union.w ("f.arcw"), U's arcs sorted by (u, v)
//	p_v(S)             the labels, Config.Runs cascades per training set
//	β, λ, γ, d, F, L   Config.Beta, Lambda, Prior, Latent, Features, Layers
//
// Every network is a gorgonia graph built from models/nn and the row ops
// of models/ad (GatherRows/ScatterAddRows over U's arcs), compiled once
// through models/compiled; both networks train with train/optim's Adam.
// The node states of a batch of B seed sets are one (n, B·F) matrix for
// the gather/scatter and its (n·B, F) view for the channel maps.
//
// # Where the papers are silent, and what this package chooses
//
//   - Multiplex. DeepIM is a single-network method; MIM-Reasoner runs it
//     "on the entire multiplex network". Here the GNN runs on the union
//     with the coupled weights w_uv above, and the training labels come
//     from the true multiplex model (mixed IC/LT), so the estimator learns
//     the multiplex spread, not the union's IC spread.
//   - Training data. DeepIM trains on pairs (seed set, diffusion outcome)
//     from simulation. Here Config.Samples sets (512) with sizes uniform in
//     1..2·Budget (Budget defaults to the k of the run), labelled by
//     Config.Runs cascades each (world NewWorld(Seed, "deepim", i·Runs+r),
//     computed in parallel, the result independent of Workers).
//   - Joint vs separate training. DeepIM trains the estimator on the
//     decoder's output, y = f(x̂). Here the two losses are minimised side
//     by side on the same mini-batches, each network with its own Adam,
//     and the estimator takes two steps per batch: one on the true x and
//     one on the VAE's reconstruction x̂ of that step (sigmoid of the
//     logits, held fixed: no gradient flows from L_f into the VAE), both
//     against p(S). The second step is DeepIM's f(x̂); it teaches the
//     estimator the fractional inputs the latent ascent feeds it (on
//     Xenopus it raised the spread of the selected set; Config.NoRecon
//     drops it). The losses stay separable, each with its own gradient
//     check.
//   - Encoder and decoder. MLPs (one hidden layer each, ReLU), d = 16,
//     Hidden = 128 by default; the paper's sizes are far larger (9.2 M
//     parameters in the MIM-Reasoner setting, §C.2), scaled down to run in
//     minutes on two cores.
//   - Estimator. The GNN above (L = 3, F = 16) with per-node outputs and
//     the seed skip ŷ = x + (1 − x)s; DeepIM's own propagation network is
//     replaced by this small monotone message-passing net.
//   - Early stopping. MIM-Reasoner §5.1: "DeepIM is stopped when the
//     increment of reconstruction accuracy is not larger than ε for every
//     25% of the total number of epochs". Reconstruction accuracy here is
//     the mean over the training sets S of |top_|S|(ℓ(μ)) ∩ S| / |S|, the
//     fraction of the set recovered by the |S| largest logits of the
//     decoded mean (ε = 0 noise); it is measured before training and after
//     each quarter of Config.Epochs, and training stops when the gain over
//     the previous measurement is ≤ Config.Epsilon (0.005; negative: off).
//     The rule watches the VAE only, so it may stop an estimator that has
//     not converged (the MIM paper's §C.2 reports that failure mode).
//   - Budget. DeepIM constrains Σ x̂ ≤ k; here the constraint is the
//     quadratic penalty λ(Σ x̂ − k)² (λ = 1), with the Gaussian prior term
//     (γ/2)‖z‖² (γ = Config.Prior = 1) keeping z where the decoder was trained, and the final top-k
//     projection.
//   - Starts. The ascent runs from the encoder means of the Starts − 1
//     training sets of size ≤ k with the largest Monte-Carlo spread, and
//     from z = 0; the top-k set with the largest f wins. 200 Adam steps at
//     0.05 each.
//
// # Two rules: RulePaper and RuleTuned (the default)
//
// Config.Rule = RulePaper is the method as stated above. With it, on
// Xenopus, the search found sets at 60 % of ISF's spread although a plain
// greedy on the trained f reached 97 % (docs/RESULTS.md): the VAE cannot
// compress uniformly random seed sets (reconstruction accuracy 0.47), so
// its decodings stay diffuse and the top-k of the optimised x̂ is far
// from f's good sets. RuleTuned (Config.Rule = "" or RuleTuned) keeps the
// design, a VAE whose latent space is searched under the budget, and
// changes three things DeepIM leaves open:
//
//   - Training sets with structure. DeepIM trains on seed sets whose
//     diffusion was observed, without fixing their law. Every other
//     training set (odd index) is drawn with probability proportional to
//     1 + its coupled out-degree Σ_v w_uv in U (weighted sampling without
//     replacement, Efraimidis & Spirakis 2006 keys u^(1/w)); the even ones
//     stay uniform, so the estimator still sees the whole space. Sizes are
//     drawn as before.
//   - A start at the estimator's greedy set. The first latent start is
//     the encoder mean μ(x_G) of the set G picked greedily on f (k rounds,
//     each evaluating f on all n candidate sets);
//     the other starts are the paper rule's, so there are Starts + 1.
//   - Decode, round, polish. As in the paper rule the top k of each
//     start's optimised x̂ is scored by f and the best set kept; that set
//     is then polished on f by single swaps: for each seed in turn every
//     non-seed is tried in its place, the best taken if
//     it raises f by more than 10⁻⁹ relative; passes repeat until one
//     changes nothing or Config.Polish passes (2) ran. Polishing every
//     start's set instead took 167 s of inference on Xenopus against
//     57 s (both on a loaded machine) for σ 220.24 against 219.82, so
//     only the best set is polished.
//
// The polish and the greedy use only f, the trained estimator, never
// Monte Carlo: at most k + Polish·k rounds of n candidate sets, each set
// one node away from the round's base set. A change at a node reaches
// only the states within L arcs downstream of it, so each candidate's f
// is the base f plus the change of ŷ on that neighbourhood, computed
// exactly from the base's states (localEst; a mean of 54 nodes per
// candidate on Arabidopsis, n = 6,980, against n for a full forward);
// the greedy and polish were first one batched gorgonia run of all n
// sets per round, whose (n, n·F) states took 6.2 GB each on Arabidopsis
// (Method.InferTime).
//
// # Determinism
//
// Every draw comes from Config.Seed (PCG streams 1: training sets (both
// the uniform and the degree-biased ones), 2: VAE
// initialisation, 3: estimator initialisation, 4: batches and ε), the
// labels are per-sample worlds, and the rest is sequential: the same seed
// gives the same seeds for any Workers or GOMAXPROCS.
//
// Method adapts the package to solvers/mim (spread mim -method deepim);
// Stats.TrainTime and Method.InferTime are the training and inference
// times of MIM-Reasoner's Table 1.
package deepim
