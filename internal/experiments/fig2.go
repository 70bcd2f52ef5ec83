package experiments

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train/slicer"
)

const fig2Long = `Paper Fig. 2: full observation, N = 100 nodes, five topologies (regular tree
of degree 3, scale-free tree = Barabási–Albert m=1, random 3-regular graph,
Erdős–Rényi with mean degree 3, 10×10 open square lattice), horizons T = 4
and T = 9 (the paper's 5 and 10 = the original code's T_code; activation
times 0..T−1 resolved plus the censored class). For each network instance and
α* ~ U[0,1] set: M single-seed cascades (seed uniform over the nodes; the M
cascades of a smaller M are the first ones of a larger M), then SLICER (the
paper's ascent loop from α = 0.5, adjoint gradient). Metric: mean |α − α*|
over all edges, averaged over instances × α* sets (error bars: standard
error). quick: M ∈ {10², 10³, 10⁴, 10⁵}, 1 network × 2 α* sets; paper: M up
to 10⁶, 5 networks × 5 α* sets (tree and lattice are deterministic, so their
5 "networks" are the same graph with different α*).`

const fig3Long = `Paper Fig. 3: as Fig. 2 but with a fraction ξ = 25% of the nodes hidden
(drawn uniformly per network and α* set, fixed across cascades; seeds drawn
among the observed nodes; hidden nodes propagate in DMP but are left out of
the objective), on regular trees (degree 3) and random 3-regular graphs,
N = 100, T = 4 and 9. On trees the edges touching hidden leaves are left out
of the error (paper; slicer.EdgesTouchingHiddenLeaves); no edge is excluded on
RRGs (they have no leaves). quick: M ∈ {10², 10³, 10⁴, 10⁵}, 1 network × 3
α* sets; paper: M up to 10⁶, 5 networks × 5 α* sets.`

// topoID returns the stream index of a topology, fixed so that the same seed
// gives the same graphs and α* in Fig2, Fig3, Fig5 and Fig6, and false for
// an unknown topology.
func topoID(topo string) (uint64, bool) {
	switch topo {
	case TopoTree:
		return 1, true
	case TopoSFTree:
		return 2, true
	case TopoRRG:
		return 3, true
	case TopoER:
		return 4, true
	case TopoLattice:
		return 5, true
	}
	return 0, false
}

// Fig2Config configures Fig2.
type Fig2Config struct {
	// N is the number of nodes (paper: 100; a square for the lattice).
	N int `json:"n"`
	// Topologies are the graph kinds: "tree", "sftree", "rrg", "er",
	// "lattice".
	Topologies []string `json:"topologies"`
	// Ts are the horizons (paper "5 and 10" = T 4 and 9 here).
	Ts []int `json:"ts"`
	// Ms are the numbers of cascades (the x axis).
	Ms []int `json:"ms"`
	// Networks × AlphaSets runs are averaged per point (paper: 5 × 5).
	Networks  int `json:"networks"`
	AlphaSets int `json:"alpha_sets"`
	// Learn is SLICER's configuration (Workers is set by the runner).
	Learn slicer.Config `json:"learn"`
}

// DefaultFig2 returns the configuration of scale s.
func DefaultFig2(s Scale) Fig2Config {
	c := Fig2Config{N: 100, Topologies: []string{TopoTree, TopoSFTree, TopoRRG, TopoER, TopoLattice},
		Ts: []int{4, 9}, Ms: []int{100, 1000, 10000, 100000}, Networks: 1, AlphaSets: 2, Learn: slicer.DefaultConfig()}
	if s == Paper {
		c.Ms = []int{100, 1000, 10000, 100000, 1000000}
		c.Networks, c.AlphaSets = 5, 5
	}
	return c
}

// Fig3Config configures Fig3.
type Fig3Config struct {
	// N, Topologies, Ts, Ms, Networks, AlphaSets and Learn are as in
	// Fig2Config.
	N          int      `json:"n"`
	Topologies []string `json:"topologies"`
	Ts         []int    `json:"ts"`
	Ms         []int    `json:"ms"`
	Networks   int      `json:"networks"`
	AlphaSets  int      `json:"alpha_sets"`
	// Hidden are the fractions ξ of hidden nodes (paper: up to 25%).
	Hidden []float64     `json:"hidden"`
	Learn  slicer.Config `json:"learn"`
}

