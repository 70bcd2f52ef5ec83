package adjoint

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/spread-dev/spread/graphs"
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
// objective, backward) on 300k undirected edges (600k messages), T = 4.
func BenchmarkGradient300k(b *testing.B) {
	for _, nc := range []int{1, 8} {
		g, theta, obs := benchProblem(b, nc)
		kind := "stochastic"
		if nc > 1 {
			kind = fmt.Sprintf("%d-single-seed-classes", nc)
		}
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("%s/workers=%d", kind, workers), func(b *testing.B) {
				ws := NewWorkspace(g, &Options{Workers: workers})
				grad := make([]float64, len(theta))
				if _, _, err := ws.Gradient(grad, theta, obs); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				c0 := cpuTime()
				for b.Loop() {
					if _, _, err := ws.Gradient(grad, theta, obs); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
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
	c0 := cpuTime()
	for b.Loop() {
		d.Forward(alpha, obs.Classes[0].P0, obs.T)
	}
	b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

// cpuTime returns the user+system CPU time of the process (all threads), a
// steadier measure than wall time on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
