package ppo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/models/nn"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/optim"
)

// ---------------------------------------------------------------------------
// Hyperparameters
// ---------------------------------------------------------------------------

// Config holds every hyperparameter of a run. Start from DefaultConfig and
// override fields; every field is used as given (γ = 0 and EntCoef = 0 are
// valid choices), and Validate rejects values out of range.
type Config struct {
	// Seed seeds the networks' initialisation, the environment resets,
	// action sampling and minibatch shuffling.
	Seed uint64 `json:"seed"`
	// Updates is the number of PPO updates (rollout + optimisation).
	Updates int `json:"updates"`

	// NumSteps is the number of environment steps per update, the rollout
	// length T ("update time step", MIM-Reasoner Table 3: 600).
	NumSteps int `json:"num_steps"`
	// Gamma is the discount factor γ (Table 3: 1).
	Gamma float64 `json:"gamma"`
	// GAELambda is the GAE λ (Table 3: 0.95).
	GAELambda float64 `json:"gae_lambda"`

	// UpdateEpochs is the number of passes K over the rollout per update
	// (Table 3: 8).
	UpdateEpochs int `json:"update_epochs"`
	// Minibatch is the minibatch size (Table 3: 256). The last minibatch of
	// an epoch holds the remaining NumSteps mod Minibatch samples.
	Minibatch int `json:"minibatch"`
	// ActorLR and CriticLR are the Adam learning rates of the policy and
	// value networks (Table 3: 3e-4 and 1e-3).
	ActorLR  float64 `json:"actor_lr"`
	CriticLR float64 `json:"critic_lr"`
	// AnnealLR decays both learning rates linearly to 0 over the updates
	// (CleanRL's --anneal-lr; off by default: the paper does not say).
	AnnealLR bool `json:"anneal_lr"`
	// NormAdv normalises the advantages per minibatch to zero mean and unit
	// standard deviation (CleanRL's --norm-adv).
	NormAdv bool `json:"norm_adv"`
	// ClipCoef is the surrogate clipping ε (Table 3: 0.2).
	ClipCoef float64 `json:"clip_coef"`
	// ClipVLoss clips the value update to ±ClipCoef around the rollout's
	// value, as CleanRL's --clip-vloss.
	ClipVLoss bool `json:"clip_vloss"`
	// EntCoef is the entropy coefficient c₂ (Table 3: 0.01).
	EntCoef float64 `json:"ent_coef"`
	// VfCoef is the value-loss coefficient c₁ (CleanRL: 0.5).
	VfCoef float64 `json:"vf_coef"`
	// MaxGradNorm is the global gradient-norm clip over the actor's and
	// critic's parameters together (Table 3: 0.5); 0 turns it off.
	MaxGradNorm float64 `json:"max_grad_norm"`
	// TargetKL stops an update's epochs early once approx_kl exceeds it;
	// 0 turns it off (CleanRL's --target-kl, default None).
	TargetKL float64 `json:"target_kl"`

	// Hidden are the hidden widths of both networks (tanh, Table 3: fully
	// connected with tanh). The policy maps each node's features to one
	// logit; the critic maps each node's features to one number and
	// averages them over the nodes.
	Hidden []int `json:"hidden"`

	// Checkpoint, if not empty, is the file the run is saved to every
	// CheckpointEvery updates (0: only at the end); Resume continues it.
	Checkpoint      string `json:"-"`
	CheckpointEvery int    `json:"-"`
}

// DefaultConfig returns MIM-Reasoner's PPO hyperparameters (Table 3) and
// CleanRL's ppo.py defaults where the paper is silent, for 100 updates.
func DefaultConfig() Config {
	return Config{
		Seed:         1,
		Updates:      100,
		NumSteps:     600,
		Gamma:        1,
		GAELambda:    0.95,
		UpdateEpochs: 8,
		Minibatch:    256,
		ActorLR:      3e-4,
		CriticLR:     1e-3,
		NormAdv:      true,
		ClipCoef:     0.2,
		ClipVLoss:    true,
		EntCoef:      0.01,
		VfCoef:       0.5,
		MaxGradNorm:  0.5,
		Hidden:       []int{64, 64},
	}
}

