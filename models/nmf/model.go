package nmf

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ode"
)

// EventMode says how the intensity λ_i = g_i(m(t_i)) of an infection at a
// time t_i between grid points is read from the fixed-step solution.
type EventMode int

const (
	// Interp interpolates linearly between the grid values g(m_k) and
	// g(m_{k+1}) around t_i (the default; O(1) per event, differentiable).
	Interp EventMode = iota
	// Nearest uses g(m_k) at the grid point nearest to t_i (ablations).
	Nearest
	// Exact integrates each cascade on its own grid, the uniform grid
	// merged with the cascade's infection times (Config.CascadeGrid), and
	// reads λ_i = g_i(m(t_i)) at its own grid point: the paper's
	// Algorithm 1, which integrates piecewise between events. It costs one
	// more step per distinct infection time and is computed by the plain-Go
	// solvers (solvers/costate: Loss, Discrete; train/nmf with the adjoint
	// gradient), not by the batched gorgonia program, whose rows share one
	// grid.
	Exact
)

var eventModes = []string{"interp", "nearest", "exact"}

// String returns "interp", "nearest" or "exact".
func (e EventMode) String() string { return nameOf(eventModes, e) }

// ParseEventMode parses "interp", "nearest" or "exact".
func ParseEventMode(s string) (EventMode, error) {
	return parseName[EventMode]("event mode", eventModes, s, "")
}

// LossForm selects the terminal term of the negative log-likelihood.
type LossForm int

const (
	// Survival is the exact first-event likelihood of every node's marginal:
	// −log(1 − x_i(T)) for each node not infected by T (the default).
	Survival LossForm = iota
	// Poisson is the paper's eq. 14: the compensator 1ᵀx(T) over all nodes.
	Poisson
)

var lossForms = []string{"survival", "poisson"}

// String returns "survival" or "poisson".
func (l LossForm) String() string { return nameOf(lossForms, l) }

// ParseLossForm parses "survival" or "poisson".
func ParseLossForm(s string) (LossForm, error) {
	return parseName[LossForm]("loss form", lossForms, s, "")
}

// nameOf returns the name of enum value v (its index in names).
func nameOf[T ~int](names []string, v T) string {
	if v >= 0 && int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%d", int(v))
}

