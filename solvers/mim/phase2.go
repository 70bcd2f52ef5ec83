package mim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/im"
	"github.com/spread-dev/spread/solvers/pgm"
	"github.com/spread-dev/spread/train/ppo"
)

// NumFeatures is F, the number of features per candidate node of the
// Phase-2 environment (see RL).
const NumFeatures = 8

// Streams of the Phase-2 Monte-Carlo worlds (independent of the oracles').
const (
	streamReward = 0x5f2a11
	streamStatus = 0x5f2a12
)

// SmallPPO returns the default Phase-2 PPO configuration: MIM-Reasoner's
// Table 3 (γ = 1, λ = 0.95, clip 0.2, entropy 0.01, gradient clip 0.5,
// critic LR 1e-3) scaled down so that a 3-layer synthetic multiplex trains
// in about a minute: 20 updates of 64 steps, 4 epochs, minibatch 32, one
// hidden layer of 32 tanh units, actor LR 3e-3.
func SmallPPO() ppo.Config {
	c := ppo.DefaultConfig()
	c.Updates, c.NumSteps, c.UpdateEpochs, c.Minibatch = 20, 64, 4, 32
	c.ActorLR = 3e-3
	c.Hidden = []int{32}
	return c
}

// Reward selects ℳ, the evaluation whose increments are Phase 2's
// rewards (eq. 6).
type Reward int

const (
	// RewardLayer is eq. 5 as RL documents it: T_r is the cascade of
	// S_{i,t} in layer i alone, each node discounted by 1 − W_r(u) from
	// the earlier layers' PGMs. The paper's rule and the default.
	RewardLayer Reward = iota
	// RewardMultiplex is eq. 5 with T_r the cascade of S_{i,t} in the
	// whole multiplex (activation through the other layers counted),
	// discounted by the same PGM scores.
	RewardMultiplex
	// RewardMarginal replaces the PGMs' estimate of what the earlier
	// layers already activate by the exact count in the same worlds:
	// ℳ(S) = mean_r |R_r(S_prev ∪ S)| − |R_r(S_prev)| in the multiplex,
	// S_prev the seeds of the layers visited before. Not in the paper.
	RewardMarginal
)

// String returns the reward's name as ParseReward accepts it.
func (r Reward) String() string {
	switch r {
	case RewardLayer:
		return "layer"
	case RewardMultiplex:
		return "multiplex"
	case RewardMarginal:
		return "marginal"
	}
	return "Reward(" + strconv.Itoa(int(r)) + ")"
}

// ParseReward returns the Reward named s: layer, multiplex or marginal.
func ParseReward(s string) (Reward, error) {
	for _, r := range []Reward{RewardLayer, RewardMultiplex, RewardMarginal} {
		if s == r.String() {
			return r, nil
		}
	}
	return 0, fmt.Errorf("mim: unknown reward %q (want layer, multiplex or marginal)", s)
}

// LayerPolicy is the trained policy parameters of one layer (ppo.Policy's
// Theta layout for NumFeatures features and the RL's PPO.Hidden).
type LayerPolicy struct {
	Layer int       `json:"layer"`
	Theta []float64 `json:"theta"`
}

// LayerReport describes what Phase 2 did on one layer.
type LayerReport struct {
	Layer, Budget, Candidates int
	// Seeds is S_i, the layer's final seeds.
	Seeds []int
	// M is ℳ(S_i) (eq. 5) of the final seeds and MPhase1 that of Phase
	// 1's S_ij (nodes already seeded by earlier layers removed).
	M, MPhase1 float64
	// Policy reports whether the policy's rollout was kept (false: Phase
	// 1's seeds, or the greedy's, scored higher under ℳ and were kept).
	Policy bool
	// Source names the seeds kept: "policy", "phase 1" or "greedy".
	Source string
	// MGreedy is ℳ of the greedy on ℳ (RL.Greedy; 0 without it).
	MGreedy float64
	// Returns are the PPO training returns per update (nil at inference).
	Returns []float64
}

