package im

import (
	"github.com/spread-dev/spread/internal/difftest"
	"github.com/spread-dev/spread/models/ic"
	"math"
	"strings"
	"testing"
)

// TestIMMParamsByHand checks immParams against values worked out by hand
// from Tang, Shi & Xiao (SIGMOD 2015), eqs. for ε′ = √2·ε, λ′ (Phase 1)
// and λ* (Phase 2), with ℓ replaced by ℓ·(1 + ln 2/ln n) as the code does
// (Sec. 3.2 of the paper). The literals were computed with python3 mpmath at
// 40 digits, independently of the code under test:
//
//	import mpmath as mp; mp.mp.dps = 40
//	lnC  = mp.log(mp.binomial(n, k)); ln = mp.log(n)
//	ℓa   = ℓ*(1 + mp.log(2)/ln);     ε′ = mp.sqrt(2)*ε
//	λ′   = (2 + 2ε′/3)·(lnC + ℓa·ln + mp.log(mp.log(n)/mp.log(2)))·n/ε′²
//	α    = mp.sqrt(ℓa·ln + mp.log(2))
//	β    = mp.sqrt((1 − 1/e)·(lnC + ℓa·ln + mp.log(2)))
//	λ*   = 2n·((1 − 1/e)·α + β)²/ε²
//
// For n = 100, k = 5, ε = 0.5, ℓ = 1 the pieces are
//
//	C(100,5) = 75287520, lnC = 18.136824941982426, ln n = 4.605170185988091
//	ℓa = 1 + ln2/ln100 = 1.1505149978319906  (so ℓa·ln n = ln 200)
//	ε′ = 0.7071067811865475, ε′² = 0.5, ln log₂ 100 = 1.8936925463895654
//	λ′ = (2 + 0.4714045207910317)·(18.1368 + 5.2983 + 1.8937)·100/0.5
//	   = 12519.559393363763
//	α = √(ln 400) = 2.4477468306808165, β = √(0.6321·24.1283) = 3.9053793459049587
//	λ* = 200·(0.6321·2.4477 + 3.9054)²/0.25 = 23785.117460031108
//
// Tolerance: 1e-12 relative (the code's float64 evaluation, including
// Lgamma for ln C(n,k), agrees to ~1e-14). A planted 2ε in λ*, or a missing
// √2 in ε′, changes these by factors of 4 and ~2.
func TestIMMParamsByHand(t *testing.T) {
	const tol = 1e-12
	for _, tc := range []struct {
		n, k                   int
		eps, ell               float64
		lambdaPrime, lambdaStr float64
		epsPrime, ellAdj       float64
	}{
		{100, 5, 0.5, 1, 12519.559393363762655, 23785.117460031108389, 0.70710678118654752440, 1.1505149978319905976},
		// n = 1000, k = 10, ε = 0.1, ℓ = 2: lnC = 53.927997037888276,
		// ln n = 6.907755278982137, ℓa = 2.2006866637759875,
		// ε′ = 0.1414213562373095, α = 3.9868473885570426, β = 6.643532315558865.
		{1000, 10, 0.1, 2, 7479615.3059094875773, 16794681.424907483991, 0.14142135623730950488, 2.2006866637759874635},
		// n = 5000, k = 50, ε = 0.3, ℓ = 0.5: lnC = 277.13608009344756,
		// ln n = 8.517193191416237, ℓa = 0.5406910566064481,
		// ε′ = 0.4242640687119285, α = 2.301807413001365, β = 13.36160877869201.
		{5000, 50, 0.3, 0.5, 18024936.075173882717, 24392498.009988493628, 0.42426406871192851464, 0.54069105660644812231},
	} {
		lp, ls, ep, la := immParams(tc.n, tc.k, tc.eps, tc.ell)
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"λ′", lp, tc.lambdaPrime},
			{"λ*", ls, tc.lambdaStr},
			{"ε′", ep, tc.epsPrime},
			{"ℓ adjusted", la, tc.ellAdj},
		} {
			if math.Abs(c.got-c.want) > tol*math.Abs(c.want) {
				t.Errorf("n=%d k=%d ε=%v ℓ=%v: %s = %.17g, by hand %.17g", tc.n, tc.k, tc.eps, tc.ell, c.name, c.got, c.want)
			}
		}
	}
}

