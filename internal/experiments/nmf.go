package experiments

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/cic"
	mnmf "github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/train"
	trainnmf "github.com/spread-dev/spread/train/nmf"
)

// This file holds what the NMF experiments (nmf-fig2, nmf-table1,
// nmf-fig6) share: the synthetic data protocol of He, Zha & Ye,
// "Influence Estimation and Maximization via Neural Mean-Field Dynamics"
// (arXiv:2106.02608, §4.2; datasets.BuildCIC), the NMF training settings
// and the scoring against Monte-Carlo truth.

// NMFCase names one synthetic network of the NMF paper's protocol: a
// stochastic Kronecker network with n nodes (a power of two) and a delay
// family.
type NMFCase struct {
	// Network is the Kronecker initiator: "hier" (hierarchical), "core"
	// (core-periphery) or "rand" (random).
	Network string `json:"network"`
	// Delay is the delay family: "exp", "rayleigh" or "weibull".
	Delay string `json:"delay"`
	// N is the number of nodes (paper: 128 and 1024).
	N int `json:"n"`
}

// Label returns "<network>-<delay>-n<N>", the value of the Graph column.
func (c NMFCase) Label() string { return fmt.Sprintf("%s-%s-n%d", c.Network, c.Delay, c.N) }

// nmfCases returns every network × delay combination at n.
func nmfCases(n int, delays ...string) []NMFCase {
	var cs []NMFCase
	for _, d := range delays {
		for _, net := range []string{"hier", "core", "rand"} {
			cs = append(cs, NMFCase{Network: net, Delay: d, N: n})
		}
	}
	return cs
}

// NMFData is the data protocol of a case (datasets.CICConfig without the
// network, delay and n, which the case gives, and without the seed, which is
// Options.Seed): Degree·N edges, SourceSets training source sets of sizes
// SetSizeMin..SetSizeMax with PerSet cascades each on [0, T], and TestSets
// test source sets with ground truth from TruthSamples Monte-Carlo cascades
// each on t = 0, 1, …, T.
type NMFData struct {
	Degree       float64 `json:"degree"`
	SourceSets   int     `json:"source_sets"`
	PerSet       int     `json:"per_set"`
	SetSizeMin   int     `json:"set_size_min"`
	SetSizeMax   int     `json:"set_size_max"`
	T            float64 `json:"t"`
	TestSets     int     `json:"test_sets"`
	TruthSamples int     `json:"truth_samples"`
}

// paperNMFData returns the paper's protocol (§4.2): d = 4, 900 source sets
// of size 1..10 × 10 cascades, T = 20, 100 test sets × 10 000 simulations.
func paperNMFData() NMFData {
	return NMFData{Degree: 4, SourceSets: 900, PerSet: 10, SetSizeMin: 1, SetSizeMax: 10, T: 20, TestSets: 100, TruthSamples: 10000}
}

// quickNMFData returns the quick protocol shared by the three experiments
// (the setting of the first NMF measurements): 90 source sets × 10 cascades,
// T = 10, 20 test sets × 2 000 simulations.
func quickNMFData() NMFData {
	return NMFData{Degree: 4, SourceSets: 90, PerSet: 10, SetSizeMin: 1, SetSizeMax: 10, T: 10, TestSets: 20, TruthSamples: 2000}
}

// build generates the data of case c (datasets.BuildCIC with Seed = seed,
// so the network, rates and cascades of a case are the same in the three
// experiments for the same seed).
func (d NMFData) build(c NMFCase, seed uint64, workers int) (*datasets.CICData, cic.Delay, error) {
	delay, err := cic.ParseDelay(c.Delay)
	if err != nil {
		return nil, delay, err
	}
	cfg := datasets.DefaultCICConfig()
	cfg.N, cfg.Initiator, cfg.Delay, cfg.Degree = c.N, c.Network, delay, d.Degree
	cfg.SourceSets, cfg.PerSet, cfg.SetSizeMin, cfg.SetSizeMax = d.SourceSets, d.PerSet, d.SetSizeMin, d.SetSizeMax
	cfg.T, cfg.TestSets, cfg.TruthSamples = d.T, d.TestSets, d.TruthSamples
	cfg.Seed, cfg.Workers = seed, workers
	data, err := datasets.BuildCIC(cfg)
	return data, delay, err
}

