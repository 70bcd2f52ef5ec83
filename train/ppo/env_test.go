package ppo_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
)

// kBest is the "choose the k best nodes" environment: each episode draws
// node values u_v ~ U(0, 1) for A nodes from the reset seed; the agent picks
// k distinct nodes, one per step, and is rewarded u_v for each. Node v's
// features are (u_v, selected_v, t/k); selected nodes are masked. The
// optimal return is the sum of the k largest values (Optimum).
type kBest struct {
	A, K  int
	u     []float64
	sel   []bool
	t     int
	obs   []float64
	mask  []bool
	steps int // total Step calls
}

func newKBest(a, k int) *kBest {
	return &kBest{A: a, K: k, u: make([]float64, a), sel: make([]bool, a), obs: make([]float64, 3*a), mask: make([]bool, a)}
}

func (e *kBest) Spec() (int, int) { return e.A, 3 }

func (e *kBest) Reset(seed uint64) ([]float64, []bool, error) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for v := range e.u {
		e.u[v] = rng.Float64()
	}
	clear(e.sel)
	e.t = 0
	return e.observe()
}

func (e *kBest) observe() ([]float64, []bool, error) {
	for v := range e.A {
		s := 0.0
		if e.sel[v] {
			s = 1
		}
		e.obs[3*v], e.obs[3*v+1], e.obs[3*v+2] = e.u[v], s, float64(e.t)/float64(e.K)
		e.mask[v] = !e.sel[v]
	}
	return e.obs, e.mask, nil
}

func (e *kBest) Step(a int) ([]float64, []bool, float64, bool, error) {
	e.steps++
	if a < 0 || a >= e.A || e.sel[a] {
		return nil, nil, 0, false, fmt.Errorf("kBest: action %d is not allowed", a)
	}
	e.sel[a] = true
	e.t++
	obs, mask, _ := e.observe()
	return obs, mask, e.u[a], e.t == e.K, nil
}

// Optimum is the best return of the episode started by Reset(seed).
func (e *kBest) Optimum(seed uint64) float64 {
	e.Reset(seed)
	u := slices.Clone(e.u)
	sort.Sort(sort.Reverse(sort.Float64Slice(u)))
	s := 0.0
	for _, v := range u[:e.K] {
		s += v
	}
	return s
}
