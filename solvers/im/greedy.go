package im

import (
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"
)

// Greedy is the plain greedy algorithm of Kempe, Kleinberg and Tardos
// (2003): K rounds, each adding the candidate v with the largest marginal
// gain Δ(v | S) = σ(S ∪ {v}) − σ(S), ties going to the smaller node index.
// It makes 1 + Σ_{t<K}(|candidates| − t) oracle calls. For a monotone
// submodular σ it reaches at least (1 − 1/e)·OPT.
type Greedy struct{}

// Run implements Method.
func (Greedy) Run(p *Problem, s *Settings) (*Result, error) {
	o, err := p.oracle(s)
	if err != nil {
		return nil, err
	}
	c := &counter{o: o}
	cand := p.candidates()
	in := make([]bool, p.N)
	S := make([]int, 0, p.K+1)
	base, baseErr := c.Spread(S)
	if err := checkSpread(base, S); err != nil {
		return nil, err
	}
	gains := make([]float64, 0, p.K)
	for t := 0; t < p.K; t++ {
		best := -1
		var bestGain, bestVal, bestErr float64
		for _, v := range cand {
			if in[v] {
				continue
			}
			T := append(S, v)
			val, se := c.Spread(T)
			if err := checkSpread(val, T); err != nil {
				return nil, err
			}
			g := val - base
			if best < 0 || g > bestGain || (g == bestGain && v < best) {
				best, bestGain, bestVal, bestErr = v, g, val, se
			}
		}
		S = append(S, best)
		in[best] = true
		base, baseErr = bestVal, bestErr
		gains = append(gains, bestGain)
		if err := record(s, train.Progress{Method: "greedy", Iter: t + 1, Set: S, Objective: base}); err != nil {
			return nil, err
		}
	}
	return &Result{Seeds: S, Gains: gains, Spread: base, StdErr: baseErr, Status: train.Success,
		Stats: Stats{OracleCalls: c.calls}}, nil
}

func checkSpread(v float64, seeds []int) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("im: oracle returned spread %v for seeds %v", v, seeds)
	}
	return nil
}

// CELF is lazy greedy (Leskovec et al., KDD 2007). Every candidate sits in a
// max-heap keyed by its last computed gain, together with the round (the
// size of S) in which that gain was computed. The top is taken only if its
// gain is current; a stale top is recomputed against the current S and
// pushed back. By submodularity a stale gain is an upper bound on the
// current one, so the selected node is greedy's.
//
// To make this exact in floating point, where σ is submodular only up to
// rounding, a current top is taken only once every stale entry whose bound
// lies within a relative 1e-9 of its gain has been recomputed; current
// entries compare exactly as in Greedy (same sets, same subtraction, ties to
// the smaller index). So with the same deterministic submodular oracle (MC
// with a fixed seed, Exact) CELF returns exactly Greedy's seeds and gains,
// usually with far fewer oracle calls. With an oracle that is not
// submodular (DMP, for instance) CELF is a heuristic.
type CELF struct{}

// celfTol is the relative width of the zone in which stale bounds are
// refreshed before a current top is accepted.
const celfTol = 1e-9

type celfEntry struct {
	gain, val, se float64
	node          int
	round         int // |S| when gain was computed
}

// above orders the heap: larger gain first, then smaller node.
func (a *celfEntry) above(b *celfEntry) bool {
	return a.gain > b.gain || (a.gain == b.gain && a.node < b.node)
}

type celfHeap []celfEntry

func (h celfHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && h[r].above(&h[l]) {
			c = r
		}
		if !h[c].above(&h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

func (h celfHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// Run implements Method.
func (CELF) Run(p *Problem, s *Settings) (*Result, error) {
	o, err := p.oracle(s)
	if err != nil {
		return nil, err
	}
	c := &counter{o: o}
	cand := p.candidates()
	S := make([]int, 0, p.K+1)
	base, baseErr := c.Spread(S)
	if err := checkSpread(base, S); err != nil {
		return nil, err
	}
	eval := func(e *celfEntry) error {
		T := append(S, e.node)
		val, se := c.Spread(T)
		if err := checkSpread(val, T); err != nil {
			return err
		}
		e.val, e.se, e.gain, e.round = val, se, val-base, len(S)
		return nil
	}
	h := make(celfHeap, len(cand))
	for i, v := range cand {
		h[i].node = v
		if err := eval(&h[i]); err != nil {
			return nil, err
		}
	}
	h.init()
	gains := make([]float64, 0, p.K)
	var zone []int
	for len(S) < p.K {
		top := &h[0]
		if top.round != len(S) {
			if err := eval(top); err != nil {
				return nil, err
			}
			h.down(0)
			continue
		}
		// The top is current. Collect the stale entries whose bound is
		// within the tolerance zone below it (a subtree at the root).
		thr := top.gain - celfTol*math.Max(1, math.Abs(top.gain))
		zone = zone[:0]
		stack := []int{0}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, j := range [2]int{2*i + 1, 2*i + 2} {
				if j < len(h) && h[j].gain >= thr {
					stack = append(stack, j)
					if h[j].round != len(S) {
						zone = append(zone, j)
					}
				}
			}
		}
		if len(zone) > 0 {
			for _, j := range zone {
				if err := eval(&h[j]); err != nil {
					return nil, err
				}
			}
			h.init()
			continue
		}
		sel := h[0]
		last := len(h) - 1
		h[0] = h[last]
		h = h[:last]
		h.down(0)
		S = append(S, sel.node)
		base, baseErr = sel.val, sel.se
		gains = append(gains, sel.gain)
		if err := record(s, train.Progress{Method: "celf", Iter: len(S), Set: S, Objective: base}); err != nil {
			return nil, err
		}
	}
	return &Result{Seeds: S, Gains: gains, Spread: base, StdErr: baseErr, Status: train.Success,
		Stats: Stats{OracleCalls: c.calls}}, nil
}
