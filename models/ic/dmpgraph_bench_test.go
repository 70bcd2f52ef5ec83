package ic_test

import (
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/benchutil"
	"github.com/spread-dev/spread/internal/shared"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
)

// The gradient benchmark of the peer anchor /work/shared/bench/dmp_torch.py
// (PyTorch autograd, `dmp_torch.py 121422 334419 4 2 9`) on web-sk-2005
// (N = 121,422, 334,419 undirected edges, E = 668,838 directed): α = 0.3 on
// every edge, stochastic initial condition p̄_i = 10/N, every node observed,
// counts m_i(τ) uniform random integers in 0..49. The torch script's T = 4
// unrolls 4 steps (marginal rows t = 0..4); the same work here is T = 5
// resolved slots (rows t = 0..4, 4 DMP steps, activation times 0..4 plus the
// censored class). BenchmarkTorchGraph runs the same on the torch script's
// own uniformly random graph of that size.
//
// One op is one objective-and-gradient evaluation. Metrics: the median and
// minimum wall time over the runs (median-ms, min-ms), the process CPU time
// per run over all threads (cpu-ms/op), the mean wall time (ns/op), the
// bytes allocated per run (B/op)
// and the process's peak RSS (peak-RSS-MB, VmHWM, which includes loading the
// graph). Run each in its own process so that the peaks are separate:
//
//	go test -run '^$' -bench 'WebSK/autodiff$' -benchtime 15x -benchmem ./models/ic
//	go test -run '^$' -bench 'WebSK/autodiff-unfused' -benchtime 15x -benchmem ./models/ic
//	go test -run '^$' -bench 'WebSK/adjoint' -benchtime 15x -benchmem ./models/ic
//
// SPREAD_BENCH_T overrides T (default 5).

var webSK struct {
	once sync.Once
	g    *graphs.Graph
	err  error
}

func benchWebSK(b *testing.B) (*graphs.Graph, []float64, *ic.Observations) {
	b.Helper()
	path := shared.Path(b, "graphs", "web-sk-2005", "web-sk-2005.mtx")
	webSK.once.Do(func() {
		webSK.g, _, webSK.err = graphs.ReadMatrixMarketFile(path, graphs.ReadOptions{})
	})
	if webSK.err != nil {
		b.Fatal(webSK.err)
	}
	theta, obs := benchProblem(b, webSK.g)
	return webSK.g, theta, obs
}

// benchTorchGraph returns the torch script's own graph model at web-sk's
// size: 334,419 undirected edges between uniformly random endpoints on
// 121,422 nodes (self-loops dropped; the few repeated pairs are merged, so
// E is slightly below 668,838). It has none of web-sk's locality.
func benchTorchGraph(b *testing.B) (*graphs.Graph, []float64, *ic.Observations) {
	b.Helper()
	const N, M = 121_422, 334_419
	rng := rand.New(rand.NewPCG(1, 0))
	src, dst := make([]int, 0, M), make([]int, 0, M)
	for len(src) < M {
		u, v := rng.IntN(N), rng.IntN(N)
		if u != v {
			src, dst = append(src, u), append(dst, v)
		}
	}
	g, _, err := graphs.FromEdges(N, src, dst, nil, graphs.BuildOptions{Undirected: true})
	if err != nil {
		b.Fatal(err)
	}
	theta, obs := benchProblem(b, g)
	return g, theta, obs
}

// benchProblem returns θ = 0.3, p̄ = 10/N and random counts on g.
func benchProblem(b *testing.B, g *graphs.Graph) ([]float64, *ic.Observations) {
	T := 5
	if s := os.Getenv("SPREAD_BENCH_T"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 2 {
			b.Fatalf("SPREAD_BENCH_T = %q", s)
		}
		T = v
	}
	N := g.N
	theta := make([]float64, g.NumPairs())
	for k := range theta {
		theta[k] = 0.3
	}
	p0 := make([]float64, N)
	for i := range p0 {
		p0[i] = 10.0 / float64(N)
	}
	rng := rand.New(rand.NewPCG(2, 0))
	counts := make([]float64, N*(T+1))
	for k := range counts {
		counts[k] = float64(rng.IntN(50))
	}
	obs := &ic.Observations{N: N, T: T, Classes: []ic.Class{{P0: p0, M: 50 * (T + 1), Counts: counts}}}
	return theta, obs
}

