package adjoint

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/fixtures"
	"github.com/spread-dev/spread/models/ic"
)

// mixedObs builds observations on g with the given initial conditions:
// nSeed single-seed classes on random nodes, then (if extra) a two-seed
// class, a class with one node at p̄ = 0.5, and a stochastic class with p̄ in
// [0, 0.3] and one sure seed. Counts are random integers in 0..9 wherever
// the model µ at theta is positive, and 0..2 elsewhere (floored terms), so
// the rows exercise both the source terms and the µ floor. Bit-identity
// needs no smooth objective.
func mixedObs(rng *rand.Rand, g *graphs.Graph, theta []float64, R, T, nSeed int, extra bool, hidden []int) *ic.Observations {
	N := g.N
	obs := &ic.Observations{N: N, T: T, Observed: fixtures.Observed(N, hidden)}
	var p0s [][]float64
	for s := 0; s < nSeed; s++ {
		p0 := make([]float64, N)
		p0[rng.IntN(N)] = 1
		p0s = append(p0s, p0)
	}
	if extra {
		p0 := make([]float64, N)
		p0[rng.IntN(N)], p0[rng.IntN(N)] = 1, 1
		p0s = append(p0s, p0)
		p0 = make([]float64, N)
		p0[rng.IntN(N)] = 0.5
		p0s = append(p0s, p0)
		p0 = make([]float64, N)
		for i := range p0 {
			p0[i] = 0.3 * rng.Float64()
		}
		p0[rng.IntN(N)] = 1
		p0s = append(p0s, p0)
	}
	for _, p0 := range p0s {
		S := ic.MixtureMarginals(nil, g, theta, R, p0, T)
		mu := ic.Mu(nil, S, N, T)
		counts := make([]float64, len(mu))
		for k := range counts {
			if mu[k] > 0 {
				counts[k] = float64(rng.IntN(10))
			} else {
				counts[k] = float64(rng.IntN(3))
			}
		}
		obs.Classes = append(obs.Classes, ic.Class{P0: p0, M: 1, Counts: counts})
	}
	return obs
}

// blockCase is one row of the class-block equality table.
type blockCase struct {
	name  string
	g     *graphs.Graph
	theta []float64
	R     int
	obs   *ic.Observations
}

// blockCases builds the table from fixed seeds: sparse graphs whose
// diameter exceeds the horizon (so the reach restriction skips nodes),
// dense ones (it skips nothing), directed graphs with arcs without a
// reverse, mixtures, hidden nodes, α ∈ {0, 1}, class counts that are and are
// not multiples of the block size, and the horizons T = 1, 2.
func blockCases() []blockCase {
	rng := rand.New(rand.NewPCG(31, 32))
	var cases []blockCase
	add := func(name string, g *graphs.Graph, R, T, nSeed int, extra, boundary bool, hidden []int) {
		th := fixtures.Theta(rng, R*g.NumPairs(), boundary)
		cases = append(cases, blockCase{name, g, th, R, mixedObs(rng, g, th, R, T, nSeed, extra, hidden)})
	}
	// Undirected sparse ER, n = 200, mean degree 3: reach restriction active.
	s, d := fixtures.EREdges(rng, 200, 0.015, false)
	sparse := fixtures.MustGraph(200, s, d, true)
	add("sparse undirected, 13 seeds + 3 mixed classes, hidden, α∈{0,1}", sparse, 1, 5, 13, true, true, []int{1, 5, 17, 40})
	add("sparse undirected, 8 seeds, T=7", sparse, 1, 7, 8, false, false, nil)
	add("sparse undirected, 5 seeds, T=2", sparse, 1, 2, 5, false, true, nil)
	add("sparse undirected, 3 seeds, T=1", sparse, 1, 1, 3, false, false, nil)
	add("sparse undirected mixture R=3, 6 seeds + mixed", sparse, 3, 4, 6, true, true, []int{2, 3})
	// Directed sparse ER with arcs without reverse.
	s, d = fixtures.EREdges(rng, 150, 0.02, true)
	dir := fixtures.MustGraph(150, s, d, false)
	add("sparse directed, 11 seeds + mixed, hidden, α∈{0,1}", dir, 1, 5, 11, true, true, []int{0, 9, 99})
	add("sparse directed mixture R=2, 9 seeds", dir, 2, 6, 9, false, false, nil)
	// Dense undirected ER: every node within two hops.
	s, d = fixtures.EREdges(rng, 40, 0.3, false)
	dense := fixtures.MustGraph(40, s, d, true)
	add("dense undirected, 21 seeds + mixed, α∈{0,1}", dense, 1, 5, 21, true, true, []int{7})
	// A path: the reach grows by one node per step.
	var ps, pd []int
	for i := 0; i+1 < 30; i++ {
		ps, pd = append(ps, i), append(pd, i+1)
	}
	path := fixtures.MustGraph(30, ps, pd, true)
	add("path of 30, 6 seeds, T=6", path, 1, 6, 6, false, false, nil)
	// A horizon beyond what the uint8 reach holds: no restriction.
	add("path of 30, 5 seeds, T=300", path, 1, 300, 5, false, false, nil)
	return cases
}

