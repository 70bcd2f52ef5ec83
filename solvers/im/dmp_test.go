package im

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// randomTree returns a random directed out-tree (edges parent→child) on n
// nodes with probabilities in [lo, hi].
func randomTree(t *testing.T, n int, lo, hi float64, seed uint64) (*graphs.Graph, []float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	var src, dst []int
	for v := 1; v < n; v++ {
		src = append(src, rng.IntN(v))
		dst = append(dst, v)
	}
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, g.NumEdges())
	for e := range p {
		p[e] = lo + (hi-lo)*rng.Float64()
	}
	return g, p
}

// TestDMPOracleExactOnTrees: on trees DMP is exact, so the DMP oracle equals
// the exact oracle for every seed set of size ≤ 2.
func TestDMPOracleExactOnTrees(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		g, p := randomTree(t, 10, 0.1, 0.9, seed)
		ex := exactIC(t, g, p)
		d, err := NewDMPOracle(g, p, g.N) // T = N exceeds any path
		if err != nil {
			t.Fatal(err)
		}
		for a := 0; a < g.N; a++ {
			for b := a; b < g.N; b++ {
				S := []int{a, b}
				if a == b {
					S = S[:1]
				}
				want, _ := ex.Spread(S)
				got, se := d.Spread(S)
				if math.Abs(got-want) > 1e-12 || se != 0 {
					t.Fatalf("seed %d, S=%v: DMP %v (se %v), exact %v", seed, S, got, se, want)
				}
			}
		}
	}
}

func exactIC(t *testing.T, g *graphs.Graph, p []float64) *Exact {
	t.Helper()
	m, err := ic.NewModel(g, p)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := NewExact(m)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// TestDMPInfMaxTrees: on small trees, where DMP is exact, gradient InfMax
// through the DMP graph with rounding and swap polishing (SelectRound) finds
// the brute-force optimum.
func TestDMPInfMaxTrees(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		g, p := randomTree(t, 12, 0.2, 0.9, seed)
		ex := exactIC(t, g, p)
		for _, k := range []int{1, 2, 3} {
			opt, _ := bruteForce(ex, g.N, k)
			m, err := NewDMPInfMax(g, p, g.N)
			if err != nil {
				t.Fatal(err)
			}
			m.Selection = SelectRound // the previous rule; SelectRR is tested below
			m.Polish = g.N
			d, _ := NewDMPOracle(g, p, g.N)
			res, err := Maximize(&Problem{N: g.N, K: k, Oracle: d}, nil, m)
			m.Close()
			if err != nil {
				t.Fatal(err)
			}
			got, _ := ex.Spread(res.Seeds)
			if got < opt-1e-9 {
				t.Errorf("tree %d, k=%d: seeds %v spread %v, optimum %v", seed, k, res.Seeds, got, opt)
			}
			if math.Abs(res.Spread-got) > 1e-9 {
				t.Errorf("tree %d, k=%d: reported spread %v, exact %v", seed, k, res.Spread, got)
			}
		}
	}
}

func TestDMPInfMaxErrors(t *testing.T) {
	g, p := randomTree(t, 5, 0.1, 0.5, 1)
	bad := append([]float64(nil), p...)
	bad[0] = 1.5
	if _, err := NewDMPInfMax(g, bad, 3); err == nil {
		t.Error("probability 1.5 accepted")
	}
	if _, err := NewDMPOracle(g, p[:1], 3); err == nil {
		t.Error("short probability slice accepted")
	}
	if _, err := NewDMPOracle(g, p, 0); err == nil {
		t.Error("T = 0 accepted")
	}
	u, _, _ := graphs.FromEdges(3, []int{0, 1}, []int{1, 2}, nil, graphs.BuildOptions{Undirected: true})
	asym := []float64{0.1, 0.2, 0.3, 0.4}
	if _, err := NewDMPInfMax(u, asym, 3); err == nil {
		t.Error("asymmetric probabilities on an undirected graph accepted")
	}
}
