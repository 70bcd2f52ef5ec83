package nmf

import (
	"fmt"
	"math"
	"slices"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/train"
)

// Influence is the NMF-predicted influence of a relaxed seed vector, the
// objective of NMF-InfMax (He et al. 2020, §3, problem (26)):
//
//	f(u) = 1ᵀx(T; u) − Rho·Σ u_i(1 − u_i),  u ∈ [0,1]^n,
//
// maximised by solvers/im's ProjectedGradient on the capped simplex
// {u ∈ [0,1]^n, Σu = k}. The relaxation plugs u into the trained model's
// unrolled solver where the source indicator χ goes: x(0) = u, the field is
// multiplied by 1 − u and every step adds back u (for binary u this is
// exactly Predictor's trajectory, so f at a rounded u is the model's
// predicted influence of that seed set). The gradient ∂f/∂u is reverse-mode
// autodiff through the unrolled solver (models/compiled), the discrete
// counterpart of the paper's augmented system (28).
//
// Influence implements train.Objective; it is not safe for concurrent use.
type Influence struct {
	cfg  Config
	rho  float64
	prog *compiled.Objective
}

// AtHorizon returns cfg with horizon T (0 < T ≤ cfg.T) and the step count
// scaled to keep cfg's step length (at least one step). θ's layout does not
// depend on the horizon, so a model trained on [0, cfg.T] predicts on [0, T].
func (cfg Config) AtHorizon(T float64) (Config, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return cfg, err
	}
	if !(T > 0) || T > cfg.T*(1+1e-12) {
		return cfg, fmt.Errorf("models/nmf: horizon %v outside (0, %v]", T, cfg.T)
	}
	steps := max(1, int(math.Round(float64(cfg.Steps)*T/cfg.T)))
	cfg.Hidden = slices.Clone(cfg.Hidden)
	cfg.T, cfg.Steps = T, steps
	return cfg, nil
}

// NewInfluence compiles the influence objective of the model (cfg, θ)
// with regularisation weight rho ≥ 0 (0: the plain 1ᵀx(T; u)).
func NewInfluence(cfg Config, theta []float64, rho float64) (*Influence, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	if len(theta) != cfg.NumParams() {
		return nil, fmt.Errorf("models/nmf: θ has %d values, want %d", len(theta), cfg.NumParams())
	}
	if !(rho >= 0) || math.IsInf(rho, 0) {
		return nil, fmt.Errorf("models/nmf: Influence rho = %v, want ≥ 0", rho)
	}
	n := cfg.N
	var net *Net
	prog, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		if net, err = NewNet(d.G, cfg, 1); err != nil {
			return nil, err
		}
		if err := net.Params.Unflatten(theta); err != nil {
			return nil, err
		}
		u := d.Param("u", []int{1, n}, nil)
		notU := G.Must(G.Sub(net.constant(1), u))
		X, _ := net.Unroll(u, notU)
		f := G.Must(G.Sum(X[len(X)-1]))
		if rho > 0 {
			pen := G.Must(G.Sum(G.Must(G.HadamardProd(u, notU))))
			f = G.Must(G.Sub(f, G.Must(G.Mul(net.constant(rho), pen))))
		}
		return f, nil
	}, &compiled.Options{Name: "models/nmf: Influence", Dtype: cfg.Dtype()})
	if err != nil {
		return nil, err
	}
	if prog.NumParams() != n {
		prog.Close()
		return nil, fmt.Errorf("models/nmf: Influence program has %d parameters, want %d", prog.NumParams(), n)
	}
	return &Influence{cfg: cfg, rho: rho, prog: prog}, nil
}

// Eval returns f(u) and writes ∂f/∂u into grad (nil to skip it).
func (o *Influence) Eval(u, grad []float64) (float64, error) {
	if len(u) != o.cfg.N || (grad != nil && len(grad) != o.cfg.N) {
		return 0, fmt.Errorf("models/nmf: Influence: len(u) = %d, len(grad) = %d, want %d", len(u), len(grad), o.cfg.N)
	}
	return o.prog.Eval(u, grad)
}

// Spread returns the predicted influence 1ᵀx(T) of a seed set (no penalty:
// binary u has none).
func (o *Influence) Spread(seeds []int) (float64, error) {
	u := make([]float64, o.cfg.N)
	for _, s := range seeds {
		if s < 0 || s >= o.cfg.N {
			return 0, fmt.Errorf("models/nmf: seed %d not in 0..%d", s, o.cfg.N-1)
		}
		u[s] = 1
	}
	return o.prog.Eval(u, nil)
}

// Config returns the resolved configuration.
func (o *Influence) Config() Config { return o.cfg }

// Close releases the compiled program.
func (o *Influence) Close() error { return o.prog.Close() }

var _ train.Objective = (*Influence)(nil)

// Edge is one learned transmission rate A[Src][Dst].
type Edge struct {
	Src, Dst int
	A        float64
}

// Network returns the edges whose learned rate exceeds threshold, in
// (Src, Dst) order. W is stored row-major with W[i][j] the rate i → j (the
// drift is z_j = Σ_i x_i W_ij); with a support graph the rates live on its
// edges.
func (cfg Config) Network(theta []float64, threshold float64) ([]Edge, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	if len(theta) != cfg.NumParams() {
		return nil, fmt.Errorf("models/nmf: θ has %d values, want %d", len(theta), cfg.NumParams())
	}
	W := theta[:cfg.NumA()]
	var es []Edge
	if s := cfg.Support; s != nil {
		for e, w := range W {
			if w > threshold {
				es = append(es, Edge{int(s.Src[e]), int(s.Dst[e]), w})
			}
		}
		slices.SortFunc(es, func(a, b Edge) int {
			if a.Src != b.Src {
				return a.Src - b.Src
			}
			return a.Dst - b.Dst
		})
		return es, nil
	}
	n := cfg.N
	for i := range n {
		for j := range n {
			if w := W[i*n+j]; i != j && w > threshold {
				es = append(es, Edge{i, j, w})
			}
		}
	}
	return es, nil
}
