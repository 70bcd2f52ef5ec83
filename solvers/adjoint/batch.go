package adjoint

import (
	"github.com/spread-dev/spread/internal/parallel"

	"github.com/spread-dev/spread/models/ic"
)

// Class blocks.
//
// The block path evaluates up to lanes = 4 classes together. Every per-class
// array gets a class-minor layout: a v4 holds the values of the block's
// classes, so marginals are [T][N]v4 and messages and ν products [T][E]v4
// over in-positions. Each in-edge's α, reverse slot and reach are then
// loaded once for 4 classes, its 4 values share one cache line, and the 4
// prefix/suffix recurrences of a node run side by side in registers (the
// compiler keeps a struct of four float64 fields in registers, not an
// array). A block with fewer classes has idle lanes with p̄ = 0 and zero
// source terms, which are never added to the totals.
//
// Each lane computes the expressions of the one-class sweep (forward.nodes,
// backward.nodes) in the same order, and the per-class objectives and
// gradients are added to the totals in class order, so the result is
// bit-identical to it.
//
// Reach. Let d(i) be the distance (along out-edges) from the nearest node
// with p̄ > 0 in any class of the block. A node with d(i) > t has p_i(t) = 0
// and sends messages p(t) = 0 exactly (every factor of its products is
// 1 − α·0 = 1). So:
//   - forward step t updates only the nodes with d ≤ t; an in-edge whose
//     source has d > t−1 contributes the factor 1 exactly and is not read;
//     the message i→l(t) is stored only when it is read later, d(l) ≤ t+1;
//   - backward step t updates only the nodes with d ≤ t+1 (their in-edges
//     can have p(t) ≠ 0); ν(t) of an in-edge whose source has d > t is
//     neither stored (its source is not updated at t−1) nor multiplied into
//     the gradient (it is multiplied by p(t) = 0);
//   - a node updated at backward step t reads ν(t+1) only from
//     out-neighbours l, d(l) ≤ d(i)+1 ≤ t+2, which were updated at t+1.
//
// The skipped terms are exact zeros (a sum that starts at +0 never becomes
// −0, so adding them changes no bit), and the result does not change as long
// as it is finite (an infinite ν times p = 0 gives NaN in the full sweep).
// Buffers hold stale values outside the reach, which are never read.
//
// Gradient. Once backward step t has read p(t) for an in-edge, it overwrites
// it with the gradient term ν(t)·p(t); the class's edge gradient is then the
// sum of these terms over t = T−2, …, 0 (the order of the one-class sweep's
// accumulation), formed when the block is added to the totals. No per-class
// gradient buffer is needed.

// lanes is the number of classes evaluated together.
const lanes = 4

// v4 holds one value per class of a block.
type v4 struct{ a, b, c, d float64 }

var one = v4{1, 1, 1, 1}

func mul(x, y v4) v4 { return v4{x.a * y.a, x.b * y.b, x.c * y.c, x.d * y.d} }
func add(x, y v4) v4 { return v4{x.a + y.a, x.b + y.b, x.c + y.c, x.d + y.d} }

// mulAdd returns x·y + z per lane with the product rounded first (no fused
// multiply-add), as backward.nodes computes it.
func mulAdd(x, y, z v4) v4 {
	return v4{float64(x.a*y.a) + z.a, float64(x.b*y.b) + z.b, float64(x.c*y.c) + z.c, float64(x.d*y.d) + z.d}
}

// dot2 returns x·y + u·v per lane with both products rounded first.
func dot2(x, y, u, v v4) v4 {
	return v4{float64(x.a*y.a) + float64(u.a*v.a), float64(x.b*y.b) + float64(u.b*v.b),
		float64(x.c*y.c) + float64(u.c*v.c), float64(x.d*y.d) + float64(u.d*v.d)}
}

// factorR returns 1 − α·x per lane with the product rounded first, as
// backward.nodes computes the factors.
func factorR(al float64, x v4) v4 {
	return v4{1 - float64(al*x.a), 1 - float64(al*x.b), 1 - float64(al*x.c), 1 - float64(al*x.d)}
}

