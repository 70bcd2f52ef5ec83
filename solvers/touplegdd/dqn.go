package touplegdd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/train/optim"
)

// Config holds the sizes and the double-DQN hyperparameters. A zero field
// means its default (DefaultConfig); K is required.
type Config struct {
	// K is the training budget: every episode picks K seeds. Required.
	K int
	// Dim is the embedding width d of every GNN layer (16).
	Dim int
	// Layers is the number of rounds L of the coupled GNNs (2).
	Layers int
	// GateHidden is the hidden width of the gate MLPs (16).
	GateHidden int
	// Episodes is the number of training episodes, the "epochs" of the
	// MIM paper's early-stopping rule (40).
	Episodes int
	// Batch is the replay minibatch size (8).
	Batch int
	// Buffer is the replay capacity in transitions (5000).
	Buffer int
	// Updates is the number of gradient steps per environment step once
	// the buffer holds a minibatch (4).
	Updates int
	// LR is Adam's learning rate (1e-3); ClipNorm the global gradient-norm
	// clip (10).
	LR, ClipNorm float64
	// Gamma is the discount γ (0.99) and NStep the n of n-step returns (2).
	Gamma float64
	NStep int
	// TargetEvery is the number of gradient steps between copies of the
	// online parameters into the target network (200).
	TargetEvery int
	// EpsStart and EpsEnd bound the ε-greedy exploration, decayed linearly
	// over the first EpsDecay fraction of the episodes (1, 0.05, 0.5).
	EpsStart, EpsEnd, EpsDecay float64
	// EvalEvery is the number of episodes between greedy evaluations of the
	// online network (1: every episode; an evaluation is K forward passes
	// and one oracle call, a few per cent of an episode); the quarter marks
	// of the early-stopping rule are always evaluated.
	EvalEvery int
	// Runs is the number of Monte-Carlo runs of the reward oracle
	// (multiplex.DefaultRuns, the paper's mc = 100).
	Runs int
	// RewardScale divides the marginal gains (K).
	RewardScale float64
	// Seed fixes the initialisation, exploration, replay sampling and the
	// oracle's worlds.
	Seed uint64
	// Workers is the number of goroutines of the Monte-Carlo oracle (0:
	// GOMAXPROCS); results do not depend on it.
	Workers int
}

// DefaultConfig returns the defaults for budget k.
func DefaultConfig(k int) Config {
	return Config{K: k, Dim: 16, Layers: 2, GateHidden: 16, Episodes: 40, Batch: 8, Buffer: 5000, Updates: 4,
		LR: 1e-3, ClipNorm: 10, Gamma: 0.99, NStep: 2, TargetEvery: 200,
		EpsStart: 1, EpsEnd: 0.05, EpsDecay: 0.5, Runs: multiplex.DefaultRuns}
}

