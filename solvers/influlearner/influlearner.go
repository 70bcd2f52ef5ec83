package influlearner

import (
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spread-dev/spread/models/cic"
)

// Defaults of the Settings fields.
const (
	DefaultFeatures  = 200  // K, as in the InfluLearner paper
	DefaultSmoothing = 1e-3 // λ
	DefaultMaxIter   = 300
	DefaultStep      = 1
	DefaultTol       = 1e-9
)

// Settings configures Fit. A nil *Settings means the zero value; every zero
// field means its documented default.
type Settings struct {
	// Features is the number K of random binary features per node and
	// time. Zero means DefaultFeatures.
	Features int
	// Smoothing is λ in the likelihood's p = (1 − 2λ) f + λ, 0 < λ < ½.
	// Zero means DefaultSmoothing.
	Smoothing float64
	// MaxIter bounds the exponentiated-gradient iterations per node and
	// time. Zero means DefaultMaxIter.
	MaxIter int
	// Step is the initial exponentiated-gradient step η (halved whenever a
	// step would lower the likelihood, doubled after every accepted step).
	// Zero means DefaultStep.
	Step float64
	// Tol stops the iterations when an accepted step raises the mean
	// log-likelihood by at most Tol. Zero means DefaultTol.
	Tol float64
	// Seed fixes the features.
	Seed uint64
	// Workers is the number of goroutines over (time, node) problems. Zero
	// means runtime.GOMAXPROCS(0). The model does not depend on it.
	Workers int
}

// Model is a fitted InfluLearner: for every evaluation time t_l and node j,
// K features R^k ⊆ V (bitsets over the sources) with weights w on the
// simplex, f_j(S; t_l) = Σ_k w_k·min(1, |S ∩ R^k|).
type Model struct {
	N     int
	Times []float64
	K     int
	words int      // uint64 words per feature bitset
	feat  []uint64 // feature k of problem q = l·N + j: feat[(q·K + k)·words : +words]
	w     []float64
	// Iterations is the total number of exponentiated-gradient iterations.
	Iterations int
}

// Fit learns InfluLearner's coverage functions from the cascades c, which
// must carry source attribution (c.Root, as drawn by cic.Simulator): one
// model per evaluation time in times (increasing, ≥ 0) and node, in
// parallel. A cascade's source set is its infections with no infector
// (Parent −1). It returns an error for cascades without attribution, an
// invalid time grid or invalid settings. The model depends only on the
// inputs and Settings.Seed, not on Settings.Workers.
func Fit(c *cic.Cascades, times []float64, s *Settings) (*Model, error) {
	var set Settings
	if s != nil {
		set = *s
	}
	train.Default(&set.Features, DefaultFeatures)
	train.Default(&set.Smoothing, DefaultSmoothing)
	train.Default(&set.MaxIter, DefaultMaxIter)
	train.Default(&set.Step, DefaultStep)
	train.Default(&set.Tol, DefaultTol)
	switch {
	case c.Root == nil || c.Parent == nil:
		return nil, fmt.Errorf("influlearner: the cascades carry no source attribution (root of each infection)")
	case set.Features < 1:
		return nil, fmt.Errorf("influlearner: Features = %d", set.Features)
	case !(set.Smoothing > 0 && set.Smoothing < 0.5):
		return nil, fmt.Errorf("influlearner: Smoothing = %v, want 0 < λ < ½", set.Smoothing)
	case set.MaxIter < 0 || !(set.Step > 0) || !(set.Tol > 0):
		return nil, fmt.Errorf("influlearner: MaxIter = %d, Step = %v, Tol = %v", set.MaxIter, set.Step, set.Tol)
	case len(times) == 0:
		return nil, fmt.Errorf("influlearner: no evaluation times")
	}
	for l, t := range times {
		if !(t >= 0) || math.IsInf(t, 0) || (l > 0 && !(t > times[l-1])) {
			return nil, fmt.Errorf("influlearner: evaluation times not increasing and finite at index %d (%v)", l, t)
		}
	}
	d := newData(c, times)
	n, L, K := c.N, len(times), set.Features
	m := &Model{N: n, Times: slices.Clone(times), K: K, words: (n + 63) / 64}
	m.feat = make([]uint64, L*n*K*m.words)
	m.w = make([]float64, L*n*K)
	workers := set.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, L*n))
	iters := make([]int, L*n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			pcg := rand.NewPCG(0, 0)
			rng := rand.New(pcg)
			var sc fitScratch
			for {
				q := int(next.Add(1) - 1)
				if q >= L*n {
					return
				}
				pcg.Seed(set.Seed, uint64(q))
				iters[q] = m.fitOne(d, q/n, q%n, rng, &set, &sc)
			}
		})
	}
	wg.Wait()
	for _, it := range iters {
		m.Iterations += it
	}
	return m, nil
}