// scale returns s·x per lane.
func scale(s float64, x v4) v4 { return v4{s * x.a, s * x.b, s * x.c, s * x.d} }

// factor returns 1 − α·x per lane, the factor of an in-edge in the cavity
// products.
func factor(al float64, x v4) v4 {
	return v4{1 - al*x.a, 1 - al*x.b, 1 - al*x.c, 1 - al*x.d}
}

// msg returns 1 − base·pre·suf per lane.
func msg(base, pre, suf v4) v4 {
	return v4{1 - base.a*pre.a*suf.a, 1 - base.b*pre.b*suf.b, 1 - base.c*pre.c*suf.c, 1 - base.d*pre.d*suf.d}
}

// lane returns lane k of x.
func (x *v4) lane(k int) *float64 {
	switch k {
	case 0:
		return &x.a
	case 1:
		return &x.b
	case 2:
		return &x.c
	}
	return &x.d
}

// blockMemBytes bounds one worker's block buffers (messages and ν products:
// about (R·T + 2)·E v4 values); above it, classes are evaluated one at a
// time.
const blockMemBytes = 256 << 20

// noReach marks a node beyond the horizon (or unreachable) in block.dist.
const noReach = 255

// block holds one worker's buffers for a block of up to 4 classes.
type block struct {
	C    int       // classes in the block, 1..4
	p    []v4      // R × [T][N] marginals
	m    []v4      // R × [T−1][E] messages p(t), t ≤ T−2, in in-order, then ν(t)·p(t)
	p0   []v4      // [N] p̄_i
	q0   []v4      // [N] 1 − p̄_i
	src  []v4      // [T][N] source terms a_i(t)
	sure []bool    // [N] p̄_i = 1 in some class
	dist []uint8   // [N] reach d(i), noReach beyond T−1
	sd   []uint8   // [E] reach of the source of the in-edge at pos
	ord  []int32   // breadth-first queue
	S    []float64 // one class's (mixture) marginals, [T][N]
	srcC []float64 // one class's source terms, [T][N]
	obj  [lanes]float64
	w0   []v4 // α ν(t) in reverse-slot layout, [E]
	w1   []v4
	// per-node scratch, maxDeg each
	pre, h, xs, us []v4
}

// useBlocks reports whether classes are evaluated in blocks: there are at
// least two classes, and one worker's block buffers fit in blockMemBytes.
func (w *Workspace) useBlocks(R, T, nc int) bool {
	if w.unbatched || nc < 2 {
		return false
	}
	per := (R*T + 2) * w.g.NumEdges()
	return per <= blockMemBytes/32
}

// blockBounds splits nc classes into blocks of 4 (the last one smaller) and
// returns the boundaries.
func blockBounds(dst []int, nc int) []int {
	dst = append(dst[:0], 0)
	for lo := 0; lo < nc; {
		lo = min(lo+lanes, nc)
		dst = append(dst, lo)
	}
	return dst
}

// runBlocks evaluates every class in blocks of 4 on nw workers, adding
// objectives and edge gradients to the totals in class order.
func (w *Workspace) runBlocks(R int, obs *ic.Observations, grad bool, nw int) float64 {
	nc := len(obs.Classes)
	w.bounds = blockBounds(w.bounds, nc)
	nb := len(w.bounds) - 1
	nw = min(nw, nb)
	for len(w.blocks) < nw {
		w.blocks = append(w.blocks, &block{})
	}
	obj := 0.0
	parallel.Ordered(nb, nw, func(k, b int) {
		w.evalBlock(w.blocks[k], R, obs, w.bounds[b], w.bounds[b+1], grad)
	}, func(k, b int) {
		bk := w.blocks[k]
		for _, o := range bk.obj[:bk.C] {
			obj += o
		}
		if grad {
			w.reduceBlock(bk, R, obs.T)
		}
	})
	return obj
}

