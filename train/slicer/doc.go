// Package slicer is the SLICER learning loop of Wilinski & Lokhov,
// "Prediction-Centric Learning of Independent Cascade Dynamics from Partial
// Observations", ICML 2021 (arXiv 2007.06557): it learns the transmission
// probabilities α of the Independent Cascade model by maximising the DMP
// objective of models/ic,
//
//	O(α) = Σ_s Σ_{i∈O} Σ_{τ=0}^{T} m_i^s(τ) · log µ_i^s(τ)          (paper eq. 4)
//
// over α ∈ (0, 1)^P, or the mixture objective of R replicas (paper eq. 9),
// with the gradient ∂O/∂α from a pluggable source.
//
// # Problem, Method, Settings, Result
//
// The Problem is a train.Objective: Eval(θ, grad) returns O(θ) and writes
// ∂O/∂θ. By default (Config.Grad = "autodiff", everywhere: library, CLI and
// experiments) the gradient is reverse-mode autodiff through the DMP built
// as a gorgonia graph (models/ic GraphObjective, or Config.Autodiff when it
// is set): autodiff is the source of truth. [AdjointObjective] wraps the
// hand-written adjoint of solvers/adjoint (Config.Grad = "adjoint"), a
// verified reference and an opt-in fast path; the two agree to rounding
// (tested in models/ic and here). The Method is Config.Method ("ascent" or
// "adam"), the Settings are the rest of [Config], and [Learn] returns a
// [Result] with a train.Status (Converged, IterationLimit, Failure),
// per-stage train.Trace records and train.Stats. Each stage runs on
// train.Loop; progress goes to a train.Recorder; the package never prints.
//
// Parameters θ follow models/ic: one entry per undirected edge (per directed
// edge for directed graphs), P = g.NumPairs() per replica, replicas stored
// one after another (replica-major).
//
// # Update rules
//
// Iteration k (k = 0, 1, … within a stage) maps θ_k to θ_{k+1} using
// ∇O(θ_k), then evaluates O and ∇O at θ_{k+1}: one gradient evaluation per
// iteration (the original code also evaluated O separately).
//
// "ascent" is the original code's rule (examples/slicer.jl of
// github.com/mateuszwilinski/dynamic-message-passing; docs/SLICER.md §2),
// per coordinate e:
//
//	s_e = ε_k · ∂O/∂α_e(α_k);   while α_e + s_e ≤ 0 or α_e + s_e ≥ 1: s_e ← s_e/2;   α_e ← α_e + s_e
//
// (the code writes α ← α − ε·D with D = −∂O/∂α). Step halving keeps every
// α_e in the open interval (0, 1); it is neither clipping nor a line search.
// The rate is
//
//	ε_k = ε₀ for k < K0,   ε_k = ε₀ / √(k + 1 − K0) for k ≥ K0,
//	ε₀  = N / (M · T_code · 80),   T_code = T + 1,
//
// with N nodes, M cascades in total and K0 = 400 (Config.K0). The original
// code's T (T_code) counts simulated rows and its last row is censored, so
// our horizon T (activation times 0..T−1, T = censored; models/ic) is
// T_code − 1 (docs/SLICER.md §1). The code multiplies its rate by
// √(k−K0)/√(k+1−K0) after each iteration beyond K0; optim.InvSqrt is the
// closed form, equal up to rounding. 80 is the code's empirical constant
// (Config.LRDivisor). For mixtures the original code (examples/replicas.jl)
// keeps the same ε₀, so each replica moves about R times more slowly than a
// single model; adam is scale-free.
//
// "adam" is optim.Adam ascending O (Maximize) with the same schedule shape
// η_k = η₀ (k < K0), η₀/√(k+1−K0) (k ≥ K0), η₀ = DefaultAdamLR = 0.03,
// projected onto [AdamMargin, 1−AdamMargin] = [1e-4, 1−1e-4]. Both values
// and the Patience default below were chosen by measurement on 3-regular
// trees (N = 20) and random 3-regular graphs (N = 30), T = 4, M = 10³ and
// 10⁴, 0% and 25% hidden nodes, 4 draws of α* each: with the closed box
// [0, 1] adam often parked edges on the boundary (floored µ terms have zero
// gradient there) and stopped far below the optimum.
//
// # Stopping
//
// A stage stops with Converged when |O_{k+1} − O_k| ≤ Tol·|O_k| has held on
// Patience consecutive iterations (Tol = 1e-6; Patience 1 for ascent, the
// original rule; 10 for adam), or with IterationLimit after MaxIters = 1000
// iterations. A NaN or infinite objective or gradient is an error (a
// *train.NonFiniteError) with Status Failure, not a silent stop as in the
// original code, where abs(NaN) > threshold is false (docs/SLICER.md §3).
//
// # Mixtures: replica continuation
//
// With Config.Replicas = R > 1, Learn runs R stages: stage 1 learns a single
// model from α = Init (or, with Config.InitFit, from the constant α of
// [FitConstant]); stage r ≥ 2 starts from the r−1 replicas of stage
// r−1 plus a copy of one of them (chosen uniformly), and moves every
// parameter by δ·U[−1, 1] (δ = Config.Perturb = 0.05), clipped to
// [PerturbClip, 1−PerturbClip]; the random numbers come from the PCG stream
// (Config.Seed, r). The paper (§5.2, Figs. 6–7) learns the R-replica model
// from the perturbed (R−1)-replica solution but gives the scheme in
// supplement S5, which we could not read; this scheme is our proposal
// (docs/SLICER.md §4). Duplicating a replica changes the uniform mixture
// unless r = 2, so only the 1 → 2 step starts exactly at the previous
// optimum before the perturbation.
//
// # Checkpoints
//
// With Config.Checkpoint set, Learn writes a JSON checkpoint atomically
// (internal/atomicfile) every CheckpointEvery iterations and at the end of
// every stage: θ, the stage and iteration, the objective histories, the
// optimiser state (Adam's moments), Stats, a hash of the settings that
// determine the iterates and a hash of the data. [Resume] continues from it
// and returns bit-identical θ and objectives to an uninterrupted run.
//
// # Priors and MAP estimation
//
// When the cascades are few for the number of edges (ego-Facebook: 50
// cascades, 176,468 parameters), most edges are never tested, or tested and
// never fire, and maximum likelihood leaves them at their start or drives
// them to the box; a constant guess then beats the estimate. Config.Prior
// adds a prior and Learn maximises the posterior (MAP) instead,
//
//	F(α) = O(α) + log p(α),   log p(α) = Σ_e log p(α_e),
//
// with, for every entry α_e (every replica alike), the Beta prior of mode m
// and strength κ
//
//	p(α_e) = Beta(α_e; 1 + κm, 1 + κ(1−m)),
//	log p(α_e) = κ[m log α_e + (1−m) log(1−α_e)] − log B(1 + κm, 1 + κ(1−m)),
//	∂ log p/∂α_e = κ[m/α_e − (1−m)/(1−α_e)],
//
// κm pseudo-activations and κ(1−m) pseudo-failures per edge. We parametrise
// by the mode, not the mean (the mean is (1 + κm)/(2 + κ)), because both
// shape parameters are then ≥ 1 for every κ > 0: log p is concave in α, an
// edge the data say nothing about ends exactly at m, and no prior pushes
// edges to the box (Beta(κm, κ(1−m)) with κm < 1 does). The learners keep
// α in [1e-4, 1−1e-4] (SPGMargin), where log p is finite.
//
// "beta" ([PriorBeta]) fixes m (Prior.Mean) and κ. "hier" ([PriorHier]) is
// the hierarchical, empirical Bayes version: shrinkage of ℓ_e = logit α_e
// toward a global centre µ learned with α, a Gaussian of precision κ,
//
//	F(α, µ) = O(α) − (κ/2) Σ_e (ℓ_e − µ)²,
//
// maximised jointly over α and µ. [Prior.LogPrior] profiles µ out at every
// evaluation, µ*(α) = mean_e ℓ_e, and since Σ_e (ℓ_e − µ*) = 0 the profiled
// objective O(α) − (κ/2) Σ_e (ℓ_e − µ*)² has the gradient
//
//	∂O/∂α_e − κ (ℓ_e − µ*) / (α_e(1 − α_e)):
//
// one objective over α alone, for any gradient source ([MAPObjective]);
// the learned mode is m = σ(µ*) ([Prior.Mode]). The prior lives on the
// logit scale because there it is translation invariant: its normaliser
// does not depend on µ, so the joint maximum cannot gain by moving µ. A
// hierarchical Beta prior with a free mode fails exactly there (we tried
// it first): at fixed κ its peak density grows as m → 0, and on ego-Facebook
// with 50 cascades (most edges tested and never firing) the density term
// took over, the MAP objective rising from −6·10⁵ to +4.8·10⁴ (κ = 10) as m
// headed for the box. κ is not learned jointly either
// (the joint maximum over κ is at κ → ∞, every ℓ_e = µ): it is chosen by
// held-out likelihood. [SelectPrior] fits each candidate prior on a part of
// the cascades (datasets.SplitCascades) and scores the fitted α̂ by the
// plain SLICER objective of the held-out cascades (no prior term); the
// caller refits the best on all cascades (spread ic learn -prior hier
// -validate 0.2). Large κ is shrinkage to the best constant α, κ → 0 is
// maximum likelihood.
//
// # Determinism
//
// Given the data and the Config, θ is bit-identical for any Workers and
// GOMAXPROCS: the adjoint reduces classes in a fixed order, the update
// rules are elementwise and the perturbations come from Config.Seed.
//
// # Metrics
//
// [MeanAbsError] is the paper's ℓ1 error, mean |α − α*| over edges;
// [EdgesTouchingHiddenLeaves] gives the edges the paper leaves out of it on
// trees with hidden leaves (the code's find_unobserved_leaves).
//
// Symbols ↔ identifiers: α ↔ Result.Theta, ε₀ and η₀ ↔ Config.LR, K0 ↔
// Config.K0, Tol ↔ Config.Tol, δ ↔ Config.Perturb, R ↔ Config.Replicas,
// O(θ_k) ↔ Stage.History[k] (F(θ_k) with a prior), m ↔ Prior.Mean (beta)
// or Prior.Mode = σ(µ*) (hier), κ ↔ Prior.Strength.
package slicer