// parseName returns the enum value named s.
func parseName[T ~int](kind string, names []string, s, note string) (T, error) {
	for i, n := range names {
		if n == s {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("models/nmf: unknown %s %q (valid: %s%s)", kind, s, strings.Join(names, ", "), note)
}

// Floor is the one floor of the likelihood: log(max(v, Floor)) for every
// intensity λ_i and survival 1 − x_i(T) (the released code's 1e-10).
const Floor = 1e-10

// Config describes an NMF model, its solver and its loss. The zero value of
// every field but N means the documented default (see Resolve).
type Config struct {
	// N is the number of nodes n (required).
	N int
	// Hidden are the hidden widths of ε: sizes [2n, Hidden..., n]. Nil
	// means [n] (2n → n → n, the paper's "three-layer" network).
	Hidden []int
	// EpsSign is the sign s of the correction, +1 or −1. Zero means −1.
	EpsSign float64
	// EpsBias0 is the initial bias of ε's output layer, so that ε starts at
	// sigmoid(EpsBias0). Zero means −4 (ε ≈ 0.018).
	EpsBias0 float64
	// Support, if not nil, restricts A to the edges of a graph on N nodes:
	// one rate per edge i→j (edge order of the CSR) instead of a dense n×n
	// matrix; the drift then costs O(E) per cascade.
	Support *graphs.Graph
	// T is the horizon (required, > 0); Steps the number of equal solver
	// steps on [0, T] (zero means 40) and Method the scheme (zero: Euler;
	// use ode.RK4 for the paper's setting).
	T      float64
	Steps  int
	Method ode.Method
	// Events is the event-time mode (zero: Interp) and Loss the terminal
	// term (zero: Survival).
	Events EventMode
	Loss   LossForm
	// RegA is the coefficient λ_A of the sparsity penalty on A (paper: 0.01
	// at n = 128), RegL1 selects λ_A·Σ A instead of the log-sum
	// λ_A·Σ log(1 + A/δ), and Delta is δ (zero means 0.01).
	RegA  float64
	RegL1 bool
	Delta float64
	// WeightDecay is the coupled L2 coefficient on ε's weights (not its
	// biases): (WeightDecay/2)·‖η‖² is added to the loss, whose gradient is
	// torch's weight_decay term. Zero turns it off.
	WeightDecay float64
	// Unfused builds the reference graph of the field (Net.Field: the
	// drift, ε's layers and element-wise ops, one gorgonia node each)
	// instead of one fused op per evaluation. Both give the same values
	// and gradients to rounding (tested to 1e-12); the fused one is the
	// fast one (docs/BENCHMARKS.md). Not saved in checkpoints.
	Unfused bool `json:"-"`
	// Float32 compiles the programs (Objective, Predictor, Influence) in
	// float32: parameters, states, the fused field ops and the loss, as
	// the paper's PyTorch code computes. Their interfaces stay float64 (θ
	// is rounded to float32 on the way in, the loss and gradient widened
	// on the way out). Results are within a few 1e-6 of float64's where
	// the intensities are away from 0, not where an event's intensity
	// nears 0 (the package documentation). The fused field only: Resolve
	// refuses it with Unfused. Not saved in checkpoints.
	Float32 bool `json:"-"`
}

// Dtype returns the element type the programs compute in: tensor.Float32
// if Float32, else tensor.Float64.
func (cfg Config) Dtype() tensor.Dtype {
	if cfg.Float32 {
		return tensor.Float32
	}
	return tensor.Float64
}

// Resolve returns cfg with defaults filled in, or an error naming the
// invalid field.
func (cfg Config) Resolve() (Config, error) {
	c := cfg
	c.Hidden = slices.Clone(cfg.Hidden)
	if c.Hidden == nil {
		c.Hidden = []int{c.N}
	}
	if c.EpsSign == 0 {
		c.EpsSign = -1
	}
	if c.EpsBias0 == 0 {
		c.EpsBias0 = -4
	}
	if c.Steps == 0 {
		c.Steps = 40
	}
	if c.Delta == 0 {
		c.Delta = 0.01
	}
	bad := func(f string, v any) error { return fmt.Errorf("models/nmf: Config.%s = %v is invalid", f, v) }
	switch {
	case c.N < 1:
		return c, bad("N", c.N)
	case c.EpsSign != 1 && c.EpsSign != -1:
		return c, bad("EpsSign", c.EpsSign)
	case !(c.T > 0) || math.IsInf(c.T, 0):
		return c, bad("T", c.T)
	case c.Steps < 1:
		return c, bad("Steps", c.Steps)
	case c.Method != ode.Euler && c.Method != ode.RK4:
		return c, bad("Method", c.Method)
	case c.Events != Interp && c.Events != Nearest && c.Events != Exact:
		return c, bad("Events", c.Events)
	case c.Loss != Survival && c.Loss != Poisson:
		return c, bad("Loss", c.Loss)
	case !(c.RegA >= 0) || !(c.Delta > 0) || !(c.WeightDecay >= 0) || math.IsNaN(c.EpsBias0):
		return c, errors.New("models/nmf: Config: RegA, WeightDecay must be ≥ 0 and Delta > 0")
	case c.Float32 && c.Unfused:
		return c, errors.New("models/nmf: Config.Float32 needs the fused field; the reference graph (Unfused) is float64 only")
	case c.Support != nil && c.Support.N != c.N:
		return c, fmt.Errorf("models/nmf: Config.Support has %d nodes, want N = %d", c.Support.N, c.N)
	}
	for _, h := range c.Hidden {
		if h < 1 {
			return c, bad("Hidden", c.Hidden)
		}
	}
	return c, nil
}

// Sizes returns ε's layer widths [2n, Hidden..., n].
func (cfg Config) Sizes() []int {
	s := []int{2 * cfg.N}
	s = append(s, cfg.Hidden...)
	return append(s, cfg.N)
}

// NumA returns the number of rate parameters: n² (dense) or E (support).
func (cfg Config) NumA() int {
	if cfg.Support != nil {
		return cfg.Support.NumEdges()
	}
	return cfg.N * cfg.N
}

// Field is one named block of the flat parameter vector θ.
type Field struct {
	Name   string
	Shape  []int
	Offset int
	Size   int
}

// Layout returns the blocks of θ in order: "W" (A, see the package
// documentation), "b", "c", then ε's layers "eps.k.W" (in × out, row-major)
// and "eps.k.b". It is the order of models/nn's registry, so the flat θ is
// the same vector for the gorgonia program and the plain-Go model.
func (cfg Config) Layout() []Field {
	var fs []Field
	off := 0
	add := func(name string, shape ...int) {
		size := 1
		for _, s := range shape {
			size *= s
		}
		fs = append(fs, Field{Name: name, Shape: shape, Offset: off, Size: size})
		off += size
	}
	if cfg.Support != nil {
		add("W", cfg.Support.NumEdges())
	} else {
		add("W", cfg.N, cfg.N)
	}
	add("b", cfg.N)
	add("c", cfg.N)
	sz := cfg.Sizes()
	for k := range len(sz) - 1 {
		add(fmt.Sprintf("eps.%d.W", k), sz[k], sz[k+1])
		add(fmt.Sprintf("eps.%d.b", k), sz[k+1])
	}
	return fs
}

// NumParams returns len(θ).
func (cfg Config) NumParams() int {
	fs := cfg.Layout()
	last := fs[len(fs)-1]
	return last.Offset + last.Size
}

// Init returns an initial θ drawn from rng: rates W ~ U[0, 0.02] (so every
// infected node starts with a positive intensity), b = 0.1, c = 0.5, ε's
// weights Glorot-uniform, its hidden biases 0 and its output bias EpsBias0.
// cfg must be resolved.
func (cfg Config) Init(rng *rand.Rand) []float64 {
	x := make([]float64, cfg.NumParams())
	fs := cfg.Layout()
	for i := range x[:fs[0].Size] {
		x[i] = 0.02 * rng.Float64()
	}
	for i := range cfg.N {
		x[fs[1].Offset+i] = 0.1
		x[fs[2].Offset+i] = 0.5
	}
	sz := cfg.Sizes()
	for k := range len(sz) - 1 {
		w, b := fs[3+2*k], fs[4+2*k]
		a := math.Sqrt(6 / float64(sz[k]+sz[k+1]))
		for i := range w.Size {
			x[w.Offset+i] = a * (2*rng.Float64() - 1)
		}
		if k == len(sz)-2 {
			for i := range b.Size {
				x[b.Offset+i] = cfg.EpsBias0
			}
		}
	}
	return x
}

// Project applies the constraints of θ in place: A ≥ 0 and c ≥ 0 (the
// projection after every optimiser step, as the released code's variable
// constraint).
func (cfg Config) Project(x []float64) {
	fs := cfg.Layout()
	for _, f := range []Field{fs[0], fs[2]} {
		for i := f.Offset; i < f.Offset+f.Size; i++ {
			if x[i] < 0 {
				x[i] = 0
			}
		}
	}
}

// Grid returns the solver grid t_k = k·T/Steps, k = 0..Steps.
func (cfg Config) Grid() []float64 {
	g := make([]float64, cfg.Steps+1)
	for k := range g {
		g[k] = cfg.T * float64(k) / float64(cfg.Steps)
	}
	return g
}

// exactMerge is the distance, relative to the step T/Steps, below which an
// infection time is read at the uniform grid point it falls on rather
// than making a step of its own (a step of length ~1e-12 would add an
// evaluation and nothing else).
const exactMerge = 1e-9

// CascadeGrid returns the time grid cascade c is integrated on: Grid()
// for Interp and Nearest; for Exact the uniform grid merged with c's
// distinct infection times (each time within exactMerge·h of a uniform
// point is read there), sorted. cfg must be resolved and c valid for it.
func (cfg Config) CascadeGrid(c Cascade) []float64 {
	g := cfg.Grid()
	if cfg.Events != Exact || len(c.Times) == 0 {
		return g
	}
	tol := exactMerge * cfg.T / float64(cfg.Steps)
	ts := slices.Clone(c.Times)
	slices.Sort(ts)
	out := make([]float64, 0, len(g)+len(ts))
	j := 0
	for _, t := range g {
		for ; j < len(ts) && ts[j] < t-tol; j++ {
			if last := out[len(out)-1]; ts[j]-last > tol {
				out = append(out, ts[j])
			}
		}
		for ; j < len(ts) && ts[j] <= t+tol; j++ {
		}
		out = append(out, t)
	}
	return out
}

// gridIndex returns the index of the grid point that time t is read at:
// the nearest one (for Exact grids t is on the grid up to exactMerge).
func gridIndex(grid []float64, t float64) int {
	k, _ := slices.BinarySearch(grid, t)
	if k == len(grid) || (k > 0 && t-grid[k-1] < grid[k]-t) {
		k--
	}
	return k
}

// StabilityLimit is the largest h·ρ for which the configured explicit
// scheme is stable on a decaying mode e^{−ρt}: 2 for Euler and ≈ 2.785 for
// RK4 (the real-axis end of their stability regions).
func (cfg Config) StabilityLimit() float64 {
	if cfg.Method == ode.RK4 {
		return 2.785
	}
	return 2
}

// StepStability returns h·ρ for the rates in θ, with h = T/Steps and ρ =
// max_j Σ_i α_ij the largest total in-rate. At node j the mean-field drift
// (1 − x_j)(A x)_j decays x_j's uninfected mass at rate (A x)_j ≤ ρ, so
// when h·ρ exceeds StabilityLimit the solver oscillates there; the clamp
// of x to [0, 1] after every step hides that and can lock the node at 0 or
// 1 for the rest of the horizon. A trained model above the limit should be
// integrated with more steps (spread's nmf commands warn). θ must have
// NumParams entries (it is not checked here).
func (cfg Config) StepStability(theta []float64) float64 {
	in := make([]float64, cfg.N)
	w := theta[:cfg.NumA()]
	if s := cfg.Support; s != nil {
		for e, a := range w {
			in[s.Dst[e]] += a
		}
	} else {
		for i := range cfg.N {
			for j, a := range w[i*cfg.N : (i+1)*cfg.N] {
				in[j] += a
			}
		}
	}
	rho := 0.0
	for _, r := range in {
		rho = max(rho, r)
	}
	return cfg.T / float64(cfg.Steps) * rho
}