// reduceBlock adds the block's edge gradients to w.total, class by class.
// The backward sweep leaves ν(t)·p(t) in row t of the messages wherever the
// source of the in-edge has d ≤ t (elsewhere the term is zero), so the
// class's edge gradient is their sum over t = T−2, …, 0, in that order.
func (w *Workspace) reduceBlock(bk *block, R, T int) {
	g := w.g
	E := g.NumEdges()
	for r := 0; r < R; r++ {
		tot, m := w.total[r*E:(r+1)*E], bk.m[r*(T-1)*E:(r+1)*(T-1)*E]
		for i := 0; i < g.N; i++ {
			if int(bk.dist[i]) > T-1 {
				continue
			}
			for pos := g.InOff[i]; pos < g.InOff[i+1]; pos++ {
				sd := int(bk.sd[pos])
				if sd > T-2 {
					continue
				}
				var s v4
				for t := T - 2; t >= sd; t-- {
					s = add(s, m[t*E+pos])
				}
				x := tot[pos]
				for c := 0; c < bk.C; c++ {
					x += *s.lane(c)
				}
				tot[pos] = x
			}
		}
	}
}

// evalBlock evaluates classes lo..hi−1 into bk: per-class objectives bk.obj
// and, when grad is set, the gradient terms ν(t)·p(t) in bk.m.
func (w *Workspace) evalBlock(bk *block, R int, obs *ic.Observations, lo, hi int, grad bool) {
	g := w.g
	N, E, T := g.N, g.NumEdges(), obs.T
	cls := obs.Classes[lo:hi]
	bk.C = hi - lo
	bk.setup(w, cls, T)

	// Forward passes.
	bk.p = growV(bk.p, R*T*N)
	bk.m = growV(bk.m, R*(T-1)*E)
	for r := 0; r < R; r++ {
		p := bk.p[r*T*N : (r+1)*T*N]
		m := bk.m[r*(T-1)*E : (r+1)*(T-1)*E]
		copy(p[:N], bk.p0)
		if T > 1 {
			// Row 0 of the messages: p̄ of the source, for sources with d = 0.
			m0 := m[:E]
			for pos, l := range w.srcIn {
				if bk.sd[pos] == 0 {
					m0[pos] = bk.p0[l]
				}
			}
		}
		alpha := w.alphaIn[r*E : (r+1)*E]
		for t := 1; t < T; t++ {
			var cur []v4
			if t < T-1 {
				cur = m[t*E : (t+1)*E]
			}
			bk.forward(w, alpha, m[(t-1)*E:t*E], cur, p[t*N:(t+1)*N], t)
		}
	}

	// Objective and source terms, class by class, in the one-class layout
	// and with the arithmetic of ic.MixtureMarginals.
	bk.S = grow(bk.S, T*N)
	bk.srcC = grow(bk.srcC, T*N)
	if grad {
		bk.src = growV(bk.src, T*N)
		clear(bk.src)
	}
	inv := 1 / float64(R)
	for c := range cls {
		S := bk.S
		for t := 0; t < T; t++ {
			row := S[t*N : (t+1)*N]
			for i := range row {
				if int(bk.dist[i]) > t {
					row[i] = 0 // p_i(t) = 0 in every replica
					continue
				}
				k := t*N + i
				x := *bk.p[k].lane(c)
				for r := 1; r < R; r++ {
					x += *bk.p[r*T*N+k].lane(c)
				}
				if R > 1 {
					x *= inv
				}
				row[i] = x
			}
		}
		bk.obj[c] = ic.ClassObjective(S, N, T, cls[c].Counts, obs.Observed)
		if grad {
			a := ic.SourceTerms(bk.srcC, S, N, T, cls[c].Counts, obs.Observed, inv)
			for k, x := range a {
				*bk.src[k].lane(c) = x
			}
		}
	}
	if !grad {
		return
	}

	// Backward sweeps.
	bk.w0 = growV(bk.w0, E)
	bk.w1 = growV(bk.w1, E)
	for r := 0; r < R; r++ {
		m := bk.m[r*(T-1)*E : (r+1)*(T-1)*E]
		alpha := w.alphaIn[r*E : (r+1)*E]
		next, cur := bk.w1, bk.w0
		for t := T - 2; t >= 0; t-- {
			bk.backward(w, alpha, m[t*E:(t+1)*E], next, cur, t, T)
			next, cur = cur, next
		}
	}
}

