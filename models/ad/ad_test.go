package ad_test

// Every test binary that imports gorgonia panics at init unless go.mod pins
// go4.org/unsafe/assume-no-moving-gc v0.0.0-20231121144256-b99613f794b6 (the
// version tensor v0.9.24 asks for does not know Go 1.26). The one-op graphs
// run below therefore fail CI if the pin is ever lost, as does any other test
// here.

import (
	"fmt"
	"math"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/ad"
)

// input returns a vector input node named name holding x in dtype dt.
func input(g *G.ExprGraph, dt tensor.Dtype, name string, x []float64) *G.Node {
	var v *tensor.Dense
	if dt == tensor.Float32 {
		x32 := make([]float32, len(x))
		for i, f := range x {
			x32[i] = float32(f)
		}
		v = tensor.New(tensor.WithShape(len(x)), tensor.WithBacking(x32))
	} else {
		v = tensor.New(tensor.WithShape(len(x)), tensor.WithBacking(append([]float64(nil), x...)))
	}
	return G.NewVector(g, dt, G.WithName(name), G.WithShape(len(x)), G.WithValue(v))
}

// toFloat64 returns the elements of a float32 or float64 value as float64s.
func toFloat64(t *testing.T, v G.Value) []float64 {
	t.Helper()
	switch d := v.Data().(type) {
	case []float64:
		return append([]float64(nil), d[:v.Size()]...)
	case []float32:
		out := make([]float64, v.Size())
		for i := range out {
			out[i] = float64(d[i])
		}
		return out
	case float64:
		return []float64{d}
	case float32:
		return []float64{float64(d)}
	}
	t.Fatalf("unexpected value %T", v)
	return nil
}

// inputNames are the unique names given to the inputs of an op under test
// (gorgonia merges inputs that share a name).
var inputNames = []string{"in0", "in1", "in2"}

// runOp builds a one-op graph op(inputs...) in dtype dt, runs it once on a
// TapeMachine and returns the output, read with G.Read.
func runOp(t *testing.T, dt tensor.Dtype, inputs [][]float64, op func(in []*G.Node) (*G.Node, error)) []float64 {
	t.Helper()
	shapes := make([][]int, len(inputs))
	for i, x := range inputs {
		shapes[i] = []int{len(x)}
	}
	y, _ := runShaped(t, dt, shapes, inputs, op)
	return y
}

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// Hand-checkable instance: the path 0 — 1 — 2 as four directed edges
// e0 = 0→1, e1 = 1→0, e2 = 1→2, e3 = 2→1, each the reverse of its pair.
var (
	pathSrc = []int{0, 1, 1, 2}
	pathDst = []int{1, 0, 2, 1}
	pathRev = []int{1, 0, 3, 2}
	noRev   = []int{-1, -1, -1, -1}
)

// forwardTests are one-op graphs with outputs computed by hand.
var forwardTests = []struct {
	name   string
	inputs [][]float64
	op     func(in []*G.Node) (*G.Node, error)
	want   []float64
}{
	{
		// y = x[idx] with a repeat-free permutation and a -1.
		name:   "Gather",
		inputs: [][]float64{{10, 20, 30}},
		op:     func(in []*G.Node) (*G.Node, error) { return ad.Gather(in[0], []int{2, 0, -1, 1, 2}) },
		want:   []float64{30, 10, 0, 20, 30},
	},
	{
		// y[1] = v0 + v2, y[0] = v3, y[2] = v4, y[3] = 0 (empty), v1 skipped.
		name:   "ScatterAdd",
		inputs: [][]float64{{1, 2, 3, 4, 5}},
		op:     func(in []*G.Node) (*G.Node, error) { return ad.ScatterAdd(in[0], []int{1, -1, 1, 0, 2}, 4) },
		want:   []float64{4, 4, 5, 0},
	},
	{
		// In-edge sums: node 0 ← e1 (2), node 1 ← e0, e3 (1+4), node 2 ← e2 (3);
		// S = base + in = (2.1, 5.2, 3.3); cav = S[src] − L[rev].
		name:   "Cavity path",
		inputs: [][]float64{{0.1, 0.2, 0.3}, {1, 2, 3, 4}},
		op:     func(in []*G.Node) (*G.Node, error) { return ad.Cavity(in[0], in[1], pathSrc, pathDst, pathRev) },
		want:   []float64{0.1, 4.2, 1.2, 0.3},
	},
	{
		// Same instance without reverse edges: cav = S[src].
		name:   "Cavity no rev",
		inputs: [][]float64{{0.1, 0.2, 0.3}, {1, 2, 3, 4}},
		op:     func(in []*G.Node) (*G.Node, error) { return ad.Cavity(in[0], in[1], pathSrc, pathDst, noRev) },
		want:   []float64{2.1, 5.2, 5.2, 3.3},
	},
	{
		name:   "CavityComposite path",
		inputs: [][]float64{{0.1, 0.2, 0.3}, {1, 2, 3, 4}},
		op: func(in []*G.Node) (*G.Node, error) {
			return ad.CavityComposite(in[0], in[1], pathSrc, pathDst, pathRev)
		},
		want: []float64{0.1, 4.2, 1.2, 0.3},
	},
	{
		// Segment 1 = {0, 1, 3} with exp-scores 1, 2, 3; segment 0 = {4}; entry
		// 2 in none; segment 2 empty.
		name:   "SegmentSoftmax",
		inputs: [][]float64{{0, math.Ln2, 5, math.Log(3), 7}},
		op: func(in []*G.Node) (*G.Node, error) {
			return ad.SegmentSoftmax(in[0], []int{1, 1, -1, 1, 0}, 3)
		},
		want: []float64{1.0 / 6, 1.0 / 3, 0, 0.5, 1},
	},
	{
		// Scores near ±1000 would overflow (or underflow) exp without the max
		// shift: (1000, 1001) gives (1, e)/(1+e).
		name:   "SegmentSoftmax large",
		inputs: [][]float64{{1000, 1001, -1000, -1000}},
		op:     func(in []*G.Node) (*G.Node, error) { return ad.SegmentSoftmax(in[0], []int{0, 0, 1, 1}, 2) },
		want:   []float64{1 / (1 + math.E), math.E / (1 + math.E), 0.5, 0.5},
	},
}

