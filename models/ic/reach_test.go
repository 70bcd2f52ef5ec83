package ic_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/fixtures"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
	"github.com/spread-dev/spread/train/gradcheck"
)

// reachCase is a row of the reach table: sparse graphs whose diameter
// exceeds the horizon, so that the reach restriction of the fused
// GraphObjective leaves nodes out at every step.
type reachCase struct {
	name   string
	g      *graphs.Graph
	theta  []float64
	R      int
	obs    *ic.Observations
	chunks []int // chunk sizes to run (0: GraphChunkWork's choice)
	fd     bool  // also check against central differences (small graphs)
}

// bfsDist returns the distances along out-edges from the nodes with p̄ > 0
// of one class (-1 where unreachable), computed here independently of
// GraphObjective.
func bfsDist(g *graphs.Graph, p0 []float64) []int {
	d := make([]int, g.N)
	var q []int
	for i, p := range p0 {
		d[i] = -1
		if p > 0 {
			d[i] = 0
			q = append(q, i)
		}
	}
	for len(q) > 0 {
		u := q[0]
		q = q[1:]
		for e := g.OutOff[u]; e < g.OutOff[u+1]; e++ {
			if v := g.Dst[e]; d[v] < 0 {
				d[v] = d[u] + 1
				q = append(q, v)
			}
		}
	}
	return d
}

// sparseUndirected returns an undirected graph on n nodes with m random
// pairs (self-loops dropped, repeats merged), in O(n + m).
func sparseUndirected(rng *rand.Rand, n, m int) *graphs.Graph {
	src, dst := make([]int, 0, m), make([]int, 0, m)
	for len(src) < m {
		if u, v := rng.IntN(n), rng.IntN(n); u != v {
			src, dst = append(src, u), append(dst, v)
		}
	}
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{Undirected: true})
	if err != nil {
		panic(err)
	}
	return g
}

func reachCases() []reachCase {
	rng := rand.New(rand.NewPCG(91, 92))
	und := fixtures.ER(rng, 40, 0.06, false)
	dir := fixtures.ER(rng, 40, 0.06, true)
	// Large enough (≥ 2^15 arcs) for the steps to split the nodes over
	// goroutines by the reach's work (DMPReach.parallel).
	big := sparseUndirected(rng, 12000, 20000)
	if big.NumEdges() < 1<<15 {
		panic("reachCases: the large graph is below the parallel threshold")
	}
	var cases []reachCase
	for _, c := range []struct {
		name   string
		g      *graphs.Graph
		R, T   int
		nSeed  int
		stoch  bool
		hidden []int
		chunks []int
		// offReach puts counts on observed nodes beyond a class's reach at
		// τ < T (impossible under the model, possible in data): their terms
		// m(τ)·log MuFloor must come out the same.
		offReach bool
	}{
		// Provenance for all rows: the restricted objective is held to the
		// unrestricted fused graph (GraphOptions.NoReach), to
		// solvers/adjoint, and to central differences of itself.
		{"undirected sparse ER, 6 seeds + stochastic, hidden", und, 1, 4, 6, true, []int{3, 10, 20, 33}, []int{1, 2, 3, 0}, false},
		{"undirected sparse ER, 5 seeds, counts beyond the reach", und, 1, 3, 5, false, []int{7}, []int{2, 0}, true},
		{"directed sparse ER, 5 seeds + stochastic, hidden, T=5", dir, 1, 5, 5, true, []int{1, 8}, []int{1, 4}, false},
		{"undirected sparse ER mixture R=2, 4 seeds, hidden", und, 2, 4, 4, false, []int{2, 5}, []int{3, 0}, false},
		{"undirected sparse ER, 12,000 nodes, 3 seeds + stochastic, hidden, T=4", big, 1, 4, 3, true, []int{1, 100, 5000}, []int{2}, false},
	} {
		th := fixtures.Theta(rng, c.R*c.g.NumPairs(), true)
		obs := gObs(rng, c.g, th, c.R, c.T, c.nSeed, c.stoch, c.hidden)
		if c.offReach {
			W := c.T + 1
			for s := range obs.Classes {
				cl := &obs.Classes[s]
				for i, d := range bfsDist(c.g, cl.P0) {
					if (d < 0 || d > 1) && obs.Observed[i] {
						cl.Counts[i*W+1] += 2 // an activation at τ = 1, two steps too early
						cl.M += 2
					}
				}
			}
		}
		cases = append(cases, reachCase{c.name, c.g, th, c.R, obs, c.chunks, c.g.N < 100})
	}
	return cases
}

// TestGraphObjectiveReach holds the reach-restricted fused objective (the
// default) equal to the unrestricted one (GraphOptions.NoReach) and to
// solvers/adjoint on sparse random graphs with hidden nodes, stochastic
// classes, mixtures and several chunkings: objective to 1e-12 relative,
// gradient to 1e-12 of its largest entry (measured: equal bits against
// NoReach, ~1e-15 against the adjoint). It also checks that each row does
// restrict (some single-seed class leaves a node beyond its reach at step
// T − 2), and on the small graphs holds the restricted gradient to central
// differences of its own value (1e-6).
func TestGraphObjectiveReach(t *testing.T) {
	for _, tc := range reachCases() {
		skipped := false
		for _, cl := range tc.obs.Classes {
			for _, d := range bfsDist(tc.g, cl.P0) {
				skipped = skipped || d < 0 || d > tc.obs.T-2
			}
		}
		if !skipped {
			t.Fatalf("%s: no node beyond the reach at step T−2: the row does not test the restriction", tc.name)
		}
		oa, ref, err := adjoint.MixtureGradient(nil, tc.g, tc.theta, tc.R, tc.obs, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, chunk := range tc.chunks {
			eval := func(noReach bool) (float64, []float64, *ic.GraphObjective) {
				f, err := ic.NewGraphObjective(tc.g, tc.obs, tc.R, &ic.GraphOptions{ChunkSize: chunk, NoReach: noReach})
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				grad := make([]float64, len(tc.theta))
				o, err := f.Eval(tc.theta, grad)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				return o, grad, f
			}
			o, grad, f := eval(false)
			on, gn, fn := eval(true)
			fn.Close()
			for _, ref := range []struct {
				name string
				o    float64
				g    []float64
			}{{"unrestricted", on, gn}, {"adjoint", oa, ref}} {
				scale, diff := 0.0, 0.0
				for k, v := range ref.g {
					scale = max(scale, math.Abs(v))
					diff = max(diff, math.Abs(grad[k]-v))
				}
				if math.Abs(o-ref.o) > 1e-12*math.Abs(ref.o) || diff > 1e-12*scale {
					t.Errorf("%s, chunk %d: vs %s: objective %v vs %v, gradient max |diff| / max |grad| = %.3g",
						tc.name, chunk, ref.name, o, ref.o, diff/scale)
				} else {
					t.Logf("%s, chunk %d (%d runs): vs %s: objective rel %.2g, gradient %.2g",
						tc.name, chunk, f.NumChunks(), ref.name, math.Abs(o-ref.o)/math.Abs(ref.o), diff/scale)
				}
			}
			if tc.fd && chunk == tc.chunks[0] {
				r, err := gradcheck.CheckObjective(f, tc.theta, nil, &gradcheck.Settings{RelTol: 1e-6, AbsTol: 1e-6})
				if err != nil {
					t.Fatal(err)
				}
				if !r.Pass {
					t.Errorf("%s: restricted autodiff vs central differences:\n%v", tc.name, r)
				}
			}
			f.Close()
		}
	}
}
