package experiments

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train/slicer"
)

const realLong = `Paper Fig. 4: the Internet at the AS level (as-22july06: N = 22,963, 48,436
edges, GML) and the .sk web crawl (web-sk-2005: N = 121,422, 334,419 edges,
MatrixMarket), read from the shared datasets folder (-data; skipped with a
note when absent), undirected, α*_ij = max(k_i, k_j)^(−1/2) with k the
degree. Cascades start from the stochastic initial condition p̄_i = 10/N
(one class, about ten seeds per cascade), horizon T = 3 (the paper's T = 4 =
the original code's T_code: activation times 0..2 resolved plus the censored
class), ξ = 0% and 25% hidden nodes (drawn per run; the cascades of a run are
the same for every ξ and nested in M). SLICER starts from α = 0.1 on every
edge (the paper: "small α", value not given) and runs adam (train/slicer's
defaults): with one stochastic class the paper's ascent rate
ε₀ = N/(M·T_code·80) makes the objective oscillate for thousands of
iterations (-method ascent restores it). Metric: mean |α − α*| over all
edges (no identifiability filter, as in the paper), averaged over runs; the
series "start α=0.1" is the error of the starting point. quick: as-22july06
only, M ∈ {10³, 10⁴, 10⁵, 10⁶}, 2 runs, at most 500 iterations; paper: both
graphs, same M, 2 runs, at most 1000 iterations.`

// realFile returns the file name of a known real network, stored under
// DataDir/graphs/<name>/.
func realFile(name string) (string, bool) {
	switch name {
	case "as-22july06":
		return "as-22july06.gml", true
	case "web-sk-2005":
		return "web-sk-2005.mtx", true
	}
	return "", false
}

// RealConfig configures Real.
type RealConfig struct {
	// Networks are the datasets ("as-22july06", "web-sk-2005").
	Networks []string `json:"networks"`
	// T is the horizon (paper 4 = T_code, T = 3 here).
	T int `json:"t"`
	// Ms are the numbers of cascades (the x axis).
	Ms []int `json:"ms"`
	// Hidden are the fractions ξ of hidden nodes.
	Hidden []float64 `json:"hidden"`
	// Runs is the number of independent runs (cascades, hidden sets)
	// averaged per point; α* is fixed by the graph.
	Runs int `json:"runs"`
	// Seeds is the expected number of active nodes at t = 0: p̄_i = Seeds/N.
	Seeds float64 `json:"seeds"`
	// Learn is SLICER's configuration (Workers is set by the runner).
	Learn slicer.Config `json:"learn"`
}

// DefaultReal returns the configuration of scale s.
func DefaultReal(s Scale) RealConfig {
	c := RealConfig{Networks: []string{"as-22july06"}, T: 3, Ms: []int{1000, 10000, 100000, 1000000}, Hidden: []float64{0, 0.25},
		Runs: 2, Seeds: 10, Learn: slicer.PaperConfig()}
	c.Learn.Init = 0.1
	// The paper's ascent rate ε₀ = N/(M·T_code·80) does not suit one
	// stochastic class on these graphs (measured on as-22july06, M = 10⁴ and
	// 10⁵, from α = 0.1: O(θ) falls by 10% during the constant-rate phase
	// and still oscillates by ±1% after 1500 iterations, ending at mean
	// |α − α*| = 0.090 and 0.056, against 0.087 and 0.040 for adam, which
	// converges in about 250 iterations to a higher objective; the figures
	// in docs/RESULTS.md were measured so). -method paper restores the
	// paper's loop, -method pqn uses the default learner.
	c.Learn.Method = slicer.MethodAdam
	c.Learn.MaxIters = 500
	if s == Paper {
		c.Networks = []string{"as-22july06", "web-sk-2005"}
		c.Learn.MaxIters = slicer.DefaultMaxIters
	}
	return c
}

// readReal reads network name from dataDir/graphs/<name>/<file>; the error
// wraps fs.ErrNotExist when dataDir is empty or the file is absent.
func readReal(dataDir, name string) (*graphs.Graph, error) {
	file, ok := realFile(name)
	if !ok {
		return nil, fmt.Errorf("unknown network %q (want as-22july06 or web-sk-2005)", name)
	}
	if dataDir == "" {
		return nil, fmt.Errorf("no shared datasets folder given: %w", fs.ErrNotExist)
	}
	path := filepath.Join(dataDir, "graphs", name, file)
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	var g *graphs.Graph
	var err error
	opt := graphs.ReadOptions{BuildOptions: graphs.BuildOptions{Undirected: true}}
	if filepath.Ext(file) == ".gml" {
		g, _, err = graphs.ReadGMLFile(path, opt)
	} else {
		g, _, err = graphs.ReadMatrixMarketFile(path, opt)
	}
	if err != nil {
		return nil, err
	}
	if !g.Undirected() {
		return nil, fmt.Errorf("%s: read as a directed graph, want undirected", path)
	}
	return g, nil
}