// NMFTrain is how the experiments train NMF (train/nmf.Train): the solver
// (Solver "euler" or "rk4" with Steps steps on [0, T]), the terminal loss
// term ("survival", the default, or the paper's "poisson"), Adam with LR
// over Epochs epochs of mini-batches of Batch cascades, the log-sum
// penalty λ_A = RegA, and early stopping after Patience epochs without a
// better validation MAE on the first ValSets test sets (θ of the best
// epoch is kept; the other test sets are scored). Selection "loss" keeps θ
// of the epoch with the lowest mean training loss (the penalised
// likelihood; train/nmf Config.Select) and stops after Patience epochs
// without a lower one: the model selection for network inference (issue
// #13: validation MAE picks an early epoch whose A is still dense).
// Selection "last" trains every epoch and keeps the last θ. The ValSets
// sets are left out of the scores whatever the selection.
type NMFTrain struct {
	Solver   string  `json:"solver"`
	Steps    int     `json:"steps"`
	Loss     string  `json:"loss"`
	Epochs   int     `json:"epochs"`
	Batch    int     `json:"batch"`
	LR       float64 `json:"lr"`
	Patience int     `json:"patience"`
	RegA     float64 `json:"reg_a"`
	ValSets  int     `json:"val_sets"`
	// Selection is "validation" (the default when empty), "loss" or "last".
	Selection string `json:"selection,omitempty"`
	// Hidden, if not empty, sets ε's hidden widths (models/nmf
	// Config.Hidden; empty: [n], the paper's 2n → n → n).
	Hidden []int `json:"hidden,omitempty"`
	// Support is "dense" (the default when empty: A is a full n×n matrix)
	// or "true": A lives on the edges of the true network (models/nmf
	// Config.Support), the O(E) setting that makes n = 1,024 affordable;
	// it gives NMF the network's support, so its rows are not the paper's
	// setting and network inference from it is meaningless.
	Support string `json:"support,omitempty"`
	// Backoff is train/nmf's divergence guard (Config.Backoff: return to
	// the lowest-loss epoch and halve the learning rate when an epoch's
	// loss exceeds Backoff times it); zero is off.
	Backoff float64 `json:"backoff,omitempty"`
	// InitFit starts the rates at their fitted constant (train/nmf
	// Config.InitFit; on in both scales, false for the fixed start of
	// the rows measured before it).
	InitFit bool `json:"init_fit"`
	// Events is the event-time mode ("interp", the default when empty,
	// "nearest" or "exact") and Grad the gradient ("autodiff", the default
	// when empty, "adjoint" or "costate"; exact needs "adjoint").
	Events string `json:"events,omitempty"`
	Grad   string `json:"grad,omitempty"`
	// Float32 runs the compiled programs in float32 (models/nmf
	// Config.Float32; autodiff only): training, and the predictions behind
	// validation and the scores, which agree with float64's to ~1e-7.
	Float32 bool `json:"float32,omitempty"`
}

// quickNMFTrain is the setting of the first quick measurements: Euler with
// 20 steps, batch 100, Adam 0.01, λ_A = 0.01, at most 15 epochs, patience
// 4, 10 validation sets.
func quickNMFTrain() NMFTrain {
	return NMFTrain{Solver: "euler", Steps: 20, Loss: "survival", Epochs: 15, Batch: 100, LR: 0.01, Patience: 4, RegA: 0.01, ValSets: 10, InitFit: true}
}

// paperNMFTrain is the paper's training setting (§4.2: RK4 with 40 steps,
// batch 300, 50 epochs, Adam 1e-3, λ_A = 0.01) with early stopping after 5
// epochs and half of the 100 test sets for validation (the paper's 50/50
// split).
func paperNMFTrain() NMFTrain {
	return NMFTrain{Solver: "rk4", Steps: 40, Loss: "survival", Epochs: 50, Batch: 300, LR: 1e-3, Patience: 5, RegA: 0.01, ValSets: 50, InitFit: true}
}

