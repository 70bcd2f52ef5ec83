package pipeline

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/spread-dev/spread/internal/experiments"
)

// SweepConfig configures the experiment-sweep pipeline: `spread experiment
// NAME` with its grid of settings run as independent elements.
type SweepConfig struct {
	// Sweep is the experiment split into cells (experiments.NewSweep).
	Sweep experiments.Sweep
	// Seed, Method and Workers are the experiment's -seed, -method and
	// -workers (the runs of one cell executed at once; zero: GOMAXPROCS).
	Seed    uint64
	Method  string
	Workers int
	// NoReshuffle: see MCConfig.
	NoReshuffle bool
	// Out is the output directory: NAME.csv, NAME_config.json and the
	// figures, as `spread experiment` writes them.
	Out string
}

func (c *SweepConfig) options() experiments.Options {
	return experiments.Options{Seed: c.Seed, Method: c.Method, Workers: c.Workers}
}

type sweepCell struct {
	Index  int
	Config []byte
}

// sweepResult is a cell's points, gob-encoded (it keeps NaN standard
// errors, which JSON cannot).
type sweepResult struct {
	Index  int
	Points []byte
}

type sweepCellFn struct {
	Name string
	Cfg  SweepConfig
}

func (f *sweepCellFn) ProcessElement(ctx context.Context, c sweepCell) (sweepResult, error) {
	pts, err := experiments.RunCell(ctx, f.Name, c.Config, f.Cfg.options())
	if err != nil {
		return sweepResult{}, fmt.Errorf("pipeline: sweep: cell %d: %w", c.Index, err)
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(pts); err != nil {
		return sweepResult{}, fmt.Errorf("pipeline: sweep: cell %d: %w", c.Index, err)
	}
	return sweepResult{Index: c.Index, Points: b.Bytes()}, nil
}

type sweepWriteFn struct {
	Cfg SweepConfig
}

func (f *sweepWriteFn) ProcessElement(_ int, results func(*sweepResult) bool) error {
	sw := &f.Cfg.Sweep
	pts := make([][]experiments.Point, len(sw.Cells))
	got := 0
	var r sweepResult
	for results(&r) {
		if r.Index < 0 || r.Index >= len(pts) || pts[r.Index] != nil {
			return fmt.Errorf("pipeline: sweep: unexpected result for cell %d", r.Index)
		}
		if err := gob.NewDecoder(bytes.NewReader(r.Points)).Decode(&pts[r.Index]); err != nil {
			return fmt.Errorf("pipeline: sweep: cell %d: %w", r.Index, err)
		}
		got++
	}
	if got != len(pts) {
		return fmt.Errorf("pipeline: sweep: %d results for %d cells", got, len(pts))
	}
	out, err := sw.Assemble(f.Cfg.options(), pts)
	if err != nil {
		return err
	}
	return out.Write(f.Cfg.Out)
}

func init() {
	beam.RegisterType(reflect.TypeOf((*sweepCell)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*sweepResult)(nil)).Elem())
	register.DoFn2x2[context.Context, sweepCell, sweepResult, error](&sweepCellFn{})
	register.DoFn2x1[int, func(*sweepResult) bool, error](&sweepWriteFn{})
	register.Iter1[sweepResult]()
}

// Sweep adds the experiment-sweep pipeline to s: one element per cell, the
// rows reassembled in the experiment's order and written to cfg.Out.
func Sweep(s beam.Scope, cfg SweepConfig) {
	s = s.Scope("spread.sweep")
	cells := make([]sweepCell, len(cfg.Sweep.Cells))
	for k, c := range cfg.Sweep.Cells {
		cells[k] = sweepCell{Index: k, Config: c.Config}
	}
	col := beam.CreateList(s, cells)
	if !cfg.NoReshuffle {
		col = beam.Reshuffle(s, col)
	}
	res := beam.ParDo(s, &sweepCellFn{Name: cfg.Sweep.Name, Cfg: cfg}, col)
	beam.ParDo0(s, &sweepWriteFn{Cfg: cfg}, beam.GroupByKey(s, beam.AddFixedKey(s, res)))
}

// RunSweep builds the sweep pipeline and runs it (see Run).
func RunSweep(ctx context.Context, opt RunOptions, cfg SweepConfig) error {
	if len(cfg.Sweep.Cells) == 0 || cfg.Out == "" {
		return fmt.Errorf("pipeline: sweep: no cells or no output directory")
	}
	p, s := beam.NewPipelineWithRoot()
	Sweep(s, cfg)
	return Run(ctx, opt, p)
}
