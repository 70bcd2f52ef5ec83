package mim

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/im"
	"github.com/spread-dev/spread/solvers/mckp"
	"github.com/spread-dev/spread/train"
)

// Problem is a multiplex influence-maximisation instance (𝒢, k, l, σ):
// choose at most K = l seeds maximising the multiplex spread σ(S).
type Problem struct {
	// Model is the multiplex and its per-layer models. Required.
	Model *multiplex.Model
	// K is the budget l, 1 ≤ K ≤ number of nodes.
	K int
}

// Settings holds the options shared by the methods. A nil *Settings means
// the zero value; every zero field means its documented default.
type Settings struct {
	// Runs is the number of Monte-Carlo runs of every spread estimate (σ
	// and the per-layer σ_i). Zero means multiplex.DefaultRuns (the
	// paper's mc = 100).
	Runs int
	// Seed fixes the Monte-Carlo worlds.
	Seed uint64
	// Workers is the number of goroutines of the Monte-Carlo oracles. Zero
	// means runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
	// Oracle, if not nil, replaces the Monte-Carlo estimate of the
	// multiplex spread σ (e.g. a multiplex.DMP). Per-layer σ_i are always
	// Monte Carlo.
	Oracle im.Oracle
	// Recorder, if not nil, receives the inner CELF runs' progress
	// (Method "isf", or "layer i" for a Phase-1 layer).
	Recorder train.Recorder
}

// Allocation is one row of the budget allocation table 𝒰 (§4.1): the
// budget given to a layer, its profit, and the layer's seeds S_ij.
type Allocation struct {
	// Layer is the layer index in the multiplex.
	Layer int
	// Budget is j, the number of seeds allocated to the layer.
	Budget int
	// Profit is the profit of the chosen item: σ_i(S_ij) or σ(S_ij).
	Profit float64
	// Seeds is S_ij, the first Budget seeds of the layer's greedy order.
	Seeds []int
}

// Plan is the output of Phase 1 and the input of Phase 2.
type Plan struct {
	// Table is 𝒰 in Phase 2's order: ascending profit (eq. 3), ties by
	// layer index.
	Table []Allocation
	// Greedy[i] is layer i's full greedy order S_il and Profits[i][j] the
	// profit of its prefix of size j (Profits[i][0] = 0): the profit-cost
	// table ℋ.
	Greedy  [][]int
	Profits [][]float64
}