// TestIMMSampleSizesByHand checks the sample sizes θᵢ = ⌈λ′/xᵢ⌉ (xᵢ =
// n/2^i), θ = ⌈λ*/LB⌉, the lower bound LB and the phase-1 stopping rule
// n·F_R(Sᵢ) ≥ (1 + ε′)·xᵢ that Run actually uses, on a graph where phase 1
// is deterministic: the star 0 → v (v = 1..99) with probability-1 edges, so
// every RR set contains node 0, greedy picks 0 first and n·F_R = 100
// exactly. n = 100, k = 5, ℓ = 1; values by python3 mpmath from the
// formulas in TestIMMParamsByHand:
//
//	ε = 0.5: ε′ = 0.7071, round 1 stops (100 ≥ 1.7071·50 = 85.36)
//	  LB = 100/1.7071067811865475 = 58.578643762690495
//	  θ₁ = ⌈12519.559393363763/50⌉ = ⌈250.39118786727525⌉ = 251
//	  θ  = ⌈23785.117460031108/LB⌉ = ⌈406.03735307337656⌉ = 407
//	ε = 0.9: ε′ = 1.2728, round 1 goes on (100 < 2.2728·50 = 113.64),
//	  round 2 stops (100 ≥ 2.2728·25 = 56.82)
//	  LB = 100/2.2727922061357855 = 43.998742925126701
//	  θ₁ = ⌈4453.697455086532/50⌉ = ⌈89.07394910173064⌉ = 90
//	  θ₂ = ⌈4453.697455086532/25⌉ = ⌈178.14789820346128⌉ = 179
//	  θ  = ⌈7341.0856358120705/LB⌉ = ⌈166.84762217649042⌉ = 167
//
// The sizes are probed exactly through MaxRRSets (Run fails iff a needed
// size exceeds it; the error prints it with %.4g). LB is checked to 1e-12
// relative, the number of rounds exactly.
func TestIMMSampleSizesByHand(t *testing.T) {
	const n = 100
	var src, dst []int
	for v := 1; v < n; v++ {
		src, dst = append(src, 0), append(dst, v)
	}
	m, err := ic.NewModel(difftest.MustGraph(t, n, src, dst), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		eps    float64
		lb     float64
		rounds int
		probes []struct {
			maxRR   int
			errWant string // substring of the error; "" = success
		}
	}{
		{0.5, 58.578643762690495, 1, []struct {
			maxRR   int
			errWant string
		}{
			{250, "needs 250.4 RR sets"}, // θ₁ = 250.39 > 250
			{251, "needs 406 RR sets"},   // phase 1 passes, θ = 406.04 > 251
			{406, "needs 406 RR sets"},
			{407, ""},
		}},
		{0.9, 43.998742925126701, 2, []struct {
			maxRR   int
			errWant string
		}{
			{89, "needs 89.07 RR sets"}, // θ₁
			{90, "needs 178.1 RR sets"}, // θ₂ (a round-1 stop would need only θ = 166.8)
			{178, "needs 178.1 RR sets"},
			{179, ""}, // θ = 166.8 ≤ 179
		}},
	} {
		for _, pr := range tc.probes {
			res, err := Maximize(&Problem{Model: m, K: 5}, &Settings{Seed: 1, Workers: 1}, &IMM{Epsilon: tc.eps, Ell: 1, MaxRRSets: pr.maxRR})
			if pr.errWant != "" {
				if err == nil || !strings.Contains(err.Error(), pr.errWant) {
					t.Errorf("ε=%v MaxRRSets=%d: error %v, want one containing %q", tc.eps, pr.maxRR, err, pr.errWant)
				}
				continue
			}
			if err != nil {
				t.Fatalf("ε=%v MaxRRSets=%d: %v", tc.eps, pr.maxRR, err)
			}
			if got := res.Stats.LowerBound; math.Abs(got-tc.lb) > 1e-12*tc.lb {
				t.Errorf("ε=%v: LB = %.17g, by hand %.17g", tc.eps, got, tc.lb)
			}
			if res.Stats.Iterations != tc.rounds || res.Seeds[0] != 0 {
				t.Errorf("ε=%v: %d rounds, seeds %v; want %d rounds, seed 0 first", tc.eps, res.Stats.Iterations, res.Seeds, tc.rounds)
			}
		}
	}
}

