package slicer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// Optimisation methods accepted in Config.Method.
const (
	// MethodSPG is the spectral projected gradient method
	// with a monotone Armijo line search (train.SPG) on the box
	// [SPGMargin, 1−SPGMargin]: every accepted step raises O, the step
	// adapts to the data (no learning rate), and it stops when the
	// projected gradient has fallen to GradTol times its initial value.
	MethodSPG = "spg"
	// MethodPQN, the default, is the projected limited-memory quasi-Newton
	// method (L-BFGS metric on the free coordinates) with
	// a monotone Armijo search along the projection arc (train.PQN) on the
	// same box: monotone like spg, and much faster where hidden nodes or
	// loops make the problem ill-conditioned.
	MethodPQN = "pqn"
	// MethodPaper is the original code's projected gradient ascent
	// (docs/SLICER.md §2): α ← α + ε_k·∂O/∂α with per-coordinate step
	// halving into (0, 1), the 1/√ decay after K0 iterations and the
	// relative-change stop. MethodAscent is its older name.
	MethodPaper  = "paper"
	MethodAscent = "ascent"
	// MethodAdam is train/optim's Adam, maximising, with the box
	// [AdamMargin, 1−AdamMargin].
	MethodAdam = "adam"
)

// Defaults. DefaultConfig uses them; the zero Config resolves to them where
// noted in the field comments.
const (
	// DefaultLRDivisor is the empirical constant 80 of the original code's
	// ascent rate ε₀ = N/(M·T_code·80) (examples/slicer.jl).
	DefaultLRDivisor = 80
	// DefaultK0 is the number of iterations at the constant rate before the
	// 1/√ decay (examples/slicer.jl: iter_threshold = 400).
	DefaultK0 = 400
	// DefaultAdamLR is Adam's base learning rate η₀, chosen by measurement
	// (see the package documentation): on 3-regular trees (N = 20) and
	// random 3-regular graphs (N = 30) with T = 4, M = 10³ and 10⁴ and 0 or
	// 25% hidden nodes, 0.03 and 0.05 end within a few units of the best
	// objective found in 3000 iterations; 0.01 stops up to 5 units short.
	DefaultAdamLR = 0.03
	// AdamMargin keeps adam inside the box [AdamMargin, 1−AdamMargin]. With
	// the closed box [0, 1] (or margins of 1e-9 and 1e-6), adam with
	// η₀ ≥ 0.03 often parked edges on the boundary, where floored µ terms
	// (ic.MuFloor) have zero gradient, and stopped hundreds to thousands of
	// units below the optimum; with 1e-4 no such case was seen.
	AdamMargin = 1e-4
	// DefaultAdamPatience is the default Patience of adam. With Patience 1,
	// a step at a turning point of adam's oscillation passed the 1e-6 test
	// and stopped runs up to hundreds of units below the optimum; 10 removed
	// those stops at a cost of about 30% more iterations.
	DefaultAdamPatience = 10
	// SPGMargin keeps spg inside [SPGMargin, 1−SPGMargin], for the reason
	// AdamMargin gives: on the boundary, floored µ terms have zero gradient.
	SPGMargin = 1e-4
	// DefaultGradTol is spg's stopping tolerance: the projected-gradient
	// norm relative to its value at the start of the stage.
	DefaultGradTol = 1e-5
	// DefaultSPGTol is spg's relative-change safeguard (Tol with Patience
	// DefaultSPGPatience): a stage whose objective changes by less than
	// 1e-12 relative for 10 accepted steps is converged even if the
	// projected gradient has not reached GradTol (flat directions).
	DefaultSPGTol      = 1e-12
	DefaultSPGPatience = 10
	// DefaultInit is the initial α of every edge (paper: "unless stated
	// otherwise, SLICER is initialised at α = 0.5").
	DefaultInit = 0.5
	// DefaultMaxIters is the iteration limit per stage (examples/slicer.jl).
	DefaultMaxIters = 1000
	// DefaultTol is the relative-change stopping tolerance on O
	// (examples/slicer.jl: threshold = 1e-6).
	DefaultTol = 1e-6
	// DefaultPerturb is δ of the replica continuation (our choice inside the
	// 0.01–0.1 range of docs/SLICER.md §4). On 4×4 and 5×5 lattices with
	// T = 6 and 10 and M = 10⁴, δ = 0.01 let ascent stop stage 2 within
	// about 20 iterations with no gain (the near-symmetric start has a tiny
	// gradient), while δ = 0.05 and 0.2 gained 1–2% of |O| at T = 10; adam
	// gained about as much for all three values.
	DefaultPerturb = 0.05
	// PerturbClip keeps perturbed parameters inside the open interval:
	// they are clipped to [PerturbClip, 1 − PerturbClip].
	PerturbClip = 1e-6
)

