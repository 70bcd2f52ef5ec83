package ad_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/ad"
)

// runShaped builds the one-op graph op(inputs...) with inputs of the given
// shapes in dtype dt, runs it on a TapeMachine and returns the output
// (row-major) and its shape.
func runShaped(t *testing.T, dt tensor.Dtype, shapes [][]int, inputs [][]float64, op func(in []*G.Node) (*G.Node, error)) ([]float64, tensor.Shape) {
	t.Helper()
	g := G.NewGraph()
	in := make([]*G.Node, len(inputs))
	for i, x := range inputs {
		in[i] = tensorInput(g, dt, inputNames[i], shapes[i], x)
	}
	y, err := op(in)
	if err != nil {
		t.Fatal(err)
	}
	var yv G.Value
	G.Read(y, &yv)
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if yv.Dtype() != dt {
		t.Fatalf("output dtype %v, want %v", yv.Dtype(), dt)
	}
	return toFloat64(t, yv), yv.Shape()
}

// rowsForwardTests are row-wise ops on 2-column inputs with outputs computed
// by hand.
var rowsForwardTests = []struct {
	name   string
	shape  []int
	x      []float64
	op     func(in []*G.Node) (*G.Node, error)
	want   []float64
	shape2 tensor.Shape
}{
	{
		name: "GatherRows", shape: []int{3, 2}, x: []float64{1, 2, 3, 4, 5, 6},
		op:   func(in []*G.Node) (*G.Node, error) { return ad.GatherRows(in[0], []int{2, -1, 0, 2}) },
		want: []float64{5, 6, 0, 0, 1, 2, 5, 6}, shape2: tensor.Shape{4, 2},
	},
	{
		// Rows 0 and 2 go to node 1, row 3 to node 0, row 1 nowhere; node 2 empty.
		name: "ScatterAddRows", shape: []int{4, 2}, x: []float64{1, 2, 3, 4, 5, 6, 7, 8},
		op:   func(in []*G.Node) (*G.Node, error) { return ad.ScatterAddRows(in[0], []int{1, -1, 1, 0}, 3) },
		want: []float64{7, 8, 6, 8, 0, 0}, shape2: tensor.Shape{3, 2},
	},
	{
		// Segment 0 = rows {0, 1, 3}; column 0 has exp-scores 1, 2, 3 (sum 6),
		// column 1 has 1, 1, 2 (sum 4); row 2 in no segment; row 4 alone in 1.
		name: "SegmentSoftmaxRows", shape: []int{5, 2},
		x:    []float64{0, 0, math.Ln2, 0, 9, 9, math.Log(3), math.Ln2, -4, 1000},
		op:   func(in []*G.Node) (*G.Node, error) { return ad.SegmentSoftmaxRows(in[0], []int{0, 0, -1, 0, 1}, 2) },
		want: []float64{1.0 / 6, 0.25, 1.0 / 3, 0.25, 0, 0, 0.5, 0.5, 1, 1}, shape2: tensor.Shape{5, 2},
	},
}

