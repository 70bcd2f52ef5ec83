package deepim

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/train/gradcheck"
	"github.com/spread-dev/spread/train/optim"
)

// stars is a 2-layer multiplex on 30 nodes with every p = 1 (spreads are
// exact): layer 1 is the star 0→{3..12}, layer 2 the stars 1→{13..22} and
// 2→{23..29}. With k = 3 the optimum is the three hubs, σ = 30; every
// other 3-set reaches at most 23.
func stars(t testing.TB) *multiplex.Model {
	t.Helper()
	var s1, d1, s2, d2 []int
	for v := 3; v <= 12; v++ {
		s1, d1 = append(s1, 0), append(d1, v)
	}
	for v := 13; v <= 22; v++ {
		s2, d2 = append(s2, 1), append(d2, v)
	}
	for v := 23; v <= 29; v++ {
		s2, d2 = append(s2, 2), append(d2, v)
	}
	return build(t, 30, [][2][]int{{s1, d1}, {s2, d2}}, []multiplex.Kind{multiplex.IC, multiplex.IC}, 1)
}

// build returns the multiplex on n nodes with the layers' arcs, kinds and
// every value p (nil values, the 1/in-degree default, if p = 0).
func build(t testing.TB, n int, layers [][2][]int, kinds []multiplex.Kind, p float64) *multiplex.Model {
	t.Helper()
	var gs []*graphs.Graph
	var ls []multiplex.Layer
	var names []string
	for i, l := range layers {
		g, _, err := graphs.FromEdges(n, l[0], l[1], nil, graphs.BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		gs, names = append(gs, g), append(names, string(rune('1'+i)))
		var vals []float64
		if p > 0 {
			vals = make([]float64, len(l[0]))
			for e := range vals {
				vals[e] = p
			}
		}
		ls = append(ls, multiplex.Layer{Kind: kinds[i], Values: vals})
	}
	mx, err := graphs.NewMultiplex(names, gs)
	if err != nil {
		t.Fatal(err)
	}
	m, err := multiplex.New(mx, ls, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// starsConfig is small enough to train in a few seconds.
func starsConfig() Config {
	return Config{Budget: 3, Samples: 128, Runs: 1, Epochs: 200, Hidden: 32, Latent: 8, Features: 8, Layers: 2, Epsilon: -1, Seed: 1}
}

var trained struct {
	once  sync.Once
	model *Model
	stats Stats
	err   error
}

// trainStars trains starsConfig on stars once for the tests that read it.
func trainStars(t *testing.T) (*Model, Stats) {
	t.Helper()
	trained.once.Do(func() {
		trained.model, trained.stats, trained.err = Train(context.Background(), stars(t), starsConfig())
	})
	if trained.err != nil {
		t.Fatal(trained.err)
	}
	return trained.model, trained.stats
}

// TestStarsKnownAnswer: DeepIM must reach ≥ 0.9 of the brute-force optimum
// (σ = 30, the three hubs; any other 3-set has σ ≤ 23 < 27, so this means
// finding the hubs). Catches a decoder, ascent or budget-penalty sign bug.
func TestStarsKnownAnswer(t *testing.T) {
	m := stars(t)
	model, _ := trainStars(t)
	seeds, err := model.Select(3)
	if err != nil {
		t.Fatal(err)
	}
	o := multiplex.MustMC(m, 1, 1, 1) // p = 1: one run is exact
	best := 0.0
	for a := range 30 {
		for b := a + 1; b < 30; b++ {
			for c := b + 1; c < 30; c++ {
				s, _ := o.Spread([]int{a, b, c})
				best = max(best, s)
			}
		}
	}
	got, _ := o.Spread(seeds)
	if best != 30 {
		t.Fatalf("brute-force optimum %v, want 30", best)
	}
	if len(seeds) != 3 || got < 0.9*best {
		t.Errorf("Select(3) = %v with σ = %v, want ≥ 0.9·%v", seeds, got, best)
	}
}

// TestTrainingLowersLosses: both losses fall by more than half and the
// estimator ends close to the exact spreads (p = 1) of hubs and leaves.
// Catches a wrong gradient sign, a learning rate not applied, or targets
// misaligned with the batch (the estimator would not fit).
func TestTrainingLowersLosses(t *testing.T) {
	model, st := trainStars(t)
	if st.Epochs != 200 || st.EarlyStopped {
		t.Fatalf("epochs %d early %v, want 200 without early stop (ε < 0)", st.Epochs, st.EarlyStopped)
	}
	for _, l := range []struct {
		name string
		x    []float64
	}{{"VAE", st.VAELoss}, {"estimator", st.EstimatorLoss}} {
		if a, b := l.x[0], l.x[len(l.x)-1]; !(b < a/2) {
			t.Errorf("%s loss %v → %v, want a fall by more than half", l.name, a, b)
		}
	}
	if a := st.Accuracy; !(a[len(a)-1] > a[0]+0.2) {
		t.Errorf("reconstruction accuracy %v, want a gain > 0.2", a)
	}
	o := multiplex.MustMC(stars(t), 1, 1, 1)
	for _, s := range [][]int{{0, 1, 2}, {0, 1}, {0}, {2}} { // tolerance: 3 nodes, 10 % of n
		want, _ := o.Spread(s)
		got, err := model.Estimate(s)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 3 {
			t.Errorf("f(%v) = %.2f, want %v ± 3", s, got, want)
		}
	}
}

// TestEstimatorMonotone: f(S ∪ {v}) ≥ f(S) for the trained estimator
// (Theorem of doc.go: W ≥ 0 by projection, monotone activations). Catches a
// missing projection or a negative-signed term.
func TestEstimatorMonotone(t *testing.T) {
	model, _ := trainStars(t)
	rng := rand.New(rand.NewPCG(5, 5))
	for range 200 {
		s := rng.Perm(30)[:rng.IntN(5)]
		v := rng.IntN(30)
		a, err := model.Estimate(s)
		if err != nil {
			t.Fatal(err)
		}
		b, err := model.Estimate(append(slices.Clone(s), v))
		if err != nil {
			t.Fatal(err)
		}
		if b < a-1e-12 {
			t.Fatalf("f(%v ∪ {%d}) = %v < f(%v) = %v", s, v, b, s, a)
		}
	}
}

// TestUnionCoupling: parallel arcs of two layers combine as
// 1 − (1 − a)(1 − b), the others keep their value. Catches a product of
// p instead of 1 − p, or arcs reversed.
func TestUnionCoupling(t *testing.T) {
	m := build(t, 3, [][2][]int{{{0, 1}, {1, 2}}, {{0}, {1}}}, []multiplex.Kind{multiplex.IC, multiplex.LT}, 0.5)
	u, err := newUnion(m)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(u.src, []int{0, 1}) || !slices.Equal(u.dst, []int{1, 2}) {
		t.Fatalf("union arcs %v→%v, want [0 1]→[1 2]", u.src, u.dst)
	}
	if math.Abs(u.w[0]-0.75) > 1e-15 || u.w[1] != 0.5 {
		t.Errorf("union weights %v, want [0.75 0.5]", u.w)
	}
}

// randomize binds random values to every input of g: parameters W ~ U(0.1,
// 1) (positive, the estimator's class) and b ~ U(−0.5, 0.5), data in
// (0.05, 0.95) so no ReLU sits at its kink.
func randomize(g *G.ExprGraph, rng *rand.Rand) {
	for _, n := range g.Inputs() {
		v, ok := n.Value().Data().([]float64)
		if !ok {
			continue
		}
		for i := range v {
			switch {
			case strings.HasSuffix(n.Name(), ".W"):
				v[i] = 0.1 + 0.9*rng.Float64()
				if !strings.HasPrefix(n.Name(), "f.") {
					v[i] -= 0.55
				}
			case strings.HasSuffix(n.Name(), ".b"):
				v[i] = rng.Float64() - 0.5
			case n.Name() == "f.arcw":
			case n.Name() == "eps" || n.Name() == "z":
				v[i] = rng.NormFloat64()
			default:
				v[i] = 0.05 + 0.9*rng.Float64()
			}
		}
	}
}

// TestGradients checks the three differentiable programs by central
// differences (step 1e-6): the VAE loss L_VAE, the estimator loss L_f and
// the selection objective J(z), each w.r.t. what it trains. Tolerances:
// relative 1e-5, absolute 1e-6 (float64 central differences of smooth
// compositions at step 1e-6 are good to about 1e-8 relative).
func TestGradients(t *testing.T) {
	m := stars(t)
	u, err := newUnion(m)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Config{Budget: 3, Hidden: 5, Latent: 3, Features: 3, Layers: 2, Seed: 7}.resolve(30)
	if err != nil {
		t.Fatal(err)
	}
	set := &gradcheck.Settings{Step: 1e-6, RelTol: 1e-5, AbsTol: 1e-6}
	for _, tc := range []struct {
		name  string
		build func(g *G.ExprGraph) (*G.Node, G.Nodes, error)
	}{
		{"VAE", func(g *G.ExprGraph) (*G.Node, G.Nodes, error) { return (&vaeGraph{}).build(g, &cfg, 30, 2) }},
		{"estimator", func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			return (&estGraph{}).build(g, &cfg, u, 2, false)
		}},
		{"select", func(g *G.ExprGraph) (*G.Node, G.Nodes, error) { return (&inferGraph{}).build(g, &cfg, u, 3) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 12))
			r, err := gradcheck.CheckGraph(gradcheck.GraphProblem{Build: func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
				c, wrt, err := tc.build(g)
				if err == nil {
					randomize(g, rng)
				}
				return c, wrt, err
			}}, set)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Pass {
				t.Errorf("gradient check failed:\n%v", r)
			}
			t.Logf("%d entries: max abs err %.2g, max rel err %.2g", r.N, r.MaxAbsErr, r.MaxRelErr)
		})
	}
}

