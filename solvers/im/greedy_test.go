package im

import (
	"errors"
	"fmt"
	"github.com/spread-dev/spread/train"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/spread-dev/spread/internal/difftest"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/models/lt"
)

// bruteForce returns the best spread over all k-subsets of 0..n-1.
func bruteForce(o Oracle, n, k int) (best float64, arg []int) {
	set := make([]int, k)
	var rec func(i, from int)
	rec = func(i, from int) {
		if i == k {
			if v, _ := o.Spread(set); v > best {
				best, arg = v, slices.Clone(set)
			}
			return
		}
		for v := from; v < n; v++ {
			set[i] = v
			rec(i+1, v+1)
		}
	}
	rec(0, 0)
	return best, arg
}

// TestGreedyCELFExact runs Greedy and CELF with the exact oracle on small
// random IC and LT instances (n ≤ 12, ≤ 16 uncertain edges, k ≤ 3): both
// reach (1 − 1/e)·OPT (OPT by enumeration), CELF equals Greedy exactly and
// needs no more oracle calls.
func TestGreedyCELFExact(t *testing.T) {
	type inst struct {
		name string
		m    diffusion.Model
	}
	var insts []inst
	for i := uint64(0); i < 12; i++ {
		n := 8 + int(i%5)
		g := difftest.RandomGraph(t, n, 16, 0.05, 0.95, 100+i)
		icm, err := ic.NewModel(g, nil)
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, inst{"IC", icm})
		ltm, err := lt.NewModel(g, difftest.LTWeights(g, 0.5+0.04*float64(i), 100+i))
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, inst{"LT", ltm})
	}
	totalG, totalC := 0, 0
	for i, in := range insts {
		x, err := NewExact(in.m)
		if err != nil {
			t.Fatal(err)
		}
		n := in.m.NumNodes()
		for k := 1; k <= 3; k++ {
			opt, _ := bruteForce(x, n, k)
			p := &Problem{Oracle: x, N: n, K: k}
			gr, err := Maximize(p, nil, Greedy{})
			if err != nil {
				t.Fatal(err)
			}
			cf, err := Maximize(p, nil, CELF{})
			if err != nil {
				t.Fatal(err)
			}
			if gr.Spread < (1-1/math.E)*opt-1e-12 {
				t.Errorf("%s #%d k=%d: greedy %.6f < (1-1/e)·OPT, OPT = %.6f", in.name, i, k, gr.Spread, opt)
			}
			if gr.Spread > opt+1e-9 {
				t.Errorf("%s #%d k=%d: greedy %.6f above OPT %.6f", in.name, i, k, gr.Spread, opt)
			}
			if !slices.Equal(gr.Seeds, cf.Seeds) || !slices.Equal(gr.Gains, cf.Gains) || gr.Spread != cf.Spread {
				t.Errorf("%s #%d k=%d: CELF %v %v ≠ greedy %v %v", in.name, i, k, cf.Seeds, cf.Gains, gr.Seeds, gr.Gains)
			}
			if cf.Stats.OracleCalls > gr.Stats.OracleCalls {
				t.Errorf("%s #%d k=%d: CELF %d oracle calls > greedy %d", in.name, i, k, cf.Stats.OracleCalls, gr.Stats.OracleCalls)
			}
			if want := 1 + k*n - k*(k-1)/2; gr.Stats.OracleCalls != want {
				t.Errorf("greedy made %d oracle calls, want %d", gr.Stats.OracleCalls, want)
			}
			totalG += gr.Stats.OracleCalls
			totalC += cf.Stats.OracleCalls
		}
	}
	t.Logf("oracle calls: greedy %d, CELF %d", totalG, totalC)
}

// TestCELFEqualsGreedyMC checks CELF == Greedy with the default MC oracle
// (common random numbers) on larger random instances of all three models,
// with and without a candidate list, and that CELF saves oracle calls.
func TestCELFEqualsGreedyMC(t *testing.T) {
	for _, tc := range modelCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.build(t)
			for _, cand := range [][]int{nil, {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23}} {
				p := &Problem{Model: m, K: 5, Candidates: cand}
				s := &Settings{Seed: 17, Runs: 300}
				gr, err := Maximize(p, s, Greedy{})
				if err != nil {
					t.Fatal(err)
				}
				cf, err := Maximize(p, s, CELF{})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(gr.Seeds, cf.Seeds) || !slices.Equal(gr.Gains, cf.Gains) {
					t.Fatalf("CELF %v %v ≠ greedy %v %v", cf.Seeds, cf.Gains, gr.Seeds, gr.Gains)
				}
				if cand != nil {
					for _, v := range gr.Seeds {
						if !slices.Contains(cand, v) {
							t.Errorf("seed %d is not a candidate", v)
						}
					}
				}
				if cf.Stats.OracleCalls >= gr.Stats.OracleCalls {
					t.Errorf("CELF made %d oracle calls, greedy %d", cf.Stats.OracleCalls, gr.Stats.OracleCalls)
				}
				for i := 1; i < len(gr.Gains); i++ {
					if gr.Gains[i] > gr.Gains[i-1]+1e-9 {
						t.Errorf("gains increase: %v (the MC oracle should be submodular)", gr.Gains)
					}
				}
			}
		})
	}
}

// tieOracle is modular with many exact ties: σ(S) = base + Σ_{v∈S} c[v],
// summed in seed order, so that gains of equal real value differ in the
// last bits from round to round.
type tieOracle struct {
	base float64
	c    []float64
}

func (o tieOracle) Spread(s []int) (float64, float64) {
	x := o.base
	for _, v := range s {
		x += o.c[v]
	}
	return x, 0
}