// Validate returns an error naming the first field out of range.
func (c Config) Validate() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("train/ppo: Config.%s = %v, want %s", field, v, want)
	}
	switch {
	case c.Updates < 0:
		return bad("Updates", c.Updates, "≥ 0")
	case c.NumSteps < 1:
		return bad("NumSteps", c.NumSteps, "≥ 1")
	case !(c.Gamma >= 0 && c.Gamma <= 1):
		return bad("Gamma", c.Gamma, "in [0, 1]")
	case !(c.GAELambda >= 0 && c.GAELambda <= 1):
		return bad("GAELambda", c.GAELambda, "in [0, 1]")
	case c.UpdateEpochs < 1:
		return bad("UpdateEpochs", c.UpdateEpochs, "≥ 1")
	case c.Minibatch < 1:
		return bad("Minibatch", c.Minibatch, "≥ 1")
	case !(c.ActorLR > 0) || math.IsInf(c.ActorLR, 0):
		return bad("ActorLR", c.ActorLR, "> 0")
	case !(c.CriticLR > 0) || math.IsInf(c.CriticLR, 0):
		return bad("CriticLR", c.CriticLR, "> 0")
	case !(c.ClipCoef > 0) || math.IsInf(c.ClipCoef, 0):
		return bad("ClipCoef", c.ClipCoef, "> 0")
	case !(c.EntCoef >= 0) || math.IsInf(c.EntCoef, 0):
		return bad("EntCoef", c.EntCoef, "≥ 0")
	case !(c.VfCoef > 0) || math.IsInf(c.VfCoef, 0):
		return bad("VfCoef", c.VfCoef, "> 0")
	case !(c.MaxGradNorm >= 0) || math.IsInf(c.MaxGradNorm, 0):
		return bad("MaxGradNorm", c.MaxGradNorm, "≥ 0")
	case !(c.TargetKL >= 0) || math.IsInf(c.TargetKL, 0):
		return bad("TargetKL", c.TargetKL, "≥ 0")
	case c.CheckpointEvery < 0:
		return bad("CheckpointEvery", c.CheckpointEvery, "≥ 0")
	}
	for k, h := range c.Hidden {
		if h < 1 {
			return bad(fmt.Sprintf("Hidden[%d]", k), h, "≥ 1")
		}
	}
	return nil
}

// minibatch returns the minibatch size used: Minibatch capped at NumSteps.
func (c Config) minibatch() int { return min(c.Minibatch, c.NumSteps) }

// ---------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------

// Env is an episodic environment with a discrete action space of A actions,
// each described by F features: an observation is the A×F matrix of
// per-action features, row-major (for "pick a node", one row per candidate
// node: Structure2vec embeddings, whether it is already a seed, the step),
// and a mask marks the allowed actions. At least one action must be allowed
// in every observation of an unfinished episode.
type Env interface {
	// Spec returns A and F; they must not change.
	Spec() (actions, features int)
	// Reset starts an episode from the given seed and returns its first
	// observation (len A·F) and mask (len A).
	Reset(seed uint64) (obs []float64, mask []bool, err error)
	// Step applies an allowed action and returns the next observation and
	// mask, the reward and whether the episode ended. After done the next
	// call is Reset. The returned slices may be reused by the next call.
	Step(action int) (obs []float64, mask []bool, reward float64, done bool, err error)
}

// ---------------------------------------------------------------------------
// Agent: per-node policy logits and a mean-pooled critic
// ---------------------------------------------------------------------------

// MaskedLogit is the logit given to a masked action: π(a) = exp(−1e9 − max)
// underflows to exactly 0 in float64, so a masked action is never sampled
// and its terms in the entropy and the gradient are exactly zero. A large
// finite value rather than −Inf keeps every intermediate finite (−Inf − −Inf
// would be NaN in the softmax's max subtraction if a whole row were masked).
const MaskedLogit = -1e9

