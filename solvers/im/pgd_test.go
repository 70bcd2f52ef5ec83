package im

import (
	"errors"
	"github.com/spread-dev/spread/train"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// linear returns the modular objective f(u) = c·u, ∇f = c.
func linear(c []float64) train.ObjectiveFunc {
	return func(u, grad []float64) (float64, error) {
		f := 0.0
		for i := range u {
			f += c[i] * u[i]
			grad[i] = c[i]
		}
		return f, nil
	}
}

// topK returns the indices of the k largest entries of c (ties to the
// smaller index), sorted.
func topK(c []float64, k int, cand []int) []int {
	idx := cand
	if idx == nil {
		idx = make([]int, len(c))
		for i := range idx {
			idx[i] = i
		}
	}
	idx = slices.Clone(idx)
	sort.SliceStable(idx, func(a, b int) bool { return c[idx[a]] > c[idx[b]] })
	out := slices.Clone(idx[:k])
	slices.Sort(out)
	return out
}

// TestPGDModular: on a linear objective projected gradient ascent must pick
// exactly the top k, with several steps, schedules, starts and candidates.
func TestPGDModular(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 40; trial++ {
		n := 5 + rng.IntN(40)
		k := 1 + rng.IntN(n-1)
		c := make([]float64, n)
		for i := range c {
			c[i] = rng.NormFloat64()
		}
		method := &ProjectedGradient{Objective: linear(c), Iterations: 50 + rng.IntN(200)}
		switch trial % 4 {
		case 1:
			method.Step = 0.5
		case 2:
			method.Schedule = func(t int) float64 { return 1 / float64(t+1) }
		case 3:
			// From a random start the order of u follows c only once
			// t·γ·(gap in c) exceeds the spread of the start: separate c.
			for i, v := range rng.Perm(n) {
				c[i] = float64(v)
			}
			method.Step = 0.5
			method.Init = make([]float64, n)
			for i := range method.Init {
				method.Init[i] = rng.Float64() * 3
			}
		}
		var cand []int
		if trial%3 == 0 {
			cand = rng.Perm(n)[:max(k, n/2)]
		}
		res, err := Maximize(&Problem{N: n, K: k, Candidates: cand}, nil, method)
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Clone(res.Seeds)
		slices.Sort(got)
		if want := topK(c, k, cand); !slices.Equal(got, want) {
			t.Fatalf("trial %d: seeds %v, top-k %v", trial, got, want)
		}
		sum := 0.0
		for i, x := range res.Relaxed {
			sum += x
			if x < 0 || x > 1 || (cand != nil && !slices.Contains(cand, i) && x != 0) {
				t.Fatalf("trial %d: relaxed u[%d] = %v", trial, i, x)
			}
		}
		if math.Abs(sum-float64(k)) > 1e-9 {
			t.Fatalf("trial %d: Σu = %v, want %d", trial, sum, k)
		}
		// Without an oracle the reported spread is f at the rounded point.
		if want := func() float64 {
			s := 0.0
			for _, v := range res.Seeds {
				s += c[v]
			}
			return s
		}(); math.Abs(res.Spread-want) > 1e-9 {
			t.Fatalf("trial %d: spread %v, want f(χ_S) = %v", trial, res.Spread, want)
		}
	}
}

// TestPGDStatus checks the stopping rules.
func TestPGDStatus(t *testing.T) {
	c := []float64{3, 1, 2, 0.5}
	res, err := Maximize(&Problem{N: 4, K: 2}, nil, &ProjectedGradient{Objective: linear(c), Step: 1})
	if err != nil {
		t.Fatal(err)
	}
	// After one step u = (1, 0, 1, 0) and f stays 5: Patience = 10 small changes.
	if res.Status != train.Converged || res.Stats.Iterations != 11 {
		t.Errorf("status %v after %d iterations, want Converged after 11", res.Status, res.Stats.Iterations)
	}
	res, err = Maximize(&Problem{N: 4, K: 2}, nil, &ProjectedGradient{Objective: linear(c), Step: 1e-6, Iterations: 7, Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != train.IterationLimit || res.Stats.Iterations != 7 {
		t.Errorf("status %v after %d iterations, want IterationLimit after 7", res.Status, res.Stats.Iterations)
	}
}

// TestPGDNonFinite checks the typed error for a NaN gradient.
func TestPGDNonFinite(t *testing.T) {
	calls := 0
	obj := train.ObjectiveFunc(func(u, grad []float64) (float64, error) {
		calls++
		for i := range grad {
			grad[i] = 1
		}
		if calls == 4 {
			grad[2] = math.NaN()
		}
		return 0, nil
	})
	_, err := Maximize(&Problem{N: 5, K: 2}, nil, &ProjectedGradient{Objective: obj})
	var nf *train.NonFiniteError
	if !errors.As(err, &nf) || nf.Iter != 3 || nf.Index != 2 {
		t.Fatalf("got %v, want a NonFiniteError at iteration 3, node 2", err)
	}
	// An objective's own error stops the method and is returned wrapped:
	// no NaN stand-in (the workaround DMPInfMax once needed).
	errBoom := errors.New("boom")
	calls = 0
	fail := train.ObjectiveFunc(func(u, grad []float64) (float64, error) {
		if calls++; calls == 3 {
			return 0, errBoom
		}
		return 0, nil
	})
	if _, err := Maximize(&Problem{N: 5, K: 2}, nil, &ProjectedGradient{Objective: fail}); !errors.Is(err, errBoom) {
		t.Fatalf("got %v, want the objective's error", err)
	}
}

// TestPGDPolish: an objective that prefers the leaves of a star is
// corrected by swap polishing with the exact oracle, which finds the hub.
func TestPGDPolish(t *testing.T) {
	src := []int{0, 0, 0, 0, 0, 5}
	dst := []int{1, 2, 3, 4, 5, 6}
	p := []float64{0.9, 0.9, 0.9, 0.9, 0.5, 0.9}
	g, _, err := graphs.FromEdges(7, src, dst, p, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := ic.NewModel(g, nil)
	x, _ := NewExact(m)
	c := []float64{0, 1, 1, 1, 1, 0.5, 1} // wrong preferences
	for _, tc := range []struct {
		polish int
		want   []int
	}{
		{0, []int{1, 2}},
		{6, []int{0, 5}}, // σ({0,5}) = 6.5 beats every other pair ({0,6}: 6.1)
	} {
		res, err := Maximize(&Problem{Model: m, Oracle: x, K: 2}, nil, &ProjectedGradient{Objective: linear(c), Polish: tc.polish})
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Clone(res.Seeds)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("polish %d: seeds %v, want %v", tc.polish, got, tc.want)
		}
		if want, _ := x.Spread(res.Seeds); res.Spread != want {
			t.Errorf("polish %d: spread %v, exact %v", tc.polish, res.Spread, want)
		}
		if tc.polish > 0 {
			opt, _ := bruteForce(x, 7, 2)
			if math.Abs(res.Spread-opt) > 1e-12 {
				t.Errorf("polished spread %v, optimum %v", res.Spread, opt)
			}
		}
	}
}