func TestForward(t *testing.T) {
	for _, test := range forwardTests {
		for _, c := range []struct {
			dt  tensor.Dtype
			tol float64
		}{{tensor.Float64, 1e-14}, {tensor.Float32, 1e-6}} {
			got := runOp(t, c.dt, test.inputs, test.op)
			if len(got) != len(test.want) {
				t.Fatalf("%s %v: got %v, want %v", test.name, c.dt, got, test.want)
			}
			for i := range got {
				if !near(got[i], test.want[i], c.tol) {
					t.Errorf("%s %v: got %v, want %v", test.name, c.dt, got, test.want)
					break
				}
			}
		}
	}
}

// TestRebind builds and compiles once, then reruns with new input values
// bound by G.Let (the pattern every training loop uses).
func TestRebind(t *testing.T) {
	g := G.NewGraph()
	x := input(g, tensor.Float64, "x", []float64{1, 2, 3})
	y, err := ad.Gather(x, []int{2, 2, 0})
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(y))
	if _, err := G.Grad(cost, x); err != nil {
		t.Fatal(err)
	}
	var yv G.Value
	G.Read(y, &yv)
	m := G.NewTapeMachine(g)
	defer m.Close()
	for i, test := range []struct {
		x, y, grad []float64
	}{
		{[]float64{1, 2, 3}, []float64{3, 3, 1}, []float64{1, 0, 2}},
		{[]float64{-5, 7, 0.5}, []float64{0.5, 0.5, -5}, []float64{1, 0, 2}},
	} {
		if err := G.Let(x, tensor.New(tensor.WithShape(3), tensor.WithBacking(test.x))); err != nil {
			t.Fatal(err)
		}
		m.Reset()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		gx, err := x.Grad()
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(toFloat64(t, yv)) != fmt.Sprint(test.y) || fmt.Sprint(toFloat64(t, gx)) != fmt.Sprint(test.grad) {
			t.Errorf("run %d: y = %v, ∂x = %v; want %v, %v", i, yv, gx, test.y, test.grad)
		}
	}
}

// TestHashDistinct checks that ops over different index arrays of the same
// length are not merged by gorgonia's hash-consing, while the same op on the
// same node is (harmless CSE).
func TestHashDistinct(t *testing.T) {
	g := G.NewGraph()
	x := input(g, tensor.Float64, "x", []float64{1, 2})
	a, b := []int{0, 1}, []int{1, 0}
	ya := G.Must(ad.Gather(x, a))
	yb := G.Must(ad.Gather(x, b))
	if ya == yb {
		t.Fatal("Gather over different index arrays merged")
	}
	if G.Must(ad.Gather(x, a)) != ya {
		t.Error("identical Gather not merged")
	}
	sa := G.Must(ad.ScatterAdd(x, a, 2))
	sb := G.Must(ad.ScatterAdd(x, b, 2))
	sc := G.Must(ad.ScatterAdd(x, a, 3))
	if sa == sb || sa == sc {
		t.Error("ScatterAdd over different index arrays or n merged")
	}
	var va, vb G.Value
	G.Read(ya, &va)
	G.Read(yb, &vb)
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(toFloat64(t, va), toFloat64(t, vb)) != "[1 2] [2 1]" {
		t.Errorf("values %v %v", va, vb)
	}
}

