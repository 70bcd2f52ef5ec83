// Package nmf trains neural mean-field dynamics (models/nmf; S. He, X. Ye,
// H. Zha, "Network Diffusions via Neural Mean-Field Dynamics", NeurIPS
// 2020, Algorithm 1) on observed cascades: Adam on train.Loop over
// mini-batches of cascades, reshuffled every epoch from a seed, with
// validation MAE against Monte-Carlo truth after every epoch, early
// stopping on it (or, with Config.Select "loss", model selection and early
// stopping on the mean training loss, for network inference), an optional
// divergence guard (Config.Backoff: back to the lowest-loss epoch at half
// the learning rate when an epoch's loss jumps; Adam at 0.01 on the
// paper's n = 128 data does jump, docs/RESULTS.md), an optional fitted
// start for the rates (Config.InitFit, FitInitRate: needed when A lives on
// a sparse support), checkpoints and bit-identical resume.
//
// The order of the batches is a function of (Seed, epoch) only, and every
// evaluation is deterministic, so a run resumed from a checkpoint reaches
// the same θ, bit for bit, as the uninterrupted run.
package nmf

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
	mnmf "github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/solvers/costate"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/optim"
)

// Config holds the training settings; DefaultConfig gives the paper's.
type Config struct {
	// Model is the NMF model, solver and loss (N and T required).
	Model mnmf.Config
	// Epochs is the number of passes over the cascades (paper: 50) and
	// Batch the cascades per step (paper: 300). The last partial batch of
	// an epoch is dropped (every cascade is used over the epochs).
	Epochs, Batch int
	// LR is Adam's learning rate (paper: torch default 1e-3); ClipNorm an
	// optional global-norm gradient clip (0: off).
	LR, ClipNorm float64
	// Patience: stop when the selection criterion (Select) has not improved
	// for Patience epochs (0: never stop early).
	Patience int
	// Select is the model-selection criterion: "" or "validation" keeps θ
	// of the epoch with the lowest validation MAE (and early stopping needs
	// Validation; without it the last θ is kept); "loss" keeps θ at the end
	// of the epoch with the lowest mean training loss (the penalised
	// likelihood of eq. 14, averaged over the epoch's mini-batches), with
	// or without Validation, which is then only reported. "loss" is the
	// selection for network inference, where the validation MAE picks an
	// early epoch whose A is still dense.
	Select string `json:",omitempty"`
	// Backoff, if not zero, guards against divergence (step-size
	// control): when an epoch's mean training loss exceeds Backoff times
	// the lowest epoch mean so far, θ and Adam's moments go back to their
	// values at the end of that lowest epoch, the learning rate is halved,
	// and the epoch counts as one without improvement for Patience. It
	// must be > 1 (e.g. 1.5); zero is the paper's plain Adam.
	Backoff float64 `json:",omitempty"`
	// InitFit scales the initial rates to their fitted constant
	// (FitInitRate) before the first epoch: the mean rate whose initial
	// model has the lowest loss on the training cascades. DefaultConfig
	// turns it on. Without it the rates start at mean 0.01 (U[0, 0.02],
	// close to the released code's start), which on a sparse support
	// leaves almost every intensity on the likelihood's floor and nothing
	// is learned; with dense A at n = 128 the fit gave a lower test MAE in
	// the three cases compared (docs/RESULTS.md).
	InitFit bool `json:",omitempty"`
	// Grad is the gradient: "autodiff" (default), "adjoint" (the discrete
	// adjoint, solvers/costate.Discrete, equal to autodiff) or "costate"
	// (the paper's continuous co-state, solvers/costate.Continuous).
	Grad string
	// Seed determines the initial θ and the batch order.
	Seed uint64
}

// DefaultConfig returns the paper's settings (§4.2) for n nodes and
// horizon T: RK4 with 40 steps, batch 300, 50 epochs, Adam lr 1e-3,
// λ_A = 0.01 log-sum penalty. The paper's Adam weight decay of 1 at
// n = 128 is not the default (it drives ε to zero; Model.WeightDecay sets
// it); early stopping with patience 5 epochs; the initial rates fitted
// to the cascades (InitFit; false gives the fixed start).
func DefaultConfig(n int, T float64) Config {
	return Config{
		Model:  mnmf.Config{N: n, T: T, Steps: 40, Method: ode.RK4, RegA: 0.01},
		Epochs: 50, Batch: 300, LR: 1e-3, Patience: 5, Grad: "autodiff", Seed: 1, InitFit: true,
	}
}

