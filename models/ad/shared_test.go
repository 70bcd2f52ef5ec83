package ad_test

import (
	"fmt"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/train/gradcheck"
)

// A custom op's DoDiff must ADD into the gradient buffers of its inputs:
// gorgonia's LispMachine accumulates the contributions of every consumer of
// a node into one buffer. An op whose input has no other consumer cannot
// tell adding from overwriting, so every op is checked here inside
//
//	cost = Σ w⊙Op(x_0, …) + Σ_i Σ v_i⊙x_i²,
//
// where every input x_i also feeds a second op. The LispMachine runs the
// backward in reverse creation order, so whether the second consumer's
// gradient is already in the buffer when Op's DoDiff runs depends on which is
// built first: each op is checked with the quadratic terms built before and
// after it. An overwriting DoDiff fails one of the two.

// opCase is one op under test: the shapes and values of its inputs and how
// it is applied to them.
type opCase struct {
	name   string
	shapes [][]int // of the inputs: [n] for a vector, [rows, cols] for a matrix
	vals   [][]float64
	op     func(in []*G.Node) (*G.Node, error)
}

// tensorInput returns an input node of the given shape (vector or row-major
// matrix) named name holding x in dtype dt.
func tensorInput(g *G.ExprGraph, dt tensor.Dtype, name string, shape []int, x []float64) *G.Node {
	if len(shape) == 1 {
		return input(g, dt, name, x)
	}
	var back any = append([]float64(nil), x...)
	if dt == tensor.Float32 {
		x32 := make([]float32, len(x))
		for i, f := range x {
			x32[i] = float32(f)
		}
		back = x32
	}
	v := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(back))
	return G.NewMatrix(g, dt, G.WithName(name), G.WithShape(shape...), G.WithValue(v))
}

// size is the number of entries of a shape.
func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// weightedSum returns Σ w⊙y with w a fixed input of y's shape named name.
func weightedSum(g *G.ExprGraph, dt tensor.Dtype, name string, y *G.Node, seed uint64) (*G.Node, error) {
	s := []int(y.Shape())
	w := tensorInput(g, dt, name, s, randVec(seed, size(s), -1, 1))
	wy, err := G.HadamardProd(w, y)
	if err != nil {
		return nil, err
	}
	return G.Sum(wy)
}

// sharedBuild returns the builder of c's cost with a second consumer of every
// input, built before the op (quadFirst) or after it.
func sharedBuild(c opCase, quadFirst bool) func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
	return func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
		in := make(G.Nodes, len(c.shapes))
		for i, s := range c.shapes {
			in[i] = tensorInput(g, dt, fmt.Sprintf("x%d", i), s, c.vals[i])
		}
		var terms G.Nodes
		quad := func() error {
			for i, x := range in {
				t, err := weightedSum(g, dt, fmt.Sprintf("v%d", i), G.Must(G.Square(x)), uint64(200+i))
				if err != nil {
					return err
				}
				terms = append(terms, t)
			}
			return nil
		}
		if quadFirst {
			if err := quad(); err != nil {
				return nil, nil, err
			}
		}
		y, err := c.op(in)
		if err != nil {
			return nil, nil, err
		}
		lin, err := weightedSum(g, dt, "w", y, 199)
		if err != nil {
			return nil, nil, err
		}
		if !quadFirst {
			if err := quad(); err != nil {
				return nil, nil, err
			}
		}
		cost := lin
		for _, t := range terms {
			if cost, err = G.Add(cost, t); err != nil {
				return nil, nil, err
			}
		}
		return cost, in, nil
	}
}

var (
	rowsIdx = []int{3, 0, -1, 3, 4, 1, -1, 0} // into 5 rows, repeats and -1
	rowsSeg = []int{2, 0, 2, -1, 0, 4, 2, 0, -1}
	// cavProdPaired is the graph of the CavityProd case: CavityProd needs
	// rev[e] to be an in-edge of src[e], which gPaired's reverse edges are.
	cavProdPaired = gPaired
)