// setup sizes the scratch and computes p̄, 1 − p̄, the sure seeds and the
// reach of the block's classes.
func (bk *block) setup(w *Workspace, cls []ic.Class, T int) {
	g := w.g
	N, E := g.N, g.NumEdges()
	bk.pre, bk.h = growV(bk.pre, w.maxDeg), growV(bk.h, w.maxDeg)
	bk.xs, bk.us = growV(bk.xs, w.maxDeg), growV(bk.us, w.maxDeg)
	bk.p0, bk.q0 = growV(bk.p0, N), growV(bk.q0, N)
	if cap(bk.sure) < N {
		bk.sure = make([]bool, N)
		bk.dist = make([]uint8, N)
		bk.ord = make([]int32, 0, N)
	}
	bk.sure, bk.dist, bk.ord = bk.sure[:N], bk.dist[:N], bk.ord[:0]
	if cap(bk.sd) < E {
		bk.sd = make([]uint8, E)
	}
	bk.sd = bk.sd[:E]

	// Sources (d = 0), p̄, 1 − p̄ and sure seeds; idle lanes have p̄ = 0.
	restrict := !w.noReach && T-1 < noReach
	clear(bk.p0)
	for c := range cls {
		for i, x := range cls[c].P0 {
			*bk.p0[i].lane(c) = x
		}
	}
	for i := 0; i < N; i++ {
		p := bk.p0[i]
		q := v4{1 - p.a, 1 - p.b, 1 - p.c, 1 - p.d}
		bk.q0[i] = q
		bk.sure[i] = q.a == 0 || q.b == 0 || q.c == 0 || q.d == 0
		bk.dist[i] = noReach
		if p != (v4{}) || !restrict {
			bk.dist[i] = 0
			bk.ord = append(bk.ord, int32(i))
		}
	}
	// Breadth-first search along out-edges up to depth T−1 (ord is the
	// queue).
	if restrict {
		for head, level := 0, 1; level < T; level++ {
			end := len(bk.ord)
			for _, u := range bk.ord[head:end] {
				for e := g.OutOff[u]; e < g.OutOff[u+1]; e++ {
					if v := g.Dst[e]; bk.dist[v] == noReach {
						bk.dist[v] = uint8(level)
						bk.ord = append(bk.ord, int32(v))
					}
				}
			}
			head = end
		}
	}
	for pos, l := range w.srcIn {
		bk.sd[pos] = bk.dist[l]
	}
}

// forward computes, for the nodes with d ≤ t, p_i(t) into pt and, when cur
// is non-nil, the messages p_e(t) that are read later into cur, from
// prev = p(t−1). Per lane the arithmetic is that of forward.nodes (and so of
// ic.DMP.Step).
func (bk *block) forward(w *Workspace, alpha []float64, prev, cur, pt []v4, t int) {
	g := w.g
	inOff, revIn, sd, dist := g.InOff, w.revIn, bk.sd, bk.dist[:g.N]
	for i := range dist {
		if int(dist[i]) > t {
			continue
		}
		a, b := inOff[i], inOff[i+1]
		base := bk.q0[i]
		pre, xs := bk.pre[:b-a], bk.xs[:b-a]
		P := one
		for pos := a; pos < b; pos++ {
			q := pos - a
			pre[q] = P
			if int(sd[pos]) > t-1 {
				xs[q] = one // p(t−1) = 0 on this in-edge: the factor is 1
				continue
			}
			x := factor(alpha[pos], prev[pos])
			xs[q] = x
			P = mul(P, x)
		}
		pi := v4{1 - base.a*P.a, 1 - base.b*P.b, 1 - base.c*P.c, 1 - base.d*P.d}
		pt[i] = pi
		if cur == nil {
			continue
		}
		S := one
		for pos := b - 1; pos >= a; pos-- {
			q := pos - a
			if r := revIn[pos]; r >= 0 && int(sd[pos]) <= t+1 {
				cur[r] = msg(base, pre[q], S)
			}
			S = mul(S, xs[q])
		}
		if !w.allRev {
			for _, r := range w.noRev[w.noRevOff[i]:w.noRevOff[i+1]] {
				cur[r] = pi
			}
		}
	}
}