// agentNets registers the actor (parameters "actor.k.W", "actor.k.b") and
// then the critic ("critic.k.*") in p, with CleanRL's layer_init:
// orthogonal weights with gain √2 in hidden layers, 0.01 for the policy
// output and 1 for the value output, zero biases.
func agentNets(p *nn.Params, features int, hidden []int, rng *rand.Rand) (actor, critic *nn.MLP, err error) {
	sizes := append(append([]int{features}, hidden...), 1)
	actor, err = nn.NewMLP(p, nn.MLPConfig{Name: "actor", Sizes: sizes, Hidden: nn.Tanh(),
		HiddenInit: nn.Orthogonal{Gain: math.Sqrt2}, OutputInit: nn.Orthogonal{Gain: 0.01}}, rng)
	if err != nil {
		return nil, nil, err
	}
	critic, err = nn.NewMLP(p, nn.MLPConfig{Name: "critic", Sizes: sizes, Hidden: nn.Tanh(),
		HiddenInit: nn.Orthogonal{Gain: math.Sqrt2}, OutputInit: nn.Orthogonal{Gain: 1}}, rng)
	return actor, critic, err
}

// net is the agent's forward pass over a batch of B states: data inputs
// (written before each run) and output nodes.
type net struct {
	g          *G.ExprGraph
	p          *nn.Params
	nActor     int // the first nActor parameters are the actor's
	B, A, F    int
	seg        []int // seg[b·A + a] = b
	obs        *G.Node
	mmul       *G.Node // 1 allowed, 0 masked
	madd       *G.Node // 0 allowed, MaskedLogit masked
	mnot       *G.Node // 1 − mmul
	prob, logp *G.Node // π(a|s), log π(a|s) (0 for masked a), rows b·A + a
	value      *G.Node // V(s_b)
}

// newNet builds the forward pass for B states of A actions with F features.
func newNet(g *G.ExprGraph, cfg Config, B, A, F int) (*net, error) {
	n := &net{g: g, p: nn.NewParams(g), B: B, A: A, F: F, seg: make([]int, B*A)}
	for r := range n.seg {
		n.seg[r] = r / A
	}
	actor, critic, err := agentNets(n.p, F, cfg.Hidden, rand.New(rand.NewPCG(cfg.Seed, 0)))
	if err != nil {
		return nil, err
	}
	n.nActor = 2 * len(actor.Layers)
	R := B * A
	n.obs = dataMatrix(g, "obs", R, F)
	n.mmul, n.madd, n.mnot = dataMatrix(g, "mask_mul", R, 1), dataMatrix(g, "mask_add", R, 1), dataMatrix(g, "mask_not", R, 1)
	logits := G.Must(actor.Forward(n.obs)) // R×1: one logit per (state, node)
	z := G.Must(G.Add(G.Must(G.HadamardProd(logits, n.mmul)), n.madd))
	n.prob = G.Must(ad.SegmentSoftmaxRows(z, n.seg, B))   // softmax over each state's A rows
	n.logp = G.Must(G.Log(G.Must(G.Add(n.prob, n.mnot)))) // log π, 0 where masked
	vr := G.Must(G.Reshape(G.Must(critic.Forward(n.obs)), tensor.Shape{R}))
	n.value = G.Must(G.Mul(G.Must(ad.ScatterAdd(vr, n.seg, B)), G.NewConstant(1/float64(A)))) // mean over nodes
	return n, nil
}

// dataMatrix adds a zero-filled named input matrix.
func dataMatrix(g *G.ExprGraph, name string, r, c int) *G.Node {
	return G.NewMatrix(g, tensor.Float64, G.WithName(name), G.WithShape(r, c),
		G.WithValue(tensor.New(tensor.WithShape(r, c), tensor.WithBacking(make([]float64, r*c)))))
}

// dataVector adds a zero-filled named input vector.
func dataVector(g *G.ExprGraph, name string, n int) *G.Node {
	return G.NewVector(g, tensor.Float64, G.WithName(name), G.WithShape(n),
		G.WithValue(tensor.New(tensor.WithShape(n), tensor.WithBacking(make([]float64, n)))))
}

// buf returns the backing slice an input node holds.
func buf(n *G.Node) []float64 { return n.Value().Data().([]float64) }