// TestIMMPhase1RoundsByHand checks the number of phase-1 rounds,
// i = 1, …, ⌊log₂ n − 1⌋ (the paper's loop bound, inclusive), on graphs
// without edges, where every RR set is its root alone: with k = 1 the
// estimate n·F_R(S_i) stays near 1-2 (n times the largest of 16 or 100
// frequencies over ≥ 1024 sets), below every threshold (1 + ε′)·x_i ≥ 3.41,
// so phase 1 runs all rounds and LB = 1. ε = 0.5, ℓ = 1; values by python3
// mpmath from the formulas of TestIMMParamsByHand:
//
//	n = 16:  log₂ n − 1 = 3 exactly (a power of two: the last round i = 3,
//	         x = 2, is kept only by the inclusive bound)
//	         λ′ = 602.99257061451103, θ₃ = ⌈λ′/2⌉ = ⌈301.4963⌉ = 302
//	         λ* = 1464.3264830603607, θ = ⌈λ*/1⌉ = 1465
//	n = 100: log₂ n − 1 = 5.64 → 5 rounds
//	         λ′ = 5831.1208458141898, θ₅ = ⌈λ′/3.125⌉ = ⌈1865.959⌉ = 1866
//	         λ* = 13681.149113015307, θ = 13682
func TestIMMPhase1RoundsByHand(t *testing.T) {
	for _, tc := range []struct {
		n, rounds int
		probes    []struct {
			maxRR   int
			errWant string
		}
	}{
		{16, 3, []struct {
			maxRR   int
			errWant string
		}{{301, "needs 301.5 RR sets"}, {302, "needs 1464 RR sets"}, {1464, "needs 1464 RR sets"}, {1465, ""}}},
		{100, 5, []struct {
			maxRR   int
			errWant string
		}{{1865, "needs 1866 RR sets"}, {1866, "needs 1.368e+04 RR sets"}, {13681, "needs 1.368e+04 RR sets"}, {13682, ""}}},
	} {
		m, err := ic.NewModel(difftest.MustGraph(t, tc.n, nil, nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range tc.probes {
			res, err := Maximize(&Problem{Model: m, K: 1}, &Settings{Seed: 3, Workers: 1}, &IMM{Epsilon: 0.5, Ell: 1, MaxRRSets: pr.maxRR})
			if pr.errWant != "" {
				if err == nil || !strings.Contains(err.Error(), pr.errWant) {
					t.Errorf("n=%d MaxRRSets=%d: error %v, want one containing %q", tc.n, pr.maxRR, err, pr.errWant)
				}
				continue
			}
			if err != nil {
				t.Fatalf("n=%d: %v", tc.n, err)
			}
			if res.Stats.Iterations != tc.rounds || res.Stats.LowerBound != 1 {
				t.Errorf("n=%d: %d rounds, LB %v; want %d rounds, LB 1", tc.n, res.Stats.Iterations, res.Stats.LowerBound, tc.rounds)
			}
		}
	}
}

// TestIMMGainsByHand checks Result.Gains = n·(sets newly covered)/|R| on
// the probability-1 star 0 → 1..99 of TestIMMSampleSizesByHand: every RR set
// contains node 0, so the first gain is n = 100 exactly and the others 0,
// and the gains sum to Result.Spread = 100 (exact in float64).
func TestIMMGainsByHand(t *testing.T) {
	const n = 100
	var src, dst []int
	for v := 1; v < n; v++ {
		src, dst = append(src, 0), append(dst, v)
	}
	m, err := ic.NewModel(difftest.MustGraph(t, n, src, dst), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Maximize(&Problem{Model: m, K: 3}, &Settings{Seed: 1, Workers: 1}, &IMM{Epsilon: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{100, 0, 0}
	if len(res.Gains) != 3 || res.Seeds[0] != 0 || res.Spread != 100 {
		t.Fatalf("seeds %v gains %v spread %v", res.Seeds, res.Gains, res.Spread)
	}
	for i, g := range res.Gains {
		if g != want[i] {
			t.Errorf("gain %d = %v, want %v", i, g, want[i])
		}
	}
}
