package im

import (
	"fmt"

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
	dmp   *ic.DMP
	alpha []float64
	p0    []float64
	t     int
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
	return &DMPOracle{dmp: ic.NewDMP(g), alpha: p, p0: make([]float64, g.N), t: T}, nil
}

// Spread implements Oracle.
func (o *DMPOracle) Spread(seeds []int) (mean, stderr float64) {
	clear(o.p0)
	for _, s := range seeds {
		o.p0[s] = 1
	}
	o.dmp.Forward(o.alpha, o.p0, o.t)
	for _, x := range o.dmp.Marginals(o.t - 1) {
		mean += x
	}
	return mean, 0
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

// DMPInfMax is gradient influence maximisation through DMP: it relaxes the
// seed indicator to u on the capped simplex {u ∈ [0,1]^N, Σu = K}, maximises
// the DMP spread σ(u) = Σ_i p_i(T−1; p̄ = u) by projected gradient ascent with
// the gradient from autodiff through the DMP gorgonia graph
// (ic.SpreadObjective), rounds to the K largest coordinates and, with
// Polish > 0, improves the set by swaps scored with the problem's oracle (a
// DMPOracle when the Problem has none). Close releases the compiled graph.
type DMPInfMax struct {
	ProjectedGradient
	obj *ic.SpreadObjective
}

// NewDMPInfMax builds the method on g with per-edge probabilities p (nil
// means g.Weight) and horizon T. For an undirected graph the two directions
// of an edge must carry the same probability (the DMP parameters are tied).
// The embedded ProjectedGradient's settings (Step, Iterations, Polish, ...)
// may be changed before Run; its Objective is set here.
func NewDMPInfMax(g *graphs.Graph, p []float64, T int) (*DMPInfMax, error) {
	p, err := edgeProbs(g, p)
	if err != nil {
		return nil, err
	}
	theta, err := g.TieEdgeValues(p, "probabilities")
	if err != nil {
		return nil, fmt.Errorf("im: NewDMPInfMax: %w", err)
	}
	obj, err := ic.NewSpreadObjective(g, theta, T)
	if err != nil {
		return nil, fmt.Errorf("im: NewDMPInfMax: %w", err)
	}
	m := &DMPInfMax{obj: obj}
	m.ProjectedGradient.Objective = obj
	return m, nil
}

// Close releases the compiled autodiff graph.
func (m *DMPInfMax) Close() error { return m.obj.Close() }
