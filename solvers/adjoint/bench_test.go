package adjoint

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/benchutil"
	"github.com/spread-dev/spread/internal/shared"
	"github.com/spread-dev/spread/models/ic"
)

// benchProblem builds the setting of the paper's real-network experiments at
// the size of web-sk-2005: a random graph with N = 100,000 nodes and 300,000
// undirected edges (uniform random pairs), α*_ij = max(k_i, k_j)^(−1/2),
// stochastic initial condition p̄_i = 10/N, T = 4, 10% hidden nodes, and the
// expected counts of M = 10^5 cascades under α*. θ is α* scaled by U[0.5, 1.5].
func benchProblem(b *testing.B, nClasses int) (*graphs.Graph, []float64, *ic.Observations) {
	b.Helper()
	const N, M, T = 100_000, 300_000, 4
	rng := rand.New(rand.NewPCG(2021, 7))
	src, dst := make([]int, M), make([]int, M)
	for k := range src {
		src[k], dst[k] = rng.IntN(N), rng.IntN(N)
	}
	g, _, err := graphs.FromEdges(N, src, dst, nil, graphs.BuildOptions{Undirected: true})
	if err != nil {
		b.Fatal(err)
	}
	star := make([]float64, g.NumPairs())
	theta := make([]float64, g.NumPairs())
	for p, e := range g.PairEdge {
		k := max(g.OutDegree(g.Src[e]), g.OutDegree(g.Dst[e]))
		star[p] = 1 / math.Sqrt(float64(k))
		theta[p] = min(1, star[p]*(0.5+rng.Float64()))
	}
	obs := &ic.Observations{N: N, T: T, Observed: make([]bool, N)}
	for i := range obs.Observed {
		obs.Observed[i] = rng.Float64() >= 0.1
	}
	for s := 0; s < nClasses; s++ {
		p0 := make([]float64, N)
		if nClasses == 1 {
			for i := range p0 {
				p0[i] = 10.0 / N
			}
		} else {
			p0[rng.IntN(N)] = 1
		}
		mu := ic.Mu(nil, ic.MixtureMarginals(nil, g, star, 1, p0, T), N, T)
		for k := range mu {
			mu[k] = math.Round(1e5 * max(mu[k], 0))
		}
		obs.Classes = append(obs.Classes, ic.Class{P0: p0, M: 100_000, Counts: mu})
	}
	return g, theta, obs
}

// BenchmarkGradient300k times one SLICER gradient evaluation (forward,
// objective, backward) on 300k undirected edges (600k messages), T = 4: one
// stochastic class (always evaluated one class at a time), and 8
// single-seed classes with the class-block path ("blocks") and the one-class
// sweep ("unbatched").
func BenchmarkGradient300k(b *testing.B) {
	for _, nc := range []int{1, 8} {
		g, theta, obs := benchProblem(b, nc)
		kind := "stochastic"
		paths := []bool{false}
		if nc > 1 {
			kind = fmt.Sprintf("%d-single-seed-classes", nc)
			paths = []bool{false, true}
		}
		for _, unbatched := range paths {
			for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
				name := fmt.Sprintf("%s/workers=%d", kind, workers)
				if nc > 1 {
					name = fmt.Sprintf("%s/%s/workers=%d", kind, pathName(unbatched), workers)
				}
				b.Run(name, func(b *testing.B) { benchGradient(b, g, theta, obs, workers, unbatched) })
			}
		}
	}
}

func pathName(unbatched bool) string {
	if unbatched {
		return "unbatched"
	}
	return "blocks"
}

// benchGradient times Workspace.Gradient and reports the process CPU time
// per evaluation next to the wall time.
func benchGradient(b *testing.B, g *graphs.Graph, theta []float64, obs *ic.Observations, workers int, unbatched bool) {
	ws := NewWorkspace(g, &Options{Workers: workers})
	ws.unbatched = unbatched
	grad := make([]float64, len(theta))
	if _, _, err := ws.Gradient(grad, theta, obs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	c0 := benchutil.CPUTime()
	for b.Loop() {
		if _, _, err := ws.Gradient(grad, theta, obs); err != nil {
			b.Fatal(err)
		}
	}
	benchutil.ReportCPUPerOp(b, c0, time.Millisecond)
}

// egoFacebookProblem builds the ego-Facebook SLICER benchmark of the issue:
// the shared graph ego-facebook-slicer-bench/graph.mtx (a MatrixMarket
// "real general" file: 4,039 nodes, 176,468 directed edges, every edge with
// its reverse, the value of each entry its ground-truth IC probability α*),
// read as a directed graph with one parameter per directed edge; 50
// cascades, each from one seed drawn uniformly among all nodes, simulated
// under α* with ic.Simulator (datasets.Synthetic, seed 1) and recorded for
// T = 5 slots; cascades grouped by seed (datasets.Counts), so up to 50
// single-seed classes; all nodes observed. θ is α* scaled by U[0.5, 1.5]
// (clipped to 1), a point in the middle of a training run. It skips b when
// the shared data are absent.
func egoFacebookProblem(b *testing.B) (g *graphs.Graph, star, theta []float64, obs *ic.Observations) {
	b.Helper()
	path := shared.Path(b, "graphs", "ego-facebook-slicer-bench", "graph.mtx")
	g, _, err := graphs.ReadMatrixMarketFile(path, graphs.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if g.Undirected() || g.Weight == nil {
		b.Fatalf("%s: want a directed graph with probabilities", path)
	}
	star = g.Weight
	casc, err := datasets.Synthetic(g, star, datasets.SyntheticConfig{M: 50, T: 5, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	obs = datasets.Counts(casc, nil, true, nil)
	rng := rand.New(rand.NewPCG(2021, 8))
	theta = make([]float64, len(star))
	for k, a := range star {
		theta[k] = min(1, a*(0.5+rng.Float64()))
	}
	return g, star, theta, obs
}

// BenchmarkGradientEgoFacebook times one SLICER gradient evaluation on the
// ego-Facebook workload of egoFacebookProblem (48 single-seed classes,
// 176,468 directed edges, T = 5) with the class-block path ("blocks") and
// the one-class sweep ("unbatched").
func BenchmarkGradientEgoFacebook(b *testing.B) {
	g, _, theta, obs := egoFacebookProblem(b)
	for _, unbatched := range []bool{false, true} {
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("classes=%d/%s/workers=%d", len(obs.Classes), pathName(unbatched), workers), func(b *testing.B) {
				benchGradient(b, g, theta, obs, workers, unbatched)
			})
		}
	}
}

// BenchmarkForward300k times the plain serial ic.DMP forward pass alone on
// the same graph, for comparison.
func BenchmarkForward300k(b *testing.B) {
	g, theta, obs := benchProblem(b, 1)
	alpha := ic.ExpandAlpha(nil, g, theta)
	d := ic.NewDMP(g)
	d.Forward(alpha, obs.Classes[0].P0, obs.T)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := benchutil.CPUTime()
	for b.Loop() {
		d.Forward(alpha, obs.Classes[0].P0, obs.T)
	}
	benchutil.ReportCPUPerOp(b, c0, time.Millisecond)
}
