package ad_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ad"
)

// cavProdGraph is a hand-made graph on 6 nodes with reciprocal pairs, one-way
// arcs (rev = -1), a node with four in-edges and a node with none (node 5 has
// out-edges only). Edge e: src[e] → dst[e].
//
//	e:   0  1  2  3  4  5  6  7  8  9 10 11
//	src: 0  1  0  2  0  3  1  2  3  1  5  5
//	dst: 1  0  2  0  3  0  2  1  1  3  1  4
var (
	cavProdSrc = []int{0, 1, 0, 2, 0, 3, 1, 2, 3, 1, 5, 5}
	cavProdDst = []int{1, 0, 2, 0, 3, 0, 2, 1, 1, 3, 1, 4}
	cavProdRev = []int{1, 0, 3, 2, 5, 4, 7, 6, 9, 8, -1, -1}
)

// cavProdXs are the rows of inputs: no zero; one zero among the in-edges of
// node 1 (edges 0, 7, 8, 10); two zeros among them; zeros at nodes 0 and 1
// at once (as α = 1 on messages equal to 1 next to a seed gives).
var cavProdXs = []struct {
	name string
	x    []float64
}{
	{"no zero", []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.95, 0.85, 0.75, 0.65, 0.55}},
	{"one zero at node 1", []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0, 0.85, 0.75, 0.65, 0.55}},
	{"two zeros at node 1", []float64{0, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.95, 0, 0.75, 0.65, 0.55}},
	{"zeros at nodes 0 and 1", []float64{0.9, 0, 0.7, 0, 0.5, 0.4, 0.3, 0.95, 0.85, 0.75, 0, 0.55}},
}

// cavProdBrute returns y[e] = Π_{k: dst k = src e, k ≠ rev e} x[k] and, for
// the upstream gradient g, ∂x[k] = Σ_{e: src e = dst k, rev e ≠ k} g[e]·
// Π_{k': dst k' = dst k, k' ∉ {k, rev e}} x[k'], by the O(E²·deg) definition.
func cavProdBrute(x, g []float64, src, dst, rev []int) (y, dx []float64) {
	E := len(src)
	y = make([]float64, E)
	for e := 0; e < E; e++ {
		y[e] = 1
		for k := 0; k < E; k++ {
			if dst[k] == src[e] && k != rev[e] {
				y[e] *= x[k]
			}
		}
	}
	dx = make([]float64, E)
	for k := 0; k < E; k++ {
		for e := 0; e < E; e++ {
			if src[e] != dst[k] || rev[e] == k {
				continue
			}
			p := g[e]
			for k2 := 0; k2 < E; k2++ {
				if dst[k2] == dst[k] && k2 != k && k2 != rev[e] {
					p *= x[k2]
				}
			}
			dx[k] += p
		}
	}
	return y, dx
}

// cavProdRun builds cost = Σ_e w[e]·y[e] with y = CavityProd(x) in dtype dt,
// runs it on a TapeMachine (symbolic gradient) or a LispMachine (DoDiff) and
// returns y and ∂cost/∂x.
func cavProdRun(t *testing.T, ix *ad.CavityProdIndex, x, w []float64, dt tensor.Dtype, lisp bool) (y, dx []float64) {
	t.Helper()
	g := G.NewGraph()
	vec := func(name string, v []float64) *G.Node {
		var val *tensor.Dense
		if dt == tensor.Float32 {
			v32 := make([]float32, len(v))
			for i, f := range v {
				v32[i] = float32(f)
			}
			val = tensor.New(tensor.WithShape(len(v)), tensor.WithBacking(v32))
		} else {
			val = tensor.New(tensor.WithShape(len(v)), tensor.WithBacking(append([]float64(nil), v...)))
		}
		return G.NewVector(g, dt, G.WithName(name), G.WithShape(len(v)), G.WithValue(val))
	}
	xn := vec("cavprod_x", x)
	wn := vec("cavprod_w", w)
	yn, err := ad.CavityProd(xn, ix)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(yn, wn))))
	var yv G.Value
	G.Read(yn, &yv)
	var m G.VM
	if lisp {
		m = G.NewLispMachine(g)
	} else {
		if _, err := G.Grad(cost, xn); err != nil {
			t.Fatal(err)
		}
		m = G.NewTapeMachine(g)
	}
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	gv, err := xn.Grad()
	if err != nil {
		t.Fatal(err)
	}
	return cavProdFloats(t, yv), cavProdFloats(t, gv)
}