// Validation is a set of source sets with their ground truth x*(t) on
// t = 0, 1, …, ⌊T⌋ (time-major: Truth[j][t·n + v]), as datasets.BuildCIC
// makes them.
type Validation struct {
	Sources [][]int
	Truth   [][]float64
}

// Epoch is the record of one epoch.
type Epoch struct {
	Epoch  int     `json:"epoch"`
	Loss   float64 `json:"loss"`    // mean mini-batch loss over the epoch
	ValMAE float64 `json:"val_mae"` // probability MAE on the validation sets (−1 without)
	// LR is the learning rate of the epoch's steps; BackedOff reports that
	// the epoch diverged (Config.Backoff) and θ went back to the lowest
	// epoch's (its ValMAE is then −1: not measured).
	LR        float64       `json:"lr,omitempty"`
	BackedOff bool          `json:"backed_off,omitempty"`
	Elapsed   time.Duration `json:"elapsed_ns"`
}

// Result is what Train returns.
type Result struct {
	// Theta is the parameters with the best validation MAE (the last ones
	// without validation).
	Theta []float64
	// Status and Criterion say why training stopped.
	Status    train.Status
	Criterion string
	// BestEpoch is the selected epoch; BestMAE its validation MAE (−1
	// without Validation) and BestLoss its mean training loss.
	BestEpoch int
	BestMAE   float64
	BestLoss  float64
	// Backoffs is the number of divergence back-offs (Config.Backoff).
	Backoffs int
	// InitRate is the fitted initial mean rate (Config.InitFit; 0
	// without it or on resume).
	InitRate float64
	Epochs   []Epoch
	Trace    train.Trace
}

// Cascades converts timed cascades to the model's: sources are the nodes
// with time 0.
func Cascades(c *datasets.TimedCascades) []mnmf.Cascade {
	out := make([]mnmf.Cascade, c.M())
	for k := range out {
		nodes, times := c.Cascade(k)
		for j, v := range nodes {
			if times[j] == 0 {
				out[k].Sources = append(out[k].Sources, int(v))
			} else {
				out[k].Nodes = append(out[k].Nodes, int(v))
				out[k].Times = append(out[k].Times, times[j])
			}
		}
	}
	return out
}

// MAE returns the probability MAE ‖x(t) − x*(t)‖₁/n averaged over the
// sets and over t = 1..⌊T⌋, and per t (index t−1), of the predictions of
// θ on val.
func MAE(cfg mnmf.Config, theta []float64, val *Validation) (float64, []float64, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return 0, nil, err
	}
	p, err := mnmf.NewPredictor(cfg, min(len(val.Sources), 100))
	if err != nil {
		return 0, nil, err
	}
	defer p.Close()
	traj, err := p.Predict(theta, val.Sources)
	if err != nil {
		return 0, nil, err
	}
	n, L := cfg.N, int(cfg.T)
	ts := make([]float64, L)
	for l := range ts {
		ts[l] = float64(l + 1)
	}
	per := make([]float64, L)
	for j, tj := range traj {
		x := cfg.At(tj, ts)
		for l := range L {
			s := 0.0
			for v := range n {
				s += math.Abs(x[l*n+v] - val.Truth[j][(l+1)*n+v])
			}
			per[l] += s / float64(n) / float64(len(traj))
		}
	}
	mean := 0.0
	for _, v := range per {
		mean += v / float64(L)
	}
	return mean, per, nil
}