// Config holds every setting of a SLICER run. Each field's comment doubles as
// the help text of the command-line flag of the same name. Use DefaultConfig
// for the paper's values; in the zero Config every field takes the value its
// comment gives for zero.
type Config struct {
	// Method is the update rule: "pqn" (projected quasi-Newton with a
	// monotone line search: converges, no learning rate), "spg" (spectral
	// projected gradient, likewise monotone), "paper" (the
	// original code's projected gradient ascent with step halving; also
	// "ascent") or "adam" (Adam, projected onto [AdamMargin,
	// 1−AdamMargin]). Empty means "pqn".
	Method string `json:"method"`
	// Grad is the gradient source: "autodiff" (reverse mode through the DMP
	// built as a gorgonia graph, models/ic GraphObjective, or Autodiff when
	// set: the source of truth) or "adjoint" (the hand-written SLICER
	// adjoint of solvers/adjoint, a verified reference and opt-in fast
	// path). Empty means "autodiff".
	Grad string `json:"grad"`
	// Autodiff, if not nil, builds the gradient source used when Grad is
	// "autodiff" instead of models/ic's GraphObjective (a model variant or
	// a test hook). It is not part of the saved configuration.
	Autodiff ObjectiveFactory `json:"-"`
	// LR is the base learning rate: ε₀ for "paper", η₀ for "adam" (spg
	// has none: it must be zero). Zero means ε₀ = N/(M·T_code·LRDivisor)
	// for paper (M the total number of cascades, T_code = T+1) and
	// DefaultAdamLR = 0.03 for adam.
	LR float64 `json:"lr"`
	// LRDivisor is the constant of the automatic ascent rate (see LR). Zero
	// means 80, the original code's empirical value.
	LRDivisor float64 `json:"lr_divisor"`
	// K0 is the number of iterations at the base rate before the decay
	// ε_k = ε₀/√(k+1−K0), for both methods. Zero means the decay starts at
	// once; a negative value turns the decay off. Paper code: 400.
	K0 int `json:"k0"`
	// Init is the initial α of every edge and replica, in (0, 1). Zero means
	// 0.5.
	Init float64 `json:"init"`
	// InitFit replaces Init by the fitted constant of FitConstant (the
	// one-parameter maximum-likelihood α, without the prior) before stage 1.
	InitFit bool `json:"init_fit,omitempty"`
	// MaxIters is the iteration limit of each stage. Zero means 1000.
	MaxIters int `json:"max_iters"`
	// Tol stops a stage when |O_{k+1} − O_k| ≤ Tol·|O_k| (on Patience
	// consecutive iterations). Zero stops only on an exactly unchanged
	// objective. Paper code: 1e-6; spg: DefaultSPGTol, a safeguard behind
	// GradTol.
	Tol float64 `json:"tol"`
	// GradTol (pqn and spg) stops a stage when the projected-gradient norm
	// ‖P(α + ∇O) − α‖∞ has fallen to GradTol times its value at the
	// stage's start. Zero means DefaultGradTol.
	GradTol float64 `json:"grad_tol"`
	// Patience is the number of consecutive iterations on which the Tol
	// test must hold before a stage stops. Zero means 1 for ascent (the
	// original rule) and DefaultAdamPatience for adam, whose oscillating
	// objective can change by less than Tol on a single step long before
	// it has converged.
	Patience int `json:"patience"`
	// Replicas is the number R of replicas of the mixture model (paper §5.2);
	// R > 1 learns R = 1, 2, …, R in turn by continuation. Zero means 1.
	Replicas int `json:"replicas"`
	// Perturb is δ of the replica continuation: every parameter of the
	// starting point of stage r ≥ 2 is moved by δ·U[−1, 1] and clipped to
	// [PerturbClip, 1−PerturbClip]. Zero means no perturbation (the
	// duplicated replica then stays identical to its original).
	Perturb float64 `json:"perturb"`
	// Seed seeds the replica perturbations (stage r uses the PCG stream
	// (Seed, r)). Nothing else is random.
	Seed uint64 `json:"seed"`
	// Checkpoint is the path of the checkpoint file, written atomically
	// every CheckpointEvery iterations and at the end of every stage. Empty
	// means no checkpoints.
	Checkpoint string `json:"checkpoint"`
	// CheckpointEvery is the checkpoint interval in iterations. Zero means
	// only at the end of each stage.
	CheckpointEvery int `json:"checkpoint_every"`
	// Prior is the prior on α (package documentation, "Priors and MAP
	// estimation"): Learn maximises O(α) + log p(α) instead of O(α). The
	// zero Prior is none (maximum likelihood).
	Prior Prior `json:"prior,omitzero"`
	// Workers is the number of goroutines of the gradient. Zero means
	// GOMAXPROCS. Results do not depend on it.
	Workers int `json:"workers"`
}