// resolve fills the defaults and validates.
func (c Config) resolve(n int) (Config, error) {
	d := DefaultConfig(c.K)
	def := func(x *int, v int) {
		if *x == 0 {
			*x = v
		}
	}
	deff := func(x *float64, v float64) {
		if *x == 0 {
			*x = v
		}
	}
	def(&c.Dim, d.Dim)
	def(&c.Layers, d.Layers)
	def(&c.GateHidden, d.GateHidden)
	def(&c.Episodes, d.Episodes)
	def(&c.Batch, d.Batch)
	def(&c.Buffer, d.Buffer)
	def(&c.Updates, d.Updates)
	def(&c.NStep, d.NStep)
	def(&c.TargetEvery, d.TargetEvery)
	def(&c.Runs, d.Runs)
	deff(&c.LR, d.LR)
	deff(&c.ClipNorm, d.ClipNorm)
	deff(&c.Gamma, d.Gamma)
	deff(&c.EpsStart, d.EpsStart)
	deff(&c.EpsEnd, d.EpsEnd)
	deff(&c.EpsDecay, d.EpsDecay)
	deff(&c.RewardScale, float64(c.K))
	def(&c.EvalEvery, 1)
	switch {
	case c.K < 1 || c.K > n:
		return c, fmt.Errorf("touplegdd: K = %d, want 1 ≤ K ≤ %d nodes", c.K, n)
	case c.Dim < 1 || c.Layers < 1 || c.GateHidden < 1 || c.Episodes < 1 || c.Batch < 1 || c.Updates < 1 || c.NStep < 1 || c.TargetEvery < 1 || c.EvalEvery < 1:
		return c, fmt.Errorf("touplegdd: Dim, Layers, GateHidden, Episodes, Batch, Updates, NStep, TargetEvery and EvalEvery must be ≥ 1")
	case c.Buffer < c.Batch:
		return c, fmt.Errorf("touplegdd: Buffer = %d smaller than Batch = %d", c.Buffer, c.Batch)
	case c.Runs < 1:
		return c, fmt.Errorf("touplegdd: Runs = %d, want ≥ 1", c.Runs)
	case c.Workers < 0:
		return c, fmt.Errorf("touplegdd: Workers = %d, want ≥ 0", c.Workers)
	case !(c.LR > 0) || !(c.ClipNorm > 0) || !(c.RewardScale > 0) || math.IsInf(c.LR+c.ClipNorm+c.RewardScale, 0):
		return c, fmt.Errorf("touplegdd: LR, ClipNorm and RewardScale must be finite and > 0")
	case !(c.Gamma > 0 && c.Gamma <= 1):
		return c, fmt.Errorf("touplegdd: Gamma = %v, want (0, 1]", c.Gamma)
	case !(c.EpsEnd >= 0 && c.EpsEnd <= c.EpsStart && c.EpsStart <= 1 && c.EpsDecay > 0 && c.EpsDecay <= 1):
		return c, fmt.Errorf("touplegdd: want 0 ≤ EpsEnd ≤ EpsStart ≤ 1 and 0 < EpsDecay ≤ 1")
	}
	return c, nil
}

// Stats describes a training run.
type Stats struct {
	// Episodes run and gradient steps taken.
	Episodes, GradSteps int
	// OracleCalls counts Monte-Carlo spread estimates (rewards and greedy
	// evaluations).
	OracleCalls int
	// BestSpread is the training oracle's spread of the best greedy
	// solution, found after BestEpisode episodes; the Agent keeps the
	// parameters of that evaluation.
	BestSpread  float64
	BestEpisode int
	// EarlyStop reports that the MIM paper's rule stopped training: no
	// better greedy solution during a quarter of the episodes.
	EarlyStop bool
	// Loss is the mean TD loss of the last episode.
	Loss float64
	// Params is the number of parameters of the network.
	Params int
	// TrainTime is the wall time of Train.
	TrainTime time.Duration
}

// Agent is a trained ToupleGDD network on one multiplex.
type Agent struct {
	cfg   Config
	topo  *Topology
	theta []float64
	q1    *qnet
}

// qnet evaluates the Q-values of every node for B states (no gradient).
type qnet struct {
	b   int
	obj *compiled.Objective
	k   int
}

func newQNet(t *Topology, cfg *Config, b int, theta []float64) (*qnet, error) {
	nt := &net{cfg: cfg, t: t, bt: newBatch(t, b)}
	obj, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		q, err := nt.build(d, theta)
		if err != nil {
			return nil, err
		}
		d.Output("q", q)
		return G.Sum(q)
	}, &compiled.Options{Name: "touplegdd", NoGrad: true})
	if err != nil {
		return nil, err
	}
	return &qnet{b: b, obj: obj, k: cfg.K}, nil
}

// setStates writes the seed indicator X⁰ of states[b] into copy b of the
// inputs "x0" and "free" (1 − X⁰), and the remaining-budget fraction
// ρ = (k − |S_b|)/k into "rho".
func setStates(obj *compiled.Objective, n, k int, states [][]int) {
	x0, fr, rho := obj.Data("x0"), obj.Data("free"), obj.Data("rho")
	for i := range x0 {
		x0[i], fr[i] = 0, 1
	}
	for b, s := range states {
		for _, v := range s {
			x0[b*n+v], fr[b*n+v] = 1, 0
		}
		for v := 0; v < n; v++ {
			rho[b*n+v] = float64(k-len(s)) / float64(k)
		}
	}
}