// checkpoint is the file format of checkpoints and trained models.
type checkpoint struct {
	Format    string       `json:"format"`
	Config    fileConfig   `json:"config"`
	Train     Config       `json:"train"`
	Done      bool         `json:"done"`
	X         []float64    `json:"x"`
	Trace     train.Trace  `json:"trace"`
	Adam      *optim.State `json:"adam,omitempty"`
	Best      []float64    `json:"best"`
	BestEpoch int          `json:"best_epoch"`
	BestMAE   float64      `json:"best_mae"`
	BestLoss  float64      `json:"best_loss,omitempty"`
	Bad       int          `json:"bad"`
	Epochs    []Epoch      `json:"epochs"`
	Elapsed   int64        `json:"elapsed_ns"`
	// The divergence guard's state (Config.Backoff): the current learning
	// rate, and θ, Adam's state and the mean loss of the lowest-loss epoch.
	LR       float64      `json:"lr,omitempty"`
	Low      []float64    `json:"low,omitempty"`
	LowAdam  *optim.State `json:"low_adam,omitempty"`
	LowLoss  float64      `json:"low_loss,omitempty"`
	Backoffs int          `json:"backoffs,omitempty"`
}

// fileConfig is mnmf.Config without the support graph, plus its edges.
type fileConfig struct {
	mnmf.Config
	SupportN   int   `json:"support_n,omitempty"`
	SupportSrc []int `json:"support_src,omitempty"`
	SupportDst []int `json:"support_dst,omitempty"`
	// SupportIDs are the support graph's external node ids, stored only
	// when they are not "0".."n-1".
	SupportIDs []string `json:"support_ids,omitempty"`
}

const format = "spread-nmf-1"

