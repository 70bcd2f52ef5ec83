package experiments

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/solvers/netrate"
	"github.com/spread-dev/spread/train/nmf"
)

const nmfTable1Long = `NMF paper (He, Zha & Ye, arXiv:2106.02608) Table 1: network inference.
Data as nmf-fig2 (datasets.BuildCIC; the same case and seed give the same
network and cascades). NMF's inferred network is its learned A (every rate > 0;
NMF selected by validation MAE on the first test sets, or with train.selection
"loss" by its training loss); NetRate's is the
maximiser of its convex per-node likelihood (solvers/netrate, exponential or
Rayleigh; Weibull has no NetRate likelihood and is refused). Both are compared
with the true network by netrate.Compare at rate threshold 0.01 (E_ij = 1 iff
A_ij ≥ 0.01): the paper's metrics under its names, paper_prc = |E∩E*|/|E*|
(the usual recall), paper_rcl = |E∩E*|/|E| (the usual precision), paper_acc =
1 − |E − E*|/(|E| + |E*|) (= F1), cor = |tr(AᵀA*)|/(‖A‖_F‖A*‖_F); the usual
precision, recall and f1; and edges = |E|. One value per (case, method,
metric), x = 1..8 in that order (the PNG plots them against x). quick: n = 64,
hier with exp and rayleigh, 90 × 10 cascades, T = 10 (NMF as nmf-fig2 quick);
paper: n = 128, hier/core/rand × exp/rayleigh, 900 × 10 cascades, T = 20.`

// Table 1 methods.
const (
	NMFMethodNetRate = "netrate"
)

// nmfTable1Metrics are the metrics of NMFTable1, in x order.
var nmfTable1Metrics = []string{"paper_prc", "paper_rcl", "paper_acc", "cor", "precision", "recall", "f1", "edges"}

// NMFTable1Config configures NMFTable1.
type NMFTable1Config struct {
	// Cases are the networks (exp or rayleigh delays); Data the protocol,
	// except Data.TestSets: only the Train.ValSets validation sets NMF needs
	// are simulated (none without NMF).
	Cases []NMFCase `json:"cases"`
	Data  NMFData   `json:"data"`
	// Methods are any of "nmf" and "netrate".
	Methods []string `json:"methods"`
	// Train is NMF's training (its ValSets test sets validate it).
	Train NMFTrain `json:"train"`
	// Threshold is the rate from which an edge counts (paper: 0.01).
	Threshold float64 `json:"threshold"`
}

// DefaultNMFTable1 returns the configuration of scale s.
func DefaultNMFTable1(s Scale) NMFTable1Config {
	c := NMFTable1Config{Cases: []NMFCase{{"hier", "exp", 64}, {"hier", "rayleigh", 64}}, Data: quickNMFData(),
		Methods: []string{NMFMethodNMF, NMFMethodNetRate}, Train: quickNMFTrain(), Threshold: 0.01}
	if s == Paper {
		c.Cases = nmfCases(128, "exp", "rayleigh")
		c.Data, c.Train = paperNMFData(), paperNMFTrain()
	}
	return c
}