// RL is MIM-Reasoner's Phase 2 (§4.2–4.3, Algorithm 2) as a Phase2. The
// layers of Phase 1's table are visited in its order (ascending profit,
// eq. 3); layers with budget 0 are skipped. On layer i with budget j:
//
//   - Actions are the layer's candidates V_i^g (Candidates, capped at
//     MaxCandidates in the finder's order, plus Phase 1's S_ij), masked
//     once chosen or once seeded by an earlier layer; an episode picks j
//     of them (fewer if fewer are left).
//   - State: per candidate v the NumFeatures features, a Structure2vec-
//     style hand-made embedding: [0] out-degree of v in G_i over the
//     largest candidate out-degree; [1] v ∈ S_{i,t}; [2] act(v), the
//     fraction of the m reward worlds in which the cascade of S_{i,t} in
//     G_i activates v; [3] W̄(v), the mean activation score (eq. 4) of v
//     under the earlier layers' PGMs; [4], [5], [6] the means of act, W̄
//     and of [0]'s normalised out-degree over v's out-neighbours in G_i
//     (1-hop aggregates); [7] t / j.
//   - Reward eq. 6, r_t = ℳ(S_{i,t+1}) − ℳ(S_{i,t}), with ℳ (eq. 5) the
//     mean over m fixed worlds r of Σ_{u ∈ T_r} [1 − W_r(u)], T_r the
//     nodes the seeds activate in G_i alone in world r, W_r from
//     solvers/pgm (the earlier layers' PGMs, evidence 𝒦 = active
//     representatives of T_r, exact Chow–Liu tree inference; a negative
//     W, from a negative correlation Q_{u,f(u)}, counts as 0). ℳ(∅) = 0.
//   - PPO (train/ppo) trains one policy per layer from PPO's seed (the
//     per-node actor does not depend on the number of actions, but Train
//     has no warm start); the greedy rollout gives S_i. The final S_i is
//     the better under ℳ of that rollout and Phase 1's S_ij, so the
//     policy can only improve Phase 1 (the paper's "improve S_ij").
//   - Reward (default RewardLayer, the rule above) may instead count T_r
//     in the whole multiplex (RewardMultiplex) or use the exact gain over
//     the earlier layers' seeds (RewardMarginal). With Greedy, a lazy
//     greedy (CELF, solvers/im) on ℳ over the same actions is a third
//     contestant: the final S_i is the best under ℳ of the rollout, Phase
//     1's S_ij and the greedy's set (the paper's policy is meant to act
//     greedily on the reward, Lemma 1; this guards a short training).
//   - Then the status dataset 𝒟 (m rows: the whole multiplex's cascade
//     from S_i in independent worlds, so cross-layer activation is
//     recorded) gives layer i's PGM φ_i (pgm.Learn with Xi, Alpha) over
//     the nodes active in at least one row (the others never activate
//     and score W = 0), appended to 𝒢^prev.
//
// Ŝ = ∪_i S_i (eq. 7). With Policies set, no training happens: each
// visited layer's policy is read from it (inference; a layer without one,
// e.g. given no budget at training, uses the first policy).
type RL struct {
	// PPO is the training configuration; the zero value (Updates and
	// NumSteps 0) means SmallPPO().
	PPO ppo.Config
	// Status is m, the number of Monte-Carlo worlds of ℳ and rows of 𝒟;
	// 0 means 16.
	Status int
	// Xi is the grouping threshold ξ (0 means 0.5) and Alpha the Chow–Liu
	// pseudo-count (0 means 1).
	Xi, Alpha float64
	// MaxCandidates caps |V_i^g| (0 means 40).
	MaxCandidates int
	// Candidates gives V_i^g in preference order; nil means the layer's
	// nodes by decreasing out-degree.
	Candidates CandidateFinder
	// Policies, if not nil, are trained policies to reuse (inference).
	Policies []LayerPolicy
	// Reward selects ℳ (default RewardLayer, the paper's eq. 5).
	Reward Reward
	// Greedy adds a lazy greedy on ℳ as a fallback (see above).
	Greedy bool
	// JudgeWorlds, if larger than Status, is the number of worlds of the
	// ℳ that runs the greedy and picks the best of the three sets (the
	// first Status worlds are the training's); PPO still trains on
	// Status worlds.
	JudgeWorlds int

	// Trained receives the policies used, in visiting order, and Report
	// one LayerReport per visited layer, after Refine.
	Trained []LayerPolicy
	Report  []LayerReport
}

