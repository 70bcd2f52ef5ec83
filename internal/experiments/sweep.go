package experiments

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// ErrGrid marks a grid that NewSweep refuses: an experiment that cannot be
// split, or a grid file that does not parse or names impossible settings.
// Callers report it as a usage error.
var ErrGrid = errors.New("experiments: bad sweep")

// A Sweep is an experiment's grid of settings split into cells that run
// independently (on other goroutines, processes or machines) and reassemble
// into the experiment's Output. Every random stream of an experiment is
// derived from Options.Seed and the indices naming the draw (topology,
// network, α* set, T, ξ), never from a position in the grid, so a cell run
// alone computes exactly the numbers the full run computes for its points
// (the timing column seconds aside).
//
// Fig2 and Fig3 split: a cell of fig2 is one point (topology, T, M) with its
// Networks × AlphaSets runs; a cell of fig3 is (topology, T, M) with every
// hidden fraction ξ (one point per ξ), since the series label depends on the
// whole list of fractions.
type Sweep struct {
	// Name is the experiment ("fig2" or "fig3").
	Name string
	// Config is the full configuration as JSON (the scale's defaults with
	// the grid's fields applied).
	Config []byte
	// Cells are the parts, in the order of the full run.
	Cells []Cell
}

// Cell is one independently runnable part of a Sweep.
type Cell struct {
	// Config is the experiment's configuration restricted to the cell, as
	// JSON (RunCell's input).
	Config []byte
	// Points are the positions of the cell's points in the full Output.
	Points []int
}

// Sweepable lists the experiments NewSweep can split.
func Sweepable() []string { return []string{"fig2", "fig3"} }

// NewSweep returns experiment name at scale s split into cells. grid, when
// not empty, is a JSON object of fields of the experiment's configuration
// (the keys of NAME_config.json's "config", e.g. {"topologies": ["tree",
// "rrg"], "ms": [100, 1000], "alpha_sets": 5}) that replace the scale's
// defaults; unknown keys are refused. Errors wrap ErrGrid.
func NewSweep(name string, s Scale, grid []byte) (*Sweep, error) {
	decode := func(dst any) error {
		if len(bytes.TrimSpace(grid)) == 0 {
			return nil
		}
		d := json.NewDecoder(bytes.NewReader(grid))
		d.DisallowUnknownFields()
		if err := d.Decode(dst); err != nil {
			return fmt.Errorf("%w: %s grid: %v", ErrGrid, name, err)
		}
		if d.More() {
			return fmt.Errorf("%w: %s grid: data after the JSON object", ErrGrid, name)
		}
		return nil
	}
	sw := &Sweep{Name: name}
	var err error
	switch name {
	case "fig2":
		cfg := DefaultFig2(s)
		if err := decode(&cfg); err != nil {
			return nil, err
		}
		if err := checkLearnGrid(name, cfg.N, cfg.Topologies, cfg.Ts, cfg.Ms, []float64{0}, cfg.Networks, cfg.AlphaSets); err != nil {
			return nil, err
		}
		pos := 0
		for _, topo := range cfg.Topologies {
			for _, T := range cfg.Ts {
				for _, M := range cfg.Ms {
					c := cfg
					c.Topologies, c.Ts, c.Ms = []string{topo}, []int{T}, []int{M}
					if err := sw.add(c, pos); err != nil {
						return nil, err
					}
					pos++
				}
			}
		}
		sw.Config, err = json.Marshal(cfg)
	case "fig3":
		cfg := DefaultFig3(s)
		if err := decode(&cfg); err != nil {
			return nil, err
		}
		if err := checkLearnGrid(name, cfg.N, cfg.Topologies, cfg.Ts, cfg.Ms, cfg.Hidden, cfg.Networks, cfg.AlphaSets); err != nil {
			return nil, err
		}
		nH, nM := len(cfg.Hidden), len(cfg.Ms)
		for ti, topo := range cfg.Topologies {
			for Ti, T := range cfg.Ts {
				for mi, M := range cfg.Ms {
					c := cfg
					c.Topologies, c.Ts, c.Ms = []string{topo}, []int{T}, []int{M}
					pts := make([]int, nH)
					for hi := range pts {
						pts[hi] = ((ti*len(cfg.Ts)+Ti)*nH+hi)*nM + mi // planning order: topology, T, ξ, M
					}
					if err := sw.add(c, pts...); err != nil {
						return nil, err
					}
				}
			}
		}
		sw.Config, err = json.Marshal(cfg)
	default:
		if _, ok := Lookup(name); ok {
			return nil, fmt.Errorf("%w: experiment %q does not split into a grid (sweepable: %v)", ErrGrid, name, Sweepable())
		}
		return nil, fmt.Errorf("%w: unknown experiment %q (sweepable: %v)", ErrGrid, name, Sweepable())
	}
	if err != nil {
		return nil, fmt.Errorf("experiments: %s: %w", name, err)
	}
	return sw, nil
}

