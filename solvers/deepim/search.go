package deepim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/models/compiled"
)

// Selection rules (Config.Rule).
const (
	// RulePaper is DeepIM's rule as the paper states it: training sets
	// drawn uniformly, latent ascent from the training encodings and
	// z = 0, top-k of the decoded x̂.
	RulePaper = "paper"
	// RuleTuned (the default) keeps the VAE latent ascent but trains on
	// half uniform, half degree-biased sets, adds the encoding of the
	// estimator's greedy set as a start, and polishes each start's top-k
	// by single swaps on the estimator (doc.go).
	RuleTuned = "tuned"
)

// biasedSet draws size distinct nodes with probability proportional to
// weight (Efraimidis–Spirakis keys u^(1/w), the size largest), into dst.
func biasedSet(dst []int, rng *rand.Rand, weight []float64, size int, key []float64, idx []int) []int {
	for v, w := range weight {
		key[v] = math.Log(1-rng.Float64()) / w // log(u)/w, u ∈ (0,1]: same order as u^(1/w)
		idx[v] = v
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case key[a] > key[b]:
			return -1
		case key[a] < key[b]:
			return 1
		}
		return 0
	})
	return append(dst[:0], idx[:size]...)
}

// degreeWeights returns 1 + Σ_{u→v ∈ U} w_uv per node u: its coupled
// out-degree in the union graph, plus one so every node can be drawn.
func degreeWeights(u *union) []float64 {
	w := make([]float64, u.n)
	for i := range w {
		w[i] = 1
	}
	for e, s := range u.src {
		w[s] += u.w[e]
	}
	return w
}

// localEst evaluates the trained estimator f on single-node changes of a
// base seed set (one node added, or one swapped) exactly, recomputing only
// what the change reaches: a node's state h^ℓ depends on x only through
// nodes within ℓ arcs upstream, so changing x at the nodes D₀ changes h^ℓ
// only on D_ℓ = D_{ℓ−1} ∪ out-neighbours(D_{ℓ−1}) in U, and
//
//	f(x') = f(x) + Σ_{w ∈ D_L} (ŷ'_w − ŷ_w).
//
// The base states (every h^ℓ, ŷ and f of the base set) cost one full
// forward, O(|U|·F + n·F²·L); a change costs O(Σ_ℓ Σ_{w ∈ D_ℓ} (in-degree_w·F
// + F²)), on Arabidopsis (n = 6,980, L = 3) a mean |D_3| of 54 nodes. A
// batched run of all n changes on the (n, n·F) states instead grows as n²·F
// in time and memory (6.2 GB per state matrix on Arabidopsis).
type localEst struct {
	n, L  int
	width []int       // F_0 = 1, F_1, …, F_L
	ws    [][]float64 // W_s^ℓ (width[ℓ] × width[ℓ+1], row-major)
	wn    [][]float64 // W_n^ℓ
	bs    [][]float64 // b^ℓ
	wo    []float64   // w_o (F_L)
	bo    float64
	// U by destination (inStart, inSrc, inW: the arcs into each node) and
	// by source (outStart, outDst).
	inStart, inSrc []int
	inW            []float64
	outStart       []int
	outDst         []int
	// base set: x, states h[ℓ] (n × width[ℓ]), ŷ and f
	x []float64
	h [][]float64
	y []float64
	f float64
	// scratch of a change: the new states of the nodes of D_ℓ (nh[ℓ], at
	// the node's row when stamp[ℓ][w] == cur), the lists D_ℓ
	nh    [][]float64
	stamp [][]int
	cur   int
	d     [][]int
	tmp   []float64
}

