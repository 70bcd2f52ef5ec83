package ad_test

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/ad"
)

// The path 0 — 1 — 2 as directed edges e0 = 0→1, e1 = 1→0, e2 = 1→2,
// e3 = 2→1: Gather lifts a node value to the source of each edge, and the
// gradient of Σ_e c[e]·y[e] wrt x is the ScatterAdd of c over the sources.
func ExampleGather() {
	src := []int{0, 1, 1, 2}
	g := G.NewGraph()
	x := G.NewVector(g, tensor.Float64, G.WithName("x"), G.WithShape(3),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{10, 20, 30}))))
	c := G.NewVector(g, tensor.Float64, G.WithName("c"), G.WithShape(4),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{1, 2, 3, 4}))))
	y, err := ad.Gather(x, src) // y[e] = x[src[e]]
	if err != nil {
		fmt.Println(err)
		return
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(c, y)))) // element-wise, not G.Mul
	if _, err := G.Grad(cost, x); err != nil {
		fmt.Println(err)
		return
	}
	var yv G.Value
	G.Read(y, &yv) // intermediate values are only safe to read through G.Read
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	gx, _ := x.Grad()
	fmt.Println("y  =", yv.Data())
	fmt.Println("∂x =", gx.Data())
	// Output:
	// y  = [10 20 20 30]
	// ∂x = [1 5 4]
}

// ScatterAdd sums edge values into their target nodes (the "add"
// aggregation over in-edges); its gradient gathers back.
func ExampleScatterAdd() {
	dst := []int{1, 0, 2, 1}
	g := G.NewGraph()
	v := G.NewVector(g, tensor.Float64, G.WithName("v"), G.WithShape(4),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{1, 2, 3, 4}))))
	c := G.NewVector(g, tensor.Float64, G.WithName("c"), G.WithShape(3),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{100, 10, 1}))))
	s, err := ad.ScatterAdd(v, dst, 3) // s[i] = Σ_{e: dst[e]=i} v[e]
	if err != nil {
		fmt.Println(err)
		return
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(c, s))))
	if _, err := G.Grad(cost, v); err != nil {
		fmt.Println(err)
		return
	}
	var sv G.Value
	G.Read(s, &sv)
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	gv, _ := v.Grad()
	fmt.Println("s  =", sv.Data())
	fmt.Println("∂v =", gv.Data())
	// Output:
	// s  = [2 5 3]
	// ∂v = [10 100 1 10]
}

// On the path 0 — 1 — 2, the cavity of edge 1→2 sums node 1's in-edges
// (from 0 and from 2) but leaves out the one from 2, the target.
func ExampleCavity() {
	src, dst, rev := []int{0, 1, 1, 2}, []int{1, 0, 2, 1}, []int{1, 0, 3, 2}
	g := G.NewGraph()
	base := G.NewVector(g, tensor.Float64, G.WithName("base"), G.WithShape(3),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{0.5, 0.25, 0.125}))))
	L := G.NewVector(g, tensor.Float64, G.WithName("L"), G.WithShape(4),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{1, 2, 3, 4}))))
	ix, err := ad.NewCavityIndex(3, src, dst, rev) // once per graph
	if err != nil {
		fmt.Println(err)
		return
	}
	cav, err := ad.CavityWith(base, L, ix)
	if err != nil {
		fmt.Println(err)
		return
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cav.Value().Data()) // the root of this graph: safe to read
	// Output:
	// [0.5 4.25 1.25 0.125]
}

// Two-head attention weights, as in a multi-head GAT layer: the score matrix
// has one row per edge and one column per head, and SegmentSoftmaxRows
// normalises each head's scores over the in-edges of each target node.
// Edges e0 = 0→2, e1 = 1→2, e2 = 2→0; node 2 has two in-edges, node 0 one.
func ExampleSegmentSoftmaxRows() {
	dst := []int{2, 2, 0}
	g := G.NewGraph()
	scores := G.NewMatrix(g, tensor.Float64, G.WithName("scores"), G.WithShape(3, 2),
		G.WithValue(tensor.New(tensor.WithShape(3, 2), tensor.WithBacking([]float64{
			0, 1, // e0: head 0, head 1
			0, 3, // e1
			5, -5, // e2, alone at node 0
		}))))
	alpha, err := ad.SegmentSoftmaxRows(scores, dst, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	var av G.Value
	G.Read(alpha, &av)
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	a := av.Data().([]float64)
	for e := range dst {
		fmt.Printf("e%d: %.4f %.4f\n", e, a[2*e], a[2*e+1])
	}
	// Output:
	// e0: 0.5000 0.1192
	// e1: 0.5000 0.8808
	// e2: 1.0000 1.0000
}

// The fused DMP steps restricted to the reach of the seed on the directed
// path 0 → 1 → 2 (α = 0.5 on both edges, p̄ = (1, 0, 0), so d = (0, 1, 2)):
// at slot 1 node 2 is beyond the reach and keeps Q_2(1) = Q_2(0) = 1. By
// hand, Q_1(t) = 1 − α₀₁ and Q_2(2) = 1 − α₀₁·α₁₂, so the gradient of
// Q_1(2) + Q_2(2) is (−1 − α₁₂, −α₀₁) = (−1.5, −0.5), as without the reach.
func ExampleDMPStepReach() {
	ix, err := ad.NewCavityProdIndex(3, []int{0, 1}, []int{1, 2}, []int{-1, -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	reach := ad.NewDMPReach(ix)
	copy(reach.Dist(), []int32{0, 1, 2}) // rewritable between runs
	g := G.NewGraph()
	alpha := G.NewVector(g, tensor.Float64, G.WithName("alpha"), G.WithShape(2),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{0.5, 0.5}))))
	q0 := G.NewVector(g, tensor.Float64, G.WithName("q0"), G.WithShape(3),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{0, 1, 1})))) // 1 − p̄
	w := G.NewVector(g, tensor.Float64, G.WithName("w"), G.WithShape(9),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{0, 0, 0, 0, 0, 0, 0, 1, 1}))))
	s, err := ad.DMPInit(alpha, q0, ix)
	if err != nil {
		fmt.Println(err)
		return
	}
	if s, err = ad.DMPStepReach(s, reach); err != nil { // slot 1
		fmt.Println(err)
		return
	}
	Q, err := ad.DMPFinalReach(s, reach) // slot 2: [Q(0) | Q(1) | Q(2)]
	if err != nil {
		fmt.Println(err)
		return
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(w, Q))))
	if _, err := G.Grad(cost, alpha); err != nil {
		fmt.Println(err)
		return
	}
	var qv G.Value
	G.Read(Q, &qv)
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	ga, _ := alpha.Grad()
	fmt.Println("Q  =", qv.Data())
	fmt.Println("∂α =", ga.Data())
	// Output:
	// Q  = [0 1 1 0 0.5 1 0 0.5 0.75]
	// ∂α = [-1.5 -0.5]
}
