package im

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// randomGraph returns a directed graph on n nodes with about m distinct
// random edges (no self-loops) and weights uniform in [lo, hi).
func randomGraph(t testing.TB, n, m int, lo, hi float64, seed uint64) *graphs.Graph {
	t.Helper()
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
		t.Fatal(err)
	}
	return g
}

// ltWeights returns LT weights on g: each node's in-weights are uniform
// random, scaled to sum to total (≤ 1).
func ltWeights(g *graphs.Graph, total float64, seed uint64) []float64 {
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

// weightedCascade returns p_e = 1/indeg(Dst[e]).
func weightedCascade(g *graphs.Graph) []float64 {
	p := make([]float64, g.NumEdges())
	for e := range p {
		p[e] = 1 / float64(g.InDegree(g.Dst[e]))
	}
	return p
}

// sharedDir locates the shared data directory: $SPREAD_SHARED, else
// ../../../shared relative to this package.
func sharedDir() string {
	if d := os.Getenv("SPREAD_SHARED"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared")
}

// datasetPath returns the path of a file under shared/datasets, skipping
// the test or benchmark when it is absent.
func datasetPath(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(sharedDir(), "datasets", rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("dataset %s not available (set SPREAD_SHARED to the shared directory): %v", rel, err)
	}
	return p
}

// writeUVP writes g with per-edge values p as 'u v p' lines with external
// ids, for the icmc cross-check tool.
func writeUVP(g *graphs.Graph, p []float64, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for e := range g.Src {
		fmt.Fprintf(w, "%s %s %.17g\n", g.ID(g.Src[e]), g.ID(g.Dst[e]), p[e])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// mustGraph builds a graph with probability-1 edges src[i] → dst[i].
func mustGraph(t testing.TB, n int, src, dst []int) *graphs.Graph {
	t.Helper()
	w := make([]float64, len(src))
	for i := range w {
		w[i] = 1
	}
	g, _, err := graphs.FromEdges(n, src, dst, w, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}
