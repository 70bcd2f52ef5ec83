package im

import (
	"math"
	"slices"
	"testing"

	"github.com/spread-dev/spread/internal/difftest"
	"github.com/spread-dev/spread/models/cic"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/models/lt"
)

// TestRRSetsUnbiased checks n·P[RR ∩ S ≠ ∅] = σ(S) on small instances:
// the fraction of sampled RR sets that S hits, times n, matches the exact
// spread within 4.5 binomial standard errors.
func TestRRSetsUnbiased(t *testing.T) {
	g := difftest.RandomGraph(t, 10, 16, 0.1, 0.9, 41)
	icm, _ := ic.NewModel(g, nil)
	ltm, _ := lt.NewModel(g, difftest.LTWeights(g, 0.9, 41))
	var src, dst []int
	for u := 1; u <= 14; u++ {
		src, dst = append(src, u), append(dst, 0)
	}
	star := difftest.MustGraph(t, 15, src, dst)
	wc, _ := ic.NewModel(star, diffusion.WeightedCascade(nil, star)) // node 0 sampled by geometric gaps
	for _, tc := range []struct {
		name  string
		m     diffusion.Model
		seeds []int
	}{
		{"IC/geometric", wc, []int{2, 7, 9}},
		{"IC", icm, []int{0, 5}},
		{"LT", ltm, []int{3}},
	} {
		x, err := NewExact(tc.m)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := x.Spread(tc.seeds)
		R := newRRSets(tc.m.NumNodes(), diffusion.NewStream(1, streamRR))
		R.grow(200000, []diffusion.Sampler{tc.m.NewSampler(), tc.m.NewSampler()})
		hit := 0
		for j := 0; j < R.count(); j++ {
			for _, v := range R.set(j) {
				if slices.Contains(tc.seeds, int(v)) {
					hit++
					break
				}
			}
		}
		n := float64(tc.m.NumNodes())
		F := float64(hit) / float64(R.count())
		se := n * math.Sqrt(F*(1-F)/float64(R.count()))
		if got := n * F; math.Abs(got-want) > 4.5*se {
			t.Errorf("%s: n·F = %.4f ± %.4f, exact σ = %.4f", tc.name, got, se, want)
		}
	}
}

// TestMaxCoverBruteForce checks greedy maximum coverage and its inverted
// index against a direct recount on random collections.
func TestMaxCoverBruteForce(t *testing.T) {
	m, _ := ic.NewModel(difftest.RandomGraph(t, 50, 300, 0, 0.4, 43), nil)
	R := newRRSets(50, diffusion.NewStream(2, streamRR))
	s := []diffusion.Sampler{m.NewSampler()}
	for _, to := range []int{100, 1000, 1500, 4000} { // several index blocks
		R.grow(to, s)
	}
	sel := R.maxCover(6, nil)
	covered := make([]bool, R.count())
	var total int64
	for i, v := range sel.seeds {
		// Recount the gain of every node by brute force; v must be the
		// argmax (ties to the smaller index).
		best, bestGain := -1, int64(-1)
		for u := 0; u < 50; u++ {
			if slices.Contains(sel.seeds[:i], u) {
				continue
			}
			var gain int64
			for j := 0; j < R.count(); j++ {
				if !covered[j] && slices.Contains(R.set(j), int32(u)) {
					gain++
				}
			}
			if gain > bestGain {
				best, bestGain = u, gain
			}
		}
		if v != best || sel.gains[i] != bestGain {
			t.Fatalf("round %d: maxCover chose %d (gain %d), brute force %d (gain %d)", i, v, sel.gains[i], best, bestGain)
		}
		for j := 0; j < R.count(); j++ {
			if slices.Contains(R.set(j), int32(v)) && !covered[j] {
				covered[j] = true
				total++
			}
		}
	}
	if total != sel.covered {
		t.Errorf("covered %d, recount %d", sel.covered, total)
	}
}

