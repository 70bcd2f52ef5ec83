package experiments

import (
	"context"
	"errors"
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"
	"math/rand/v2"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
	"github.com/spread-dev/spread/solvers/dmprec"
	"github.com/spread-dev/spread/train/slicer"
)

// Topology names of the synthetic experiments (paper §4.2).
const (
	TopoTree    = "tree"    // regular tree of degree 3 (graphs.RegularTree(n, 3))
	TopoSFTree  = "sftree"  // scale-free tree (Barabási–Albert, m = 1)
	TopoRRG     = "rrg"     // random 3-regular graph
	TopoER      = "er"      // Erdős–Rényi graph of mean degree 3
	TopoLattice = "lattice" // open square lattice, side √n
)

// topoLabel is the legend label of a topology.
func topoLabel(topo string) string {
	switch topo {
	case TopoTree:
		return "regular tree d=3"
	case TopoSFTree:
		return "scale-free tree"
	case TopoRRG:
		return "RRG d=3"
	case TopoER:
		return "ER <k>=3"
	case TopoLattice:
		return "square lattice"
	}
	return topo
}

// makeGraph builds topology topo on n nodes; seed is used by the random
// topologies.
func makeGraph(topo string, n int, seed uint64) (*graphs.Graph, error) {
	switch topo {
	case TopoTree:
		return graphs.RegularTree(n, 3)
	case TopoSFTree:
		return graphs.ScaleFreeTree(n, seed)
	case TopoRRG:
		return graphs.RandomRegular(n, 3, seed)
	case TopoER:
		return graphs.ErdosRenyi(n, 3, seed)
	case TopoLattice:
		side := int(math.Round(math.Sqrt(float64(n))))
		if side*side != n {
			return nil, fmt.Errorf("experiments: lattice needs a square number of nodes, got %d", n)
		}
		return graphs.SquareLattice(side, false)
	}
	return nil, fmt.Errorf("experiments: unknown topology %q (want tree, sftree, rrg, er or lattice)", topo)
}

// drawAlpha returns P probabilities drawn independently from U[0, 1] with
// the PCG stream seed (paper §4: α* ~ U[0, 1] per edge).
func drawAlpha(P int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	a := make([]float64, P)
	for i := range a {
		a[i] = rng.Float64()
	}
	return a
}

// hiddenMask returns the observed mask with round(ξ·n) hidden nodes drawn
// from seed, or nil (all observed) when none is hidden.
func hiddenMask(n int, xi float64, seed uint64) []bool {
	h := int(math.Round(xi * float64(n)))
	if h <= 0 {
		return nil
	}
	return datasets.RandomObserved(n, h, seed)
}

// simulateCounts simulates M cascades of the IC model on g (per-edge
// probabilities alpha, horizon T) and returns SLICER's count tables, without
// storing the cascades. With p0 == nil every cascade starts from one seed
// drawn uniformly among the observed nodes (ic.UniformSeed; paper §9) and
// the cascades are grouped by seed node, classes in increasing seed order;
// otherwise all cascades start from the stochastic initial condition p0 and
// form one class. Cascade k is the k-th cascade of
// datasets.Synthetic(g, alpha, {M, T, observed, p0, seed}), and the result
// equals datasets.Counts of those cascades (tested), so the first M' < M
// cascades of a seed are the M' cascades of the same seed.
//
// Counts are exact integers summed over workers, so the result does not
// depend on workers. Memory is O(N²·T) per worker for seed classes and
// O(N·T) for one stochastic class.
func simulateCounts(g *graphs.Graph, alpha []float64, T, M int, observed []bool, p0 []float64, seed uint64, workers int) *ic.Observations {
	N := g.N
	var init ic.Init
	classes := N
	if p0 != nil {
		init = ic.Stochastic(p0)
		classes = 1
	} else {
		var cand []int
		if observed != nil {
			for i, o := range observed {
				if o {
					cand = append(cand, i)
				}
			}
		}
		init = ic.UniformSeed(cand)
	}
	if workers <= 0 {
		workers = 1
	}
	workers = min(workers, M)
	type acc struct {
		act []int64 // [class][node][τ < T]
		m   []int64 // cascades per class
	}
	accs := make([]acc, workers)
	for w := range accs {
		accs[w] = acc{act: make([]int64, classes*N*T), m: make([]int64, classes)}
	}
	sim := ic.NewSimulator(g, alpha, T)
	sim.SimulateMany(M, seed, workers, init, func(w, _ int, c ic.Cascade) {
		a := &accs[w]
		s := 0
		if p0 == nil {
			s = int(c.Nodes[0])
		}
		a.m[s]++
		base := s * N * T
		for k, v := range c.Nodes {
			a.act[base+int(v)*T+int(c.Times[k])]++
		}
	})
	act, m := accs[0].act, accs[0].m
	for w := 1; w < workers; w++ {
		for i, x := range accs[w].act {
			act[i] += x
		}
		for i, x := range accs[w].m {
			m[i] += x
		}
	}
	obs := &ic.Observations{N: N, T: T}
	if observed != nil {
		obs.Observed = append([]bool(nil), observed...)
	}
	for s := 0; s < classes; s++ {
		if m[s] == 0 {
			continue
		}
		cl := ic.Class{M: int(m[s]), Counts: make([]float64, N*(T+1))}
		if p0 != nil {
			cl.P0 = append([]float64(nil), p0...)
		} else {
			cl.Seeds = []int{s}
			cl.P0 = make([]float64, N)
			cl.P0[s] = 1
		}
		for i := 0; i < N; i++ {
			if observed != nil && !observed[i] {
				continue
			}
			row := act[(s*N+i)*T : (s*N+i+1)*T]
			var sum int64
			for tau, x := range row {
				cl.Counts[i*(T+1)+tau] = float64(x)
				sum += x
			}
			cl.Counts[i*(T+1)+T] = float64(m[s] - sum)
		}
		obs.Classes = append(obs.Classes, cl)
	}
	return obs
}