// setState writes state s (obs len A·F, mask len A) into row block b.
func (n *net) setState(b int, obs []float64, mask []bool) {
	copy(buf(n.obs)[b*n.A*n.F:], obs[:n.A*n.F])
	mm, ma, mn := buf(n.mmul), buf(n.madd), buf(n.mnot)
	for a, ok := range mask[:n.A] {
		r := b*n.A + a
		if ok {
			mm[r], ma[r], mn[r] = 1, 0, 0
		} else {
			mm[r], ma[r], mn[r] = 0, MaskedLogit, 1
		}
	}
}

// lossNet is the PPO loss over a minibatch of B samples (see doc.go):
//
//	loss = pg_loss − c₂·entropy_loss + c₁·v_loss
type lossNet struct {
	*net
	action, oldLogp, adv, ret, oldV, w *G.Node // data: one-hot (R×1), then per sample (B)
	newLogp                            *G.Node
	loss, pgLoss, vLoss, entLoss       *G.Node
}

func newLossNet(g *G.ExprGraph, cfg Config, B, A, F int) (ln *lossNet, err error) {
	defer func() {
		if r := recover(); r != nil {
			ln, err = nil, fmt.Errorf("train/ppo: building the loss: %v", r)
		}
	}()
	n, err := newNet(g, cfg, B, A, F)
	if err != nil {
		return nil, err
	}
	l := &lossNet{net: n}
	l.action = dataMatrix(g, "action_onehot", B*A, 1)
	l.oldLogp, l.adv, l.ret = dataVector(g, "logprob_old", B), dataVector(g, "advantage", B), dataVector(g, "return", B)
	l.oldV, l.w = dataVector(g, "value_old", B), dataVector(g, "weight", B)
	c := func(v float64) *G.Node { return G.NewConstant(v) }
	relu := func(x *G.Node) *G.Node { return G.Must(G.Rectify(x)) }
	sub := func(a, b *G.Node) *G.Node { return G.Must(G.Sub(a, b)) }
	add := func(a, b *G.Node) *G.Node { return G.Must(G.Add(a, b)) }
	mul := func(a, b *G.Node) *G.Node { return G.Must(G.HadamardProd(a, b)) }
	// clamp(x, lo, hi) = lo + relu(x − lo) − relu(x − hi), exact for lo < hi.
	clamp := func(x *G.Node, lo, hi float64) *G.Node {
		return sub(add(relu(sub(x, c(lo))), c(lo)), relu(sub(x, c(hi))))
	}
	// max(a, b) = b + relu(a − b).
	maxOf := func(a, b *G.Node) *G.Node { return add(b, relu(sub(a, b))) }
	mean := func(x *G.Node) *G.Node { return G.Must(G.Mul(x, l.w)) } // Σ_b w_b x_b, Σ w = 1

	// Products on the R×1 matrices first, then a reshape of the result:
	// gorgonia v0.9.18 runs element-wise ops in place on their first
	// operand, and a Reshape is a view, so a product on a reshaped prob
	// would overwrite the softmax output its gradient reads.
	R := B * A
	vec := func(x *G.Node) *G.Node { return G.Must(G.Reshape(x, tensor.Shape{R})) }
	l.newLogp = G.Must(ad.ScatterAdd(vec(mul(n.logp, l.action)), n.seg, B)) // log π_θ(a_t|s_t)
	entropy := G.Must(G.Neg(G.Must(ad.ScatterAdd(vec(mul(n.prob, n.logp)), n.seg, B))))

	// Policy loss: max(−Â·r, −Â·clip(r, 1−ε, 1+ε)), r = π_θ/π_θold.
	logratio := sub(l.newLogp, l.oldLogp)
	ratio := G.Must(G.Exp(logratio))
	negAdv := G.Must(G.Neg(l.adv))
	pg1 := mul(negAdv, ratio)
	pg2 := mul(negAdv, clamp(ratio, 1-cfg.ClipCoef, 1+cfg.ClipCoef))
	l.pgLoss = mean(maxOf(pg1, pg2))

	// Value loss: ½ max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²).
	dv := sub(n.value, l.ret)
	vUnclipped := mul(dv, dv)
	if cfg.ClipVLoss {
		dc := sub(add(l.oldV, clamp(sub(n.value, l.oldV), -cfg.ClipCoef, cfg.ClipCoef)), l.ret)
		l.vLoss = G.Must(G.Mul(c(0.5), mean(maxOf(vUnclipped, mul(dc, dc)))))
	} else {
		l.vLoss = G.Must(G.Mul(c(0.5), mean(vUnclipped)))
	}
	l.entLoss = mean(entropy)
	l.loss = add(sub(l.pgLoss, G.Must(G.Mul(c(cfg.EntCoef), l.entLoss))), G.Must(G.Mul(c(cfg.VfCoef), l.vLoss)))
	return l, nil
}