// TestIMMAccuracy runs IMM on a few-hundred-node random graph for each
// model and checks that its estimate n·F_R(S) is within ε (relative) of an
// independent MC estimate of σ(S) (20,000 runs), and that S is about as good
// as CELF's seeds with an MC oracle.
func TestIMMAccuracy(t *testing.T) {
	g := difftest.RandomGraph(t, 400, 2400, 0, 1, 51)
	icm, _ := ic.NewModel(g, diffusion.WeightedCascade(nil, g))
	ltm, _ := lt.NewModel(g, difftest.LTWeights(g, 0.9, 51))
	ct, _ := cic.NewModel(g, cic.Exponential(), nil, 0.4)
	const eps = 0.1
	for _, tc := range []struct {
		name string
		m    diffusion.Model
		k    int
	}{
		{"IC", icm, 10},
		{"LT", ltm, 10},
		{"CTIC", ct, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Maximize(&Problem{Model: tc.m, K: tc.k}, &Settings{Seed: 1}, &IMM{Epsilon: eps})
			if err != nil {
				t.Fatal(err)
			}
			mc, se := (&MC{Model: tc.m, Runs: 20000, Seed: 99}).Spread(res.Seeds)
			if math.Abs(res.Spread-mc) > eps*mc {
				t.Errorf("IMM estimate %.2f, MC %.2f ± %.2f: off by more than ε", res.Spread, mc, se)
			}
			// The sample size must be at least λ*/LB.
			_, lambdaStar, _, _ := immParams(400, tc.k, eps, 1)
			if float64(res.Stats.RRSets) < lambdaStar/res.Stats.LowerBound {
				t.Errorf("θ = %d < λ*/LB = %.0f", res.Stats.RRSets, lambdaStar/res.Stats.LowerBound)
			}
			if res.Stats.LowerBound > res.Spread {
				t.Errorf("LB %.1f above the estimate %.1f", res.Stats.LowerBound, res.Spread)
			}
			cf, err := Maximize(&Problem{Model: tc.m, K: tc.k}, &Settings{Seed: 3, Runs: 300}, CELF{})
			if err != nil {
				t.Fatal(err)
			}
			mcCELF, _ := (&MC{Model: tc.m, Runs: 20000, Seed: 99}).Spread(cf.Seeds)
			if mc < (1-eps)*mcCELF {
				t.Errorf("IMM seeds spread %.2f, CELF seeds %.2f", mc, mcCELF)
			}
			t.Logf("IMM %.2f (MC %.2f ± %.2f), CELF seeds MC %.2f, θ = %d, LB = %.1f, rounds %d",
				res.Spread, mc, se, mcCELF, res.Stats.RRSets, res.Stats.LowerBound, res.Stats.Iterations)
		})
	}
}

// TestIMMDeterministic checks that IMM's output depends on the seed only,
// not on the number of workers, with and without fresh phase-2 sets and
// with candidates.
func TestIMMDeterministic(t *testing.T) {
	g := difftest.RandomGraph(t, 300, 1500, 0, 1, 61)
	icm, _ := ic.NewModel(g, diffusion.WeightedCascade(nil, g))
	ct, _ := cic.NewModel(g, cic.Exponential(), nil, 0.5)
	for _, tc := range []struct {
		name   string
		m      diffusion.Model
		method *IMM
		cand   []int
	}{
		{"IC", icm, &IMM{}, nil},
		{"IC/fresh", icm, &IMM{FreshPhase2: true, Epsilon: 0.2}, nil},
		{"IC/candidates", icm, &IMM{Epsilon: 0.3}, []int{5, 10, 15, 20, 25, 30, 35, 40}},
		{"CTIC", ct, &IMM{Epsilon: 0.3}, nil},
	} {
		var ref *Result
		for _, w := range []int{1, 2, 3, 7} {
			res, err := Maximize(&Problem{Model: tc.m, K: 4, Candidates: tc.cand}, &Settings{Seed: 5, Workers: w}, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if ref == nil {
				ref = res
				continue
			}
			if !slices.Equal(res.Seeds, ref.Seeds) || res.Spread != ref.Spread || res.Stats.RRNodes != ref.Stats.RRNodes || res.Stats.RRSets != ref.Stats.RRSets {
				t.Errorf("%s: workers=%d gives %v %.3f (%d nodes), workers=1 gives %v %.3f (%d nodes)",
					tc.name, w, res.Seeds, res.Spread, res.Stats.RRNodes, ref.Seeds, ref.Spread, ref.Stats.RRNodes)
			}
		}
		for _, v := range ref.Seeds {
			if tc.cand != nil && !slices.Contains(tc.cand, v) {
				t.Errorf("%s: seed %d not a candidate", tc.name, v)
			}
		}
	}
}

// TestIMMSmall covers tiny graphs (n = 1, 2, 3) where phase 1 has no rounds.
func TestIMMSmall(t *testing.T) {
	for n := 1; n <= 3; n++ {
		var src, dst []int
		for v := 1; v < n; v++ {
			src, dst = append(src, 0), append(dst, v)
		}
		gg, err := ic.NewModel(difftest.MustGraph(t, n, src, dst), nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Maximize(&Problem{Model: gg, K: 1}, nil, &IMM{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Seeds, []int{0}) || math.Abs(res.Spread-float64(n)) > 1e-9 {
			t.Errorf("n=%d: seeds %v spread %v, want [0] and %d", n, res.Seeds, res.Spread, n)
		}
	}
}

// TestIndexWorkers checks that the inverted index does not depend on the
// number of workers (ranges large enough for 1, 2 and 3 goroutines).
func TestIndexWorkers(t *testing.T) {
	m, _ := ic.NewModel(difftest.RandomGraph(t, 200, 1000, 0, 0.3, 44), nil)
	R := newRRSets(200, diffusion.NewStream(9, streamRR))
	R.grow(3*indexMinSets+17, []diffusion.Sampler{m.NewSampler()})
	if R.count() != 3*indexMinSets+rrChunk {
		t.Fatalf("count %d, want a whole number of chunks", R.count())
	}
	for _, w := range []int{2, 3, 5} {
		S := &rrSets{n: R.n, chunks: R.chunks, occ: make([]int32, R.n)}
		S.index(0, R.count(), w)
		if !slices.Equal(S.blocks[0].start, R.blocks[0].start) || !slices.Equal(S.blocks[0].ids, R.blocks[0].ids) || !slices.Equal(S.occ, R.occ) {
			t.Errorf("workers=%d: index differs from the one-worker index", w)
		}
	}
}
