package pgm

import (
	"fmt"
	"math"
)

// Tree is a Chow–Liu tree Bayesian network over binary variables.
type Tree struct {
	// Vars are the data columns of the variables (𝒴), Vars[0] the root.
	Vars []int
	// Parent[i] is the index (into Vars) of variable i's parent, −1 for the
	// root; Order lists the variables parents first.
	Parent []int
	Order  []int
	// P1[i][b] = P(v_i = 1 | parent = b); for the root both entries are
	// P(v_root = 1).
	P1 [][2]float64
	// Weight[i] is I(v_i; v_Γ(i)), 0 for the root.
	Weight []float64

	children [][]int
}

// MutualInformation returns the empirical I(a; b) of columns a and b of d
// (natural logarithm).
func MutualInformation(d *Data, a, b int) float64 {
	var c [2][2]float64
	for r := 0; r < d.M; r++ {
		c[d.X[r*d.N+a]][d.X[r*d.N+b]]++
	}
	m := float64(d.M)
	pa := [2]float64{(c[0][0] + c[0][1]) / m, (c[1][0] + c[1][1]) / m}
	pb := [2]float64{(c[0][0] + c[1][0]) / m, (c[0][1] + c[1][1]) / m}
	mi := 0.0
	for x := 0; x < 2; x++ {
		for y := 0; y < 2; y++ {
			if p := c[x][y] / m; p > 0 {
				mi += p * math.Log(p/(pa[x]*pb[y]))
			}
		}
	}
	return mi
}

// ChowLiu learns the tree over the columns vars of d (see the package
// documentation); alpha ≥ 0 is a Laplace pseudo-count for the conditional
// probabilities (0: maximum likelihood; a parent value never observed
// then gets P = 1/2). It returns an error for no variables, a column
// outside d, or negative alpha.
func ChowLiu(d *Data, vars []int, alpha float64) (*Tree, error) {
	q := len(vars)
	if q == 0 {
		return nil, fmt.Errorf("pgm: ChowLiu: no variables")
	}
	if !(alpha >= 0) {
		return nil, fmt.Errorf("pgm: ChowLiu: alpha = %v", alpha)
	}
	for _, v := range vars {
		if v < 0 || v >= d.N {
			return nil, fmt.Errorf("pgm: ChowLiu: column %d outside 0..%d", v, d.N-1)
		}
	}
	w := make([]float64, q*q)
	for i := 0; i < q; i++ {
		for j := i + 1; j < q; j++ {
			w[i*q+j] = MutualInformation(d, vars[i], vars[j])
			w[j*q+i] = w[i*q+j]
		}
	}
	t := &Tree{Vars: append([]int(nil), vars...), Parent: make([]int, q), P1: make([][2]float64, q),
		Weight: make([]float64, q), children: make([][]int, q)}
	// Prim from variable 0.
	in := make([]bool, q)
	best := make([]float64, q)
	from := make([]int, q)
	for i := range best {
		best[i], from[i] = math.Inf(-1), -1
	}
	best[0] = 0
	for step := 0; step < q; step++ {
		u := -1
		for i := 0; i < q; i++ {
			if !in[i] && (u < 0 || best[i] > best[u]) {
				u = i
			}
		}
		in[u] = true
		t.Parent[u] = from[u]
		t.Order = append(t.Order, u)
		if from[u] >= 0 {
			t.Weight[u] = w[from[u]*q+u]
			t.children[from[u]] = append(t.children[from[u]], u)
		}
		for i := 0; i < q; i++ {
			if !in[i] && w[u*q+i] > best[i] {
				best[i], from[i] = w[u*q+i], u
			}
		}
	}
	// Conditional probabilities.
	for i := 0; i < q; i++ {
		var n1, n [2]float64
		for r := 0; r < d.M; r++ {
			b := 0
			if p := t.Parent[i]; p >= 0 {
				b = int(d.X[r*d.N+vars[p]])
			}
			n[b]++
			n1[b] += float64(d.X[r*d.N+vars[i]])
		}
		if t.Parent[i] < 0 {
			n[0] += n[1]
			n1[0] += n1[1]
			n[1], n1[1] = n[0], n1[0]
		}
		for b := 0; b < 2; b++ {
			if n[b]+2*alpha == 0 {
				t.P1[i][b] = 0.5
			} else {
				t.P1[i][b] = (n1[b] + alpha) / (n[b] + 2*alpha)
			}
		}
	}
	return t, nil
}

// cond returns P(v_i = x | parent = b).
func (t *Tree) cond(i, x, b int) float64 {
	if x == 1 {
		return t.P1[i][b]
	}
	return 1 - t.P1[i][b]
}