func (r *RL) config() ppo.Config {
	if r.PPO.Updates == 0 && r.PPO.NumSteps == 0 {
		return SmallPPO()
	}
	return r.PPO
}

func orDefault[T int | float64](v, d T) T {
	if v == 0 {
		return d
	}
	return v
}

// ByDegree is a CandidateFinder: the layer's nodes with an edge, by
// decreasing out-degree (ties by index).
type ByDegree struct{}

// Candidates implements CandidateFinder.
func (ByDegree) Candidates(m *multiplex.Model, layer int) ([]int, error) {
	c, _ := LayerNodes{}.Candidates(m, layer)
	g := m.Layer(layer)
	slices.SortStableFunc(c, func(a, b int) int { return g.OutDegree(b) - g.OutDegree(a) })
	return c, nil
}

// Refine implements Phase2.
func (r *RL) Refine(p *Problem, s *Settings, plan *Plan) ([]int, error) {
	cfg := r.config()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := orDefault(r.Status, 16)
	xi, alpha := orDefault(r.Xi, 0.5), orDefault(r.Alpha, 1)
	c := orDefault(r.MaxCandidates, 40)
	cf := r.Candidates
	if cf == nil {
		cf = ByDegree{}
	}
	n := p.Model.NumNodes()
	used := make([]bool, n)
	var out []int
	var prev []*layerPGM
	r.Trained, r.Report = nil, nil
	full := p.Model.NewSimulator()
	for _, a := range plan.Table {
		if a.Budget == 0 {
			continue
		}
		cand, err := cf.Candidates(p.Model, a.Layer)
		if err != nil {
			return nil, fmt.Errorf("layer %d candidates: %w", a.Layer, err)
		}
		cand = slices.Clone(cand[:min(c, len(cand))])
		for _, v := range a.Seeds {
			if !slices.Contains(cand, v) {
				cand = append(cand, v)
			}
		}
		env := newLayerEnv(p.Model, a.Layer, cand, used, prev, m, s.Seed, r.Reward, out)
		budget := min(a.Budget, env.free())
		rep := LayerReport{Layer: a.Layer, Budget: budget, Candidates: len(cand)}
		if budget == 0 {
			r.Report = append(r.Report, rep)
			continue
		}
		env.budget = budget
		var theta []float64
		if r.Policies != nil {
			i := slices.IndexFunc(r.Policies, func(lp LayerPolicy) bool { return lp.Layer == a.Layer })
			if i < 0 {
				i = 0 // the layout does not depend on the layer: reuse the first
			}
			theta = r.Policies[i].Theta
		} else {
			res, err := ppo.Train(env, cfg, rename(s.Recorder, fmt.Sprintf("phase2 layer %d", a.Layer)))
			if err != nil {
				return nil, fmt.Errorf("layer %d: %w", a.Layer, err)
			}
			theta, rep.Returns = res.Policy.Theta, res.Returns
		}
		pol, err := ppo.NewPolicy(cfg, len(cand), NumFeatures, theta)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", a.Layer, err)
		}
		seeds, mv, err := env.rollout(pol)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", a.Layer, err)
		}
		judge := env
		if r.JudgeWorlds > m {
			judge = newLayerEnv(p.Model, a.Layer, cand, used, prev, r.JudgeWorlds, s.Seed, r.Reward, out)
			judge.budget = budget
			mv = judge.eval(seeds).m
		}
		var base []int
		for _, v := range a.Seeds {
			if !used[v] && len(base) < budget {
				base = append(base, v)
			}
		}
		rep.MPhase1 = judge.eval(base).m
		rep.Policy, rep.Source = mv >= rep.MPhase1, "policy"
		if !rep.Policy {
			seeds, mv, rep.Source = base, rep.MPhase1, "phase 1"
		}
		if r.Greedy {
			gs, err := judge.greedy(budget)
			if err != nil {
				return nil, fmt.Errorf("layer %d greedy: %w", a.Layer, err)
			}
			rep.MGreedy = judge.eval(gs).m
			if rep.MGreedy > mv {
				seeds, mv, rep.Source, rep.Policy = gs, rep.MGreedy, "greedy", false
			}
		}
		rep.Seeds, rep.M = seeds, mv
		r.Report = append(r.Report, rep)
		r.Trained = append(r.Trained, LayerPolicy{Layer: a.Layer, Theta: slices.Clone(theta)})
		for _, v := range seeds {
			used[v] = true
			out = append(out, v)
		}
		lp, err := learnLayer(full, n, seeds, m, s.Seed, a.Layer, xi, alpha)
		if err != nil {
			return nil, fmt.Errorf("layer %d PGM: %w", a.Layer, err)
		}
		prev = append(prev, lp)
	}
	return out, nil
}

