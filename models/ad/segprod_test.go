package ad_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/train/gradcheck"
)

// segProdSeg groups 12 entries into 6 segments: 0 = {0, 4, 9} (no zero in
// segProdX), 1 = {1, 6} (one zero, entry 6), 2 = {3, 7, 10} (two zeros,
// entries 3 and 10), 3 is empty, 4 = {5} (a singleton zero), 5 = {11};
// entries 2 and 8 belong to no segment.
var (
	segProdSeg = []int{0, 1, -1, 2, 0, 4, 1, 2, -1, 0, 2, 5}
	segProdX   = []float64{0.5, -2, 7, 0, 3, 0, 0, 1.5, 9, -0.25, 0, 4}
)

// segProdBrute returns y[c] = Π_{seg[j]=c} x[j] and, for the upstream
// gradient g, ∂x[j] = g[seg j]·Π_{k∈seg j, k≠j} x[k], by the O(m²)
// definition.
func segProdBrute(x, g []float64, seg []int, nseg int) (y, dx []float64) {
	y = make([]float64, nseg)
	for c := range y {
		y[c] = 1
	}
	for j, c := range seg {
		if c >= 0 {
			y[c] *= x[j]
		}
	}
	dx = make([]float64, len(x))
	for j, c := range seg {
		if c < 0 {
			continue
		}
		p := g[c]
		for k, ck := range seg {
			if ck == c && k != j {
				p *= x[k]
			}
		}
		dx[j] = p
	}
	return y, dx
}

// TestSegmentProdForward checks the values by hand on segProdX: segment 0 is
// 0.5·3·(−0.25), 1 and 2 contain zeros, 3 is empty (1), 4 is the zero
// singleton, 5 the singleton 4.
func TestSegmentProdForward(t *testing.T) {
	want := []float64{-0.375, 0, 0, 1, 0, 4}
	for _, c := range []struct {
		dt  tensor.Dtype
		tol float64
	}{{tensor.Float64, 0}, {tensor.Float32, 1e-7}} {
		got := runOp(t, c.dt, [][]float64{segProdX}, func(in []*G.Node) (*G.Node, error) {
			return ad.SegmentProd(in[0], segProdSeg, 6)
		})
		for i := range want {
			if !near(got[i], want[i], c.tol) {
				t.Errorf("%v: got %v, want %v", c.dt, got, want)
				break
			}
		}
	}
}

// segProdGradTests are the gradient rows of SegmentProd. Each builds
// cost = Σ_c w[c]·y[c]² (so the upstream gradient 2·w·y is zero on segments
// that contain a zero, and the zero-exact gradient is also exercised by a
// linear term Σ v·y) and has an O(m²) reference gradient.
var segProdGradTests = []struct {
	name string
	x    []float64
	seg  []int
	nseg int
}{
	// Provenance: hand-made; zeros as listed at segProdSeg.
	{"zeros 0/1/2/singleton, -1 entries, empty segment", segProdX, segProdSeg, 6},
	// Random values, no zeros, unsorted ids (the CSR permutation path).
	{"random unsorted", randVec(51, 20, -1.5, 1.5), []int{3, 0, 2, 2, 1, 0, 3, 3, 1, 0, 2, 4, 4, 0, 1, 3, 2, 0, 1, 4}, 5},
	// Sorted ids without -1 (the identity path of Segments), with a zero.
	{"sorted with a zero", []float64{0.3, 0.7, 0, 1.2, -0.4, 2, 0.9}, []int{0, 0, 1, 1, 1, 2, 2}, 3},
	// All entries in one segment, with exactly two zeros.
	{"one segment two zeros", []float64{0.5, 0, 2, 0, 3}, []int{0, 0, 0, 0, 0}, 1},
}

func segProdCost(g *G.ExprGraph, dt tensor.Dtype, x *G.Node, seg []int, nseg int) (*G.Node, error) {
	y, err := ad.SegmentProd(x, seg, nseg)
	if err != nil {
		return nil, err
	}
	w := input(g, dt, "w", randVec(52, nseg, -1, 1))
	v := input(g, dt, "v", randVec(53, nseg, -1, 1))
	quad := G.Must(G.Sum(G.Must(G.HadamardProd(w, G.Must(G.Square(y))))))
	lin := G.Must(G.Sum(G.Must(G.HadamardProd(v, y))))
	return G.Add(quad, lin)
}