// ---------------------------------------------------------------------------
// GAE
// ---------------------------------------------------------------------------

// GAE computes generalised advantage estimates (Schulman et al., 2016)
// backwards over a rollout of T steps:
//
//	δ_t = r_t + γ·V(s_{t+1})·(1 − d_t) − V(s_t)
//	Â_t = δ_t + γλ·(1 − d_t)·Â_{t+1},    Â_T = 0
//	R_t = Â_t + V(s_t)
//
// with d_t = dones[t] (the episode ended with step t's action, so s_{t+1}
// is the next episode's start and is not bootstrapped), V(s_T) = lastValue
// and V(s_t) = values[t]. It writes Â into adv and R into ret. It returns
// an error if the lengths differ.
func GAE(adv, ret, rewards, values []float64, dones []bool, lastValue, gamma, lambda float64) error {
	T := len(rewards)
	if len(adv) != T || len(ret) != T || len(values) != T || len(dones) != T {
		return fmt.Errorf("train/ppo: GAE: lengths adv %d, ret %d, rewards %d, values %d, dones %d differ",
			len(adv), len(ret), T, len(values), len(dones))
	}
	last := 0.0
	for t := T - 1; t >= 0; t-- {
		next := lastValue
		if t+1 < T {
			next = values[t+1]
		}
		nonTerminal := 1.0
		if dones[t] {
			nonTerminal = 0
		}
		delta := rewards[t] + gamma*next*nonTerminal - values[t]
		last = delta + gamma*lambda*nonTerminal*last
		adv[t] = last
		ret[t] = last + values[t]
	}
	return nil
}

// ---------------------------------------------------------------------------
// The training loop
// ---------------------------------------------------------------------------

// Result is the outcome of Train or Resume.
type Result struct {
	// Policy is the trained agent.
	Policy *Policy
	// Status is IterationLimit after Config.Updates updates.
	Status train.Status
	// Stats counts updates (Iterations), environment steps (Evaluations)
	// and wall time.
	Stats train.Stats
	// Returns holds, per update, the mean return of the episodes that
	// finished in its rollout (NaN when none did).
	Returns []float64
}

// Train runs PPO on env with cfg and reports every update to rec (may be
// nil). It returns an error for an invalid config, an environment error or
// an invalid observation, or a failed checkpoint or recorder.
func Train(env Env, cfg Config, rec train.Recorder) (*Result, error) {
	r, err := newRun(env, cfg, rec)
	if err != nil {
		return nil, err
	}
	return r.loop()
}

// run is the state of one training run; everything a checkpoint stores is
// here.
type run struct {
	cfg  Config
	env  Env
	rec  train.Recorder
	A, F int

	// TRY NOT TO MODIFY: the machinery.
	ln                  *lossNet
	lossVM              G.VM
	pol                 *Policy        // the acting network (B = 1), synced before each rollout
	params              []*optim.Param // actor's then critic's
	actorOpt, criticOpt *optim.Adam
	lossVals            [5]G.Value // loss, pg_loss, v_loss, entropy_loss, newlogprob

	// Rollout storage, preallocated: step t at [t].
	obs      []float64 // T × A·F
	masks    []bool    // T × A
	actions  []int
	logprobs []float64
	rewards  []float64
	dones    []bool
	values   []float64
	adv, ret []float64

	update  int // updates done
	stats   train.Stats
	before  time.Duration
	started time.Time
	returns []float64
}