// data is the training set summarised for all problems: distinct source
// sets (groups) with their cascade counts, per-node infection counts by
// each time, and source-attributed reachability frequencies q̂.
type data struct {
	n, L   int
	groups [][]int32 // sorted source sets
	size   []int32   // cascades per group
	// hit[(g·L + l)·n + j]: cascades of group g with j infected by t_l.
	hit []int32
	// q[(l·n + s)·n + j] = q̂_sj(t_l): the fraction of the cascades having
	// s as a source in which j was infected by t_l with root s.
	q []float64
}

func newData(c *cic.Cascades, times []float64) *data {
	n, L := c.N, len(times)
	d := &data{n: n, L: L}
	index := make(map[string]int)
	cnt := make([]int32, n)       // cascades with s as a source
	reach := make([]int32, L*n*n) // [(l·n + s)·n + j], first l only, prefix-summed below
	var key strings.Builder
	for k := range c.M() {
		cas := c.Cascade(k)
		var src []int32
		for p, par := range cas.Parent {
			if par < 0 {
				src = append(src, cas.Node[p])
			}
		}
		slices.Sort(src)
		key.Reset()
		for _, s := range src {
			key.WriteString(strconv.Itoa(int(s)))
			key.WriteByte(',')
			cnt[s]++
		}
		g, ok := index[key.String()]
		if !ok {
			g = len(d.groups)
			index[key.String()] = g
			d.groups = append(d.groups, src)
			d.size = append(d.size, 0)
			d.hit = append(d.hit, make([]int32, L*n)...)
		}
		d.size[g]++
		for p, v := range cas.Node {
			l, _ := slices.BinarySearch(times, cas.Time[p])
			if l < L {
				d.hit[(g*L+l)*n+int(v)]++
				reach[(l*n+int(cas.Root[p]))*n+int(v)]++
			}
		}
	}
	for g := range d.groups {
		for l := 1; l < L; l++ {
			cur, prev := d.hit[(g*L+l)*n:(g*L+l+1)*n], d.hit[(g*L+l-1)*n:(g*L+l)*n]
			for j := range cur {
				cur[j] += prev[j]
			}
		}
	}
	d.q = make([]float64, L*n*n)
	for l := range L {
		for s := range n {
			row := reach[(l*n+s)*n : (l*n+s+1)*n]
			if l > 0 {
				prev := reach[((l-1)*n+s)*n : ((l-1)*n+s+1)*n]
				for j := range row {
					row[j] += prev[j]
				}
			}
			if cnt[s] == 0 {
				continue
			}
			for j, h := range row {
				d.q[(l*n+s)*n+j] = float64(h) / float64(cnt[s])
			}
		}
	}
	return d
}

type fitScratch struct {
	phi              []uint64 // group × ⌈K/64⌉ feature indicators
	y1, y0           []float64
	gs               []int32
	w, wNew, grad, p []float64
}

