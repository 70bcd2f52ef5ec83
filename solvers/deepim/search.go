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

// batchCells bounds the entries n·B·F of one (n, B·F) node-state matrix of
// the batched estimator: its batch B is min(n, batchCells/(n·F)) columns
// (at least 1), and eval runs more candidate sets in chunks of B. With
// B = n the matrices grow as n²·F (6.2 GB each on Arabidopsis, n = 6,980).
var batchCells = 1 << 23

// batchEst evaluates the estimator f on up to B seed sets per run (one
// column each) without gradients.
type batchEst struct {
	obj       *compiled.Objective
	g         *estGraph
	x, xf, xc []float64
	B, n      int
	f         []float64 // per-column spread of the last run
}

func (m *Model) batchEstimator() (*batchEst, error) {
	if m.batch != nil {
		return m.batch, nil
	}
	n := m.u.n
	B := min(n, max(1, batchCells/(n*max(1, m.cfg.Features))))
	be := &batchEst{g: &estGraph{}, B: B, n: n, f: make([]float64, n)}
	obj, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
		c, _, err := be.g.build(g, &m.cfg, m.u, B, true)
		return c, nil, err
	}, &compiled.Options{Name: "deepim: batch estimate", NoGrad: true})
	if err != nil {
		return nil, err
	}
	if err := m.bind(obj); err != nil {
		obj.Close()
		return nil, err
	}
	be.obj, be.x, be.xf, be.xc = obj, obj.Data("x"), obj.Data("xf"), obj.Data("xc")
	m.batch = be
	return be, nil
}

// eval returns f of the sets base with column b's node swapped in: column
// b is base minus base[out] (out < 0: nothing removed) plus add[b]. Sets
// beyond the batch B run in chunks of B. The returned slice (len(add) ≤ n)
// is overwritten by the next call.
func (be *batchEst) eval(base []int, out int, add []int) ([]float64, error) {
	if len(add) > be.n {
		return nil, fmt.Errorf("deepim: %d candidate sets, at most %d", len(add), be.n)
	}
	f := be.f[:len(add)]
	for lo := 0; lo < len(add); lo += be.B {
		if err := be.chunk(base, out, add[lo:min(lo+be.B, len(add))], f[lo:]); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// chunk writes into f[b] the estimate of column b (as eval) for the
// len(add) ≤ B sets of one run.
func (be *batchEst) chunk(base []int, out int, add []int, f []float64) error {
	B, n := be.B, be.n
	clear(be.x)
	for b := range add {
		for i, v := range base {
			if i != out {
				be.x[v*B+b] = 1
			}
		}
		be.x[add[b]*B+b] = 1
	}
	copy(be.xf, be.x)
	for j, x := range be.x {
		be.xc[j] = 1 - x
	}
	if _, err := be.obj.Run(); err != nil {
		return err
	}
	y := be.g.y.Data().([]float64)
	f = f[:len(add)]
	clear(f)
	for v := range n {
		for b := range add {
			f[b] += y[v*B+b]
		}
	}
	return nil
}

// greedy returns k nodes picked one at a time, each maximising the
// estimator f of the set so far plus it (ties: lower index).
func (m *Model) greedy(k int) ([]int, error) {
	be, err := m.batchEstimator()
	if err != nil {
		return nil, err
	}
	n := m.u.n
	var set []int
	in := make([]bool, n)
	cand := make([]int, 0, n)
	for range k {
		cand = cand[:0]
		for v := range n {
			if !in[v] {
				cand = append(cand, v)
			}
		}
		f, err := be.eval(set, -1, cand)
		if err != nil {
			return nil, err
		}
		best := 0
		for b := range f {
			if f[b] > f[best] {
				best = b
			}
		}
		set = append(set, cand[best])
		in[cand[best]] = true
	}
	return set, nil
}

// polish improves set by single swaps on the estimator: for each position
// in turn it evaluates every non-seed in its place and takes the best if
// it raises f by more than 1e-9 (relative); passes repeat until one
// changes nothing or Config.Polish passes ran. It returns the set and its f.
func (m *Model) polish(set []int) ([]int, float64, error) {
	be, err := m.batchEstimator()
	if err != nil {
		return nil, 0, err
	}
	n := m.u.n
	set = slices.Clone(set)
	in := make([]bool, n)
	for _, v := range set {
		in[v] = true
	}
	cur, err := be.eval(set, 0, set[:1])
	if err != nil {
		return nil, 0, err
	}
	fs := cur[0]
	cand := make([]int, 0, n)
	for range m.cfg.Polish {
		changed := false
		for i := range set {
			cand = cand[:0]
			for v := range n {
				if !in[v] {
					cand = append(cand, v)
				}
			}
			if len(cand) == 0 {
				return set, fs, nil
			}
			f, err := be.eval(set, i, cand)
			if err != nil {
				return nil, 0, err
			}
			best := 0
			for b := range f {
				if f[b] > f[best] {
					best = b
				}
			}
			if f[best] > fs+1e-9*math.Max(1, math.Abs(fs)) {
				in[set[i]], in[cand[best]] = false, true
				set[i], fs, changed = cand[best], f[best], true
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
