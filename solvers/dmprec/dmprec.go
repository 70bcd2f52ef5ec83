package dmprec

import (
	"fmt"
	"github.com/spread-dev/spread/internal/parallel"
	"runtime"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train"
)

// DefaultBlock is the largest number of parameters propagated together when
// Options.Block is zero.
const DefaultBlock = 32

// Options configures a Workspace. A nil *Options means the zero value.
type Options struct {
	// Workers is the number of goroutines used per call; they share out the
	// parameter blocks. If it equals zero, runtime.GOMAXPROCS(0) is read at
	// each call. Results do not depend on it.
	Workers int
	// Block is the largest number of parameters whose sensitivities are
	// propagated together (memory 2·|E|·Block floats per worker). If it
	// equals zero, min(DefaultBlock, ⌈P/Workers⌉) is used. The P parameters
	// are split into ⌈P/Block⌉ blocks of balanced widths. Results do not
	// depend on it.
	Block int
}

// Workspace holds the buffers of the DMPrec gradient for one graph, so that
// repeated evaluations allocate only when the horizon, block size or number
// of workers grows. A Workspace is not safe for concurrent use; use one per
// goroutine.
type Workspace struct {
	g       *graphs.Graph
	opt     Options
	allRev  bool
	maxDeg  int
	param   []int     // param[e]: index in θ of α_e
	alpha   []float64 // per-edge α
	grad    []float64 // gradient in θ layout
	obj     float64
	workers []*worker
}

// worker holds one goroutine's buffers.
type worker struct {
	dmp        *ic.DMP
	src        []float64 // a_i(t), [T][N]
	phi0, phi1 []float64 // φ(t−1), φ(t): [E][B]
	gacc       []float64 // one class's gradient for the block, [B]
	run, suf   []float64 // running prefix / suffix derivative sums, [B]
	pre, xs    []float64 // prefix products and x_k, [maxDeg]
	acc, ys    []float64 // prefix derivative sums and y_k per in-edge, [maxDeg][B]
}

// NewWorkspace returns a Workspace for g. opt may be nil.
func NewWorkspace(g *graphs.Graph, opt *Options) *Workspace {
	w := &Workspace{g: g, allRev: true}
	if opt != nil {
		w.opt = *opt
	}
	for _, r := range g.Rev {
		if r < 0 {
			w.allRev = false
			break
		}
	}
	w.maxDeg = g.MaxInDegree
	w.param = make([]int, g.NumEdges())
	for e := range w.param {
		if g.Pair != nil {
			w.param[e] = g.Pair[e]
		} else {
			w.param[e] = e
		}
	}
	return w
}

// Gradient returns the SLICER objective O(θ) and writes its gradient ∂O/∂θ
// into dst (len ic.NumParams(g), same layout as theta: one entry per
// undirected edge for undirected graphs, per directed edge otherwise), which
// it returns; dst is allocated when nil. The objective equals ic.Objective
// exactly and the gradient is its exact derivative for the floored
// objective of ic.MuFloor, computed by forward-mode sensitivities (DMPrec)
// in O(P·|E|·T·|S|).
//
// It returns an error if obs does not fit the graph (ic.CheckObservations),
// if theta is rejected by ic.CheckTheta, or a *train.NonFiniteError. It does not
// modify theta or obs. It panics if len(theta) != ic.NumParams(g) or dst
// has the wrong length.
func (w *Workspace) Gradient(dst, theta []float64, obs *ic.Observations) (float64, []float64, error) {
	g := w.g
	P := g.NumPairs()
	if len(theta) != P {
		panic(fmt.Sprintf("solvers/dmprec: len(theta) = %d, want %d parameters", len(theta), P))
	}
	if dst == nil {
		dst = make([]float64, P)
	}
	if len(dst) != P {
		panic(fmt.Sprintf("solvers/dmprec: len(dst) = %d, want %d", len(dst), P))
	}
	if err := ic.CheckObservations(g, obs); err != nil {
		return 0, dst, fmt.Errorf("solvers/dmprec: %w", err)
	}
	if err := ic.CheckTheta(theta); err != nil {
		return 0, dst, fmt.Errorf("solvers/dmprec: %w", err)
	}
	w.alpha = ic.ExpandAlpha(grow(w.alpha, g.NumEdges()), g, theta)
	w.grad = grow(w.grad, P)
	clear(w.grad)
	w.run(obs)
	copy(dst, w.grad)
	o := w.obj
	// Non-finite values can only come from extreme counts: the ic.MuFloor
	// floor bounds every 1/µ.
	return o, dst, train.CheckFinite("solvers/dmprec", o, dst)
}

