package ic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/shared"
)

// simGraph builds a graph on nodes 0..n-1 from "u v" pairs and returns it
// with alpha laid out in edge order from the per-pair probabilities.
func simGraph(t testing.TB, n int, undirected bool, edges [][2]int, probs []float64) (*graphs.Graph, []float64) {
	t.Helper()
	src, dst := make([]int, len(edges)), make([]int, len(edges))
	for k, e := range edges {
		src[k], dst[k] = e[0], e[1]
	}
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{Undirected: undirected})
	if err != nil {
		t.Fatal(err)
	}
	alpha := make([]float64, g.NumEdges())
	for k, e := range edges {
		alpha[g.EdgeID(e[0], e[1])] = probs[k]
		if undirected {
			alpha[g.EdgeID(e[1], e[0])] = probs[k]
		}
	}
	return g, alpha
}

// simRandomGraph returns a directed graph with about n·deg random edges and
// probabilities uniform in [0,1).
func simRandomGraph(t testing.TB, n int, deg float64, seed uint64) (*graphs.Graph, []float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 99))
	m := int(float64(n) * deg)
	src, dst := make([]int, m), make([]int, m)
	for k := range src {
		src[k], dst[k] = r.IntN(n), r.IntN(n)
	}
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	alpha := make([]float64, g.NumEdges())
	for e := range alpha {
		alpha[e] = r.Float64()
	}
	return g, alpha
}

// simLawTests compare Monte Carlo marginals with exact ones. want[t][i] is
// P(node i active by slot t).
var simLawTests = []struct {
	name       string
	n          int
	undirected bool
	edges      [][2]int
	probs      []float64
	T          int
	init       func(n int) Init
	want       [][]float64
}{
	{
		// Path a→b→c from a: P(b at 1) = α_ab, P(c at 2) = α_ab·α_bc,
		// and b gets a single attempt (p_b(2) = p_b(1)).
		name:  "path a→b→c",
		n:     3,
		edges: [][2]int{{0, 1}, {1, 2}},
		probs: []float64{0.6, 0.3},
		T:     4,
		init:  func(int) Init { return SeedSet(0) },
		want: [][]float64{
			{1, 0, 0},
			{1, 0.6, 0},
			{1, 0.6, 0.18},
			{1, 0.6, 0.18},
		},
	},
	{
		// SLICER spec §2 golden value (the authors' unit test): undirected
		// path 2–1–3, here renamed 1–0–2 (centre 0), α_01 = 0.5, α_02 = 0.3,
		// p̄ = (0.4, 0, 0), T = 3 (T_code = 3 resolves one step more; the
		// values are the same).
		name:       "spec §2 golden path, stochastic p̄",
		n:          3,
		undirected: true,
		edges:      [][2]int{{0, 1}, {0, 2}},
		probs:      []float64{0.5, 0.3},
		T:          3,
		init:       func(int) Init { return Stochastic([]float64{0.4, 0, 0}) },
		want: [][]float64{
			{0.4, 0, 0},
			{0.4, 0.2, 0.12},
			{0.4, 0.2, 0.12},
		},
	},
	{
		// Diamond a→b, a→c, b→d, c→d: d is reached at 2 through either branch,
		// P = 1 − (1 − α_ab α_bd)(1 − α_ac α_cd) = 1 − 0.6·0.8 = 0.52.
		name:  "diamond",
		n:     4,
		edges: [][2]int{{0, 1}, {0, 2}, {1, 3}, {2, 3}},
		probs: []float64{0.8, 0.5, 0.5, 0.4},
		T:     3,
		init:  func(int) Init { return SeedSet(0) },
		want: [][]float64{
			{1, 0, 0, 0},
			{1, 0.8, 0.5, 0},
			{1, 0.8, 0.5, 0.52},
		},
	},
	{
		// Stochastic initial condition with unequal p̄ and no edges:
		// frequencies at t = 0 equal p̄ (Bernoulli path; ≤0 never, ≥1 always).
		name:  "stochastic p̄ frequencies",
		n:     5,
		edges: nil,
		T:     1,
		init:  func(int) Init { return Stochastic([]float64{0.1, 0.5, 0.9, 0, 1}) },
		want:  [][]float64{{0.1, 0.5, 0.9, 0, 1}},
	},
	{
		// Constant p̄ = 0.3 uses geometric skipping; same law.
		name:  "stochastic constant p̄ (geometric skipping)",
		n:     6,
		edges: nil,
		T:     1,
		init:  func(n int) Init { return Stochastic(simFilled(n, 0.3)) },
		want:  [][]float64{simFilled(6, 0.3)},
	},
	{
		// One seed uniform among candidates {1, 3}; then 1→2 with α = 1.
		name:  "uniform seed among candidates",
		n:     4,
		edges: [][2]int{{1, 2}},
		probs: []float64{1},
		T:     2,
		init:  func(int) Init { return UniformSeed([]int{1, 3}) },
		want: [][]float64{
			{0, 0.5, 0, 0.5},
			{0, 0.5, 0.5, 0.5},
		},
	},
}