// config returns the train/nmf configuration for n nodes and horizon T.
func (c NMFTrain) config(n int, T float64, seed uint64) (trainnmf.Config, error) {
	m, err := ode.ParseMethod(c.Solver)
	if err != nil {
		return trainnmf.Config{}, fmt.Errorf("NMF training: %w", err)
	}
	loss, err := mnmf.ParseLossForm(c.Loss)
	if err != nil {
		return trainnmf.Config{}, fmt.Errorf("NMF training: %w", err)
	}
	cfg := trainnmf.DefaultConfig(n, T)
	if c.Events != "" {
		if cfg.Model.Events, err = mnmf.ParseEventMode(c.Events); err != nil {
			return trainnmf.Config{}, fmt.Errorf("NMF training: %w", err)
		}
	}
	if c.Grad != "" {
		cfg.Grad = c.Grad
	}
	cfg.Model.Float32 = c.Float32
	cfg.Model.Steps, cfg.Model.Method, cfg.Model.Loss, cfg.Model.RegA = c.Steps, m, loss, c.RegA
	cfg.Epochs, cfg.Batch, cfg.LR, cfg.Patience, cfg.Seed, cfg.Backoff, cfg.InitFit = c.Epochs, c.Batch, c.LR, c.Patience, seed, c.Backoff, c.InitFit
	return cfg, nil
}

// split returns the validation sets (the first ValSets test sets) and the
// scored sets (the rest), or an error when no set is left to score.
func (c NMFTrain) split(d *datasets.CICData) (val, test *trainnmf.Validation, err error) {
	v := c.ValSets
	if v < 0 || v >= len(d.TestSources) {
		return nil, nil, fmt.Errorf("NMF training: %d validation sets of %d test sets leaves none to score", v, len(d.TestSources))
	}
	test = &trainnmf.Validation{Sources: d.TestSources[v:], Truth: d.Truth[v:]}
	if v > 0 {
		val = &trainnmf.Validation{Sources: d.TestSources[:v], Truth: d.Truth[:v]}
	}
	return val, test, nil
}

// trainedNMF is a trained NMF model.
type trainedNMF struct {
	selection string
	cfg       mnmf.Config
	theta     []float64
	res       *trainnmf.Result
	secs      float64
}

// trainNMF trains NMF on the training cascades of d, validating on val
// (nil: no early stopping, the last θ). tr (may be nil) gets a note per
// epoch, labelled with label.
func trainNMF(d *datasets.CICData, c NMFTrain, val *trainnmf.Validation, seed uint64, tr *tracker, label string) (*trainedNMF, error) {
	cfg, err := c.config(d.Config.N, d.Config.T, seed)
	if err != nil {
		return nil, err
	}
	if len(c.Hidden) > 0 {
		cfg.Model.Hidden = slices.Clone(c.Hidden)
	}
	switch c.Support {
	case "", "dense":
	case "true":
		cfg.Model.Support = d.Graph
	default:
		return nil, fmt.Errorf("NMF training: support %q (valid: dense, true)", c.Support)
	}
	switch c.Selection {
	case "", "validation":
	case "loss":
		cfg.Select = "loss"
	case "last":
		val = nil
	default:
		return nil, fmt.Errorf("NMF training: selection %q (valid: validation, loss, last)", c.Selection)
	}
	start := time.Now()
	var rec train.Recorder
	if tr != nil {
		rec = train.RecorderFunc(func(p train.Progress) error {
			var epoch, mae float64
			for _, m := range p.Metrics {
				switch m.Name {
				case "epoch":
					epoch = m.Value
				case "val_mae":
					mae = m.Value
				}
			}
			if mae >= 0 {
				return tr.note("%s: NMF epoch %g: training loss %.4g, validation MAE %.4f", label, epoch, p.Objective, mae)
			}
			return tr.note("%s: NMF epoch %g: training loss %.4g", label, epoch, p.Objective)
		})
	}
	res, err := trainnmf.Train(cfg, trainnmf.Cascades(d.Train), val, "", false, rec)
	if err != nil {
		return nil, fmt.Errorf("NMF training: %w", err)
	}
	mc, err := cfg.Model.Resolve()
	if err != nil {
		return nil, err
	}
	return &trainedNMF{selection: c.Selection, cfg: mc, theta: res.Theta, res: res, secs: time.Since(start).Seconds()}, nil
}