// Train fits θ on the cascades cs under cfg, validating on val (may be
// nil) after every epoch. If ckpt is not empty a checkpoint is written
// there at every epoch end; with resume, training continues from it. rec
// (may be nil) receives a Progress per step with the metrics epoch,
// val_mae (after each epoch; −1 when not measured) and lr (the learning
// rate of the next epoch, halved after a divergence back-off) and the
// step's batch loss.
func Train(cfg Config, cs []mnmf.Cascade, val *Validation, ckpt string, resume bool, rec train.Recorder) (*Result, error) {
	mc, err := cfg.Model.Resolve()
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.Epochs < 1:
		return nil, fmt.Errorf("train/nmf: Epochs = %d, want ≥ 1", cfg.Epochs)
	case cfg.Batch < 1 || cfg.Batch > len(cs):
		return nil, fmt.Errorf("train/nmf: Batch = %d, want 1..%d (the number of cascades)", cfg.Batch, len(cs))
	case !(cfg.LR > 0) || !(cfg.ClipNorm >= 0) || cfg.Patience < 0:
		return nil, fmt.Errorf("train/nmf: invalid LR %v, ClipNorm %v or Patience %d", cfg.LR, cfg.ClipNorm, cfg.Patience)
	case cfg.Backoff != 0 && !(cfg.Backoff > 1 && !math.IsInf(cfg.Backoff, 1)):
		return nil, fmt.Errorf("train/nmf: Backoff = %v, want 0 (off) or a finite factor > 1", cfg.Backoff)
	case cfg.Select != "" && cfg.Select != "validation" && cfg.Select != "loss":
		return nil, fmt.Errorf("train/nmf: Select = %q, want \"validation\" or \"loss\"", cfg.Select)
	}
	byLoss := cfg.Select == "loss"
	for k, c := range cs {
		if err := c.Check(mc.N, mc.T); err != nil {
			return nil, fmt.Errorf("train/nmf: cascade %d: %w", k, err)
		}
	}
	obj, err := newObjective(cfg, mc)
	if err != nil {
		return nil, err
	}
	defer obj.close()
	nb := len(cs) / cfg.Batch
	M := len(cs)
	perm := func(epoch int) []int { return rand.New(rand.NewPCG(cfg.Seed, uint64(epoch)+1)).Perm(M) }
	var curPerm []int
	permEpoch := -1
	obj.batch = func(it int) []mnmf.Cascade {
		e, j := it/nb, it%nb
		if e != permEpoch {
			curPerm, permEpoch = perm(e), e
		}
		b := make([]mnmf.Cascade, cfg.Batch)
		for r := range b {
			b[r] = cs[curPerm[j*cfg.Batch+r]]
		}
		return b
	}
	res := &Result{BestMAE: -1}
	st := &checkpoint{Format: format, Train: cfg, BestMAE: -1}
	st.Config = toFile(mc)
	x := mc.Init(rand.New(rand.NewPCG(cfg.Seed, 0x6e6d66)))
	adam := &optim.Adam{LR: cfg.LR, ClipNorm: cfg.ClipNorm}
	var before time.Duration
	resumed := false
	if resume && ckpt != "" {
		old, err := ReadCheckpoint(ckpt)
		if err != nil {
			return nil, err
		}
		if old.Config.N != mc.N || old.Train.Seed != cfg.Seed || old.Train.Batch != cfg.Batch || len(old.X) != len(x) {
			return nil, fmt.Errorf("train/nmf: resume %s: the checkpoint is for another configuration (n = %d, seed %d, batch %d)", ckpt, old.Config.N, old.Train.Seed, old.Train.Batch)
		}
		st, x, resumed = old, old.X, true
		st.Train.Epochs = cfg.Epochs
		before = time.Duration(st.Elapsed)
		if st.LR > 0 {
			adam.LR = st.LR // halved by earlier back-offs
		}
	}
	if cfg.InitFit && !resumed {
		r, _, err := FitInitRate(mc, x, cs)
		if err != nil {
			return nil, err
		}
		res.InitRate = r
	}
	var tr train.Trace
	if resumed {
		tr = st.Trace
	}
	started := time.Now()
	elapsed := func() time.Duration { return before + time.Since(started) }
	var loop *train.Loop
	var saveAndStop func() error
	errStop := errors.New("early stop")
	// epochEnd validates, updates the early-stopping state and writes the
	// checkpoint; it runs after the last step of every epoch.
	epochEnd := func() error {
		e := tr.Iters / nb
		lo := tr.History[len(tr.History)-nb:]
		loss := 0.0
		for _, f := range lo {
			loss += f / float64(nb)
		}
		mae := -1.0
		lr := adam.LR
		if diverged := cfg.Backoff > 0 && st.Low != nil && loss > cfg.Backoff*st.LowLoss; diverged {
			// Back to the lowest epoch's θ and moments (keeping the step
			// count, which the loop's iteration count must match), at half
			// the step.
			copy(x, st.Low)
			low := *st.LowAdam
			low.Steps = tr.Iters
			if err := adam.SetState(low); err != nil {
				return err
			}
			adam.LR /= 2
			// The loop holds f and ∇f of the diverged iterate, evaluated on
			// the next epoch's first batch: evaluate them again at the
			// restored θ on the same batch.
			obj.it--
			if err := loop.Reevaluate(); err != nil {
				return err
			}
			st.Backoffs++
			st.Bad++
			st.Epochs = append(st.Epochs, Epoch{Epoch: e, Loss: loss, ValMAE: -1, Elapsed: elapsed(), LR: lr, BackedOff: true})
			if rec != nil {
				if err := rec.Record(train.Progress{Method: "nmf", Iter: tr.Iters, Objective: loss, Elapsed: elapsed(),
					Metrics: []train.Metric{{Name: "epoch", Value: float64(e)}, {Name: "val_mae", Value: -1}, {Name: "lr", Value: adam.LR}}}); err != nil {
					return err
				}
			}
			return saveAndStop()
		}
		if cfg.Backoff > 0 && (st.Low == nil || loss < st.LowLoss) {
			st.Low, st.LowAdam, st.LowLoss = slices.Clone(x), loop.StepperState(), loss
		}
		if val != nil {
			if mae, _, err = MAE(mc, x, val); err != nil {
				return err
			}
		}
		if better := (byLoss && (st.Best == nil || loss < st.BestLoss)) || (!byLoss && val != nil && (st.Best == nil || mae < st.BestMAE)); better {
			st.BestMAE, st.BestLoss, st.BestEpoch, st.Best, st.Bad = mae, loss, e, slices.Clone(x), 0
		} else if byLoss || val != nil {
			st.Bad++
		}
		st.Epochs = append(st.Epochs, Epoch{Epoch: e, Loss: loss, ValMAE: mae, Elapsed: elapsed(), LR: lr})
		if rec != nil {
			if err := rec.Record(train.Progress{Method: "nmf", Iter: tr.Iters, Objective: loss, Elapsed: elapsed(),
				Metrics: []train.Metric{{Name: "epoch", Value: float64(e)}, {Name: "val_mae", Value: mae}, {Name: "lr", Value: adam.LR}}}); err != nil {
				return err
			}
		}
		return saveAndStop()
	}
	// saveAndStop writes the checkpoint and reports early stopping; it ends
	// every epoch.
	saveAndStop = func() error {
		stop := (byLoss || val != nil || cfg.Backoff > 0) && cfg.Patience > 0 && st.Bad >= cfg.Patience
		st.LR = adam.LR
		if ckpt != "" {
			st.X, st.Trace, st.Adam, st.Elapsed = slices.Clone(x), train.CloneTrace(tr), loop.StepperState(), int64(elapsed())
			// A checkpoint is a stage in progress: resuming with more epochs
			// continues it.
			st.Trace.Status, st.Trace.Criterion = train.NotTerminated, ""
			if err := writeCheckpoint(ckpt, st); err != nil {
				return err
			}
		}
		if stop {
			return errStop
		}
		return nil
	}
	loop = &train.Loop{
		Objective: obj, Stepper: train.NewAdamStep(adam, optim.ProjectFunc(func(p *optim.Param) { mc.Project(p.Value) })),
		MaxIters: cfg.Epochs * nb, Tol: 0, Patience: cfg.Epochs*nb + 1, Method: "nmf",
		Checkpoint: epochEnd, CheckpointEvery: nb, End: epochEnd, Before: before,
	}
	if resumed {
		obj.it = tr.Iters
		if err := loop.Resume(x, &tr, st.Adam); err != nil {
			return nil, err
		}
	} else {
		obj.it = 0
		if err := loop.Start(x, &tr); err != nil {
			return nil, err
		}
	}
	err = loop.Run()
	res.Trace, res.Epochs = tr, st.Epochs
	switch {
	case errors.Is(err, errStop):
		what := "validation MAE"
		if byLoss {
			what = "training loss"
		}
		res.Status, res.Criterion = train.Converged, fmt.Sprintf("%s did not improve for %d epochs", what, cfg.Patience)
		if st.Backoffs > 0 {
			res.Criterion += fmt.Sprintf(" (%d divergence back-offs)", st.Backoffs)
		}
	case err != nil:
		return nil, err
	default:
		res.Status, res.Criterion = tr.Status, tr.Criterion
	}
	res.Theta, res.BestEpoch, res.BestMAE, res.BestLoss, res.Backoffs = x, st.BestEpoch, st.BestMAE, st.BestLoss, st.Backoffs
	if st.Best != nil {
		res.Theta = st.Best
	}
	return res, nil
}