// Gradient is a one-shot Workspace.Gradient: it builds a Workspace for g
// with opt (may be nil), so a loop should keep a Workspace instead. Its
// signature matches solvers/adjoint.Gradient.
func Gradient(dst []float64, g *graphs.Graph, theta []float64, obs *ic.Observations, opt *Options) (float64, []float64, error) {
	return NewWorkspace(g, opt).Gradient(dst, theta, obs)
}

// run computes w.obj and w.grad: parameter blocks are shared out among the
// workers; each block loops over the classes in order.
func (w *Workspace) run(obs *ic.Observations) {
	g := w.g
	P := g.NumPairs()
	nw := w.opt.Workers
	if nw <= 0 {
		nw = runtime.GOMAXPROCS(0)
	}
	B := w.opt.Block
	if B <= 0 {
		B = min(DefaultBlock, max(1, (P+nw-1)/nw))
	}
	nb := (P + B - 1) / B
	if nb > 0 {
		B = (P + nb - 1) / nb // widths balanced, same block count
		nb = (P + B - 1) / B
	}
	nw = max(1, min(nw, nb))
	for len(w.workers) < nw {
		w.workers = append(w.workers, &worker{dmp: ic.NewDMP(g)})
	}
	E, N, T := g.NumEdges(), g.N, obs.T
	for _, wk := range w.workers[:nw] {
		wk.src = grow(wk.src, T*N)
		wk.phi0 = grow(wk.phi0, E*B)
		wk.phi1 = grow(wk.phi1, E*B)
		wk.gacc = grow(wk.gacc, B)
		wk.run = grow(wk.run, B)
		wk.suf = grow(wk.suf, B)
		wk.pre = grow(wk.pre, w.maxDeg)
		wk.xs = grow(wk.xs, w.maxDeg)
		wk.acc = grow(wk.acc, w.maxDeg*B)
		wk.ys = grow(wk.ys, w.maxDeg*B)
	}
	if nb == 0 {
		// No parameters: the objective alone.
		w.obj = w.workers[0].objective(w, obs)
		return
	}
	// Each block writes its own gradient entries, so the order of blocks
	// does not matter.
	parallel.For(nb, nw, 1, func(k, b int) {
		q0 := b * B
		w.workers[k].block(w, obs, q0, min(B, P-q0), b == 0)
	})
}

// objective returns Σ_s O_s in class order, as ic.Objective.
func (wk *worker) objective(w *Workspace, obs *ic.Observations) float64 {
	o := 0.0
	for s := range obs.Classes {
		c := &obs.Classes[s]
		wk.dmp.Forward(w.alpha, c.P0, obs.T)
		o += ic.ClassObjective(wk.dmp.P, w.g.N, obs.T, c.Counts, obs.Observed)
	}
	return o
}

// block computes the gradient entries q0..q0+nq−1, summing the classes in
// order, and the objective too when withObj is set.
func (wk *worker) block(w *Workspace, obs *ic.Observations, q0, nq int, withObj bool) {
	g := w.g
	N, T := g.N, obs.T
	o := 0.0
	for s := range obs.Classes {
		c := &obs.Classes[s]
		wk.dmp.Forward(w.alpha, c.P0, T)
		if withObj {
			o += ic.ClassObjective(wk.dmp.P, N, T, c.Counts, obs.Observed)
		}
		wk.src = ic.SourceTerms(wk.src, wk.dmp.P, N, T, c.Counts, obs.Observed, 1)
		wk.sweep(w, c.P0, T, q0, nq, nq)
		for b := 0; b < nq; b++ {
			w.grad[q0+b] += wk.gacc[b]
		}
	}
	if withObj {
		w.obj = o
	}
}