// TestErrors checks that invalid arguments are returned errors with the
// package prefix, never panics.
func TestErrors(t *testing.T) {
	g := G.NewGraph()
	x := input(g, tensor.Float64, "x", []float64{1, 2, 3})
	L := input(g, tensor.Float64, "L", []float64{1, 2, 3, 4})
	L32 := input(g, tensor.Float32, "L32", []float64{1, 2, 3, 4})
	mat := G.NewMatrix(g, tensor.Float64, G.WithName("mat"), G.WithShape(2, 2),
		G.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))))
	ints := G.NewVector(g, tensor.Int, G.WithName("ints"), G.WithShape(2),
		G.WithValue(tensor.New(tensor.WithBacking([]int{1, 2}))))
	for _, test := range []struct {
		name string
		f    func() (*G.Node, error)
	}{
		{"Gather index ≥ n", func() (*G.Node, error) { return ad.Gather(x, []int{0, 3}) }},
		{"Gather index < -1", func() (*G.Node, error) { return ad.Gather(x, []int{-2}) }},
		{"Gather empty index", func() (*G.Node, error) { return ad.Gather(x, nil) }},
		{"Gather nil node", func() (*G.Node, error) { return ad.Gather(nil, []int{0}) }},
		{"Gather matrix", func() (*G.Node, error) { return ad.Gather(mat, []int{0}) }},
		{"Gather int dtype", func() (*G.Node, error) { return ad.Gather(ints, []int{0}) }},
		{"ScatterAdd length", func() (*G.Node, error) { return ad.ScatterAdd(x, []int{0, 1}, 2) }},
		{"ScatterAdd index ≥ n", func() (*G.Node, error) { return ad.ScatterAdd(x, []int{0, 1, 2}, 2) }},
		{"ScatterAdd n = 0", func() (*G.Node, error) { return ad.ScatterAdd(x, []int{-1, -1, -1}, 0) }},
		{"Cavity src range", func() (*G.Node, error) { return ad.Cavity(x, L, []int{0, 1, 1, 3}, pathDst, pathRev) }},
		{"Cavity src -1", func() (*G.Node, error) { return ad.Cavity(x, L, []int{0, 1, 1, -1}, pathDst, pathRev) }},
		{"Cavity dst range", func() (*G.Node, error) { return ad.Cavity(x, L, pathSrc, []int{1, 0, 2, 5}, pathRev) }},
		{"Cavity rev range", func() (*G.Node, error) { return ad.Cavity(x, L, pathSrc, pathDst, []int{1, 0, 3, 4}) }},
		{"Cavity lengths", func() (*G.Node, error) { return ad.Cavity(x, L, pathSrc, pathDst, []int{1, 0, 3}) }},
		{"Cavity L length", func() (*G.Node, error) { return ad.Cavity(x, x, pathSrc, pathDst, pathRev) }},
		{"Cavity dtypes", func() (*G.Node, error) { return ad.Cavity(x, L32, pathSrc, pathDst, pathRev) }},
		{"CavityWith nil index", func() (*G.Node, error) { return ad.CavityWith(x, L, nil) }},
		{"CavityComposite lengths", func() (*G.Node, error) { return ad.CavityComposite(x, L, pathSrc, pathDst, []int{0}) }},
		{"CavityComposite src range", func() (*G.Node, error) {
			return ad.CavityComposite(x, L, []int{0, 1, 1, 3}, pathDst, pathRev)
		}},
		{"SegmentSoftmax seg range", func() (*G.Node, error) { return ad.SegmentSoftmax(x, []int{0, 1, 2}, 2) }},
		{"SegmentSoftmax length", func() (*G.Node, error) { return ad.SegmentSoftmax(x, []int{0, 1}, 2) }},
		{"SegmentSoftmax nseg = 0", func() (*G.Node, error) { return ad.SegmentSoftmax(x, []int{-1, -1, -1}, 0) }},
		{"SegmentSoftmaxWith nil", func() (*G.Node, error) { return ad.SegmentSoftmaxWith(x, nil) }},
	} {
		y, err := test.f()
		if err == nil || !strings.HasPrefix(err.Error(), "ad: ") || y != nil {
			t.Errorf("%s: got node %v, err %v; want an ad: error", test.name, y, err)
		}
	}

	// The index constructors on their own.
	if _, err := ad.NewCavityIndex(0, []int{0}, []int{0}, []int{-1}); err == nil {
		t.Error("NewCavityIndex n = 0: no error")
	}
	if _, err := ad.NewSegments([]int{0, 2}, 2); err == nil {
		t.Error("NewSegments id ≥ n: no error")
	}
	if _, err := ad.NewSegments(nil, 2); err == nil {
		t.Error("NewSegments empty: no error")
	}
	// A valid index used with the wrong node lengths.
	ix, err := ad.NewCavityIndex(4, pathSrc, pathDst, pathRev)
	if err != nil {
		t.Fatal(err)
	}
	if ix.NumNodes() != 4 || ix.NumEdges() != 4 {
		t.Errorf("index sizes %d, %d", ix.NumNodes(), ix.NumEdges())
	}
	if _, err := ad.CavityWith(x, L, ix); err == nil {
		t.Error("CavityWith n mismatch: no error")
	}
}