func (sw *Sweep) add(cfg any, points ...int) error {
	b, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("experiments: %s: %w", sw.Name, err)
	}
	sw.Cells = append(sw.Cells, Cell{Config: b, Points: points})
	return nil
}

// checkLearnGrid refuses the settings learnGrid.run would refuse, before
// any cell is run.
func checkLearnGrid(name string, n int, topologies []string, ts, ms []int, hidden []float64, networks, alphaSets int) error {
	switch {
	case n < 2:
		return fmt.Errorf("%w: %s: n = %d, want ≥ 2", ErrGrid, name, n)
	case len(topologies) == 0 || len(ts) == 0 || len(ms) == 0 || len(hidden) == 0:
		return fmt.Errorf("%w: %s: empty topologies, ts, ms or hidden", ErrGrid, name)
	case networks < 1 || alphaSets < 1:
		return fmt.Errorf("%w: %s: networks = %d, alpha_sets = %d, want ≥ 1", ErrGrid, name, networks, alphaSets)
	}
	for _, topo := range topologies {
		if _, ok := topoID(topo); !ok {
			return fmt.Errorf("%w: %s: unknown topology %q (want tree, sftree, rrg, er or lattice)", ErrGrid, name, topo)
		}
	}
	for _, T := range ts {
		if T < 1 {
			return fmt.Errorf("%w: %s: horizon T = %d, want ≥ 1", ErrGrid, name, T)
		}
	}
	for _, M := range ms {
		if M < 1 {
			return fmt.Errorf("%w: %s: M = %d cascades, want ≥ 1", ErrGrid, name, M)
		}
	}
	for _, xi := range hidden {
		if !(xi >= 0 && xi < 1) {
			return fmt.Errorf("%w: %s: hidden fraction %g outside [0, 1)", ErrGrid, name, xi)
		}
	}
	return nil
}

// RunCell runs one cell of a sweep of experiment name (a Cell's Config) and
// returns its points, in the order of Cell.Points.
func RunCell(ctx context.Context, name string, cell []byte, opt Options) ([]Point, error) {
	out, err := runConfig(ctx, name, cell, opt)
	if err != nil {
		return nil, err
	}
	return out.Points, nil
}

// runConfig runs experiment name with a JSON configuration.
func runConfig(ctx context.Context, name string, cfg []byte, opt Options) (*Output, error) {
	switch name {
	case "fig2":
		var c Fig2Config
		if err := json.Unmarshal(cfg, &c); err != nil {
			return nil, fmt.Errorf("experiments: fig2 configuration: %w", err)
		}
		return Fig2(ctx, c, opt)
	case "fig3":
		var c Fig3Config
		if err := json.Unmarshal(cfg, &c); err != nil {
			return nil, fmt.Errorf("experiments: fig3 configuration: %w", err)
		}
		return Fig3(ctx, c, opt)
	}
	return nil, fmt.Errorf("%w: experiment %q does not split into a grid", ErrGrid, name)
}

// Assemble puts the points of every cell (points[k] from RunCell of
// Cells[k], run with opt) back into the experiment's Output, with its
// configuration and figures: the Output the full run with opt returns, the
// timing column aside.
func (sw *Sweep) Assemble(opt Options, points [][]Point) (*Output, error) {
	if len(points) != len(sw.Cells) {
		return nil, fmt.Errorf("experiments: %s: %d cell results for %d cells", sw.Name, len(points), len(sw.Cells))
	}
	n := 0
	for _, c := range sw.Cells {
		n += len(c.Points)
	}
	all := make([]Point, n)
	for k, c := range sw.Cells {
		if len(points[k]) != len(c.Points) {
			return nil, fmt.Errorf("experiments: %s: cell %d has %d points, want %d", sw.Name, k, len(points[k]), len(c.Points))
		}
		for j, at := range c.Points {
			all[at] = points[k][j]
		}
	}
	var (
		grid  learnGrid
		cfg   any
		title string
	)
	switch sw.Name {
	case "fig2":
		var c Fig2Config
		if err := json.Unmarshal(sw.Config, &c); err != nil {
			return nil, fmt.Errorf("experiments: fig2 configuration: %w", err)
		}
		c.Learn = opt.learnConfig(c.Learn)
		grid, cfg, title = learnGrid{name: "fig2", n: c.N, ts: c.Ts}, c, "Fig. 2: full observation"
	case "fig3":
		var c Fig3Config
		if err := json.Unmarshal(sw.Config, &c); err != nil {
			return nil, fmt.Errorf("experiments: fig3 configuration: %w", err)
		}
		c.Learn = opt.learnConfig(c.Learn)
		grid, cfg, title = learnGrid{name: "fig3", n: c.N, ts: c.Ts}, c, "Fig. 3: hidden nodes"
	default:
		return nil, fmt.Errorf("%w: experiment %q does not split into a grid", ErrGrid, sw.Name)
	}
	out := &Output{Name: sw.Name, Config: cfg, Seed: opt.Seed, Points: slices.Clip(all)}
	out.Figures = grid.figures(all, title)
	return out, nil
}