// NMFTable1 reproduces the NMF paper's Table 1 (see nmfTable1Long). Points:
// one per (case, method, metric), Series "<case> <method>", X the metric's
// position in paper_prc, paper_rcl, paper_acc, cor, precision, recall, f1,
// edges; Seconds the method's time (NMF: training).
func NMFTable1(ctx context.Context, cfg NMFTable1Config, opt Options) (*Output, error) {
	const name = "nmf-table1"
	if len(cfg.Cases) == 0 {
		return nil, fmt.Errorf("experiments: %s: no case", name)
	}
	if err := checkNames("method", cfg.Methods, []string{NMFMethodNMF, NMFMethodNetRate}); err != nil {
		return nil, fmt.Errorf("experiments: %s: %w", name, err)
	}
	if !(cfg.Threshold >= 0) {
		return nil, fmt.Errorf("experiments: %s: threshold %v, want ≥ 0", name, cfg.Threshold)
	}
	for _, c := range cfg.Cases {
		if c.Delay != "exp" && c.Delay != "rayleigh" {
			return nil, fmt.Errorf("experiments: %s: case %s: NetRate's likelihood needs exp or rayleigh delays", name, c.Label())
		}
	}
	// Only NMF's validation sets need Monte-Carlo truth (the training
	// cascades do not depend on the number of test sets).
	data := cfg.Data
	data.TestSets = 0
	if slices.Contains(cfg.Methods, NMFMethodNMF) {
		if cfg.Train.ValSets < 1 {
			return nil, fmt.Errorf("experiments: %s: NMF needs Train.ValSets ≥ 1 validation sets", name)
		}
		data.TestSets = cfg.Train.ValSets
	}
	tr := newTracker(name, opt.Recorder)
	W := opt.workers()
	var notes []string
	for _, c := range cfg.Cases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fail := func(err error) error { return fmt.Errorf("experiments: %s: %s: %w", name, c.Label(), err) }
		if err := tr.note("%s: simulating the cascades", c.Label()); err != nil {
			return nil, err
		}
		d, delay, err := data.build(c, opt.Seed, W)
		if err != nil {
			return nil, fail(err)
		}
		for _, m := range cfg.Methods {
			if err := tr.note("%s: %s", c.Label(), m); err != nil {
				return nil, err
			}
			start := time.Now()
			var est *graphs.Graph
			var rates []float64
			switch m {
			case NMFMethodNMF:
				val := &nmf.Validation{Sources: d.TestSources, Truth: d.Truth}
				tm, err := trainNMF(d, cfg.Train, val, opt.Seed, tr, c.Label())
				if err != nil {
					return nil, fail(err)
				}
				if est, err = tm.network(); err != nil {
					return nil, fail(err)
				}
				notes = append(notes, c.Label()+" "+tm.summary())
			case NMFMethodNetRate:
				res, err := netrate.Infer(d.Train, c.N, &netrate.Settings{Delay: delay, Workers: W})
				if err != nil {
					return nil, fail(err)
				}
				est, rates = res.Graph, res.Params.A
				notes = append(notes, fmt.Sprintf("%s NetRate: %d edges, %d Newton iterations, %.1f s", c.Label(), res.Graph.NumEdges(), res.Stats.Iterations, res.Stats.Runtime.Seconds()))
			}
			secs := time.Since(start).Seconds()
			mt, err := netrate.Compare(est, rates, d.Graph, d.Params.A, cfg.Threshold)
			if err != nil {
				return nil, fail(err)
			}
			vals := []float64{mt.PaperPrc, mt.PaperRcl, mt.PaperAcc, mt.Cor, mt.Precision, mt.Recall, mt.F1, float64(mt.Est)}
			for k, v := range vals {
				p := Point{Series: c.Label() + " " + m, Method: m, Graph: c.Label(), N: c.N, Params: d.Graph.NumEdges(),
					T: int(cfg.Data.T), M: d.Train.M(), Replicas: 1, X: float64(k + 1), Metric: nmfTable1Metrics[k]}
				if err := tr.add(tr.plan(p, 1), 0, v, runInfo{secs: secs}); err != nil {
					return nil, err
				}
			}
		}
	}
	out, err := tr.output(nil, cfg, opt.Seed, notes)
	if err != nil {
		return nil, err
	}
	out.Figures = []FigureFile{figureSpec{file: name + ".png",
		title:  "NMF Table 1: 1 Prc (paper) 2 Rcl (paper) 3 Acc (paper) 4 Cor 5 precision 6 recall 7 F1",
		xlabel: "metric", ylabel: "value",
		keep: func(p *Point) bool { return p.Metric != "edges" }}.build(out.Points)}
	for k := range out.Figures[0].Figure.Series {
		out.Figures[0].Figure.Series[k].Points = true
	}
	return out, nil
}