// DefaultConfig returns the default settings: pqn from α = 0.5, stopping
// when the projected gradient falls to 1e-5 of its start (or after 1000
// iterations), autodiff gradient, one replica, and δ = 0.05 for mixtures.
func DefaultConfig() Config {
	return Config{
		Method:   MethodPQN,
		Grad:     GradAutodiff,
		Init:     DefaultInit,
		MaxIters: DefaultMaxIters,
		Tol:      DefaultSPGTol,
		Patience: DefaultSPGPatience,
		GradTol:  DefaultGradTol,
		Replicas: 1,
		Perturb:  DefaultPerturb,
	}
}

// PaperConfig returns the settings of the paper's code (examples/slicer.jl,
// docs/SLICER.md §2): the "paper" ascent from α = 0.5 with ε₀ =
// N/(M·T_code·80), constant for 400 iterations then 1/√ decay, relative
// tolerance 1e-6, at most 1000 iterations; autodiff gradient, one replica,
// δ = 0.05 for mixtures.
func PaperConfig() Config {
	return Config{
		Method:    MethodPaper,
		Grad:      GradAutodiff,
		LRDivisor: DefaultLRDivisor,
		K0:        DefaultK0,
		Init:      DefaultInit,
		MaxIters:  DefaultMaxIters,
		Tol:       DefaultTol,
		Replicas:  1,
		Perturb:   DefaultPerturb,
	}
}