func cavProdFloats(t *testing.T, v G.Value) []float64 {
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
	}
	t.Fatalf("unexpected value %T", v)
	return nil
}

// cavProdFD returns central differences of Σ_e w[e]·y_brute[e] in x.
func cavProdFD(x, w []float64, src, dst, rev []int) []float64 {
	f := func(z []float64) float64 {
		y, _ := cavProdBrute(z, w, src, dst, rev)
		s := 0.0
		for e := range y {
			s += w[e] * y[e]
		}
		return s
	}
	const h = 1e-6
	out := make([]float64, len(x))
	for k := range x {
		z := append([]float64(nil), x...)
		z[k] = x[k] + h
		fp := f(z)
		z[k] = x[k] - h
		out[k] = (fp - f(z)) / (2 * h)
	}
	return out
}

func cavProdClose(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func TestCavityProd(t *testing.T) {
	ix, err := ad.NewCavityProdIndex(6, cavProdSrc, cavProdDst, cavProdRev)
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{1.5, -0.5, 2, 0.25, -1, 0.75, 1.25, -2, 0.5, 1, -0.75, 3}
	machines := []struct {
		name string
		dt   tensor.Dtype
		lisp bool
		tol  float64 // vs the float64 brute-force values
	}{
		{"tape/float64", tensor.Float64, false, 1e-15},
		{"lisp/float64", tensor.Float64, true, 1e-15},
		{"tape/float32", tensor.Float32, false, 1e-6},
		{"lisp/float32", tensor.Float32, true, 1e-6},
	}
	for _, row := range cavProdXs {
		wantY, wantDx := cavProdBrute(row.x, w, cavProdSrc, cavProdDst, cavProdRev)
		fd := cavProdFD(row.x, w, cavProdSrc, cavProdDst, cavProdRev)
		for k := range fd {
			if !cavProdClose(fd[k], wantDx[k], 1e-8) {
				t.Fatalf("%s: reference gradient %v disagrees with central differences %v at %d", row.name, wantDx[k], fd[k], k)
			}
		}
		for _, mc := range machines {
			y, dx := cavProdRun(t, ix, row.x, w, mc.dt, mc.lisp)
			for e := range wantY {
				if !cavProdClose(y[e], wantY[e], mc.tol) {
					t.Errorf("%s %s: y[%d] = %v, want %v", row.name, mc.name, e, y[e], wantY[e])
				}
			}
			for k := range wantDx {
				if !cavProdClose(dx[k], wantDx[k], mc.tol*4) {
					t.Errorf("%s %s: ∂x[%d] = %v, want %v (FD %v)", row.name, mc.name, k, dx[k], wantDx[k], fd[k])
				}
			}
		}
	}
}

// TestCavityProdGraph checks values and gradients on a random graphs.Graph
// (undirected pairs plus one-way arcs) with some zero inputs, against the
// brute-force definition and central differences.
func TestCavityProdGraph(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	const n = 25
	var src, dst []int
	for u := 0; u < n; u++ {
		for v := 0; v < n; v++ {
			if u != v && rng.Float64() < 0.12 {
				src, dst = append(src, u), append(dst, v)
			}
		}
	}
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := ad.NewCavityProdIndex(g.N, g.Src, g.Dst, g.Rev)
	if err != nil {
		t.Fatal(err)
	}
	E := g.NumEdges()
	x, w := make([]float64, E), make([]float64, E)
	for k := range x {
		x[k] = rng.Float64()
		if k%7 == 0 {
			x[k] = 0 // x = 1 − α·p with α = 1 and p = 1
		}
		w[k] = 2*rng.Float64() - 1
	}
	wantY, wantDx := cavProdBrute(x, w, g.Src, g.Dst, g.Rev)
	fd := cavProdFD(x, w, g.Src, g.Dst, g.Rev)
	y, dx := cavProdRun(t, ix, x, w, tensor.Float64, false)
	worstFD := 0.0
	for k := 0; k < E; k++ {
		if !cavProdClose(y[k], wantY[k], 1e-14) {
			t.Errorf("y[%d] = %v, want %v", k, y[k], wantY[k])
		}
		if !cavProdClose(dx[k], wantDx[k], 1e-13) {
			t.Errorf("∂x[%d] = %v, want %v", k, dx[k], wantDx[k])
		}
		worstFD = max(worstFD, math.Abs(dx[k]-fd[k])/math.Max(1, math.Abs(fd[k])))
	}
	if worstFD > 1e-8 {
		t.Errorf("max relative error vs central differences %g > 1e-8", worstFD)
	}
}

// TestCavityProdHash checks that ops over different index arrays are not
// merged by gorgonia's hash-consing.
func TestCavityProdHash(t *testing.T) {
	ix1, err := ad.NewCavityProdIndex(6, cavProdSrc, cavProdDst, cavProdRev)
	if err != nil {
		t.Fatal(err)
	}
	noRev := make([]int, len(cavProdRev))
	for k := range noRev {
		noRev[k] = -1
	}
	ix2, err := ad.NewCavityProdIndex(6, cavProdSrc, cavProdDst, noRev)
	if err != nil {
		t.Fatal(err)
	}
	g := G.NewGraph()
	x := G.NewVector(g, tensor.Float64, G.WithName("cavprod_hash_x"), G.WithShape(len(cavProdSrc)))
	y1, err1 := ad.CavityProd(x, ix1)
	y2, err2 := ad.CavityProd(x, ix2)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if y1 == y2 {
		t.Error("CavityProd over different rev arrays were merged into one node")
	}
}

func TestCavityProdErrors(t *testing.T) {
	src, dst, rev := cavProdSrc, cavProdDst, cavProdRev
	badRev := append([]int(nil), rev...)
	badRev[0] = 2 // edge 2 is 0→2, not an in-edge of src[0] = 0
	tests := []struct {
		name string
		f    func() error
		want string
	}{
		{"n", func() error { _, err := ad.NewCavityProdIndex(0, src, dst, rev); return err }, "n = 0"},
		{"lengths", func() error { _, err := ad.NewCavityProdIndex(6, src, dst[:3], rev); return err }, "len(dst)"},
		{"src range", func() error { _, err := ad.NewCavityProdIndex(3, src, dst, rev); return err }, "out of range"},
		{"rev not an in-edge", func() error { _, err := ad.NewCavityProdIndex(6, src, dst, badRev); return err }, "rev[0] = 2"},
		{"nil index", func() error {
			g := G.NewGraph()
			x := G.NewVector(g, tensor.Float64, G.WithName("x"), G.WithShape(12))
			_, err := ad.CavityProd(x, nil)
			return err
		}, "nil CavityProdIndex"},
		{"x length", func() error {
			ix, _ := ad.NewCavityProdIndex(6, src, dst, rev)
			g := G.NewGraph()
			x := G.NewVector(g, tensor.Float64, G.WithName("x"), G.WithShape(5))
			_, err := ad.CavityProd(x, ix)
			return err
		}, "len(x) = 5"},
	}
	for _, tc := range tests {
		err := tc.f()
		if err == nil || !strings.HasPrefix(err.Error(), "ad: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want prefix \"ad: \" and %q", tc.name, err, tc.want)
		}
	}
}