// objective serves the mini-batch of iterate it to the gradient method.
type objective struct {
	it    int
	batch func(it int) []mnmf.Cascade
	ad    *mnmf.Objective
	model *mnmf.Model
	grad  string
}

func newObjective(cfg Config, mc mnmf.Config) (*objective, error) {
	o := &objective{grad: cfg.Grad}
	switch cfg.Grad {
	case "", "autodiff":
		ad, err := mnmf.NewObjective(mc, cfg.Batch)
		if err != nil {
			return nil, err
		}
		o.ad = ad
	case "adjoint", "costate":
		m, err := mnmf.NewModel(mc, make([]float64, mc.NumParams()))
		if err != nil {
			return nil, err
		}
		o.model = m
	default:
		return nil, fmt.Errorf("train/nmf: unknown gradient %q (valid: autodiff, adjoint, costate)", cfg.Grad)
	}
	return o, nil
}

func (o *objective) Eval(x, grad []float64) (float64, error) {
	b := o.batch(o.it)
	o.it++
	if o.ad != nil {
		if err := o.ad.SetBatch(b); err != nil {
			return 0, err
		}
		return o.ad.Eval(x, grad)
	}
	o.model.Theta = x
	if o.grad == "adjoint" {
		return costate.Discrete(o.model, b, grad)
	}
	return costate.Continuous(o.model, b, grad)
}

func (o *objective) close() {
	if o.ad != nil {
		o.ad.Close()
	}
}