func simFilled(n int, x float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = x
	}
	return s
}

func TestCascadeLaw(t *testing.T) {
	const runs = 200_000
	for _, tc := range simLawTests {
		t.Run(tc.name, func(t *testing.T) {
			g, alpha := simGraph(t, tc.n, tc.undirected, tc.edges, tc.probs)
			sim := NewSimulator(g, alpha, tc.T)
			got := sim.Marginals(nil, tc.init(tc.n), runs, 1, 2)
			for tt, row := range tc.want {
				for i, p := range row {
					x := got[tt*tc.n+i]
					se := math.Sqrt(p * (1 - p) / runs)
					if math.Abs(x-p) > 4*se { // se = 0 demands exact 0 or 1
						t.Errorf("p_%d(%d) = %.5f, want %.5f ± 4·%.5f", i, tt, x, p, se)
					}
				}
			}
		})
	}
}

// TestCascadeLawLoopy compares Monte Carlo marginals with exact
// enumeration of the live-edge representation (exactMarginals in
// exact_test.go) on graphs with short loops, where DMP is not exact but the
// simulator must be.
func TestCascadeLawLoopy(t *testing.T) {
	const runs = 200_000
	tests := []struct {
		name       string
		n          int
		undirected bool
		edges      [][2]int
		probs      []float64
		p0         []float64
		T          int
	}{
		// Undirected 4-cycle 0-1-2-3 with chord 0-2; two uncertain sources.
		{"4-cycle with chord", 4, true, [][2]int{{0, 1}, {1, 2}, {2, 3}, {3, 0}, {0, 2}},
			[]float64{0.7, 0.4, 0.6, 0.3, 0.5}, []float64{0.5, 0.2, 0, 0}, 4},
		// Directed graph with a 3-cycle and a feed-forward triangle.
		{"directed loops", 5, false, [][2]int{{0, 1}, {1, 2}, {2, 0}, {0, 3}, {1, 3}, {3, 4}, {2, 4}},
			[]float64{0.8, 0.5, 0.9, 0.3, 0.6, 0.7, 0.2}, []float64{0.6, 0, 0.3, 0, 0.1}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, alpha := simGraph(t, tc.n, tc.undirected, tc.edges, tc.probs)
			want := exactMarginals(g, alpha, tc.p0, tc.T)
			got := NewSimulator(g, alpha, tc.T).Marginals(nil, Stochastic(tc.p0), runs, 4, 2)
			for j, p := range want {
				se := math.Sqrt(p * (1 - p) / runs)
				if math.Abs(got[j]-p) > 4*se+1e-12 {
					t.Errorf("p_%d(%d) = %.5f, exact %.5f ± 4·%.5f", j%tc.n, j/tc.n, got[j], p, se)
				}
			}
		})
	}
}

// TestCascadeLawNegativeControl checks that the tolerance used above can
// fail: the path with α_bc perturbed by 0.01 must be rejected.
func TestCascadeLawNegativeControl(t *testing.T) {
	const runs = 200_000
	g, alpha := simGraph(t, 3, false, [][2]int{{0, 1}, {1, 2}}, []float64{0.6, 0.3})
	got := NewSimulator(g, alpha, 3).Marginals(nil, SeedSet(0), runs, 1, 2)
	p := 0.6 * 0.31
	if se := math.Sqrt(p * (1 - p) / runs); math.Abs(got[2*3+2]-p) <= 4*se {
		t.Errorf("p_c(2) = %.5f is within 4 SE of the wrong value %.5f", got[2*3+2], p)
	}
}