// TestBlocksMatchUnbatched checks that the class-block path gives the
// objective and gradient of the one-class sweep bit for bit, with and
// without the reach restriction, for several worker counts, and that one
// reused Workspace (stale buffers from other horizons, replicas and reaches)
// gives the same bits as fresh ones. Both paths round every product before
// an addition, so this holds with fused multiply-adds too (run it also with
// GOAMD64=v3).
func TestBlocksMatchUnbatched(t *testing.T) {
	cases := blockCases()
	reused := map[*graphs.Graph]*Workspace{}
	for _, tc := range cases {
		ref := NewWorkspace(tc.g, &Options{Workers: 1})
		ref.unbatched = true
		wantO, want, err := ref.MixtureGradient(nil, tc.theta, tc.R, tc.obs)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if o, _ := ic.MixtureObjective(tc.g, tc.theta, tc.R, tc.obs); o != wantO {
			t.Fatalf("%s: unbatched objective %v, ic.MixtureObjective %v", tc.name, wantO, o)
		}
		if reused[tc.g] == nil {
			reused[tc.g] = NewWorkspace(tc.g, &Options{Workers: 2})
		}
		type variant struct {
			name    string
			ws      *Workspace
			noReach bool
		}
		var vs []variant
		for _, nw := range []int{1, 2, 3} {
			vs = append(vs, variant{fmt.Sprintf("workers=%d", nw), NewWorkspace(tc.g, &Options{Workers: nw}), false})
		}
		vs = append(vs,
			variant{"workers=2 no reach", NewWorkspace(tc.g, &Options{Workers: 2}), true},
			variant{"reused workspace", reused[tc.g], false})
		for _, v := range vs {
			v.ws.noReach = v.noReach
			for rep := 0; rep < 2; rep++ { // the second call runs on used buffers
				o, grad, err := v.ws.MixtureGradient(nil, tc.theta, tc.R, tc.obs)
				if err != nil {
					t.Fatalf("%s %s: %v", tc.name, v.name, err)
				}
				if math.Float64bits(o) != math.Float64bits(wantO) {
					t.Errorf("%s %s: objective %v, unbatched %v", tc.name, v.name, o, wantO)
				}
				for k := range grad {
					if math.Float64bits(grad[k]) != math.Float64bits(want[k]) {
						t.Errorf("%s %s: gradient[%d] = %v, unbatched %v", tc.name, v.name, k, grad[k], want[k])
						break
					}
				}
				oo, err := v.ws.Objective(tc.theta, tc.R, tc.obs)
				if err != nil || math.Float64bits(oo) != math.Float64bits(wantO) {
					t.Errorf("%s %s: Objective %v (%v), unbatched %v", tc.name, v.name, oo, err, wantO)
				}
			}
			v.ws.noReach = false
		}
	}
}

// TestBlocksUsed checks that the rows of the equality table exercise what
// they are meant to: the class-block path runs (partial blocks included) and
// the reach restriction leaves nodes out on the sparse graphs.
func TestBlocksUsed(t *testing.T) {
	for _, k := range []int{2, 6, 8} { // rows whose last block holds single-seed classes only
		tc := blockCases()[k]
		ws := NewWorkspace(tc.g, &Options{Workers: 1})
		if _, _, err := ws.MixtureGradient(nil, tc.theta, tc.R, tc.obs); err != nil {
			t.Fatal(err)
		}
		nc := len(tc.obs.Classes)
		if len(ws.blocks) != 1 || len(ws.bounds) != (nc+lanes-1)/lanes+1 {
			t.Fatalf("%s: %d block workers, bounds %v for %d classes", tc.name, len(ws.blocks), ws.bounds, nc)
		}
		// The last block's reach: some node must lie beyond it.
		beyond := 0
		for _, d := range ws.blocks[0].dist {
			if d == noReach {
				beyond++
			}
		}
		if beyond == 0 {
			t.Errorf("%s: the reach restriction skipped no node", tc.name)
		}
		t.Logf("%s: %d classes in %d blocks, last block reaches %d of %d nodes", tc.name, nc, len(ws.bounds)-1, tc.g.N-beyond, tc.g.N)
	}
}

// TestBlocksPath checks the reach on a path by hand: one seed at node 0 and
// T = 3 reach nodes 0, 1, 2 at distances 0, 1, 2; the rest is skipped.
func TestBlocksPath(t *testing.T) {
	g := fixtures.MustGraph(6, []int{0, 1, 2, 3, 4}, []int{1, 2, 3, 4, 5}, true)
	theta := []float64{0.5, 0.4, 0.3, 0.2, 0.1}
	p0 := []float64{1, 0, 0, 0, 0, 0}
	counts := make([]float64, 6*4)
	for i := 0; i < 6; i++ {
		counts[i*4+3] = 1 // all censored
	}
	counts[0*4+3], counts[0*4+0] = 0, 1 // the seed at τ = 0
	counts[1*4+3], counts[1*4+1] = 0, 1 // node 1 active at τ = 1
	obs := &ic.Observations{N: 6, T: 3, Classes: []ic.Class{{P0: p0, M: 1, Counts: counts}, {P0: p0, M: 1, Counts: counts}}}
	ws := NewWorkspace(g, &Options{Workers: 1})
	_, grad, err := ws.Gradient(nil, theta, obs)
	if err != nil {
		t.Fatal(err)
	}
	want := []uint8{0, 1, 2, noReach, noReach, noReach}
	for i, d := range ws.blocks[0].dist {
		if d != want[i] {
			t.Errorf("dist[%d] = %d, want %d", i, d, want[i])
		}
	}
	// Per class µ_1(1) = α_01 and µ_2(T) = 1 − p_2(2) = 1 − α_01·α_12, while
	// nodes 3..5 have µ(T) = 1 whatever α_23, α_34, α_45; so with two
	// identical classes O = 2·[log α_01 + log(1 − α_01 α_12)].
	a, b := theta[0], theta[1]
	wantGrad := []float64{2 * (1/a - b/(1-a*b)), -2 * a / (1 - a*b), 0, 0, 0}
	for k := range grad {
		if math.Abs(grad[k]-wantGrad[k]) > 1e-12 {
			t.Errorf("grad[%d] = %v, want %v", k, grad[k], wantGrad[k])
		}
	}
}
