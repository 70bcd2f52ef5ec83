package experiments

import (
	"context"
	"fmt"
	"time"

	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/solvers/continest"
	"github.com/spread-dev/spread/solvers/influlearner"
)

const nmfFig2Long = `NMF paper (He, Zha & Ye, arXiv:2106.02608) Fig. 2: influence estimation.
For each case (Kronecker network hier/core/rand × delay exp/rayleigh/weibull,
n nodes, d = 4, rates α ~ U[0.1, 1], Weibull scale and shape ~ U[1, 10];
datasets.BuildCIC with the seed), the
training cascades come from source sets of size 1..10 and the test source sets
have Monte-Carlo ground truth x*(t) on t = 0..T. Methods: NMF trained on the
cascades (train/nmf, survival loss, early stopping on the first test sets'
MAE, which are then left out of the scores); the mean-field ODE with the true
rates (NMF's field with ε ≡ 0, RK4 with h·(largest in-rate sum) ≤ 2; rate
1/λ for a Weibull scale λ; exact mean-field only for exponential delays);
ConTinEst on the true network and rates (influence only, no per-node
probabilities); InfluLearner learned from the same cascades with their source
attribution, one model per t. Metrics at t = 1..T, mean ± standard error over
the scored test sets: prob_mae = ‖x(t) − x*(t)‖₁/n and scaled_influence_mae =
|1ᵀ(x(t) − x*(t))|/n. quick: n = 64, hier-exp and core-rayleigh, 90 source
sets × 10 cascades, T = 10, 20 test sets (10 validation) × 2 000 simulations,
NMF Euler-20, batch 100, lr 0.01, ≤ 15 epochs; paper: the 9 cases at n = 128
and hier-exp at n = 1024, 900 × 10 cascades, T = 20, 100 test sets (50
validation) × 10 000 simulations, NMF RK4-40, batch 300, lr 1e-3, ≤ 50 epochs.`

// Fig. 2 methods.
const (
	NMFMethodNMF          = "nmf"
	NMFMethodMeanField    = "mean-field"
	NMFMethodConTinEst    = "continest"
	NMFMethodInfluLearner = "influlearner"
)

// NMFFig2Config configures NMFFig2.
type NMFFig2Config struct {
	// Cases are the networks; Data the protocol of each.
	Cases []NMFCase `json:"cases"`
	Data  NMFData   `json:"data"`
	// Methods are any of "nmf", "mean-field", "continest", "influlearner".
	Methods []string `json:"methods"`
	// Train is NMF's training; its ValSets first test sets validate NMF and
	// are left out of every method's scores.
	Train NMFTrain `json:"train"`
	// MeanFieldSteps is the RK4 step count of the mean-field ODE on [0, T],
	// raised to a multiple of itself where the true rates make RK4 unstable
	// (meanFieldSteps).
	MeanFieldSteps int `json:"mean_field_steps"`
	// ConTinEstSamples is ConTinEst's number m of delay realisations (r = 5
	// label sets each).
	ConTinEstSamples int `json:"continest_samples"`
	// InfluLearnerFeatures is InfluLearner's K random features per node.
	InfluLearnerFeatures int `json:"influlearner_features"`
}

// DefaultNMFFig2 returns the configuration of scale s.
func DefaultNMFFig2(s Scale) NMFFig2Config {
	c := NMFFig2Config{
		Cases:   []NMFCase{{"hier", "exp", 64}, {"core", "rayleigh", 64}},
		Data:    quickNMFData(),
		Methods: []string{NMFMethodNMF, NMFMethodMeanField, NMFMethodConTinEst, NMFMethodInfluLearner},
		Train:   quickNMFTrain(), MeanFieldSteps: 40, ConTinEstSamples: 1000, InfluLearnerFeatures: 200,
	}
	if s == Paper {
		c.Cases = append(nmfCases(128, "exp", "rayleigh", "weibull"), NMFCase{"hier", "exp", 1024})
		c.Data, c.Train = paperNMFData(), paperNMFTrain()
	}
	return c
}