// summary describes the training run: epochs, selection, training loss.
func (m *trainedNMF) summary() string {
	r := m.res
	if len(r.Epochs) == 0 {
		return "NMF: no epoch"
	}
	first, last := r.Epochs[0], r.Epochs[len(r.Epochs)-1]
	sel := "last epoch kept"
	switch {
	case m.selection == "loss":
		sel = fmt.Sprintf("lowest training loss %.4g at epoch %d kept (validation MAE %.4f)", r.BestLoss, r.BestEpoch, r.BestMAE)
	case r.BestMAE >= 0:
		sel = fmt.Sprintf("best validation MAE %.4f at epoch %d kept", r.BestMAE, r.BestEpoch)
	}
	stab := ""
	if h, lim := m.cfg.StepStability(m.theta), m.cfg.StabilityLimit(); h > lim {
		// The clamped solver hides the oscillation; say so beside the scores.
		stab = fmt.Sprintf(", UNSTABLE solver step (h·max in-rate %.3g > %.3g)", h, lim)
	}
	return fmt.Sprintf("NMF: %d epochs (%s), %s, training loss %.4g → %.4g, %.1f s%s", len(r.Epochs), r.Criterion, sel, first.Loss, last.Loss, m.secs, stab)
}

// network returns NMF's learned network: the edges with a positive rate, as
// a graph whose weights are the rates.
func (m *trainedNMF) network() (*graphs.Graph, error) {
	es, err := m.cfg.Network(m.theta, 0)
	if err != nil {
		return nil, err
	}
	src, dst, w := make([]int, len(es)), make([]int, len(es)), make([]float64, len(es))
	for k, e := range es {
		src[k], dst[k], w[k] = e.Src, e.Dst, e.A
	}
	g, _, err := graphs.FromEdges(m.cfg.N, src, dst, w, graphs.BuildOptions{})
	return g, err
}

// meanFieldRates returns the constant hazard rate per edge that the
// mean-field baseline gives NMF's field: the rate α of Exponential and
// Rayleigh delays (Rayleigh's hazard is ατ, so α is an approximation there)
// and 1/λ for Weibull delays, whose first parameter is the scale λ, not a
// rate (shape k = 1 is the exponential with rate 1/λ; for every k the
// constant rate 1/λ and the Weibull hazard accumulate to 1 at τ = λ; λ =
// +Inf, an edge that never transmits, gives rate 0).
func meanFieldRates(d cic.Delay, p cic.Params) []float64 {
	if d != cic.Weibull() {
		return p.A
	}
	r := make([]float64, len(p.A))
	for e, lam := range p.A {
		r[e] = 1 / lam
	}
	return r
}

// meanFieldSteps returns the RK4 step count of the mean-field ODE cfg
// (resolved, its Steps the requested count) with parameters theta: the
// smallest multiple of cfg.Steps whose step keeps h·ρ ≤ 2, ρ the largest
// total in-rate (models/nmf Config.StepStability). ρ bounds the stiff part
// of the field's Jacobian (the diagonal −(A x)_j of (1 − x)⊙(A x) near
// x_j = 1, and A's spectral radius): beyond h·ρ ≈ 2.8 RK4 is unstable, and
// the clamp of x to [0, 1] then locks such a node at 0 for good (at the
// paper's T = 20 with 40 steps, nodes with in-rates summing to more than
// about 5.6). 2 leaves a margin below RK4's limit; a multiple of the
// requested count keeps the integer times on the grid (no interpolation
// error there). θ's layout does not depend on Steps.
func meanFieldSteps(cfg mnmf.Config, theta []float64) int {
	return max(1, int(math.Ceil(cfg.StepStability(theta)/2))) * cfg.Steps
}