// layerPGM is a PGM over a subset of the nodes (the columns of 𝒟 that
// were ever active).
type layerPGM struct {
	cols  []int   // global node of each column
	local []int32 // local column of a global node, −1 if none
	phi   *pgm.PGM
	act   []bool // scratch, len(cols)
	w     []float64
}

// learnLayer collects the status dataset of seeds over the whole
// multiplex and learns its PGM.
func learnLayer(sim *multiplex.Simulator, n int, seeds []int, m int, seed uint64, layer int, xi, alpha float64) (*layerPGM, error) {
	st := diffusion.NewStream(seed, streamStatus+uint64(layer)<<8)
	rows := make([][]int32, m)
	local := make([]int32, n)
	for i := range local {
		local[i] = -1
	}
	var cols []int
	for r := range rows {
		rows[r] = sim.Reach(nil, st.World(uint64(r)), seeds)
		for _, v := range rows[r] {
			if local[v] < 0 {
				local[v] = int32(len(cols))
				cols = append(cols, int(v))
			}
		}
	}
	q := len(cols)
	x := make([]uint8, m*q)
	for r, row := range rows {
		for _, v := range row {
			x[r*q+int(local[v])] = 1
		}
	}
	d, err := pgm.NewData(m, q, x)
	if err != nil {
		return nil, err
	}
	phi, err := pgm.Learn(d, xi, alpha)
	if err != nil {
		return nil, err
	}
	return &layerPGM{cols: cols, local: local, phi: phi, act: make([]bool, q), w: make([]float64, q)}, nil
}

// layerEnv is the ppo.Env of one layer.
type layerEnv struct {
	sim    *multiplex.Simulator // layer i alone, or the multiplex
	reward Reward
	ctx    []int     // S_prev (RewardMarginal)
	base   []float64 // |R_r(S_prev)| per world (RewardMarginal)
	sbuf   []int
	g      *graphs.Graph
	cand   []int
	banned []bool // per action: seeded by an earlier layer
	prev   []*layerPGM
	worlds []diffusion.World
	budget int

	deg    []float64 // normalised out-degree per action
	nbrDeg []float64 // mean normalised out-degree of out-neighbours
	cache  map[string]*stateInfo

	// scratch over all nodes
	actSum, wSum []float64
	wNode        []float64
	touched      []int32
	buf          []int32

	chosen []int // action indices of the episode
	in     []bool
	cur    float64
	obs    []float64
	mask   []bool
}

type stateInfo struct {
	m                  float64
	act, wbar, na, nwb []float64 // per action
}