// DefaultFig3 returns the configuration of scale s.
func DefaultFig3(s Scale) Fig3Config {
	c := Fig3Config{N: 100, Topologies: []string{TopoTree, TopoRRG}, Ts: []int{4, 9},
		Ms: []int{100, 1000, 10000, 100000}, Networks: 1, AlphaSets: 3, Hidden: []float64{0.25}, Learn: slicer.DefaultConfig()}
	if s == Paper {
		c.Ms = []int{100, 1000, 10000, 100000, 1000000}
		c.Networks, c.AlphaSets = 5, 5
	}
	return c
}

// Fig2 reproduces paper Fig. 2 (see fig2Long). Points: one per (topology,
// T, M), metric "mae", series "<topology> T=<T>".
func Fig2(ctx context.Context, cfg Fig2Config, opt Options) (*Output, error) {
	cfg.Learn = opt.learnConfig(cfg.Learn)
	grid := learnGrid{name: "fig2", n: cfg.N, topologies: cfg.Topologies, ts: cfg.Ts, hidden: []float64{0},
		ms: cfg.Ms, networks: cfg.Networks, alphaSets: cfg.AlphaSets, learn: cfg.Learn}
	pts, err := grid.run(ctx, opt)
	if err != nil {
		return nil, err
	}
	out := &Output{Name: grid.name, Config: cfg, Seed: opt.Seed, Points: pts}
	out.Figures = grid.figures(pts, "Fig. 2: full observation")
	return out, nil
}

// Fig3 reproduces paper Fig. 3 (see fig3Long). Points: one per (topology,
// T, ξ, M), metric "mae", series "<topology> T=<T> ξ=<ξ>".
func Fig3(ctx context.Context, cfg Fig3Config, opt Options) (*Output, error) {
	cfg.Learn = opt.learnConfig(cfg.Learn)
	grid := learnGrid{name: "fig3", n: cfg.N, topologies: cfg.Topologies, ts: cfg.Ts, hidden: cfg.Hidden,
		ms: cfg.Ms, networks: cfg.Networks, alphaSets: cfg.AlphaSets, learn: cfg.Learn, excludeHiddenLeaves: true}
	pts, err := grid.run(ctx, opt)
	if err != nil {
		return nil, err
	}
	out := &Output{Name: grid.name, Config: cfg, Seed: opt.Seed, Points: pts}
	out.Figures = grid.figures(pts, "Fig. 3: hidden nodes")
	return out, nil
}

// learnGrid is the protocol shared by Fig2 and Fig3: SLICER's estimation
// error vs M over topologies, horizons and hidden fractions.
type learnGrid struct {
	name                string
	n                   int
	topologies          []string
	ts                  []int
	hidden              []float64
	ms                  []int
	networks, alphaSets int
	learn               slicer.Config
	// excludeHiddenLeaves leaves the edges touching hidden leaves out of
	// the error on tree topologies (paper Fig. 3).
	excludeHiddenLeaves bool
}

func (c *learnGrid) series(topo string, T int, xi float64) string {
	s := fmt.Sprintf("%s T=%d", topoLabel(topo), T)
	if len(c.hidden) > 1 || xi > 0 {
		s += fmt.Sprintf(" ξ=%g%%", 100*xi)
	}
	return s
}

