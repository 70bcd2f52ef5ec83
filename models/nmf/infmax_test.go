package nmf_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/solvers/im"
)

// starModel is a hand-set NMF model on n nodes: A is a star with hub 0
// (rate 1 to every leaf) plus a weak chain 1 → 2 (rate 0.2), and ε ≈ 0 (zero
// weights, output bias −30).
func starModel(t *testing.T, n int) (nmf.Config, []float64) {
	t.Helper()
	cfg, err := nmf.Config{N: n, Hidden: []int{3}, T: 2, Steps: 10, Method: ode.RK4}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, cfg.NumParams())
	fs := cfg.Layout()
	for j := 1; j < n; j++ {
		theta[fs[0].Offset+j] = 1
	}
	theta[fs[0].Offset+1*n+2] = 0.2
	last := fs[len(fs)-1]
	for i := range last.Size {
		theta[last.Offset+i] = -30
	}
	return cfg, theta
}

func TestInfluenceStarHub(t *testing.T) {
	const n = 6
	cfg, theta := starModel(t, n)
	inf, err := nmf.NewInfluence(cfg, theta, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer inf.Close()
	// Binary u agrees with the Predictor.
	p, err := nmf.NewPredictor(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, seeds := range [][]int{{0}, {1}, {3, 4}} {
		traj, err := p.Predict(theta, [][]int{seeds})
		if err != nil {
			t.Fatal(err)
		}
		want := 0.0
		for _, v := range traj[0][cfg.Steps*n:] {
			want += v
		}
		got, err := inf.Spread(seeds)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("seeds %v: influence %v, predictor %v", seeds, got, want)
		}
	}
	for k, want := range map[int][]int{1: {0}, 2: {0, 1}} {
		res, err := im.Maximize(&im.Problem{N: n, K: k}, nil, &im.ProjectedGradient{Objective: inf, Step: 0.05, Iterations: 300})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Seeds) != k || res.Seeds[0] != want[0] || (k == 2 && res.Seeds[1] != want[1]) {
			t.Errorf("k = %d: seeds %v (relaxed %v), want %v", k, res.Seeds, res.Relaxed, want)
		}
	}
}

func TestInfluenceGradFD(t *testing.T) {
	const n = 5
	cfg, theta := starModel(t, n)
	// A random ε so its path contributes to ∂f/∂u.
	rng := rand.New(rand.NewPCG(3, 4))
	fs := cfg.Layout()
	for _, f := range fs[3:] {
		for i := range f.Size {
			theta[f.Offset+i] = 0.5 * (2*rng.Float64() - 1)
		}
	}
	for i := range n {
		theta[fs[1].Offset+i], theta[fs[2].Offset+i] = 0.3, 0.5
	}
	for _, rho := range []float64{0, 0.7} {
		inf, err := nmf.NewInfluence(cfg, theta, rho)
		if err != nil {
			t.Fatal(err)
		}
		u := []float64{0.3, 0.15, 0.25, 0.1, 0.2}
		g := make([]float64, n)
		if _, err := inf.Eval(u, g); err != nil {
			t.Fatal(err)
		}
		const h = 1e-6
		for i := range n {
			up, dn := append([]float64(nil), u...), append([]float64(nil), u...)
			up[i] += h
			dn[i] -= h
			fp, _ := inf.Eval(up, nil)
			fm, _ := inf.Eval(dn, nil)
			fd := (fp - fm) / (2 * h)
			if math.Abs(fd-g[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Errorf("rho %v: ∂f/∂u_%d = %v, finite difference %v", rho, i, g[i], fd)
			}
		}
		inf.Close()
	}
}

func TestNetwork(t *testing.T) {
	cfg, theta := starModel(t, 4)
	es, err := cfg.Network(theta, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 || es[0] != (nmf.Edge{Src: 0, Dst: 1, A: 1}) || es[2].Dst != 3 {
		t.Errorf("edges %v", es)
	}
	if es, _ = cfg.Network(theta, 0.1); len(es) != 4 {
		t.Errorf("threshold 0.1: %v", es)
	}
	c2, err := cfg.AtHorizon(1)
	if err != nil || c2.Steps != 5 || c2.T != 1 {
		t.Errorf("AtHorizon(1): %v %v", c2.Steps, err)
	}
	if _, err := cfg.AtHorizon(3); err == nil {
		t.Error("AtHorizon beyond T accepted")
	}
}