// run returns the Q-values (B·N, a view valid until the next run) of the
// states under θ.
func (q *qnet) run(theta []float64, n int, states [][]int) ([]float64, error) {
	setStates(q.obj, n, q.k, states)
	q.obj.SetX(theta)
	if _, err := q.obj.Run(); err != nil {
		return nil, err
	}
	return q.obj.Output("q"), nil
}

// lossNet is the TD loss of a minibatch:
//
//	L(θ) = (1/B) Σ_b (Q(a_b; S_b, θ) − y_b)²
//
// with the data inputs "x0", "free" (the states S_b), "mask" (one-hot of
// the actions a_b, B·N × 1) and "y" (the targets, B × 1).
type lossNet struct {
	obj *compiled.Objective
	b   int
	k   int
}

func newLossNet(t *Topology, cfg *Config, b int, theta []float64) (*lossNet, error) {
	nt := &net{cfg: cfg, t: t, bt: newBatch(t, b)}
	obj, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		q, err := nt.build(d, theta)
		if err != nil {
			return nil, err
		}
		mask := d.Input("mask", []int{b * t.N, 1}, nil)
		y := d.Input("y", []int{b, 1}, nil)
		qa := must(ad.ScatterAddRows(must(G.HadamardProd(q, mask)), nt.bt.graph, b))
		d.Output("qa", qa)
		diff := must(G.Sub(qa, y))
		return G.Mul(must(G.Sum(must(G.Square(diff)))), G.NewConstant(1/float64(b)))
	}, &compiled.Options{Name: "touplegdd"})
	if err != nil {
		return nil, err
	}
	return &lossNet{obj: obj, b: b, k: cfg.K}, nil
}

// set writes the minibatch data.
func (l *lossNet) set(n int, states [][]int, actions []int, y []float64) {
	setStates(l.obj, n, l.k, states)
	mask := l.obj.Data("mask")
	clear(mask)
	for b, a := range actions {
		mask[b*n+a] = 1
	}
	copy(l.obj.Data("y"), y)
}

// argmaxFree returns the node v ∉ state with the largest q[v] (first on
// ties), or −1 if every node is in the state.
func argmaxFree(q []float64, state []int, chosen []bool) int {
	for _, v := range state {
		chosen[v] = true
	}
	best := -1
	for v, x := range q {
		if !chosen[v] && (best < 0 || x > q[best]) {
			best = v
		}
	}
	for _, v := range state {
		chosen[v] = false
	}
	return best
}

// Transition is one n-step transition of the replay buffer: from the state
// Seeds[:T] the action Seeds[T], the discounted return R of the next
// Next − T rewards, and the state Seeds[:Next] (terminal when Done).
type Transition struct {
	Seeds   []int
	T, Next int
	R       float64
	Done    bool
}

// DoubleTargets returns the double-DQN targets
//
//	y_b = R_b + γ^{Next_b − T_b} · Q_target(argmax_{v ∉ S'_b} Q_online(v; S'_b); S'_b)
//
// (y_b = R_b when Done), with S'_b = Seeds[:Next] and qOnline, qTarget the
// Q-values of the next states (B·N, copy b at b·N). The online network
// chooses the action and the target network values it (van Hasselt, Guez
// and Silver 2016). dst is reused when long enough.
func DoubleTargets(dst []float64, tr []Transition, n int, gamma float64, qOnline, qTarget []float64) []float64 {
	dst = slices.Grow(dst[:0], len(tr))[:len(tr)]
	chosen := make([]bool, n)
	for b, t := range tr {
		dst[b] = t.R
		if t.Done {
			continue
		}
		a := argmaxFree(qOnline[b*n:(b+1)*n], t.Seeds[:t.Next], chosen)
		if a >= 0 {
			dst[b] += math.Pow(gamma, float64(t.Next-t.T)) * qTarget[b*n+a]
		}
	}
	return dst
}

