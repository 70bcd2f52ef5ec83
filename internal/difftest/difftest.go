// Package difftest holds the test instances and contract checks shared by
// the tests of the live-edge diffusion models (models/ic, models/lt,
// models/cic) and of solvers/im: random directed graphs with weights, LT
// weights with a given in-weight total, and the two properties every
// diffusion.Sampler must have (reverse-reachable sets agree with forward
// reach world by world; Reach lists the seeds first). It is for tests only.
package difftest

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/diffusion"
)

// RandomGraph returns a directed graph on n nodes with about m distinct
// random edges (no self-loops) and weights uniform in [lo, hi), drawn from
// PCG(seed, 7).
func RandomGraph(tb testing.TB, n, m int, lo, hi float64, seed uint64) *graphs.Graph {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	var src, dst []int
	var w []float64
	for i := 0; i < m; i++ {
		u, v := rng.IntN(n), rng.IntN(n)
		if u == v {
			continue
		}
		src = append(src, u)
		dst = append(dst, v)
		w = append(w, lo+(hi-lo)*rng.Float64())
	}
	g, _, err := graphs.FromEdges(n, src, dst, w, graphs.BuildOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// LTWeights returns LT weights on g: each node's in-weights are uniform
// random, scaled to sum to total (≤ 1), drawn from PCG(seed, 11).
func LTWeights(g *graphs.Graph, total float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 11))
	w := make([]float64, g.NumEdges())
	for v := 0; v < g.N; v++ {
		s := 0.0
		for i := g.InOff[v]; i < g.InOff[v+1]; i++ {
			w[g.InEdges[i]] = rng.Float64()
			s += w[g.InEdges[i]]
		}
		for i := g.InOff[v]; i < g.InOff[v+1]; i++ {
			w[g.InEdges[i]] *= total / s
		}
	}
	return w
}

// MustGraph builds a graph with probability-1 edges src[i] → dst[i].
func MustGraph(tb testing.TB, n int, src, dst []int) *graphs.Graph {
	tb.Helper()
	w := make([]float64, len(src))
	for i := range w {
		w[i] = 1
	}
	g, _, err := graphs.FromEdges(n, src, dst, w, graphs.BuildOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// Case is a named builder of a model for CheckContract.
type Case struct {
	Name  string
	Build func(tb testing.TB) diffusion.Model
}

// CheckContract runs CheckRRSetMatchesReach and CheckReachSeedsFirst on
// every case, each as a subtest "case/RRSet" and "case/ReachSeedsFirst".
func CheckContract(t *testing.T, cases []Case) {
	for _, c := range cases {
		t.Run(c.Name+"/RRSet", func(t *testing.T) { CheckRRSetMatchesReach(t, c.Build(t)) })
		t.Run(c.Name+"/ReachSeedsFirst", func(t *testing.T) { CheckReachSeedsFirst(t, c.Build(t)) })
	}
}

// CheckRRSetMatchesReach checks the defining property of RR sets world by
// world on 20 worlds: v ∈ RRSet(w, r) ⇔ r ∈ Reach(w, {v}), for every v and
// r; that both list each node once, starting with the seed or root; and
// that some cascade goes beyond its seed (the instance is not degenerate).
func CheckRRSetMatchesReach(t *testing.T, m diffusion.Model) {
	t.Helper()
	n := m.NumNodes()
	s := m.NewSampler()
	reach := make([][]bool, n) // reach[v][r]: r ∈ Reach({v})
	for i := range reach {
		reach[i] = make([]bool, n)
	}
	total := 0
	for j := uint64(0); j < 20; j++ {
		w := diffusion.NewWorld(99, 5, j)
		for v := 0; v < n; v++ {
			clear(reach[v])
			set := s.Reach(nil, w, []int{v})
			if set[0] != int32(v) {
				t.Fatalf("world %d: Reach({%d}) starts with %d", j, v, set[0])
			}
			for _, r := range set {
				if reach[v][r] {
					t.Fatalf("world %d: Reach({%d}) lists %d twice", j, v, r)
				}
				reach[v][r] = true
			}
			total += len(set)
		}
		for r := 0; r < n; r++ {
			rr := s.RRSet(nil, w, r)
			if rr[0] != int32(r) {
				t.Fatalf("world %d: RRSet(%d) starts with %d", j, r, rr[0])
			}
			in := make([]bool, n)
			for _, v := range rr {
				if in[v] {
					t.Fatalf("world %d: RRSet(%d) lists %d twice", j, r, v)
				}
				in[v] = true
			}
			for v := 0; v < n; v++ {
				if in[v] != reach[v][r] {
					t.Fatalf("world %d: %d ∈ RRSet(%d) is %v but %d ∈ Reach({%d}) is %v", j, v, r, in[v], r, v, reach[v][r])
				}
			}
		}
	}
	if total <= 20*n {
		t.Errorf("degenerate instance: no cascade went beyond its seed")
	}
}

// CheckReachSeedsFirst checks the order contract of Reach: seeds first in
// the order given, duplicates dropped, and dst appended to. The model needs
// at least 10 nodes.
func CheckReachSeedsFirst(t *testing.T, m diffusion.Model) {
	t.Helper()
	s := m.NewSampler()
	prefix := []int32{-7}
	got := s.Reach(slices.Clone(prefix), diffusion.NewWorld(1, 2, 3), []int{5, 2, 5, 9})
	if got[0] != -7 || !slices.Equal(got[1:4], []int32{5, 2, 9}) {
		t.Fatalf("Reach = %v, want prefix -7 then seeds 5 2 9", got[:min(len(got), 6)])
	}
}