func (c *learnGrid) run(ctx context.Context, opt Options) ([]Point, error) {
	if c.n < 2 || len(c.topologies) == 0 || len(c.ts) == 0 || len(c.ms) == 0 || len(c.hidden) == 0 || c.networks < 1 || c.alphaSets < 1 {
		return nil, fmt.Errorf("experiments: %s: need N ≥ 2, topologies, Ts, Ms, hidden fractions, Networks ≥ 1, AlphaSets ≥ 1", c.name)
	}
	for _, T := range c.ts {
		if T < 1 {
			return nil, fmt.Errorf("experiments: %s: horizon T = %d, want ≥ 1", c.name, T)
		}
	}
	for _, xi := range c.hidden {
		if !(xi >= 0 && xi < 1) {
			return nil, fmt.Errorf("experiments: %s: hidden fraction %g outside [0, 1)", c.name, xi)
		}
	}
	// Graph instances, built once.
	inst := make([][]*graphs.Graph, len(c.topologies))
	for ti, topo := range c.topologies {
		id, ok := topoID(topo)
		if !ok {
			return nil, fmt.Errorf("experiments: %s: unknown topology %q (want tree, sftree, rrg, er or lattice)", c.name, topo)
		}
		for k := 0; k < c.networks; k++ {
			g, err := makeGraph(topo, c.n, subSeed(opt.Seed, tagGraph, id, uint64(k)))
			if err != nil {
				return nil, fmt.Errorf("experiments: %s: %w", c.name, err)
			}
			inst[ti] = append(inst[ti], g)
		}
	}
	tr := newTracker(c.name, opt.Recorder)
	runs := c.networks * c.alphaSets
	type job struct{ ti, Ti, hi, mi, k, a, point int }
	var jobs []job
	for ti, topo := range c.topologies {
		for Ti, T := range c.ts {
			for hi, xi := range c.hidden {
				for mi, M := range c.ms {
					g := inst[ti][0]
					p := Point{Series: c.series(topo, T, xi), Method: "slicer", Graph: topo, N: g.N, Params: g.NumPairs(),
						T: T, Hidden: xi, M: M, Replicas: 1, X: float64(M), Metric: "mae"}
					pi := tr.plan(p, runs)
					for k := 0; k < c.networks; k++ {
						for a := 0; a < c.alphaSets; a++ {
							jobs = append(jobs, job{ti, Ti, hi, mi, k, a, pi})
						}
					}
				}
			}
		}
	}
	// Longest horizons first: their runs cost the most.
	sortJobs(jobs, func(j job) int { return -c.ts[j.Ti] })
	W := opt.workers()
	gw := max(1, W/len(jobs))
	err := runJobs(ctx, W, len(jobs), func(ctx context.Context, j int) error {
		jb := jobs[j]
		topo := c.topologies[jb.ti]
		id, _ := topoID(topo)
		g := inst[jb.ti][jb.k]
		T, xi, M := c.ts[jb.Ti], c.hidden[jb.hi], c.ms[jb.mi]
		t0 := time.Now()
		alphaStar := drawAlpha(g.NumPairs(), subSeed(opt.Seed, tagAlpha, id, uint64(jb.k), uint64(jb.a)))
		xiKey := uint64(math.Round(xi * 1e6))
		observed := hiddenMask(g.N, xi, subSeed(opt.Seed, tagHidden, id, uint64(jb.k), uint64(jb.a), xiKey))
		obs := simulateCounts(g, ic.ExpandAlpha(nil, g, alphaStar), T, M, observed, nil,
			subSeed(opt.Seed, tagCascades, id, uint64(jb.k), uint64(jb.a), uint64(T), xiKey), 1)
		lc := c.learn
		lc.Workers = gw
		res, err := learnSlicer(ctx, g, obs, lc)
		if err != nil {
			return fmt.Errorf("experiments: %s: %s T=%d ξ=%g M=%d network %d α* set %d: %w", c.name, topo, T, xi, M, jb.k, jb.a, err)
		}
		var exclude []bool
		if c.excludeHiddenLeaves && observed != nil && (topo == TopoTree || topo == TopoSFTree) {
			exclude = slicer.EdgesTouchingHiddenLeaves(g, observed)
		}
		return tr.add(jb.point, jb.k*c.alphaSets+jb.a, slicer.MeanAbsError(res.Theta, alphaStar, exclude), learnInfo(res, time.Since(t0).Seconds()))
	})
	if err != nil {
		return nil, err
	}
	return tr.result()
}

// figures returns NAME.png with every series and one panel per horizon,
// NAME_T<T>.png.
func (c *learnGrid) figures(pts []Point, title string) []FigureFile {
	figs := []FigureFile{figureSpec{file: c.name + ".png", title: fmt.Sprintf("%s, N=%d (T_code = T+1)", title, c.n),
		xlabel: "number of cascades M", ylabel: "mean |α − α*|", logX: true, logY: true, metric: "mae"}.build(pts)}
	if len(c.ts) > 1 {
		for _, T := range c.ts {
			figs = append(figs, figureSpec{file: fmt.Sprintf("%s_T%d.png", c.name, T),
				title:  fmt.Sprintf("%s, N=%d, T=%d (T_code=%d)", title, c.n, T, T+1),
				xlabel: "number of cascades M", ylabel: "mean |α − α*|", logX: true, logY: true, metric: "mae",
				keep: func(p *Point) bool { return p.T == T }}.build(pts))
		}
	}
	return figs
}

// sortJobs orders jobs by key, keeping the planning order among equal keys.
func sortJobs[J any](jobs []J, key func(J) int) {
	slices.SortStableFunc(jobs, func(a, b J) int { return cmp.Compare(key(a), key(b)) })
}