// backward computes ν(t) for the in-edges of the nodes with d ≤ t+1, stores
// α ν(t) into wCur (reverse-slot layout, see type backward) where it is read
// at t−1, and replaces msgT = p(t) by the gradient term ν(t)·p(t), from p(t) and
// wNext = α ν(t+1) (ν(T−1) = 0 at t = T−2, where wNext is not read). Per
// lane the arithmetic is that of backward.nodes, with c_i·P_q + A_q formed
// in the prefix sweep.
func (bk *block) backward(w *Workspace, alpha []float64, msgT, wNext, wCur []v4, t, T int) {
	g := w.g
	N := g.N
	inOff, revIn, sd, dist := g.InOff, w.revIn, bk.sd, bk.dist[:N]
	last := t == T-2 // wNext = ν(T−1) = 0
	first := t == 0  // wCur is never read
	src := bk.src[(t+1)*N : (t+2)*N]
	for i := range dist {
		if int(dist[i]) > t+1 {
			continue
		}
		a, e := inOff[i], inOff[i+1]
		base := bk.q0[i]
		ci := src[i]
		if !w.allRev {
			for _, r := range w.noRev[w.noRevOff[i]:w.noRevOff[i+1]] {
				u := v4{}
				if !last {
					u = wNext[r]
				}
				ci = add(ci, u)
			}
		}
		pre, h, xs, us := bk.pre[:e-a], bk.h[:e-a], bk.xs[:e-a], bk.us[:e-a]
		P, A := one, v4{}
		for pos := a; pos < e; pos++ {
			q := pos - a
			x := one // p(t) = 0 on this in-edge: 1 − α·0
			if int(sd[pos]) <= t {
				x = factorR(alpha[pos], msgT[pos])
			}
			u := v4{}
			if revIn[pos] >= 0 && !last {
				u = wNext[pos]
			}
			pre[q], h[q], xs[q], us[q] = P, mulAdd(ci, P, A), x, u
			A = dot2(A, x, u, P)
			P = mul(P, x)
		}
		S, B := one, v4{}
		for pos := e - 1; pos >= a; pos-- {
			q := pos - a
			if int(sd[pos]) <= t {
				nu := mul(base, dot2(h[q], S, pre[q], B))
				slot := pos
				if r := revIn[pos]; r >= 0 {
					slot = int(r)
				}
				if !bk.sure[i] {
					if !first {
						wCur[slot] = scale(alpha[pos], nu)
					}
					msgT[pos] = mul(nu, msgT[pos])
				} else {
					bk.sureEdge(wCur, msgT, slot, pos, base, nu, alpha[pos], first)
				}
			}
			B = dot2(B, xs[q], us[q], S)
			S = mul(S, xs[q])
		}
	}
}

// sureEdge stores α ν and ν·p(t) lane by lane for a node that is a sure seed
// (p̄ = 1) in some class: in those lanes p_i ≡ 1 does not depend on the
// in-edges, so ν = 0 there and the gradient term is zero.
func (bk *block) sureEdge(wCur, msgT []v4, slot, pos int, base, nu v4, al float64, first bool) {
	wv, gv := scale(al, nu), mul(nu, msgT[pos])
	for c := 0; c < lanes; c++ {
		if *base.lane(c) == 0 {
			*wv.lane(c), *gv.lane(c) = 0, 0
		}
	}
	if !first {
		wCur[slot] = wv
	}
	msgT[pos] = gv
}

func growV(s []v4, n int) []v4 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]v4, n)
}
