package im

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// DMPOracle estimates the IC spread with dynamic message passing: σ_DMP(S)
// = Σ_i p_i(T−1) for the seed set S, the expected number of nodes active by
// slot T−1 of the discrete-time IC model. It is exact on trees (and on any
// graph whose undirected skeleton is a forest) when T exceeds the longest
// path, and an upper bound of the true spread on loopy graphs. It is
// deterministic, so its standard error is 0. Not safe for concurrent use.
type DMPOracle struct {
	*ic.SeedSpread
}

// NewDMPOracle returns the DMP oracle on g with per-edge probabilities p
// (edge order of g; nil means g.Weight) and horizon T ≥ 1. It returns an
// error if p has the wrong length or an entry outside [0, 1].
func NewDMPOracle(g *graphs.Graph, p []float64, T int) (*DMPOracle, error) {
	p, err := edgeProbs(g, p)
	if err != nil {
		return nil, err
	}
	if T < 1 {
		return nil, fmt.Errorf("im: NewDMPOracle: horizon T = %d, want ≥ 1", T)
	}
	return &DMPOracle{ic.NewSeedSpread(g, p, T)}, nil
}

// edgeProbs validates per-edge probabilities (nil: g.Weight).
func edgeProbs(g *graphs.Graph, p []float64) ([]float64, error) {
	if p == nil {
		p = g.Weight
	}
	if len(p) != g.NumEdges() {
		return nil, fmt.Errorf("im: %d edge probabilities for %d edges", len(p), g.NumEdges())
	}
	for e, x := range p {
		if !(x >= 0 && x <= 1) {
			return nil, fmt.Errorf("im: probability of edge %s→%s is %v, want [0,1]", g.ID(g.Src[e]), g.ID(g.Dst[e]), x)
		}
	}
	return p, nil
}

// Selection rules of DMPInfMax.
const (
	// SelectRR (the default) takes the Pool best candidates of the relaxed
	// ascent (by the final u, ties broken by the final gradient ∂σ/∂u) and
	// selects K of them by IMM's greedy maximum coverage of reverse-reachable
	// sets (an unbiased estimate n·F_R(S) of the true spread, with IMM's
	// sample sizes for nc = Pool candidates).
	SelectRR = "rr"
	// SelectRound rounds u to its K largest coordinates and, with Polish > 0,
	// improves the set by swaps scored with the Problem's oracle: the rule
	// of ProjectedGradient and the previous DMP-InfMax. With Polish = 0 it
	// is the NMF-InfMax paper's rule (He et al., NeurIPS 2020, §4).
	SelectRound = "round"
)

// Gradient sources of DMPInfMax.
const (
	// GradAutodiff differentiates σ by reverse-mode autodiff through the DMP
	// gorgonia graph (ic.SpreadObjective), the project's source of truth.
	GradAutodiff = "autodiff"
	// GradAdjoint uses the hand-written reverse sweep (ic.SpreadAdjoint),
	// tested equal to autodiff and an order of magnitude faster.
	GradAdjoint = "adjoint"
)

// DMPOptions configures NewDMPInfMaxWith. A nil *DMPOptions means the zero
// value; a zero field means its documented default.
type DMPOptions struct {
	// Gradient is GradAutodiff or GradAdjoint. Empty means GradAutodiff.
	Gradient string
	// Workers is the number of goroutines of the adjoint's sweeps. Zero
	// means runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
}

// DMPInfMax is gradient influence maximisation through DMP: it relaxes the
// seed indicator to u on the capped simplex {u ∈ [0,1]^N, Σu = K} and
// maximises the DMP spread σ(u) = Σ_i p_i(T−1; p̄ = u) by projected gradient
// ascent (the embedded ProjectedGradient) with the gradient through the DMP
// model (autodiff, or the equal hand-written adjoint). Selection then turns
// u into K seeds:
//
//   - SelectRR (default): the ascent is a candidate generator. The Pool
//     best candidates (by u, ties by ∂σ/∂u at the final u, then index) go
//     to IMM (the IMM field's ε and ℓ) on the IC model with the same
//     probabilities, which picks K of them by greedy maximum coverage of
//     RR sets; that is CELF on the RR-set oracle n·F_R(S), an unbiased
//     estimate of the true spread. On loopy graphs DMP counts activation
//     echoing around short cycles, so its optimum favours dense clusters
//     whose nodes share their reach; the coverage estimate does not double
//     count, and the ascent keeps the search to a few hundred nodes (IMM's
//     sample size falls with ln C(Pool, K)). Result.Spread is n·F_R(S).
//   - SelectRound: the previous rule (ProjectedGradient's rounding and
//     optional Polish with the Problem's oracle, a DMPOracle when the
//     Problem has none).
//
// Result.Relaxed is the final u; Result.Status the ascent's status. Close
// releases the compiled graph.
type DMPInfMax struct {
	ProjectedGradient
	// Selection is SelectRR or SelectRound. Empty means SelectRR.
	Selection string
	// Pool is the number of candidates SelectRR passes to IMM. Zero means
	// DefaultDMPPool(K); it is capped at the number of candidates.
	Pool int
	// IMM holds the ε and ℓ of SelectRR's final selection (zero fields mean
	// IMM's defaults).
	IMM IMM

	g     *graphs.Graph
	p     []float64
	model *ic.Model
	close func() error
}