func newRun(env Env, cfg Config, rec train.Recorder) (*run, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if env == nil {
		return nil, errors.New("train/ppo: nil Env")
	}
	A, F := env.Spec()
	if A < 1 || F < 1 {
		return nil, fmt.Errorf("train/ppo: Env.Spec() = (%d, %d), want ≥ 1 actions and features", A, F)
	}
	T, mb := cfg.NumSteps, cfg.minibatch()
	r := &run{cfg: cfg, env: env, rec: rec, A: A, F: F,
		obs: make([]float64, T*A*F), masks: make([]bool, T*A), actions: make([]int, T),
		logprobs: make([]float64, T), rewards: make([]float64, T), dones: make([]bool, T),
		values: make([]float64, T), adv: make([]float64, T), ret: make([]float64, T),
		started: time.Now()}
	var err error
	if r.ln, err = newLossNet(G.NewGraph(), cfg, mb, A, F); err != nil {
		return nil, err
	}
	for i, n := range []*G.Node{r.ln.loss, r.ln.pgLoss, r.ln.vLoss, r.ln.entLoss, r.ln.newLogp} {
		G.Read(n, &r.lossVals[i])
	}
	if _, err := r.ln.p.Grad(r.ln.loss); err != nil {
		return nil, fmt.Errorf("train/ppo: %w", err)
	}
	r.lossVM = G.NewTapeMachine(r.ln.g)
	if r.pol, err = newPolicy(cfg, A, F); err != nil {
		return nil, err
	}
	r.params = r.ln.p.OptimParams()
	r.actorOpt = &optim.Adam{LR: cfg.ActorLR, Eps: 1e-5}
	r.criticOpt = &optim.Adam{LR: cfg.CriticLR, Eps: 1e-5}
	return r, nil
}

// loop runs the remaining updates: cleanrl's order, rollout, GAE,
// optimisation, report.
func (r *run) loop() (*Result, error) {
	cfg := r.cfg
	for r.update < cfg.Updates {
		if cfg.AnnealLR {
			frac := 1 - float64(r.update)/float64(cfg.Updates)
			r.actorOpt.LR, r.criticOpt.LR = frac*cfg.ActorLR, frac*cfg.CriticLR
		}
		// TRY NOT TO MODIFY: seeding. One stream per update, so that a
		// resumed run draws what an uninterrupted one would have.
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(r.update)+1))
		resets := rand.New(rand.NewPCG(cfg.Seed^0x9e3779b97f4a7c15, uint64(r.update)+1))

		// ALGO LOGIC: rollout. Each update starts a fresh episode; the
		// episode running at step T is bootstrapped with V(s_T).
		epSum, episodes, lastValue, err := r.rollout(rng, resets)
		if err != nil {
			return nil, err
		}
		if err := GAE(r.adv, r.ret, r.rewards, r.values, r.dones, lastValue, cfg.Gamma, cfg.GAELambda); err != nil {
			return nil, err
		}

		// ALGO LOGIC: optimise the policy and value networks.
		m, err := r.optimise(rng)
		if err != nil {
			return nil, err
		}

		// Report.
		r.update++
		r.stats.Iterations = r.update
		r.stats.Evaluations += cfg.NumSteps
		meanReturn := math.NaN()
		if episodes > 0 {
			meanReturn = epSum / float64(episodes)
		}
		r.returns = append(r.returns, meanReturn)
		if cfg.Checkpoint != "" && (r.update == cfg.Updates || (cfg.CheckpointEvery > 0 && r.update%cfg.CheckpointEvery == 0)) {
			if err := r.save(cfg.Checkpoint); err != nil {
				return nil, err
			}
		}
		if r.rec != nil {
			p := train.Progress{Method: "ppo", Iter: r.update, Objective: meanReturn, LR: r.actorOpt.LR,
				Evaluations: r.stats.Evaluations, Elapsed: r.elapsed(),
				Metrics: append(m, train.Metric{Name: "episodic_return", Value: meanReturn},
					train.Metric{Name: "episodes", Value: float64(episodes)})}
			if err := r.rec.Record(p); err != nil {
				return nil, fmt.Errorf("train/ppo: update %d: recorder: %w", r.update, err)
			}
		}
	}
	r.stats.Runtime = r.elapsed()
	if err := r.syncActor(); err != nil {
		return nil, err
	}
	return &Result{Policy: r.pol, Status: train.IterationLimit, Stats: r.stats, Returns: slices.Clone(r.returns)}, nil
}

