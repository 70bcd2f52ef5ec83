package im

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/benchutil"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/models/lt"
)

// Reference figures (the authors' C++ IMM, single-threaded, k = 50,
// ε = 0.1, ℓ = 1): NetHEPT IC (weighted cascade) 0.66 s, seeds spread 962;
// soc-Epinions1 weighted cascade 0.81 s, spread 12,073.

// loadNetHEPT reads NetHEPT in the IMM format (15,229 nodes, 62,752 arcs;
// graph_ic.inf carries weighted-cascade probabilities, graph_lt.inf LT
// weights).
func loadNetHEPT(b testing.TB, file string) *graphs.Graph {
	dir := filepath.Dir(datasetPath(b, "graphs/nethept-imm/attribute.txt"))
	g, _, err := graphs.ReadIMM(dir, file, graphs.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return g
}

// loadEpinionsWC reads soc-Epinions1 (75,879 nodes, 508,837 arcs) with
// weighted-cascade probabilities p_uv = 1/indeg(v).
func loadEpinionsWC(b testing.TB) (*graphs.Graph, []float64) {
	g, _, err := graphs.ReadSNAPFile(datasetPath(b, "graphs/soc-Epinions1/soc-Epinions1.txt"), graphs.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return g, diffusion.WeightedCascade(nil, g)
}

// benchIMM times Maximize with IMM (model construction excluded) and
// reports the MC spread of the seeds (20,000 runs) as a metric.
func benchIMM(b *testing.B, m diffusion.Model, g *graphs.Graph, method *IMM, workers int) {
	var res *Result
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := benchutil.CPUTime()
	for i := 0; i < b.N; i++ {
		var err error
		res, err = Maximize(&Problem{Model: m, K: 50}, &Settings{Seed: uint64(i + 1), Workers: workers}, method)
		if err != nil {
			b.Fatal(err)
		}
	}
	cpu := benchutil.CPUTime() - cpu0
	b.StopTimer()
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	mc, se := (&MC{Model: m, Runs: 20000, Seed: 12345}).Spread(res.Seeds)
	b.ReportMetric(res.Spread, "imm_spread")
	b.ReportMetric(mc, "mc_spread")
	b.ReportMetric(float64(res.Stats.RRSets), "rr_sets")
	b.ReportMetric(float64(res.Stats.RRNodes)*4/(1<<20), "rr_MiB")
	ids := make([]string, len(res.Seeds))
	for i, v := range res.Seeds {
		ids[i] = g.ID(v)
	}
	b.Logf("IMM spread %.1f, MC(20000) %.1f ± %.1f, θ = %d, LB = %.1f, rounds %d, seeds (external ids) %s",
		res.Spread, mc, se, res.Stats.RRSets, res.Stats.LowerBound, res.Stats.Iterations, strings.Join(ids, ","))
}

func BenchmarkIMMNetHEPT(b *testing.B) {
	g := loadNetHEPT(b, "graph_ic.inf")
	m, err := ic.NewModel(g, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) { benchIMM(b, m, g, &IMM{Epsilon: 0.1, Ell: 1}, w) })
	}
}

func BenchmarkIMMNetHEPTLT(b *testing.B) {
	g := loadNetHEPT(b, "graph_lt.inf")
	m, err := lt.NewModel(g, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchIMM(b, m, g, &IMM{Epsilon: 0.1, Ell: 1}, 0)
}

func BenchmarkIMMEpinions(b *testing.B) {
	g, p := loadEpinionsWC(b)
	m, err := ic.NewModel(g, p)
	if err != nil {
		b.Fatal(err)
	}
	if out := os.Getenv("SPREAD_IM_WRITE_UVP"); out != "" {
		if err := writeUVP(g, p, out); err != nil {
			b.Fatal(err)
		}
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) { benchIMM(b, m, g, &IMM{Epsilon: 0.1, Ell: 1}, w) })
	}
}

// BenchmarkNewICNetHEPT times the model's one-off preprocessing.
func BenchmarkNewICNetHEPT(b *testing.B) {
	g := loadNetHEPT(b, "graph_ic.inf")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ic.NewModel(g, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMCNetHEPT times one 20,000-run MC evaluation of 50 seeds.
func BenchmarkMCNetHEPT(b *testing.B) {
	g := loadNetHEPT(b, "graph_ic.inf")
	m, err := ic.NewModel(g, nil)
	if err != nil {
		b.Fatal(err)
	}
	seeds := make([]int, 50)
	for i := range seeds {
		seeds[i] = i * 300
	}
	o := &MC{Model: m, Runs: 20000, Seed: 1}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o.Spread(seeds)
	}
}

// benchRR times the sampling of 2^18 IC RR sets with one worker, and
// reports the in-edges scanned.
func benchRR(b *testing.B, g *graphs.Graph, p []float64) {
	m, err := ic.NewModel(g, p)
	if err != nil {
		b.Fatal(err)
	}
	const sets = 1 << 18
	var scanned int64
	R := newRRSets(m.NumNodes(), diffusion.NewStream(1, streamRR))
	R.grow(sets, []diffusion.Sampler{m.NewSampler()})
	for _, c := range R.chunks {
		for _, v := range c.nodes {
			scanned += int64(g.InDegree(int(v)))
		}
	}
	size := R.total
	b.ResetTimer()
	cpu0 := benchutil.CPUTime()
	for i := 0; i < b.N; i++ {
		R := newRRSets(m.NumNodes(), diffusion.NewStream(uint64(i), streamRR))
		R.grow(sets, []diffusion.Sampler{m.NewSampler()})
	}
	b.ReportMetric(float64((benchutil.CPUTime()-cpu0).Nanoseconds())/float64(b.N)/sets, "cpu-ns/set")
	b.ReportMetric(float64(size)/sets, "nodes/set")
	b.ReportMetric(float64(scanned)/sets, "in-edges/set")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/sets, "ns/set")
}

func BenchmarkRRNetHEPT(b *testing.B) {
	benchRR(b, loadNetHEPT(b, "graph_ic.inf"), nil)
}

func BenchmarkRREpinions(b *testing.B) {
	g, p := loadEpinionsWC(b)
	benchRR(b, g, p)
}