// TestCascadeInvariants checks every simulated cascade on random graphs:
// seeds exactly at time 0, times in range and non-decreasing, no repeated
// node, and every non-seed has an in-neighbour activated one slot earlier.
func TestCascadeInvariants(t *testing.T) {
	tests := []struct {
		name string
		T    int
		init Init
	}{
		{"seed set, T=6", 6, SeedSet(3, 17, 3)},
		{"uniform seed, T=4", 4, UniformSeed(nil)},
		{"stochastic, T=5", 5, Stochastic(simFilled(200, 0.02))},
		{"seed set, no horizon", NoHorizon, SeedSet(0, 1)},
		{"T=1 keeps only seeds", 1, SeedSet(5, 6)},
	}
	g, alpha := simRandomGraph(t, 200, 3, 7)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim := NewSimulator(g, alpha, tc.T)
			tm := make([]int32, g.N)
			sim.SimulateMany(300, 5, 1, tc.init, func(_, idx int, c Cascade) {
				if len(c.Nodes) != len(c.Times) {
					t.Fatalf("cascade %d: %d nodes, %d times", idx, len(c.Nodes), len(c.Times))
				}
				c.Dense(tm, g.N, -1)
				seen := make(map[int32]bool)
				for k, v := range c.Nodes {
					tv := c.Times[k]
					if seen[v] {
						t.Fatalf("cascade %d: node %d twice", idx, v)
					}
					seen[v] = true
					if tv < 0 || (tc.T != NoHorizon && int(tv) >= tc.T) {
						t.Fatalf("cascade %d: time %d outside 0..%d", idx, tv, tc.T-1)
					}
					if k > 0 && tv < c.Times[k-1] {
						t.Fatalf("cascade %d: times not sorted", idx)
					}
					if tv == 0 {
						continue
					}
					ok := false
					for _, e := range g.InEdges[g.InOff[v]:g.InOff[v+1]] {
						if tm[g.Src[e]] == tv-1 {
							ok = true
						}
					}
					if !ok {
						t.Fatalf("cascade %d: node %d at %d has no parent at %d", idx, v, tv, tv-1)
					}
				}
				if tc.init.kind == initSeedSet {
					var seeds []int
					for k, v := range c.Nodes {
						if c.Times[k] == 0 {
							seeds = append(seeds, int(v))
						}
					}
					want := slices.Compact(slices.Sorted(slices.Values(tc.init.nodes)))
					if !slices.Equal(slices.Sorted(slices.Values(seeds)), want) {
						t.Fatalf("cascade %d: time-0 nodes %v, want %v", idx, seeds, want)
					}
				}
				if tc.init.kind == initUniformSeed && (len(c.Times) == 0 || c.Times[0] != 0 || (len(c.Times) > 1 && c.Times[1] == 0)) {
					t.Fatalf("cascade %d: want exactly one seed, times %v", idx, c.Times)
				}
			})
		})
	}
}

// TestExtremeProbabilities: α = 0 never fires (only the seeds), α = 1 always
// fires, so activation times are BFS distances cut at the horizon.
func TestExtremeProbabilities(t *testing.T) {
	g, _ := simRandomGraph(t, 300, 2, 11)
	zeros, ones := simFilled(g.NumEdges(), 0), simFilled(g.NumEdges(), 1)
	const T = 5
	seeds := []int{0, 42}
	// BFS distances from seeds.
	dist := make([]int32, g.N)
	for i := range dist {
		dist[i] = T
	}
	queue := []int{}
	for _, s := range seeds {
		dist[s] = 0
		queue = append(queue, s)
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for e := g.OutOff[u]; e < g.OutOff[u+1]; e++ {
			if v := g.Dst[e]; dist[v] == T && dist[u]+1 < T && !slices.Contains(seeds, v) {
				dist[v] = dist[u] + 1
				queue = append(queue, v)
			}
		}
	}
	tests := []struct {
		name  string
		alpha []float64
		want  func(i int) int32
	}{
		{"alpha = 0", zeros, func(i int) int32 {
			if slices.Contains(seeds, i) {
				return 0
			}
			return T
		}},
		{"alpha = 1", ones, func(i int) int32 { return dist[i] }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim := NewSimulator(g, tc.alpha, T)
			r := rand.New(rand.NewPCG(1, 2))
			for rep := 0; rep < 50; rep++ {
				sim.SimulateOne(r, SeedSet(seeds...))
				got := sim.Times(nil)
				for i, x := range got {
					if x != tc.want(i) {
						t.Fatalf("rep %d: τ_%d = %d, want %d", rep, i, x, tc.want(i))
					}
				}
			}
		})
	}
}