// DefaultDMPPool returns the default candidate pool of SelectRR, 4K + 50.
func DefaultDMPPool(K int) int { return 4*K + 50 }

// NewDMPInfMax builds the method on g with per-edge probabilities p (nil
// means g.Weight), horizon T and autodiff gradients: NewDMPInfMaxWith with
// nil options.
func NewDMPInfMax(g *graphs.Graph, p []float64, T int) (*DMPInfMax, error) {
	return NewDMPInfMaxWith(g, p, T, nil)
}

// NewDMPInfMaxWith builds the method on g with per-edge probabilities p (nil
// means g.Weight), horizon T and options opt (nil: defaults). For an
// undirected graph the two directions of an edge must carry the same
// probability (the DMP parameters are tied). The embedded
// ProjectedGradient's settings (Step, Iterations, Polish, ...) and
// Selection, Pool and IMM may be changed before Run; its Objective is set
// here. It returns an error for bad probabilities, T < 1 or an unknown
// Gradient.
func NewDMPInfMaxWith(g *graphs.Graph, p []float64, T int, opt *DMPOptions) (*DMPInfMax, error) {
	var o DMPOptions
	if opt != nil {
		o = *opt
	}
	p, err := edgeProbs(g, p)
	if err != nil {
		return nil, err
	}
	theta, err := g.TieEdgeValues(p, "probabilities")
	if err != nil {
		return nil, fmt.Errorf("im: NewDMPInfMax: %w", err)
	}
	model, err := ic.NewModel(g, p)
	if err != nil {
		return nil, fmt.Errorf("im: NewDMPInfMax: %w", err)
	}
	m := &DMPInfMax{g: g, p: p, model: model}
	switch o.Gradient {
	case "", GradAutodiff:
		obj, err := ic.NewSpreadObjective(g, theta, T)
		if err != nil {
			return nil, fmt.Errorf("im: NewDMPInfMax: %w", err)
		}
		m.Objective, m.close = obj, obj.Close
	case GradAdjoint:
		w := o.Workers
		if w <= 0 {
			w = runtime.GOMAXPROCS(0)
		}
		obj, err := ic.NewSpreadAdjoint(g, theta, T, w)
		if err != nil {
			return nil, fmt.Errorf("im: NewDMPInfMax: %w", err)
		}
		m.Objective, m.close = obj, func() error { return nil }
	default:
		return nil, fmt.Errorf("im: NewDMPInfMax: Gradient %q, want %q or %q", o.Gradient, GradAutodiff, GradAdjoint)
	}
	return m, nil
}

// Close releases the compiled autodiff graph.
func (m *DMPInfMax) Close() error { return m.close() }

// Run implements Method.
func (m *DMPInfMax) Run(p *Problem, s *Settings) (*Result, error) {
	if p.N != m.g.N {
		return nil, fmt.Errorf("im: DMPInfMax: Problem.N = %d, the graph has %d nodes", p.N, m.g.N)
	}
	switch m.Selection {
	case SelectRound:
		return m.ProjectedGradient.Run(p, s)
	case "", SelectRR:
	default:
		return nil, fmt.Errorf("im: DMPInfMax: Selection %q, want %q or %q", m.Selection, SelectRR, SelectRound)
	}
	st, err := m.ascend(p, s, false)
	if err != nil {
		return nil, err
	}
	pool := m.Pool
	if pool <= 0 {
		pool = DefaultDMPPool(p.K)
	}
	pool = max(p.K, min(pool, len(st.cand)))
	order := rankRelaxed(st.cand, st.u, st.grad)
	imm := m.IMM
	res, err := imm.Run(&Problem{Model: m.model, N: p.N, K: p.K, Candidates: order[:pool]}, s)
	if err != nil {
		return nil, fmt.Errorf("im: DMPInfMax: %w", err)
	}
	res.Relaxed = slices.Clone(st.u)
	res.Status = st.status
	res.Stats.Iterations = st.iters
	res.Stats.Evaluations = st.iters + 1
	return res, nil
}
