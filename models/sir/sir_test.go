package sir

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/fixtures"
	"github.com/spread-dev/spread/train/gradcheck"
)

// randomParams draws λ and μ uniformly from [lo, hi].
func randomParams(g *graphs.Graph, seed uint64, lo, hi float64) (lambda, mu []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	lambda, mu = make([]float64, g.NumPairs()), make([]float64, g.N)
	for i := range lambda {
		lambda[i] = lo + (hi-lo)*rng.Float64()
	}
	for i := range mu {
		mu[i] = lo + (hi-lo)*rng.Float64()
	}
	return lambda, mu
}

// TestMarginalsExactOnTrees holds the DMP marginals against Monte Carlo on
// trees, where DMP is exact (Lokhov et al. 2014): with K = 200,000 cascades
// every P_S, P_R estimate has a standard error ≤ 0.0012, so 0.006 (5σ) must
// hold at every node and slot. A loopy graph (a triangle) is the negative
// control: there DMP overestimates infection and the check must fail.
func TestMarginalsExactOnTrees(t *testing.T) {
	tree, err := graphs.RegularTree(13, 3) // 1 + 3 + 9 nodes
	if err != nil {
		t.Fatal(err)
	}
	star := fixtures.MustGraph(5, []int{0, 0, 0, 1}, []int{1, 2, 3, 4}, false)
	loop := fixtures.MustGraph(3, []int{0, 1, 2}, []int{1, 2, 0}, true)
	for _, tc := range []struct {
		name   string
		g      *graphs.Graph
		source int
		exact  bool
	}{
		{"3-regular tree, root", tree, 0, true},
		{"3-regular tree, leaf", tree, 12, true},
		{"directed tree", star, 0, true},
		{"triangle (control)", loop, 0, false},
	} {
		const T, K = 6, 200_000
		lambda, mu := randomParams(tc.g, 7, 0.3, 0.9)
		PS, _, PR, err := Marginals(tc.g, lambda, mu, []int{tc.source}, T)
		if err != nil {
			t.Fatal(err)
		}
		srcs := make([][]int, K)
		for k := range srcs {
			srcs[k] = []int{tc.source}
		}
		cs, err := Simulate(tc.g, lambda, mu, srcs, T, 11)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for tt := range T {
			for i := range tc.g.N {
				s, r := 0, 0
				for _, c := range cs {
					if c.Inf[i] > tt {
						s++
					}
					if c.Rec[i] <= tt {
						r++
					}
				}
				worst = max(worst, math.Abs(PS[tt][i]-float64(s)/K), math.Abs(PR[tt][i]-float64(r)/K))
			}
		}
		if tc.exact && worst > 0.006 {
			t.Errorf("%s: max |DMP − MC| = %.4f, want ≤ 0.006", tc.name, worst)
		}
		if !tc.exact && worst <= 0.006 {
			t.Errorf("%s: max |DMP − MC| = %.4f: the control should differ", tc.name, worst)
		}
	}
}

// TestGradient checks the autodiff gradient of the likelihood against
// central differences (gradcheck defaults: step 1e-6, |a−b| ≤ 1e-8 +
// 1e-6·max(|a|, |b|)), on a loopy undirected graph and a directed tree, at
// parameters away from the box.
func TestGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, g := range []*graphs.Graph{
		fixtures.ER(rng, 8, 0.4, false),
		fixtures.MustGraph(5, []int{0, 0, 0, 1}, []int{1, 2, 3, 4}, false),
	} {
		const T = 5
		lambda, mu := randomParams(g, 5, 0.2, 0.8)
		srcs := make([][]int, 300)
		for k := range srcs {
			srcs[k] = []int{k % 3}
		}
		cs, err := Simulate(g, lambda, mu, srcs, T, 9)
		if err != nil {
			t.Fatal(err)
		}
		obs, err := Aggregate(g.N, T, cs)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := NewObjective(g, obs)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, obj.NumParams())
		for i := range x {
			x[i] = 0.2 + 0.6*rng.Float64()
		}
		r, err := gradcheck.CheckObjective(obj, x, nil, nil)
		obj.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !r.Pass {
			t.Errorf("N = %d: gradient check failed:\n%v", g.N, r)
		}
	}
}

// TestFit learns λ and μ from simulated cascades on a tree, where the
// likelihood is exact, through train.Loop with Adam: the estimates must be
// within 0.06 of the truth on average, and the run must be deterministic.
func TestFit(t *testing.T) {
	g, err := graphs.RegularTree(13, 3)
	if err != nil {
		t.Fatal(err)
	}
	const T = 8
	lambda, mu := randomParams(g, 21, 0.3, 0.8)
	srcs := make([][]int, 20_000)
	for k := range srcs {
		srcs[k] = []int{k % g.N}
	}
	cs, err := Simulate(g, lambda, mu, srcs, T, 5)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := Aggregate(g.N, T, cs)
	if err != nil {
		t.Fatal(err)
	}
	x, tr, err := Fit(g, obs, Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	truth := append(append([]float64(nil), lambda...), mu...)
	mae := 0.0
	for i := range x {
		mae += math.Abs(x[i] - truth[i])
	}
	mae /= float64(len(x))
	if mae > 0.06 {
		t.Errorf("mean |x − x*| = %.3f after %d iterations (%v), want ≤ 0.06", mae, tr.Iters, tr.Status)
	}
	if tr.Objective < tr.Initial {
		t.Errorf("log-likelihood fell from %v to %v", tr.Initial, tr.Objective)
	}
	x2, _, _ := Fit(g, obs, Config{}, nil)
	for i := range x {
		if math.Float64bits(x[i]) != math.Float64bits(x2[i]) {
			t.Fatalf("x[%d] differs between two runs: %v, %v", i, x[i], x2[i])
		}
	}
	t.Logf("mae %.4f, %d iterations, %v", mae, tr.Iters, tr.Status)
}