// TestRowsForward checks the row-wise ops by hand in both dtypes (float32
// within a relative 1e-6 of the exact value).
func TestRowsForward(t *testing.T) {
	for _, test := range rowsForwardTests {
		for _, c := range []struct {
			dt  tensor.Dtype
			tol float64
		}{{tensor.Float64, 1e-15}, {tensor.Float32, 1e-6}} {
			got, shape := runShaped(t, c.dt, [][]int{test.shape}, [][]float64{test.x}, test.op)
			if !shape.Eq(test.shape2) || len(got) != len(test.want) {
				t.Fatalf("%s %v: shape %v, got %v; want %v, %v", test.name, c.dt, shape, got, test.shape2, test.want)
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

// column returns column f of the rows×cols row-major matrix x.
func column(x []float64, cols, f int) []float64 {
	out := make([]float64, len(x)/cols)
	for j := range out {
		out[j] = x[j*cols+f]
	}
	return out
}

// TestRowsEqualVectorPerColumn holds each row-wise op, column by column,
// bitwise equal to its vector op on that column (the vector ops are the
// F = 1 case of the same kernels), for F = 1 and F = 4, in both dtypes.
func TestRowsEqualVectorPerColumn(t *testing.T) {
	const n, m = 6, 11
	idx := []int{5, 0, -1, 3, 3, 1, 0, -1, 2, 5, 4}
	seg := []int{2, 0, 2, -1, 0, 4, 2, 0, -1, 5, 2}
	for _, test := range []struct {
		name     string
		rows     int
		rowOp    func(x *G.Node) (*G.Node, error)
		vectorOp func(x *G.Node) (*G.Node, error)
	}{
		{"Gather", n,
			func(x *G.Node) (*G.Node, error) { return ad.GatherRows(x, idx) },
			func(x *G.Node) (*G.Node, error) { return ad.Gather(x, idx) }},
		{"ScatterAdd", m,
			func(x *G.Node) (*G.Node, error) { return ad.ScatterAddRows(x, idx, n) },
			func(x *G.Node) (*G.Node, error) { return ad.ScatterAdd(x, idx, n) }},
		{"SegmentSoftmax", m,
			func(x *G.Node) (*G.Node, error) { return ad.SegmentSoftmaxRows(x, seg, 6) },
			func(x *G.Node) (*G.Node, error) { return ad.SegmentSoftmax(x, seg, 6) }},
	} {
		for _, F := range []int{1, 4} {
			for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
				x := randVec(61, test.rows*F, -3, 3)
				got, shape := runShaped(t, dt, [][]int{{test.rows, F}}, [][]float64{x},
					func(in []*G.Node) (*G.Node, error) { return test.rowOp(in[0]) })
				for f := range F {
					want := runOp(t, dt, [][]float64{column(x, F, f)},
						func(in []*G.Node) (*G.Node, error) { return test.vectorOp(in[0]) })
					if fmt.Sprint(column(got, shape[1], f)) != fmt.Sprint(want) {
						t.Errorf("%s F=%d %v column %d: rows %v, vector %v", test.name, F, dt, f, column(got, shape[1], f), want)
					}
				}
			}
		}
	}
}

// TestRowsFloat32 checks the float32 forward of the row-wise ops against
// float64 on random data: within a relative 1e-6 (float32 rounding of each
// input and output, ε = 6e-8, plus a sum over a few rows).
func TestRowsFloat32(t *testing.T) {
	for _, c := range opCases {
		if !strings.Contains(c.name, "Rows") {
			continue
		}
		want, _ := runShaped(t, tensor.Float64, c.shapes, c.vals, c.op)
		got, _ := runShaped(t, tensor.Float32, c.shapes, c.vals, c.op)
		for i := range want {
			if !near(got[i], want[i], 1e-6) {
				t.Errorf("%s: float32 %v, float64 %v at %d", c.name, got[i], want[i], i)
			}
		}
	}
}

// TestRowsHash checks that row-wise ops over different index slices of equal
// content, or different n, are not merged by hash-consing, and identical
// ones are.
func TestRowsHash(t *testing.T) {
	g := G.NewGraph()
	x := tensorInput(g, tensor.Float64, "x", []int{2, 3}, randVec(62, 6, -1, 1))
	a, b := []int{0, 1}, []int{0, 1}
	if G.Must(ad.GatherRows(x, a)) == G.Must(ad.GatherRows(x, b)) {
		t.Error("GatherRows over different index slices merged")
	}
	if G.Must(ad.GatherRows(x, a)) != G.Must(ad.GatherRows(x, a)) {
		t.Error("identical GatherRows not merged")
	}
	if G.Must(ad.ScatterAddRows(x, a, 2)) == G.Must(ad.ScatterAddRows(x, a, 3)) {
		t.Error("ScatterAddRows with different n merged")
	}
	if G.Must(ad.ScatterAddRows(x, a, 2)) == G.Must(ad.ScatterAddRows(x, b, 2)) {
		t.Error("ScatterAddRows over different index slices merged")
	}
	sa, err := ad.NewSegments(a, 2)
	if err != nil {
		t.Fatal(err)
	}
	if G.Must(ad.SegmentSoftmaxRows(x, a, 2)) == G.Must(ad.SegmentSoftmaxRows(x, b, 2)) {
		t.Error("SegmentSoftmaxRows over different seg slices merged")
	}
	if G.Must(ad.SegmentSoftmaxRowsWith(x, sa)) != G.Must(ad.SegmentSoftmaxRowsWith(x, sa)) {
		t.Error("identical SegmentSoftmaxRowsWith not merged")
	}
	if s := fmt.Sprint(G.Must(ad.GatherRows(x, a)).Op()); s != "GatherRows(2→2,F=3)" {
		t.Errorf("op string %q", s)
	}
}

// TestRowsErrors checks that invalid arguments of the row-wise ops are
// returned errors with the package prefix, never panics.
func TestRowsErrors(t *testing.T) {
	g := G.NewGraph()
	x := tensorInput(g, tensor.Float64, "x", []int{3, 2}, randVec(63, 6, -1, 1))
	vec := input(g, tensor.Float64, "vec", []float64{1, 2, 3})
	ints := G.NewMatrix(g, tensor.Int, G.WithName("ints"), G.WithShape(1, 2),
		G.WithValue(tensor.New(tensor.WithShape(1, 2), tensor.WithBacking([]int{1, 2}))))
	for _, test := range []struct {
		name string
		f    func() (*G.Node, error)
	}{
		{"GatherRows index ≥ N", func() (*G.Node, error) { return ad.GatherRows(x, []int{0, 3}) }},
		{"GatherRows index < -1", func() (*G.Node, error) { return ad.GatherRows(x, []int{-2}) }},
		{"GatherRows empty index", func() (*G.Node, error) { return ad.GatherRows(x, nil) }},
		{"GatherRows vector", func() (*G.Node, error) { return ad.GatherRows(vec, []int{0}) }},
		{"GatherRows nil node", func() (*G.Node, error) { return ad.GatherRows(nil, []int{0}) }},
		{"GatherRows int dtype", func() (*G.Node, error) { return ad.GatherRows(ints, []int{0}) }},
		{"Gather matrix", func() (*G.Node, error) { return ad.Gather(x, []int{0}) }},
		{"ScatterAddRows length", func() (*G.Node, error) { return ad.ScatterAddRows(x, []int{0, 1}, 2) }},
		{"ScatterAddRows index ≥ n", func() (*G.Node, error) { return ad.ScatterAddRows(x, []int{0, 1, 2}, 2) }},
		{"ScatterAddRows n = 0", func() (*G.Node, error) { return ad.ScatterAddRows(x, []int{-1, -1, -1}, 0) }},
		{"ScatterAddRows vector", func() (*G.Node, error) { return ad.ScatterAddRows(vec, []int{0, 0, 0}, 1) }},
		{"SegmentSoftmaxRows seg range", func() (*G.Node, error) { return ad.SegmentSoftmaxRows(x, []int{0, 1, 2}, 2) }},
		{"SegmentSoftmaxRows rows", func() (*G.Node, error) { return ad.SegmentSoftmaxRows(x, []int{0, 1}, 2) }},
		{"SegmentSoftmaxRows nseg = 0", func() (*G.Node, error) { return ad.SegmentSoftmaxRows(x, []int{-1, -1, -1}, 0) }},
		{"SegmentSoftmaxRowsWith nil", func() (*G.Node, error) { return ad.SegmentSoftmaxRowsWith(x, nil) }},
		{"SegmentSoftmaxRows vector", func() (*G.Node, error) { return ad.SegmentSoftmaxRows(vec, []int{0, 0, 0}, 1) }},
	} {
		y, err := test.f()
		if err == nil || !strings.HasPrefix(err.Error(), "ad: ") || y != nil {
			t.Errorf("%s: got node %v, err %v; want an ad: error", test.name, y, err)
		}
	}
}

// TestRowsParallel runs the row-wise ops above the parallel threshold
// (≥ 2^15 rows) forward and backward and checks that values and gradients
// are the same bits with GOMAXPROCS = 1 and 4.
func TestRowsParallel(t *testing.T) {
	const n, m, F = 3000, 40_000, 2
	r := rand.New(rand.NewPCG(64, 65))
	idx := make([]int, m)
	for j := range idx {
		idx[j] = r.IntN(n+1) - 1
	}
	s, err := ad.NewSegments(idx, n)
	if err != nil {
		t.Fatal(err)
	}
	run := func() [][]float64 {
		g := G.NewGraph()
		h := tensorInput(g, tensor.Float64, "h", []int{n, F}, randVec(66, n*F, -1, 1))
		e := tensorInput(g, tensor.Float64, "e", []int{m, F}, randVec(67, m*F, -3, 3))
		alpha := G.Must(ad.SegmentSoftmaxRowsWith(e, s))
		msg := G.Must(G.HadamardProd(alpha, G.Must(ad.GatherRows(h, idx))))
		out := G.Must(ad.ScatterAddRows(msg, idx, n))
		cost := G.Must(G.Sum(G.Must(G.Square(out))))
		if _, err := G.Grad(cost, h, e); err != nil {
			t.Fatal(err)
		}
		var ov G.Value
		G.Read(out, &ov)
		mc := G.NewTapeMachine(g)
		defer mc.Close()
		if err := mc.RunAll(); err != nil {
			t.Fatal(err)
		}
		gh, _ := h.Grad()
		ge, _ := e.Grad()
		return [][]float64{toFloat64(t, ov), toFloat64(t, gh), toFloat64(t, ge)}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := run()
	runtime.GOMAXPROCS(4)
	four := run()
	for i, what := range []string{"out", "∂h", "∂e"} {
		for j := range one[i] {
			if math.Float64bits(one[i][j]) != math.Float64bits(four[i][j]) {
				t.Errorf("%s[%d]: GOMAXPROCS 1 gives %v, 4 gives %v", what, j, one[i][j], four[i][j])
				break
			}
		}
	}
}