func newLayerEnv(mod *multiplex.Model, layer int, cand []int, used []bool, prev []*layerPGM, m int, seed uint64, reward Reward, prevSeeds []int) *layerEnv {
	n := mod.NumNodes()
	g := mod.Layer(layer)
	A := len(cand)
	sim := mod.Sub(layer).NewSimulator()
	if reward != RewardLayer {
		sim = mod.NewSimulator()
	}
	e := &layerEnv{sim: sim, reward: reward, g: g, cand: cand, banned: make([]bool, A), prev: prev,
		deg: make([]float64, A), nbrDeg: make([]float64, A), cache: map[string]*stateInfo{},
		actSum: make([]float64, n), wSum: make([]float64, n), wNode: make([]float64, n),
		in: make([]bool, A), obs: make([]float64, A*NumFeatures), mask: make([]bool, A)}
	st := diffusion.NewStream(seed, streamReward+uint64(layer)<<8)
	for r := range m {
		e.worlds = append(e.worlds, st.World(uint64(r)))
	}
	if reward == RewardMarginal {
		e.ctx = slices.Clone(prevSeeds)
		e.base = make([]float64, m)
		for r, w := range e.worlds {
			if len(e.ctx) > 0 {
				e.buf = e.sim.Reach(e.buf[:0], w, e.ctx)
				e.base[r] = float64(len(e.buf))
			}
		}
	}
	maxd := 1
	for _, v := range cand {
		maxd = max(maxd, g.OutDegree(v))
	}
	for a, v := range cand {
		e.banned[a] = used[v]
		e.deg[a] = float64(g.OutDegree(v)) / float64(maxd)
		s, k := 0.0, 0
		for _, u := range g.Dst[g.OutOff[v]:g.OutOff[v+1]] {
			s += float64(g.OutDegree(u)) / float64(maxd)
			k++
		}
		if k > 0 {
			e.nbrDeg[a] = s / float64(k)
		}
	}
	return e
}

func (e *layerEnv) free() int {
	k := 0
	for _, b := range e.banned {
		if !b {
			k++
		}
	}
	return k
}

// eval returns ℳ and the features of a seed set (cached by the set).
func (e *layerEnv) eval(seeds []int) *stateInfo {
	sorted := slices.Clone(seeds)
	slices.Sort(sorted)
	var sb strings.Builder
	for _, v := range sorted {
		sb.WriteString(strconv.Itoa(v))
		sb.WriteByte(',')
	}
	key := sb.String()
	if si, ok := e.cache[key]; ok {
		return si
	}
	A := len(e.cand)
	si := &stateInfo{act: make([]float64, A), wbar: make([]float64, A), na: make([]float64, A), nwb: make([]float64, A)}
	total := 0.0
	e.touched = e.touched[:0]
	for r, w := range e.worlds {
		e.sbuf = append(append(e.sbuf[:0], e.ctx...), seeds...)
		e.buf = e.sim.Reach(e.buf[:0], w, e.sbuf)
		for _, v := range e.buf {
			e.actSum[v]++
		}
		// W_r over the columns of the earlier layers' PGMs (max over φ).
		var wl []int32
		for _, lp := range e.prev {
			clear(lp.act)
			for _, v := range e.buf {
				if c := lp.local[v]; c >= 0 {
					lp.act[c] = true
				}
			}
			pgm.Score(lp.w, []*pgm.PGM{lp.phi}, lp.act)
			for c, u := range lp.cols {
				if lp.w[c] > e.wNode[u] {
					if e.wNode[u] == 0 {
						wl = append(wl, int32(u))
					}
					e.wNode[u] = lp.w[c]
				}
			}
		}
		// ℳ_r = Σ_{u ∈ T_r} 1 − W_r(u), or the exact gain over S_prev.
		if e.reward == RewardMarginal {
			total += float64(len(e.buf)) - e.base[r]
		} else {
			for _, v := range e.buf {
				total += 1 - e.wNode[v]
			}
		}
		for _, u := range wl {
			if e.wSum[u] == 0 {
				e.touched = append(e.touched, u)
			}
			e.wSum[u] += e.wNode[u]
			e.wNode[u] = 0
		}
		for _, v := range e.buf {
			e.touched = append(e.touched, v)
		}
	}
	mf := float64(len(e.worlds))
	si.m = total / mf
	for a, v := range e.cand {
		si.act[a] = e.actSum[v] / mf
		si.wbar[a] = e.wSum[v] / mf
		sa, sw, k := 0.0, 0.0, 0
		for _, u := range e.g.Dst[e.g.OutOff[v]:e.g.OutOff[v+1]] {
			sa += e.actSum[u]
			sw += e.wSum[u]
			k++
		}
		if k > 0 {
			si.na[a], si.nwb[a] = sa/mf/float64(k), sw/mf/float64(k)
		}
	}
	for _, u := range e.touched {
		e.actSum[u], e.wSum[u] = 0, 0
	}
	e.cache[key] = si
	return si
}

