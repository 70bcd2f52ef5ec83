package adjoint

import (
	"fmt"
	"github.com/spread-dev/spread/internal/parallel"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train"
)

// Options configures a Workspace. A nil *Options means the zero value.
type Options struct {
	// Workers is the number of goroutines used per call. If it equals zero,
	// runtime.GOMAXPROCS(0) is read at each call. Results do not depend on it.
	Workers int
}

// Workspace holds the buffers of the adjoint gradient for one graph so that
// repeated evaluations (a training loop) allocate only when the horizon,
// number of replicas or number of workers grows. A Workspace is not safe for
// concurrent use; use one per goroutine.
//
// Internally messages, ν and the edge gradient are stored in in-edge order
// (position pos in g.InEdges, so that node i's in-edges are the contiguous
// positions g.InOff[i]..g.InOff[i+1]−1); each node then reads its own
// in-edges contiguously and touches other nodes' entries once per edge. The
// arithmetic is that of ic.DMP, so values are bit-identical to it. With two
// or more classes each worker also keeps the buffers of a block of four
// classes (see the package documentation), about (R·T + 2)·|E|·32 bytes.
type Workspace struct {
	g        *graphs.Graph
	opt      Options
	allRev   bool
	maxDeg   int
	srcIn    []int32 // Src of the edge at in-position pos
	revIn    []int32 // in-position of the reverse of the edge at pos, or -1
	noRev    []int32 // in-positions of the out-edges of i without a reverse: noRev[noRevOff[i]:noRevOff[i+1]]
	noRevOff []int
	alphaIn  []float64 // R·E per-edge α in in-order, replica-major
	total    []float64 // R·E edge gradient in in-order, summed over classes in class order
	paramIn  []int32   // θ index of the edge at in-position pos (Pair[k] or k)
	gradPos  []int32   // in-positions summed into θ[p]: gradPos[2p], gradPos[2p+1] (−1 for directed)
	workers  []*worker
	chunks   []int // node-range boundaries for splitting a time step
	nChunkW  int   // worker count chunks was built for
	blocks   []*block
	bounds   []int // class-block boundaries of the last call
	// unbatched makes run evaluate classes one at a time (tests compare the
	// class-block path against it); noReach turns off the reach restriction
	// of the class-block path.
	unbatched, noReach bool
}

// replica holds one replica's forward pass in in-order layout.
type replica struct {
	p []float64 // p_i(t), [T][N]
	m []float64 // p_k(t) for the edge k at in-position pos, [T][E]
}

// worker holds one class's buffers and the per-goroutine scratch.
type worker struct {
	reps   []replica
	S      []float64 // mixture marginals [T][N] (R > 1)
	src    []float64 // source terms a_i(t), [T][N]
	w0, w1 []float64 // α_k ν_k(t) and α_k ν_k(t+1) in reverse-slot layout (see backward), [E]
	gClass []float64 // the class's edge gradient in in-order, R·E
	obj    float64
	// scratch for the prefix/suffix sweeps of one node, len maxDeg
	pre, acc, xs, us []float64
}

