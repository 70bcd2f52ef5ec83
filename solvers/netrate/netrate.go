package netrate

import (
	"errors"
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/cic"
)

// Defaults of the Settings fields.
const (
	DefaultMaxIter = 100
	DefaultTol     = 1e-10
)

// Settings configures Infer. A nil *Settings means the zero value; every
// zero field means its documented default.
type Settings struct {
	// Delay is the transmission model: cic.Exponential() (the zero value)
	// or cic.Rayleigh(). Weibull has no likelihood linear in a rate and is
	// refused.
	Delay cic.Delay
	// Threshold keeps the edges with α_ji ≥ Threshold in the result (the
	// NMF paper uses 0.01). Zero keeps every positive rate.
	Threshold float64
	// MaxIter bounds the Newton iterations per node. Zero means
	// DefaultMaxIter.
	MaxIter int
	// Tol stops a node's iterations when the decrease of its objective is
	// at most Tol·(1 + |f|) and every coordinate satisfies the optimality
	// conditions to Tol relative to the gradient scale. Zero means
	// DefaultTol.
	Tol float64
	// Workers is the number of goroutines over nodes. Zero means
	// runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int
}

// Stats counts the work of Infer.
type Stats struct {
	// Nodes is the number of per-node problems with at least one variable.
	Nodes int
	// Variables is the total number of candidate rates (pairs j, i with t_j
	// < t_i in some cascade).
	Variables int
	// Iterations is the total number of Newton iterations, and
	// IterationLimit the number of nodes stopped by MaxIter.
	Iterations     int
	IterationLimit int
	// LogLik is the maximised log-likelihood, −Σ_i f_i(α_{·i}).
	LogLik float64
	// Runtime is the wall-clock time of Infer.
	Runtime time.Duration
}

// Result is the inferred network.
type Result struct {
	// Graph holds the edges j→i with α_ji ≥ Settings.Threshold (and > 0),
	// on the nodes 0..n−1 of the cascades, in CSR order.
	Graph *graphs.Graph
	// Params holds α in Graph's edge order (Params.A).
	Params cic.Params
	Stats  Stats
}

// Infer estimates the transmission rates α_ji of the continuous-time
// independent cascade model from the cascades c on n nodes by NetRate's
// maximum likelihood (Gomez-Rodriguez, Balduzzi & Schölkopf, ICML 2011):
// one convex problem per target node i (NewNodeProblem), each solved by
// projected Newton, in parallel over nodes. The result does not depend on
// Settings.Workers. It returns an error for n < c.N, an unsupported delay
// family or an invalid setting.
func Infer(c *datasets.TimedCascades, n int, s *Settings) (*Result, error) {
	start := time.Now()
	var set Settings
	if s != nil {
		set = *s
	}
	if err := checkDelay(set.Delay); err != nil {
		return nil, err
	}
	switch {
	case n < c.N || n < 1:
		return nil, fmt.Errorf("netrate: n = %d nodes for cascades on %d nodes", n, c.N)
	case math.IsInf(c.T, 0) || math.IsNaN(c.T):
		return nil, fmt.Errorf("netrate: horizon T = %v, want finite", c.T)
	case set.MaxIter < 0:
		return nil, fmt.Errorf("netrate: MaxIter = %d", set.MaxIter)
	case !(set.Tol >= 0) || math.IsInf(set.Tol, 0):
		return nil, fmt.Errorf("netrate: Tol = %v", set.Tol)
	case !(set.Threshold >= 0) || math.IsInf(set.Threshold, 0):
		return nil, fmt.Errorf("netrate: Threshold = %v", set.Threshold)
	}
	train.Default(&set.MaxIter, DefaultMaxIter)
	train.Default(&set.Tol, DefaultTol)
	idx := newIndex(c, n, set.Delay)
	type nodeOut struct {
		cand  []int32
		alpha []float64
		iters int
		limit bool
		f     float64
		err   error
	}
	outs := make([]nodeOut, n)
	workers := set.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var sc scratch
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				p := idx.problem(i)
				o := &outs[i]
				o.cand = p.Cand
				if len(p.Cand) == 0 {
					continue
				}
				x, st, err := p.solve(set.MaxIter, set.Tol, &sc)
				o.alpha, o.iters, o.limit, o.f, o.err = x, st.iters, st.limit, st.f, err
			}
		})
	}
	wg.Wait()
	var src, dst []int
	var w []float64
	res := &Result{}
	for i := range outs {
		o := &outs[i]
		if o.err != nil {
			return nil, fmt.Errorf("netrate: node %d: %w", i, o.err)
		}
		if len(o.cand) == 0 {
			continue
		}
		res.Stats.Nodes++
		res.Stats.Variables += len(o.cand)
		res.Stats.Iterations += o.iters
		res.Stats.LogLik -= o.f
		if o.limit {
			res.Stats.IterationLimit++
		}
		for k, j := range o.cand {
			if a := o.alpha[k]; a > 0 && a >= set.Threshold {
				src, dst, w = append(src, int(j)), append(dst, i), append(w, a)
			}
		}
	}
	g, _, err := graphs.FromEdges(n, src, dst, w, graphs.BuildOptions{})
	if err != nil {
		return nil, fmt.Errorf("netrate: %w", err)
	}
	res.Graph = g
	res.Params = cic.Params{A: g.Weight}
	res.Stats.Runtime = time.Since(start)
	return res, nil
}

func checkDelay(d cic.Delay) error {
	if d != cic.Exponential() && d != cic.Rayleigh() {
		return fmt.Errorf("netrate: delay family %v has no NetRate likelihood (want exp or rayleigh)", d)
	}
	return nil
}

// ErrNoFinitePoint is returned when a node's objective is not finite at its
// starting point (a log term with no positive coefficient).
var ErrNoFinitePoint = errors.New("netrate: objective not finite at the starting point")
