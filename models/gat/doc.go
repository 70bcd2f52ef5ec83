// Package gat is a graph attention network (Veličković, Cucurull, Casanova,
// Romero, Liò and Bengio, "Graph Attention Networks", ICLR 2018) built from
// the models/ad row-wise primitives, and MIM-Reasoner's candidate finder ℐ
// trained on it (Do, Chowdhury, Ling, Zhao and Thai, "MIM-Reasoner:
// Learning with Theoretical Guarantees for Multiplex Influence
// Maximization", AISTATS 2024, §3 and App. A.1).
//
// # One layer
//
// A layer maps node features h_j ∈ ℝ^F to h′_i ∈ ℝ^{F′} (per head) over the
// edges j → i of a Topology, in PyTorch Geometric's message / aggregate /
// update split. For each head k = 1…K, with W_k ∈ ℝ^{F×F′} and
// a_k = [a_dst,k ‖ a_src,k] ∈ ℝ^{2F′}:
//
//	message:   e_ij^k = LeakyReLU(a_kᵀ [W_k h_i ‖ W_k h_j])
//	                  = LeakyReLU(a_dst,kᵀ W_k h_i + a_src,kᵀ W_k h_j)      (eq. 1, 3)
//	           α_ij^k = exp(e_ij^k) / Σ_{l: l→i} exp(e_il^k)                (eq. 2, 3)
//	aggregate: m_i^k  = Σ_{j: j→i} α_ij^k W_k h_j                           (eq. 4)
//	update:    h′_i   = ‖_k m_i^k + b            (Concat: width K·F′, eq. 5)
//	           h′_i   = (1/K) Σ_k m_i^k + b      (average: width F′, eq. 6)
//
// and σ (Config.Activation, ELU by default) between layers, none after the
// last. As in GATConv, the bias b is added after aggregation. In the graph:
// W h for all heads is one matmul (N × K·F′, head k in columns k·F′…);
// s_src = (W h ⊙ a_src)·B and s_dst likewise (N × K, B the K·F′ × K head
// indicator); e = LeakyReLU(GatherRows(s_dst, Dst) + GatherRows(s_src, Src))
// (E × K); α = SegmentSoftmaxRows(e, Dst) (the softmax over each node's
// in-edges, per head); the messages GatherRows(W h, Src) ⊙ (α·Bᵀ); the
// aggregation ScatterAddRows(·, Dst, N). A node without in-edges (and
// without a self-loop) gets m_i = 0, so h′_i = b.
//
// Self-loops (Config.SelfLoops, on by default as in GATConv) add i → i
// for every node, so that i attends to itself as in the paper's
// neighbourhood N_i ∪ {i}. Dropout on features and coefficients (the
// paper's regulariser) is not implemented.
//
// # Symbols and identifiers
//
//	F, F′, K      Config.In, LayerConfig.Out, LayerConfig.Heads
//	W_k           Layer.W, parameter "name.l.W", F × K·F′ (columns of head k)
//	a_src, a_dst  Layer.ASrc, Layer.ADst: "name.l.a_src", "name.l.a_dst", K·F′
//	b             Layer.B, "name.l.b"
//	j → i         Topology edge e: Src[e] = j, Dst[e] = i
//	α_ij^k        Forward's alphas[l], row e, column k
//	θ             nn.Params.Flatten order: per layer W, a_src, a_dst, b (Init, Apply)
//
// The a_dst term is constant over the in-edges of i; only the LeakyReLU
// keeps it from cancelling in the softmax, so its gradient is often tiny.
//
// # Candidate finder (MIM-Reasoner, App. A.1)
//
// For each layer G_i of the multiplex, h subgraphs Ĝ_{i,z} are sampled. The
// probabilistic greedy run ϰ times on Ĝ_{i,z} gives solution sets S_z^q and
// the node score
//
//	ω(v) = Σ_q ϝ_q(v) / Σ_q σ_i(S_z^q)                                  (eq. 8)
//
// (ϝ_q(v) the marginal gain of v when it joined S_z^q), the good nodes
// V_z^g = ∪_q S_z^q, and the GAT ℐ is fit by
//
//	J(Θ) = Σ_z 1/|V_z^g| Σ_{v ∈ V_z^g} (ω(v) − ω̂(v))²                    (eq. 9)
//
// TrainFinder minimises J with Adam (η = 0.01, Table 3) over Samples, each a
// subgraph with its features, ω and V_z^g; the scores come from the caller
// (the spread oracle lives in solvers). Finder.Predict gives ω̂ on an unseen
// graph and TopC keeps the c best as the candidate set V_i^g (the paper
// gives no rule for c: it is the caller's); Recall measures a candidate set
// against a reference one (for example the greedy seeds).
//
// Choices where the paper is silent: the node features are the caller's;
// the default architecture is the ICLR paper's (8 heads × 8 features,
// concatenated, ELU, then a one-head output layer); each training step is
// one full-batch Adam step over the disjoint union of all samples.
package gat
