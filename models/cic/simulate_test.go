package cic

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/difftest"
	"github.com/spread-dev/spread/models/diffusion"
)

// smallGraph builds a graph from "u v" index pairs on n nodes (ids "0".."n-1",
// edge weights 1); it returns g and a function mapping (u, v) to the edge id.
func smallGraph(t testing.TB, n int, edges [][2]int) *graphs.Graph {
	t.Helper()
	b := graphs.NewBuilder("")
	for i := range n {
		b.Node(strconv.Itoa(i))
	}
	for _, e := range edges {
		b.AddEdgeIndex(e[0], e[1], 1, 0)
	}
	g, _, err := b.Build(graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g.N != n {
		t.Fatalf("graph has %d nodes, want %d", g.N, n)
	}
	return g
}

// edgeParams returns Params with a on edge u→v given by fa(u, v), b by fb.
func edgeParams(g *graphs.Graph, fa, fb func(u, v int) float64) Params {
	p := Params{A: make([]float64, g.NumEdges()), B: make([]float64, g.NumEdges())}
	for e := range p.A {
		p.A[e] = fa(g.Src[e], g.Dst[e])
		p.B[e] = fb(g.Src[e], g.Dst[e])
	}
	return p
}

// TestMarginalsClosedForm holds Monte-Carlo marginals (K = 20 000) within
// 5 binomial standard errors (plus 1e-3) of closed forms, one row per
// instance:
//   - one edge 0→1: x*_1(t) = F(t), for each family;
//   - path 0→1→2 with exponential rates α ≠ β: the hypoexponential CDF
//     1 − (β e^{−αt} − α e^{−βt})/(β − α);
//   - two sources 0, 1 into node 2: 1 − S₀(t) S₁(t), Weibull.
func TestMarginalsClosedForm(t *testing.T) {
	const K = 20000
	grid := []float64{0, 0.25, 0.5, 1, 2, 4}
	type row struct {
		name    string
		n       int
		edges   [][2]int
		d       Delay
		fa, fb  func(u, v int) float64
		sources []int
		node    int
		want    func(t float64) float64
	}
	const al, be = 0.7, 2.0
	c := func(x float64) func(u, v int) float64 { return func(int, int) float64 { return x } }
	rows := []row{
		{"exp edge", 2, [][2]int{{0, 1}}, Exponential(), c(al), c(0), []int{0}, 1,
			func(t float64) float64 { return 1 - math.Exp(-al*t) }},
		{"rayleigh edge", 2, [][2]int{{0, 1}}, Rayleigh(), c(al), c(0), []int{0}, 1,
			func(t float64) float64 { return 1 - math.Exp(-al*t*t/2) }},
		{"weibull edge", 2, [][2]int{{0, 1}}, Weibull(), c(1.5), c(3), []int{0}, 1,
			func(t float64) float64 { return 1 - math.Exp(-math.Pow(t/1.5, 3)) }},
		{"exp path", 3, [][2]int{{0, 1}, {1, 2}}, Exponential(),
			func(u, _ int) float64 { return []float64{al, be}[u] }, c(0), []int{0}, 2,
			func(t float64) float64 { return 1 - (be*math.Exp(-al*t)-al*math.Exp(-be*t))/(be-al) }},
		{"weibull two sources", 3, [][2]int{{0, 2}, {1, 2}}, Weibull(),
			func(u, _ int) float64 { return []float64{1, 2}[u] }, func(u, _ int) float64 { return []float64{2, 0.8}[u] }, []int{0, 1}, 2,
			func(t float64) float64 { return 1 - math.Exp(-t*t)*math.Exp(-math.Pow(t/2, 0.8)) }},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			g := smallGraph(t, tc.n, tc.edges)
			s, err := NewSimulator(g, tc.d, edgeParams(g, tc.fa, tc.fb), 3)
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.Marginals(nil, tc.sources, grid, K, 11, 2)
			if err != nil {
				t.Fatal(err)
			}
			for l, tl := range grid {
				want := 0.0
				if tl <= 3 { // horizon T = 3
					want = tc.want(tl)
				} else {
					want = tc.want(3)
				}
				got := m[l*g.N+tc.node]
				se := math.Sqrt(want * (1 - want) / K)
				if math.Abs(got-want) > 5*se+1e-3 {
					t.Errorf("t = %v: x* = %v, want %v (5σ = %.2g)", tl, got, want, 5*se)
				}
				for _, src := range tc.sources {
					if m[l*g.N+src] != 1 {
						t.Errorf("t = %v: source %d has x* = %v", tl, src, m[l*g.N+src])
					}
				}
			}
		})
	}
}