// opCases is every op of the package, vector and row-wise, on small inputs
// with repeated and -1 indices, empty and singleton segments.
var opCases = []opCase{
	{"Gather", [][]int{{5}}, [][]float64{randVec(1, 5, -1, 1)},
		func(in []*G.Node) (*G.Node, error) { return ad.Gather(in[0], idxDup) }},
	{"ScatterAdd", [][]int{{8}}, [][]float64{randVec(2, 8, -1, 1)},
		func(in []*G.Node) (*G.Node, error) { return ad.ScatterAdd(in[0], idxDup, 5) }},
	{"Cavity paired rev", [][]int{{gPaired.n}, {len(gPaired.src)}},
		[][]float64{randVec(3, gPaired.n, -1, 0), randVec(4, len(gPaired.src), -1, 0)},
		func(in []*G.Node) (*G.Node, error) {
			return ad.Cavity(in[0], in[1], gPaired.src, gPaired.dst, gPaired.rev)
		}},
	{"Cavity arbitrary rev", [][]int{{gArbitrary.n}, {len(gArbitrary.src)}},
		[][]float64{randVec(5, gArbitrary.n, -1, 0), randVec(6, len(gArbitrary.src), -1, 0)},
		func(in []*G.Node) (*G.Node, error) {
			return ad.Cavity(in[0], in[1], gArbitrary.src, gArbitrary.dst, gArbitrary.rev)
		}},
	{"SegmentSoftmax", [][]int{{len(segIDs)}}, [][]float64{randVec(7, len(segIDs), -2, 2)},
		func(in []*G.Node) (*G.Node, error) { return ad.SegmentSoftmax(in[0], segIDs, 5) }},
	{"SegmentProd", [][]int{{len(segIDs)}}, [][]float64{randVec(8, len(segIDs), 0.5, 1.5)},
		func(in []*G.Node) (*G.Node, error) { return ad.SegmentProd(in[0], segIDs, 5) }},
	{"CavityProd", [][]int{{len(cavProdPaired.src)}}, [][]float64{randVec(9, len(cavProdPaired.src), 0.2, 1)},
		func(in []*G.Node) (*G.Node, error) {
			ix, err := ad.NewCavityProdIndex(cavProdPaired.n, cavProdPaired.src, cavProdPaired.dst, cavProdPaired.rev)
			if err != nil {
				return nil, err
			}
			return ad.CavityProd(in[0], ix)
		}},
	{"GatherRows", [][]int{{5, 3}}, [][]float64{randVec(10, 15, -1, 1)},
		func(in []*G.Node) (*G.Node, error) { return ad.GatherRows(in[0], rowsIdx) }},
	{"ScatterAddRows", [][]int{{8, 3}}, [][]float64{randVec(11, 24, -1, 1)},
		func(in []*G.Node) (*G.Node, error) { return ad.ScatterAddRows(in[0], rowsIdx, 5) }},
	{"SegmentSoftmaxRows", [][]int{{9, 3}}, [][]float64{randVec(12, 27, -2, 2)},
		func(in []*G.Node) (*G.Node, error) { return ad.SegmentSoftmaxRows(in[0], rowsSeg, 5) }},
	{"GatherRows F=1", [][]int{{5, 1}}, [][]float64{randVec(13, 5, -1, 1)},
		func(in []*G.Node) (*G.Node, error) { return ad.GatherRows(in[0], rowsIdx) }},
	{"DMPInit", [][]int{{dmpE}, {dmpN}}, [][]float64{randVec(14, dmpE, 0, 1), randVec(15, dmpN, 0.2, 1)},
		func(in []*G.Node) (*G.Node, error) { return ad.DMPInit(in[0], in[1], dmpIndex()) }},
	{"DMPStep", [][]int{{2*dmpE + 2*dmpN}}, [][]float64{dmpState(16, 2)},
		func(in []*G.Node) (*G.Node, error) { return ad.DMPStep(in[0], dmpIndex()) }},
	{"DMPFinal", [][]int{{2*dmpE + 3*dmpN}}, [][]float64{dmpState(17, 3)},
		func(in []*G.Node) (*G.Node, error) { return ad.DMPFinal(in[0], dmpIndex()) }},
	// T = 3 blocks of 4 with counts 0..3: µ = 0 (equal blocks) and µ < 0
	// below the floor 0.05, the rest well above it.
	{"DMPLogLik", [][]int{{12}}, [][]float64{{0.9, 0.8, 0.7, 0.6, 0.5, 0.8, 0.75, 0.3, 0.2, 0.4, 0.1, 0.3}},
		func(in []*G.Node) (*G.Node, error) {
			return ad.DMPLogLik(in[0], []float64{1, 0, 2, 3, 2, 3, 1, 0, 1, 2, 0, 3}, 4, 0.05)
		}},
	// The reach-restricted steps are functions of their own (nodes with
	// d(u) > t keep Q_u(t) = Q_u(0) and send x = 1): their gradients are
	// checked at random states, where those outputs differ from DMPStep's.
	{"DMPStepReach", [][]int{{2*dmpE + 2*dmpN}}, [][]float64{dmpState(18, 2)},
		func(in []*G.Node) (*G.Node, error) { return ad.DMPStepReach(in[0], dmpReach()) }},
	{"DMPFinalReach", [][]int{{2*dmpE + 3*dmpN}}, [][]float64{dmpState(19, 3)},
		func(in []*G.Node) (*G.Node, error) { return ad.DMPFinalReach(in[0], dmpReach()) }},
}