// TestSegmentProdGradcheck holds the gradient to central differences and to
// the brute-force definition, zeros included.
func TestSegmentProdGradcheck(t *testing.T) {
	for _, test := range segProdGradTests {
		w := randVec(52, test.nseg, -1, 1)
		v := randVec(53, test.nseg, -1, 1)
		p := gradcheck.GraphProblem{
			Build: func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
				x := input(g, tensor.Float64, "x", test.x)
				cost, err := segProdCost(g, tensor.Float64, x, test.seg, test.nseg)
				return cost, G.Nodes{x}, err
			},
			Reference: func(dst, x [][]float64) error {
				y, _ := segProdBrute(x[0], make([]float64, test.nseg), test.seg, test.nseg)
				up := make([]float64, test.nseg)
				for c := range up {
					up[c] = 2*w[c]*y[c] + v[c]
				}
				_, dx := segProdBrute(x[0], up, test.seg, test.nseg)
				copy(dst[0], dx)
				return nil
			},
		}
		r, err := gradcheck.CheckGraph(p, &gradcheck.Settings{RelTol: 1e-8, AbsTol: 1e-10})
		if err != nil {
			t.Fatalf("%s: %v", test.name, err)
		}
		if !r.Pass {
			t.Errorf("%s:\n%v", test.name, r)
		} else {
			t.Logf("%s: %d entries, max rel err %.2g", test.name, r.N, r.MaxRelErr)
		}
	}
}

// TestSegmentProdZeroGradient checks the zero rule exactly on segProdX with
// upstream gradient 1: no-zero segment → product of the others; one zero →
// only the zero entry is non-zero; two zeros → all zero; -1 entries → 0.
func TestSegmentProdZeroGradient(t *testing.T) {
	g := G.NewGraph()
	x := input(g, tensor.Float64, "x", segProdX)
	y := G.Must(ad.SegmentProd(x, segProdSeg, 6))
	cost := G.Must(G.Sum(y))
	if _, err := G.Grad(cost, x); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	gx, err := x.Grad()
	if err != nil {
		t.Fatal(err)
	}
	// seg:  0       1   -1  2  0        4  1   2  -1  0      2  5
	// x:    0.5    -2   7   0  3        0  0  1.5  9 -0.25   0  4
	want := []float64{3 * -0.25, 0, 0, 0, 0.5 * -0.25, 1, -2, 0, 0, 0.5 * 3, 0, 1}
	if got := toFloat64(t, gx); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("∂x = %v, want %v", got, want)
	}
}

// TestSegmentProdMachines checks float32 against float64 and the
// LispMachine's DoDiff against the TapeMachine's SymDiff.
func TestSegmentProdMachines(t *testing.T) {
	for _, test := range segProdGradTests {
		row := gradTest{
			name: test.name,
			build: func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
				x := input(g, dt, "x", test.x)
				cost, err := segProdCost(g, dt, x, test.seg, test.nseg)
				return cost, G.Nodes{x}, err
			},
		}
		want := gradsOf(t, row, tensor.Float64, false)
		for _, c := range []struct {
			name string
			dt   tensor.Dtype
			lisp bool
			tol  float64
		}{
			{"float32 tape", tensor.Float32, false, 2e-6},
			{"float64 lisp", tensor.Float64, true, 1e-15},
			{"float32 lisp", tensor.Float32, true, 2e-6},
		} {
			got := gradsOf(t, row, c.dt, c.lisp)
			for i := range want {
				for j := range want[i] {
					if !near(got[i][j], want[i][j], c.tol) {
						t.Errorf("%s %s: output %d: got %v, want %v", test.name, c.name, i, got[i], want[i])
						break
					}
				}
			}
		}
	}
}

