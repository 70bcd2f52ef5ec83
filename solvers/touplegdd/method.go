package touplegdd

import (
	"context"
	"time"

	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/mim"
	"github.com/spread-dev/spread/train"
)

// Method runs ToupleGDD as a solvers/mim Method: Train with budget K =
// Problem.K, then Select(K), and the seeds' spread by the Settings' oracle
// (Monte Carlo unless Settings.Oracle is set). Config's K is set from the
// Problem and its Runs, Seed and Workers from the Settings; the other
// fields are used as given (zero: defaults). After Run, Agent, Stats and
// SelectTime describe the training and the inference.
type Method struct {
	Config Config
	// Context, if not nil, cancels training.
	Context context.Context

	Agent      *Agent
	Stats      Stats
	SelectTime time.Duration
}

// Run implements mim.Method.
func (m *Method) Run(p *mim.Problem, s *mim.Settings) (*mim.Result, error) {
	ctx := m.Context
	if ctx == nil {
		ctx = context.Background()
	}
	cfg := m.Config
	cfg.K, cfg.Runs, cfg.Seed, cfg.Workers = p.K, s.Runs, s.Seed, s.Workers
	agent, st, err := Train(ctx, p.Model, cfg)
	m.Stats = st
	if err != nil {
		return nil, err
	}
	m.Agent = agent
	t0 := time.Now()
	seeds, err := agent.Select(p.K)
	if err != nil {
		return nil, err
	}
	m.SelectTime = time.Since(t0)
	o := s.Oracle
	if o == nil {
		if o, err = multiplex.NewMC(p.Model, s.Runs, s.Seed, s.Workers); err != nil {
			return nil, err
		}
	}
	mean, se := o.Spread(seeds)
	res := &mim.Result{Seeds: seeds, Spread: mean, StdErr: se, Status: train.Success}
	res.Stats.OracleCalls = st.OracleCalls + 1
	return res, nil
}
