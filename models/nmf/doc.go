// Package nmf is neural mean-field (NMF) dynamics as a differentiable
// program on gorgonia: S. He, X. Ye, H. Zha, "Network Diffusions via Neural
// Mean-Field Dynamics", NeurIPS 2020 (arXiv 2006.09449), eqs. 11–16.
//
// # Model
//
// The state of one cascade is m = [x; h] ∈ R^{2n}: x the infection
// probabilities, h the memory. With the source indicator χ_S,
//
//	x' = g_x(m) = ((1 − x)⊙(A x) + s·ε(x, h; η))⊙(1 − χ_S)
//	h' = g_h(m) = b⊙x − c⊙h,        x(0) = χ_S, h(0) = 0
//
// A x − diag(x) A x = (1 − x)⊙(A x) is the mean-field drift, (A)_ji = α_ij
// the rate of edge i→j. In code a batch of B cascades is a pair of B×n
// matrices X, H (row = cascade) and the parameter "W" is Aᵀ (W_ij = α_ij,
// row i = node i's outgoing rates), so the drift is X·W. With
// Config.Support the rates live on the support graph's edges (one per
// edge, CSR order) and the drift is a Gather/ScatterAdd (models/ad),
// O(E) per cascade. θ = (W, b, c, η) in Config.Layout order.
//
// ε is an MLP (models/nn) 2n → Hidden… → n with ELU hidden units and a
// sigmoid output in [0, 1] (paper §4.1: "three-layer … output truncated to
// [0,1]"; default one hidden layer of n).
//
// # Loss (eq. 14)
//
// For a cascade C = (S, τ) and horizon T, batch-averaged:
//
//	ℓ = Σ_{i ∉ S, t_i ≤ T} −log max(λ_i, Floor) + Φ(x(T))
//	Φ = −Σ_{i not infected by T} log max(1 − x_i(T), Floor)   (Survival, default)
//	Φ = 1ᵀx(T)                                                 (Poisson, the paper's)
//
// with λ_i = g_{x,i}(m(t_i)), plus λ_A Σ log(1 + W/δ) (or λ_A Σ W, the ℓ1
// norm on W ≥ 0) and (wd/2)‖η_weights‖².
//
// # Choices where the paper is silent or inconsistent
//
//   - Sign of ε: s = −1 by default (EpsSign). The paper writes +ε; the
//     exact equation (6) gives −Σ_j α_ji e_ij with e_ij ≥ 0 for positively
//     correlated infections, so the correction lowers the mean-field
//     overestimate; the authors' released code also subtracts it.
//   - B and C of the kernel K(t) = B e^{−Ct}: diagonal (vectors b, c), which
//     commute as the paper requires; c ≥ 0 so the kernel decays.
//   - A ≥ 0 and c ≥ 0 by projection after every Adam step (Config.Project),
//     as the released code's variable constraint; W starts at U[0, 0.02] so
//     every node has a positive intensity. On a sparse support that start
//     is too small: a node with one infected in-neighbour has drift ≈ 0.01,
//     below ε's initial 0.018, so with s = −1 its intensity is negative and
//     sits on the floor, gradient-free. train/nmf's InitFit (on by
//     default) scales the initial rates to the constant that fits the
//     cascades best.
//   - ε's output bias starts at −4 (ε ≈ 0.018): with s = −1 a sigmoid at 0.5
//     would make every intensity negative at initialisation.
//   - Projected integration: after every solver step x ← clamp(x, 0, 1),
//     and the sources are pinned (g_x = 0 on S, x_S = 1). Without the pin
//     a non-zero ε moves the sources off 1, and the RK4 stages see moved
//     sources, which makes the scheme first order. The clamp also hides
//     instability: with h·ρ above the scheme's real stability limit (ρ the
//     largest total in-rate; 2 for Euler, 2.785 for RK4) a fast node's x
//     overshoots and is clamped, and it can stay at 0 for the whole
//     horizon. The paper's RK4-40 on [0, 20] (h = 0.5) allows in-rate sums
//     up to 5.6 only. Config.StepStability measures h·ρ of a θ; spread's nmf
//     commands and experiments warn above the limit rather than change the
//     grid a model was trained on.
//   - Event times between grid points (the paper's Algorithm 1 integrates
//     piecewise, the experiments use a fixed 40-step grid): Interp (default)
//     reads λ_i = (1−w) g(m_k) + w g(m_{k+1}) with w = (t_i − t_k)/h;
//     Nearest uses the nearest grid point; Exact integrates each cascade on
//     the uniform grid merged with its infection times (CascadeGrid) and
//     reads λ_i at its own grid point. Exact is computed by the plain-Go
//     solvers only (solvers/costate.Loss and Discrete, train/nmf with the
//     adjoint gradient): the batched gorgonia program has one grid for all
//     rows. On RK4 with 4 steps its loss is 80× closer than Interp's to the
//     512-step loss (solvers/costate TestExactConverges).
//   - Sources are skipped in the event sum (eq. 22 formally includes them;
//     an intensity at t = 0 of a node infected by fiat means nothing).
//   - One floor, Floor = 1e-10, inside both logs (the released code's);
//     below it the term's gradient is zero.
//   - Terminal term: Survival by default. Eq. 14's 1ᵀx(T) is the Poisson
//     compensator; the exact likelihood of each node's first infection
//     has −log(1 − x_i(T)) for uninfected nodes. A PyTorch
//     reimplementation trained better with it; on our quick run both give
//     the same test MAE (docs/RESULTS.md).
//   - Batch mean, not sum (the regularisers' weight then does not depend
//     on the batch size).
//   - Weight decay: coupled L2 on ε's weights only, off by default; the
//     paper's value 1 at n = 128 would drive ε to zero.
//   - Float64 by default; the paper's PyTorch code is float32.
//     Config.Float32 compiles Objective, Predictor and Influence in
//     float32 (parameters, states, the fused ops with Sgemm, the loss)
//     behind the same float64 interface: θ is rounded on the way in, the
//     loss and gradient widened on the way out. A step at n = 128 takes
//     about half the CPU of float64 in the pure-Go build and a third
//     under OpenBLAS (docs/BENCHMARKS.md). The reference graph (Unfused),
//     Model and solvers/costate stay float64. Float32 is accurate where
//     the intensities are away from 0 (loss and gradient within a few
//     1e-6 of float64 on the tests' models, and at n = 128 with s = +1).
//     With s = −1, λ = (1−x)(Ax) − ε is a difference of close numbers
//     and some events' λ pass within ~1e-7 of 0, where the gradient of
//     −log λ, ∝ 1/λ, amplifies float32's ~1e-7 error in the state: at
//     n = 128 at the default start the float32 gradient is 84% off
//     float64's in norm, the loss 0.16% (with the rates scaled 3× or 10×,
//     the gradient 42–82% per parameter block, the loss 0.3% and 0.03%).
//     PyTorch's float32 has the same arithmetic. In a 30-epoch training
//     comparison at n = 128 (3 seeds) float32 reached the same losses and
//     validation MAE as float64 to within the seeds' spread.
//
// # Gradients
//
// Objective compiles the loss once (models/compiled) and differentiates
// it by reverse-mode autodiff through the unrolled solver: the exact
// gradient of the discretised loss.
//
// By default each evaluation of g_x is one fused gorgonia op (fused.go)
// whose forward is a few batched matrix products through gorgonia's BLAS
// and whose backward is the hand-written vector–Jacobian product; g_h,
// the solver's stage combinations and the clamp-and-pin projection are
// one op each too, and parameter gradients are summed in place across
// the 161 evaluations of an RK4 unroll instead of by gorgonia. With
// Config.Unfused the field is the reference graph of element-wise ops
// and models/nn layers; the two agree to 1e-12 (fused_test.go). At
// n = 128 the fused step takes less than half the CPU time of the
// reference graph, and the build tag openblas (internal/openblas), which
// moves its matrix products to OpenBLAS (Dgemm, and Sgemm under
// Config.Float32), cuts it by another 1.7× (docs/BENCHMARKS.md).
//
// Model is the same field in plain Go
// with its vector–Jacobian products, used by solvers/costate for the
// discrete adjoint (equal to autodiff to rounding) and the paper's
// continuous co-state.
package nmf
