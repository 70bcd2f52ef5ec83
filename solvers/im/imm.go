package im

import (
	"errors"
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"

	"github.com/spread-dev/spread/models/diffusion"
)

// IMM is Influence Maximization via Martingales (Tang, Shi and Xiao, SIGMOD
// 2015) on reverse-reachable (RR) sets of Problem.Model (IC, LT, CTIC or any
// diffusion.Model). With n nodes, ε' = √2·ε and ℓ replaced by ℓ(1 + ln 2/ln n) (for
// the overall 1 − n^−ℓ success probability):
//
// Phase 1 (sampling, lower bound on OPT): for i = 1, …, ⌊log₂ n⌋ − 1, let
// x = n/2^i, grow R to θ_i = ⌈λ'/x⌉ RR sets with
//
//	λ' = (2 + 2ε'/3)·(ln C(n,k) + ℓ·ln n + ln log₂ n)·n/ε'²,
//
// select S_i by greedy maximum coverage, and stop at the first i with
// n·F_R(S_i) ≥ (1 + ε')·x, setting LB = n·F_R(S_i)/(1 + ε') (LB = 1 if
// none). Phase 2: θ = ⌈λ*/LB⌉ with
//
//	λ* = 2n·((1 − 1/e)·α + β)²/ε²,  α = √(ℓ ln n + ln 2),
//	β = √((1 − 1/e)·(ln C(n,k) + ℓ ln n + ln 2)),
//
// grow R to θ sets (keeping the phase-1 sets, as the paper does; see
// FreshPhase2) and return the greedy maximum coverage seeds S_k, with
// Result.Spread = n·F_R(S_k), F_R the fraction of R covered.
//
// With Problem.Candidates (nc nodes) the union bounds run over the C(nc, k)
// candidate sets, so ln C(n, k) is replaced by ln C(nc, k) in λ' and λ*,
// and the guarantee is relative to the best candidate set.
//
// RR set j is sampled in world diffusion.NewWorld(Settings.Seed, ·, j) (its root is
// that world's Root) and workers fill fixed chunks of 1024 consecutive
// indices, so the result is a function of the seed alone. Sample sizes are
// rounded up to whole chunks (|R| ≥ θ is all the analysis needs). Storage
// is compact: per chunk a flat []int32 of nodes with int32 offsets, plus an
// inverted index (node → set ids, CSR) built once per growth step. The original C++ code differs from the paper in three ways,
// all of which make it sample fewer sets: 2/3 is integer division (so
// λ' uses 2 instead of 2 + 2ε'/3), the phase-1 test is n·F > x instead
// of ≥ (1 + ε')x, and ℓ is not adjusted. This implementation follows the
// paper.
type IMM struct {
	// Epsilon is ε, the approximation slack: the seeds are a (1 − 1/e − ε)
	// approximation with probability at least 1 − n^−ℓ. Zero means 0.1.
	Epsilon float64
	// Ell is ℓ. Zero means 1.
	Ell float64
	// FreshPhase2 samples the θ phase-2 RR sets anew, independent of
	// phase 1, which the martingale analysis needs (Chen, "An issue in the
	// martingale analysis of the influence maximization algorithm IMM",
	// 2018). The paper and its code reuse the phase-1 sets.
	FreshPhase2 bool
	// MaxRRSets caps θ; Run returns an error if more sets would be needed.
	// Zero means the largest multiple of 1024 below 2^31 (set ids are int32).
	MaxRRSets int
}

// logChoose returns ln C(n, k).
func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// immParams returns λ', λ*, ε' and the adjusted ℓ.
func immParams(n, k int, eps, ell float64) (lambdaPrime, lambdaStar, epsPrime, ellAdj float64) {
	return immParamsCand(n, n, k, eps, ell)
}

