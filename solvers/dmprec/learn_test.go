package dmprec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
)

// fig1Problem builds the setting of the paper's Fig. 1: the 3-regular tree
// on N nodes, α* ~ U[0,1] per edge, M single-seed cascades with the seed
// uniform over all nodes, horizon T (the paper's "length 5" is T = 4 here:
// activation times 0..3 plus censored, see models/ic). Cascades are grouped
// into one class per seed node, in node order.
func fig1Problem(tb testing.TB, N, M, T int, seed uint64) (g *graphs.Graph, star []float64, obs *ic.Observations) {
	tb.Helper()
	g, err := graphs.RegularTree(N, 3)
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	star = make([]float64, g.NumPairs())
	for p := range star {
		star[p] = rng.Float64()
	}
	alpha := ic.ExpandAlpha(nil, g, star)
	W := T + 1
	times := make([][]int32, M)
	sim := ic.NewSimulator(g, alpha, T)
	sim.SimulateMany(M, seed, 1, ic.UniformSeed(nil), func(_, idx int, c ic.Cascade) {
		times[idx] = c.Dense(nil, N, int32(T))
	})
	classOf := make([]int, N)
	for i := range classOf {
		classOf[i] = -1
	}
	obs = &ic.Observations{N: N, T: T}
	for s := 0; s < N; s++ {
		p0 := make([]float64, N)
		p0[s] = 1
		obs.Classes = append(obs.Classes, ic.Class{Seeds: []int{s}, P0: p0, Counts: make([]float64, N*W)})
	}
	for _, tm := range times {
		s := -1
		for i, x := range tm {
			if x == 0 {
				s = i
			}
		}
		c := &obs.Classes[s]
		c.M++
		for i, x := range tm {
			c.Counts[i*W+int(x)]++
		}
	}
	// Drop seeds that never occurred.
	kept := obs.Classes[:0]
	for _, c := range obs.Classes {
		if c.M > 0 {
			kept = append(kept, c)
		}
	}
	obs.Classes = kept
	return g, star, obs
}

// ascend runs the original code's gradient ascent (spec §4.7) for a fixed
// number of iterations from α = 0.5: step ε₀ = N/(M·T_code·80), T_code = T+1,
// constant for K₀ = 400 iterations and ε₀/sqrt(K+1−K₀) after; per
// coordinate the step is halved while the new α leaves (0, 1).
func ascend(tb testing.TB, grad func(dst, theta []float64) error, P, N, M, T, iters int) []float64 {
	tb.Helper()
	theta := make([]float64, P)
	for k := range theta {
		theta[k] = 0.5
	}
	g := make([]float64, P)
	eps0 := float64(N) / (float64(M) * float64(T+1) * 80)
	const K0 = 400
	for K := 0; K < iters; K++ {
		if err := grad(g, theta); err != nil {
			tb.Fatal(err)
		}
		eps := eps0
		if K >= K0 {
			eps = eps0 / math.Sqrt(float64(K+1-K0))
		}
		for k := range theta {
			step := eps * g[k]
			for x := theta[k] + step; x <= 0 || x >= 1; x = theta[k] + step {
				step /= 2
			}
			theta[k] += step
		}
	}
	return theta
}

// TestLearningMatchesSLICER is the paper's Fig. 1a claim: learning with
// DMPrec and with SLICER's adjoint gives the same estimates, because both
// ascend the same objective with the same gradient.
func TestLearningMatchesSLICER(t *testing.T) {
	const N, M, T, iters = 20, 1000, 4, 600
	g, star, obs := fig1Problem(t, N, M, T, 2021)
	P := g.NumPairs()
	dw := NewWorkspace(g, nil)
	aw := adjoint.NewWorkspace(g, nil)
	thD := ascend(t, func(dst, th []float64) error { _, _, err := dw.Gradient(dst, th, obs); return err }, P, N, M, T, iters)
	thA := ascend(t, func(dst, th []float64) error { _, _, err := aw.Gradient(dst, th, obs); return err }, P, N, M, T, iters)
	diff, errD, err0 := 0.0, 0.0, 0.0
	for k := range thD {
		diff = max(diff, math.Abs(thD[k]-thA[k]))
		errD += math.Abs(thD[k]-star[k]) / float64(P)
		err0 += math.Abs(0.5-star[k]) / float64(P)
	}
	t.Logf("N=%d M=%d T=%d, %d iterations: max |θ_DMPrec − θ_SLICER| = %.2g; mean |α−α*| = %.4f (start %.4f)", N, M, T, iters, diff, errD, err0)
	if diff > 1e-8 {
		t.Errorf("DMPrec and SLICER estimates differ by %g > 1e-8", diff)
	}
	if errD > 0.6*err0 {
		t.Errorf("learning did not improve the estimate enough: mean |α−α*| %.4f from %.4f", errD, err0)
	}
}
