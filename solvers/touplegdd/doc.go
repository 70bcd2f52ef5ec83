// Package touplegdd is ToupleGDD (Chen, Yan, Guo and Wu, "ToupleGDD: A
// Fine-Designed Solution of Influence Maximization by Deep Reinforcement
// Learning", IEEE Transactions on Computational Social Systems, 2024;
// arXiv:2210.07500) as a learned baseline of multiplex influence
// maximisation, run the way MIM-Reasoner (Do, Chowdhury, Ling, Zhao and
// Thai, AISTATS 2024, §5 and Table 1) compares it: a single-graph method
// applied to the union of the layers with the coupling.
//
// # The graph it sees
//
// Topology is the union U of the multiplex's layers (models/multiplex): an
// arc u→v when some layer has it, weighted
//
//	w_uv = 1 − Π_i (1 − x^i_uv),
//
// x^i the IC probability or LT weight of u→v in layer i (default 1/in-degree
// of v in the layer): the exact IC union of models/multiplex.UnionIC when
// every layer is IC, and the same formula with LT weights read as
// probabilities otherwise. Self-loops are dropped. The rewards, however,
// come from the true multiplex cascade (per-layer IC/LT with overlapping
// activation), so the network is trained on the objective it is scored on.
//
// # Three coupled GNNs
//
// Every node v carries a source embedding S_v (how it influences), a target
// embedding T_v (how it is influenced) and a scalar state X_v (how likely it
// is active given the seed set S; X⁰_v = 1 for v ∈ S, else 0). One round
// l = 1..L, with Ŝ = S W_l and T̂ = T W_l:
//
//	state:  g_uv  = a_x·softmax_{u→v}(LReLU(η_sᵀŜ_u + η_tᵀT̂_v)) + b_x·w_uv
//	        X'_v  = σ(x_self X_v + x_nb Σ_{u→v} g_uv X_u),  X'_v = 1 on seeds
//	source: α_uv  = a_s·softmax_{v: u→v}(LReLU(β_sᵀŜ_u + β_tᵀT̂_v)) + b_s·w_uv
//	        S'_u  = LReLU(s_self Ŝ_u + s_nb Σ_{u→v} α_uv gate_s(T_v) + s_state X'_u)
//	target: φ_uv  = a_t·softmax_{u→v}(LReLU(τ_sᵀŜ_u + τ_tᵀT̂_v)) + b_t·w_uv
//	        T'_v  = LReLU(t_self T̂_v + t_nb Σ_{u→v} φ_uv gate_t(S_u) + t_state X'_v)
//
// (softmax_{u→v} over the in-arcs of v, softmax_{v: u→v} over the out-arcs
// of u; gate = LReLU(LReLU(x W1 + b1) W2 + b2); LReLU slope 0.2). The
// Q-network scores every candidate v given S:
//
//	Q(v; S) = θ₁ᵀ LReLU([θ₂ S_v, θ₄ (1/K) Σ_{w∈S} S_w, θ₃ (1/N) Σ_{u≠v} (1 − X_u) T_u, θ₅ ρ]),
//
// with S, T, X the last round's and ρ = (K − |S|)/K the remaining budget. The networks are gorgonia graphs built from
// models/ad's GatherRows, ScatterAddRows and SegmentSoftmaxRows (the
// pattern of models/gat), compiled once per batch size (models/compiled).
//
// # Double deep Q-learning
//
// An episode starts from S = ∅ and adds K seeds; the action is a node not
// in S (chosen nodes are masked), ε-greedy on Q. The reward of adding a is
// the marginal gain r = (σ(S ∪ {a}) − σ(S)) / RewardScale of the multiplex
// Monte-Carlo oracle (multiplex.NewMC, Config.Runs worlds, common random
// numbers, so the gains of an episode sum to its spread). n-step
// transitions (S_t, a_t, R = Σ_{i<n} γ^i r_{t+i}, S_{t+n}) go to a replay
// buffer; each environment step takes Updates Adam steps (train/optim) on
// minibatches of the loss (1/B) Σ_b (Q(a_b; S_b) − y_b)², with the double
// DQN target (van Hasselt, Guez and Silver, AAAI 2016)
//
//	y = R + γ^n Q⁻(argmax_{v ∉ S'} Q(v; S'); S')   (y = R at the end),
//
// Q⁻ the target network, a copy of the online parameters every
// TargetEvery steps. A batch of B states is one block-diagonal graph of B
// copies of U (PyTorch Geometric's batching).
//
// # Early stopping and the returned agent
//
// The MIM paper's rule for ToupleGDD: for every 25 % of the episodes, stop
// if the current solution is not better than the best one. The solution is
// the greedy rollout of the online network (K picks, no exploration),
// scored by the training oracle every EvalEvery episodes and at every
// quarter mark; training stops at a quarter mark when no evaluation in that
// quarter beat the best, and the Agent keeps the parameters of the best
// evaluation. Agent.Select(k) is the inference: k greedy picks, one forward
// pass each.
//
// # Where the paper is silent, or where we chose otherwise
//
//   - Initial embeddings: the authors pretrain 2×50+1-dimensional DeepWalk
//     embeddings with a source–target objective. Here S⁰_v = [1, d⁺, w⁺,
//     d⁻, w⁻] and T⁰_v = [1, d⁻, w⁻, d⁺, w⁺]: log(1 + out/in-degree) and
//     summed out/in weights on U, each column scaled by its maximum. No
//     pretraining stage, and nothing node-identity-specific.
//   - Training data: the paper trains on many small random graphs and
//     tests on others; as in the MIM comparison, training and inference
//     here are on the multiplex itself.
//   - The state of the same round: S' and T' read X' (this round's state),
//     not X; the authors' code reads the previous state, which with L = 2
//     keeps a seed's effect on its out-neighbours from reaching the
//     sources of their other in-neighbours (measured: the agent then never
//     learned diminishing returns on the two-star fixture of the tests).
//   - Q's third term is weighted by 1 − X_u, the last state, so that the
//     state GNN feeds the Q-value (in the authors' code the last round's
//     state is unused and the term sums the targets of the non-seeds); the
//     sum is divided by N so that its scale does not grow with the graph,
//     and the seeds' sum by K, likewise (without it the Q-values diverged on
//     Xenopus: Q ≈ 50 where returns are ≤ 8, and the greedy picks were
//     sinks).
//   - The remaining budget ρ is a fourth input of the Q-network (the
//     authors' has none). With a fixed budget per episode the return from a
//     state depends on the picks left, which the other terms only encode
//     indirectly; ρ lets the value offset follow it. It is the same for
//     every candidate, so it never changes the ranking. Select(k) with k
//     ≠ K still uses (K − |S|)/K.
//   - Sizes: d = 16, L = 2, gate width 16: 3,228 parameters (the MIM paper
//     counts 925,090 for its ToupleGDD); the coupling coefficients start at
//     1, matrices Glorot-uniform, biases 0 (the authors draw everything from
//     N(0, 0.01²)).
//   - Hyperparameters the paper does not give for this setting: γ = 0.99,
//     n = 2 (the authors' command line), replay 5,000, minibatch 8, Adam
//     1e-3 with global-norm clip 10, 4 updates per step, target copy every
//     200 updates, ε from 1 to 0.05 over the first half of the episodes,
//     rewards divided by K.
//   - The reward oracle: the multiplex Monte-Carlo estimate with Config.Runs
//     worlds (the paper's mc = 100 by default) is evaluated for every
//     environment step; no cheaper estimator.
//
// # Symbols and identifiers
//
//	S_v, T_v, X_v        source, target embeddings and state (net.layer)
//	W_l, η, β, τ         "W{l}", "eta{l}.s|t", "beta{l}.s|t", "tau{l}.s|t"
//	a_x, b_x, x_self, …  "x{l}.att", "x{l}.edge", "x{l}.self", "x{l}.nb"
//	θ₁ … θ₄              "theta1.a|b|c", "theta2", "theta3", "theta4"
//	K, n, γ              Config.K, Config.NStep, Config.Gamma
//	Q⁻                   the target parameters (copied every TargetEvery)
package touplegdd
