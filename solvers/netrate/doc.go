// Package netrate infers a diffusion network's transmission rates from
// continuous-time cascades with NetRate (M. Gomez-Rodriguez, D. Balduzzi
// and B. Schölkopf, "Uncovering the Temporal Dynamics of Diffusion
// Networks", ICML 2011), the network-inference baseline of the NMF paper
// (S. He, H. Zha and X. Ye, arXiv:2106.02608, Table 1), and computes that
// paper's network-inference metrics.
//
// # The likelihood
//
// Under the continuous-time independent cascade model (models/cic) an
// edge j→i with rate α_ji has hazard α_ji·h(Δ) and cumulative hazard
// α_ji·ψ(Δ) at the delay Δ = t_i − t_j:
//
//	Exponential  h(Δ) = 1   ψ(Δ) = Δ       (f(Δ) = α e^{−αΔ})
//	Rayleigh     h(Δ) = Δ   ψ(Δ) = Δ²/2    (f(Δ) = αΔ e^{−αΔ²/2}, NetRate's convention)
//
// A cascade c observed up to the horizon T has the log-likelihood
//
//	Σ_{i: t_i ≤ T, t_i > 0} [ log Σ_{j: t_j < t_i} α_ji h(t_i − t_j) − Σ_{j: t_j < t_i} α_ji ψ(t_i − t_j) ]
//	− Σ_{i: t_i > T} Σ_{j: t_j ≤ T} α_ji ψ(T − t_j),
//
// the hazard terms of the infections and the survival terms of the nodes
// not infected by T. It separates over the target node i: NodeProblem is
// the negative log-likelihood of the column α_{·i},
//
//	f_i(a) = Σ_k a_k B_k − Σ_c log Σ_{j ∈ P_c} a_j h(t_i − t_j),
//
// convex in a ≥ 0 (a linear term plus −log of linear forms). Sources are
// infected at time 0 and tie, so they cannot explain each other, and a
// node's own source cascades contribute nothing to its problem.
//
// # Choices, recorded
//
//   - Variables. As in NetRate's MATLAB code, α_ji is a variable only if j
//     precedes i in some cascade in which i is infected (NodeProblem.Cand);
//     every other α_ji is 0 at the optimum.
//   - Solver. NetRate solves each column with CVX; here each column is
//     minimised by two-metric projected Newton (Bertsekas 1982) with the
//     exact Hessian Σ_c h_c h_cᵀ/s_c² on the free coordinates (Cholesky)
//     and an Armijo search along the projection arc, starting from the best
//     uniform point. It stops when an accepted step lowers f_i by at most
//     Settings.Tol·(1 + |f_i|) (default 1e-10), or after Settings.MaxIter
//     iterations (default 100; Stats.IterationLimit counts such nodes).
//     Coordinates reach exactly 0 through the projection, so the estimate
//     is sparse without a threshold. Nodes run in parallel goroutines; each
//     node's computation is sequential, so the result does not depend on
//     Settings.Workers.
//   - Output. Result.Graph holds the edges with α_ji ≥ Settings.Threshold
//     (the NMF paper thresholds at 0.01 "because all the transmission rates
//     are between [0.01, 1]"); zero keeps every positive rate. No
//     regularisation is added (NetRate's likelihood is used as is).
//   - Weibull has no hazard linear in a single rate and is refused, which
//     is why the NMF paper's Table 1 has only Exp and Rayleigh.
//
// # Metrics
//
// Compare computes, for inferred edges E and true edges E* (rate ≥ the
// threshold) and rate matrices A, A*, both the common metrics (Precision
// = |E∩E*|/|E|, Recall = |E∩E*|/|E*|, F1) and the NMF paper's Table 1
// metrics under the paper's names, which are swapped: its Prc =
// |E∩E*|/|E*| (the usual recall), its Rcl = |E∩E*|/|E| (the usual
// precision), its Acc = 1 − |E − E*|/(|E| + |E*|) with |E − E*| the
// non-zeros of the difference of the indicator matrices, which equals F1;
// and Cor = |tr(AᵀA*)|/(‖A‖_F ‖A*‖_F).
//
// # Symbols and identifiers
//
//	i          NodeProblem.Node, the target
//	a_k        α_{Cand[k] → i}, the variables of node i (Result: Params.A by edge)
//	B_k        NodeProblem.B: Σ ψ over the cascades where Cand[k] precedes i or i is not infected
//	P_c, h     the entries Off[c]..Off[c+1]−1 of NodeProblem.Idx and NodeProblem.H
//	s_c        Σ_{e∈c} a_{Idx[e]} H[e], the total hazard of i's infection in cascade c
package netrate
