package ad_test

import (
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
