package deepim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/spread-dev/spread/models/multiplex"
)

// web is a 2-layer multiplex on 40 nodes: random arcs (3 per node per
// layer, seed 3, no duplicates), IC and LT with the 1/in-degree values, where no single hub dominates and
// the estimator's optimum is not found by reading one decoded vector.
func web(t testing.TB) *multiplex.Model {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 3))
	var layers [][2][]int
	for range 2 {
		var s, d []int
		for u := range 40 {
			seen := []int{u}
			for range 3 {
				v := rng.IntN(40)
				if !slices.Contains(seen, v) {
					seen = append(seen, v)
					s, d = append(s, u), append(d, v)
				}
			}
		}
		layers = append(layers, [2][]int{s, d})
	}
	return build(t, 40, layers, []multiplex.Kind{multiplex.IC, multiplex.LT}, 0)
}

var webTrained struct {
	once  sync.Once
	model *Model
	err   error
}

// trainWeb trains a small tuned DeepIM on web once (a few seconds).
func trainWeb(t *testing.T) *Model {
	t.Helper()
	webTrained.once.Do(func() {
		cfg := Config{Budget: 4, Samples: 96, Runs: 8, Epochs: 30, Hidden: 32, Latent: 8, Features: 8, Layers: 2,
			Epsilon: -1, InferSteps: 50, Polish: 20, Seed: 2}
		webTrained.model, _, webTrained.err = Train(context.Background(), web(t), cfg)
	})
	if webTrained.err != nil || webTrained.model == nil {
		t.Fatalf("training on web failed: %v", webTrained.err)
	}
	return webTrained.model
}

// swapGain returns the largest f gain of a single swap of set (seed out,
// non-seed in), by the one-set estimator Estimate.
func swapGain(t *testing.T, m *Model, set []int) float64 {
	t.Helper()
	f0, err := m.Estimate(set)
	if err != nil {
		t.Fatal(err)
	}
	best := math.Inf(-1)
	for i := range set {
		for v := range m.NumNodes() {
			if slices.Contains(set, v) {
				continue
			}
			s := slices.Clone(set)
			s[i] = v
			f, err := m.Estimate(s)
			if err != nil {
				t.Fatal(err)
			}
			best = max(best, f-f0)
		}
	}
	return best
}

// TestBatchGreedyMatchesEstimate: the batched greedy (n sets per run, one
// column each) picks exactly what a greedy on the one-set Estimate picks.
// Catches a column/row mix-up of the (n, B) batch or a per-column sum over
// the wrong stride.
func TestBatchGreedyMatchesEstimate(t *testing.T) {
	m := trainWeb(t)
	const k = 4
	got, err := m.greedy(k)
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for range k {
		best, bestF := -1, math.Inf(-1)
		for v := range m.NumNodes() {
			if slices.Contains(want, v) {
				continue
			}
			f, err := m.Estimate(append(slices.Clone(want), v))
			if err != nil {
				t.Fatal(err)
			}
			if f > bestF+1e-9 {
				best, bestF = v, f
			}
		}
		want = append(want, best)
	}
	if !slices.Equal(got, want) {
		t.Errorf("batched greedy %v, one-set greedy %v", got, want)
	}
}