// cavProdBigGraph returns a random graph on n nodes with the given number of
// reciprocal pairs and one-way arcs, in random edge order (or numbered by
// source when bySrc is set). Half the one-way arcs have rev = -1; the others
// get a random in-edge of their source that is not their reverse (rev is then
// not injective).
func cavProdBigGraph(seed uint64, n, pairs, oneway int, bySrc bool) (src, dst, rev []int) {
	r := rand.New(rand.NewPCG(seed, 7))
	for range pairs {
		u := r.IntN(n)
		v := (u + 1 + r.IntN(n-1)) % n
		src, dst = append(src, u, v), append(dst, v, u)
	}
	for range oneway {
		u := r.IntN(n)
		src, dst = append(src, u), append(dst, (u+1+r.IntN(n-1))%n)
	}
	E := len(src)
	perm := r.Perm(E) // perm[old] = new
	if bySrc {
		perm = make([]int, E)
		start := make([]int, n+1)
		for _, u := range src {
			start[u+1]++
		}
		for u := range n {
			start[u+1] += start[u]
		}
		for e, u := range src {
			perm[e] = start[u]
			start[u]++
		}
	}
	s, d := make([]int, E), make([]int, E)
	for old, nw := range perm {
		s[nw], d[nw] = src[old], dst[old]
	}
	src, dst, rev = s, d, make([]int, E)
	in := make([][]int, n)
	for k, v := range dst {
		in[v] = append(in[v], k)
	}
	for old := 2 * pairs; old < E; old++ {
		e := perm[old]
		rev[e] = -1
		if old%2 == 0 && len(in[src[e]]) > 0 {
			rev[e] = in[src[e]][r.IntN(len(in[src[e]]))]
		}
	}
	for p := range pairs {
		a, b := perm[2*p], perm[2*p+1]
		rev[a], rev[b] = b, a
	}
	return src, dst, rev
}