// Train trains a ToupleGDD agent on m by double deep Q-learning with the
// multiplex Monte-Carlo oracle's marginal gains as rewards (see the package
// documentation). It returns an error for invalid settings, a failed
// network build or evaluation, or when ctx is cancelled.
func Train(ctx context.Context, m *multiplex.Model, cfg Config) (*Agent, Stats, error) {
	start := time.Now()
	var st Stats
	if m == nil {
		return nil, st, errors.New("touplegdd: nil model")
	}
	n := m.NumNodes()
	cfg, err := cfg.resolve(n)
	if err != nil {
		return nil, st, err
	}
	topo, err := NewTopology(m)
	if err != nil {
		return nil, st, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x746f75706c65))
	theta, err := initParams(&cfg, rng)
	if err != nil {
		return nil, st, err
	}
	st.Params = len(theta)
	thetaT := slices.Clone(theta)
	grad := make([]float64, len(theta))
	q1, err := newQNet(topo, &cfg, 1, theta)
	if err != nil {
		return nil, st, err
	}
	qB, err := newQNet(topo, &cfg, cfg.Batch, theta)
	if err != nil {
		return nil, st, err
	}
	defer qB.obj.Close()
	ln, err := newLossNet(topo, &cfg, cfg.Batch, theta)
	if err != nil {
		return nil, st, err
	}
	defer ln.obj.Close()
	oracle, err := multiplex.NewMC(m, cfg.Runs, cfg.Seed, cfg.Workers)
	if err != nil {
		return nil, st, err
	}
	spread := func(s []int) float64 {
		st.OracleCalls++
		v, _ := oracle.Spread(s)
		return v
	}
	adam := &optim.Adam{LR: cfg.LR, ClipNorm: cfg.ClipNorm}
	params := []*optim.Param{{Name: "theta", Value: theta, Grad: grad}}
	agent := &Agent{cfg: cfg, topo: topo, theta: slices.Clone(theta), q1: q1}
	st.BestSpread = math.Inf(-1)

	buf := make([]Transition, 0, cfg.Buffer)
	next := 0 // ring position once full
	push := func(t Transition) {
		if len(buf) < cfg.Buffer {
			buf = append(buf, t)
			return
		}
		buf[next] = t
		next = (next + 1) % cfg.Buffer
	}
	chosen := make([]bool, n)
	mb := make([]Transition, cfg.Batch)
	states := make([][]int, cfg.Batch)
	actions := make([]int, cfg.Batch)
	var y []float64
	learn := func() (float64, error) {
		for b := range mb {
			mb[b] = buf[rng.IntN(len(buf))]
			states[b] = mb[b].Seeds[:mb[b].Next]
		}
		qo, err := qB.run(theta, n, states)
		if err != nil {
			return 0, err
		}
		qo = slices.Clone(qo)
		qt, err := qB.run(thetaT, n, states)
		if err != nil {
			return 0, err
		}
		y = DoubleTargets(y, mb, n, cfg.Gamma, qo, qt)
		for b, t := range mb {
			states[b], actions[b] = t.Seeds[:t.T], t.Seeds[t.T]
		}
		ln.set(n, states, actions, y)
		loss, err := ln.obj.Eval(theta, grad)
		if err != nil {
			return 0, err
		}
		if err := adam.Step(params); err != nil {
			return 0, err
		}
		st.GradSteps++
		if st.GradSteps%cfg.TargetEvery == 0 {
			copy(thetaT, theta)
		}
		return loss, nil
	}
	evaluate := func(ep int) (bool, error) {
		seeds, err := greedy(q1, theta, n, cfg.K, chosen)
		if err != nil {
			return false, err
		}
		if s := spread(seeds); s > st.BestSpread {
			st.BestSpread, st.BestEpisode = s, ep
			copy(agent.theta, theta)
			return true, nil
		}
		return false, nil
	}
	quarter := max(1, (cfg.Episodes+3)/4)
	improved := false
	rewards := make([]float64, cfg.K)
	for ep := 1; ep <= cfg.Episodes; ep++ {
		if err := ctx.Err(); err != nil {
			return nil, st, fmt.Errorf("touplegdd: episode %d: %w", ep, err)
		}
		frac := float64(ep-1) / (cfg.EpsDecay * float64(cfg.Episodes))
		eps := cfg.EpsEnd + (cfg.EpsStart-cfg.EpsEnd)*max(0, 1-frac)
		seeds := make([]int, 0, cfg.K) // never reallocated: transitions keep prefixes
		sigma, lossSum, lossN := 0.0, 0.0, 0
		for t := 0; t < cfg.K; t++ {
			var a int
			if rng.Float64() < eps {
				for a = rng.IntN(n); slices.Contains(seeds, a); a = rng.IntN(n) {
				}
			} else {
				q, err := q1.run(theta, n, [][]int{seeds})
				if err != nil {
					return nil, st, fmt.Errorf("touplegdd: episode %d: %w", ep, err)
				}
				a = argmaxFree(q, seeds, chosen)
			}
			seeds = append(seeds, a)
			s2 := spread(seeds)
			rewards[t], sigma = (s2-sigma)/cfg.RewardScale, s2
			// The n-step transition whose window closes now, and at the
			// end of the episode the truncated ones.
			add := func(j int) {
				r := 0.0
				for i := t; i >= j; i-- {
					r = rewards[i] + cfg.Gamma*r
				}
				push(Transition{Seeds: seeds[:cfg.K], T: j, Next: t + 1, R: r, Done: t+1 == cfg.K})
			}
			if j := t + 1 - cfg.NStep; j >= 0 {
				add(j)
			}
			if t == cfg.K-1 {
				for j := max(0, t+2-cfg.NStep); j <= t; j++ {
					add(j)
				}
			}
			for u := 0; u < cfg.Updates && len(buf) >= cfg.Batch; u++ {
				loss, err := learn()
				if err != nil {
					return nil, st, fmt.Errorf("touplegdd: episode %d: %w", ep, err)
				}
				lossSum += loss
				lossN++
			}
		}
		st.Episodes = ep
		if lossN > 0 {
			st.Loss = lossSum / float64(lossN)
		}
		if ep%cfg.EvalEvery == 0 || ep%quarter == 0 || ep == cfg.Episodes {
			up, err := evaluate(ep)
			if err != nil {
				return nil, st, fmt.Errorf("touplegdd: episode %d: %w", ep, err)
			}
			improved = improved || up
		}
		if ep%quarter == 0 && ep < cfg.Episodes {
			if !improved {
				st.EarlyStop = true
				break
			}
			improved = false
		}
	}
	st.TrainTime = time.Since(start)
	return agent, st, nil
}

// greedy rolls the policy out for k steps: each step adds the node with the
// largest Q-value among those not chosen (masking).
func greedy(q *qnet, theta []float64, n, k int, chosen []bool) ([]int, error) {
	seeds := make([]int, 0, k)
	for len(seeds) < k {
		qs, err := q.run(theta, n, [][]int{seeds})
		if err != nil {
			return nil, err
		}
		seeds = append(seeds, argmaxFree(qs, seeds, chosen))
	}
	return seeds, nil
}

// Select returns k seeds chosen greedily by the trained Q-network, one
// forward pass per seed. It returns an error unless 1 ≤ k ≤ the number of
// nodes. Not safe for concurrent use.
func (a *Agent) Select(k int) ([]int, error) {
	n := a.topo.N
	if k < 1 || k > n {
		return nil, fmt.Errorf("touplegdd: Select: k = %d, want 1 ≤ k ≤ %d nodes", k, n)
	}
	return greedy(a.q1, a.theta, n, k, make([]bool, n))
}

// Params returns a copy of the agent's parameters θ (layout order).
func (a *Agent) Params() []float64 { return slices.Clone(a.theta) }