// TestPolishReachesSwapOptimum: from a poor set (the four lowest-f single
// nodes) the polish ends at a set no single swap improves (tolerance 1e-9
// relative, the polish's acceptance threshold, plus 1e-9 absolute for the
// batched vs one-set sums), with f not lower, and reports its f correctly.
// Catches a polish that never accepts, accepts worse sets, or evaluates the
// wrong position.
func TestPolishReachesSwapOptimum(t *testing.T) {
	m := trainWeb(t)
	type nf struct {
		v int
		f float64
	}
	var single []nf
	for v := range m.NumNodes() {
		f, err := m.Estimate([]int{v})
		if err != nil {
			t.Fatal(err)
		}
		single = append(single, nf{v, f})
	}
	slices.SortStableFunc(single, func(a, b nf) int { return int(math.Copysign(1, a.f-b.f)) })
	start := []int{single[0].v, single[1].v, single[2].v, single[3].v}
	f0, _ := m.Estimate(start)
	set, f, err := m.polish(start)
	if err != nil {
		t.Fatal(err)
	}
	fe, _ := m.Estimate(set)
	if math.Abs(fe-f) > 1e-9*math.Max(1, fe) {
		t.Errorf("polish reports f = %v, Estimate gives %v", f, fe)
	}
	if !(f > f0) {
		t.Errorf("polish %v (f = %v) → %v (f = %v), want a gain", start, f0, set, f)
	}
	if g := swapGain(t, m, set); g > 1e-9*math.Max(1, f)+1e-9 {
		t.Errorf("polished set %v: a swap still gains %v", set, g)
	}
}

// TestTunedSelect: under RuleTuned Select returns a set no single swap
// improves on the estimator, with f at least the paper rule's on the same
// model. Removing the polish from Select makes it fail here (checked: the
// unpolished tuned set gains 1.5 by one swap); TestStartPoints covers the
// greedy start.
func TestTunedSelect(t *testing.T) {
	m := trainWeb(t)
	const k = 4
	tuned, err := m.Select(k)
	if err != nil {
		t.Fatal(err)
	}
	ft, _ := m.Estimate(tuned)
	cfg := m.cfg
	m.cfg.Rule = RulePaper
	paper, err := m.Select(k)
	m.cfg = cfg
	if err != nil {
		t.Fatal(err)
	}
	fp, _ := m.Estimate(paper)
	g, err := m.greedy(k)
	if err != nil {
		t.Fatal(err)
	}
	fg, _ := m.Estimate(g)
	t.Logf("f: tuned %v %.4f, paper %v %.4f, greedy %v %.4f", tuned, ft, paper, fp, g, fg)
	if len(tuned) != k || ft < fp-1e-9 {
		t.Errorf("tuned %v (f = %v) below paper %v (f = %v)", tuned, ft, paper, fp)
	}
	if gain := swapGain(t, m, tuned); gain > 1e-9*math.Max(1, ft)+1e-9 {
		t.Errorf("tuned set %v: a swap still gains %v", tuned, gain)
	}
	if gain := swapGain(t, m, paper); !(gain > 1e-6) {
		t.Logf("note: the paper rule's set is already swap-optimal here (gain %v); the polish check is then weak", gain)
	}
}

