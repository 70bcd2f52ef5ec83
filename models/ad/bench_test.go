package ad_test

import (
	"fmt"
	"sync"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/ad"
)

// Benchmarks on a random graph with 2·10⁵ nodes and 10⁶ directed edges
// (5·10⁵ undirected pairs, every edge has a reverse), edges in CSR order by
// source. Each benchmark runs forward and backward of cost = Σ op(...):
// the Tape versions through a TapeMachine built and compiled once (Reset +
// RunAll per iteration), the PlainLoop versions as hand-written Go over
// preallocated slices doing the same arithmetic (forward, sum, a ones
// upstream gradient, the adjoint).
//
//	go test -run '^$' -bench . -benchmem ./models/ad

const (
	benchNodes = 200_000
	benchEdges = 1_000_000
)

var benchGraph = sync.OnceValue(func() testGraph {
	return sortedBySrc(pairedGraph(2024, benchNodes, benchEdges/2, 0))
})

// benchTape builds cost = Σ op(inputs) and its gradient once, then times
// Reset + RunAll.
func benchTape(b *testing.B, inputs [][]float64, op func(in []*G.Node) (*G.Node, error)) {
	g := G.NewGraph()
	in := make(G.Nodes, len(inputs))
	for i, x := range inputs {
		in[i] = input(g, tensor.Float64, inputNames[i], x)
	}
	y, err := op(in)
	if err != nil {
		b.Fatal(err)
	}
	cost := G.Must(G.Sum(y))
	if _, err := G.Grad(cost, in...); err != nil {
		b.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.Reset()
		if err := m.RunAll(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGatherTape(b *testing.B) {
	tg := benchGraph()
	benchTape(b, [][]float64{randVec(1, tg.n, 0, 1)}, func(in []*G.Node) (*G.Node, error) {
		return ad.Gather(in[0], tg.src)
	})
}

func BenchmarkScatterAddTape(b *testing.B) {
	tg := benchGraph()
	benchTape(b, [][]float64{randVec(2, len(tg.src), 0, 1)}, func(in []*G.Node) (*G.Node, error) {
		return ad.ScatterAdd(in[0], tg.dst, tg.n)
	})
}

func BenchmarkCavityTape(b *testing.B) {
	tg := benchGraph()
	ix, err := ad.NewCavityIndex(tg.n, tg.src, tg.dst, tg.rev)
	if err != nil {
		b.Fatal(err)
	}
	benchTape(b, [][]float64{randVec(3, tg.n, -1, 0), randVec(4, len(tg.src), -1, 0)}, func(in []*G.Node) (*G.Node, error) {
		return ad.CavityWith(in[0], in[1], ix)
	})
}

func BenchmarkCavityCompositeTape(b *testing.B) {
	tg := benchGraph()
	benchTape(b, [][]float64{randVec(3, tg.n, -1, 0), randVec(4, len(tg.src), -1, 0)}, func(in []*G.Node) (*G.Node, error) {
		return ad.CavityComposite(in[0], in[1], tg.src, tg.dst, tg.rev)
	})
}

func BenchmarkSegmentSoftmaxTape(b *testing.B) {
	tg := benchGraph()
	s, err := ad.NewSegments(tg.dst, tg.n)
	if err != nil {
		b.Fatal(err)
	}
	benchTape(b, [][]float64{randVec(5, len(tg.src), -3, 3)}, func(in []*G.Node) (*G.Node, error) {
		y, err := ad.SegmentSoftmaxWith(in[0], s)
		if err != nil {
			return nil, err
		}
		return G.Square(y) // Σ softmax is constant; square it so the gradient is not trivially zero
	})
}

func BenchmarkCavityProdTape(b *testing.B) {
	tg := benchGraph()
	ix, err := ad.NewCavityProdIndex(tg.n, tg.src, tg.dst, tg.rev)
	if err != nil {
		b.Fatal(err)
	}
	benchTape(b, [][]float64{randVec(6, len(tg.src), 0.5, 1)}, func(in []*G.Node) (*G.Node, error) {
		return ad.CavityProd(in[0], ix)
	})
}

func BenchmarkSegmentProdTape(b *testing.B) {
	tg := benchGraph()
	s, err := ad.NewSegments(tg.dst, tg.n)
	if err != nil {
		b.Fatal(err)
	}
	benchTape(b, [][]float64{randVec(7, len(tg.src), 0.5, 1)}, func(in []*G.Node) (*G.Node, error) {
		return ad.SegmentProdWith(in[0], s)
	})
}

var benchSink float64

func BenchmarkGatherPlainLoop(b *testing.B) {
	tg := benchGraph()
	x := randVec(1, tg.n, 0, 1)
	y := make([]float64, len(tg.src))
	gy := make([]float64, len(tg.src))
	gx := make([]float64, tg.n)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var cost float64
		for e, u := range tg.src {
			y[e] = x[u]
		}
		for _, v := range y {
			cost += v
		}
		for e := range gy {
			gy[e] = 1
		}
		clear(gx)
		for e, u := range tg.src {
			gx[u] += gy[e]
		}
		benchSink = cost
	}
}

func BenchmarkScatterAddPlainLoop(b *testing.B) {
	tg := benchGraph()
	v := randVec(2, len(tg.src), 0, 1)
	s := make([]float64, tg.n)
	gs := make([]float64, tg.n)
	gv := make([]float64, len(tg.src))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var cost float64
		clear(s)
		for e, i := range tg.dst {
			s[i] += v[e]
		}
		for _, x := range s {
			cost += x
		}
		for i := range gs {
			gs[i] = 1
		}
		for e, i := range tg.dst {
			gv[e] = gs[i]
		}
		benchSink = cost
	}
}

func BenchmarkCavityPlainLoop(b *testing.B) {
	tg := benchGraph()
	base := randVec(3, tg.n, -1, 0)
	L := randVec(4, len(tg.src), -1, 0)
	S := make([]float64, tg.n)
	cav := make([]float64, len(tg.src))
	g := make([]float64, len(tg.src))
	gb := make([]float64, tg.n)
	gL := make([]float64, len(tg.src))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		// forward: S = base + ScatterAdd(L, dst); cav = S[src] − L[rev]
		copy(S, base)
		for k, u := range tg.dst {
			S[u] += L[k]
		}
		var cost float64
		for e, u := range tg.src {
			c := S[u]
			if r := tg.rev[e]; r >= 0 {
				c -= L[r]
			}
			cav[e] = c
			cost += c
		}
		// backward: gb = ScatterAdd(g, src); gL[k] = gb[dst k] − Σ_{rev e = k} g[e]
		for e := range g {
			g[e] = 1
		}
		clear(gb)
		for e, u := range tg.src {
			gb[u] += g[e]
		}
		for k, u := range tg.dst {
			gL[k] = gb[u]
		}
		for e, r := range tg.rev {
			if r >= 0 {
				gL[r] -= g[e]
			}
		}
		benchSink = cost
	}
}