// TestRootShares checks the root source attribution: with two exponential
// sources racing into one node (rates α₀, α₁, no horizon), the share of
// cascades in which node 2's root is source 0 is α₀/(α₀+α₁) within 5σ.
func TestRootShares(t *testing.T) {
	g := smallGraph(t, 3, [][2]int{{0, 2}, {1, 2}})
	s, err := NewSimulator(g, Exponential(), Params{A: []float64{1, 3}}, math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	const M = 20000
	n0 := 0
	s.SimulateMany(M, 5, 3, func(int) []int { return []int{0, 1} }, func(_, _ int, c Cascade) {
		if c.Len() != 3 || c.Node[2] != 2 || c.Parent[2] != c.Root[2] {
			t.Fatalf("cascade %+v", c)
		}
		if c.Root[2] == 0 {
			n0++
		}
	})
	want := 0.25
	if got := float64(n0) / M; math.Abs(got-want) > 5*math.Sqrt(want*(1-want)/M) {
		t.Errorf("share of root 0 = %v, want %v", got, want)
	}
}

// TestSimulateInvariants checks every cascade on a random 60-node graph,
// per family: times in [0, T] and non-decreasing, sources first at time 0
// with parent −1 and root themselves, each node at most once, the parent an
// in-neighbour infected earlier, the root the parent's root.
func TestSimulateInvariants(t *testing.T) {
	g := difftest.RandomGraph(t, 60, 300, 0.2, 2, 3)
	for _, d := range []Delay{Exponential(), Rayleigh(), Weibull()} {
		p := Params{}
		if d == Weibull() {
			p = edgeParams(g, func(int, int) float64 { return 1.5 }, func(u, v int) float64 { return 0.5 + float64((u+v)%4) })
		}
		s, err := NewSimulator(g, d, p, 2)
		if err != nil {
			t.Fatal(err)
		}
		sources := [][]int{{0}, {1, 2, 3}, {4, 4, 5}, {}}
		cs, err := s.Simulate(sources, 9, 2)
		if err != nil {
			t.Fatal(err)
		}
		for k := range cs.M() {
			c := cs.Cascade(k)
			pos := map[int32]int{}
			for j, v := range c.Node {
				if _, dup := pos[v]; dup {
					t.Fatalf("%v cascade %d: node %d twice", d, k, v)
				}
				pos[v] = j
				if c.Time[j] < 0 || c.Time[j] > 2 || (j > 0 && c.Time[j] < c.Time[j-1]) {
					t.Fatalf("%v cascade %d: time %v at %d", d, k, c.Time[j], j)
				}
				if c.Parent[j] == -1 {
					if c.Time[j] != 0 || c.Root[j] != v || !slices.Contains(sources[k], int(v)) {
						t.Fatalf("%v cascade %d: bad source entry %d", d, k, v)
					}
					continue
				}
				u := c.Parent[j]
				pj, ok := pos[u]
				if !ok || g.EdgeID(int(u), int(v)) < 0 || c.Time[pj] > c.Time[j] || c.Root[j] != c.Root[pj] {
					t.Fatalf("%v cascade %d: node %d has parent %d (edge %d)", d, k, v, u, g.EdgeID(int(u), int(v)))
				}
			}
		}
	}
}

// TestSimulateWorkersIndependent runs the same simulations with 1 and 4
// workers under GOMAXPROCS 1 and 4 and requires identical results.
func TestSimulateWorkersIndependent(t *testing.T) {
	g := difftest.RandomGraph(t, 80, 400, 0.2, 2, 4)
	sources := make([][]int, 50)
	for k := range sources {
		sources[k] = []int{k % 80, (7 * k) % 80}
	}
	grid := []float64{0, 0.5, 1, 1.5}
	var ref *Cascades
	var refM []float64
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 4} {
		runtime.GOMAXPROCS(procs)
		for _, w := range []int{1, 4, 0} {
			s, err := NewSimulator(g, Rayleigh(), Params{}, 1.5)
			if err != nil {
				t.Fatal(err)
			}
			cs, err := s.Simulate(sources, 3, w)
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.Marginals(nil, []int{0, 1}, grid, 300, 3, w)
			if err != nil {
				t.Fatal(err)
			}
			if ref == nil {
				ref, refM = cs, m
				continue
			}
			if !slices.Equal(cs.Off, ref.Off) || !slices.Equal(cs.Node, ref.Node) || !slices.Equal(cs.Time, ref.Time) ||
				!slices.Equal(cs.Parent, ref.Parent) || !slices.Equal(cs.Root, ref.Root) || !slices.Equal(m, refM) {
				t.Fatalf("GOMAXPROCS %d, %d workers: results differ", procs, w)
			}
		}
	}
}