// meanFieldTheta returns the parameters of the mean-field ODE with the
// true rates in NMF's dense layout (cfg without a support graph): A_ij =
// the rate of edge i→j, ε switched off (output bias −10³, so ε = σ(−10³) =
// 0 to double precision), h unused. rates come from meanFieldRates: for
// Rayleigh and Weibull delays the hazard is not constant, so this is a
// constant-rate approximation.
func meanFieldTheta(cfg mnmf.Config, g *graphs.Graph, rates []float64) ([]float64, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	if cfg.Support != nil || g.N != cfg.N || len(rates) != g.NumEdges() {
		return nil, fmt.Errorf("mean-field ODE: want a dense model on %d nodes and one rate per edge", g.N)
	}
	theta := make([]float64, cfg.NumParams())
	n := cfg.N
	for e := range g.NumEdges() {
		theta[int(g.Src[e])*n+int(g.Dst[e])] += rates[e]
	}
	fs := cfg.Layout()
	last := fs[len(fs)-1]
	for i := range last.Size {
		theta[last.Offset+i] = -1e3
	}
	return theta, nil
}

// nmfTrajectories returns the predictions x(t) at t = 1..L of the model
// (cfg, θ) from each source set, time-major: out[j][(t−1)·n + v].
func nmfTrajectories(cfg mnmf.Config, theta []float64, sources [][]int, L int) ([][]float64, error) {
	p, err := mnmf.NewPredictor(cfg, min(len(sources), 100))
	if err != nil {
		return nil, err
	}
	defer p.Close()
	traj, err := p.Predict(theta, sources)
	if err != nil {
		return nil, err
	}
	ts := make([]float64, L)
	for l := range ts {
		ts[l] = float64(l + 1)
	}
	out := make([][]float64, len(traj))
	for j, tj := range traj {
		out[j] = cfg.At(tj, ts)
	}
	return out, nil
}

// estimationErrors scores predictions against Monte-Carlo truth (the NMF
// paper's §4.1 metrics): for set j and t = 1..L, the probability MAE
// ‖x(t) − x*(t)‖₁/n and the scaled influence MAE |1ᵀ(x(t) − x*(t))|/n.
// pred[j][(t−1)·n + v] is x_v(t) and truth[j][t·n + v] is x*_v(t) (t = 0
// first, as datasets.BuildCIC makes it). Results are indexed [t−1][j].
func estimationErrors(n, L int, pred, truth [][]float64) (prob, infl [][]float64) {
	prob, infl = make([][]float64, L), make([][]float64, L)
	for l := range L {
		prob[l], infl[l] = make([]float64, len(pred)), make([]float64, len(pred))
		for j := range pred {
			x, xs := pred[j][l*n:(l+1)*n], truth[j][(l+1)*n:(l+2)*n]
			var abs, diff float64
			for v := range n {
				abs += math.Abs(x[v] - xs[v])
				diff += x[v] - xs[v]
			}
			prob[l][j], infl[l][j] = abs/float64(n), math.Abs(diff)/float64(n)
		}
	}
	return prob, infl
}

// scaledInfluenceErrors is the scaled influence MAE of influence estimates
// sigma[j][t−1] ≈ 1ᵀx*(t) (a method that predicts no per-node
// probabilities, such as ConTinEst), indexed [t−1][j].
func scaledInfluenceErrors(n, L int, sigma, truth [][]float64) [][]float64 {
	infl := make([][]float64, L)
	for l := range L {
		infl[l] = make([]float64, len(sigma))
		for j := range sigma {
			s := 0.0
			for _, x := range truth[j][(l+1)*n : (l+2)*n] {
				s += x
			}
			infl[l][j] = math.Abs(sigma[j][l]-s) / float64(n)
		}
	}
	return infl
}

// checkNames returns an error naming the first entry of got that is not in
// valid, or a duplicate.
func checkNames(what string, got, valid []string) error {
	if len(got) == 0 {
		return fmt.Errorf("no %s given (valid: %v)", what, valid)
	}
	for i, g := range got {
		if !slices.Contains(valid, g) {
			return fmt.Errorf("unknown %s %q (valid: %v)", what, g, valid)
		}
		if slices.Contains(got[:i], g) {
			return fmt.Errorf("%s %q listed twice", what, g)
		}
	}
	return nil
}
