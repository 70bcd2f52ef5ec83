// Package ppo is proximal policy optimisation (Schulman, Wolski, Dhariwal,
// Radford and Klimov, "Proximal Policy Optimization Algorithms", 2017) with
// generalised advantage estimation (Schulman et al., ICLR 2016) on
// gorgonia, written in the order of CleanRL's ppo.py: hyperparameters
// (Config, DefaultConfig), the agent, then the loop (rollout, GAE,
// optimisation epochs over shuffled minibatches, report). It is the
// per-layer policy of MIM-Reasoner (Do, Chowdhury, Ling, Zhao and Thai,
// AISTATS 2024, §3.2 and Table 3), whose hyperparameters are the defaults.
//
// # Environment and agent
//
// An Env has A discrete actions, each described by F features: the
// observation s is an A×F matrix, one row per candidate node of
// MIM-Reasoner's action space V_i^g \ S_{i,t} (the features, e.g.
// Structure2vec embeddings with the partial solution and the step, are the
// environment's), and a mask marks the allowed actions. The actor is one
// tanh MLP applied to every row, giving a logit per node:
//
//	π_θ(a|s) = exp(z_a) / Σ_{a' allowed} exp(z_{a'}),   z_a = MLP_actor(s_a)
//
// A masked action's logit is replaced by MaskedLogit = −1e9 (a large
// finite negative, not −Inf, so that no intermediate is ever NaN): its
// probability underflows to exactly 0, it is never sampled, and it adds
// exactly 0 to the entropy and the gradient (log π is taken as 0 there).
// The critic is a second tanh MLP per row, averaged over the rows:
// V(s) = (1/A) Σ_a MLP_critic(s_a). Both use CleanRL's layer_init
// (orthogonal, gain √2 in hidden layers, 0.01 on the policy output, 1 on
// the value output, zero biases).
//
// # The loss (CleanRL's names)
//
// For a minibatch of samples t with rollout log-probability log π_old,
// advantage Â_t (normalised per minibatch when NormAdv), return R_t and
// rollout value V_old, with r_t = exp(log π_θ(a_t|s_t) − log π_old) and
// clipping ε:
//
//	pg_loss      = mean_t max(−Â_t r_t, −Â_t clip(r_t, 1−ε, 1+ε))
//	v_loss       = ½ mean_t max((V_θ(s_t) − R_t)², (V_old + clip(V_θ − V_old, −ε, ε) − R_t)²)
//	               (½ mean (V_θ − R_t)² without ClipVLoss)
//	entropy_loss = mean_t H(π_θ(·|s_t))
//	loss         = pg_loss − c₂·entropy_loss + c₁·v_loss       (c₂ EntCoef, c₁ VfCoef)
//	approx_kl    = mean_t (r_t − 1) − log r_t                  (of the last minibatch)
//	clipfracs    = mean over minibatches of the share of |r_t − 1| > ε
//
// max and clip are written with ReLUs (max(a, b) = b + relu(a − b),
// clip(x, lo, hi) = lo + relu(x − lo) − relu(x − hi)), whose derivative
// is that of the textbook expressions away from the kinks. The gradient
// of loss with respect to the actor's and critic's parameters together is
// clipped to global norm MaxGradNorm, then the actor takes an Adam step
// with ActorLR and the critic one with CriticLR (ε_Adam = 1e-5 as in
// CleanRL).
//
// GAE runs backwards over the rollout: δ_t = r_t + γ V(s_{t+1})(1 − d_t) −
// V(s_t), Â_t = δ_t + γλ(1 − d_t) Â_{t+1}, R_t = Â_t + V(s_t), with d_t = 1
// when the episode ended at step t.
//
// # Choices where the sources differ or are silent
//
//   - Rollouts do not span updates: every update resets the environment,
//     and the episode still running after NumSteps steps is bootstrapped
//     with V(s_T). Each update draws from its own streams (PCG seeded by
//     (Seed, update)), so a resumed run is bit-identical to an
//     uninterrupted one. CleanRL keeps its vectorised envs running instead.
//   - One environment (CleanRL's num_envs = 1); the rollout length is
//     Table 3's "update time step" 600; the last minibatch of an epoch is
//     the remainder (600 = 256 + 256 + 88), padded to the compiled size
//     with zero weights.
//   - Table 3's "target network smoothing coefficient 1024" is not a PPO
//     parameter and is not used.
//
// # Gorgonia
//
// The loss is one graph over a fixed minibatch size, built, differentiated
// and compiled once; acting uses a second graph over one state (Policy)
// whose parameters are copied from the first before every rollout. In
// gorgonia v0.9.18 element-wise ops may run in place on their first
// operand, and a Reshape is a view of its input: an element-wise product on
// a reshaped softmax output overwrote the values the softmax gradient
// reads (found by the gradient check; docs/GORGONIA.md). The products are
// therefore formed on the R×1 matrices and the result is reshaped.
//
// # Checkpoints
//
// With Config.Checkpoint set, Train saves (atomically, JSON) the
// parameters, both Adam states, the update count and the per-update
// returns every CheckpointEvery updates and at the end; Resume continues.
package ppo
