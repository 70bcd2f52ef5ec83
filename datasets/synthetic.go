package datasets

import (
	"fmt"
	"runtime"
	"strconv"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// SyntheticConfig sets up Synthetic. The zero value is not usable: M and T
// must be positive.
type SyntheticConfig struct {
	// M is the number of cascades (≥ 1).
	M int
	// T is the horizon: activation times 0..T-1 are recorded, later ones
	// censored (≥ 1).
	T int
	// Observed restricts the seed of each cascade to the observed nodes
	// (SLICER §9: "drawn among observed nodes"); nil means all nodes. It is
	// not used when P0 is set.
	Observed []bool
	// P0, when non-nil, replaces the single uniform seed by the stochastic
	// initial condition p̄ (node i active at t = 0 with probability P0[i]),
	// as in SLICER's real-network experiments (p̄_i = 10/N). Length N.
	P0 []float64
	// Seed makes the data reproducible: cascade k draws from the stream
	// (Seed, k) of ic.Simulator.SimulateMany.
	Seed uint64
	// Workers is the number of goroutines (≤ 0: GOMAXPROCS). The result
	// does not depend on it.
	Workers int
}

// Synthetic generates cfg.M cascades of the discrete-time IC model on g with
// per-edge probabilities alpha (edge order of g), following SLICER's
// protocol: each cascade starts from one seed drawn uniformly among the
// observed nodes (or from the stochastic p̄ cfg.P0) and is recorded up to
// the horizon cfg.T. Cascade ids are "0".."M-1". With cfg.P0 a cascade may
// have no active node; it is kept (and written as a declaration line).
// It returns an error, prefixed "datasets: synthetic:", for M < 1, T < 1,
// len(alpha) != E, len(Observed) or len(P0) not N, or no observed node.
func Synthetic(g *graphs.Graph, alpha []float64, cfg SyntheticConfig) (*Cascades, error) {
	switch {
	case cfg.M < 1:
		return nil, fmt.Errorf("datasets: synthetic: M = %d, want ≥ 1", cfg.M)
	case cfg.T < 1:
		return nil, fmt.Errorf("datasets: synthetic: T = %d, want ≥ 1", cfg.T)
	case len(alpha) != g.NumEdges():
		return nil, fmt.Errorf("datasets: synthetic: %d probabilities for %d edges", len(alpha), g.NumEdges())
	case cfg.P0 != nil && len(cfg.P0) != g.N:
		return nil, fmt.Errorf("datasets: synthetic: P0 has %d entries for %d nodes", len(cfg.P0), g.N)
	case cfg.P0 == nil && cfg.Observed != nil && len(cfg.Observed) != g.N:
		return nil, fmt.Errorf("datasets: synthetic: Observed has %d entries for %d nodes", len(cfg.Observed), g.N)
	case g.N > 1<<31-1 || cfg.T > 1<<31-1:
		return nil, fmt.Errorf("datasets: synthetic: graph or horizon too large for int32 storage")
	}
	var init ic.Init
	switch {
	case cfg.P0 != nil:
		init = ic.Stochastic(cfg.P0)
	case cfg.Observed != nil:
		var cand []int
		for i, ok := range cfg.Observed {
			if ok {
				cand = append(cand, i)
			}
		}
		if len(cand) == 0 {
			return nil, fmt.Errorf("datasets: synthetic: no observed node to seed from")
		}
		init = ic.UniformSeed(cand)
	default:
		if g.N == 0 {
			return nil, fmt.Errorf("datasets: synthetic: empty graph")
		}
		init = ic.UniformSeed(nil)
	}

	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, cfg.M))
	// Each worker appends its cascades to its own flat buffers; loc[k]
	// remembers where cascade k went, and the final arrays are laid out in
	// cascade order, so the result ignores the worker count.
	type buf struct {
		node, time []int32
	}
	type place struct{ w, lo, n int }
	bufs := make([]buf, workers)
	loc := make([]place, cfg.M)
	sim := ic.NewSimulator(g, alpha, cfg.T)
	sim.SimulateMany(cfg.M, cfg.Seed, workers, init, func(w, k int, c ic.Cascade) {
		b := &bufs[w]
		loc[k] = place{w, len(b.node), c.Len()}
		b.node = append(b.node, c.Nodes...)
		b.time = append(b.time, c.Times...)
	})

	out := &Cascades{N: g.N, T: cfg.T, IDs: make([]string, cfg.M), Off: make([]int, cfg.M+1)}
	for k, p := range loc {
		out.IDs[k] = strconv.Itoa(k)
		out.Off[k+1] = out.Off[k] + p.n
	}
	out.Node = make([]int32, out.Off[cfg.M])
	out.Time = make([]int32, out.Off[cfg.M])
	var key []uint64
	for k, p := range loc {
		lo, hi := out.Off[k], out.Off[k+1]
		copy(out.Node[lo:hi], bufs[p.w].node[p.lo:p.lo+p.n])
		copy(out.Time[lo:hi], bufs[p.w].time[p.lo:p.lo+p.n])
		key = sortCascade(out.Node[lo:hi], out.Time[lo:hi], key)
	}
	return out, nil
}