func growF(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// nodeLik is the per-node, per-time mean log-likelihood of fitOne,
//
//	ℓ(w) = (1/C) Σ_g [ y1_g log p_g + y0_g log(1 − p_g) ],  p_g = λ + (1 − 2λ) Σ_k w_k φ_gk,
//
// with φ_gk the bits of phi (kw words per group) and C = total, and its
// gradient ∂ℓ/∂w_k = (1 − 2λ)/C · Σ_{g: φ_gk = 1} (y1_g/p_g − y0_g/(1 − p_g)).
// value stores the p_g that gradient reads, so gradient gives the gradient
// at the w of the last value call.
type nodeLik struct {
	phi        []uint64
	y1, y0, p  []float64
	kw         int
	lam, total float64
}

// value returns ℓ(w) and keeps each group's p_g.
func (l *nodeLik) value(w []float64) float64 {
	v := 0.0
	for g := range l.p {
		f := 0.0
		for b, word := range l.phi[g*l.kw : (g+1)*l.kw] {
			for word != 0 {
				k := b*64 + bits.TrailingZeros64(word)
				word &= word - 1
				f += w[k]
			}
		}
		p := l.lam + (1-2*l.lam)*f
		l.p[g] = p
		if l.y1[g] > 0 {
			v += l.y1[g] * math.Log(p)
		}
		if l.y0[g] > 0 {
			v += l.y0[g] * math.Log(1-p)
		}
	}
	return v / l.total
}

// gradient writes ∇ℓ at the w of the last value call into grad.
func (l *nodeLik) gradient(grad []float64) {
	clear(grad)
	for g, p := range l.p {
		c := (1 - 2*l.lam) * (l.y1[g]/p - l.y0[g]/(1-p)) / l.total
		for b, word := range l.phi[g*l.kw : (g+1)*l.kw] {
			for word != 0 {
				k := b*64 + bits.TrailingZeros64(word)
				word &= word - 1
				grad[k] += c
			}
		}
	}
}

// fitOne draws the features of node j at time t_l and fits their weights
// by exponentiated gradient on the mean log-likelihood ℓ of nodeLik
// over the source-set groups g not containing j (y1_g, y0_g: cascades with
// j infected by t_l or not; φ_gk = 1[S_g ∩ R^k ≠ ∅]). It returns the
// number of iterations.
func (m *Model) fitOne(d *data, l, j int, rng *rand.Rand, set *Settings, sc *fitScratch) int {
	n, K, W := m.N, m.K, m.words
	q := l*n + j
	feat := m.feat[q*K*W : (q+1)*K*W]
	for s := range n {
		qs := d.q[(l*n+s)*n+j]
		if qs <= 0 {
			continue
		}
		for k := range K {
			if rng.Float64() < qs {
				feat[k*W+s/64] |= 1 << (s % 64)
			}
		}
	}
	// Training groups and their feature indicators.
	KW := (K + 63) / 64
	sc.gs, sc.y1, sc.y0, sc.phi = sc.gs[:0], sc.y1[:0], sc.y0[:0], sc.phi[:0]
	total := 0.0
	for g, src := range d.groups {
		if _, in := slices.BinarySearch(src, int32(j)); in {
			continue
		}
		h := float64(d.hit[(g*d.L+l)*n+j])
		sc.gs = append(sc.gs, int32(g))
		sc.y1, sc.y0 = append(sc.y1, h), append(sc.y0, float64(d.size[g])-h)
		total += float64(d.size[g])
		for range KW {
			sc.phi = append(sc.phi, 0)
		}
		row := sc.phi[len(sc.phi)-KW:]
		for k := range K {
			fk := feat[k*W : (k+1)*W]
			for _, s := range src {
				if fk[s/64]>>(s%64)&1 != 0 {
					row[k/64] |= 1 << (k % 64)
					break
				}
			}
		}
	}
	w := m.w[q*K : (q+1)*K]
	for k := range w {
		w[k] = 1 / float64(K)
	}
	G := len(sc.gs)
	if G == 0 || total == 0 {
		return 0
	}
	sc.p = growF(sc.p, G)
	sc.grad, sc.wNew = growF(sc.grad, K), growF(sc.wNew, K)
	nl := nodeLik{phi: sc.phi, y1: sc.y1, y0: sc.y0, p: sc.p, kw: KW, lam: set.Smoothing, total: total}
	ll := nl.value
	cur := ll(w)
	eta := set.Step
	it := 0
	for it < set.MaxIter {
		it++
		nl.gradient(sc.grad)
		accepted := false
		var next float64
		for range 30 {
			gmax := math.Inf(-1)
			for _, gk := range sc.grad {
				gmax = max(gmax, gk)
			}
			z := 0.0
			for k := range w {
				sc.wNew[k] = w[k] * math.Exp(eta*(sc.grad[k]-gmax))
				z += sc.wNew[k]
			}
			for k := range sc.wNew {
				sc.wNew[k] /= z
			}
			next = ll(sc.wNew)
			if next >= cur {
				accepted = true
				break
			}
			eta /= 2
		}
		if !accepted {
			ll(w) // restore sc.p
			break
		}
		copy(w, sc.wNew)
		eta *= 2 // let the step grow back after a success
		done := next-cur <= set.Tol
		cur = next
		if done {
			break
		}
	}
	return it
}

// Predict writes the infection probabilities x_v(t_l) = f_v(S; t_l) of the
// source set S (1 for the sources) time-major into dst, dst[l·N + v],
// allocating it when nil, and returns it. It panics if a source is not a
// node or len(dst) is neither 0 nor len(Times)·N.
func (m *Model) Predict(dst []float64, S []int) []float64 {
	n, K, W, L := m.N, m.K, m.words, len(m.Times)
	if dst == nil {
		dst = make([]float64, L*n)
	}
	if len(dst) != L*n {
		panic("influlearner: Predict: len(dst) != len(Times)·N")
	}
	mask := make([]uint64, W)
	for _, s := range S {
		if s < 0 || s >= n {
			panic(fmt.Sprintf("influlearner: source %d is not a node (0..%d)", s, n-1))
		}
		mask[s/64] |= 1 << (s % 64)
	}
	for q := range L * n {
		j := q % n
		if mask[j/64]>>(j%64)&1 != 0 {
			dst[q] = 1
			continue
		}
		feat := m.feat[q*K*W : (q+1)*K*W]
		w := m.w[q*K : (q+1)*K]
		f := 0.0
		for k := range K {
			fk := feat[k*W : (k+1)*W]
			for b, x := range mask {
				if fk[b]&x != 0 {
					f += w[k]
					break
				}
			}
		}
		dst[q] = min(1, f)
	}
	return dst
}
