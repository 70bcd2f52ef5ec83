package gat_test

import (
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/models/gat"
	"github.com/spread-dev/spread/models/nn"
)

// BenchmarkForwardBackward measures one forward and backward pass
// (compiled.Objective.Eval: the cost Σ h ⊙ r and its gradient with respect
// to every parameter) of the default 2-layer GAT (8 heads × 8 features,
// concatenated, ELU, then one head of 1 output) with 16 input features on
// a random digraph of 3000 nodes and 15 000 edges plus self-loops.
func BenchmarkForwardBackward(b *testing.B) {
	const n, m, f = 3000, 15000, 16
	rng := rand.New(rand.NewPCG(1, 1))
	src, dst := make([]int, m), make([]int, m)
	for e := range m {
		src[e], dst[e] = rng.IntN(n), rng.IntN(n)
	}
	top, err := gat.NewTopology(n, src, dst, true)
	if err != nil {
		b.Fatal(err)
	}
	x, r := normals(rng, n*f), normals(rng, n)
	cfg := gat.DefaultConfig(f, 1)
	obj, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
		p := nn.NewParams(g)
		net, err := gat.New(p, cfg, rng)
		if err != nil {
			return nil, nil, err
		}
		h, _, err := net.Forward(matrix(g, "x", n, f, x), top)
		if err != nil {
			return nil, nil, err
		}
		cost, err := G.Sum(G.Must(G.HadamardProd(h, matrix(g, "r", n, 1, r))))
		return cost, p.Nodes(), err
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer obj.Close()
	theta := obj.X()
	grad := make([]float64, len(theta))
	b.ResetTimer()
	for b.Loop() {
		if _, err := obj.Eval(theta, grad); err != nil {
			b.Fatal(err)
		}
	}
}
