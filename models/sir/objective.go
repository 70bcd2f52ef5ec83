package sir

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/optim"
)

// Objective is the SIR log-likelihood as a train.Objective of x = (λ, μ);
// NewObjective builds it. Not safe for concurrent use.
type Objective struct {
	prog *compiled.Objective
	obs  *Observations
	n, p int
}

// NumParams returns len(x) = g.NumPairs() + g.N.
func (o *Objective) NumParams() int { return o.p + o.n }

// Eval implements train.Objective: the log-likelihood at x and its gradient
// by autodiff, one run per class with the data rebound. It returns an error
// for x outside [0, 1] and a *train.NonFiniteError for a non-finite value.
func (o *Objective) Eval(x, grad []float64) (float64, error) {
	if err := inUnit(x); err != nil {
		return 0, err
	}
	o.prog.SetX(x)
	clear(grad)
	T, total := o.obs.T, 0.0
	ps0, rec, stay := o.prog.Data("ps0"), o.prog.Data("recovered"), o.prog.Data("stayed")
	for c, cl := range o.obs.Classes {
		for i := range ps0 {
			ps0[i] = 1
		}
		for _, s := range cl.Sources {
			ps0[s] = 0
		}
		clear(rec)
		clear(stay)
		if c == 0 { // the recovery terms belong to no class: count them once
			copy(rec, o.obs.Recovered)
			copy(stay, o.obs.Stayed)
		}
		for tau := 1; tau <= T; tau++ {
			cnt := o.prog.Data(fmt.Sprintf("infected.tau%d", tau))
			for i := range cnt {
				cnt[i] = cl.Infected[i*(T+1)+tau]
			}
		}
		f, err := o.prog.Run()
		if err != nil {
			return 0, err
		}
		total += f
		o.prog.AddGrad(grad)
	}
	return total, train.CheckFinite("models/sir", total, grad)
}

// Close releases the compiled program.
func (o *Objective) Close() error { return o.prog.Close() }

// Marginals returns the DMP marginals P_S, P_I, P_R of every node at slots
// 0..T−1 (row t holds node i at [t][i]) from the source set sources, with
// the same forward program as the likelihood, compiled without gradients.
func Marginals(g *graphs.Graph, lambda, mu []float64, sources []int, T int) (PS, PI, PR [][]float64, err error) {
	if err := checkParams(g, lambda, mu); err != nil {
		return nil, nil, nil, err
	}
	if T < 1 {
		return nil, nil, nil, fmt.Errorf("models/sir: horizon T = %d, want ≥ 1", T)
	}
	ps0 := make([]float64, g.N)
	for i := range ps0 {
		ps0[i] = 1
	}
	for _, s := range sources {
		if s < 0 || s >= g.N {
			return nil, nil, nil, fmt.Errorf("models/sir: source %d not in 0..%d", s, g.N-1)
		}
		ps0[s] = 0
	}
	prog, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		ps, pr := Forward(g, d.Input("lambda", []int{len(lambda)}, lambda), d.Input("mu", []int{g.N}, mu), d.Input("ps0", []int{g.N}, ps0), T)
		for t := range T {
			d.Output(fmt.Sprint("ps", t), ps[t])
			d.Output(fmt.Sprint("pr", t), pr[t])
		}
		return G.Sum(ps[T-1])
	}, &compiled.Options{Name: "models/sir: Marginals", NoGrad: true})
	if err != nil {
		return nil, nil, nil, err
	}
	defer prog.Close()
	if _, err := prog.Run(); err != nil {
		return nil, nil, nil, err
	}
	for t := range T {
		s, r := append([]float64(nil), prog.Output(fmt.Sprint("ps", t))...), append([]float64(nil), prog.Output(fmt.Sprint("pr", t))...)
		in := make([]float64, g.N)
		for i := range in {
			in[i] = 1 - s[i] - r[i]
		}
		PS, PI, PR = append(PS, s), append(PI, in), append(PR, r)
	}
	return PS, PI, PR, nil
}

// Config holds the settings of Fit; the zero Config means the defaults in
// the field comments.
type Config struct {
	// LR is Adam's learning rate. Zero means 0.05.
	LR float64
	// MaxIters is the iteration limit. Zero means 500.
	MaxIters int
	// Tol and Patience: stop when the relative change of the
	// log-likelihood stays within Tol on Patience consecutive iterations.
	// Zero means 1e-7 and 10.
	Tol      float64
	Patience int
	// Init is the initial value of every λ and μ, in (0, 1). Zero means 0.3.
	Init float64
}

// Margin keeps Fit's iterates in [Margin, 1−Margin], where log μ and
// log(1−μ) are finite.
const Margin = 1e-4

// Fit maximises the log-likelihood of obs on g with Adam on train.Loop and
// returns x = (λ, μ) with the loop's trace. rec may be nil.
func Fit(g *graphs.Graph, obs *Observations, cfg Config, rec train.Recorder) ([]float64, *train.Trace, error) {
	def := func(v, d float64) float64 {
		if v == 0 {
			return d
		}
		return v
	}
	cfg.LR, cfg.Tol, cfg.Init = def(cfg.LR, 0.05), def(cfg.Tol, 1e-7), def(cfg.Init, 0.3)
	cfg.MaxIters, cfg.Patience = int(def(float64(cfg.MaxIters), 500)), int(def(float64(cfg.Patience), 10))
	if !(cfg.Init > 0 && cfg.Init < 1) || !(cfg.LR > 0) || cfg.MaxIters < 0 || !(cfg.Tol >= 0) {
		return nil, nil, fmt.Errorf("models/sir: Fit: invalid config %+v", cfg)
	}
	obj, err := NewObjective(g, obs)
	if err != nil {
		return nil, nil, err
	}
	defer obj.Close()
	x := make([]float64, obj.NumParams())
	for i := range x {
		x[i] = cfg.Init
	}
	loop := &train.Loop{
		Objective: obj, MaxIters: cfg.MaxIters, Tol: cfg.Tol, Patience: cfg.Patience, Method: "sir", Recorder: rec,
		Stepper: train.NewAdamStep(&optim.Adam{LR: cfg.LR, Maximize: true}, optim.Box{Lo: Margin, Hi: 1 - Margin}),
	}
	var tr train.Trace
	if err := loop.Start(x, &tr); err != nil {
		return x, &tr, err
	}
	err = loop.Run()
	return x, &tr, err
}
