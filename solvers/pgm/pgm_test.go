package pgm_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/spread-dev/spread/solvers/pgm"
)

// sampleTree draws m rows from the tree over 6 variables with parents
// par (−1 root) and P(x=1 | parent=b) = p1[i][b].
func sampleTree(r *rand.Rand, m int, par []int, p1 [][2]float64) *pgm.Data {
	n := len(par)
	x := make([]uint8, m*n)
	for row := 0; row < m; row++ {
		for i := 0; i < n; i++ { // parents precede children in par
			b := 0
			if par[i] >= 0 {
				b = int(x[row*n+par[i]])
			}
			if r.Float64() < p1[i][b] {
				x[row*n+i] = 1
			}
		}
	}
	d, _ := pgm.NewData(m, n, x)
	return d
}

// TestChowLiuRecoversTree: 20000 samples of a 6-variable tree with strong
// dependencies; the learned undirected edge set equals the true one.
func TestChowLiuRecoversTree(t *testing.T) {
	par := []int{-1, 0, 0, 1, 1, 2}
	p1 := [][2]float64{{0.4, 0.4}, {0.1, 0.85}, {0.8, 0.2}, {0.15, 0.9}, {0.2, 0.7}, {0.1, 0.8}}
	d := sampleTree(rand.New(rand.NewPCG(1, 1)), 20000, par, p1)
	tr, err := pgm.ChowLiu(d, []int{0, 1, 2, 3, 4, 5}, 0)
	if err != nil {
		t.Fatal(err)
	}
	edges := func(par []int) [][2]int {
		var e [][2]int
		for i, p := range par {
			if p >= 0 {
				e = append(e, [2]int{min(i, p), max(i, p)})
			}
		}
		slices.SortFunc(e, func(a, b [2]int) int { return a[0]*10 + a[1] - b[0]*10 - b[1] })
		return e
	}
	if got, want := edges(tr.Parent), edges(par); !slices.Equal(got, want) {
		t.Errorf("learned edges %v, want %v", got, want)
	}
	// the estimated CPT of node 3 within 0.03 of the truth
	if math.Abs(tr.P1[3][1]-0.9) > 0.03 || math.Abs(tr.P1[3][0]-0.15) > 0.03 {
		t.Errorf("P(x3 | x1) = %v, want ≈ [0.15 0.9]", tr.P1[3])
	}
}

// bruteJoint enumerates the tree's joint distribution.
func brute(tr *pgm.Tree, ev []int8) ([]float64, float64) {
	q := len(tr.Vars)
	num := make([]float64, q)
	pe := 0.0
	for mask := 0; mask < 1<<q; mask++ {
		ok := true
		for i := 0; i < q; i++ {
			if ev[i] >= 0 && int(ev[i]) != mask>>i&1 {
				ok = false
			}
		}
		if !ok {
			continue
		}
		p := 1.0
		for i := 0; i < q; i++ {
			b := 0
			if tr.Parent[i] >= 0 {
				b = mask >> tr.Parent[i] & 1
			}
			if mask>>i&1 == 1 {
				p *= tr.P1[i][b]
			} else {
				p *= 1 - tr.P1[i][b]
			}
		}
		pe += p
		for i := 0; i < q; i++ {
			if mask>>i&1 == 1 {
				num[i] += p
			}
		}
	}
	for i := range num {
		num[i] /= pe
	}
	return num, pe
}

// TestPosteriorBrute: on 200 random trees of 1–8 variables (learned from
// random data, then given random CPTs) with random evidence, Posterior and
// P(evidence) equal enumeration within 1e-12.
func TestPosteriorBrute(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		q := 1 + r.IntN(8)
		x := make([]uint8, 30*q)
		for i := range x {
			x[i] = uint8(r.IntN(2))
		}
		d, _ := pgm.NewData(30, q, x)
		vars := r.Perm(q)
		tr, err := pgm.ChowLiu(d, vars, 1)
		if err != nil {
			t.Fatal(err)
		}
		for i := range tr.P1 {
			a := 0.05 + 0.9*r.Float64()
			tr.P1[i] = [2]float64{a, 0.05 + 0.9*r.Float64()}
			if tr.Parent[i] < 0 {
				tr.P1[i][1] = a
			}
		}
		ev := make([]int8, q)
		for i := range ev {
			ev[i] = int8(r.IntN(3)) - 1
		}
		got, pe := tr.Posterior(nil, ev)
		want, wpe := brute(tr, ev)
		if math.Abs(pe-wpe) > 1e-12 {
			t.Fatalf("trial %d: P(e) = %v, brute %v", trial, pe, wpe)
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("trial %d var %d: %v, brute %v (parents %v, evidence %v)", trial, i, got[i], want[i], tr.Parent, ev)
			}
		}
	}
}

// TestGroup: columns 0 and 2 identical, column 3 their complement (ρ = −1,
// not grouped), column 1 always 0, column 4 always 1, column 5 equal to 0
// except in one row (ρ ≈ 0.8 > 0.7). Groups: {1}, {4}, {0, 2, 5}, {3}; the
// representative of {0,2,5} is 0 (0 and 2 sit nearer the centroid than 5,
// tie to the smaller index).
func TestGroup(t *testing.T) {
	rows := [][]uint8{
		{1, 0, 1, 0, 1, 1},
		{0, 0, 0, 1, 1, 0},
		{1, 0, 1, 0, 1, 1},
		{0, 0, 0, 1, 1, 1},
		{1, 0, 1, 0, 1, 1},
		{0, 0, 0, 1, 1, 0},
	}
	var x []uint8
	for _, r := range rows {
		x = append(x, r...)
	}
	d, _ := pgm.NewData(6, 6, x)
	g := pgm.Group(d, 0.7)
	want := [][]int{{1}, {4}, {0, 2, 5}, {3}}
	if len(g.Groups) != len(want) {
		t.Fatalf("groups %v, want %v", g.Groups, want)
	}
	for i := range want {
		if !slices.Equal(g.Groups[i], want[i]) {
			t.Errorf("group %d = %v, want %v", i, g.Groups[i], want[i])
		}
	}
	if g.Rep(5) != 0 || g.Rep(2) != 0 || g.Corr[2] != 1 || !(g.Corr[5] > 0.7 && g.Corr[5] < 1) {
		t.Errorf("reps/corr: f(5) = %d, f(2) = %d, Q(2) = %v, Q(5) = %v", g.Rep(5), g.Rep(2), g.Corr[2], g.Corr[5])
	}
	// Score: one PGM; with representative 0 active, W(2) = 1·P(x0=1 | x0=1) = 1.
	p, err := pgm.Learn(d, 0.7, 0)
	if err != nil {
		t.Fatal(err)
	}
	active := []bool{true, false, true, false, false, false}
	w := pgm.Score(nil, []*pgm.PGM{p}, active)
	if math.Abs(w[2]-1) > 1e-12 || math.Abs(w[5]-g.Corr[5]) > 1e-12 {
		t.Errorf("W = %v", w)
	}
	if m := pgm.Evaluate([]*pgm.PGM{p}, active); math.Abs(m) > 1e-12 {
		t.Errorf("ℳ = %v, want 0 (both active nodes are fully explained)", m)
	}
	if m := pgm.Evaluate(nil, active); m != 2 {
		t.Errorf("ℳ without PGMs = %v, want 2", m)
	}
}
