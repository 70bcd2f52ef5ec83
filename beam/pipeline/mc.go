package pipeline

import (
	"context"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// MCConfig configures the Monte-Carlo marginals pipeline. Its fields are
// those of `spread ic predict -method mc` plus the sharding.
type MCConfig struct {
	Graph GraphSpec
	// Alpha is the "u v alpha" file of edge probabilities.
	Alpha string
	// T is the horizon: marginals for t = 0..T-1.
	T int
	// Samples is the number K of cascades per source set.
	Samples int
	// Seed selects the cascades: cascade idx uses the stream (Seed, idx).
	Seed uint64
	// Sources are the source sets (node ids, as in the input) and Out the
	// CSV file written for each, Out[k] for Sources[k].
	Sources [][]string
	Out     []string
	// Shards is the number of shards per source set (zero: 1).
	Shards int
	// Workers is the number of goroutines a shard uses (zero:
	// GOMAXPROCS). The result does not depend on it.
	Workers int
	// NoReshuffle keeps the shards in the bundle that created them instead
	// of redistributing them (beam.Reshuffle) before the simulation.
	NoReshuffle bool
}

// mcShard is one element of the MC pipeline: cascades Lo..Hi-1 of source
// set Set.
type mcShard struct {
	Set    int
	Lo, Hi int
}

// mcLoaded is what a worker builds from an MCConfig once.
type mcLoaded struct {
	g       *graphs.Graph
	alpha   []float64
	sources [][]int
}

func (c *MCConfig) load() (*mcLoaded, error) {
	g, err := c.Graph.Load()
	if err != nil {
		return nil, err
	}
	th, err := datasets.ReadEdgeValuesFile(c.Alpha, g, true)
	if err != nil {
		return nil, err
	}
	l := &mcLoaded{g: g, alpha: ic.ExpandAlpha(nil, g, th)}
	for k, ids := range c.Sources {
		var s []int
		seen := map[int]bool{}
		for _, id := range ids {
			i, ok := g.Index(id)
			if !ok {
				return nil, fmt.Errorf("source set %d: unknown node id %q", k+1, id)
			}
			if seen[i] {
				return nil, fmt.Errorf("source set %d: node id %q given twice", k+1, id)
			}
			seen[i] = true
			s = append(s, i)
		}
		if len(s) == 0 {
			return nil, fmt.Errorf("source set %d is empty", k+1)
		}
		l.sources = append(l.sources, s)
	}
	return l, nil
}

// Check validates the configuration and reads the inputs once, so that bad
// input fails before a pipeline is built.
func (c *MCConfig) Check() error {
	switch {
	case c.T < 1:
		return fmt.Errorf("pipeline: mc: horizon T = %d, want ≥ 1", c.T)
	case c.Samples < 1:
		return fmt.Errorf("pipeline: mc: %d samples, want ≥ 1", c.Samples)
	case len(c.Sources) == 0 || len(c.Sources) != len(c.Out):
		return fmt.Errorf("pipeline: mc: %d source sets for %d outputs", len(c.Sources), len(c.Out))
	case c.Shards < 0:
		return fmt.Errorf("pipeline: mc: %d shards", c.Shards)
	}
	_, err := c.load()
	if err != nil {
		return fmt.Errorf("pipeline: mc: %w", err)
	}
	return nil
}

// mcShardFn simulates one shard and emits (set, activation counts).
type mcShardFn struct {
	Cfg MCConfig
	l   *mcLoaded
	sim *ic.Simulator
}

func (f *mcShardFn) Setup() error {
	l, err := f.Cfg.load()
	if err != nil {
		return fmt.Errorf("pipeline: mc: %w", err)
	}
	f.l, f.sim = l, ic.NewSimulator(l.g, l.alpha, f.Cfg.T)
	return nil
}

func (f *mcShardFn) ProcessElement(sh mcShard, emit func(int, []float64)) {
	c := f.sim.ActivationCounts(nil, ic.SeedSet(f.l.sources[sh.Set]...), sh.Lo, sh.Hi, f.Cfg.Seed, f.Cfg.Workers)
	emit(sh.Set, c)
}

// addCounts adds activation counts elementwise (exact: integers < 2^53).
func addCounts(a, b []float64) []float64 {
	if a == nil {
		return b
	}
	for j, x := range b {
		a[j] += x
	}
	return a
}

// mcWriteFn turns the summed counts of a source set into marginals and
// writes its CSV.
type mcWriteFn struct {
	Cfg MCConfig
	g   *graphs.Graph
}

func (f *mcWriteFn) Setup() error {
	g, err := f.Cfg.Graph.Load()
	if err != nil {
		return fmt.Errorf("pipeline: mc: %w", err)
	}
	f.g = g
	return nil
}

func (f *mcWriteFn) ProcessElement(set int, counts []float64) error {
	if len(counts) != f.Cfg.T*f.g.N {
		return fmt.Errorf("pipeline: mc: source set %d: %d counts, want %d", set+1, len(counts), f.Cfg.T*f.g.N)
	}
	marg := ic.MarginalsFromCounts(counts, f.g.N, f.Cfg.Samples)
	return datasets.WriteMarginalsFile(f.Cfg.Out[set], f.g, marg, f.Cfg.T)
}

func init() {
	beam.RegisterType(reflect.TypeOf((*mcShard)(nil)).Elem())
	register.DoFn2x0[mcShard, func(int, []float64)](&mcShardFn{})
	register.Emitter2[int, []float64]()
	register.Function2x1(addCounts)
	register.DoFn2x1[int, []float64, error](&mcWriteFn{})
}

// MC adds the Monte-Carlo marginals pipeline to s: one element per shard of
// each source set, counts combined per source set, one CSV per source set
// ("node,t,p", the file of `spread ic predict -method mc`). Call Check
// first.
func MC(s beam.Scope, cfg MCConfig) {
	s = s.Scope("spread.mc")
	shards := shardsOf(len(cfg.Sources), cfg.Samples, cfg.Shards, func(set, lo, hi int) mcShard { return mcShard{Set: set, Lo: lo, Hi: hi} })
	col := beam.CreateList(s, shards)
	if !cfg.NoReshuffle {
		col = beam.Reshuffle(s, col)
	}
	counts := beam.ParDo(s, &mcShardFn{Cfg: cfg}, col)
	sum := beam.CombinePerKey(s, addCounts, counts)
	beam.ParDo0(s, &mcWriteFn{Cfg: cfg}, sum)
}

// RunMC builds the MC pipeline and runs it (see Run).
func RunMC(ctx context.Context, opt RunOptions, cfg MCConfig) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	p, s := beam.NewPipelineWithRoot()
	MC(s, cfg)
	return Run(ctx, opt, p)
}