func (r *run) elapsed() time.Duration { return r.before + time.Since(r.started) }

// rollout fills the storage with cfg.NumSteps steps of the current policy
// and returns the value of the state after the last step.
func (r *run) rollout(rng, resets *rand.Rand) (epSum float64, episodes int, lastValue float64, err error) {
	var epReturn float64
	A, F := r.A, r.F
	if err := r.syncActor(); err != nil {
		return 0, 0, 0, err
	}
	obs, mask, err := r.env.Reset(resets.Uint64())
	if err != nil {
		return 0, 0, 0, fmt.Errorf("train/ppo: update %d: Reset: %w", r.update+1, err)
	}
	for t := range r.cfg.NumSteps {
		if len(obs) != A*F || len(mask) != A {
			return 0, 0, 0, fmt.Errorf("train/ppo: update %d step %d: observation of %d values and mask of %d, want %d and %d", r.update+1, t, len(obs), len(mask), A*F, A)
		}
		copy(r.obs[t*A*F:(t+1)*A*F], obs)
		copy(r.masks[t*A:(t+1)*A], mask)
		prob, logp, v, err := r.pol.forward(obs, mask)
		if err != nil {
			return 0, 0, 0, err
		}
		a, err := sample(prob, mask, rng)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("train/ppo: update %d step %d: %w", r.update+1, t, err)
		}
		r.actions[t], r.logprobs[t], r.values[t] = a, logp[a], v
		var rew float64
		var done bool
		obs, mask, rew, done, err = r.env.Step(a)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("train/ppo: update %d step %d: Step(%d): %w", r.update+1, t, a, err)
		}
		r.rewards[t], r.dones[t] = rew, done
		epReturn += rew
		if done {
			epSum += epReturn
			episodes++
			epReturn = 0
			if obs, mask, err = r.env.Reset(resets.Uint64()); err != nil {
				return 0, 0, 0, fmt.Errorf("train/ppo: update %d: Reset: %w", r.update+1, err)
			}
		}
	}
	if len(obs) != A*F || len(mask) != A {
		return 0, 0, 0, fmt.Errorf("train/ppo: update %d: final observation of %d values and mask of %d, want %d and %d", r.update+1, len(obs), len(mask), A*F, A)
	}
	_, _, lastValue, err = r.pol.forward(obs, mask)
	return epSum, episodes, lastValue, err
}

func scalar(v G.Value) float64 {
	switch d := v.Data().(type) {
	case float64:
		return d
	case []float64:
		return d[0]
	}
	return math.NaN()
}

// sample draws an action from π restricted to the allowed actions.
func sample(prob []float64, mask []bool, rng *rand.Rand) (int, error) {
	u := rng.Float64()
	last := -1
	acc := 0.0
	for a, p := range prob {
		if !mask[a] {
			continue
		}
		last = a
		acc += p
		if u < acc {
			return a, nil
		}
	}
	if last < 0 {
		return 0, errors.New("every action is masked")
	}
	return last, nil // u ≥ Σπ by rounding
}

// syncActor copies the trained parameters into the acting network.
func (r *run) syncActor() error {
	theta, err := r.ln.p.Flatten(r.pol.Theta)
	if err != nil {
		return err
	}
	return r.pol.n.p.Unflatten(theta)
}