// constSlice returns n copies of v.
func constSlice(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// methodName returns the update rule's name ("" means the default, pqn).
func methodName(m string) string {
	if m == "" {
		return slicer.MethodPQN
	}
	return m
}

// degreeAlpha returns α*_e = max(k_i, k_j)^(−1/2) per undirected edge.
func degreeAlpha(g *graphs.Graph) []float64 {
	a := make([]float64, g.NumPairs())
	for p := range a {
		e := g.PairEdge[p]
		k := max(g.OutDegree(g.Src[e]), g.OutDegree(g.Dst[e]))
		a[p] = 1 / math.Sqrt(float64(k))
	}
	return a
}

// Real reproduces paper Fig. 4 (see realLong). Points: per (network, ξ, M),
// metric "mae", series "<network> ξ=…"; and per (network, M) the error of
// the starting point α = Init (method "init", series "<network>, start
// α=…"), the reference a learned α should beat. Networks whose file is absent are
// skipped with a note; with none present the Output has no points.
func Real(ctx context.Context, cfg RealConfig, opt Options) (*Output, error) {
	const name = "real"
	cfg.Learn = opt.learnConfig(cfg.Learn)
	if len(cfg.Networks) == 0 || cfg.T < 1 || len(cfg.Ms) == 0 || len(cfg.Hidden) == 0 || cfg.Runs < 1 || !(cfg.Seeds > 0) {
		return nil, fmt.Errorf("experiments: %s: need networks, T ≥ 1, Ms, hidden fractions, Runs ≥ 1, Seeds > 0", name)
	}
	for _, xi := range cfg.Hidden {
		if !(xi >= 0 && xi < 1) {
			return nil, fmt.Errorf("experiments: %s: hidden fraction %g outside [0, 1)", name, xi)
		}
	}
	tr := newTracker(name, opt.Recorder)
	var notes []string
	type net struct {
		name      string
		id        uint64
		g         *graphs.Graph
		alphaStar []float64
		p0        []float64
	}
	var nets []net
	for k, nm := range cfg.Networks {
		g, err := readReal(opt.DataDir, nm)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				n := fmt.Sprintf("skipping %s: shared data absent (%v); set -data or SPREAD_SHARED", nm, err)
				notes = append(notes, n)
				if err := tr.note("%s", n); err != nil {
					return nil, err
				}
				continue
			}
			return nil, fmt.Errorf("experiments: %s: %w", name, err)
		}
		q := cfg.Seeds / float64(g.N)
		if q > 1 {
			return nil, fmt.Errorf("experiments: %s: %s has %d nodes, fewer than Seeds = %g", name, nm, g.N, cfg.Seeds)
		}
		p0 := make([]float64, g.N)
		for i := range p0 {
			p0[i] = q
		}
		nets = append(nets, net{nm, uint64(k + 1), g, degreeAlpha(g), p0})
		if err := tr.note("%s: N = %d, %d edges", nm, g.N, g.NumPairs()); err != nil {
			return nil, err
		}
	}
	type job struct{ ni, hi, mi, r, point int }
	var jobs []job
	init := cfg.Learn.Init
	if init == 0 {
		init = slicer.DefaultInit
	}
	for _, nt := range nets {
		// The reference: the error of the starting point, constant in M.
		e0 := slicer.MeanAbsError(constSlice(len(nt.alphaStar), init), nt.alphaStar, nil)
		for _, M := range cfg.Ms {
			p := Point{Series: fmt.Sprintf("%s, start α=%g", nt.name, init), Method: "init", Graph: nt.name,
				N: nt.g.N, Params: nt.g.NumPairs(), T: cfg.T, M: M, Replicas: 1, X: float64(M), Metric: "mae"}
			if err := tr.add(tr.plan(p, 1), 0, e0, runInfo{}); err != nil {
				return nil, err
			}
		}
	}
	for ni, nt := range nets {
		for hi, xi := range cfg.Hidden {
			for mi, M := range cfg.Ms {
				p := Point{Series: fmt.Sprintf("%s ξ=%g%%", nt.name, 100*xi), Method: "slicer", Graph: nt.name,
					N: nt.g.N, Params: nt.g.NumPairs(), T: cfg.T, Hidden: xi, M: M, Replicas: 1, X: float64(M), Metric: "mae"}
				pi := tr.plan(p, cfg.Runs)
				for r := 0; r < cfg.Runs; r++ {
					jobs = append(jobs, job{ni, hi, mi, r, pi})
				}
			}
		}
	}
	// Larger graphs first.
	sortJobs(jobs, func(j job) int { return -nets[j.ni].g.NumEdges() })
	W := opt.workers()
	gw := max(1, W/max(1, len(jobs)))
	err := runJobs(ctx, W, len(jobs), func(ctx context.Context, j int) error {
		jb := jobs[j]
		nt := &nets[jb.ni]
		xi, M := cfg.Hidden[jb.hi], cfg.Ms[jb.mi]
		t0 := time.Now()
		xiKey := uint64(math.Round(xi * 1e6))
		observed := hiddenMask(nt.g.N, xi, subSeed(opt.Seed, tagHidden, 100+nt.id, uint64(jb.r), xiKey))
		obs := simulateCounts(nt.g, ic.ExpandAlpha(nil, nt.g, nt.alphaStar), cfg.T, M, observed, nt.p0,
			subSeed(opt.Seed, tagCascades, 100+nt.id, uint64(jb.r)), gw)
		lc := cfg.Learn
		lc.Workers = gw
		res, err := learnSlicer(ctx, nt.g, obs, lc)
		if err != nil {
			return fmt.Errorf("experiments: %s: %s ξ=%g M=%d run %d: %w", name, nt.name, xi, M, jb.r, err)
		}
		return tr.add(jb.point, jb.r, slicer.MeanAbsError(res.Theta, nt.alphaStar, nil), learnInfo(res, time.Since(t0).Seconds()))
	})
	out, err := tr.output(err, cfg, opt.Seed, notes)
	if err != nil {
		return nil, err
	}
	pts := out.Points
	out.Figures = []FigureFile{
		figureSpec{file: name + ".png", title: fmt.Sprintf("Fig. 4: real networks, p̄=%g/N, T=%d (T_code=%d), %s from α=%g", cfg.Seeds, cfg.T, cfg.T+1, methodName(cfg.Learn.Method), init),
			xlabel: "number of cascades M", ylabel: "mean |α − α*|", logX: true, logY: true, metric: "mae"}.build(pts),
	}
	return out, nil
}