// NewWorkspace returns a Workspace for g (O(E) graph-only preprocessing).
// opt may be nil. It panics if g has 2³¹ or more edges (indices are int32).
func NewWorkspace(g *graphs.Graph, opt *Options) *Workspace {
	E := g.NumEdges()
	if E > math.MaxInt32 {
		panic(fmt.Sprintf("solvers/adjoint: graph has %d edges, at most %d are supported", E, math.MaxInt32))
	}
	w := &Workspace{g: g, allRev: true}
	if opt != nil {
		w.opt = *opt
	}
	inPos := func(e int) int32 { return int32(g.InPos[e]) } // < E ≤ MaxInt32
	w.srcIn = make([]int32, E)
	w.revIn = make([]int32, E)
	w.paramIn = make([]int32, E)
	for pos, k := range g.InEdges {
		w.srcIn[pos] = int32(g.Src[k])
		w.revIn[pos] = -1
		if r := g.Rev[k]; r >= 0 {
			w.revIn[pos] = inPos(r)
		}
		w.paramIn[pos] = int32(k)
		if g.Pair != nil {
			w.paramIn[pos] = int32(g.Pair[k])
		}
	}
	w.gradPos = make([]int32, 2*g.NumPairs())
	if g.Pair != nil {
		for p, e := range g.PairEdge { // same order as ic.FoldEdgeGrad
			w.gradPos[2*p], w.gradPos[2*p+1] = inPos(e), inPos(g.Rev[e])
		}
	} else {
		for e := range g.Src {
			w.gradPos[2*e], w.gradPos[2*e+1] = inPos(e), -1
		}
	}
	w.maxDeg = g.MaxInDegree
	w.noRevOff = make([]int, g.N+1)
	for i := 0; i < g.N; i++ {
		for e := g.OutOff[i]; e < g.OutOff[i+1]; e++ {
			if g.Rev[e] < 0 {
				w.allRev = false
				w.noRev = append(w.noRev, inPos(e))
			}
		}
		w.noRevOff[i+1] = len(w.noRev)
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
// more than ic.ThetaSlack), or a *train.NonFiniteError. It does not modify theta or
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
	// Fold the in-order edge gradient into θ layout (ic.FoldEdgeGrad's sums).
	E := g.NumEdges()
	for r := 0; r < R; r++ {
		tot, d := w.total[r*E:(r+1)*E], dst[r*P:(r+1)*P]
		for p := range d {
			x := tot[w.gradPos[2*p]]
			if q := w.gradPos[2*p+1]; q >= 0 {
				x += tot[q]
			}
			d[p] = x
		}
	}
	// Non-finite values can only come from extreme counts: the ic.MuFloor
	// floor bounds every 1/µ.
	return o, dst, train.CheckFinite("solvers/adjoint", o, dst)
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
	w.alphaIn = grow(w.alphaIn, R*E)
	for r := 0; r < R; r++ {
		a, th := w.alphaIn[r*E:(r+1)*E], theta[r*P:(r+1)*P]
		for pos, p := range w.paramIn {
			a[pos] = th[p]
		}
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
	if nc < nw && g.NumEdges() < minEdgesPerStepSplit {
		// Splitting one time step among goroutines costs a few µs of
		// scheduling per step; below this size it is slower than one core.
		nw = max(1, nc)
	}
	if (nw == 1 || nc >= nw) && w.useBlocks(R, obs.T, nc) {
		// Blocks of classes per worker; ordered reduction by ticket.
		return w.runBlocks(R, obs, grad, nw), nil
	}
	if nw == 1 || nc >= nw {
		// Whole classes per worker; ordered reduction by ticket.
		parallel.Ordered(nc, nw, func(k, s int) {
			w.class(w.workers[k], nil, R, obs, s, grad)
		}, func(k, s int) {
			obj += w.workers[k].obj
			if grad {
				addTo(w.total, w.workers[k].gClass)
			}
		})
		return obj, nil
	}
	// Fewer classes than workers: split each time step among the workers.
	w.buildChunks(nw)
	team := w.workers[:nw]
	for s := 0; s < nc; s++ {
		w.class(team[0], team, R, obs, s, grad)
		obj += team[0].obj
		if grad {
			tot, gc := w.total, team[0].gClass
			w.parallel(team, len(tot), func(lo, hi int) { addTo(tot[lo:hi], gc[lo:hi]) })
		}
	}
	return obj, nil
}

// class evaluates class s into wk: objective wk.obj and, when grad is set,
// the edge gradient wk.gClass. If team is non-nil the node loops of each time
// step are split among team's goroutines; the arithmetic per entry is the
// same either way.
func (w *Workspace) class(wk *worker, team []*worker, R int, obs *ic.Observations, s int, grad bool) {
	g := w.g
	N, E, T := g.N, g.NumEdges(), obs.T
	c := &obs.Classes[s]
	for len(wk.reps) < R {
		wk.reps = append(wk.reps, replica{})
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
		rep := &wk.reps[r]
		rep.p = grow(rep.p, T*N)
		rep.m = grow(rep.m, T*E)
		copy(rep.p[:N], c.P0)
		m0 := rep.m[:E]
		for pos, i := range w.srcIn {
			m0[pos] = c.P0[i]
		}
		fw := forward{w: w, alpha: w.alphaIn[r*E : (r+1)*E], p0: c.P0}
		for t := 1; t < T; t++ {
			fw.prev, fw.cur = rep.m[(t-1)*E:t*E], rep.m[t*E:(t+1)*E]
			fw.pt = rep.p[t*N : (t+1)*N]
			nodes(fw.nodes)
		}
	}
	// Mixture marginal, same arithmetic as ic.MixtureMarginals.
	S := wk.reps[0].p
	if R > 1 {
		wk.S = grow(wk.S, T*N)
		S = wk.S
		copy(S, wk.reps[0].p)
		for r := 1; r < R; r++ {
			for k, x := range wk.reps[r].p {
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
	wk.w0 = grow(wk.w0, E)
	wk.w1 = grow(wk.w1, E)
	for r := 0; r < R; r++ {
		next, cur := wk.w1, wk.w0
		clear(next) // ν(T−1) = 0: the last messages feed nothing
		bw := backward{w: w, alpha: w.alphaIn[r*E : (r+1)*E], p0: c.P0, gIn: wk.gClass[r*E : (r+1)*E]}
		for t := T - 2; t >= 0; t-- {
			bw.msgT = wk.reps[r].m[t*E : (t+1)*E]
			bw.aNext = wk.src[(t+1)*N : (t+2)*N]
			bw.wNext, bw.wCur = next, cur
			nodes(bw.nodes)
			next, cur = cur, next
		}
	}
}

// forward holds the inputs and outputs of one forward time step t, in
// in-order layout.
type forward struct {
	w         *Workspace
	alpha, p0 []float64 // α in in-order, p̄
	prev, cur []float64 // p(t−1), p(t) in in-order
	pt        []float64 // p_i(t)
}

// nodes computes p_i(t) and the messages p_e(t) on the out-edges of nodes
// lo..hi−1, with the arithmetic of ic.DMP.Step.
func (f *forward) nodes(scr *worker, lo, hi int) {
	g, w := f.w.g, f.w
	inOff, revIn := g.InOff, w.revIn
	alpha, p0, prev, cur, pt := f.alpha, f.p0, f.prev, f.cur, f.pt
	for i := lo; i < hi; i++ {
		a, b := inOff[i], inOff[i+1]
		base := 1 - p0[i]
		pre := scr.pre[:b-a]
		P := 1.0
		for pos := a; pos < b; pos++ {
			pre[pos-a] = P
			P *= 1 - alpha[pos]*prev[pos]
		}
		pt[i] = 1 - base*P
		suf := 1.0
		for pos := b - 1; pos >= a; pos-- {
			if r := revIn[pos]; r >= 0 {
				cur[r] = 1 - base*pre[pos-a]*suf
			}
			suf *= 1 - alpha[pos]*prev[pos]
		}
		if !w.allRev {
			for _, r := range w.noRev[w.noRevOff[i]:w.noRevOff[i+1]] {
				cur[r] = pt[i]
			}
		}
	}
}

// backward holds the inputs of one backward time step t, in in-order layout.
//
// The products w_k = α_k ν_k are stored in a "reverse slot" layout W so that
// each node reads what it needs at its own in-positions: the value of edge k
// (at in-position pos) goes to W[revIn[pos]], the in-position of Rev[k], when
// k has a reverse edge, and to W[pos] otherwise (that slot is free, since no
// edge has k's position as its reverse slot). Node i then finds
// u_q = α_{Rev k_q} ν_{Rev k_q} at W[pos of k_q], and the values of its
// out-edges without a reverse at W[noRev positions]. Every slot is written
// exactly once per step, by one node, so node ranges can run concurrently.
type backward struct {
	w     *Workspace
	alpha []float64 // α in in-order
	p0    []float64 // p̄
	msgT  []float64 // p(t) in in-order
	aNext []float64 // a_i(t+1)
	wNext []float64 // α ν(t+1), reverse-slot layout
	wCur  []float64 // α ν(t), reverse-slot layout, written
	gIn   []float64 // Σ_t ν(t) p(t) in in-order, accumulated
}

// nodes computes ν_k(t) for the in-edges k of nodes lo..hi−1, stores
// α_k ν_k(t) and adds ν_k(t)·p_k(t) to the edge gradient, with scr's scratch.
// Every product that meets an addition is rounded explicitly (float64(…)),
// which forbids the compiler to fuse it into a multiply-add (it may on arm64
// and with GOAMD64=v3): the class-block path (block.backward) computes the
// same values in other code, and both must give the same bits everywhere.
func (b *backward) nodes(scr *worker, lo, hi int) {
	g, w := b.w.g, b.w
	inOff, revIn := g.InOff, w.revIn
	alpha, msgT, wNext, wCur, gIn := b.alpha, b.msgT, b.wNext, b.wCur, b.gIn
	for i := lo; i < hi; i++ {
		a, e := inOff[i], inOff[i+1]
		base := 1 - b.p0[i]
		if base == 0 {
			// A sure seed: p_i ≡ 1, no dependence on its in-edges.
			for pos := a; pos < e; pos++ {
				if r := revIn[pos]; r >= 0 {
					wCur[r] = 0
				} else {
					wCur[pos] = 0
				}
			}
			continue
		}
		ci := b.aNext[i]
		if !w.allRev {
			for _, r := range w.noRev[w.noRevOff[i]:w.noRevOff[i+1]] {
				ci += wNext[r]
			}
		}
		d := e - a
		pre, acc, xs, us := scr.pre[:d], scr.acc[:d], scr.xs[:d], scr.us[:d]
		P, A := 1.0, 0.0
		for q := 0; q < d; q++ {
			pos := a + q
			x := 1 - float64(alpha[pos]*msgT[pos])
			u := 0.0
			if revIn[pos] >= 0 {
				u = wNext[pos]
			}
			pre[q], acc[q], xs[q], us[q] = P, A, x, u
			A = float64(A*x) + float64(u*P)
			P *= x
		}
		S, B := 1.0, 0.0
		for q := d - 1; q >= 0; q-- {
			pos := a + q
			nu := base * (float64((float64(ci*pre[q])+acc[q])*S) + float64(pre[q]*B))
			if r := revIn[pos]; r >= 0 {
				wCur[r] = alpha[pos] * nu
			} else {
				wCur[pos] = alpha[pos] * nu
			}
			gIn[pos] += float64(nu * msgT[pos])
			B = float64(B*xs[q]) + float64(us[q]*S)
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

// minEdgesPerStepSplit is the graph size (directed edges) from which a class
// is split among workers step by step when there are fewer classes than
// workers.
var minEdgesPerStepSplit = 1 << 14 // a variable so tests can exercise the split on small graphs

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

// parallel runs f over n elements split into len(team) equal ranges.
func (w *Workspace) parallel(team []*worker, n int, f func(lo, hi int)) {
	var wg sync.WaitGroup
	k := len(team)
	for j := range team {
		lo, hi := n*j/k, n*(j+1)/k
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
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