// Posterior writes P(v_i = 1 | evidence) for every variable i into dst
// (len len(Vars); allocated when nil) and returns it with the probability
// of the evidence. ev[i] is 0 or 1 for an observed variable and −1
// otherwise (len len(Vars)). Exact sum-product on the tree. If the
// evidence has probability 0 the posteriors are NaN. It panics if len(ev)
// or a non-nil dst has the wrong length.
func (t *Tree) Posterior(dst []float64, ev []int8) ([]float64, float64) {
	q := len(t.Vars)
	if len(ev) != q || (dst != nil && len(dst) != q) {
		panic(fmt.Sprintf("pgm: Posterior: %d evidence values, dst %d, for %d variables", len(ev), len(dst), q))
	}
	if dst == nil {
		dst = make([]float64, q)
	}
	e := func(i, x int) float64 {
		if ev[i] < 0 || int(ev[i]) == x {
			return 1
		}
		return 0
	}
	lam := make([][2]float64, q) // λ_i(x) = e_i(x) Π_children m_{c→i}(x)
	up := make([][2]float64, q)  // m_{i→parent}(b)
	for k := q - 1; k >= 0; k-- {
		i := t.Order[k]
		for x := 0; x < 2; x++ {
			l := e(i, x)
			for _, c := range t.children[i] {
				l *= up[c][x]
			}
			lam[i][x] = l
		}
		if t.Parent[i] >= 0 {
			for b := 0; b < 2; b++ {
				up[i][b] = t.cond(i, 0, b)*lam[i][0] + t.cond(i, 1, b)*lam[i][1]
			}
		}
	}
	pi := make([][2]float64, q) // π_i(x) = P(x_i = x, evidence outside i's subtree)
	var pe float64
	for _, i := range t.Order {
		p := t.Parent[i]
		if p < 0 {
			pi[i] = [2]float64{t.cond(i, 0, 0), t.cond(i, 1, 0)}
			pe = pi[i][0]*lam[i][0] + pi[i][1]*lam[i][1]
		} else {
			for x := 0; x < 2; x++ {
				s := 0.0
				for b := 0; b < 2; b++ {
					m := pi[p][b] * e(p, b)
					for _, c := range t.children[p] {
						if c != i {
							m *= up[c][b]
						}
					}
					s += t.cond(i, x, b) * m
				}
				pi[i][x] = s
			}
		}
		z := pi[i][0]*lam[i][0] + pi[i][1]*lam[i][1]
		dst[i] = pi[i][1] * lam[i][1] / z
	}
	return dst, pe
}

// PGM is one layer's model φ: the grouping of the status data and the
// Chow–Liu tree over the representatives.
type PGM struct {
	Grouping *Grouping
	Tree     *Tree
	pos      []int // pos[rep column] = index in Tree.Vars, −1 otherwise
}

// Learn groups d with threshold xi and learns the Chow–Liu tree over the
// representatives with pseudo-count alpha.
func Learn(d *Data, xi, alpha float64) (*PGM, error) {
	g := Group(d, xi)
	t, err := ChowLiu(d, g.Reps, alpha)
	if err != nil {
		return nil, err
	}
	p := &PGM{Grouping: g, Tree: t, pos: make([]int, d.N)}
	for i := range p.pos {
		p.pos[i] = -1
	}
	for i, v := range t.Vars {
		p.pos[v] = i
	}
	return p, nil
}

// Score writes the activation score W(u) of eq. 4 for every node u into
// dst (len N, allocated when nil) and returns it: W(u) = Q_{u,f(u)} ·
// max_φ P_φ(f(u) = 1 | 𝒦), 𝒦 = the representatives active in active
// (evidence = 1), f the representative in each φ. With no PGMs W = 0.
// Evidence of probability 0 under a φ contributes nothing for it. It
// panics if the PGMs or active disagree on N.
func Score(dst []float64, pgms []*PGM, active []bool) []float64 {
	n := len(active)
	if dst == nil {
		dst = make([]float64, n)
	}
	clear(dst)
	seen := false
	for _, p := range pgms {
		if len(p.pos) != n {
			panic(fmt.Sprintf("pgm: Score: PGM over %d nodes, %d activity flags", len(p.pos), n))
		}
		ev := make([]int8, len(p.Tree.Vars))
		for i, v := range p.Tree.Vars {
			ev[i] = -1
			if active[v] {
				ev[i] = 1
			}
		}
		post, pe := p.Tree.Posterior(nil, ev)
		if !(pe > 0) {
			continue
		}
		for u := 0; u < n; u++ {
			w := p.Grouping.Corr[u] * post[p.pos[p.Grouping.Rep(u)]]
			if !seen || w > dst[u] {
				dst[u] = w
			}
		}
		seen = true
	}
	return dst
}

// Evaluate returns ℳ = Σ_{u active} [1 − W(u)] (eq. 5), with W from Score.
func Evaluate(pgms []*PGM, active []bool) float64 {
	w := Score(nil, pgms, active)
	m := 0.0
	for u, a := range active {
		if a {
			m += 1 - w[u]
		}
	}
	return m
}
