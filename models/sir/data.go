package sir

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/spread-dev/spread/graphs"
)

// Cascade is one SIR cascade on N nodes: the initially infected Sources,
// and per node its infection time Inf[i] and recovery time Rec[i] in
// 0..T−1, or T for "not by T−1" (never infected, or not yet recovered).
type Cascade struct {
	Sources  []int
	Inf, Rec []int
}

// Simulate draws one cascade per entry of sources on g with per-parameter
// infection probabilities lambda (g.NumPairs()) and per-node recovery
// probabilities mu, over slots 0..T−1, in the convention of the package
// documentation. Cascade c uses the PCG stream (seed, c); the coins of a
// step are drawn for infected nodes in index order, their out-edges in
// edge order, then the recovery coin. It returns an error for a value
// outside [0, 1], a bad source or T < 1.
func Simulate(g *graphs.Graph, lambda, mu []float64, sources [][]int, T int, seed uint64) ([]Cascade, error) {
	if err := checkParams(g, lambda, mu); err != nil {
		return nil, err
	}
	if T < 1 {
		return nil, fmt.Errorf("models/sir: horizon T = %d, want ≥ 1", T)
	}
	out := make([]Cascade, len(sources))
	for c, src := range sources {
		rng := rand.New(rand.NewPCG(seed, uint64(c)))
		cs := Cascade{Sources: slices.Clone(src), Inf: make([]int, g.N), Rec: make([]int, g.N)}
		for i := range cs.Inf {
			cs.Inf[i], cs.Rec[i] = T, T
		}
		for _, s := range src {
			if s < 0 || s >= g.N {
				return nil, fmt.Errorf("models/sir: cascade %d: source %d not in 0..%d", c, s, g.N-1)
			}
			cs.Inf[s] = 0
		}
		for t := 1; t < T; t++ {
			for k := range g.N {
				if !(cs.Inf[k] <= t-1 && cs.Rec[k] > t-1) { // infected at t−1
					continue
				}
				for e := g.OutOff[k]; e < g.OutOff[k+1]; e++ {
					j := g.Dst[e]
					if cs.Inf[j] == T && rng.Float64() < lambda[param(g, e)] {
						cs.Inf[j] = t
					}
				}
				if rng.Float64() < mu[k] {
					cs.Rec[k] = t
				}
			}
		}
		out[c] = cs
	}
	return out, nil
}

func param(g *graphs.Graph, e int) int {
	if g.Pair == nil {
		return e
	}
	return g.Pair[e]
}

func checkParams(g *graphs.Graph, lambda, mu []float64) error {
	if len(lambda) != g.NumPairs() || len(mu) != g.N {
		return fmt.Errorf("models/sir: %d λ and %d μ values, want %d and %d", len(lambda), len(mu), g.NumPairs(), g.N)
	}
	for name, xs := range map[string][]float64{"λ": lambda, "μ": mu} {
		for k, x := range xs {
			if !(x >= 0 && x <= 1) {
				return fmt.Errorf("models/sir: %s[%d] = %v is outside [0, 1]", name, k, x)
			}
		}
	}
	return nil
}

// Class holds the cascades of one initial condition (source set).
type Class struct {
	Sources []int
	// M is the number of cascades; Infected[i·(T+1)+τ] counts those in
	// which node i was infected at τ (τ = T: not by T−1).
	M        int
	Infected []float64
}

// Observations are cascades aggregated for the likelihood: by source set,
// and the recovery statistics per node over all cascades (Recovered[i]
// observed recoveries, Stayed[i] observed steps infected without
// recovering).
type Observations struct {
	N, T              int
	Classes           []Class
	Recovered, Stayed []float64
}

// Aggregate groups cascades (on N nodes, horizon T) by source set, in order
// of first appearance. It returns an error for a cascade of another size or
// a time outside 0..T.
func Aggregate(N, T int, cs []Cascade) (*Observations, error) {
	obs := &Observations{N: N, T: T, Recovered: make([]float64, N), Stayed: make([]float64, N)}
	for c, cas := range cs {
		if len(cas.Inf) != N || len(cas.Rec) != N {
			return nil, fmt.Errorf("models/sir: cascade %d has %d nodes, want %d", c, len(cas.Inf), N)
		}
		k := slices.IndexFunc(obs.Classes, func(cl Class) bool { return slices.Equal(cl.Sources, cas.Sources) })
		if k < 0 {
			k = len(obs.Classes)
			obs.Classes = append(obs.Classes, Class{Sources: slices.Clone(cas.Sources), Infected: make([]float64, N*(T+1))})
		}
		cl := &obs.Classes[k]
		cl.M++
		for i, tau := range cas.Inf {
			r := cas.Rec[i]
			if tau < 0 || tau > T || r < 0 || r > T || (tau == T && r != T) || (tau < T && r != T && r <= tau) {
				return nil, fmt.Errorf("models/sir: cascade %d, node %d: infected at %d, recovered at %d (horizon %d)", c, i, tau, r, T)
			}
			cl.Infected[i*(T+1)+tau]++
			switch {
			case tau == T: // never infected: no recovery data
			case r < T:
				obs.Recovered[i]++
				obs.Stayed[i] += float64(r - tau - 1)
			default:
				obs.Stayed[i] += float64(T - 1 - tau)
			}
		}
	}
	return obs, nil
}

// Check returns an error if obs does not fit g.
func (obs *Observations) Check(g *graphs.Graph) error {
	if obs == nil || obs.N != g.N || obs.T < 1 || len(obs.Recovered) != g.N || len(obs.Stayed) != g.N {
		return fmt.Errorf("models/sir: observations do not fit the graph of %d nodes", g.N)
	}
	for c, cl := range obs.Classes {
		if len(cl.Infected) != g.N*(obs.T+1) {
			return fmt.Errorf("models/sir: class %d has %d counts, want %d", c, len(cl.Infected), g.N*(obs.T+1))
		}
		for _, s := range cl.Sources {
			if s < 0 || s >= g.N {
				return fmt.Errorf("models/sir: class %d: source %d not in 0..%d", c, s, g.N-1)
			}
		}
	}
	return nil
}

// finite reports whether every entry of x is in [0, 1].
func inUnit(x []float64) error {
	for k, v := range x {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return fmt.Errorf("models/sir: x[%d] = %v is outside [0, 1]", k, v)
		}
	}
	return nil
}
