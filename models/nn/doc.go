// Package nn is a small neural-network layer library on gorgonia: a
// registry of named parameters, fully connected layers, multilayer
// perceptrons, activations and the standard initialisations. It is what
// NMF's ε network (an MLP inside an ODE vector field), the graph attention
// network (linear projections of N×F node features) and the PPO
// actor-critic (MLP policy and value heads) are built from.
//
// # Layers
//
// A Linear layer with input size in and output size out computes
//
//	y = x·W + b,   x: (batch, in),  W: (in, out),  b: (out),  y: (batch, out),
//
// i.e. y[r][j] = b[j] + Σ_k x[r][k]·W[k][j]: rows are samples, and b is
// added to every row (G.BroadcastAdd with the right operand broadcast along
// axis 0). W is stored (in, out), the transpose of PyTorch's nn.Linear
// weight, so that a batch is a plain matmul. Forward also accepts a 1-D
// vector of length in, treated as one row, and then returns a vector of
// length out.
//
// An MLP with Sizes [n₀, n₁, …, n_K] is K Linear layers L_k: n_k → n_{k+1},
//
//	h₀ = x,  h_{k+1} = σ(L_k(h_k)) (k < K−1),  y = σ_out(L_{K−1}(h_{K−1})),
//
// with σ = MLPConfig.Hidden and σ_out = MLPConfig.Output (Identity unless
// set).
//
// # Symbols and identifiers
//
//	x        the input node: (batch, in) matrix or (in) vector
//	W, b     Linear.W (in, out), Linear.B (out); parameters "name.W", "name.b"
//	L_k      MLP.Layers[k], parameters "name.k.W", "name.k.b"
//	σ        Activation (MLPConfig.Hidden, MLPConfig.Output)
//	θ        all parameters flattened: Params.Flatten, registration order, row-major
//	∂θ       Params.ReadGrads into Params.GradValue / optim.Param.Grad
//
// # Activations
//
//	Identity   σ(x) = x
//	ReLU       σ(x) = max(x, 0)                        G.Rectify
//	Tanh       σ(x) = tanh x                           G.Tanh
//	Sigmoid    σ(x) = 1/(1 + e^{−x})                   G.Sigmoid
//	Softplus   σ(x) = log(1 + eˣ)                      composed, exact
//	ELU(α)     σ(x) = x (x > 0), α(eˣ − 1) (x ≤ 0)     composed (Clevert et al. 2016)
//	LeakyReLU(s) σ(x) = x (x ≥ 0), s·x (x < 0)         G.LeakyRelu (Maas et al. 2013)
//
// All are built from gorgonia v0.9.18 ops that have symbolic gradients,
// checked against central differences in the tests. Two need care:
//
//   - Softplus: gorgonia's G.Softplus returns x itself for x > 16 (and 0
//     below −708), a jump of log1p(e^{−16}) ≈ 1.1e-7 in the value. Softplus
//     here is r + G.Softplus(x − 2r) with r = relu(x), i.e.
//     max(x, 0) + log(1 + e^{−|x|}): G.Softplus only sees arguments ≤ 0,
//     where it is exact, and the derivative is σ(x) everywhere (½ at 0).
//   - ELU: gorgonia has no ELU op. It is r + α·expm1(x − r) with r =
//     relu(x); x − r = min(x, 0), so exp never sees a positive argument (no
//     overflow, no Inf·0 = NaN), and the derivative is 1 for x ≥ 0, α·eˣ
//     for x < 0.
//
// At the kink x = 0, ReLU, LeakyReLU and ELU take the right derivative (1):
// G.Rectify's mask is x ≥ 0. Finite differences are meaningless within a
// step of a kink; the gradient tests keep every pre-activation at least
// 1e-4 away from 0. G.Sigmoid clamps to exactly 0 below −709 and 1 above
// 19 (an error ≤ 5.6e-9).
//
// # Initialisation
//
// Every initialisation is an Init value and draws from a *rand.Rand passed
// in by the caller (math/rand/v2): there is no package-level generator, and
// the same seed and construction order give the same bits. For W of shape
// (in, out), fan_in = in and fan_out = out.
//
//	GlorotUniform{g}  W ~ U(−a, a),  a = g·√(6/(fan_in + fan_out))   Glorot & Bengio 2010
//	HeNormal{g}       W ~ N(0, σ²),  σ = g/√fan_in,  g = √2 default   He et al. 2015
//	Orthogonal{g}     W = g·Q,  QᵀQ = I (in ≥ out) or QQᵀ = I (in < out)   Saxe et al. 2014
//	Zeros{}, Constant(c)                                              biases
//
// Defaults: weights GlorotUniform{1}, biases Zeros{}. Q is the Q factor of
// a matrix of standard normal draws (with R's diagonal made positive, so Q
// is Haar-distributed, as in PyTorch's orthogonal_). CleanRL's PPO
// (layer_init in ppo.py) is MLPConfig{HiddenInit: Orthogonal{√2},
// OutputInit: Orthogonal{0.01}} for the policy head, Orthogonal{1} for the
// value head, with zero biases. A zero Gain means the default shown.
//
// # Parameters and training
//
// Params owns the parameters of one graph: each is a float64 input node
// with a unique name, bound to a tensor whose backing []float64 the
// registry keeps. Names must be unique because gorgonia merges input nodes
// of the same name silently (models/ad/doc.go); Params.New rejects a
// duplicate with an error. The registration order is the order of Nodes
// (the wrt list of G.Grad, or the params returned by a compiled objective's
// Build func(g *G.ExprGraph) (cost *G.Node, params G.Nodes, err error)),
// of Flatten/Unflatten and of OptimParams.
//
// A training loop builds the graph once and reuses it:
//
//	p := nn.NewParams(g)
//	mlp, _ := nn.NewMLP(p, cfg, rng)       // registers mlp.0.W, mlp.0.b, ...
//	y, _ := mlp.Forward(x)
//	loss := ...                             // scalar node
//	p.Grad(loss)                            // G.Grad + G.Read, before compiling
//	vm := G.NewTapeMachine(g)
//	params := p.OptimParams()               // Value, Grad share the registry's slices
//	for step := range steps {
//		vm.Reset(); vm.RunAll()
//		p.ReadGrads()                       // copy ∂loss/∂θ into the Grad slices
//		adam.Step(params)                   // updates the values the next run reads
//	}
//
// Rebinding a parameter node with G.Let replaces its tensor, so the
// registry's slices no longer reach the graph; write through Unflatten or
// the optimiser instead (gradcheck.CheckGraph rebinds and restores the
// original tensors, so it is safe).
//
// The layers' Forward and the activations are float64 only. A float32
// registry (NewParamsOf(g, tensor.Float32)) registers float32 parameter
// nodes, with float64 Flatten, Unflatten and gradient buffers, for
// programs that compute in float32 with ops of their own (models/nmf's
// fused field reads the layers' W and b nodes, not Forward).
package nn