// TestCavityProdParallel runs graphs large enough for the parallel kernels
// (≥ 2^15 edges), with edges in random order and numbered by source (the two
// paths of the backward), on the TapeMachine and the LispMachine. It checks
// bit-identity between GOMAXPROCS = 1 and 4 and values and gradients against
// an O(Σ deg³) reference, with zeros among the inputs.
func TestCavityProdParallel(t *testing.T) {
	const n = 2000
	for _, bySrc := range []bool{false, true} {
		src, dst, rev := cavProdBigGraph(61, n, 20_000, 3_000, bySrc)
		ix, err := ad.NewCavityProdIndex(n, src, dst, rev)
		if err != nil {
			t.Fatal(err)
		}
		E := len(src)
		r := rand.New(rand.NewPCG(62, 63))
		x, w := make([]float64, E), make([]float64, E)
		for k := range x {
			x[k] = 0.9 + 0.2*r.Float64() // products of ~20 stay near 1
			if r.IntN(300) == 0 {
				x[k] = 0
			}
			w[k] = 2*r.Float64() - 1
		}
		// Reference: y[e] and ∂x[k] = Σ_{e: src e = dst k, rev e ≠ k}
		// w[e]·Π_{k' ∈ in(dst k), k' ∉ {k, rev e}} x[k'].
		in, out := make([][]int, n), make([][]int, n)
		for k := range E {
			in[dst[k]] = append(in[dst[k]], k)
			out[src[k]] = append(out[src[k]], k)
		}
		wantY, wantDx := make([]float64, E), make([]float64, E)
		for u := range n {
			for _, e := range out[u] {
				p := 1.0
				for _, k := range in[u] {
					if k != rev[e] {
						p *= x[k]
					}
				}
				wantY[e] = p
				for _, k := range in[u] {
					if k == rev[e] {
						continue
					}
					q := w[e]
					for _, k2 := range in[u] {
						if k2 != k && k2 != rev[e] {
							q *= x[k2]
						}
					}
					wantDx[k] += q
				}
			}
		}
		for _, lisp := range []bool{false, true} {
			run := func(procs int) (y, dx []float64) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				return cavProdRun(t, ix, x, w, tensor.Float64, lisp)
			}
			y1, dx1 := run(1)
			y4, dx4 := run(4)
			y4b, dx4b := run(4) // the backward's scratch buffer is reused
			if !slices.Equal(y1, y4) || !slices.Equal(dx1, dx4) || !slices.Equal(y4, y4b) || !slices.Equal(dx4, dx4b) {
				t.Errorf("bySrc %v lisp %v: GOMAXPROCS 1 and 4 give different bits", bySrc, lisp)
			}
			for k := range E {
				if !cavProdClose(y4[k], wantY[k], 1e-13) {
					t.Fatalf("bySrc %v lisp %v: y[%d] = %v, want %v", bySrc, lisp, k, y4[k], wantY[k])
				}
				if !cavProdClose(dx4[k], wantDx[k], 1e-12) {
					t.Fatalf("bySrc %v lisp %v: ∂x[%d] = %v, want %v", bySrc, lisp, k, dx4[k], wantDx[k])
				}
			}
		}
	}
}