// TestSegments checks the accessors of the prebuilt grouping.
func TestSegments(t *testing.T) {
	id := []int{2, 0, -1, 2}
	s, err := ad.NewSegments(id, 3)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 4 || s.NumSegments() != 3 || &s.ID()[0] != &id[0] {
		t.Errorf("Len %d NumSegments %d", s.Len(), s.NumSegments())
	}
}

// TestLispMachine checks the ADOp path (DoDiff, used by the LispMachine)
// against the SDOp path (SymDiff, used by the TapeMachine) on every op.
func TestLispMachine(t *testing.T) {
	for _, test := range gradTests {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			tape := gradsOf(t, test, dt, false)
			lisp := gradsOf(t, test, dt, true)
			tol := 1e-13
			if dt == tensor.Float32 {
				tol = 1e-5
			}
			for i := range tape {
				for j := range tape[i] {
					if !near(tape[i][j], lisp[i][j], tol) {
						t.Errorf("%s %v: input %d: tape %v, lisp %v", test.name, dt, i, tape[i], lisp[i])
						break
					}
				}
			}
		}
	}
}

// TestFloat32 checks float32 values and gradients of every op against
// float64 within float32 tolerance.
func TestFloat32(t *testing.T) {
	for _, test := range gradTests {
		want := gradsOf(t, test, tensor.Float64, false)
		got := gradsOf(t, test, tensor.Float32, false)
		for i := range want {
			for j := range want[i] {
				if !near(got[i][j], want[i][j], 2e-5) {
					t.Errorf("%s: input %d: float32 %v, float64 %v", test.name, i, got[i], want[i])
					break
				}
			}
		}
	}
}

// gradsOf builds test's cost in dtype dt and returns the cost value followed
// by the gradients wrt the checked inputs, from a TapeMachine (G.Grad) or a
// LispMachine (DoDiff).
func gradsOf(t *testing.T, test gradTest, dt tensor.Dtype, lisp bool) [][]float64 {
	t.Helper()
	g := G.NewGraph()
	cost, wrt, err := test.build(g, dt)
	if err != nil {
		t.Fatalf("%s: %v", test.name, err)
	}
	var out [][]float64
	if lisp {
		m := G.NewLispMachine(g)
		defer m.Close()
		if err := m.RunAll(); err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
	} else {
		if _, err := G.Grad(cost, wrt...); err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
		m := G.NewTapeMachine(g)
		defer m.Close()
		if err := m.RunAll(); err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
	}
	out = append(out, toFloat64(t, cost.Value()))
	for _, n := range wrt {
		gv, err := n.Grad()
		if err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
		out = append(out, toFloat64(t, gv))
	}
	return out
}

// TestZeroGradientUnused checks that inputs an op never reads get exactly
// zero gradient: entries of x no index points at, entries of v scattered
// to -1, and scores outside every segment.
func TestZeroGradientUnused(t *testing.T) {
	for _, test := range []struct {
		name string
		op   func(in *G.Node) (*G.Node, error)
		x    []float64
		zero []int // components of ∂x that must be exactly 0
	}{
		{"Gather", func(x *G.Node) (*G.Node, error) { return ad.Gather(x, []int{0, -1, 0, 3}) }, []float64{1, 2, 3, 4}, []int{1, 2}},
		{"ScatterAdd", func(v *G.Node) (*G.Node, error) { return ad.ScatterAdd(v, []int{1, -1, 0, -1}, 2) }, []float64{1, 2, 3, 4}, []int{1, 3}},
		{"SegmentSoftmax", func(s *G.Node) (*G.Node, error) { return ad.SegmentSoftmax(s, []int{0, -1, 0, 1}, 2) }, []float64{1, 2, 3, 4}, []int{1, 3}},
	} {
		for _, lisp := range []bool{false, true} {
			row := gradTest{name: test.name, build: func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
				x := input(g, dt, "x", test.x)
				y, err := test.op(x)
				if err != nil {
					return nil, nil, err
				}
				cost, err := weighted(g, dt, y, 99)
				return cost, G.Nodes{x}, err
			}}
			gx := gradsOf(t, row, tensor.Float64, lisp)[1]
			for _, j := range test.zero {
				if gx[j] != 0 {
					t.Errorf("%s (lisp %v): ∂x = %v, want exact 0 at %v", test.name, lisp, gx, test.zero)
					break
				}
			}
		}
	}
}
