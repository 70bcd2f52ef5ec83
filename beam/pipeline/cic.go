package pipeline

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/cic"
)

// CICConfig configures the continuous-time ground-truth pipeline: the
// fields of `spread cic truth` plus the sharding.
type CICConfig struct {
	Graph GraphSpec
	// Model is the delay family (exp, rayleigh, weibull) and Params the
	// per-edge parameter file ("" : drawn from Seed with the default
	// ranges, as spread cic truth does).
	Model, Params string
	// T is the horizon; the grid is t = 0, 1, …, ⌊T⌋.
	T float64
	// Samples is the number K of cascades per source set; Seed selects
	// them (cascade idx uses the stream (Seed, idx)) and the drawn
	// parameters.
	Samples int
	Seed    uint64
	// Sources are the source sets (node ids) and Out[k] the CSV of set k.
	Sources [][]string
	Out     []string
	// Shards, Workers, NoReshuffle: as in MCConfig.
	Shards, Workers int
	NoReshuffle     bool
}

// cicLoaded is what a worker builds from a CICConfig once.
type cicLoaded struct {
	g       *graphs.Graph
	sim     *cic.Simulator
	grid    []float64
	sources [][]int
}

func (c *CICConfig) load() (*cicLoaded, error) {
	if !(c.T > 0) || math.IsInf(c.T, 0) {
		return nil, fmt.Errorf("horizon T = %v, want a finite T > 0", c.T)
	}
	d, err := cic.ParseDelay(c.Model)
	if err != nil {
		return nil, err
	}
	g, err := c.Graph.Load()
	if err != nil {
		return nil, err
	}
	var p cic.Params
	if c.Params != "" {
		p, err = datasets.ReadDelayParamsFile(c.Params, g, d)
	} else {
		p, err = cic.RandomParams(g, d, cic.DefaultRanges(), c.Seed)
	}
	if err != nil {
		return nil, err
	}
	sim, err := cic.NewSimulator(g, d, p, c.T)
	if err != nil {
		return nil, err
	}
	l := &cicLoaded{g: g, sim: sim, grid: make([]float64, int(c.T)+1)}
	for t := range l.grid {
		l.grid[t] = float64(t)
	}
	for k, ids := range c.Sources {
		s, err := datasets.ParseNodeIDs(g, strings.Join(ids, ","))
		if err != nil {
			return nil, fmt.Errorf("source set %d: %w", k+1, err)
		}
		l.sources = append(l.sources, s)
	}
	return l, nil
}

// Check validates the configuration and reads the inputs once.
func (c *CICConfig) Check() error {
	switch {
	case c.Samples < 1:
		return fmt.Errorf("pipeline: cic: %d samples, want ≥ 1", c.Samples)
	case len(c.Sources) == 0 || len(c.Sources) != len(c.Out):
		return fmt.Errorf("pipeline: cic: %d source sets for %d outputs", len(c.Sources), len(c.Out))
	case c.Shards < 0:
		return fmt.Errorf("pipeline: cic: %d shards", c.Shards)
	}
	if _, err := c.load(); err != nil {
		return fmt.Errorf("pipeline: cic: %w", err)
	}
	return nil
}

// cicShardFn simulates one shard and emits (set, first-infection counts).
type cicShardFn struct {
	Cfg CICConfig
	l   *cicLoaded
}

func (f *cicShardFn) Setup() error {
	l, err := f.Cfg.load()
	if err != nil {
		return fmt.Errorf("pipeline: cic: %w", err)
	}
	f.l = l
	return nil
}

func (f *cicShardFn) ProcessElement(sh mcShard, emit func(int, []int64)) error {
	c, err := f.l.sim.FirstCounts(nil, f.l.sources[sh.Set], f.l.grid, sh.Lo, sh.Hi, f.Cfg.Seed, f.Cfg.Workers)
	if err != nil {
		return err
	}
	emit(sh.Set, c)
	return nil
}

// addInt64 adds counts elementwise (exact).
func addInt64(a, b []int64) []int64 {
	if a == nil {
		return b
	}
	for j, x := range b {
		a[j] += x
	}
	return a
}

// cicWriteFn finishes the summed counts of a source set into the marginals
// and writes its CSV.
type cicWriteFn struct {
	Cfg CICConfig
	g   *graphs.Graph
}

func (f *cicWriteFn) Setup() error {
	g, err := f.Cfg.Graph.Load()
	if err != nil {
		return fmt.Errorf("pipeline: cic: %w", err)
	}
	f.g = g
	return nil
}

func (f *cicWriteFn) ProcessElement(set int, counts []int64) error {
	L := int(f.Cfg.T) + 1
	if len(counts) != L*f.g.N {
		return fmt.Errorf("pipeline: cic: source set %d: %d counts, want %d", set+1, len(counts), L*f.g.N)
	}
	marg := cic.MarginalsFromFirst(nil, counts, f.g.N, f.Cfg.Samples)
	return datasets.WriteMarginalsFile(f.Cfg.Out[set], f.g, marg, L)
}

func init() {
	register.DoFn2x1[mcShard, func(int, []int64), error](&cicShardFn{})
	register.Emitter2[int, []int64]()
	register.Function2x1(addInt64)
	register.DoFn2x1[int, []int64, error](&cicWriteFn{})
}

// CIC adds the continuous-time ground-truth pipeline to s: one element per
// shard of each source set, first-infection counts combined per source
// set, one "node,t,p" CSV per set (the file of `spread cic truth`). Call
// Check first.
func CIC(s beam.Scope, cfg CICConfig) {
	s = s.Scope("spread.cic")
	shards := shardsOf(len(cfg.Sources), cfg.Samples, cfg.Shards, func(set, lo, hi int) mcShard { return mcShard{Set: set, Lo: lo, Hi: hi} })
	col := beam.CreateList(s, shards)
	if !cfg.NoReshuffle {
		col = beam.Reshuffle(s, col)
	}
	counts := beam.ParDo(s, &cicShardFn{Cfg: cfg}, col)
	beam.ParDo0(s, &cicWriteFn{Cfg: cfg}, beam.CombinePerKey(s, addInt64, counts))
}

// RunCIC builds the CIC pipeline and runs it (see Run).
func RunCIC(ctx context.Context, opt RunOptions, cfg CICConfig) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	p, s := beam.NewPipelineWithRoot()
	CIC(s, cfg)
	return Run(ctx, opt, p)
}
