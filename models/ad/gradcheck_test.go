package ad_test

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/train/gradcheck"
)

// testGraph is a small directed graph: n nodes, edges e = src[e] → dst[e].
type testGraph struct {
	n             int
	src, dst, rev []int
}

// pairedGraph returns a random graph on n nodes with pairs undirected edges
// (both directions, rev pairing them) and oneway directed edges without a
// reverse (rev = -1), in random edge order.
func pairedGraph(seed uint64, n, pairs, oneway int) testGraph {
	r := rand.New(rand.NewPCG(seed, 1))
	var g testGraph
	g.n = n
	for range pairs {
		u := r.IntN(n)
		v := (u + 1 + r.IntN(n-1)) % n
		e := len(g.src)
		g.src = append(g.src, u, v)
		g.dst = append(g.dst, v, u)
		g.rev = append(g.rev, e+1, e)
	}
	for range oneway {
		u := r.IntN(n)
		v := (u + 1 + r.IntN(n-1)) % n
		g.src = append(g.src, u)
		g.dst = append(g.dst, v)
		g.rev = append(g.rev, -1)
	}
	// Shuffle the edge order, remapping rev.
	perm := r.Perm(len(g.src))
	src, dst, rev := make([]int, len(perm)), make([]int, len(perm)), make([]int, len(perm))
	for old, nw := range perm {
		src[nw], dst[nw] = g.src[old], g.dst[old]
		if g.rev[old] >= 0 {
			rev[nw] = perm[g.rev[old]]
		} else {
			rev[nw] = -1
		}
	}
	g.src, g.dst, g.rev = src, dst, rev
	return g
}

// withArbitraryRev returns g with rev replaced by random indices in
// [-1, E): not an involution, not injective (several edges subtract the
// same L[k]).
func withArbitraryRev(g testGraph, seed uint64) testGraph {
	r := rand.New(rand.NewPCG(seed, 2))
	rev := make([]int, len(g.src))
	for e := range rev {
		rev[e] = r.IntN(len(g.src)+1) - 1
	}
	rev[0], rev[1] = 3, 3 // make sure of a repeat
	g.rev = rev
	return g
}

func randVec(seed uint64, n int, lo, hi float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 3))
	x := make([]float64, n)
	for i := range x {
		x[i] = lo + (hi-lo)*r.Float64()
	}
	return x
}

// weighted returns the cost Σ w⊙y⊙y with w a fixed input named "w".
func weighted(g *G.ExprGraph, dt tensor.Dtype, y *G.Node, seed uint64) (*G.Node, error) {
	w := input(g, dt, "w", randVec(seed, y.Shape()[0], -1, 1))
	wy2, err := G.HadamardProd(w, G.Must(G.Square(y)))
	if err != nil {
		return nil, err
	}
	return G.Sum(wy2)
}

var (
	gPaired    = pairedGraph(7, 6, 5, 3)                      // 13 edges, rev an involution on 10 of them
	gArbitrary = withArbitraryRev(pairedGraph(8, 5, 4, 2), 9) // 10 edges, arbitrary rev
	idxDup     = []int{3, 0, -1, 3, 4, 1, -1, 0}              // into 5 entries, repeats and -1
	segIDs     = []int{2, 0, 2, -1, 0, 4, 2, 0, -1}           // 5 segments: 1 and 3 empty, 4 a singleton
	gatGraph   = pairedGraph(11, 5, 5, 2)                     // for the attention composite
	dmpGraph   = pairedGraph(12, 6, 6, 2)                     // for the two-step DMP composite
)

// gradTest is a row of the gradient suite: a scalar cost built in a given
// dtype and the inputs it is differentiated with respect to.
type gradTest struct {
	name  string
	build func(g *G.ExprGraph, dt tensor.Dtype) (cost *G.Node, wrt G.Nodes, err error)
	// ref, if set, is an independent (brute-force) float64 gradient.
	ref func(dst, x [][]float64) error
}