func toFile(c mnmf.Config) fileConfig {
	f := fileConfig{Config: c}
	if s := c.Support; s != nil {
		f.SupportN = s.N
		for e := range s.NumEdges() {
			f.SupportSrc, f.SupportDst = append(f.SupportSrc, int(s.Src[e])), append(f.SupportDst, int(s.Dst[e]))
		}
		for i := range s.N {
			if s.ID(i) != strconv.Itoa(i) {
				f.SupportIDs = s.IDs()
				break
			}
		}
		f.Config.Support = nil
	}
	return f
}

// support rebuilds the support graph stored by toFile, and checks that its
// edges come back in the stored order (θ's rates are in that order).
func (f *fileConfig) support() (*graphs.Graph, error) {
	n, src, dst := f.SupportN, f.SupportSrc, f.SupportDst
	switch {
	case n != f.N:
		return nil, fmt.Errorf("support graph of %d nodes, the model has n = %d", n, f.N)
	case len(src) != len(dst):
		return nil, fmt.Errorf("support graph with %d sources and %d targets", len(src), len(dst))
	case f.SupportIDs != nil && len(f.SupportIDs) != n:
		return nil, fmt.Errorf("support graph with %d ids for %d nodes", len(f.SupportIDs), n)
	}
	b := graphs.NewBuilder("")
	for i := range n {
		id := strconv.Itoa(i)
		if f.SupportIDs != nil {
			id = f.SupportIDs[i]
		}
		if b.Node(id) != i {
			return nil, fmt.Errorf("support graph: node id %q repeated", id)
		}
	}
	for e := range src {
		if src[e] < 0 || src[e] >= n || dst[e] < 0 || dst[e] >= n {
			return nil, fmt.Errorf("support graph: edge %d (%d → %d) outside 0..%d", e, src[e], dst[e], n-1)
		}
		b.AddEdgeIndex(src[e], dst[e], 1, e+1)
	}
	g, _, err := b.Build(graphs.BuildOptions{})
	if err != nil {
		return nil, fmt.Errorf("support graph: %w", err)
	}
	if g.NumEdges() != len(src) {
		return nil, fmt.Errorf("support graph: %d edges rebuild as %d", len(src), g.NumEdges())
	}
	for e := range src {
		if int(g.Src[e]) != src[e] || int(g.Dst[e]) != dst[e] {
			return nil, fmt.Errorf("support graph: edge %d is not in CSR order", e)
		}
	}
	return g, nil
}

func writeCheckpoint(path string, st *checkpoint) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(st)
	})
}

// Model is a trained model as stored in a file.
type Model struct {
	Config mnmf.Config
	Theta  []float64
}

// WriteModel writes the trained θ of cfg to path (the checkpoint format,
// marked done).
func WriteModel(path string, cfg Config, theta []float64) error {
	mc, err := cfg.Model.Resolve()
	if err != nil {
		return err
	}
	return writeCheckpoint(path, &checkpoint{Format: format, Config: toFile(mc), Train: cfg, Done: true, X: theta, BestMAE: -1})
}

// ReadCheckpoint reads a checkpoint or model file; errors name the file.
func ReadCheckpoint(path string) (*checkpoint, error) {
	var st checkpoint
	if err := atomicfile.ReadJSON(path, &st); err != nil {
		return nil, fmt.Errorf("not an NMF checkpoint: %w", err)
	}
	if st.Format != format {
		return nil, fmt.Errorf("%s: format %q, want %q", path, st.Format, format)
	}
	if st.Config.SupportN != 0 || st.Config.SupportSrc != nil {
		g, err := st.Config.support()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		st.Config.Config.Support = g
	}
	mc, err := st.Config.Config.Resolve()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(st.X) != mc.NumParams() {
		return nil, fmt.Errorf("%s: %d parameters, the model of n = %d has %d (damaged file)", path, len(st.X), mc.N, mc.NumParams())
	}
	if !st.Done {
		if err := st.Trace.Check(false); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return &st, nil
}

// ReadModel reads a trained model (or a checkpoint's current θ).
func ReadModel(path string) (*Model, error) {
	st, err := ReadCheckpoint(path)
	if err != nil {
		return nil, err
	}
	mc, _ := st.Config.Config.Resolve()
	return &Model{Config: mc, Theta: st.X}, nil
}