// localEstimator returns m's local evaluator (built once).
func (m *Model) localEstimator() (*localEst, error) {
	if m.local != nil {
		return m.local, nil
	}
	u, n, L := m.u, m.u.n, m.cfg.Layers
	param := func(name string, size int) ([]float64, error) {
		i := slices.Index(m.names, name)
		if i < 0 || len(m.vals[i]) != size {
			return nil, fmt.Errorf("deepim: parameter %s missing or not of size %d", name, size)
		}
		return m.vals[i], nil
	}
	le := &localEst{n: n, L: L, width: []int{1}}
	for l := range L {
		in, out := le.width[l], m.cfg.Features
		ws, err := param(fmt.Sprintf("f.%d.self.W", l), in*out)
		if err != nil {
			return nil, err
		}
		bs, err := param(fmt.Sprintf("f.%d.self.b", l), out)
		if err != nil {
			return nil, err
		}
		wn, err := param(fmt.Sprintf("f.%d.nb.W", l), in*out)
		if err != nil {
			return nil, err
		}
		le.ws, le.bs, le.wn, le.width = append(le.ws, ws), append(le.bs, bs), append(le.wn, wn), append(le.width, out)
	}
	var err error
	if le.wo, err = param("f.out.W", le.width[L]); err != nil {
		return nil, err
	}
	bo, err := param("f.out.b", 1)
	if err != nil {
		return nil, err
	}
	le.bo = bo[0]
	le.inStart, le.outStart = make([]int, n+1), make([]int, n+1)
	for e := range u.src {
		le.inStart[u.dst[e]+1]++
		le.outStart[u.src[e]+1]++
	}
	for v := range n {
		le.inStart[v+1] += le.inStart[v]
		le.outStart[v+1] += le.outStart[v]
	}
	le.inSrc, le.inW, le.outDst = make([]int, len(u.src)), make([]float64, len(u.src)), make([]int, len(u.src))
	inPos, outPos := slices.Clone(le.inStart[:n]), slices.Clone(le.outStart[:n])
	for e := range u.src { // arcs sorted by (src, dst): each in-list by source
		s, d := u.src[e], u.dst[e]
		le.inSrc[inPos[d]], le.inW[inPos[d]] = s, u.w[e]
		inPos[d]++
		le.outDst[outPos[s]] = d
		outPos[s]++
	}
	le.x, le.y = make([]float64, n), make([]float64, n)
	for l := range L + 1 {
		le.h = append(le.h, make([]float64, n*le.width[l]))
		le.nh = append(le.nh, make([]float64, n*le.width[l]))
		le.stamp = append(le.stamp, make([]int, n))
		le.d = append(le.d, nil)
	}
	le.tmp = make([]float64, 2*m.cfg.Features)
	m.local = le
	return le, nil
}

// node computes h^{ℓ+1}_w into dst from the layer-ℓ states, where prev(u)
// returns u's layer-ℓ row.
func (le *localEst) node(l, w int, prev func(u int) []float64, dst []float64) {
	in, out := le.width[l], le.width[l+1]
	agg := le.tmp[:in]
	clear(agg)
	for a := le.inStart[w]; a < le.inStart[w+1]; a++ {
		hu, c := prev(le.inSrc[a]), le.inW[a]
		for j := range in {
			agg[j] += c * hu[j]
		}
	}
	hw := prev(w)
	copy(dst, le.bs[l])
	for i := range in {
		a, b := hw[i], agg[i]
		if a == 0 && b == 0 {
			continue
		}
		rs, rn := le.ws[l][i*out:(i+1)*out], le.wn[l][i*out:(i+1)*out]
		for j := range out {
			dst[j] += a*rs[j] + b*rn[j]
		}
	}
	for j := range out {
		dst[j] = max(dst[j], 0)
	}
}

// yhat returns ŷ_w = x_w + (1 − x_w)·sigmoid(h^L_w·w_o + b_o).
func (le *localEst) yhat(x float64, hL []float64) float64 {
	o := le.bo
	for j, v := range hL {
		o += v * le.wo[j]
	}
	return x + (1-x)/(1+math.Exp(-o))
}

// setBase makes set the base: one full forward.
func (le *localEst) setBase(set []int) {
	clear(le.x)
	for _, v := range set {
		le.x[v] = 1
	}
	copy(le.h[0], le.x)
	for l := range le.L {
		in, out := le.width[l], le.width[l+1]
		prev := func(u int) []float64 { return le.h[l][u*in : (u+1)*in] }
		for w := range le.n {
			le.node(l, w, prev, le.h[l+1][w*out:(w+1)*out])
		}
	}
	F := le.width[le.L]
	le.f = 0
	for w := range le.n {
		le.y[w] = le.yhat(le.x[w], le.h[le.L][w*F:(w+1)*F])
		le.f += le.y[w]
	}
}