// cavityRow checks op (Cavity or CavityComposite) on tg with cost Σ w⊙cav².
func cavityRow(name string, tg testGraph, op func(base, L *G.Node, src, dst, rev []int) (*G.Node, error)) gradTest {
	base0 := randVec(21, tg.n, -1, 0)
	L0 := randVec(22, len(tg.src), -1, 0)
	w := randVec(23, len(tg.src), -1, 1)
	return gradTest{
		name: name,
		build: func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
			base := input(g, dt, "base", base0)
			L := input(g, dt, "L", L0)
			cav, err := op(base, L, tg.src, tg.dst, tg.rev)
			if err != nil {
				return nil, nil, err
			}
			wn := input(g, dt, "w", w)
			cost, err := G.Sum(G.Must(G.HadamardProd(wn, G.Must(G.Square(cav)))))
			return cost, G.Nodes{base, L}, err
		},
		// From the definition, O(E²): cav[e] = base[src e] + Σ_{k: dst k = src e} L[k] − L[rev e],
		// ∂cost/∂cav[e] = 2 w[e] cav[e].
		ref: func(dst, x [][]float64) error {
			base, L := x[0], x[1]
			E := len(tg.src)
			g := make([]float64, E)
			for e := range E {
				c := base[tg.src[e]]
				for k := range E {
					if tg.dst[k] == tg.src[e] {
						c += L[k]
					}
				}
				if tg.rev[e] >= 0 {
					c -= L[tg.rev[e]]
				}
				g[e] = 2 * w[e] * c
			}
			clear(dst[0])
			clear(dst[1])
			for e := range E {
				dst[0][tg.src[e]] += g[e]
				for k := range E {
					if tg.dst[k] == tg.src[e] {
						dst[1][k] += g[e]
					}
					if tg.rev[e] == k {
						dst[1][k] -= g[e]
					}
				}
			}
			return nil
		},
	}
}