// TestBiasedTrainingSets: under RuleTuned every other training set is drawn
// with probability ∝ 1 + coupled out-degree, so on stars the three hubs
// (weights 11, 11, 8 against 1) appear far more often in the odd sets than
// in the uniform even ones, sets have distinct nodes, and RulePaper draws
// no biased set. Catches a dropped or inverted bias (log u / w sign).
func TestBiasedTrainingSets(t *testing.T) {
	m := stars(t)
	u, err := newUnion(m)
	if err != nil {
		t.Fatal(err)
	}
	hubs := func(rule string) (odd, even int) {
		cfg, err := Config{Budget: 2, Samples: 400, Runs: 1, Rule: rule, Seed: 9}.resolve(30)
		if err != nil {
			t.Fatal(err)
		}
		d, err := label(context.Background(), m, u, &cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range d.sets {
			c := slices.Clone(s)
			slices.Sort(c)
			if len(slices.Compact(c)) != len(s) || len(s) < 1 || len(s) > 4 {
				t.Fatalf("set %d = %v: want 1..4 distinct nodes", i, s)
			}
			for _, v := range s {
				if v <= 2 {
					if i%2 == 1 {
						odd++
					} else {
						even++
					}
				}
			}
		}
		return odd, even
	}
	odd, even := hubs(RuleTuned)
	if !(odd > 3*even) {
		t.Errorf("tuned: hubs appear %d times in the biased sets, %d in the uniform ones; want > 3×", odd, even)
	}
	odd, even = hubs(RulePaper)
	if odd > 2*even || even > 2*odd {
		t.Errorf("paper: hubs appear %d (odd) vs %d (even) times; want both uniform", odd, even)
	}
}

// TestStartPoints: RuleTuned's first latent start is the encoder mean of
// the estimator's greedy set and it has one start more than RulePaper
// (Config.Starts), whose last start is z = 0. Catches the greedy start
// dropped, or encoded from another set.
func TestStartPoints(t *testing.T) {
	m := trainWeb(t)
	const k = 4
	tuned, err := m.startPoints(k)
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.greedy(k)
	if err != nil {
		t.Fatal(err)
	}
	mu, err := m.encode(g)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tuned[0], mu) {
		t.Errorf("first tuned start %v, want μ(greedy %v) = %v", tuned[0], g, mu)
	}
	cfg := m.cfg
	m.cfg.Rule = RulePaper
	paper, err := m.startPoints(k)
	m.cfg = cfg
	if err != nil {
		t.Fatal(err)
	}
	if len(paper) != cfg.Starts || len(tuned) != cfg.Starts+1 {
		t.Errorf("%d paper and %d tuned starts, want %d and %d", len(paper), len(tuned), cfg.Starts, cfg.Starts+1)
	}
	if !slices.Equal(paper[len(paper)-1], make([]float64, cfg.Latent)) || !slices.Equal(tuned[1], paper[0]) {
		t.Error("paper starts are not the tuned starts after the greedy one, ending at z = 0")
	}
	other, err := m.encode(append(slices.Clone(g[1:]), (g[0]+1)%m.NumNodes()))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(other, mu) {
		t.Error("encoder means of two different sets are equal: the check above is vacuous")
	}
}

// TestLocalMatchesEstimate: the local evaluator's f of the base set and
// of every single-node change (one added, one swapped) equals the one-set
// Estimate (the full gorgonia forward) to 1e-9 relative, on web and on a
// 3-layer estimator over a multiplex with a self-loop, an arc in two
// layers, chains longer than L and isolated nodes. Catches a wrong
// neighbourhood D_ℓ (too shallow, or a missed upstream change), a row
// stride or weight-layout error, or a stale base after setBase.
func TestLocalMatchesEstimate(t *testing.T) {
	// 12 nodes: chain 0→1→2→3→4→5 (layer 1), 3→3 self-loop and 2→6→7,
	// 1→2 again (layer 2), 8 and 9 isolated, 10→11 (layer 3).
	small := build(t, 12, [][2][]int{
		{{0, 1, 2, 3, 4}, {1, 2, 3, 4, 5}},
		{{3, 2, 6, 1}, {3, 6, 7, 2}},
		{{10}, {11}},
	}, []multiplex.Kind{multiplex.IC, multiplex.LT, multiplex.IC}, 0)
	deep, _, err := Train(context.Background(), small, Config{Budget: 3, Samples: 16, Runs: 4, Epochs: 3, Hidden: 8, Latent: 4,
		Features: 5, Layers: 3, Epsilon: -1, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for _, m := range []*Model{trainWeb(t), deep} {
		le, err := m.localEstimator()
		if err != nil {
			t.Fatal(err)
		}
		n := m.NumNodes()
		for trial := range 6 {
			set := rng.Perm(n)[:trial%4]
			le.setBase(set)
			check := func(what string, got float64, s []int) {
				t.Helper()
				want, err := m.Estimate(s)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
					t.Errorf("n = %d, base %v, %s: local f = %.12g, Estimate %.12g", n, set, what, got, want)
				}
			}
			check("base", le.f, set)
			for v := range n {
				if slices.Contains(set, v) {
					continue
				}
				check(fmt.Sprintf("+%d", v), le.change(-1, v), append(slices.Clone(set), v))
				for i, o := range set {
					s := slices.Clone(set)
					s[i] = v
					check(fmt.Sprintf("%d→%d", o, v), le.change(o, v), s)
				}
			}
		}
	}
}
