package deepim

import (
	"context"
	"fmt"
	"time"

	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/im"
	"github.com/spread-dev/spread/solvers/mim"
	"github.com/spread-dev/spread/train"
)

// Method is DeepIM as a solvers/mim Method: Run trains a Model on the
// problem's multiplex (Config.Budget defaulting to the problem's K,
// Config.Workers to the Settings') and selects K seeds. After Run, Model,
// Stats and InferTime (the Select call alone) describe the run.
type Method struct {
	Config Config
	// Ctx, if not nil, cancels training.
	Ctx context.Context

	Model     *Model
	Stats     Stats
	InferTime time.Duration
}

// Run implements mim.Method. Result.Spread is the Settings' oracle (Monte
// Carlo unless Settings.Oracle is set) on the seeds found.
func (d *Method) Run(p *mim.Problem, s *mim.Settings) (*mim.Result, error) {
	cfg := d.Config
	if cfg.Budget == 0 {
		cfg.Budget = p.K
	}
	if cfg.Workers == 0 {
		cfg.Workers = s.Workers
	}
	ctx := d.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	model, st, err := Train(ctx, p.Model, cfg)
	d.Stats = st
	if err != nil {
		return nil, err
	}
	d.Model = model
	t0 := time.Now()
	seeds, err := model.Select(p.K)
	if err != nil {
		return nil, err
	}
	d.InferTime = time.Since(t0)
	o := s.Oracle
	if o == nil {
		if o, err = multiplex.NewMC(p.Model, s.Runs, s.Seed, s.Workers); err != nil {
			return nil, fmt.Errorf("deepim: %w", err)
		}
	}
	mean, se := o.Spread(seeds)
	return &mim.Result{Seeds: seeds, Spread: mean, StdErr: se, Status: train.Success, Stats: im.Stats{OracleCalls: 1}}, nil
}
