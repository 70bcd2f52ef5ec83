package slicer

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/optim"
)

// checkpointFormat names the checkpoint layout; Resume rejects other values.
const checkpointFormat = "spread/train/slicer checkpoint v2"

// checkpointFile is the JSON checkpoint. encoding/json writes float64 in
// the shortest form that reads back to the same bits, so a resumed run
// continues exactly.
type checkpointFile struct {
	Format string `json:"format"`
	// ConfigHash is the SHA-256 of the resolved settings that determine the
	// iterates (Config minus paths, interval and workers); Config is kept
	// for people reading the file.
	ConfigHash string `json:"config_hash"`
	Config     Config `json:"config"`
	// DataHash is the SHA-256 of the graph's edges and the observations.
	DataHash string `json:"data_hash"`
	N        int    `json:"n"`
	Params   int    `json:"params_per_replica"`
	// Stages holds the finished stages; Current the stage in progress (nil
	// between stages and at the end).
	Stages  []Stage `json:"stages"`
	Current *Stage  `json:"current,omitempty"`
	// Theta is the current iterate: of Current, or the final θ of the last
	// finished stage.
	Theta     []float64    `json:"theta"`
	Optimizer *optim.State `json:"optimizer,omitempty"`
	Stats     train.Stats  `json:"stats"`
}

// checkpoint writes the state to cfg.Checkpoint, if set.
func (r *run) checkpoint() error {
	path := r.cfg.Checkpoint
	if path == "" {
		return nil
	}
	cp := checkpointFile{
		Format:     checkpointFormat,
		ConfigHash: r.cfgHash,
		Config:     r.cfg,
		DataHash:   r.dataHash,
		N:          r.g.N,
		Params:     r.p,
		Stages:     r.stages,
		Theta:      r.theta,
		Stats:      r.stats,
	}
	cp.Stats.Runtime = r.elapsed()
	if r.active {
		cp.Current = &r.cur
		cp.Optimizer = r.loop.StepperState()
	}
	err := atomicfile.WriteJSON(path, &cp)
	if err != nil {
		return fmt.Errorf("slicer: checkpoint: %w", err)
	}
	return nil
}

// Resume continues the run saved in the checkpoint file at path (written by
// Learn or Resume with Config.Checkpoint set) and returns the same Result,
// with bit-identical Theta, objectives and histories, as the uninterrupted
// run; Stats also count the work done before the interruption.
//
// cfg must resolve to the settings the checkpoint was written with (Method,
// Grad, LR, K0, Init, MaxIters, Tol, Replicas, Perturb, Seed), and g and obs
// must be the same data; Checkpoint, CheckpointEvery and Workers may differ,
// and checkpoints continue to cfg.Checkpoint. A checkpoint written at the end
// of the last stage returns its Result at once.
//
// Resume evaluates the gradient once at the saved iterate and returns an
// error if the objective differs in any bit from the saved one (the gradient
// source is not deterministic or the data differ). Other errors: an
// unreadable or malformed file, a different configuration or data, and every
// error of Learn.
func Resume(path string, g *graphs.Graph, obs *ic.Observations, cfg Config, rec train.Recorder) (*Result, error) {
	r, err := newRun(g, obs, cfg, rec)
	if err != nil {
		return nil, err
	}
	defer r.close()
	cp, err := readCheckpoint(path)
	if err != nil {
		return nil, err
	}
	if r.cfg.InitFit {
		if err := r.fitInit(); err != nil {
			return nil, err
		}
	}
	bad := func(format string, args ...any) (*Result, error) {
		return nil, fmt.Errorf("slicer: resume %s: "+format, append([]any{path}, args...)...)
	}
	switch {
	case cp.Format != checkpointFormat:
		return bad("format %q, want %q", cp.Format, checkpointFormat)
	case cp.N != g.N || cp.Params != r.p:
		return bad("the checkpoint is for %d nodes and %d parameters per replica, the graph has %d and %d", cp.N, cp.Params, g.N, r.p)
	case cp.DataHash != r.dataHash:
		return bad("the checkpoint was written for other graph edges or observations")
	case cp.ConfigHash != r.cfgHash:
		return bad("the checkpoint was written with other settings (config hash %.12s…, this configuration %.12s…)", cp.ConfigHash, r.cfgHash)
	}
	// Structural checks, so that a damaged file gives an error, not a panic.
	last := 0
	for i := range cp.Stages {
		s := &cp.Stages[i]
		if err := s.Check(true); s.Replicas != i+1 || err != nil {
			return bad("stage %d is inconsistent (%v)", i+1, err)
		}
		last = s.Replicas
	}
	if c := cp.Current; c != nil {
		if err := c.Check(false); c.Replicas != last+1 || err != nil {
			return bad("the stage in progress is inconsistent (%v)", err)
		}
		last = c.Replicas
	}
	if last == 0 || last > r.cfg.Replicas {
		return bad("no stage to resume (the checkpoint holds %d stages, Replicas = %d)", last, r.cfg.Replicas)
	}
	if len(cp.Theta) != last*r.p {
		return bad("theta has %d entries, want %d replicas of %d", len(cp.Theta), last, r.p)
	}
	for i, a := range cp.Theta {
		if !(a >= 0 && a <= 1) {
			return bad("theta[%d] = %v is outside [0, 1]", i, a)
		}
	}
	r.stats = cp.Stats
	r.before = cp.Stats.Runtime
	r.stages = cp.Stages
	if cp.Current == nil {
		r.cur = cp.Stages[len(cp.Stages)-1]
		r.theta = cp.Theta
		return r.runStages()
	}
	r.cur = *cp.Current
	r.active = true
	if err := r.setup(r.cur.Replicas, cp.Theta); err != nil {
		return r.fail(err)
	}
	if err := r.loop.Resume(r.theta, &r.cur.Trace, cp.Optimizer); err != nil {
		if _, ok := errors.AsType[*train.NonFiniteError](err); ok {
			return r.fail(err)
		}
		return r.fail(fmt.Errorf("slicer: resume %s: %w", path, err))
	}
	return r.runStages()
}

func readCheckpoint(path string) (*checkpointFile, error) {
	var cp checkpointFile
	if err := atomicfile.ReadJSON(path, &cp); err != nil {
		return nil, fmt.Errorf("slicer: resume: %w", err)
	}
	return &cp, nil
}

// dataHash returns the hex SHA-256 of g's edges (and their pairing into
// parameters) and of obs.
func dataHash(g *graphs.Graph, obs *ic.Observations) string {
	h := sha256.New()
	var buf []byte
	ints := func(xs ...int) {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(len(xs)))
		for _, x := range xs {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(int64(x)))
		}
		h.Write(buf)
	}
	floats := func(xs []float64) {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(len(xs)))
		for _, x := range xs {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
		}
		h.Write(buf)
	}
	ints(g.N)
	ints(g.Src...)
	ints(g.Dst...)
	ints(g.Pair...)
	ints(obs.N, obs.T, len(obs.Classes))
	obsMask := make([]int, len(obs.Observed))
	for i, o := range obs.Observed {
		if o {
			obsMask[i] = 1
		}
	}
	ints(obsMask...)
	for s := range obs.Classes {
		c := &obs.Classes[s]
		ints(c.M)
		ints(c.Seeds...)
		floats(c.P0)
		floats(c.Counts)
	}
	return hex.EncodeToString(h.Sum(nil))
}