// TestDeterministic: the same seed gives bit-identical losses and seeds
// with 1 or 3 labelling workers.
func TestDeterministic(t *testing.T) {
	m := stars(t)
	var runs [2]struct {
		st    Stats
		seeds []int
	}
	for i, w := range []int{1, 3} {
		cfg := starsConfig()
		cfg.Epochs, cfg.Runs, cfg.Workers = 8, 4, w
		model, st, err := Train(context.Background(), m, cfg)
		if err != nil {
			t.Fatal(err)
		}
		seeds, err := model.Select(2)
		if err != nil {
			t.Fatal(err)
		}
		runs[i].st, runs[i].seeds = st, seeds
	}
	a, b := runs[0], runs[1]
	if !slices.Equal(a.st.VAELoss, b.st.VAELoss) || !slices.Equal(a.st.EstimatorLoss, b.st.EstimatorLoss) || !slices.Equal(a.seeds, b.seeds) {
		t.Errorf("workers 1 vs 3 differ: %v %v %v vs %v %v %v", a.st.VAELoss, a.st.EstimatorLoss, a.seeds, b.st.VAELoss, b.st.EstimatorLoss, b.seeds)
	}
}

// TestEarlyStopping: with a huge ε the first quarter's gain is below it and
// training stops after Epochs/4 epochs, with two accuracies recorded.
func TestEarlyStopping(t *testing.T) {
	cfg := starsConfig()
	cfg.Epochs, cfg.Epsilon = 8, 10
	_, st, err := Train(context.Background(), stars(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !st.EarlyStopped || st.Epochs != 2 || len(st.Accuracy) != 2 {
		t.Errorf("early %v after %d epochs, accuracies %v; want a stop after 2 with 2 accuracies", st.EarlyStopped, st.Epochs, st.Accuracy)
	}
}

// TestBadInput: errors, never panics.
func TestBadInput(t *testing.T) {
	model, _ := trainStars(t)
	for _, k := range []int{0, -1, 31} {
		if _, err := model.Select(k); err == nil || !strings.Contains(err.Error(), "k =") {
			t.Errorf("Select(%d): error %v, want a k range error", k, err)
		}
	}
	if all, err := model.Select(30); err != nil || len(all) != 30 { // k = n: the polish has no non-seed to try
		t.Errorf("Select(30) on 30 nodes = %v, %v; want all 30 nodes", all, err)
	} else if slices.Sort(all); all[0] != 0 || all[29] != 29 || len(slices.Compact(all)) != 30 {
		t.Errorf("Select(30) = %v, want 0..29", all)
	}
	if _, err := model.Estimate([]int{30}); err == nil {
		t.Error("Estimate([30]) on 30 nodes: no error")
	}
	if _, _, err := Train(context.Background(), nil, Config{}); err == nil {
		t.Error("Train(nil model): no error")
	}
	for _, c := range []Config{{Epochs: -1}, {LR: -1}, {Lambda: math.NaN()}, {Workers: -2}, {Epsilon: math.Inf(1)}, {Rule: "greedy"}, {Polish: -1}} {
		if _, _, err := Train(context.Background(), stars(t), c); err == nil {
			t.Errorf("Train(%+v): no error", c)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Train(ctx, stars(t), starsConfig()); err == nil {
		t.Error("Train with a cancelled context: no error")
	}
}

// TestEstimatorProjection: an Adam step that pushes every parameter down
// hard leaves the estimator's weight matrices ≥ 0, exactly 0 where they
// hit the bound, while biases go negative. Catches a dropped or misnamed
// projection (then f is no longer monotone).
func TestEstimatorProjection(t *testing.T) {
	cfg, err := Config{Budget: 3, Features: 3, Layers: 2, Seed: 7}.resolve(30)
	if err != nil {
		t.Fatal(err)
	}
	u, err := newUnion(stars(t))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
		return (&estGraph{}).build(g, &cfg, u, 2, false)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	theta := obj.X()
	grad := make([]float64, len(theta))
	for i := range grad {
		grad[i] = 1
	}
	ps := adamParams(obj, theta, grad)
	if err := (&optim.Adam{LR: 10}).Step(ps); err != nil {
		t.Fatal(err)
	}
	weights := 0
	for _, p := range ps {
		for _, w := range p.Value {
			switch {
			case nonNegative(p.Name):
				if w != 0 {
					t.Fatalf("%s entry %v after the step, want 0 (projected)", p.Name, w)
				}
			case !(w < 0):
				t.Fatalf("%s entry %v after the step, want < 0 (free)", p.Name, w)
			}
		}
		if nonNegative(p.Name) {
			weights++
		}
	}
	if weights != 2*2+1 {
		t.Errorf("%d projected matrices, want 5 (W_s, W_n per layer and w_o)", weights)
	}
}