// gradTests is the gradient table: every op of opCases inside a cost where
// its inputs have a second consumer (built after the op, the order in which
// an overwriting DoDiff shows), then composites through several ops.
var gradTests = append(sharedGradTests(), []gradTest{
	{
		name: "Gather",
		build: func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
			x := input(g, dt, "x", randVec(1, 5, -1, 1))
			y, err := ad.Gather(x, idxDup)
			if err != nil {
				return nil, nil, err
			}
			cost, err := weighted(g, dt, y, 2)
			return cost, G.Nodes{x}, err
		},
	},
	{
		name: "ScatterAdd",
		build: func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
			v := input(g, dt, "v", randVec(3, len(idxDup), -1, 1))
			y, err := ad.ScatterAdd(v, idxDup, 5)
			if err != nil {
				return nil, nil, err
			}
			cost, err := weighted(g, dt, y, 4)
			return cost, G.Nodes{v}, err
		},
	},
	cavityRow("Cavity paired rev", gPaired, ad.Cavity),
	cavityRow("Cavity arbitrary rev", gArbitrary, ad.Cavity),
	cavityRow("CavityComposite paired rev", gPaired, ad.CavityComposite),
	cavityRow("CavityComposite arbitrary rev", gArbitrary, ad.CavityComposite),
	{
		name: "SegmentSoftmax",
		build: func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
			s := input(g, dt, "s", randVec(5, len(segIDs), -2, 2))
			y, err := ad.SegmentSoftmax(s, segIDs, 5)
			if err != nil {
				return nil, nil, err
			}
			cost, err := weighted(g, dt, y, 6)
			return cost, G.Nodes{s}, err
		},
	},
	{
		// The composite the brief asks for: Σ exp(Cavity(base, L)).
		name: "sum(exp(Cavity))",
		build: func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
			base := input(g, dt, "base", randVec(7, gPaired.n, -1, 0))
			L := input(g, dt, "L", randVec(8, len(gPaired.src), -1, 0))
			cav, err := ad.Cavity(base, L, gPaired.src, gPaired.dst, gPaired.rev)
			if err != nil {
				return nil, nil, err
			}
			cost, err := G.Sum(G.Must(G.Exp(cav)))
			return cost, G.Nodes{base, L}, err
		},
	},
	{
		// Two steps of the IC-DMP (see doc.go) in log space, through every
		// primitive: θ⁰ = p0[src], L¹ = log(1 − a θ⁰), θ¹ = 1 − exp(Cavity(log(1−p0), L¹)),
		// L² = log(1 − a θ¹), P = 1 − exp(log(1−p0) + ScatterAdd(L², dst)), cost = Σ w P.
		name: "DMP two steps",
		build: func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
			tg := dmpGraph
			p0 := input(g, dt, "p0", randVec(9, tg.n, 0.05, 0.5))
			a := input(g, dt, "a", randVec(10, len(tg.src), 0.1, 0.9))
			w := input(g, dt, "w", randVec(11, tg.n, -1, 1))
			ix, err := ad.NewCavityIndex(tg.n, tg.src, tg.dst, tg.rev)
			if err != nil {
				return nil, nil, err
			}
			base := G.Must(G.Log1p(G.Must(G.Neg(p0))))
			theta0 := G.Must(ad.Gather(p0, tg.src))
			L1 := G.Must(G.Log1p(G.Must(G.Neg(G.Must(G.HadamardProd(a, theta0))))))
			theta1 := G.Must(G.Neg(G.Must(G.Expm1(G.Must(ad.CavityWith(base, L1, ix))))))
			L2 := G.Must(G.Log1p(G.Must(G.Neg(G.Must(G.HadamardProd(a, theta1))))))
			S := G.Must(G.Add(base, G.Must(ad.ScatterAdd(L2, tg.dst, tg.n))))
			P := G.Must(G.Neg(G.Must(G.Expm1(S))))
			cost, err := G.Sum(G.Must(G.HadamardProd(w, P)))
			return cost, G.Nodes{a, p0}, err
		},
	},
	{
		// A GAT-style layer: e_k = hs[src k] + hd[dst k], α = SegmentSoftmax(e, dst),
		// out = ScatterAdd(α ⊙ x[src], dst), cost = Σ w out².
		name: "attention",
		build: func(g *G.ExprGraph, dt tensor.Dtype) (*G.Node, G.Nodes, error) {
			tg := gatGraph
			hs := input(g, dt, "hs", randVec(12, tg.n, -1, 1))
			hd := input(g, dt, "hd", randVec(13, tg.n, -1, 1))
			x := input(g, dt, "x", randVec(14, tg.n, -1, 1))
			e := G.Must(G.Add(G.Must(ad.Gather(hs, tg.src)), G.Must(ad.Gather(hd, tg.dst))))
			alpha := G.Must(ad.SegmentSoftmax(e, tg.dst, tg.n))
			msg := G.Must(G.HadamardProd(alpha, G.Must(ad.Gather(x, tg.src))))
			out := G.Must(ad.ScatterAdd(msg, tg.dst, tg.n))
			cost, err := weighted(g, dt, out, 15)
			return cost, G.Nodes{hs, hd, x}, err
		},
	},
}...)

// sharedGradTests returns the rows of opCases with a second consumer of
// every input.
func sharedGradTests() []gradTest {
	rows := make([]gradTest, len(opCases))
	for i, c := range opCases {
		rows[i] = gradTest{name: c.name + " (shared input)", build: sharedBuild(c, false)}
	}
	return rows
}

