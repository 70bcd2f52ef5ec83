package adjoint

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// Options configures a Workspace. A nil *Options means the zero value.
type Options struct {
	// Workers is the number of goroutines used per call. If it equals zero,
	// runtime.GOMAXPROCS(0) is read at each call. Results do not depend on it.
	Workers int
}

// NonFiniteError reports a non-finite objective or gradient entry, which can
// only come from extreme counts (the ic.MuFloor floor bounds every 1/µ).
type NonFiniteError struct {
	// Index is the parameter index in θ layout, or -1 for the objective.
	Index int
	Value float64
}

func (e *NonFiniteError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("solvers/adjoint: objective is %v", e.Value)
	}
	return fmt.Sprintf("solvers/adjoint: gradient entry %d is %v", e.Index, e.Value)
}

// Workspace holds the buffers of the adjoint gradient for one graph so that
// repeated evaluations (a training loop) allocate only when the horizon,
// number of replicas or number of workers grows. A Workspace is not safe for
// concurrent use; use one per goroutine.
type Workspace struct {
	g       *graphs.Graph
	opt     Options
	allRev  bool
	maxDeg  int
	alpha   []float64 // R·E per-edge α, replica-major
	total   []float64 // R·E edge gradient, summed over classes in class order
	workers []*worker
	chunks  []int // node-range boundaries for splitting a time step
	nChunkW int   // worker count chunks was built for
}

// worker holds one class's buffers and the per-goroutine scratch.
type worker struct {
	dmps     []*ic.DMP // one per replica
	S        []float64 // mixture marginals [T][N] (R > 1)
	src      []float64 // source terms a_i(t), [T][N]
	nu0, nu1 []float64 // ν(t) and ν(t+1), [E]
	gClass   []float64 // the class's edge gradient, R·E
	obj      float64
	// scratch for the prefix/suffix sweep of one node, len maxDeg
	pre, acc, xs, us []float64
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
	for i := 0; i < g.N; i++ {
		w.maxDeg = max(w.maxDeg, g.InDegree(i))
	}
	return w
}

// Gradient returns the SLICER objective O(θ) and writes its gradient
// ∂O/∂θ into dst (len ic.NumParams(g), same layout as theta: one entry per
// undirected edge for undirected graphs, per directed edge otherwise), which
// it returns; dst is allocated when nil. Both equal what ic.Objective and its
// exact derivative give, for the floored objective of ic.MuFloor.
//
// It returns an error if obs does not fit the graph (ic.CheckObservations),
// if theta is rejected by ic.CheckTheta (non-finite, or outside [0, 1] by
// more than ic.ThetaSlack), or a *NonFiniteError. It does not modify theta or
// obs. It panics if len(theta) != ic.NumParams(g) or dst has the wrong length.
func (w *Workspace) Gradient(dst, theta []float64, obs *ic.Observations) (float64, []float64, error) {
	return w.MixtureGradient(dst, theta, 1, obs)
}

// MixtureGradient is Gradient for the mixture of R replicas (paper eq. 9):
// theta and dst hold R·P entries, replica-major (replica r at
// [r·P, (r+1)·P), P = ic.NumParams(g)), and the objective is
// ic.MixtureObjective. R = 1 is Gradient.
//
// It panics if R < 1, len(theta) != R·P or dst has the wrong length.
func (w *Workspace) MixtureGradient(dst, theta []float64, R int, obs *ic.Observations) (float64, []float64, error) {
	g := w.g
	P := g.NumPairs()
	if R < 1 || len(theta) != R*P {
		panic(fmt.Sprintf("solvers/adjoint: len(theta) = %d for R = %d replicas of %d parameters", len(theta), R, P))
	}
	if dst == nil {
		dst = make([]float64, R*P)
	}
	if len(dst) != R*P {
		panic(fmt.Sprintf("solvers/adjoint: len(dst) = %d, want %d", len(dst), R*P))
	}
	o, err := w.run(theta, R, obs, true)
	if err != nil {
		return 0, dst, err
	}
	E := g.NumEdges()
	for r := 0; r < R; r++ {
		ic.FoldEdgeGrad(dst[r*P:(r+1)*P], g, w.total[r*E:(r+1)*E])
	}
	if math.IsNaN(o) || math.IsInf(o, 0) {
		return o, dst, &NonFiniteError{Index: -1, Value: o}
	}
	for k, x := range dst {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return o, dst, &NonFiniteError{Index: k, Value: x}
		}
	}
	return o, dst, nil
}

// Objective returns the (mixture, for R > 1) objective only, with the same
// parallel forward passes as MixtureGradient and the same value.
func (w *Workspace) Objective(theta []float64, R int, obs *ic.Observations) (float64, error) {
	P := w.g.NumPairs()
	if R < 1 || len(theta) != R*P {
		panic(fmt.Sprintf("solvers/adjoint: len(theta) = %d for R = %d replicas of %d parameters", len(theta), R, P))
	}
	return w.run(theta, R, obs, false)
}

