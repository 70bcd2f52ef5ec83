package ad

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// Kernel benchmarks of CavityProd and SegmentProd without the gorgonia
// machinery, on a random graph with 2·10⁵ nodes and 10⁶ directed edges
// (5·10⁵ reciprocal pairs) whose edges are numbered in in-edge order (grouped
// by target), the layout models/ic's DMP objective uses:
//
//	go test -run '^$' -bench 'CavityProd|SegmentProd' ./models/ad

// kernelGraph is a graph for the kernel benchmarks.
type kernelGraph struct {
	n             int
	src, dst, rev []int
}

var kernelBenchGraph = sync.OnceValue(func() kernelGraph {
	const n, pairs = 200_000, 500_000
	r := rand.New(rand.NewPCG(2025, 1))
	// Random reciprocal pairs, then edges renumbered grouped by target.
	us, vs := make([]int, 2*pairs), make([]int, 2*pairs)
	for p := range pairs {
		u := r.IntN(n)
		v := (u + 1 + r.IntN(n-1)) % n
		us[2*p], vs[2*p] = u, v
		us[2*p+1], vs[2*p+1] = v, u
	}
	off := make([]int, n+1)
	for _, v := range vs {
		off[v+1]++
	}
	for u := range n {
		off[u+1] += off[u]
	}
	slot := make([]int, len(vs))
	for e, v := range vs {
		slot[e] = off[v]
		off[v]++
	}
	g := kernelGraph{n: n, src: make([]int, len(vs)), dst: make([]int, len(vs)), rev: make([]int, len(vs))}
	for e := range vs {
		q := slot[e]
		g.src[q], g.dst[q], g.rev[q] = us[e], vs[e], slot[e^1]
	}
	return g
})

func kernelBenchVec(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 3))
	x := make([]float64, n)
	for i := range x {
		x[i] = 0.5 + 0.5*r.Float64()
	}
	return x
}

func BenchmarkCavityProdKernel(b *testing.B) {
	g := kernelBenchGraph()
	ix, err := NewCavityProdIndex(g.n, g.src, g.dst, g.rev)
	if err != nil {
		b.Fatal(err)
	}
	E := len(g.src)
	x, up, y := kernelBenchVec(1, E), kernelBenchVec(2, E), make([]float64, E)
	b.Run("fwd", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			cavityProdFwd(y, x, ix)
		}
	})
	b.Run("bwd", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			cavityProdBwd(y, x, up, ix, false)
		}
	})
}

func BenchmarkSegmentProdKernel(b *testing.B) {
	g := kernelBenchGraph()
	s, err := NewSegments(g.dst, g.n)
	if err != nil {
		b.Fatal(err)
	}
	E := len(g.src)
	x, up, y, d := kernelBenchVec(1, E), kernelBenchVec(2, g.n), make([]float64, g.n), make([]float64, E)
	b.Run("fwd", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			segProd(y, x, s)
		}
	})
	b.Run("bwd", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			segProdBwd(d, x, up, s)
		}
	})
}