// TestGradcheck holds every primitive (and composites through all of them)
// to central differences in float64, and to an independent brute-force
// gradient where the row has one.
func TestGradcheck(t *testing.T) {
	for _, test := range gradTests {
		p := gradcheck.GraphProblem{
			Build:     func(g *G.ExprGraph) (*G.Node, G.Nodes, error) { return test.build(g, tensor.Float64) },
			Reference: test.ref,
		}
		r, err := gradcheck.CheckGraph(p, nil)
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

// TestCavityFusedEqualsComposite holds the fused Cavity op equal to its
// definition, CavityComposite, in values and gradients (wrt base and L, for a
// random upstream cotangent w), for involutive and arbitrary rev, in both
// dtypes.
func TestCavityFusedEqualsComposite(t *testing.T) {
	for _, c := range []struct {
		name string
		tg   testGraph
	}{
		{"paired", pairedGraph(31, 40, 60, 30)},
		{"arbitrary rev", withArbitraryRev(pairedGraph(32, 40, 60, 30), 33)},
		{"src sorted", sortedBySrc(pairedGraph(34, 40, 60, 30))},
	} {
		for _, dt := range []struct {
			dt  tensor.Dtype
			tol float64
		}{{tensor.Float64, 1e-13}, {tensor.Float32, 1e-5}} {
			run := func(op func(base, L *G.Node, src, dst, rev []int) (*G.Node, error)) [][]float64 {
				g := G.NewGraph()
				base := input(g, dt.dt, "base", randVec(35, c.tg.n, -1, 0))
				L := input(g, dt.dt, "L", randVec(36, len(c.tg.src), -1, 0))
				w := input(g, dt.dt, "w", randVec(37, len(c.tg.src), -1, 1))
				cav, err := op(base, L, c.tg.src, c.tg.dst, c.tg.rev)
				if err != nil {
					t.Fatal(err)
				}
				cost := G.Must(G.Sum(G.Must(G.HadamardProd(w, cav))))
				if _, err := G.Grad(cost, base, L); err != nil {
					t.Fatal(err)
				}
				var cv G.Value
				G.Read(cav, &cv)
				m := G.NewTapeMachine(g)
				defer m.Close()
				if err := m.RunAll(); err != nil {
					t.Fatal(err)
				}
				gb, _ := base.Grad()
				gL, _ := L.Grad()
				return [][]float64{toFloat64(t, cv), toFloat64(t, gb), toFloat64(t, gL)}
			}
			fused := run(ad.Cavity)
			comp := run(ad.CavityComposite)
			for i, what := range []string{"cav", "∂base", "∂L"} {
				for j := range fused[i] {
					if !near(fused[i][j], comp[i][j], dt.tol) {
						t.Errorf("%s %v: %s[%d]: fused %v, composite %v", c.name, dt.dt, what, j, fused[i][j], comp[i][j])
						break
					}
				}
			}
		}
	}
}

// sortedBySrc returns tg with edges reordered by source (CSR order, stable),
// so the fused kernel takes its no-permutation path.
func sortedBySrc(tg testGraph) testGraph {
	E := len(tg.src)
	start := make([]int, tg.n+1)
	for _, u := range tg.src {
		start[u+1]++
	}
	for u := range tg.n {
		start[u+1] += start[u]
	}
	perm := make([]int, E) // perm[old] = new
	for e, u := range tg.src {
		perm[e] = start[u]
		start[u]++
	}
	out := testGraph{n: tg.n, src: make([]int, E), dst: make([]int, E), rev: make([]int, E)}
	for old, nw := range perm {
		out.src[nw], out.dst[nw] = tg.src[old], tg.dst[old]
		out.rev[nw] = -1
		if tg.rev[old] >= 0 {
			out.rev[nw] = perm[tg.rev[old]]
		}
	}
	return out
}

// TestSegmentSoftmaxSums checks that each non-empty segment sums to one
// and that entries outside every segment are zero, on random data.
func TestSegmentSoftmaxSums(t *testing.T) {
	seg := []int{3, 1, 3, -1, 1, 3, 0, -1}
	y := runOp(t, tensor.Float64, [][]float64{randVec(41, len(seg), -30, 30)}, func(in []*G.Node) (*G.Node, error) {
		return ad.SegmentSoftmax(in[0], seg, 4)
	})
	sums := make([]float64, 4)
	for j, c := range seg {
		if c < 0 {
			if y[j] != 0 {
				t.Errorf("y[%d] = %v outside every segment", j, y[j])
			}
			continue
		}
		sums[c] += y[j]
	}
	for c, want := range []float64{1, 1, 0, 1} {
		if math.Abs(sums[c]-want) > 1e-14 {
			t.Errorf("segment %d sums to %v", c, sums[c])
		}
	}
}