// The DMP step cases run on cavProdPaired (three one-way edges, so some
// messages have no rev and some nodes no in-edge).
var (
	dmpE = len(cavProdPaired.src)
	dmpN = cavProdPaired.n
)

func dmpIndex() *ad.CavityProdIndex {
	ix, err := ad.NewCavityProdIndex(cavProdPaired.n, cavProdPaired.src, cavProdPaired.dst, cavProdPaired.rev)
	if err != nil {
		panic(err)
	}
	return ix
}

// dmpReach returns a reach on dmpIndex with d(u) = u mod 5, so that the
// steps to slots 2 and 3 leave some nodes out and update the others.
func dmpReach() *ad.DMPReach {
	r := ad.NewDMPReach(dmpIndex())
	for u := range r.Dist() {
		r.Dist()[u] = int32(u % 5)
	}
	return r
}

// dmpState returns a random DMP state [x | α | Q(0) … Q(t−1)] with t blocks,
// x and α in [0, 1], where two in-edges of the node with the most in-edges
// carry x = 0 (α = 1 meeting a sure message), so that the exact-zero paths
// of the backward are taken, and one α is exactly 0 and one exactly 1.
func dmpState(seed uint64, t int) []float64 {
	tg := cavProdPaired
	E := len(tg.src)
	s := randVec(seed, 2*E+t*tg.n, 0.1, 1)
	deg := make([]int, tg.n)
	for _, v := range tg.dst {
		deg[v]++
	}
	u := 0
	for v := range deg {
		if deg[v] > deg[u] {
			u = v
		}
	}
	zeros := 0
	for k, v := range tg.dst {
		if v == u && zeros < 2 {
			s[k] = 0
			zeros++
		}
	}
	s[E], s[E+1] = 0, 1
	return s
}

// sharedSettings are the tolerances of the shared-input gradient checks:
// central differences with step 1e-6 on O(1) costs are accurate to about
// 1e-10, so autodiff must agree within a relative 1e-6 (absolute 1e-8 near
// zero).
var sharedSettings = &gradcheck.Settings{Step: 1e-6, RelTol: 1e-6, AbsTol: 1e-8}

// TestGradcheckSharedInput checks every op, in float64, with each input also
// feeding a second op: the TapeMachine gradient (SymDiff, through G.Grad)
// against central differences, and the LispMachine gradient (DoDiff) as the
// reference, against both.
func TestGradcheckSharedInput(t *testing.T) {
	for _, c := range opCases {
		for _, quadFirst := range []bool{false, true} {
			build := sharedBuild(c, quadFirst)
			test := gradTest{name: c.name, build: build}
			p := gradcheck.GraphProblem{
				Build: func(g *G.ExprGraph) (*G.Node, G.Nodes, error) { return build(g, tensor.Float64) },
				// CheckGraph calls Reference once, at the values the graph
				// was built with, which the LispMachine run also uses.
				Reference: func(dst, _ [][]float64) error {
					for i, gx := range gradsOf(t, test, tensor.Float64, true)[1:] {
						copy(dst[i], gx)
					}
					return nil
				},
			}
			r, err := gradcheck.CheckGraph(p, sharedSettings)
			if err != nil {
				t.Fatalf("%s (second consumer first: %v): %v", c.name, quadFirst, err)
			}
			if !r.Pass {
				t.Errorf("%s (second consumer first: %v): tape vs central differences vs lisp:\n%v", c.name, quadFirst, r)
			}
		}
	}
}