// sweep propagates the sensitivities φ^q, q = q0..q0+nq−1, of one class
// forward in time (the forward pass is in wk.dmp, the source terms in
// wk.src) and leaves Σ_t Σ_i a_i(t) ψ^q_i(t) in wk.gacc[q−q0]. Lanes
// nq..B−1 are computed but carry no parameter.
func (wk *worker) sweep(w *Workspace, p0 []float64, T, q0, nq, B int) {
	g := w.g
	N, E := g.N, g.NumEdges()
	inOff, inEdges, rev, param, alpha := g.InOff, g.InEdges, g.Rev, w.param, w.alpha
	msg := wk.dmp.Msg
	gacc := wk.gacc[:B]
	clear(gacc)
	prevPhi, curPhi := wk.phi0[:E*B], wk.phi1[:E*B]
	clear(prevPhi) // φ(0) = 0: p(0) = p̄ does not depend on θ
	run, suf := wk.run[:B], wk.suf[:B]
	for t := 1; t < T; t++ {
		prev := msg[(t-1)*E : t*E]
		at := wk.src[t*N : (t+1)*N]
		last := t == T-1 // φ(T−1) feeds nothing: only ψ(T−1) is needed
		for i := 0; i < N; i++ {
			base := 1 - p0[i]
			if base == 0 {
				// A sure seed: p_i ≡ 1 and its messages ≡ 1.
				if !last {
					for e := g.OutOff[i]; e < g.OutOff[i+1]; e++ {
						clear(curPhi[e*B : (e+1)*B])
					}
				}
				continue
			}
			in := inEdges[inOff[i]:inOff[i+1]]
			// Prefix sweep: P_q = Π_{q'<q} x_q', A_q = ∂P_q (the product
			// rule, one lane per parameter).
			clear(run)
			P := 1.0
			for q, k := range in {
				x := 1 - alpha[k]*prev[k]
				wk.pre[q], wk.xs[q] = P, x
				copy(wk.acc[q*B:(q+1)*B], run)
				y := wk.ys[q*B : (q+1)*B]
				ak, ph := -alpha[k], prevPhi[k*B:(k+1)*B]
				for b := range y {
					y[b] = ak * ph[b]
				}
				if j := param[k] - q0; j >= 0 && j < nq {
					y[j] -= prev[k]
				}
				for b, yb := range y {
					run[b] = run[b]*x + yb*P
				}
				P *= x
			}
			// ψ_i(t) = −(1−p̄_i)·∂Π_{k∈in(i)} x_k.
			if a := at[i]; a != 0 {
				f := -base * a
				for b, r := range run {
					gacc[b] += f * r
				}
			}
			if last {
				continue
			}
			if !w.allRev {
				for e := g.OutOff[i]; e < g.OutOff[i+1]; e++ {
					if rev[e] < 0 {
						out := curPhi[e*B : (e+1)*B]
						for b, r := range run {
							out[b] = -base * r
						}
					}
				}
			}
			// Suffix sweep: leave-one-out derivatives for the messages
			// i→l, l the source of in-edge k_q.
			clear(suf)
			S := 1.0
			for q := len(in) - 1; q >= 0; q-- {
				k := in[q]
				pq := wk.pre[q]
				aq := wk.acc[q*B : (q+1)*B]
				if r := rev[k]; r >= 0 {
					out := curPhi[r*B : (r+1)*B]
					for b := range out {
						out[b] = -base * (aq[b]*S + pq*suf[b])
					}
				}
				x, y := wk.xs[q], wk.ys[q*B:(q+1)*B]
				for b, yb := range y {
					suf[b] = suf[b]*x + yb*S
				}
				S *= x
			}
		}
		prevPhi, curPhi = curPhi, prevPhi
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}