// Row-wise benchmarks: forward and backward of the row ops on node-feature
// matrices beside their vector ops at the same number of entries. A random
// graph with E edges (E/2 reciprocal pairs, edges in CSR order by source)
// and E/5 nodes, as benchGraph; each case is "<layout>/E=<edges>/<dtype>":
// "vector" is the vector op over 8·10⁵ edges, "F=1" the row op on an
// 8·10⁵×1 matrix, "F=8" the row op on 10⁵ edges × 8 columns (8·10⁵ entries,
// the size of an 8-head attention layer on 10⁵ edges).
//
//	go test -run '^$' -bench 'Rows|Gather|Scatter|Softmax' -benchtime 20x ./models/ad/

// rowsBenchCase is one layout of the row-wise benchmarks.
type rowsBenchCase struct {
	name  string
	edges int
	f     int  // columns
	mat   bool // a matrix node (the row op) rather than a vector (the vector op)
}

var rowsBenchCases = []rowsBenchCase{
	{"vector", 800_000, 1, false},
	{"F=1", 800_000, 1, true},
	{"F=8", 100_000, 8, true},
}

var rowsBenchGraphs = sync.OnceValue(func() map[int]testGraph {
	out := map[int]testGraph{}
	for _, c := range rowsBenchCases {
		if _, ok := out[c.edges]; !ok {
			out[c.edges] = sortedBySrc(pairedGraph(uint64(c.edges), c.edges/5, c.edges/2, 0))
		}
	}
	return out
})

// benchRows runs, for every layout and dtype, cost = Σ op(x) (Σ op(x)² when
// square is set) with x of the given number of rows (a function of the
// graph), differentiated and compiled once, timing Reset + RunAll.
func benchRows(b *testing.B, rows func(tg testGraph) int, square bool, op func(x *G.Node, tg testGraph, mat bool) (*G.Node, error)) {
	for _, c := range rowsBenchCases {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			b.Run(fmt.Sprintf("%s/E=%d/%v", c.name, c.edges, dt), func(b *testing.B) {
				tg := rowsBenchGraphs()[c.edges]
				r := rows(tg)
				g := G.NewGraph()
				shape := []int{r}
				if c.mat {
					shape = []int{r, c.f}
				}
				x := tensorInput(g, dt, "x", shape, randVec(8, r*c.f, -1, 1))
				y, err := op(x, tg, c.mat)
				if err != nil {
					b.Fatal(err)
				}
				if square {
					y = G.Must(G.Square(y))
				}
				cost := G.Must(G.Sum(y))
				if _, err := G.Grad(cost, x); err != nil {
					b.Fatal(err)
				}
				m := G.NewTapeMachine(g)
				defer m.Close()
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					m.Reset()
					if err := m.RunAll(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkGatherRows(b *testing.B) {
	benchRows(b, func(tg testGraph) int { return tg.n }, false, func(x *G.Node, tg testGraph, mat bool) (*G.Node, error) {
		if mat {
			return ad.GatherRows(x, tg.src)
		}
		return ad.Gather(x, tg.src)
	})
}

func BenchmarkScatterAddRows(b *testing.B) {
	benchRows(b, func(tg testGraph) int { return len(tg.dst) }, false, func(x *G.Node, tg testGraph, mat bool) (*G.Node, error) {
		if mat {
			return ad.ScatterAddRows(x, tg.dst, tg.n)
		}
		return ad.ScatterAdd(x, tg.dst, tg.n)
	})
}

// BenchmarkSegmentSoftmaxRows squares the output: Σ softmax is constant.
func BenchmarkSegmentSoftmaxRows(b *testing.B) {
	benchRows(b, func(tg testGraph) int { return len(tg.dst) }, true, func(x *G.Node, tg testGraph, mat bool) (*G.Node, error) {
		if mat {
			return ad.SegmentSoftmaxRows(x, tg.dst, tg.n)
		}
		return ad.SegmentSoftmax(x, tg.dst, tg.n)
	})
}
