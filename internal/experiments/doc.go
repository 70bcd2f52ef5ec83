// Package experiments reruns the experiments of Wilinski & Lokhov,
// "Prediction-Centric Learning of Independent Cascade Dynamics from Partial
// Observations", ICML 2021 (arXiv 2007.06557), on spread's implementations:
// SLICER (train/slicer with the adjoint gradient of solvers/adjoint), DMPrec
// (solvers/dmprec), the full-observation MLE (solvers/icmle), autodiff
// through the DMP graph (models/ic GraphObjective) and Monte-Carlo marginals
// (models/ic Simulator). Each experiment is a function returning an Output
// (points, figures, configuration, notes); `spread experiment <name>` runs
// one and writes <name>.csv, <name>.png and <name>_config.json.
//
// # Time convention
//
// T is the horizon of models/ic: activation times 0..T−1 are resolved and τ =
// T is "censored" (not active by slot T−1). The original Julia code's T
// (T_code) counts simulated rows and drops its last row, so T = T_code − 1
// (docs/SLICER.md §1). The paper's "cascades of length 5" ran with T_code =
// 5, so this package uses T = T_paper − 1 throughout: T = 4 for the paper's 5
// (Figs. 1–3), 9 for 10 (Figs. 2–3), 19 for 20 (Figs. 5–6) and 3 for the real
// networks' 4 (Fig. 4). The CSV gives both (columns t and t_code), and the
// learning rate of the paper's loop uses T_code as the code did.
//
// # Experiments
//
//	name   paper        protocol (quick / paper scale)
//	fig1a  Fig. 1a      3-regular tree N=20, T=4; error vs M for SLICER, DMPrec (the same
//	                    loop with the forward-mode gradient) and MLE on the same cascades;
//	                    also max|α_SLICER − α_DMPrec|. M 10²..10⁵, 5 α* sets / 10²..10⁶, 10.
//	fig1b  Fig. 1b      seconds per gradient vs N on 3-regular trees, M=10³, T=4, one core:
//	                    adjoint, autodiff (gorgonia), DMPrec (stopped once a median exceeds
//	                    StopSeconds). N 20..1280, 2 α* sets / 20..5120, 5.
//	fig2   Fig. 2       full observation, N=100, T=4 and 9, tree/scale-free tree/RRG/ER/
//	                    lattice; error vs M. M 10²..10⁵, 1×2 runs / 10²..10⁶, 5 networks × 5 α*.
//	fig3   Fig. 3       ξ=25% hidden nodes, trees and RRGs, T=4 and 9; edges touching hidden
//	                    leaves excluded on trees. M 10²..10⁵, 1×3 runs / as fig2.
//	fig5   Fig. 5       10×10 lattice, T=19: δp of DMP with α* and with α learned from M
//	                    cascades, against Monte-Carlo marginals; α error (Fig. 5a).
//	                    M 10..10⁴, 3 α*, 5·10⁴ MC runs/source / M 10..10⁶, 3 α*, 10⁶.
//	fig6   Fig. 6       same lattice, δp of the R-replica mixture for R=1..4, ξ=0 and 15%.
//	                    M=10⁴, 1 α*, 300 iterations/stage with the rate decay from
//	                    iteration 100 / M=10⁶, 2 α*, 1000 iterations, decay from 400.
//	real   Fig. 4       as-22july06 (and web-sk-2005 at paper scale), α*=max(k_i,k_j)^(−1/2),
//	                    p̄=10/N, T=3, ξ=0 and 25%, adam from α=0.1; error vs M 10³..10⁶.
//	mim-table1  MIM-Reasoner   multiplex influence maximisation (Do et al., AISTATS 2024, Table 1
//	            Table 1        and Fig. 3): ISF, KSN, MIM-Reasoner (a method registry, MIMMethods)
//	                           on synthetic ER multiplexes and Arabidopsis/Xenopus, budget 30,
//	                           every seed set scored by one Monte-Carlo evaluator per dataset.
//
// The NMF experiments reproduce He, Zha & Ye, "Influence Estimation and
// Maximization via Neural Mean-Field Dynamics" (arXiv:2106.02608, the
// extended version of the NeurIPS 2020 paper) on the data of datasets.BuildCIC:
//
//	nmf-fig2   Fig. 2    influence estimation: probability and scaled-influence MAE vs t
//	                     against Monte Carlo for NMF (train/nmf), the mean-field ODE with the
//	                     true rates, ConTinEst (true network) and InfluLearner (cascades).
//	nmf-table1 Table 1   network inference: the paper's Prc/Rcl/Acc/Cor (netrate.Compare)
//	                     and the usual precision/recall/F1, NMF vs NetRate.
//	nmf-fig6   Fig. 6    influence maximisation: NMF-InfMax, CELF, IMM and InfluMax on the
//	                     true and on NetRate's network (the IMMethods registry), every seed
//	                     set scored by Monte Carlo on the true network.
//
// Where the paper is silent or this package departs from it: the
// mean-field baseline is NMF's field with ε ≡ 0 and A the true rates (1/λ
// for a Weibull scale λ; a constant-hazard approximation for Rayleigh and
// Weibull delays), integrated by RK4 with enough steps to stay stable
// (h·(largest in-rate sum) ≤ 2); NMF is
// selected by validation MAE on the first Train.ValSets test sets, which are
// then left out of every method's Fig. 2 scores; ConTinEst gives set
// influence only, so it has no probability MAE; the quick scale is n = 64
// with T = 10 and 900 cascades, and nmf-fig6's quick horizon is 2, because
// at horizon 10 almost every seed set reaches all 64 nodes; the paper's
// Fig. 6 gives IMM and InfluMax NetRate's network, and here they also run
// on the true one (their best case). Options.Config (`spread experiment
// -config FILE`) decodes a JSON object over any experiment's configuration.
//
// Each experiment's Long text in List (shown by `spread experiment help
// <name>`) states the protocol in full, and its Default<Name>(Scale) returns
// the configuration of each scale.
//
// Common protocol (paper §4, docs/SLICER.md §5): α* ~ U[0,1] independently
// per edge; each cascade starts from one seed drawn uniformly among the
// observed nodes (the real networks: the stochastic initial condition
// p̄_i = 10/N); hidden nodes are drawn uniformly and fixed across cascades;
// SLICER is the paper's loop (slicer.DefaultConfig: ascent from α = 0.5,
// ε₀ = N/(M·T_code·80), 1/√ decay after 400 iterations, relative tolerance
// 1e-6, at most 1000 iterations) unless an experiment documents otherwise;
// the error is mean |α − α*| over edges (slicer.MeanAbsError).
//
// Prediction error (Figs. 5–6): for a single-seed source s, δp_s =
// Σ_{t,i}|p_i^s(t) − p*_i^s(t)| / Σ_{t,i} p*_i^s(t) over the T_code = T+1 rows
// t = 0..T (the original code's arrays, including t = 0 and the row after the
// last resolved slot), with p from DMP (ic.MixtureMarginals) and p* from
// Monte Carlo; metric delta_p averages δp_s over the sources, metric
// delta_p_eq8 is the paper's eq. 8 read literally, the ratio of the sums over
// sources, nodes and times.
//
// # Data reuse and randomness
//
// Every random draw comes from a PCG stream whose seed is derived from
// Options.Seed and the indices naming the draw (topology, network, α* set,
// horizon, ξ), never from the worker, so the same seed gives the same CSV
// numbers for any Options.Workers, except the timing columns (seconds, and
// the metric itself in fig1b). The cascades for different M of one run are
// nested (the first M of a larger set), the α* sets of fig2, fig3, fig5 and
// fig6 coincide for the same seed (the lattice's set a is fig2's), and count
// tables are accumulated while simulating, without storing cascades.
//
// # Parallelism
//
// Runs (one learning run, one Monte-Carlo source, one fit) are independent
// jobs executed by Options.Workers goroutines; each slicer.Learn then uses
// max(1, Workers/jobs) gradient workers (its result does not depend on them).
// A point is reported to the Recorder when its last run completes.
package experiments