// change returns f of the base set with node out removed (out < 0:
// nothing removed) and node add (not in the base set) added.
func (le *localEst) change(out, add int) float64 {
	le.cur++
	cur := le.cur
	xNew := func(w int) float64 {
		switch w {
		case add:
			return 1
		case out:
			return 0
		}
		return le.x[w]
	}
	d0 := append(le.d[0][:0], add)
	if out >= 0 {
		d0 = append(d0, out)
	}
	for _, w := range d0 {
		le.stamp[0][w] = cur
		le.nh[0][w] = xNew(w)
	}
	le.d[0] = d0
	for l := range le.L {
		in, outW := le.width[l], le.width[l+1]
		st, nh, h := le.stamp[l], le.nh[l], le.h[l]
		prev := func(u int) []float64 {
			if st[u] == cur {
				return nh[u*in : (u+1)*in]
			}
			return h[u*in : (u+1)*in]
		}
		next, nst, nnh := le.d[l+1][:0], le.stamp[l+1], le.nh[l+1]
		mark := func(w int) {
			if nst[w] != cur {
				nst[w] = cur
				next = append(next, w)
			}
		}
		for _, u := range le.d[l] {
			mark(u)
			for a := le.outStart[u]; a < le.outStart[u+1]; a++ {
				mark(le.outDst[a])
			}
		}
		for _, w := range next {
			le.node(l, w, prev, nnh[w*outW:(w+1)*outW])
		}
		le.d[l+1] = next
	}
	F := le.width[le.L]
	f := le.f
	for _, w := range le.d[le.L] {
		f += le.yhat(xNew(w), le.nh[le.L][w*F:(w+1)*F]) - le.y[w]
	}
	return f
}

// greedy returns k nodes picked one at a time, each maximising the
// estimator f of the set so far plus it (ties: lower index).
func (m *Model) greedy(k int) ([]int, error) {
	le, err := m.localEstimator()
	if err != nil {
		return nil, err
	}
	n := m.u.n
	var set []int
	in := make([]bool, n)
	for range k {
		le.setBase(set)
		best, bestF := -1, math.Inf(-1)
		for v := range n {
			if in[v] {
				continue
			}
			if f := le.change(-1, v); f > bestF {
				best, bestF = v, f
			}
		}
		set = append(set, best)
		in[best] = true
	}
	return set, nil
}

// polish improves set by single swaps on the estimator: for each position
// in turn it evaluates every non-seed in its place and takes the best if
// it raises f by more than 1e-9 (relative); passes repeat until one
// changes nothing or Config.Polish passes ran. It returns the set and its f.
func (m *Model) polish(set []int) ([]int, float64, error) {
	le, err := m.localEstimator()
	if err != nil {
		return nil, 0, err
	}
	n := m.u.n
	set = slices.Clone(set)
	in := make([]bool, n)
	for _, v := range set {
		in[v] = true
	}
	le.setBase(set)
	fs := le.f
	rest := make([]int, 0, len(set))
	for range m.cfg.Polish {
		changed := false
		for i := range set {
			// The swaps at position i are additions to the set without
			// set[i]: a seed's neighbourhood (often a hub's) is then
			// recomputed once, not once per candidate.
			rest = append(append(rest[:0], set[:i]...), set[i+1:]...)
			le.setBase(rest)
			best, bestF := -1, math.Inf(-1)
			for v := range n {
				if in[v] {
					continue
				}
				if f := le.change(-1, v); f > bestF {
					best, bestF = v, f
				}
			}
			if best < 0 {
				return set, fs, nil
			}
			if bestF > fs+1e-9*math.Max(1, math.Abs(fs)) {
				in[set[i]], in[best] = false, true
				set[i] = best
				le.setBase(set)
				fs, changed = le.f, true
			}
		}
		if !changed {
			break
		}
	}
	return set, fs, nil
}

// encode returns the VAE encoder mean μ of the seed set.
func (m *Model) encode(set []int) ([]float64, error) {
	vg := &vaeGraph{}
	obj, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
		c, _, err := vg.build(g, &m.cfg, m.u.n, 1)
		return c, nil, err
	}, &compiled.Options{Name: "deepim: encode", NoGrad: true})
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	if err := m.bind(obj); err != nil {
		return nil, err
	}
	x := obj.Data("x")
	clear(x)
	for _, v := range set {
		x[v] = 1
	}
	clear(obj.Data("eps"))
	if _, err := obj.Run(); err != nil {
		return nil, err
	}
	return slices.Clone(vg.mu.Data().([]float64)), nil
}