// TestSegmentProdHashAndErrors checks that SegmentProd over different id
// slices of equal content is not merged by hash-consing, and that invalid
// arguments are ad: errors.
func TestSegmentProdHashAndErrors(t *testing.T) {
	g := G.NewGraph()
	x := input(g, tensor.Float64, "x", []float64{2, 3, 5})
	a, b := []int{0, 0, 1}, []int{0, 0, 1}
	ya := G.Must(ad.SegmentProd(x, a, 2))
	if ya == G.Must(ad.SegmentProd(x, b, 2)) {
		t.Error("SegmentProd over different id slices merged")
	}
	sa, err := ad.NewSegments(a, 2)
	if err != nil {
		t.Fatal(err)
	}
	if y1, y2 := G.Must(ad.SegmentProdWith(x, sa)), G.Must(ad.SegmentProdWith(x, sa)); y1 != y2 {
		t.Error("identical SegmentProdWith not merged")
	}
	if !strings.Contains(fmt.Sprint(ya.Op()), "SegmentProd") {
		t.Errorf("op string %v", ya.Op())
	}
	for _, test := range []struct {
		name string
		f    func() (*G.Node, error)
	}{
		{"seg range", func() (*G.Node, error) { return ad.SegmentProd(x, []int{0, 1, 2}, 2) }},
		{"length", func() (*G.Node, error) { return ad.SegmentProd(x, []int{0, 1}, 2) }},
		{"nseg = 0", func() (*G.Node, error) { return ad.SegmentProd(x, []int{-1, -1, -1}, 0) }},
		{"nil Segments", func() (*G.Node, error) { return ad.SegmentProdWith(x, nil) }},
		{"nil node", func() (*G.Node, error) { return ad.SegmentProdWith(nil, sa) }},
	} {
		y, err := test.f()
		if err == nil || !strings.HasPrefix(err.Error(), "ad: ") || y != nil {
			t.Errorf("%s: got node %v, err %v; want an ad: error", test.name, y, err)
		}
	}
}

// TestSegmentProdParallel runs a grouping large enough for the parallel
// kernels (≥ 2^15 entries) and checks values and gradients against a serial
// reference and bit-identity between GOMAXPROCS = 1 and 4.
func TestSegmentProdParallel(t *testing.T) {
	const m, nseg = 100_000, 7_000
	r := rand.New(rand.NewPCG(54, 55))
	seg := make([]int, m)
	x := make([]float64, m)
	for j := range seg {
		seg[j] = r.IntN(nseg+1) - 1 // includes -1
		x[j] = 0.5 + r.Float64()    // products stay finite
		if r.IntN(500) == 0 {
			x[j] = 0
		}
	}
	up := randVec(56, nseg, -1, 1)
	run := func(procs int) (y, gx []float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		g := G.NewGraph()
		xn := input(g, tensor.Float64, "x", x)
		w := input(g, tensor.Float64, "w", up)
		yn := G.Must(ad.SegmentProd(xn, seg, nseg))
		cost := G.Must(G.Sum(G.Must(G.HadamardProd(yn, w))))
		if _, err := G.Grad(cost, xn); err != nil {
			t.Fatal(err)
		}
		var yv G.Value
		G.Read(yn, &yv)
		vm := G.NewTapeMachine(g)
		defer vm.Close()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		gv, err := xn.Grad()
		if err != nil {
			t.Fatal(err)
		}
		return toFloat64(t, yv), toFloat64(t, gv)
	}
	y1, g1 := run(1)
	y4, g4 := run(4)
	if fmt.Sprint(y1) != fmt.Sprint(y4) || fmt.Sprint(g1) != fmt.Sprint(g4) {
		t.Error("GOMAXPROCS 1 and 4 give different bits")
	}
	// Serial reference: the same products by increasing entry, and for the
	// gradient the product of the others by brute force over each segment.
	members := make([][]int, nseg)
	for j, c := range seg {
		if c >= 0 {
			members[c] = append(members[c], j)
		}
	}
	for c, js := range members {
		p := 1.0
		for _, j := range js {
			p *= x[j]
		}
		if y4[c] != p {
			t.Fatalf("y[%d] = %v, want %v", c, y4[c], p)
		}
		for _, j := range js {
			q := up[c]
			for _, k := range js {
				if k != j {
					q *= x[k]
				}
			}
			if !near(g4[j], q, 1e-14) {
				t.Fatalf("∂x[%d] = %v, want %v", j, g4[j], q)
			}
		}
	}
	for j, c := range seg {
		if c < 0 && g4[j] != 0 {
			t.Fatalf("∂x[%d] = %v outside every segment", j, g4[j])
		}
	}
}