// TestSimulatorMatchesModel holds the mean spread of the Simulator and of
// the world-keyed Model (one definition of the delays, two samplers) equal
// within 5 standard errors, for each family on a random graph.
func TestSimulatorMatchesModel(t *testing.T) {
	g := difftest.RandomGraph(t, 50, 200, 0.2, 1.5, 8)
	const K, T = 4000, 1.0
	for _, d := range []Delay{Exponential(), Rayleigh(), Weibull()} {
		p := Params{}
		if d == Weibull() {
			p = edgeParams(g, func(u, v int) float64 { return 0.3 + float64(u%3)/2 }, func(u, v int) float64 { return 0.7 + float64(v%3) })
		}
		sim, err := NewSimulator(g, d, p, T)
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewModelParams(g, d, p, T)
		if err != nil {
			t.Fatal(err)
		}
		seeds := []int{0, 1}
		var a, a2 float64
		sim.SimulateMany(K, 1, 1, func(int) []int { return seeds }, func(_, _ int, c Cascade) {
			a += float64(c.Len())
			a2 += float64(c.Len() * c.Len())
		})
		var b, b2 float64
		smp := m.NewSampler()
		var buf []int32
		for j := range K {
			buf = smp.Reach(buf[:0], diffusion.NewWorld(2, 0, uint64(j)), seeds)
			b += float64(len(buf))
			b2 += float64(len(buf) * len(buf))
		}
		ma, mb := a/K, b/K
		se := math.Sqrt((a2/K-ma*ma)/K + (b2/K-mb*mb)/K)
		if math.Abs(ma-mb) > 5*se {
			t.Errorf("%v: simulator spread %v, model %v (5σ = %v)", d, ma, mb, 5*se)
		}
	}
}

// TestSimulatorErrors checks NewSimulator's, Simulate's and Marginals'
// errors.
func TestSimulatorErrors(t *testing.T) {
	g := smallGraph(t, 2, [][2]int{{0, 1}})
	if _, err := NewSimulator(g, Weibull(), Params{A: []float64{1}}, 1); err == nil {
		t.Error("Weibull without shapes: no error")
	}
	if _, err := NewSimulator(g, Weibull(), Params{A: []float64{1}, B: []float64{-1}}, 1); err == nil {
		t.Error("negative shape: no error")
	}
	if _, err := NewSimulator(g, Exponential(), Params{}, -1); err == nil {
		t.Error("negative T: no error")
	}
	s, err := NewSimulator(g, Exponential(), Params{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Simulate([][]int{{0}, {2}}, 1, 1); err == nil {
		t.Error("source 2: no error")
	}
	for _, tc := range []struct {
		grid []float64
		K    int
		src  []int
	}{{[]float64{0, 1}, 0, []int{0}}, {nil, 1, []int{0}}, {[]float64{1, 0}, 1, []int{0}}, {[]float64{0, math.NaN()}, 1, []int{0}}, {[]float64{0}, 1, []int{-1}}} {
		if _, err := s.Marginals(nil, tc.src, tc.grid, tc.K, 1, 1); err == nil {
			t.Errorf("Marginals(%v, %v, K=%d): no error", tc.src, tc.grid, tc.K)
		}
	}
	_ = rand.New(rand.NewPCG(1, 1))
}

// TestFirstCountsShards checks the sharding hook: the counts of disjoint
// ranges add up exactly to the whole run's, for any split and worker
// count, and finish into the marginals Marginals returns.
func TestFirstCountsShards(t *testing.T) {
	g := difftest.RandomGraph(t, 40, 160, 0.3, 2, 5)
	s, err := NewSimulator(g, Exponential(), Params{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	grid, src, K := []float64{0, 0.5, 1, 2, 3}, []int{0, 7}, 500
	whole, err := s.FirstCounts(nil, src, grid, 0, K, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, cuts := range [][]int{{0, 1, K}, {0, 123, 124, 400, K}, {0, 250, K}} {
		sum := make([]int64, len(whole))
		for k := 0; k+1 < len(cuts); k++ {
			if _, err := s.FirstCounts(sum, src, grid, cuts[k], cuts[k+1], 4, k+1); err != nil {
				t.Fatal(err)
			}
		}
		for j := range sum {
			if sum[j] != whole[j] {
				t.Fatalf("split %v: count %d = %d, whole run %d", cuts, j, sum[j], whole[j])
			}
		}
	}
	want, err := s.Marginals(nil, src, grid, K, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	got := MarginalsFromFirst(nil, whole, g.N, K)
	for j := range want {
		if got[j] != want[j] {
			t.Fatalf("marginal %d = %v, Marginals %v", j, got[j], want[j])
		}
	}
}