// NMFFig2 reproduces the NMF paper's Fig. 2 (see nmfFig2Long). Points: one
// per (case, method, metric, t) with Series "<case> <method>", Graph the
// case label, X = t, Metric "prob_mae" or "scaled_influence_mae", Mean and
// Stderr over the scored test sets (Runs of them) and Seconds the method's
// training or set-up time.
func NMFFig2(ctx context.Context, cfg NMFFig2Config, opt Options) (*Output, error) {
	const name = "nmf-fig2"
	if len(cfg.Cases) == 0 {
		return nil, fmt.Errorf("experiments: %s: no case", name)
	}
	if err := checkNames("method", cfg.Methods, []string{NMFMethodNMF, NMFMethodMeanField, NMFMethodConTinEst, NMFMethodInfluLearner}); err != nil {
		return nil, fmt.Errorf("experiments: %s: %w", name, err)
	}
	if cfg.Data.T < 1 {
		return nil, fmt.Errorf("experiments: %s: horizon T = %v, want ≥ 1", name, cfg.Data.T)
	}
	tr := newTracker(name, opt.Recorder)
	W := opt.workers()
	var notes []string
	for _, c := range cfg.Cases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fail := func(err error) error { return fmt.Errorf("experiments: %s: %s: %w", name, c.Label(), err) }
		if err := tr.note("%s: simulating the cascades and the ground truth", c.Label()); err != nil {
			return nil, err
		}
		d, delay, err := cfg.Data.build(c, opt.Seed, W)
		if err != nil {
			return nil, fail(err)
		}
		val, test, err := cfg.Train.split(d)
		if err != nil {
			return nil, fail(err)
		}
		n, L := c.N, int(cfg.Data.T)
		add := func(method, metric string, errs [][]float64, secs float64) error {
			for l := range L {
				p := Point{Series: c.Label() + " " + method, Method: method, Graph: c.Label(), N: n, Params: d.Graph.NumEdges(),
					T: L, M: d.Train.M(), Replicas: 1, X: float64(l + 1), Metric: metric}
				pi := tr.plan(p, len(errs[l]))
				for j, v := range errs[l] {
					s := 0.0
					if j == 0 {
						s = secs
					}
					if err := tr.add(pi, j, v, runInfo{secs: s}); err != nil {
						return err
					}
				}
			}
			return nil
		}
		both := func(method string, pred [][]float64, secs float64) error {
			prob, infl := estimationErrors(n, L, pred, test.Truth)
			if err := add(method, "prob_mae", prob, secs); err != nil {
				return err
			}
			return add(method, "scaled_influence_mae", infl, secs)
		}
		for _, m := range cfg.Methods {
			if err := tr.note("%s: %s", c.Label(), m); err != nil {
				return nil, err
			}
			start := time.Now()
			switch m {
			case NMFMethodNMF:
				tm, err := trainNMF(d, cfg.Train, val, opt.Seed, tr, c.Label())
				if err != nil {
					return nil, fail(err)
				}
				pred, err := nmfTrajectories(tm.cfg, tm.theta, test.Sources, L)
				if err != nil {
					return nil, fail(err)
				}
				if err := tr.note("%s: %s", c.Label(), tm.summary()); err != nil {
					return nil, err
				}
				notes = append(notes, c.Label()+" "+tm.summary())
				if err := both(m, pred, tm.secs); err != nil {
					return nil, err
				}
			case NMFMethodMeanField:
				mc, err := cfg.Train.config(n, cfg.Data.T, opt.Seed)
				if err != nil {
					return nil, fail(err)
				}
				rates := meanFieldRates(delay, d.Params)
				mc.Model.Steps, mc.Model.Method = cfg.MeanFieldSteps, ode.RK4
				mf, err := mc.Model.Resolve()
				if err != nil {
					return nil, fail(err)
				}
				theta, err := meanFieldTheta(mf, d.Graph, rates)
				if err != nil {
					return nil, fail(err)
				}
				mf.Steps = meanFieldSteps(mf, theta)
				if err := tr.note("%s: mean-field: RK4 with %d steps", c.Label(), mf.Steps); err != nil {
					return nil, err
				}
				notes = append(notes, fmt.Sprintf("%s mean-field: RK4 with %d steps", c.Label(), mf.Steps))
				pred, err := nmfTrajectories(mf, theta, test.Sources, L)
				if err != nil {
					return nil, fail(err)
				}
				if err := both(m, pred, time.Since(start).Seconds()); err != nil {
					return nil, err
				}
			case NMFMethodConTinEst:
				est, err := continest.New(d.Graph, delay, d.Params, cfg.Data.T, &continest.Settings{Samples: cfg.ConTinEstSamples,
					Seed: subSeed(opt.Seed, tagMC, 1), Workers: W})
				if err != nil {
					return nil, fail(err)
				}
				sigma := make([][]float64, len(test.Sources))
				for j, S := range test.Sources {
					sigma[j] = make([]float64, L)
					for l := range L {
						sigma[j][l], _ = est.InfluenceAt(S, float64(l+1))
					}
				}
				if err := add(m, "scaled_influence_mae", scaledInfluenceErrors(n, L, sigma, test.Truth), time.Since(start).Seconds()); err != nil {
					return nil, err
				}
			case NMFMethodInfluLearner:
				times := make([]float64, L)
				for l := range times {
					times[l] = float64(l + 1)
				}
				il, err := influlearner.Fit(d.Simulated, times, &influlearner.Settings{Features: cfg.InfluLearnerFeatures,
					Seed: subSeed(opt.Seed, tagMC, 2), Workers: W})
				if err != nil {
					return nil, fail(err)
				}
				pred := make([][]float64, len(test.Sources))
				for j, S := range test.Sources {
					pred[j] = il.Predict(nil, S)
				}
				if err := both(m, pred, time.Since(start).Seconds()); err != nil {
					return nil, err
				}
			}
		}
	}
	out, err := tr.output(nil, cfg, opt.Seed, notes)
	if err != nil {
		return nil, err
	}
	out.Figures = nmfFig2Figures(name, cfg, out.Points)
	return out, nil
}