// runTimed runs f b.N times, timing each run, and reports the median and
// minimum wall time, the process CPU time (user + system, all threads) per
// run, and the peak RSS.
func runTimed(b *testing.B, f func() error) {
	b.ReportAllocs()
	times := make([]float64, 0, b.N)
	cpu0 := benchutil.CPUTime()
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		times = append(times, float64(time.Since(t0).Microseconds())/1e3)
	}
	b.StopTimer()
	cpu := benchutil.CPUTime() - cpu0
	slices.Sort(times)
	b.ReportMetric(times[len(times)/2], "median-ms")
	b.ReportMetric(times[0], "min-ms")
	b.ReportMetric(cpu.Seconds()*1e3/float64(b.N), "cpu-ms/op")
	if hwm := vmHWM(); hwm > 0 {
		b.ReportMetric(float64(hwm)/1024, "peak-RSS-MB")
	}
}

// vmHWM returns the process's peak resident set size in KiB from
// /proc/self/status, or 0 where that is unavailable.
func vmHWM() int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				v, _ := strconv.Atoi(f[0])
				return v
			}
		}
	}
	return 0
}

func BenchmarkWebSK(b *testing.B) { benchGradients(b, benchWebSK) }

// BenchmarkTorchGraph is BenchmarkWebSK on the random graph of the torch
// script (benchTorchGraph).
func BenchmarkTorchGraph(b *testing.B) { benchGradients(b, benchTorchGraph) }

func benchGradients(b *testing.B, problem func(*testing.B) (*graphs.Graph, []float64, *ic.Observations)) {
	for _, c := range []struct {
		name string
		opt  *ic.GraphOptions
	}{{"autodiff", nil}, {"autodiff-unfused", &ic.GraphOptions{Unfused: true}}} {
		b.Run(c.name, func(b *testing.B) { benchAutodiff(b, problem, c.opt) })
	}
	b.Run("adjoint", func(b *testing.B) {
		g, theta, obs := problem(b)
		ws := adjoint.NewWorkspace(g, &adjoint.Options{Workers: runtime.GOMAXPROCS(0)})
		grad := make([]float64, len(theta))
		runTimed(b, func() error { _, _, err := ws.Gradient(grad, theta, obs); return err })
	})
}

// benchAutodiff times GraphObjective.Eval (fused by default, the reference
// graph with opt.Unfused).
func benchAutodiff(b *testing.B, problem func(*testing.B) (*graphs.Graph, []float64, *ic.Observations), opt *ic.GraphOptions) {
	{
		g, theta, obs := problem(b)
		t0 := time.Now()
		f, err := ic.NewGraphObjective(g, obs, 1, opt)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		build := time.Since(t0)
		grad := make([]float64, len(theta))
		runTimed(b, func() error { _, err := f.Eval(theta, grad); return err })
		b.ReportMetric(float64(build.Milliseconds()), "build-ms") // after runTimed's ResetTimer
	}
}

// BenchmarkEgoFacebook times one gradient of the learning benchmark's shape
// on ego-Facebook (/work/shared/datasets/graphs/ego-facebook-slicer-bench):
// 48 single-seed classes (seeds at nodes 0, 97, 194, …), T = 5, θ = 0.5,
// random counts m_i(τ) in 0..4; GraphObjective runs it in chunks of
// GraphChunkWork, with the reach restriction (autodiff, the default),
// without it (autodiff-noreach) and unfused:
//
//	SPREAD_SHARED=/work/shared go test -run '^$' -bench 'EgoFacebook/autodiff' -benchtime 5x -benchmem ./models/ic
func BenchmarkEgoFacebook(b *testing.B) {
	path := shared.Path(b, "graphs", "ego-facebook-slicer-bench", "graph.mtx")
	g, _, err := graphs.ReadMatrixMarketFile(path, graphs.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	const T, S = 5, 48
	rng := rand.New(rand.NewPCG(3, 0))
	obs := &ic.Observations{N: g.N, T: T}
	for s := range S {
		p0 := make([]float64, g.N)
		p0[(97*s)%g.N] = 1
		counts := make([]float64, g.N*(T+1))
		for k := range counts {
			counts[k] = float64(rng.IntN(5))
		}
		obs.Classes = append(obs.Classes, ic.Class{P0: p0, M: 4 * (T + 1), Counts: counts})
	}
	theta := make([]float64, g.NumPairs())
	for k := range theta {
		theta[k] = 0.5
	}
	for _, c := range []struct {
		name string
		opt  *ic.GraphOptions
	}{{"autodiff", nil}, {"autodiff-noreach", &ic.GraphOptions{NoReach: true}}, {"autodiff-unfused", &ic.GraphOptions{Unfused: true}}} {
		b.Run(c.name, func(b *testing.B) {
			f, err := ic.NewGraphObjective(g, obs, 1, c.opt)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			grad := make([]float64, len(theta))
			runTimed(b, func() error { _, err := f.Eval(theta, grad); return err })
		})
	}
}