// immParamsCand is immParams when only nc of the n nodes may be seeds: the
// union bounds of both phases run over the C(nc, k) candidate sets, so
// ln C(n, k) becomes ln C(nc, k); the other terms keep n.
func immParamsCand(n, nc, k int, eps, ell float64) (lambdaPrime, lambdaStar, epsPrime, ellAdj float64) {
	fn := float64(n)
	ln := math.Log(fn)
	ellAdj = ell * (1 + math.Ln2/ln)
	epsPrime = math.Sqrt2 * eps
	lc := logChoose(nc, k)
	lambdaPrime = (2 + 2*epsPrime/3) * (lc + ellAdj*ln + math.Log(math.Log2(fn))) * fn / (epsPrime * epsPrime)
	alpha := math.Sqrt(ellAdj*ln + math.Ln2)
	beta := math.Sqrt((1 - 1/math.E) * (lc + ellAdj*ln + math.Ln2))
	g := (1-1/math.E)*alpha + beta
	lambdaStar = 2 * fn * g * g / (eps * eps)
	return
}

// Run implements Method.
func (a *IMM) Run(p *Problem, s *Settings) (*Result, error) {
	if p.Model == nil {
		return nil, errors.New("im: IMM needs Problem.Model")
	}
	eps, ell := a.Epsilon, a.Ell
	if eps == 0 {
		eps = 0.1
	}
	if ell == 0 {
		ell = 1
	}
	if !(eps > 0) || math.IsInf(eps, 0) || !(ell > 0) || math.IsInf(ell, 0) {
		return nil, fmt.Errorf("im: IMM needs ε > 0 and ℓ > 0, got ε = %v, ℓ = %v", eps, ell)
	}
	maxRR := a.MaxRRSets
	if limit := math.MaxInt32 &^ rrChunkMask; maxRR <= 0 || maxRR > limit {
		maxRR = limit
	}
	n, k := p.N, p.K
	var cand []int
	nc := n
	if p.Candidates != nil {
		cand = p.Candidates
		nc = len(cand)
	}
	if n == 1 {
		return &Result{Seeds: []int{0}, Gains: []float64{1}, Spread: 1, Status: train.Success}, nil
	}
	fn := float64(n)
	lambdaPrime, lambdaStar, epsPrime, _ := immParamsCand(n, nc, k, eps, ell)
	samplers := make([]diffusion.Sampler, max(1, s.Workers))
	for i := range samplers {
		samplers[i] = p.Model.NewSampler()
	}
	need := func(theta float64) (int, error) {
		if theta > float64(maxRR) {
			return 0, fmt.Errorf("im: IMM needs %.4g RR sets, more than MaxRRSets = %d", theta, maxRR)
		}
		return max(1, int(math.Ceil(theta))), nil
	}
	R := newRRSets(n, diffusion.NewStream(s.Seed, streamRR))
	LB := 1.0
	rounds := 0
	for i := 1; float64(i) <= math.Log2(fn)-1; i++ {
		x := fn / math.Exp2(float64(i))
		thetaI, err := need(lambdaPrime / x)
		if err != nil {
			return nil, err
		}
		R.grow(thetaI, samplers)
		sel := R.maxCover(k, cand)
		rounds++
		est := fn * float64(sel.covered) / float64(R.count())
		if err := record(s, train.Progress{Method: "imm", Iter: rounds, Set: sel.seeds, Objective: est}); err != nil {
			return nil, err
		}
		if est >= (1+epsPrime)*x {
			LB = est / (1 + epsPrime)
			break
		}
	}
	theta, err := need(lambdaStar / LB)
	if err != nil {
		return nil, err
	}
	if a.FreshPhase2 {
		R = newRRSets(n, diffusion.NewStream(s.Seed, streamRR2))
	}
	R.grow(theta, samplers)
	sel := R.maxCover(k, cand)
	cnt := float64(R.count())
	F := float64(sel.covered) / cnt
	res := &Result{
		Seeds:  sel.seeds,
		Gains:  make([]float64, len(sel.gains)),
		Spread: fn * F,
		StdErr: fn * math.Sqrt(F*(1-F)/cnt),
		Status: train.Success,
		Stats:  Stats{RRSets: R.count(), RRNodes: R.total, Stats: train.Stats{Iterations: rounds}, LowerBound: LB},
	}
	for i, g := range sel.gains {
		res.Gains[i] = fn * float64(g) / cnt
	}
	if err := record(s, train.Progress{Method: "imm", Iter: rounds + 1, Set: sel.seeds, Objective: res.Spread}); err != nil {
		return nil, err
	}
	return res, nil
}