// nmfFig2Figures returns NAME.png (scaled influence MAE, every case and
// method), NAME_prob.png (probability MAE) and, with more than two cases,
// one NAME_<case>.png per case with both metrics.
func nmfFig2Figures(name string, cfg NMFFig2Config, pts []Point) []FigureFile {
	figs := []FigureFile{
		figureSpec{file: name + ".png", title: "NMF Fig. 2: scaled influence MAE |1ᵀ(x − x*)|/n", xlabel: "t",
			ylabel: "scaled influence MAE", metric: "scaled_influence_mae"}.build(pts),
		figureSpec{file: name + "_prob.png", title: "NMF Fig. 2: probability MAE ‖x − x*‖₁/n", xlabel: "t",
			ylabel: "probability MAE", metric: "prob_mae"}.build(pts),
	}
	if len(cfg.Cases) > 2 {
		for _, c := range cfg.Cases {
			lab := c.Label()
			var f FigureFile
			for _, m := range []struct{ metric, short string }{{"scaled_influence_mae", "influence"}, {"prob_mae", "probability"}} {
				g := figureSpec{file: name + "_" + lab + ".png", title: "NMF Fig. 2: " + lab, xlabel: "t", ylabel: "MAE",
					metric: m.metric, keep: func(p *Point) bool { return p.Graph == lab }}.build(pts)
				for k := range g.Figure.Series {
					s := &g.Figure.Series[k]
					s.Name = s.Name[len(lab)+1:] + " (" + m.short + ")"
				}
				if f.Figure == nil {
					f = g
				} else {
					f.Figure.Series = append(f.Figure.Series, g.Figure.Series...)
				}
			}
			figs = append(figs, f)
		}
	}
	return figs
}