// optimise runs the update epochs over shuffled minibatches and returns the
// diagnostics of the update, named as in CleanRL.
func (r *run) optimise(rng *rand.Rand) ([]train.Metric, error) {
	cfg, ln := r.cfg, r.ln
	T, B, A, F := cfg.NumSteps, ln.B, r.A, r.F
	inds := make([]int, T)
	for i := range inds {
		inds[i] = i
	}
	actor, critic := r.params[:ln.nActor], r.params[ln.nActor:]
	onehot, oldLogp, adv, ret, oldV, w := buf(ln.action), buf(ln.oldLogp), buf(ln.adv), buf(ln.ret), buf(ln.oldV), buf(ln.w)
	var clipfracs []float64
	var approxKL, oldApproxKL float64
	for epoch := 0; epoch < cfg.UpdateEpochs; epoch++ {
		rng.Shuffle(T, func(i, j int) { inds[i], inds[j] = inds[j], inds[i] })
		for start := 0; start < T; start += B {
			mb := inds[start:min(start+B, T)]
			// Fill the minibatch; rows past len(mb) repeat its first sample
			// with weight 0.
			clear(onehot)
			var am, as float64
			for k := range B {
				t := mb[0]
				if k < len(mb) {
					t = mb[k]
				}
				ln.setState(k, r.obs[t*A*F:(t+1)*A*F], r.masks[t*A:(t+1)*A])
				onehot[k*A+r.actions[t]] = 1
				oldLogp[k], adv[k], ret[k], oldV[k] = r.logprobs[t], r.adv[t], r.ret[t], r.values[t]
				w[k] = 0
				if k < len(mb) {
					w[k] = 1 / float64(len(mb))
					am += r.adv[t]
				}
			}
			if cfg.NormAdv && len(mb) > 1 {
				am /= float64(len(mb))
				for k := range mb {
					as += (adv[k] - am) * (adv[k] - am)
				}
				sd := math.Sqrt(as / float64(len(mb)-1)) // torch's unbiased std
				for k := range adv {
					adv[k] = (adv[k] - am) / (sd + 1e-8)
				}
			}
			r.lossVM.Reset()
			if err := r.lossVM.RunAll(); err != nil {
				return nil, fmt.Errorf("train/ppo: update %d: %w", r.update+1, err)
			}
			if err := ln.p.ReadGrads(); err != nil {
				return nil, err
			}
			// Diagnostics (CleanRL: approx_kl = mean((r − 1) − log r), Schulman's k3).
			newLogp := r.lossVals[4].Data().([]float64)
			var kl, oldKL, clipped float64
			for k := range mb {
				lr := newLogp[k] - oldLogp[k]
				ratio := math.Exp(lr)
				oldKL -= lr
				kl += (ratio - 1) - lr
				if math.Abs(ratio-1) > cfg.ClipCoef {
					clipped++
				}
			}
			n := float64(len(mb))
			approxKL, oldApproxKL = kl/n, oldKL/n
			clipfracs = append(clipfracs, clipped/n)
			if err := train.CheckFinite("train/ppo", scalar(r.lossVals[0]), nil); err != nil {
				return nil, fmt.Errorf("train/ppo: update %d: %w", r.update+1, err)
			}
			if cfg.MaxGradNorm > 0 {
				optim.ClipGlobalNorm(r.params, cfg.MaxGradNorm)
			}
			if err := r.actorOpt.Step(actor); err != nil {
				return nil, fmt.Errorf("train/ppo: update %d: actor: %w", r.update+1, err)
			}
			if err := r.criticOpt.Step(critic); err != nil {
				return nil, fmt.Errorf("train/ppo: update %d: critic: %w", r.update+1, err)
			}
		}
		if cfg.TargetKL > 0 && approxKL > cfg.TargetKL {
			break
		}
	}
	var cf float64
	for _, c := range clipfracs {
		cf += c
	}
	cf /= float64(len(clipfracs))
	return []train.Metric{
		{Name: "pg_loss", Value: scalar(r.lossVals[1])},
		{Name: "v_loss", Value: scalar(r.lossVals[2])},
		{Name: "entropy_loss", Value: scalar(r.lossVals[3])},
		{Name: "old_approx_kl", Value: oldApproxKL},
		{Name: "approx_kl", Value: approxKL},
		{Name: "clipfracs", Value: cf},
		{Name: "explained_variance", Value: explainedVariance(r.values, r.ret)},
	}, nil
}

// explainedVariance is 1 − Var(R − V)/Var(R) (NaN when Var(R) = 0).
func explainedVariance(v, ret []float64) float64 {
	var mr, md float64
	for t := range ret {
		mr += ret[t]
		md += ret[t] - v[t]
	}
	n := float64(len(ret))
	mr, md = mr/n, md/n
	var vr, vd float64
	for t := range ret {
		vr += (ret[t] - mr) * (ret[t] - mr)
		d := ret[t] - v[t] - md
		vd += d * d
	}
	if vr == 0 {
		return math.NaN()
	}
	return 1 - vd/vr
}

func nan() float64 { return math.NaN() }