// TestDeterminismAcrossWorkers: cascade idx depends only on (seed, idx).
func TestDeterminismAcrossWorkers(t *testing.T) {
	g, alpha := simRandomGraph(t, 500, 2.5, 3)
	const M, T = 400, 6
	collect := func(workers int) [][]int32 {
		sim := NewSimulator(g, alpha, T)
		out := make([][]int32, M)
		sim.SimulateMany(M, 77, workers, UniformSeed(nil), func(_, idx int, c Cascade) {
			out[idx] = c.Dense(nil, g.N, T)
		})
		return out
	}
	one, four := collect(1), collect(4)
	for idx := range one {
		if !slices.Equal(one[idx], four[idx]) {
			t.Fatalf("cascade %d differs between 1 and 4 workers", idx)
		}
	}
	sim := NewSimulator(g, alpha, T)
	m1 := sim.Marginals(nil, Stochastic(simFilled(g.N, 0.01)), 2000, 9, 1)
	m4 := sim.Marginals(nil, Stochastic(simFilled(g.N, 0.01)), 2000, 9, 4)
	if !slices.Equal(m1, m4) {
		t.Error("Marginals differ between 1 and 4 workers")
	}
	free := NewSimulator(g, alpha, NoHorizon)
	a1, s1 := free.Spread([]int{1, 2}, 3000, 5, 1)
	a4, s4 := free.Spread([]int{1, 2}, 3000, 5, 4)
	if a1 != a4 || s1 != s4 {
		t.Errorf("Spread: (%v, %v) with 1 worker, (%v, %v) with 4", a1, s1, a4, s4)
	}
	// A different seed gives a different sample (the seed is used at all).
	if b, _ := free.Spread([]int{1, 2}, 3000, 6, 1); b == a1 {
		t.Errorf("Spread ignores its seed: %v for seeds 5 and 6", b)
	}
}

func TestSpread(t *testing.T) {
	const runs = 200_000
	tests := []struct {
		name              string
		n                 int
		edges             [][2]int
		probs             []float64
		seeds             []int
		mean, sd          float64 // exact mean and standard deviation of the size
		exactStderrIsZero bool
	}{
		// Every edge fires: the whole path, no variance.
		{"path α=1", 3, [][2]int{{0, 1}, {1, 2}}, []float64{1, 1}, []int{0}, 3, 0, true},
		// Size = 1 + Bin(2, 1/2): mean 2, variance 1/2.
		{"fork α=½", 3, [][2]int{{0, 1}, {0, 2}}, []float64{0.5, 0.5}, []int{0}, 2, math.Sqrt(0.5), false},
		// Cycle 0→1→2→0 from 0 with α=0.5: size 1 w.p. ½, 2 w.p. ¼, 3 w.p. ¼:
		// mean 1.75, E[n²] = 0.5 + 1 + 2.25 = 3.75, variance 0.6875. Runs to
		// quiescence (the cycle closes on an active node).
		{"cycle α=½", 3, [][2]int{{0, 1}, {1, 2}, {2, 0}}, []float64{0.5, 0.5, 0.5}, []int{0}, 1.75, math.Sqrt(0.6875), false},
		// Two seeds, repeated: counted once each.
		{"seeds only", 4, nil, nil, []int{1, 3, 1}, 2, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, alpha := simGraph(t, tc.n, false, tc.edges, tc.probs)
			mean, se := Spread(g, alpha, tc.seeds, runs, 3, 2)
			wantSE := tc.sd / math.Sqrt(runs)
			if tc.exactStderrIsZero {
				if mean != tc.mean || se != 0 {
					t.Errorf("Spread = %v ± %v, want exactly %v ± 0", mean, se, tc.mean)
				}
				return
			}
			if math.Abs(mean-tc.mean) > 4*wantSE {
				t.Errorf("mean = %.5f, want %.5f ± 4·%.5f", mean, tc.mean, wantSE)
			}
			if math.Abs(se-wantSE) > 0.02*wantSE {
				t.Errorf("stderr = %.6f, want %.6f", se, wantSE)
			}
		})
	}
}