// resolve fills the zero fields, computes the base rate from the data and
// validates the result.
func (c Config) resolve(g *graphs.Graph, obs *ic.Observations) (Config, error) {
	train.Default(&c.Method, MethodPQN)
	if c.Method == MethodAscent {
		c.Method = MethodPaper
	}
	train.Default(&c.Grad, GradAutodiff)
	train.Default(&c.LRDivisor, DefaultLRDivisor)
	train.Default(&c.Init, DefaultInit)
	train.Default(&c.MaxIters, DefaultMaxIters)
	train.Default(&c.Replicas, 1)
	if c.Patience == 0 {
		switch c.Method {
		case MethodAdam:
			c.Patience = DefaultAdamPatience
		case MethodSPG, MethodPQN:
			c.Patience = DefaultSPGPatience
		default:
			c.Patience = 1
		}
	}
	if c.GradTol == 0 && (c.Method == MethodSPG || c.Method == MethodPQN) {
		c.GradTol = DefaultGradTol
	}
	bad := func(format string, args ...any) (Config, error) {
		return c, fmt.Errorf("slicer: config: "+format, args...)
	}
	lineSearch := c.Method == MethodSPG || c.Method == MethodPQN
	if !lineSearch && c.Method != MethodPaper && c.Method != MethodAdam {
		return bad("unknown Method %q (want %q, %q, %q or %q)", c.Method, MethodPQN, MethodSPG, MethodPaper, MethodAdam)
	}
	if lineSearch && c.LR != 0 {
		return bad("LR = %v, but %s has no learning rate (its step is chosen by the line search)", c.LR, c.Method)
	}
	if !(c.GradTol >= 0) || math.IsInf(c.GradTol, 1) {
		return bad("GradTol = %v, want a finite GradTol ≥ 0", c.GradTol)
	}
	if !(c.Init > 0 && c.Init < 1) {
		return bad("Init = %v, want 0 < Init < 1", c.Init)
	}
	if c.Grad != GradAdjoint && c.Grad != GradAutodiff {
		return bad("unknown Grad %q (want %q or %q)", c.Grad, GradAdjoint, GradAutodiff)
	}
	switch {
	case !(c.LR >= 0) || math.IsInf(c.LR, 1):
		return bad("LR = %v, want a finite LR ≥ 0", c.LR)
	case !(c.LRDivisor > 0) || math.IsInf(c.LRDivisor, 1):
		return bad("LRDivisor = %v, want a finite LRDivisor > 0", c.LRDivisor)
	case c.MaxIters < 0:
		return bad("MaxIters = %d, want ≥ 0", c.MaxIters)
	case !(c.Tol >= 0) || math.IsInf(c.Tol, 1):
		return bad("Tol = %v, want a finite Tol ≥ 0", c.Tol)
	case c.Patience < 0:
		return bad("Patience = %d, want ≥ 1", c.Patience)
	case c.Replicas < 0:
		return bad("Replicas = %d, want ≥ 1", c.Replicas)
	case !(c.Perturb >= 0 && c.Perturb <= 1):
		return bad("Perturb = %v, want 0 ≤ Perturb ≤ 1", c.Perturb)
	case c.CheckpointEvery < 0:
		return bad("CheckpointEvery = %d, want ≥ 0", c.CheckpointEvery)
	}
	if err := c.Prior.Validate(); err != nil {
		return c, fmt.Errorf("slicer: config: %w", err)
	}
	if c.Prior.Kind == PriorNone {
		c.Prior.Kind = ""
	}
	if c.LR == 0 {
		switch c.Method {
		case MethodPaper:
			M := 0
			for s := range obs.Classes {
				M += obs.Classes[s].M
			}
			if M <= 0 {
				return bad("the observations hold no cascade (M = 0), so ε₀ = N/(M·T_code·%v) is undefined; set LR", c.LRDivisor)
			}
			c.LR = float64(g.N) / (float64(M) * float64(obs.T+1) * c.LRDivisor)
		case MethodAdam:
			c.LR = DefaultAdamLR
		}
	}
	return c, nil
}

// hashedConfig lists the settings that determine the iterates. Checkpoint
// paths, the interval and the worker count do not.
type hashedConfig struct {
	Method, Grad string
	LR           float64
	K0           int
	Init         float64
	InitFit      bool `json:",omitempty"`
	MaxIters     int
	Tol, GradTol float64
	Patience     int
	Replicas     int
	Perturb      float64
	Seed         uint64
	Prior        Prior `json:",omitzero"`
}

// hash returns a hex SHA-256 of the resolved settings that determine the
// iterates.
func (c *Config) hash() string {
	b, err := json.Marshal(hashedConfig{
		Method: c.Method, Grad: c.Grad, LR: c.LR, K0: c.K0, Init: c.Init, InitFit: c.InitFit,
		MaxIters: c.MaxIters, Tol: c.Tol, GradTol: c.GradTol, Patience: c.Patience, Replicas: c.Replicas, Perturb: c.Perturb, Seed: c.Seed,
		Prior: c.Prior,
	})
	if err != nil { // only finite floats reach here
		panic("slicer: hash config: " + err.Error())
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