// learnSlicer runs slicer.Learn and returns its Result. A run stopped by a
// non-finite objective or gradient is not an error: its Result (Status
// Failure) holds the last finite iterate (the original code stopped silently
// in that case, docs/SLICER.md §3). Cancelling ctx stops the run with
// ctx's error.
func learnSlicer(ctx context.Context, g *graphs.Graph, obs *ic.Observations, cfg slicer.Config) (*slicer.Result, error) {
	rec := train.RecorderFunc(func(train.Progress) error { return ctx.Err() })
	res, err := slicer.Learn(g, obs, cfg, rec)
	if err != nil {
		if _, ok := errors.AsType[*train.NonFiniteError](err); ok && res != nil {
			return res, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return res, nil
}

// learnInfo summarises a learning run (all stages) taking secs seconds.
func learnInfo(res *slicer.Result, secs float64) runInfo {
	return runInfo{secs: secs, iters: res.Iters, atLimit: res.Status == train.IterationLimit, failed: res.Status == train.Failure}
}

// dmprecFactory is a slicer.ObjectiveFactory that computes the gradient of
// the SLICER objective by DMPrec (solvers/dmprec), so that slicer.Learn runs
// the same loop with the forward-mode gradient (paper Fig. 1a). It plugs into
// Config.Autodiff, the loop's only hook for another gradient source.
func dmprecFactory(g *graphs.Graph, obs *ic.Observations, R, workers int) (train.Objective, error) {
	if R != 1 {
		return nil, fmt.Errorf("experiments: DMPrec has no mixture gradient (R = %d)", R)
	}
	ws := dmprec.NewWorkspace(g, &dmprec.Options{Workers: workers})
	return train.ObjectiveFunc(func(theta, grad []float64) (float64, error) {
		o, _, err := ws.Gradient(grad, theta, obs)
		return o, err
	}), nil
}

// stageCapture records the final iterate of every stage of a replica
// continuation: Learn evaluates the objective at every new iterate, so the
// last θ evaluated with R replicas (with a finite objective and gradient) is
// the final θ of stage R.
type stageCapture struct {
	theta [][]float64 // theta[R−1]
}

// factory returns a slicer.ObjectiveFactory computing the adjoint gradient
// (as Config.Grad = "adjoint" does) while recording the iterates.
func (c *stageCapture) factory() slicer.ObjectiveFactory {
	return func(g *graphs.Graph, obs *ic.Observations, R, workers int) (train.Objective, error) {
		inner := slicer.AdjointObjective(g, obs, R, &adjoint.Options{Workers: workers})
		for len(c.theta) < R {
			c.theta = append(c.theta, nil)
		}
		return train.ObjectiveFunc(func(theta, grad []float64) (float64, error) {
			o, err := inner.Eval(theta, grad)
			if err != nil || math.IsNaN(o) || math.IsInf(o, 0) {
				return o, err
			}
			for _, x := range grad {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return o, err
				}
			}
			c.theta[R-1] = append(c.theta[R-1][:0], theta...)
			return o, nil
		}), nil
	}
}

// deltaP is the relative ℓ1 distance Σ|p − p*| / Σ p* of two marginal arrays
// of the same layout (paper eq. 8 for one source, the code's definition over
// the whole [T_code][N] array).
func deltaP(p, pStar []float64) float64 {
	var num, den float64
	for k, ps := range pStar {
		num += math.Abs(p[k] - ps)
		den += ps
	}
	return num / den
}

// predictionError compares the R-replica mixture DMP with parameters theta
// to the Monte-Carlo marginals truth[k] ([Tpred][N]) of the single-seed
// sources[k]. It returns perSource, the mean over sources of
// δp_s = Σ_{t,i}|p − p*| / Σ_{t,i} p* (the original code's per-source
// definition), and pooled = Σ_{s,t,i}|p − p*| / Σ_{s,t,i} p*, the paper's
// eq. 8 read literally (⟨|p − p*|⟩ / ⟨p*⟩ with both averages over nodes,
// times and sources).
func predictionError(g *graphs.Graph, theta []float64, R int, sources []int, truth [][]float64, Tpred int) (perSource, pooled float64) {
	p0 := make([]float64, g.N)
	pred := make([]float64, Tpred*g.N)
	var sum, num, den float64
	for k, s := range sources {
		p0[s] = 1
		ic.MixtureMarginals(pred, g, theta, R, p0, Tpred)
		p0[s] = 0
		sum += deltaP(pred, truth[k])
		for j, ps := range truth[k] {
			num += math.Abs(pred[j] - ps)
			den += ps
		}
	}
	return sum / float64(len(sources)), num / den
}

// mcMarginals estimates the ground-truth marginals p*_i(t), t = 0..Tpred−1,
// for each single-seed source, from runs Monte-Carlo cascades per source
// (ic.Simulator.Marginals), sources in parallel. Source s draws from the
// stream subSeed(seed, s), so the result does not depend on workers.
func mcMarginals(ctx context.Context, g *graphs.Graph, alpha []float64, Tpred int, sources []int, runs int, seed uint64, workers int) ([][]float64, error) {
	out := make([][]float64, len(sources))
	err := runJobs(ctx, workers, len(sources), func(_ context.Context, k int) error {
		sim := ic.NewSimulator(g, alpha, Tpred)
		out[k] = sim.Marginals(nil, ic.SeedSet(sources[k]), runs, subSeed(seed, uint64(sources[k])), 1)
		return nil
	})
	return out, err
}

// allNodes returns 0..n−1.
func allNodes(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