// TestSpreadStderrFormula compares Spread's exact-integer variance with a
// two-pass computation over the same cascades.
func TestSpreadStderrFormula(t *testing.T) {
	g, alpha := simRandomGraph(t, 400, 2, 5)
	sim := NewSimulator(g, alpha, NoHorizon)
	const runs = 5000
	sizes := make([]float64, runs)
	sim.SimulateMany(runs, 8, 3, SeedSet(4), func(_, idx int, c Cascade) { sizes[idx] = float64(c.Len()) })
	var m float64
	for _, x := range sizes {
		m += x
	}
	m /= runs
	var v float64
	for _, x := range sizes {
		v += (x - m) * (x - m)
	}
	v /= runs - 1
	mean, se := sim.Spread([]int{4}, runs, 8, 2)
	if math.Abs(mean-m) > 1e-12*m || math.Abs(se-math.Sqrt(v/runs)) > 1e-9*se {
		t.Errorf("Spread = %v ± %v, two-pass %v ± %v", mean, se, m, math.Sqrt(v/runs))
	}
}

func TestSimulateOneAllocs(t *testing.T) {
	g, alpha := simRandomGraph(t, 1000, 3, 2)
	sim := NewSimulator(g, alpha, NoHorizon)
	r := rand.New(rand.NewPCG(1, 1))
	in := UniformSeed(nil)
	for range 200 { // grow the buffers to their working size
		sim.SimulateOne(r, in)
	}
	if a := testing.AllocsPerRun(200, func() { sim.SimulateOne(r, in) }); a > 0.05 {
		t.Errorf("SimulateOne allocates %.2f times per cascade", a)
	}
}

func TestMisusePanics(t *testing.T) {
	g, alpha := simGraph(t, 3, false, [][2]int{{0, 1}}, []float64{0.5})
	r := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		name string
		f    func()
	}{
		{"alpha length", func() { NewSimulator(g, alpha[:0], 2) }},
		{"negative horizon", func() { NewSimulator(g, alpha, -1) }},
		{"seed out of range", func() { NewSimulator(g, alpha, 2).SimulateOne(r, SeedSet(3)) }},
		{"empty candidates", func() { NewSimulator(g, alpha, 2).SimulateOne(r, UniformSeed([]int{})) }},
		{"p0 length", func() { NewSimulator(g, alpha, 2).SimulateOne(r, Stochastic([]float64{0.5})) }},
		{"marginals without horizon", func() { NewSimulator(g, alpha, NoHorizon).Marginals(nil, SeedSet(0), 10, 1, 1) }},
		{"marginals dst length", func() { NewSimulator(g, alpha, 2).Marginals(make([]float64, 5), SeedSet(0), 10, 1, 1) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if msg := fmt.Sprint(r); !strings.HasPrefix(msg, "models/ic: ") {
					t.Errorf("panic %q lacks the package prefix", msg)
				}
			}()
			tc.f()
		})
	}
}

// simWeightedCascade returns α_e = 1/in-degree(dst(e)).
func simWeightedCascade(g *graphs.Graph) []float64 {
	alpha := make([]float64, g.NumEdges())
	for e, v := range g.Dst {
		alpha[e] = 1 / float64(g.InDegree(v))
	}
	return alpha
}

// BenchmarkSimulateEpinions measures cascades per second to quiescence on
// soc-Epinions1 (75,879 nodes, 508,837 edges) with weighted-cascade
// probabilities, one uniformly random seed per cascade and 2 workers.
func BenchmarkSimulateEpinions(b *testing.B) {
	g, _, err := graphs.ReadSNAPFile(shared.Path(b, "graphs", "soc-Epinions1", "soc-Epinions1.txt"), graphs.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	sim := NewSimulator(g, simWeightedCascade(g), NoHorizon)
	var sizes [2]struct {
		n int
		_ [56]byte
	}
	b.ResetTimer()
	sim.SimulateMany(b.N, 1, 2, UniformSeed(nil), func(w, _ int, c Cascade) { sizes[w].n += c.Len() })
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cascades/s")
	b.ReportMetric(float64(sizes[0].n+sizes[1].n)/float64(b.N), "nodes/cascade")
}