func (e *layerEnv) seeds() []int {
	s := make([]int, len(e.chosen))
	for i, a := range e.chosen {
		s[i] = e.cand[a]
	}
	return s
}

// observe fills obs and mask for the current state and returns ℳ.
func (e *layerEnv) observe() float64 {
	si := e.eval(e.seeds())
	t := float64(len(e.chosen)) / float64(e.budget)
	for a := range e.cand {
		row := e.obs[a*NumFeatures : (a+1)*NumFeatures]
		in := 0.0
		if e.in[a] {
			in = 1
		}
		row[0], row[1], row[2], row[3] = e.deg[a], in, si.act[a], si.wbar[a]
		row[4], row[5], row[6], row[7] = si.na[a], si.nwb[a], e.nbrDeg[a], t
		e.mask[a] = !e.in[a] && !e.banned[a]
	}
	return si.m
}

// Spec implements ppo.Env.
func (e *layerEnv) Spec() (int, int) { return len(e.cand), NumFeatures }

// Reset implements ppo.Env; episodes are deterministic.
func (e *layerEnv) Reset(uint64) ([]float64, []bool, error) {
	e.chosen = e.chosen[:0]
	clear(e.in)
	e.cur = e.observe()
	return e.obs, e.mask, nil
}

// Step implements ppo.Env.
func (e *layerEnv) Step(a int) ([]float64, []bool, float64, bool, error) {
	if a < 0 || a >= len(e.cand) || e.in[a] || e.banned[a] {
		return nil, nil, 0, false, fmt.Errorf("mim: phase 2: action %d not allowed", a)
	}
	if len(e.chosen) >= e.budget {
		return nil, nil, 0, false, errors.New("mim: phase 2: Step after the end of the episode")
	}
	e.chosen = append(e.chosen, a)
	e.in[a] = true
	mNew := e.observe()
	r := mNew - e.cur
	e.cur = mNew
	done := len(e.chosen) == e.budget || !slices.Contains(e.mask, true)
	return e.obs, e.mask, r, done, nil
}

// greedy returns a lazy greedy (CELF) on ℳ with the given budget over
// the allowed actions.
func (e *layerEnv) greedy(budget int) ([]int, error) {
	var cand []int
	for a, v := range e.cand {
		if !e.banned[a] {
			cand = append(cand, v)
		}
	}
	r, err := im.Maximize(&im.Problem{Oracle: envOracle{e}, N: len(e.actSum), K: min(budget, len(cand)), Candidates: cand}, nil, im.CELF{})
	if err != nil {
		return nil, err
	}
	return r.Seeds, nil
}

// envOracle is ℳ as an im.Oracle (no standard error).
type envOracle struct{ e *layerEnv }

func (o envOracle) Spread(seeds []int) (float64, float64) { return o.e.eval(seeds).m, 0 }

// rollout plays one greedy episode of pol and returns the seeds and ℳ.
func (e *layerEnv) rollout(pol *ppo.Policy) ([]int, float64, error) {
	obs, mask, err := e.Reset(0)
	if err != nil {
		return nil, 0, err
	}
	for done := false; !done; {
		a, err := pol.Greedy(obs, mask)
		if err != nil {
			return nil, 0, err
		}
		if obs, mask, _, done, err = e.Step(a); err != nil {
			return nil, 0, err
		}
	}
	return e.seeds(), e.cur, nil
}