// TestCELFTies checks CELF against greedy when many gains tie in exact
// arithmetic but the stored bounds and current gains differ by an ulp.
func TestCELFTies(t *testing.T) {
	values := []float64{0.1, 0.7, 0.3, 0.1 + 0.2, 1.0 / 3, 0.2}
	for trial := 0; trial < 200; trial++ {
		rng := rand.New(rand.NewPCG(uint64(trial), 1))
		c := make([]float64, 30)
		for i := range c {
			c[i] = values[rng.IntN(len(values))]
		}
		p := &Problem{Oracle: tieOracle{base: 1000 * rng.Float64(), c: c}, N: len(c), K: 1 + rng.IntN(20)}
		gr, err := Maximize(p, nil, Greedy{})
		if err != nil {
			t.Fatal(err)
		}
		cf, err := Maximize(p, nil, CELF{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(gr.Seeds, cf.Seeds) || !slices.Equal(gr.Gains, cf.Gains) {
			t.Fatalf("trial %d: CELF %v ≠ greedy %v", trial, cf.Seeds, gr.Seeds)
		}
	}
}

// tableOracle looks σ(S) up by the sorted seed set.
type tableOracle map[string]float64

func (o tableOracle) Spread(s []int) (float64, float64) {
	t := slices.Clone(s)
	slices.Sort(t)
	return o[fmt.Sprint(t)], 0
}

// TestCELFStaleTie is the case lazy evaluation gets wrong without the
// tolerance zone: σ is submodular up to one rounding error, node 0's
// current gain 1 equals node 1's stale bound 1, node 1's current gain is
// 1 + 2^-52, so greedy takes node 1 in round 2; a CELF that accepts the
// current top (node 0, first by index) without refreshing node 1 takes 0.
func TestCELFStaleTie(t *testing.T) {
	o := tableOracle{
		"[]": 0, "[0]": 1, "[1]": 1, "[2]": 2,
		"[0 2]": 3, "[1 2]": 3 + 0x1p-51, "[0 1]": 2,
	}
	p := &Problem{Oracle: o, N: 3, K: 2}
	gr, err := Maximize(p, nil, Greedy{})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := Maximize(p, nil, CELF{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 1}; !slices.Equal(gr.Seeds, want) || !slices.Equal(cf.Seeds, want) {
		t.Errorf("greedy %v, CELF %v, want %v", gr.Seeds, cf.Seeds, want)
	}
}

// nanOracle returns NaN for sets containing node 2.
type nanOracle struct{}

func (nanOracle) Spread(s []int) (float64, float64) {
	if slices.Contains(s, 2) {
		return math.NaN(), 0
	}
	return float64(len(s)), 0
}

type stopRecorder struct{ after int }

var errStop = errors.New("stop")

func (r *stopRecorder) Record(p train.Progress) error {
	if p.Iter >= r.after {
		return errStop
	}
	return nil
}

// TestMaximizeErrors checks Problem validation and error propagation.
func TestMaximizeErrors(t *testing.T) {
	m, _ := ic.NewModel(difftest.RandomGraph(t, 10, 20, 0.1, 0.5, 1), nil)
	for _, tc := range []struct {
		name   string
		p      *Problem
		s      *Settings
		method Method
	}{
		{"K zero", &Problem{Model: m, K: 0}, nil, CELF{}},
		{"K too large", &Problem{Model: m, K: 11}, nil, CELF{}},
		{"K above candidates", &Problem{Model: m, K: 3, Candidates: []int{1, 2}}, nil, CELF{}},
		{"candidate out of range", &Problem{Model: m, K: 1, Candidates: []int{10}}, nil, CELF{}},
		{"duplicate candidate", &Problem{Model: m, K: 1, Candidates: []int{1, 1}}, nil, CELF{}},
		{"N mismatch", &Problem{Model: m, N: 9, K: 1}, nil, CELF{}},
		{"no N", &Problem{Oracle: nanOracle{}, K: 1}, nil, CELF{}},
		{"no oracle", &Problem{N: 5, K: 1}, nil, Greedy{}},
		{"IMM without model", &Problem{Oracle: nanOracle{}, N: 5, K: 1}, nil, &IMM{}},
		{"IMM bad epsilon", &Problem{Model: m, K: 1}, nil, &IMM{Epsilon: -1}},
		{"IMM too many sets", &Problem{Model: m, K: 1}, nil, &IMM{MaxRRSets: 10}},
		{"NaN greedy", &Problem{Oracle: nanOracle{}, N: 5, K: 2}, nil, Greedy{}},
		{"NaN CELF", &Problem{Oracle: nanOracle{}, N: 5, K: 2}, nil, CELF{}},
		{"recorder stops", &Problem{Model: m, K: 3}, &Settings{Runs: 10, Recorder: &stopRecorder{2}}, CELF{}},
		{"PG without objective", &Problem{Model: m, K: 3}, nil, &ProjectedGradient{}},
	} {
		res, err := Maximize(tc.p, tc.s, tc.method)
		if err == nil {
			t.Errorf("%s: no error, result %+v", tc.name, res)
			continue
		}
		if s := err.Error(); len(s) < 4 || s[:4] != "im: " {
			t.Errorf("%s: error %q lacks the package prefix", tc.name, s)
		}
	}
	if _, err := Maximize(&Problem{Model: m, K: 3}, &Settings{Runs: 10, Recorder: &stopRecorder{2}}, Greedy{}); !errors.Is(err, errStop) {
		t.Errorf("recorder error not wrapped: %v", err)
	}
	if _, err := Maximize(&Problem{N: 5, K: 1}, nil, Greedy{}); !errors.Is(err, ErrNoOracle) {
		t.Errorf("got %v, want ErrNoOracle", err)
	}
}
