package pipeline

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/spread-dev/spread/internal/atomicfile"
	"github.com/spread-dev/spread/solvers/im"
)

// EvalConfig configures the spread-evaluation pipeline: `spread im eval`
// for every seed set of a file.
type EvalConfig struct {
	Graph GraphSpec
	Probs ProbSpec
	// Model is "IC" or "LT".
	Model string
	// SeedSets are the seed sets (node ids).
	SeedSets [][]string
	// Runs is the number R of Monte-Carlo worlds (im eval's -mc).
	Runs int
	// Seed selects the worlds (im eval's -seed).
	Seed uint64
	// Shards is the number of shards per seed set (zero: 1).
	Shards int
	// Workers is the goroutines per shard (zero: GOMAXPROCS).
	Workers int
	// NoReshuffle: see MCConfig.
	NoReshuffle bool
	// Out is the CSV written: set,size,spread,stderr, one row per seed set
	// in input order (set counts from 1).
	Out string
}

type evalShard struct {
	Set    int
	Lo, Hi int
}

// Check validates the configuration and reads the inputs once.
func (c *EvalConfig) Check() error {
	switch {
	case c.Runs < 1:
		return fmt.Errorf("pipeline: eval: %d runs, want ≥ 1", c.Runs)
	case len(c.SeedSets) == 0:
		return fmt.Errorf("pipeline: eval: no seed sets")
	case c.Out == "":
		return fmt.Errorf("pipeline: eval: no output file")
	case c.Shards < 0:
		return fmt.Errorf("pipeline: eval: %d shards", c.Shards)
	}
	if _, _, err := c.load(); err != nil {
		return fmt.Errorf("pipeline: eval: %w", err)
	}
	return nil
}

func (c *EvalConfig) load() (*im.MC, [][]int, error) {
	g, err := c.Graph.Load()
	if err != nil {
		return nil, nil, err
	}
	p, err := c.Probs.EdgeProbs(g)
	if err != nil {
		return nil, nil, err
	}
	m, err := NewModel(g, p, c.Model)
	if err != nil {
		return nil, nil, err
	}
	var sets [][]int
	for k, ids := range c.SeedSets {
		var s []int
		seen := map[int]bool{}
		for _, id := range ids {
			i, ok := g.Index(id)
			if !ok {
				return nil, nil, fmt.Errorf("seed set %d: unknown node id %q", k+1, id)
			}
			if seen[i] {
				return nil, nil, fmt.Errorf("seed set %d: node id %q given twice", k+1, id)
			}
			seen[i] = true
			s = append(s, i)
		}
		if len(s) == 0 {
			return nil, nil, fmt.Errorf("seed set %d is empty", k+1)
		}
		sets = append(sets, s)
	}
	return &im.MC{Model: m, Runs: c.Runs, Seed: c.Seed, Workers: c.Workers}, sets, nil
}

// evalShardFn computes the exact sums of one shard of worlds.
type evalShardFn struct {
	Cfg  EvalConfig
	mc   *im.MC
	sets [][]int
}

func (f *evalShardFn) Setup() error {
	mc, sets, err := f.Cfg.load()
	if err != nil {
		return fmt.Errorf("pipeline: eval: %w", err)
	}
	f.mc, f.sets = mc, sets
	return nil
}

func (f *evalShardFn) ProcessElement(sh evalShard, emit func(int, im.Sums)) {
	emit(sh.Set, f.mc.Sums(f.sets[sh.Set], sh.Lo, sh.Hi))
}

func addSums(a, b im.Sums) im.Sums { return a.Add(b) }

// evalRow is one seed set's result.
type evalRow struct {
	Set  int
	Sums im.Sums
}

func toEvalRow(set int, s im.Sums) evalRow { return evalRow{Set: set, Sums: s} }

// evalWriteFn writes every row, in seed-set order.
type evalWriteFn struct {
	Cfg EvalConfig
}

func (f *evalWriteFn) ProcessElement(_ int, rows func(*evalRow) bool) error {
	var all []evalRow
	var r evalRow
	for rows(&r) {
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b evalRow) int { return a.Set - b.Set })
	if len(all) != len(f.Cfg.SeedSets) {
		return fmt.Errorf("pipeline: eval: %d results for %d seed sets", len(all), len(f.Cfg.SeedSets))
	}
	return atomicfile.WriteFile(f.Cfg.Out, func(w io.Writer) error {
		if _, err := io.WriteString(w, "set,size,spread,stderr\n"); err != nil {
			return err
		}
		for _, r := range all {
			mean, se := r.Sums.MeanStderr()
			line := strconv.Itoa(r.Set+1) + "," + strconv.Itoa(len(f.Cfg.SeedSets[r.Set])) + "," +
				strconv.FormatFloat(mean, 'g', -1, 64) + "," + strconv.FormatFloat(se, 'g', -1, 64) + "\n"
			if _, err := io.WriteString(w, line); err != nil {
				return err
			}
		}
		return nil
	})
}

func init() {
	beam.RegisterType(reflect.TypeOf((*evalShard)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*im.Sums)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*evalRow)(nil)).Elem())
	register.DoFn2x0[evalShard, func(int, im.Sums)](&evalShardFn{})
	register.Emitter2[int, im.Sums]()
	register.Function2x1(addSums)
	register.Function2x1(toEvalRow)
	register.DoFn2x1[int, func(*evalRow) bool, error](&evalWriteFn{})
	register.Iter1[evalRow]()
}

// Eval adds the spread-evaluation pipeline to s. Call Check first.
func Eval(s beam.Scope, cfg EvalConfig) {
	s = s.Scope("spread.eval")
	shards := shardsOf(len(cfg.SeedSets), cfg.Runs, cfg.Shards, func(set, lo, hi int) evalShard { return evalShard{Set: set, Lo: lo, Hi: hi} })
	col := beam.CreateList(s, shards)
	if !cfg.NoReshuffle {
		col = beam.Reshuffle(s, col)
	}
	sums := beam.CombinePerKey(s, addSums, beam.ParDo(s, &evalShardFn{Cfg: cfg}, col))
	rows := beam.ParDo(s, toEvalRow, sums)
	beam.ParDo0(s, &evalWriteFn{Cfg: cfg}, beam.GroupByKey(s, beam.AddFixedKey(s, rows)))
}

// RunEval builds the evaluation pipeline and runs it (see Run).
func RunEval(ctx context.Context, opt RunOptions, cfg EvalConfig) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	p, s := beam.NewPipelineWithRoot()
	Eval(s, cfg)
	return Run(ctx, opt, p)
}
