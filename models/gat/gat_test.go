package gat_test

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/gat"
	"github.com/spread-dev/spread/models/nn"
	"github.com/spread-dev/spread/train/gradcheck"
)

// The small test graph has 5 nodes: node 0 has three in-edges (1, 2, 3 → 0),
// node 2 two, nodes 1 and 3 one each and node 4 none (without self-loops).
var smallSrc, smallDst = []int{1, 2, 3, 0, 4, 0, 3, 1}, []int{0, 0, 0, 1, 2, 2, 1, 3}

const smallN = 5

func normals(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

func matrix(g *G.ExprGraph, name string, r, c int, v []float64) *G.Node {
	return G.NewMatrix(g, tensor.Float64, G.WithName(name), G.WithShape(r, c),
		G.WithValue(tensor.New(tensor.WithShape(r, c), tensor.WithBacking(v))))
}

// TestGradCheck holds the TapeMachine gradient of a random weighted sum of
// a 2-layer GAT's output against central differences (step 1e-6) with
// respect to every parameter (W, a_src, a_dst, b of both layers) and the
// input features, to relative error 1e-6 (absolute 1e-8: the gradcheck
// defaults). Rows vary self-loops and the head combination (concatenated,
// averaged). The LeakyReLU and ELU kinks are met with probability zero at
// these random points; the logged worst relative error is ~1e-9.
func TestGradCheck(t *testing.T) {
	for _, tc := range []struct {
		name      string
		selfLoops bool
		layers    []gat.LayerConfig
	}{
		// node 4 has no in-edge: its output is the bias alone.
		{"concat-then-mean", false, []gat.LayerConfig{{Out: 3, Heads: 2, Concat: true}, {Out: 2, Heads: 3}}},
		{"self-loops-concat", true, []gat.LayerConfig{{Out: 2, Heads: 3, Concat: true}, {Out: 2, Heads: 2, Concat: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const f = 3
			rng := rand.New(rand.NewPCG(1, 2))
			x0 := normals(rng, smallN*f)
			cfg := gat.DefaultConfig(f, 1)
			cfg.Layers, cfg.SelfLoops = tc.layers, tc.selfLoops
			top, err := gat.NewTopology(smallN, smallSrc, smallDst, tc.selfLoops)
			if err != nil {
				t.Fatal(err)
			}
			out := tc.layers[len(tc.layers)-1].Width()
			r := normals(rng, smallN*out)
			p := gradcheck.GraphProblem{Build: func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
				ps := nn.NewParams(g)
				net, err := gat.New(ps, cfg, rand.New(rand.NewPCG(3, 4)))
				if err != nil {
					return nil, nil, err
				}
				// Non-zero biases, so that their gradients are exercised
				// at a generic point.
				for i, name := range ps.Names() {
					if name[len(name)-2:] == ".b" {
						copy(ps.Value(i), normals(rng, len(ps.Value(i))))
					}
				}
				x := matrix(g, "x", smallN, f, x0)
				h, _, err := net.Forward(x, top)
				if err != nil {
					return nil, nil, err
				}
				cost := G.Must(G.Sum(G.Must(G.HadamardProd(h, matrix(g, "r", smallN, out, r)))))
				return cost, append(ps.Nodes(), x), nil
			}}
			rep, err := gradcheck.CheckGraph(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d entries, max rel err %.2g, max abs err %.2g", rep.N, rep.MaxRelErr, rep.MaxAbsErr)
			if !rep.Pass {
				t.Errorf("gradient check failed:\n%v", rep)
			}
		})
	}
}

// TestAttentionSumsToOne checks α_ij ∈ (0, 1] and Σ_{j→i} α_ij = 1 (to
// 1e-14) for every node with an in-edge, every head and both layers; node
// 4, without in-edges and self-loops, has no coefficients (sum 0).
func TestAttentionSumsToOne(t *testing.T) {
	const f = 3
	x := normals(rand.New(rand.NewPCG(5, 6)), smallN*f)
	for _, selfLoops := range []bool{false, true} {
		cfg := gat.DefaultConfig(f, 2)
		cfg.SelfLoops = selfLoops
		cfg.Layers[0].Heads = 4
		cfg.Layers[1].Heads = 2
		top, err := gat.NewTopology(smallN, smallSrc, smallDst, selfLoops)
		if err != nil {
			t.Fatal(err)
		}
		theta, err := gat.Init(cfg, rand.New(rand.NewPCG(9, 9)))
		if err != nil {
			t.Fatal(err)
		}
		h, alphas, err := gat.Apply(cfg, theta, top, x)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != smallN*2 {
			t.Fatalf("output has %d entries, want %d", len(h), smallN*2)
		}
		for l, a := range alphas {
			k := cfg.Layers[l].Heads
			if len(a) != len(top.Src)*k {
				t.Fatalf("layer %d: %d coefficients, want E·K = %d", l, len(a), len(top.Src)*k)
			}
			sums := make([]float64, smallN*k)
			for e, i := range top.Dst {
				for hd := range k {
					v := a[e*k+hd]
					if !(v > 0 && v <= 1) {
						t.Errorf("layer %d edge %d head %d: α = %v, want in (0, 1]", l, e, hd, v)
					}
					sums[i*k+hd] += v
				}
			}
			for i := range smallN {
				want := 1.0
				if !selfLoops && i == 4 {
					want = 0
				}
				for hd := range k {
					if math.Abs(sums[i*k+hd]-want) > 1e-14 {
						t.Errorf("self-loops %v, layer %d, node %d, head %d: Σα = %v, want %v", selfLoops, l, i, hd, sums[i*k+hd], want)
					}
				}
			}
		}
	}
}

// TestPermutationEquivariance relabels the nodes of a random 30-node graph
// by a random permutation π (node v becomes π(v), edges listed in a
// shuffled order) and checks that the output row of π(v) equals the
// original row of v to 1e-12 (the sums run in a different order).
func TestPermutationEquivariance(t *testing.T) {
	const n, m, f = 30, 90, 4
	rng := rand.New(rand.NewPCG(7, 8))
	src, dst := make([]int, m), make([]int, m)
	for e := range m {
		src[e], dst[e] = rng.IntN(n), rng.IntN(n)
	}
	x := normals(rng, n*f)
	cfg := gat.DefaultConfig(f, 3)
	theta, err := gat.Init(cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	perm := rng.Perm(n)
	order := rng.Perm(m)
	psrc, pdst := make([]int, m), make([]int, m)
	for k, e := range order {
		psrc[k], pdst[k] = perm[src[e]], perm[dst[e]]
	}
	px := make([]float64, n*f)
	for v := range n {
		copy(px[perm[v]*f:(perm[v]+1)*f], x[v*f:(v+1)*f])
	}
	run := func(src, dst []int, x []float64) []float64 {
		top, err := gat.NewTopology(n, src, dst, cfg.SelfLoops)
		if err != nil {
			t.Fatal(err)
		}
		h, _, err := gat.Apply(cfg, theta, top, x)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	h, ph := run(src, dst, x), run(psrc, pdst, px)
	const out = 3
	for v := range n {
		for c := range out {
			a, b := h[v*out+c], ph[perm[v]*out+c]
			if math.Abs(a-b) > 1e-12*(1+math.Abs(a)) {
				t.Errorf("node %d (relabelled %d), feature %d: %v vs %v", v, perm[v], c, a, b)
			}
		}
	}
}

func TestTopologyErrors(t *testing.T) {
	for _, tc := range []struct {
		n        int
		src, dst []int
		loops    bool
	}{
		{0, nil, nil, true},
		{3, []int{0}, []int{1, 2}, false},
		{3, []int{0}, []int{3}, false},
		{3, []int{-1}, []int{0}, false},
		{3, nil, nil, false},
	} {
		if _, err := gat.NewTopology(tc.n, tc.src, tc.dst, tc.loops); err == nil {
			t.Errorf("NewTopology(%d, %v, %v, %v): no error", tc.n, tc.src, tc.dst, tc.loops)
		}
	}
	cfg := gat.DefaultConfig(2, 1)
	cfg.NegativeSlope = 1
	if err := cfg.Validate(); err == nil {
		t.Error("NegativeSlope 1 accepted")
	}
}