// Gradient is a one-shot Workspace.Gradient: it builds a Workspace for g
// with opt (may be nil), so a loop should keep a Workspace instead.
func Gradient(dst []float64, g *graphs.Graph, theta []float64, obs *ic.Observations, opt *Options) (float64, []float64, error) {
	return NewWorkspace(g, opt).Gradient(dst, theta, obs)
}

// MixtureGradient is a one-shot Workspace.MixtureGradient.
func MixtureGradient(dst []float64, g *graphs.Graph, theta []float64, R int, obs *ic.Observations, opt *Options) (float64, []float64, error) {
	return NewWorkspace(g, opt).MixtureGradient(dst, theta, R, obs)
}

// run validates, then evaluates every class (forward, objective and, when
// grad is set, the backward sweep), summing objective and edge gradients in
// class order into w.total.
func (w *Workspace) run(theta []float64, R int, obs *ic.Observations, grad bool) (float64, error) {
	g := w.g
	if err := ic.CheckObservations(g, obs); err != nil {
		return 0, fmt.Errorf("solvers/adjoint: %w", err)
	}
	if err := ic.CheckTheta(theta); err != nil {
		return 0, fmt.Errorf("solvers/adjoint: %w", err)
	}
	E, P := g.NumEdges(), g.NumPairs()
	w.alpha = grow(w.alpha, R*E)
	for r := 0; r < R; r++ {
		ic.ExpandAlpha(w.alpha[r*E:(r+1)*E], g, theta[r*P:(r+1)*P])
	}
	w.total = grow(w.total, R*E)
	clear(w.total)

	nw := w.opt.Workers
	if nw <= 0 {
		nw = runtime.GOMAXPROCS(0)
	}
	nc := len(obs.Classes)
	for len(w.workers) < nw {
		w.workers = append(w.workers, &worker{})
	}
	for _, wk := range w.workers[:nw] {
		wk.pre = grow(wk.pre, w.maxDeg)
		wk.acc = grow(wk.acc, w.maxDeg)
		wk.xs = grow(wk.xs, w.maxDeg)
		wk.us = grow(wk.us, w.maxDeg)
	}
	obj := 0.0
	if nw == 1 || nc >= nw {
		// Whole classes per worker; ordered reduction by ticket.
		var (
			next atomic.Int64
			mu   sync.Mutex
			cond = sync.NewCond(&mu)
			turn int
			wg   sync.WaitGroup
		)
		for k := 0; k < nw; k++ {
			wk := w.workers[k]
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					s := int(next.Add(1)) - 1
					if s >= nc {
						return
					}
					w.class(wk, nil, theta, R, obs, s, grad)
					mu.Lock()
					for turn != s {
						cond.Wait()
					}
					obj += wk.obj
					if grad {
						addTo(w.total, wk.gClass)
					}
					turn++
					cond.Broadcast()
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return obj, nil
	}
	// Fewer classes than workers: split each time step among the workers.
	w.buildChunks(nw)
	team := w.workers[:nw]
	for s := 0; s < nc; s++ {
		w.class(team[0], team, theta, R, obs, s, grad)
		obj += team[0].obj
		if grad {
			tot, gc := w.total, team[0].gClass
			w.parallel(team, len(tot), func(_ *worker, lo, hi int) { addTo(tot[lo:hi], gc[lo:hi]) })
		}
	}
	return obj, nil
}

// class evaluates class s into wk: objective wk.obj and, when grad is set,
// the edge gradient wk.gClass. If team is non-nil the node loops of each time
// step are split among team's goroutines; the arithmetic per entry is the
// same either way.
func (w *Workspace) class(wk *worker, team []*worker, theta []float64, R int, obs *ic.Observations, s int, grad bool) {
	g := w.g
	N, E, T := g.N, g.NumEdges(), obs.T
	c := &obs.Classes[s]
	for len(wk.dmps) < R {
		wk.dmps = append(wk.dmps, ic.NewDMP(g))
	}
	nodes := func(f func(scr *worker, lo, hi int)) {
		if team == nil {
			f(wk, 0, N)
			return
		}
		w.parallelNodes(team, f)
	}
	// Forward passes.
	for r := 0; r < R; r++ {
		d := wk.dmps[r]
		d.Init(w.alpha[r*E:(r+1)*E], c.P0, T)
		for t := 1; t < T; t++ {
			nodes(func(_ *worker, lo, hi int) { d.Step(t, lo, hi) })
		}
	}
	// Mixture marginal, same arithmetic as ic.MixtureMarginals.
	S := wk.dmps[0].P
	if R > 1 {
		wk.S = grow(wk.S, T*N)
		S = wk.S
		copy(S, wk.dmps[0].P)
		for r := 1; r < R; r++ {
			for k, x := range wk.dmps[r].P {
				S[k] += x
			}
		}
		inv := 1 / float64(R)
		for k := range S {
			S[k] *= inv
		}
	}
	wk.obj = ic.ClassObjective(S, N, T, c.Counts, obs.Observed)
	if !grad {
		return
	}
	wk.src = ic.SourceTerms(grow(wk.src, T*N), S, N, T, c.Counts, obs.Observed, 1/float64(R))
	wk.gClass = grow(wk.gClass, R*E)
	clear(wk.gClass)
	wk.nu0 = grow(wk.nu0, E)
	wk.nu1 = grow(wk.nu1, E)
	for r := 0; r < R; r++ {
		alpha := w.alpha[r*E : (r+1)*E]
		msg := wk.dmps[r].Msg
		gE := wk.gClass[r*E : (r+1)*E]
		next, cur := wk.nu1, wk.nu0
		clear(next) // ν(T−1) = 0: the last messages feed nothing
		for t := T - 2; t >= 0; t-- {
			bw := backward{
				g: g, allRev: w.allRev, alpha: alpha, p0: c.P0,
				msgT: msg[t*E : (t+1)*E], aNext: wk.src[(t+1)*N : (t+2)*N],
				nuNext: next, nuCur: cur, gE: gE,
			}
			nodes(func(scr *worker, lo, hi int) { bw.nodes(scr, lo, hi) })
			next, cur = cur, next
		}
	}
}

// backward holds the inputs of one backward time step t.
type backward struct {
	g      *graphs.Graph
	allRev bool
	alpha  []float64 // α_e
	p0     []float64 // p̄
	msgT   []float64 // p_e(t)
	aNext  []float64 // a_i(t+1)
	nuNext []float64 // ν_e(t+1)
	nuCur  []float64 // ν_e(t), written
	gE     []float64 // Σ_t ν_e(t) p_e(t), accumulated
}

// nodes computes ν_k(t) for the in-edges k of nodes lo..hi−1 and adds
// ν_k(t)·p_k(t) to the edge gradient, with scr's scratch buffers.
func (b *backward) nodes(scr *worker, lo, hi int) {
	g := b.g
	inOff, inEdges, rev := g.InOff, g.InEdges, g.Rev
	alpha, msgT, nuNext, nuCur, gE := b.alpha, b.msgT, b.nuNext, b.nuCur, b.gE
	for i := lo; i < hi; i++ {
		in := inEdges[inOff[i]:inOff[i+1]]
		base := 1 - b.p0[i]
		if base == 0 {
			// A sure seed: p_i ≡ 1, no dependence on its in-edges.
			for _, k := range in {
				nuCur[k] = 0
			}
			continue
		}
		ci := b.aNext[i]
		if !b.allRev {
			for e := g.OutOff[i]; e < g.OutOff[i+1]; e++ {
				if rev[e] < 0 {
					ci += alpha[e] * nuNext[e]
				}
			}
		}
		d := len(in)
		pre, acc, xs, us := scr.pre[:d], scr.acc[:d], scr.xs[:d], scr.us[:d]
		P, A := 1.0, 0.0
		for q, k := range in {
			x := 1 - alpha[k]*msgT[k]
			u := 0.0
			if r := rev[k]; r >= 0 {
				u = alpha[r] * nuNext[r]
			}
			pre[q], acc[q], xs[q], us[q] = P, A, x, u
			A = A*x + u*P
			P *= x
		}
		S, B := 1.0, 0.0
		for q := d - 1; q >= 0; q-- {
			k := in[q]
			nu := base * ((ci*pre[q]+acc[q])*S + pre[q]*B)
			nuCur[k] = nu
			gE[k] += nu * msgT[k]
			B = B*xs[q] + us[q]*S
			S *= xs[q]
		}
	}
}

// buildChunks splits the nodes into about 8 ranges per worker with balanced
// in-edge counts (plus one per node).
func (w *Workspace) buildChunks(nw int) {
	if w.nChunkW == nw && w.chunks != nil {
		return
	}
	g := w.g
	n := 8 * nw
	total := g.NumEdges() + g.N
	w.chunks = append(w.chunks[:0], 0)
	for c := 1; c < n; c++ {
		target := total * c / n
		i := w.chunks[len(w.chunks)-1]
		for i < g.N && g.InOff[i]+i < target {
			i++
		}
		if i > w.chunks[len(w.chunks)-1] {
			w.chunks = append(w.chunks, i)
		}
	}
	if w.chunks[len(w.chunks)-1] != g.N {
		w.chunks = append(w.chunks, g.N)
	}
	w.nChunkW = nw
}

// parallelNodes runs f over the node chunks on len(team) goroutines, each
// with its own scratch.
func (w *Workspace) parallelNodes(team []*worker, f func(scr *worker, lo, hi int)) {
	chunks := w.chunks
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, scr := range team {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1))
				if c >= len(chunks) {
					return
				}
				f(scr, chunks[c-1], chunks[c])
			}
		}()
	}
	wg.Wait()
}

// parallel runs f over n elements split into equal ranges, one per team
// member.
func (w *Workspace) parallel(team []*worker, n int, f func(scr *worker, lo, hi int)) {
	var wg sync.WaitGroup
	k := len(team)
	for j, scr := range team {
		lo, hi := n*j/k, n*(j+1)/k
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(scr, lo, hi)
		}()
	}
	wg.Wait()
}

func addTo(dst, src []float64) {
	src = src[:len(dst)]
	for k, x := range src {
		dst[k] += x
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}
