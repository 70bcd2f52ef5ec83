package continest

import (
	"math"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/cic"
	"github.com/spread-dev/spread/solvers/im"
)

func kron(t *testing.T, n int, seed uint64) (*graphs.Graph, cic.Params) {
	t.Helper()
	init, err := graphs.KroneckerPreset("hier")
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for 1<<k < n {
		k++
	}
	g, err := graphs.Kronecker(k, init, 4, seed)
	if err != nil {
		t.Fatal(err)
	}
	p, err := cic.RandomParams(g, cic.Exponential(), cic.DefaultRanges(), seed)
	if err != nil {
		t.Fatal(err)
	}
	return g, p
}

// TestAgainstExact holds ConTinEst against the exact per-sample
// reachability count over the same delay realisations, for several source
// sets and query times, on a Kronecker network with n = 128 and n = 1024.
// Given the delays, each sample's estimate (r−1)/Σ r* is unbiased with
// relative standard deviation 1/√(r−2), so the mean over m samples is
// within 4/√(m(r−2)) of the exact count in relative terms (4σ).
func TestAgainstExact(t *testing.T) {
	for _, tc := range []struct {
		n, m, r int
		T       float64
	}{{128, 400, 5, 10}, {1024, 40, 5, 4}} {
		g, p := kron(t, tc.n, 3)
		e, err := New(g, cic.Exponential(), p, tc.T, &Settings{Samples: tc.m, Labels: tc.r, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		tol := 4 / math.Sqrt(float64(tc.m*(tc.r-2)))
		for _, S := range [][]int{{0}, {5, 17}, {1, 2, 3, 40, 77}} {
			for _, q := range []float64{tc.T / 4, tc.T / 2, tc.T} {
				got, se := e.InfluenceAt(S, q)
				want := e.ExactInfluence(S, q)
				if math.Abs(got-want) > tol*want {
					t.Errorf("n=%d S=%v t=%v: ConTinEst %.3f, exact %.3f (tolerance %.3f)", tc.n, S, q, got, want, tol*want)
				}
				if !(se > 0) || math.IsInf(se, 0) {
					t.Errorf("n=%d S=%v t=%v: stderr %v", tc.n, S, q, se)
				}
			}
		}
		if got, _ := e.InfluenceAt(nil, tc.T); got != 0 {
			t.Errorf("empty set: %v", got)
		}
	}
}

// TestWorkers: the estimator does not depend on the number of workers.
func TestWorkers(t *testing.T) {
	g, p := kron(t, 64, 2)
	var ref float64
	for _, w := range []int{1, 3} {
		e, err := New(g, cic.Rayleigh(), p, 4, &Settings{Samples: 50, Seed: 1, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := e.InfluenceAt([]int{1, 9}, 3)
		if w == 1 {
			ref = got
		} else if got != ref {
			t.Fatalf("workers %d: %v, want %v", w, got, ref)
		}
	}
}

// TestInfluMax: on a star plus isolated nodes, the hub is chosen first,
// and CELF over ConTinEst gives the seeds of greedy over the exact counts
// of the same samples.
func TestInfluMax(t *testing.T) {
	src, dst := []int{}, []int{}
	for v := 1; v < 8; v++ {
		src, dst = append(src, 0), append(dst, v)
	}
	src, dst = append(src, 8, 9), append(dst, 9, 10)
	g, _, err := graphs.FromEdges(12, src, dst, nil, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := make([]float64, g.NumEdges())
	for i := range a {
		a[i] = 1
	}
	e, err := New(g, cic.Exponential(), cic.Params{A: a}, 2, &Settings{Samples: 300, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	res, err := InfluMax(e, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Seeds[0] != 0 || res.Seeds[1] != 8 {
		t.Errorf("seeds %v, want [0 8]", res.Seeds)
	}
	var _ im.Oracle = e
}

func TestNewErrors(t *testing.T) {
	g, p := kron(t, 16, 1)
	for _, s := range []*Settings{{Labels: 1}, {Samples: -1}} {
		if _, err := New(g, cic.Exponential(), p, 3, s); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	if _, err := New(g, cic.Exponential(), p, math.Inf(1), nil); err == nil {
		t.Error("infinite T accepted")
	}
}

// BenchmarkNew128: least-label lists for n = 128 (hierarchical Kronecker,
// 512 edges, exponential), T = 20, m = 1000, r = 5.
func BenchmarkNew128(b *testing.B) {
	init, _ := graphs.KroneckerPreset("hier")
	g, _ := graphs.Kronecker(7, init, 4, 1)
	p, _ := cic.RandomParams(g, cic.Exponential(), cic.DefaultRanges(), 1)
	for b.Loop() {
		if _, err := New(g, cic.Exponential(), p, 20, &Settings{Samples: 1000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
