package ppo

import (
	"fmt"
	"reflect"
	"time"

	"github.com/spread-dev/spread/internal/atomicfile"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/optim"
)

// checkpointFormat names the checkpoint layout; Resume rejects others.
const checkpointFormat = "spread/train/ppo checkpoint v1"

// checkpointFile is the JSON checkpoint, written after an update.
// encoding/json writes float64 in the shortest form that reads back to the
// same bits, so a resumed run continues exactly.
type checkpointFile struct {
	Format  string `json:"format"`
	Config  Config `json:"config"`
	Actions int    `json:"actions"`
	// Features is F, the number of features per action.
	Features int `json:"features"`
	// Update is the number of updates done.
	Update int `json:"update"`
	// Theta is the actor's then the critic's parameters (Policy.Theta).
	Theta      []float64   `json:"theta"`
	ActorAdam  optim.State `json:"actor_adam"`
	CriticAdam optim.State `json:"critic_adam"`
	Returns    []float64   `json:"returns"`
	Stats      train.Stats `json:"stats"`
}

// nan is how a NaN return is stored (JSON has no NaN).
const nanReturn = -1.7976931348623157e308

func (r *run) save(path string) error {
	theta, err := r.ln.p.Flatten(nil)
	if err != nil {
		return err
	}
	ret := make([]float64, len(r.returns))
	for i, v := range r.returns {
		if v != v {
			v = nanReturn
		}
		ret[i] = v
	}
	stats := r.stats
	stats.Runtime = r.elapsed()
	cp := checkpointFile{Format: checkpointFormat, Config: r.cfg, Actions: r.A, Features: r.F, Update: r.update,
		Theta: theta, ActorAdam: r.actorOpt.State(), CriticAdam: r.criticOpt.State(), Returns: ret, Stats: stats}
	if err := atomicfile.WriteJSON(path, &cp); err != nil {
		return fmt.Errorf("train/ppo: checkpoint after update %d: %w", r.update, err)
	}
	return nil
}

// Resume continues the run saved at path by a Train (or Resume) with
// cfg.Checkpoint set, up to cfg.Updates updates, on env. cfg must equal
// the saved configuration except for Updates, Checkpoint and
// CheckpointEvery; the policy parameters, both Adam states and the update
// count are restored, and because every update draws from its own
// (Seed, update) streams and starts a fresh episode, the result is
// bit-identical to an uninterrupted run of cfg.Updates updates.
func Resume(env Env, path string, cfg Config, rec train.Recorder) (*Result, error) {
	var cp checkpointFile
	if err := atomicfile.ReadJSON(path, &cp); err != nil {
		return nil, fmt.Errorf("train/ppo: resume: %w", err)
	}
	if cp.Format != checkpointFormat {
		return nil, fmt.Errorf("train/ppo: resume %s: format %q, want %q", path, cp.Format, checkpointFormat)
	}
	saved, want := cp.Config, cfg
	saved.Updates, want.Updates = 0, 0
	saved.Checkpoint, want.Checkpoint, saved.CheckpointEvery, want.CheckpointEvery = "", "", 0, 0
	if !reflect.DeepEqual(saved, want) {
		return nil, fmt.Errorf("train/ppo: resume %s: the configuration differs from the saved one (%+v vs %+v)", path, cfg, cp.Config)
	}
	r, err := newRun(env, cfg, rec)
	if err != nil {
		return nil, err
	}
	if r.A != cp.Actions || r.F != cp.Features {
		return nil, fmt.Errorf("train/ppo: resume %s: env has (A, F) = (%d, %d), checkpoint (%d, %d)", path, r.A, r.F, cp.Actions, cp.Features)
	}
	if err := r.ln.p.Unflatten(cp.Theta); err != nil {
		return nil, fmt.Errorf("train/ppo: resume %s: %w", path, err)
	}
	if err := r.actorOpt.SetState(cp.ActorAdam); err != nil {
		return nil, fmt.Errorf("train/ppo: resume %s: actor: %w", path, err)
	}
	if err := r.criticOpt.SetState(cp.CriticAdam); err != nil {
		return nil, fmt.Errorf("train/ppo: resume %s: critic: %w", path, err)
	}
	r.update, r.stats = cp.Update, cp.Stats
	r.before, r.started = cp.Stats.Runtime, time.Now()
	for _, v := range cp.Returns {
		if v == nanReturn {
			v = nan()
		}
		r.returns = append(r.returns, v)
	}
	return r.loop()
}