// Seeds returns ∪_i S_ij in Table order, each node once.
func (p *Plan) Seeds() []int {
	var out []int
	for _, a := range p.Table {
		for _, v := range a.Seeds {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// Result is a seed set and how it was found.
type Result struct {
	// Seeds are node indices (at most K, distinct).
	Seeds []int
	// Spread and StdErr estimate σ(Seeds) with the Settings' oracle.
	Spread, StdErr float64
	// Plan is Phase 1's allocation (KSN and Reasoner); nil for ISF.
	Plan *Plan
	// Status is train.Success.
	Status train.Status
	// Stats counts oracle calls (multiplex and per-layer) and the runtime.
	Stats im.Stats
}

// Method is a multiplex influence-maximisation algorithm: ISF, KSN,
// Reasoner.
type Method interface {
	Run(p *Problem, s *Settings) (*Result, error)
}

// Maximize validates p, fills the defaults of settings and runs method
// (nil: ISF). Result.Stats.Runtime is set.
func Maximize(p *Problem, settings *Settings, method Method) (*Result, error) {
	start := time.Now()
	if p == nil || p.Model == nil {
		return nil, errors.New("mim: Problem.Model is nil")
	}
	if n := p.Model.NumNodes(); p.K < 1 || p.K > n {
		return nil, fmt.Errorf("mim: K = %d, want 1 ≤ K ≤ %d nodes", p.K, n)
	}
	var s Settings
	if settings != nil {
		s = *settings
	}
	if s.Runs <= 0 {
		s.Runs = multiplex.DefaultRuns
	}
	if s.Workers <= 0 {
		s.Workers = runtime.GOMAXPROCS(0)
	}
	if method == nil {
		method = ISF{}
	}
	res, err := method.Run(p, &s)
	if err != nil {
		return nil, err
	}
	res.Stats.Runtime = time.Since(start)
	return res, nil
}

// oracle returns the multiplex spread oracle of the settings.
func (s *Settings) oracle(m *multiplex.Model) im.Oracle {
	if s.Oracle != nil {
		return s.Oracle
	}
	return multiplex.MustMC(m, s.Runs, s.Seed, s.Workers)
}

// ISF is the Influential Seed Finder of Kuhnle et al. (2018): greedy on the
// multiplex objective σ, here CELF (lazy greedy, solvers/im) over the
// Monte-Carlo oracle with common random numbers, candidates all nodes. It
// reaches (1 − 1/e) of the optimum when σ is submodular (GDS layers).
type ISF struct{}

// Run implements Method.
func (ISF) Run(p *Problem, s *Settings) (*Result, error) {
	o := s.oracle(p.Model)
	r, err := im.Maximize(&im.Problem{Oracle: o, N: p.Model.NumNodes(), K: p.K},
		&im.Settings{Recorder: rename(s.Recorder, "isf")}, im.CELF{})
	if err != nil {
		return nil, fmt.Errorf("mim: ISF: %w", err)
	}
	return &Result{Seeds: r.Seeds, Spread: r.Spread, StdErr: r.StdErr, Status: train.Success,
		Stats: im.Stats{OracleCalls: r.Stats.OracleCalls}}, nil
}

// rename relabels an inner method's progress.
func rename(r train.Recorder, method string) train.Recorder {
	if r == nil {
		return nil
	}
	return train.RecorderFunc(func(p train.Progress) error {
		p.Method = method
		return r.Record(p)
	})
}

// Profit selects the profit of the knapsack items.
type Profit int

const (
	// ProfitLayer is σ_i(S_ij), the spread in layer i alone (KSN; the
	// paper's §4.1 text, p_i(S_ij) = σ_i(S_ij)).
	ProfitLayer Profit = iota
	// ProfitMultiplex is σ(S_ij), the spread of the layer's prefix in the
	// whole multiplex (the paper's Algorithm 1, p := σ(S_ij), and the
	// released code); it costs k·l more multiplex oracle calls.
	ProfitMultiplex
)

// CandidateFinder restricts the search space of a layer's greedy: the
// GAT's good candidates V_i^g of MIM-Reasoner (§4.1, App. A.1) plug in
// here. Candidates returns distinct node indices.
type CandidateFinder interface {
	Candidates(m *multiplex.Model, layer int) ([]int, error)
}

// LayerNodes is the default CandidateFinder: the nodes with at least one
// edge (in or out) in the layer, or every node when the layer has none.
type LayerNodes struct{}

// Candidates implements CandidateFinder.
func (LayerNodes) Candidates(m *multiplex.Model, layer int) ([]int, error) {
	g := m.Layer(layer)
	var c []int
	for v := 0; v < g.N; v++ {
		if g.OutDegree(v) > 0 || g.InDegree(v) > 0 {
			c = append(c, v)
		}
	}
	if c == nil {
		for v := 0; v < g.N; v++ {
			c = append(c, v)
		}
	}
	return c, nil
}

// Phase1 is MIM-Reasoner's budget allocation (§4.1, Algorithm 1), which is
// also KSN with Profit = ProfitLayer: for every layer i, algorithm 𝒜 =
// CELF on σ_i (Monte Carlo on layer i alone, the settings' runs and seed)
// over the layer's candidates gives nested solutions S_i1 ⊂ … ⊂ S_il
// (l = min(K, candidates)); the profit-cost table has the items (j,
// profit of S_ij) for j = 0..l, including the zero-budget item (0, 0); the
// exact multiple-choice knapsack (solvers/mckp) with budget K picks one
// item per layer.
type Phase1 struct {
	// Profit is ProfitLayer (default) or ProfitMultiplex.
	Profit Profit
	// Greedy is what 𝒜 maximises on layer i: ProfitLayer (default, σ_i
	// on layer i alone, the paper's §4.1) or ProfitMultiplex (σ, the
	// whole multiplex's spread, seeds restricted to the layer's
	// candidates: the released code's 𝒜). With both Greedy and Profit
	// ProfitMultiplex the profits are the greedy's cumulative gains,
	// σ(S_ij) with no extra oracle call.
	Greedy Profit
	// Candidates restricts each layer's greedy; nil means LayerNodes.
	Candidates CandidateFinder
}

// Plan runs Phase 1 and returns the allocation.
func (ph Phase1) Plan(p *Problem, s *Settings) (*Plan, int, error) {
	k := p.Model.NumLayers()
	cf := ph.Candidates
	if cf == nil {
		cf = LayerNodes{}
	}
	calls := 0
	plan := &Plan{Greedy: make([][]int, k), Profits: make([][]float64, k)}
	classes := make([][]mckp.Item, k)
	var sigma im.Oracle
	if ph.Profit == ProfitMultiplex || ph.Greedy == ProfitMultiplex {
		sigma = s.oracle(p.Model)
	}
	for i := 0; i < k; i++ {
		cand, err := cf.Candidates(p.Model, i)
		if err != nil {
			return nil, calls, fmt.Errorf("mim: layer %d candidates: %w", i, err)
		}
		l := min(p.K, len(cand))
		if l == 0 {
			classes[i] = []mckp.Item{{}}
			plan.Profits[i] = []float64{0}
			continue
		}
		layer := multiplex.MustMC(p.Model.Sub(i), s.Runs, s.Seed, s.Workers)
		obj, other := im.Oracle(layer), sigma // 𝒜's objective, the other profit
		if ph.Greedy == ProfitMultiplex {
			obj, other = sigma, layer
		}
		r, err := im.Maximize(&im.Problem{Oracle: obj, N: p.Model.NumNodes(), K: l, Candidates: cand},
			&im.Settings{Recorder: rename(s.Recorder, fmt.Sprintf("layer %d", i))}, im.CELF{})
		if err != nil {
			return nil, calls, fmt.Errorf("mim: layer %d: %w", i, err)
		}
		calls += r.Stats.OracleCalls
		plan.Greedy[i] = r.Seeds
		prof := make([]float64, l+1)
		classes[i] = make([]mckp.Item, l+1)
		acc := 0.0
		for j := 1; j <= l; j++ {
			if ph.Profit != ph.Greedy {
				prof[j], _ = other.Spread(r.Seeds[:j])
				calls++
			} else {
				acc += r.Gains[j-1]
				prof[j] = acc
			}
			classes[i][j] = mckp.Item{Cost: j, Profit: prof[j]}
		}
		plan.Profits[i] = prof
	}
	sol, err := mckp.Solve(classes, p.K)
	if err != nil {
		return nil, calls, fmt.Errorf("mim: %w", err)
	}
	for i, j := range sol.Choice {
		var seeds []int
		if j > 0 {
			seeds = slices.Clone(plan.Greedy[i][:j])
		}
		plan.Table = append(plan.Table, Allocation{Layer: i, Budget: j, Profit: plan.Profits[i][j], Seeds: seeds})
	}
	slices.SortStableFunc(plan.Table, func(a, b Allocation) int {
		switch {
		case a.Profit < b.Profit:
			return -1
		case a.Profit > b.Profit:
			return 1
		}
		return 0
	})
	return plan, calls, nil
}

// KSN is Knapsack Seeding of Networks (Kuhnle et al., 2018): Phase 1 with
// layer profits σ_i, seeds the union of the chosen prefixes. Duplicates
// across layers are kept once, so it may return fewer than K seeds.
type KSN struct {
	// Candidates restricts each layer's greedy; nil means LayerNodes.
	Candidates CandidateFinder
}

// Run implements Method.
func (m KSN) Run(p *Problem, s *Settings) (*Result, error) {
	plan, calls, err := Phase1{Profit: ProfitLayer, Candidates: m.Candidates}.Plan(p, s)
	if err != nil {
		return nil, err
	}
	return finish(p, s, plan, plan.Seeds(), calls)
}

func finish(p *Problem, s *Settings, plan *Plan, seeds []int, calls int) (*Result, error) {
	mean, se := s.oracle(p.Model).Spread(seeds)
	return &Result{Seeds: seeds, Spread: mean, StdErr: se, Plan: plan, Status: train.Success,
		Stats: im.Stats{OracleCalls: calls + 1}}, nil
}

// Phase2 is MIM-Reasoner's relation RL optimisation (§4.2, Algorithm 2):
// given Phase 1's plan (layers in ascending-profit order with their
// budgets and seeds S_ij) it returns the final seed set Ŝ = ∪_i S_i. The
// GAT candidate finder (models/gat) and the PPO policy with PGM rewards
// (train/ppo, solvers/pgm) are built elsewhere and plug in here.
type Phase2 interface {
	Refine(p *Problem, s *Settings, plan *Plan) ([]int, error)
}

// Reasoner is MIM-Reasoner: Phase 1 (profits σ(S_ij) as in Algorithm 1,
// or σ_i with LayerProfit) then Phase 2. With a nil Phase2 the
// result is Phase 1's seeds (the policy's imitation target for the first
// layer).
type Reasoner struct {
	// Candidates restricts each layer's greedy (the GAT's V_i^g); nil
	// means LayerNodes.
	Candidates CandidateFinder
	// LayerProfit selects ProfitLayer instead of the default
	// ProfitMultiplex for Phase 1.
	LayerProfit bool
	// Greedy is Phase 1's 𝒜 objective (Phase1.Greedy): ProfitLayer (the
	// default, σ_i) or ProfitMultiplex (σ over the layer's candidates).
	Greedy Profit
	// Phase2 refines the plan; nil returns Phase 1's seeds.
	Phase2 Phase2
	// Plan, if not nil, is the allocation of an earlier run on the same
	// problem (Result.Plan of training): Phase 1 is skipped and Phase 2
	// starts from it (inference).
	Plan *Plan
}

// Run implements Method.
func (m Reasoner) Run(p *Problem, s *Settings) (*Result, error) {
	ph := Phase1{Profit: ProfitMultiplex, Greedy: m.Greedy, Candidates: m.Candidates}
	if m.LayerProfit {
		ph.Profit = ProfitLayer
	}
	plan, calls := m.Plan, 0
	if plan == nil {
		var err error
		if plan, calls, err = ph.Plan(p, s); err != nil {
			return nil, err
		}
	} else if len(plan.Table) != p.Model.NumLayers() {
		return nil, fmt.Errorf("mim: Reasoner.Plan has %d layers, the multiplex %d", len(plan.Table), p.Model.NumLayers())
	}
	seeds := plan.Seeds()
	var err error
	if m.Phase2 != nil {
		if seeds, err = m.Phase2.Refine(p, s, plan); err != nil {
			return nil, fmt.Errorf("mim: phase 2: %w", err)
		}
		if len(seeds) > p.K {
			return nil, fmt.Errorf("mim: phase 2 returned %d seeds for budget %d", len(seeds), p.K)
		}
	}
	return finish(p, s, plan, seeds, calls)
}

// MultiplexDegree is a CandidateFinder: the nodes with an edge in the
// layer, ranked by their out-degree summed over all layers (ties by
// index), the first C kept (0: all). A node present in several layers
// seeds all of them at once (overlapping activation), which a layer's
// own ranking cannot see.
type MultiplexDegree struct {
	C int
}

// Candidates implements CandidateFinder.
func (f MultiplexDegree) Candidates(m *multiplex.Model, layer int) ([]int, error) {
	c, _ := LayerNodes{}.Candidates(m, layer)
	deg := make([]int, m.NumNodes())
	for i := range m.NumLayers() {
		g := m.Layer(i)
		for _, v := range c {
			deg[v] += g.OutDegree(v)
		}
	}
	slices.SortStableFunc(c, func(a, b int) int { return deg[b] - deg[a] })
	if f.C > 0 && len(c) > f.C {
		c = c[:f.C]
	}
	return c, nil
}

// Merge is a CandidateFinder interleaving its finders' lists (first of
// each, then second of each, …), each node once.
type Merge []CandidateFinder

// Candidates implements CandidateFinder.
func (fs Merge) Candidates(m *multiplex.Model, layer int) ([]int, error) {
	lists := make([][]int, len(fs))
	longest := 0
	for i, f := range fs {
		c, err := f.Candidates(m, layer)
		if err != nil {
			return nil, err
		}
		lists[i], longest = c, max(longest, len(c))
	}
	seen := make([]bool, m.NumNodes())
	var out []int
	for j := range longest {
		for _, c := range lists {
			if j < len(c) && !seen[c[j]] {
				seen[c[j]] = true
				out = append(out, c[j])
			}
		}
	}
	return out, nil
}
