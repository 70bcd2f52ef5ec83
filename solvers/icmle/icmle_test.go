package icmle

import (
	"errors"
	"github.com/spread-dev/spread/train"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

func mustGraph(n int, src, dst []int, undirected bool) *graphs.Graph {
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{Undirected: undirected})
	if err != nil {
		panic(err)
	}
	return g
}

func erGraph(rng *rand.Rand, n int, q float64, undirected bool) *graphs.Graph {
	var s, d []int
	for u := 0; u < n; u++ {
		for v := 0; v < n; v++ {
			if u == v || (undirected && v < u) {
				continue
			}
			if rng.Float64() < q {
				s, d = append(s, u), append(d, v)
			}
		}
	}
	return mustGraph(n, s, d, undirected)
}

// simulate adds M simulated cascades (probabilities alpha in θ layout,
// horizon T, initial condition init) to a new Problem.
func simulate(tb testing.TB, g *graphs.Graph, alpha []float64, T, M int, init ic.Init, seed uint64) *Problem {
	tb.Helper()
	p := NewProblem(g, T)
	sim := ic.NewSimulator(g, ic.ExpandAlpha(nil, g, alpha), T)
	var err error
	sim.SimulateMany(M, seed, 1, init, func(_, _ int, c ic.Cascade) {
		if e := p.AddSparse(c.Nodes, c.Times); e != nil && err == nil {
			err = e
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func uniform(rng *rand.Rand, n int, lo, hi float64) []float64 {
	x := make([]float64, n)
	for k := range x {
		x[k] = lo + (hi-lo)*rng.Float64()
	}
	return x
}

func filled(n int, x float64) []float64 {
	s := make([]float64, n)
	for k := range s {
		s[k] = x
	}
	return s
}

type probCase struct {
	name string
	p    *Problem
}

// probCases: loopy graphs with a stochastic initial condition give success
// events with several candidates (coupled parameters); trees with single
// seeds give singleton events. All from fixed seeds.
func probCases(tb testing.TB) []probCase {
	rng := rand.New(rand.NewPCG(5, 6))
	var out []probCase
	g := erGraph(rng, 15, 0.3, true)
	out = append(out, probCase{"undirected loopy ER, stochastic p̄=0.15, T=4",
		simulate(tb, g, uniform(rng, g.NumPairs(), 0, 0.8), 4, 300, ic.Stochastic(filled(15, 0.15)), 1)})
	g = erGraph(rng, 15, 0.25, false)
	out = append(out, probCase{"directed loopy ER, stochastic p̄=0.15, T=5",
		simulate(tb, g, uniform(rng, g.NumPairs(), 0, 0.8), 5, 300, ic.Stochastic(filled(15, 0.15)), 2)})
	g, _ = graphs.RegularTree(30, 3)
	out = append(out, probCase{"3-regular tree N=30, single seeds, T=4",
		simulate(tb, g, uniform(rng, g.NumPairs(), 0, 1), 4, 300, ic.UniformSeed(nil), 3)})
	return out
}

func TestProblemHasCoupledEvents(t *testing.T) {
	for _, tc := range probCases(t)[:2] {
		multi := 0
		for ev := range tc.p.evCount {
			if tc.p.evOff[ev+1]-tc.p.evOff[ev] > 1 {
				multi++
			}
		}
		t.Logf("%s: %d cascades, %d events, %d with ≥ 2 candidates", tc.name, tc.p.NumCascades(), tc.p.NumEvents(), multi)
		if multi < 5 {
			t.Errorf("%s: only %d multi-candidate events; the table row does not exercise coupling", tc.name, multi)
		}
	}
}

// TestGradientFD checks ∇ℓ against central differences and the
// Hessian-vector product against differences of ∇ℓ.
func TestGradientFD(t *testing.T) {
	const h = 1e-6
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range probCases(t) {
		P := tc.p.NumParams()
		th := uniform(rng, P, 0.2, 2)
		l, g := tc.p.Gradient(nil, th)
		if l2 := tc.p.LogLik(th); l2 != l {
			t.Errorf("%s: Gradient's ℓ %v != LogLik %v", tc.name, l, l2)
		}
		worst := 0.0
		for q := range th {
			x := append([]float64(nil), th...)
			x[q] += h
			up := tc.p.LogLik(x)
			x[q] = th[q] - h
			dn := tc.p.LogLik(x)
			fd := (up - dn) / (2 * h)
			worst = max(worst, math.Abs(fd-g[q])/max(1, math.Abs(g[q])))
		}
		t.Logf("%s: ∇ℓ vs FD max rel err %.2g", tc.name, worst)
		if worst > 1e-6 {
			t.Errorf("%s: gradient vs FD max rel err %g", tc.name, worst)
		}
		// Hessian-vector product: −∇²ℓ·v vs −(∇ℓ(θ+hv) − ∇ℓ(θ−hv))/(2h).
		w := make([]float64, tc.p.NumEvents())
		for ev, c := range tc.p.evCount {
			w[ev] = c * curvature(tc.p.eventSum(th, ev))
		}
		v := uniform(rng, P, -1, 1)
		hv := make([]float64, P)
		tc.p.negHessVec(hv, w, v)
		xp, xm := make([]float64, P), make([]float64, P)
		for q := range th {
			xp[q], xm[q] = th[q]+h*v[q], th[q]-h*v[q]
		}
		_, gp := tc.p.Gradient(nil, xp)
		_, gm := tc.p.Gradient(nil, xm)
		worst = 0
		for q := range hv {
			fd := -(gp[q] - gm[q]) / (2 * h)
			worst = max(worst, math.Abs(fd-hv[q])/max(1, math.Abs(hv[q])))
		}
		if worst > 1e-5 {
			t.Errorf("%s: Hessian-vector vs FD max rel err %g", tc.name, worst)
		}
	}
}

// TestConcavity checks ℓ((θ1+θ2)/2) ≥ (ℓ(θ1)+ℓ(θ2))/2 on random pairs, and,
// as a negative control, that the same test fails in α for the spec's
// counterexample (§8): log(1 − (1−a)(1−b)) is not concave in α.
func TestConcavity(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, tc := range probCases(t) {
		P := tc.p.NumParams()
		for range 50 {
			a, b := uniform(rng, P, 0.01, 4), uniform(rng, P, 0.01, 4)
			mid := make([]float64, P)
			for q := range mid {
				mid[q] = (a[q] + b[q]) / 2
			}
			la, lb, lm := tc.p.LogLik(a), tc.p.LogLik(b), tc.p.LogLik(mid)
			if lm < (la+lb)/2-1e-9*math.Abs(lm) {
				t.Fatalf("%s: ℓ(mid) = %v < average %v", tc.name, lm, (la+lb)/2)
			}
		}
	}
	// Node 2 with in-neighbours 0 and 1, both seeds, activated at τ = 1:
	// one event {α_02, α_12}, ℓ = log(1 − (1−a)(1−b)). Along the direction
	// (1, −1) through a = b = 0.1 the α-Hessian has eigenvalue +5.3.
	g := mustGraph(3, []int{0, 1}, []int{2, 2}, false)
	p := NewProblem(g, 3)
	if err := p.Add([]int32{0, 0, 1}); err != nil {
		t.Fatal(err)
	}
	d := 0.09
	la := p.LogLikAlpha([]float64{0.1 + d, 0.1 - d})
	lb := p.LogLikAlpha([]float64{0.1 - d, 0.1 + d})
	lm := p.LogLikAlpha([]float64{0.1, 0.1})
	if lm >= (la+lb)/2 {
		t.Errorf("negative control: ℓ looks concave in α (mid %v ≥ average %v)", lm, (la+lb)/2)
	}
	if tm := p.LogLik(ThetaFromAlpha(nil, []float64{0.1, 0.1})); math.Abs(tm-math.Log(1-0.81)) > 1e-15 {
		t.Errorf("ℓ = %v, want log(0.19)", tm)
	}
}

// TestSingleEdge checks the closed form α̂ = successes/trials (package
// documentation) on hand-made cascades over N = 2 nodes, T = 3.
//
// Derivation (arc a→b): a trial is a cascade with τ_a ≤ T−2 and b not a
// seed. Then b is activated at τ_a + 1 (a success, event {θ}) or censored
// (a failure, τ_a ≤ T−2 = τ_b − 2): ℓ = n log(1−e^{−θ}) − F θ, whose
// derivative n/(e^θ − 1) − F vanishes at e^θ = (n+F)/F, α̂ = 1 − e^{−θ} =
// n/(n+F). Cascades with a censored or activated at T−1, or with b a seed,
// contribute nothing. For the undirected edge both directions share θ and
// pool their counts.
func TestSingleEdge(t *testing.T) {
	succ, fail := []int32{0, 1}, []int32{0, 3}
	rsucc, rfail := []int32{1, 0}, []int32{3, 0}
	none1, none2 := []int32{3, 0}, []int32{0, 0}
	rep := func(x []int32, n int) [][]int32 {
		out := make([][]int32, n)
		for k := range out {
			out[k] = x
		}
		return out
	}
	cat := func(xs ...[][]int32) (out [][]int32) {
		for _, x := range xs {
			out = append(out, x...)
		}
		return out
	}
	tests := []struct {
		name       string
		undirected bool
		cascades   [][]int32
		settings   *Settings
		want       float64 // α̂
		tol        float64
	}{
		{"7 successes, 13 failures, 5 uninformative", false, cat(rep(succ, 7), rep(fail, 13), rep(none1, 3), rep(none2, 2)), nil, 7.0 / 20, 1e-9},
		{"1 success, 999 failures", false, cat(rep(succ, 1), rep(fail, 999)), nil, 1.0 / 1000, 1e-9},
		{"all successes: α̂ at the upper bound", false, rep(succ, 10), nil, 1, 1e-8},
		{"all failures: α̂ = 0", false, rep(fail, 10), nil, 0, 0},
		{"no evidence: stays at InitAlpha", false, rep(none1, 10), &Settings{InitAlpha: 0.3}, 0.3, 1e-15},
		{"no evidence: stays at Init", false, cat(rep(none1, 4), rep(none2, 4)), &Settings{Init: []float64{0.8}}, 0.8, 1e-15},
		{"no cascades at all", false, nil, nil, 0.5, 1e-15},
		{"undirected: counts of both directions pooled", true, cat(rep(succ, 3), rep(rsucc, 5), rep(fail, 2), rep(rfail, 10)), nil, 8.0 / 20, 1e-9},
		{"start at α = 0 is lifted into the interior", false, cat(rep(succ, 2), rep(fail, 3)), &Settings{Init: []float64{0}}, 2.0 / 5, 1e-9},
	}
	for _, tc := range tests {
		g := mustGraph(2, []int{0}, []int{1}, tc.undirected)
		p := NewProblem(g, 3)
		for _, c := range tc.cascades {
			if err := p.Add(c); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
		res, err := Fit(p, tc.settings)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(res.Alpha) != 1 || math.Abs(res.Alpha[0]-tc.want) > tc.tol {
			t.Errorf("%s: α̂ = %v, want %v ± %g (status %v)", tc.name, res.Alpha, tc.want, tc.tol, res.Status)
		}
		if res.Status != train.GradientThreshold && res.Status != train.FunctionConvergence {
			t.Errorf("%s: status %v", tc.name, res.Status)
		}
	}
}

// TestNormalisation enumerates every activation-time vector of a small
// graph from fixed seeds: the probabilities exp(ℓ) of the possible ones
// (Add accepts them) must sum to 1, which checks the likelihood's failure
// and censoring terms independently of the formula's derivation.
func TestNormalisation(t *testing.T) {
	const T = 3
	graphsTab := []struct {
		name       string
		n          int
		src, dst   []int
		undirected bool
		seeds      []int
	}{
		{"undirected triangle + pendant, seed 0", 4, []int{0, 0, 1, 2}, []int{1, 2, 2, 3}, true, []int{0}},
		{"undirected triangle + pendant, seeds 0 and 3", 4, []int{0, 0, 1, 2}, []int{1, 2, 2, 3}, true, []int{0, 3}},
		{"directed with a 2-cycle, seed 0", 4, []int{0, 0, 1, 2, 3, 2}, []int{1, 2, 2, 3, 2, 0}, false, []int{0}},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range graphsTab {
		g := mustGraph(tc.n, tc.src, tc.dst, tc.undirected)
		alpha := uniform(rng, g.NumPairs(), 0.05, 0.95)
		isSeed := make([]bool, tc.n)
		for _, s := range tc.seeds {
			isSeed[s] = true
		}
		var free []int
		for i := 0; i < tc.n; i++ {
			if !isSeed[i] {
				free = append(free, i)
			}
		}
		total, possible, impossible := 0.0, 0, 0
		tau := make([]int32, tc.n)
		var rec func(k int)
		rec = func(k int) {
			if k == len(free) {
				p := NewProblem(g, T)
				if err := p.Add(tau); err != nil {
					if !strings.Contains(err.Error(), "no in-neighbour") {
						t.Fatal(err)
					}
					impossible++
					return
				}
				possible++
				total += math.Exp(p.LogLikAlpha(alpha))
				return
			}
			for x := int32(1); x <= T; x++ {
				tau[free[k]] = x
				rec(k + 1)
			}
		}
		rec(0)
		t.Logf("%s: %d possible, %d impossible vectors, Σ P = %.15f", tc.name, possible, impossible, total)
		if math.Abs(total-1) > 1e-12 {
			t.Errorf("%s: probabilities sum to %.15f, want 1", tc.name, total)
		}
	}
}

// TestMonteCarlo compares exp(ℓ) of single cascades with their frequency
// among simulated cascades (ic.Simulator), within 5 standard errors.
func TestMonteCarlo(t *testing.T) {
	const T, M = 4, 200_000
	g := mustGraph(4, []int{0, 0, 1, 2}, []int{1, 2, 2, 3}, true)
	alpha := []float64{0.3, 0.6, 0.5, 0.7}
	sim := ic.NewSimulator(g, ic.ExpandAlpha(nil, g, alpha), T)
	freq := map[[4]int32]int{}
	var buf []int32
	sim.SimulateMany(M, 99, 1, ic.SeedSet(0), func(_, _ int, c ic.Cascade) {
		buf = c.Dense(buf, 4, T)
		freq[[4]int32(buf)]++
	})
	for k, n := range freq {
		p := NewProblem(g, T)
		if err := p.Add(k[:]); err != nil {
			t.Fatalf("simulated cascade %v rejected: %v", k, err)
		}
		pr := math.Exp(p.LogLikAlpha(alpha))
		se := math.Sqrt(pr * (1 - pr) / M)
		if math.Abs(float64(n)/M-pr) > 5*se+1e-6 {
			t.Errorf("cascade %v: frequency %.5f, likelihood %.5f (se %.5f)", k, float64(n)/M, pr, se)
		}
	}
}

// TestRecoveryTree: the paper's full-observation calibration on the
// 3-regular tree, N = 100, T = 4 (paper length 5), 10^4 single-seed
// cascades. On a tree every success event is a single edge, so the MLE is
// the closed form n_q/(n_q + F_q) per edge, which Fit must reproduce; the
// mean error to α* is a measured value (see the log) with a margin.
func TestRecoveryTree(t *testing.T) {
	const N, T, M = 100, 4, 10_000
	g, err := graphs.RegularTree(N, 3)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2021, 5))
	star := uniform(rng, g.NumPairs(), 0, 1)
	p := simulate(t, g, star, T, M, ic.UniformSeed(nil), 11)
	res, err := Fit(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	var mae, worstCF, worstOne float64
	used, ones := 0, 0
	for q, a := range res.Alpha {
		F, n := p.Evidence(q)
		if F+n == 0 {
			continue
		}
		used++
		mae += math.Abs(a - star[q])
		if F == 0 {
			// α̂ = 1: the likelihood flattens as e^{−θ}, so Fit stops
			// about GradTol·M/n below 1.
			ones++
			worstOne = max(worstOne, 1-a)
			continue
		}
		worstCF = max(worstCF, math.Abs(a-n/(n+F)))
	}
	mae /= float64(used)
	t.Logf("N=%d T=%d M=%d: %v after %d iterations (%d f-evals, %d Hv), ℓ = %.6g, |P∇| = %.2g; %d/%d edges with evidence; mean |α−α*| = %.4f; max |α − n/(n+F)| = %.2g; %d edges with no failure, max 1−α̂ = %.2g",
		N, T, M, res.Status, res.Stats.Iterations, res.Stats.Evaluations, res.Stats.HessVecs, res.LogLik, res.ProjGrad, used, len(star), mae, worstCF, ones, worstOne)
	if worstOne > 1e-6 {
		t.Errorf("edges without failures end at α̂ = 1 − %g", worstOne)
	}
	if res.Status != train.GradientThreshold && res.Status != train.FunctionConvergence {
		t.Errorf("status %v", res.Status)
	}
	if worstCF > 1e-8 {
		t.Errorf("Fit differs from the tree closed form by %g", worstCF)
	}
	if mae > 0.03 { // measured 0.0165
		t.Errorf("mean |α−α*| = %.4f > 0.03", mae)
	}
	if l0 := p.LogLikAlpha(star); res.LogLik < l0 {
		t.Errorf("ℓ(α̂) = %v below ℓ(α*) = %v", res.LogLik, l0)
	}
}

// emFit maximises ℓ with the EM algorithm of Saito, Nakano & Kimura
// (KES 2008) for IC, an independent solver for the cross-check: with
// n_q = Σ_{ev∋q} c_ev the success-event occurrences of q,
//
//	α_q ← α_q/(n_q + F_q) · Σ_{ev∋q} c_ev / (1 − Π_{r∈ev}(1 − α_r)).
//
// It is monotone and stays in [0, 1]; it stops when no α moves by more
// than 1e-13 or after maxIter sweeps.
func emFit(p *Problem, maxIter int) (alpha []float64, iters int) {
	P := p.NumParams()
	alpha = filled(P, 0.5)
	next := make([]float64, P)
	trials := make([]float64, P)
	for q := range trials {
		F, n := p.Evidence(q)
		trials[q] = F + n
	}
	for iters = 1; iters <= maxIter; iters++ {
		clear(next)
		for ev, c := range p.evCount {
			idx := p.evIdx[p.evOff[ev]:p.evOff[ev+1]]
			fail := 1.0
			for _, q := range idx {
				fail *= 1 - alpha[q]
			}
			for _, q := range idx {
				next[q] += c / (1 - fail)
			}
		}
		moved := 0.0
		for q := range alpha {
			a := alpha[q]
			if trials[q] > 0 {
				a = alpha[q] * next[q] / trials[q]
			}
			moved = max(moved, math.Abs(a-alpha[q]))
			alpha[q] = a
		}
		if moved < 1e-13 {
			break
		}
	}
	return alpha, iters
}

// TestFitCoupled checks Fit on every row, including the loopy ones
// (coupled parameters), against EM, and first-order optimality.
func TestFitCoupled(t *testing.T) {
	for _, tc := range probCases(t) {
		res, err := Fit(tc.p, nil)
		if err != nil {
			t.Fatal(err)
		}
		ref, emIters := emFit(tc.p, 200_000)
		diff := 0.0
		for q := range ref {
			diff = max(diff, math.Abs(res.Alpha[q]-ref[q]))
		}
		t.Logf("%s: %v, %d iterations, %d Hv, ℓ = %.12g; EM (%d sweeps) ℓ = %.12g, max |α − α_EM| = %.2g",
			tc.name, res.Status, res.Stats.Iterations, res.Stats.HessVecs, res.LogLik, emIters, tc.p.LogLikAlpha(ref), diff)
		if res.Status != train.GradientThreshold || res.ProjGrad > DefaultGradTol {
			t.Errorf("%s: status %v, |P∇| = %g", tc.name, res.Status, res.ProjGrad)
		}
		if diff > 1e-5 {
			t.Errorf("%s: Fit and EM differ by %g", tc.name, diff)
		}
		if lr := tc.p.LogLikAlpha(ref); res.LogLik < lr-1e-9*math.Abs(lr) {
			t.Errorf("%s: ℓ(Fit) = %v < ℓ(EM) = %v", tc.name, res.LogLik, lr)
		}
	}
}

type recorder struct {
	n    int
	last train.Progress
	stop int
}

func (r *recorder) Record(p train.Progress) error {
	r.n++
	r.last = p
	if r.stop > 0 && r.n >= r.stop {
		return errors.New("enough")
	}
	return nil
}

func TestSettings(t *testing.T) {
	p := probCases(t)[0].p
	rec := &recorder{}
	res, err := Fit(p, &Settings{Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	if rec.n != res.Stats.Iterations+1 || rec.last.Metrics[0].Value != res.ProjGrad {
		t.Errorf("recorder saw %d iterates (last |P∇| %g), result has %d iterations (|P∇| %g)", rec.n, rec.last.Metrics[0].Value, res.Stats.Iterations, res.ProjGrad)
	}
	if _, err := Fit(p, &Settings{Recorder: &recorder{stop: 2}}); err == nil || !strings.Contains(err.Error(), "icmle: recorder: enough") {
		t.Errorf("recorder error: %v", err)
	}
	res, err = Fit(p, &Settings{MaxIter: 1})
	if err != nil || res.Status != train.IterationLimit || res.Stats.Iterations != 1 {
		t.Errorf("MaxIter 1: %v, %+v", err, res)
	}
	res, err = Fit(p, &Settings{ThetaMax: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	for q, x := range res.Theta {
		if x < 0 || x > 0.5 {
			t.Errorf("θ[%d] = %v outside [0, 0.5]", q, x)
		}
	}
	P := p.NumParams()
	bad := []struct {
		s    Settings
		want string
	}{
		{Settings{MaxIter: -1}, "MaxIter"},
		{Settings{GradTol: -1}, "GradTol"},
		{Settings{FuncTol: math.NaN()}, "FuncTol"},
		{Settings{ThetaMax: math.Inf(1)}, "ThetaMax"},
		{Settings{InitAlpha: 1}, "InitAlpha"},
		{Settings{Init: make([]float64, P+1)}, "len(Init)"},
		{Settings{Init: filled(P, 1.5)}, "Init[0]"},
	}
	for _, b := range bad {
		if _, err := Fit(p, &b.s); err == nil || !strings.HasPrefix(err.Error(), "icmle: ") || !strings.Contains(err.Error(), b.want) {
			t.Errorf("settings %+v: error %v, want %q", b.s, err, b.want)
		}
	}
}

func TestAddErrors(t *testing.T) {
	// Path 0–1–2, T = 3.
	g := mustGraph(3, []int{0, 1}, []int{1, 2}, true)
	p := NewProblem(g, 3)
	if err := p.Add([]int32{0, 1, 3}); err != nil {
		t.Fatal(err)
	}
	F, n := p.Evidence(0)
	before := [3]float64{F, n, float64(p.NumEvents())}
	dense := []struct {
		times []int32
		want  string
	}{
		{[]int32{0, 1}, "2 activation times for 3 nodes"},
		{[]int32{0, 4, 3}, "node 1 has activation time 4 outside 0..3"},
		{[]int32{0, -1, 3}, "outside"},
		{[]int32{0, 3, 2}, "node 2 activated at τ = 2 but no in-neighbour was active at τ−1 = 1"},
		{[]int32{0, 2, 3}, "node 1 activated at τ = 2"},
	}
	for _, c := range dense {
		if err := p.Add(c.times); err == nil || !strings.HasPrefix(err.Error(), "icmle: cascade 1: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Add(%v): error %v, want %q", c.times, err, c.want)
		}
	}
	sparse := []struct {
		nodes, times []int32
		want         string
	}{
		{[]int32{0, 1}, []int32{0}, "2 nodes and 1 times"},
		{[]int32{0, 5}, []int32{0, 1}, "node index 5"},
		{[]int32{0, 1}, []int32{0, 3}, "activation time 3 outside 0..2"},
		{[]int32{0, 1, 0}, []int32{0, 1, 0}, "node 0 listed twice"},
		{[]int32{0, 2}, []int32{0, 2}, "node 2 activated at τ = 2"},
	}
	for _, c := range sparse {
		if err := p.AddSparse(c.nodes, c.times); err == nil || !strings.HasPrefix(err.Error(), "icmle: cascade 1: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("AddSparse(%v, %v): error %v, want %q", c.nodes, c.times, err, c.want)
		}
	}
	F, n = p.Evidence(0)
	if after := [3]float64{F, n, float64(p.NumEvents())}; p.NumCascades() != 1 || after != before {
		t.Errorf("failed Adds changed the problem: %d cascades, evidence %v (was %v)", p.NumCascades(), after, before)
	}
	// The buffer of AddSparse is clean after errors: a valid sparse
	// cascade gives the same statistics as its dense form.
	q := NewProblem(g, 3)
	q.Add([]int32{0, 1, 3})
	if err := p.AddSparse([]int32{1, 0}, []int32{1, 0}); err != nil {
		t.Fatal(err)
	}
	q.Add([]int32{0, 1, 3})
	for k := 0; k < 2; k++ {
		a1, b1 := p.Evidence(k)
		a2, b2 := q.Evidence(k)
		if a1 != a2 || b1 != b2 {
			t.Errorf("param %d: sparse evidence (%v, %v), dense (%v, %v)", k, a1, b1, a2, b2)
		}
	}
}

// TestSparseMatchesDense: the same simulated cascades through Add and
// AddSparse give identical statistics.
func TestSparseMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	g := erGraph(rng, 20, 0.2, false)
	alpha := uniform(rng, g.NumPairs(), 0, 1)
	const T = 5
	a, b := NewProblem(g, T), NewProblem(g, T)
	sim := ic.NewSimulator(g, ic.ExpandAlpha(nil, g, alpha), T)
	var buf []int32
	sim.SimulateMany(200, 4, 1, ic.Stochastic(filled(20, 0.1)), func(_, _ int, c ic.Cascade) {
		if err := a.AddSparse(c.Nodes, c.Times); err != nil {
			t.Fatal(err)
		}
		buf = c.Dense(buf, 20, T)
		if err := b.Add(buf); err != nil {
			t.Fatal(err)
		}
	})
	// Events are numbered in order of first appearance, which differs (the
	// sparse form lists nodes by activation time), so sums may differ in
	// rounding only.
	th := uniform(rng, g.NumPairs(), 0.1, 2)
	if la, lb := a.LogLik(th), b.LogLik(th); math.Abs(la-lb) > 1e-13*math.Abs(lb) || a.NumEvents() != b.NumEvents() {
		t.Errorf("sparse ℓ %v (%d events), dense ℓ %v (%d events)", la, a.NumEvents(), lb, b.NumEvents())
	}
	for q := range a.NumParams() {
		f1, n1 := a.Evidence(q)
		f2, n2 := b.Evidence(q)
		if f1 != f2 || n1 != n2 {
			t.Errorf("param %d: sparse evidence (%v, %v), dense (%v, %v)", q, f1, n1, f2, n2)
		}
	}
}
