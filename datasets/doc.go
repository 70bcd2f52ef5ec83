// Package datasets holds cascade data: discrete-time activation records of
// independent-cascade-like processes on a graphs.Graph, their files, the
// partial-observation mask, the count tables SLICER learns from, and a
// synthetic builder that follows SLICER's experimental protocol.
//
// # Cascades
//
// A cascade c is the set of pairs (i, τ_i^c) of nodes activated within the
// horizon T and their activation times τ ∈ {0, ..., T-1}; seeds are the nodes
// with τ = 0, and a node absent from the cascade is censored (τ_i^c = T, not
// active at slot T-1), the time convention of SLICER §1 and of
// models/ic.Observations. Cascades stores M cascades in flat arrays: cascade
// k holds Node[Off[k]:Off[k+1]] with times Time[Off[k]:Off[k+1]], sorted by
// (time, node index).
//
// # Cascade files
//
// The CSV format has one activation per line, with external node ids:
//
//	cascade,node,time
//	c1,alice,0
//	c1,bob,1
//	c2,bob,0
//
// The header line is optional on input and always written. Blank lines and
// lines starting with '#' are skipped. Fields are trimmed of spaces and
// cannot be quoted (no commas inside ids). Cascade ids are arbitrary tokens
// kept in order of first appearance; the lines of one cascade need not be
// contiguous. A line "c,," (node and time empty) declares cascade c without
// an activation, so that cascades with no active node survive a round trip;
// WriteCascades emits it only for empty cascades. ReadCascades rejects, with
// the line number: a wrong column count, an unknown node id, a non-integer
// time, a time outside 0..T-1, and a repeated (cascade, node) pair.
//
// # Hidden nodes
//
// The observed set O ⊆ V is given as a []bool mask (observed[i] reports
// whether node i is observed). A hidden-node file lists the ids of the
// hidden nodes V∖O, one per line, with '#' comment lines.
//
// # Seed sets, marginals and mixture replicas
//
// A seed-set file (ReadSeeds, WriteSeeds; the output of spread im) lists
// one external node id per line in selection order, '#' comments allowed;
// an unknown or repeated id is an error naming the line. A marginals file
// (WriteMarginals; spread ic predict) is CSV "node,t,p" with p_i(t) the
// probability that node i is active by slot t. A mixture of R replicas is
// saved as R edge-value files, replica 1 under the given path and replica
// r ≥ 2 under "path.r<r>" (ReplicaPath, WriteReplicasFiles,
// ReadReplicasFiles). Every XFile writer replaces its file atomically
// (temporary file, then rename); every reader's errors are
// "datasets: read NAME line L: ...".
//
// # Count tables
//
// Counts groups cascades into initial-condition classes s and builds the
// SLICER count tables m_i^s(τ), the number of cascades of class s in which
// observed node i has activation time τ (τ = T: censored), so that
// Σ_τ m_i^s(τ) = M_s for every observed node. Rows of hidden nodes are zero.
// Grouping is either by seed set (the nodes with τ = 0, p̄^s = 1 on the set)
// or into one stochastic class with a given p̄.
//
// # Synthetic cascades
//
// Synthetic follows SLICER §9: M cascades of models/ic on g with
// probabilities α, each from one seed drawn uniformly among the observed
// nodes (or from a stochastic p̄), recorded up to the horizon T. Cascade k
// depends only on (Seed, k), not on the number of workers.
//
// # Continuous-time cascades
//
// TimedCascades holds cascades of the continuous-time IC model (models/cic)
// with float infection times in [0, T], sources at time 0. Two formats are
// read and written: CSV "cascade,node,time" (ReadTimedCascades,
// WriteTimedCascades) and the two-block text format of NetInf and NetRate
// (ReadNetRate, WriteNetRate): "id,name" node lines, a blank line, then one
// cascade per line as "id,t,id,t,…". Readers' errors name the file and
// line (negative, NaN or beyond-T times, a node infected twice in one
// cascade, unknown node ids); writers are atomic. Delay parameters are
// "u v a" or "u v λ k" lines (ReadDelayParams). BuildCIC generates the
// synthetic protocol of S. He, H. Zha and X. Ye, "Influence Estimation and
// Maximization via Neural Mean-Field Dynamics", arXiv:2106.02608, §4.2, from
// a CICConfig whose DefaultCICConfig holds the paper's values.
//
// Reference: M. Wilinski and A. Y. Lokhov, "Prediction-Centric Learning of
// Independent Cascade Dynamics from Partial Observations", ICML 2021.
package datasets
