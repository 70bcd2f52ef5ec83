package pgm

import (
	"fmt"
	"math"
)

// Data is a binary status dataset: M rows (simulations) of N columns
// (nodes), row-major, X[r*N+v] ∈ {0, 1}.
type Data struct {
	M, N int
	X    []uint8
}

// NewData returns Data after checking len(x) = m·n and x ∈ {0,1}.
func NewData(m, n int, x []uint8) (*Data, error) {
	if m < 0 || n < 0 || len(x) != m*n {
		return nil, fmt.Errorf("pgm: %d values for %d×%d data", len(x), m, n)
	}
	for i, b := range x {
		if b > 1 {
			return nil, fmt.Errorf("pgm: value %d at row %d column %d, want 0 or 1", b, i/max(n, 1), i%max(n, 1))
		}
	}
	return &Data{M: m, N: n, X: x}, nil
}

// counts returns the number of ones of every column.
func (d *Data) counts() []int {
	c := make([]int, d.N)
	for r := 0; r < d.M; r++ {
		row := d.X[r*d.N : (r+1)*d.N]
		for v, b := range row {
			c[v] += int(b)
		}
	}
	return c
}

// Pearson returns the N×N correlation matrix Q (row-major) of d's columns,
// NaN in the rows and columns of constant columns (eq. 10). It writes into
// dst and returns it, allocating when dst is nil; it panics if dst is not
// nil and len(dst) != N².
func Pearson(dst []float64, d *Data) []float64 {
	n := d.N
	if dst == nil {
		dst = make([]float64, n*n)
	}
	if len(dst) != n*n {
		panic(fmt.Sprintf("pgm: Pearson: len(dst) = %d, want %d", len(dst), n*n))
	}
	c := d.counts()
	co := make([]int, n*n) // co-occurrence counts
	ones := make([]int, 0, n)
	for r := 0; r < d.M; r++ {
		ones = ones[:0]
		for v, b := range d.X[r*n : (r+1)*n] {
			if b == 1 {
				ones = append(ones, v)
			}
		}
		for _, a := range ones {
			for _, b := range ones {
				co[a*n+b]++
			}
		}
	}
	m := float64(d.M)
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			ca, cb := float64(c[a]), float64(c[b])
			va, vb := ca*(m-ca), cb*(m-cb) // m² × variance
			if va == 0 || vb == 0 {
				dst[a*n+b] = math.NaN()
				continue
			}
			dst[a*n+b] = (m*float64(co[a*n+b]) - ca*cb) / math.Sqrt(va*vb)
		}
	}
	return dst
}

// Grouping is the result of variable grouping (Algorithm 4).
type Grouping struct {
	// Groups lists the members of every group in increasing node order.
	Groups [][]int
	// Reps[g] is the representative of group g; Of[u] is u's group.
	Reps []int
	Of   []int
	// Corr[u] is Q_{u,f(u)}, the correlation of u with its representative
	// (1 for a representative and for constant columns).
	Corr []float64
	// Q is the correlation matrix used.
	Q []float64
}

// Rep returns f(u), the representative of u.
func (g *Grouping) Rep(u int) int { return g.Reps[g.Of[u]] }

// Group groups d's columns with threshold xi (see the package
// documentation). It costs O(M·N² ) for the correlation matrix.
func Group(d *Data, xi float64) *Grouping {
	n := d.N
	q := Pearson(nil, d)
	c := d.counts()
	g := &Grouping{Of: make([]int, n), Corr: make([]float64, n), Q: q}
	for i := range g.Of {
		g.Of[i] = -1
	}
	// NaN-grouping: the always-0 and the always-1 columns.
	for _, val := range []int{0, d.M} {
		var members []int
		for v := 0; v < n; v++ {
			if c[v] == val && g.Of[v] < 0 {
				members = append(members, v)
			}
		}
		if len(members) > 0 {
			g.add(members, d)
		}
	}
	for x := 0; x < n; x++ {
		if g.Of[x] >= 0 {
			continue
		}
		members := []int{x}
		g.Of[x] = len(g.Groups) // reserve while scanning
		for y := x + 1; y < n; y++ {
			if g.Of[y] < 0 && q[x*n+y] > xi { // NaN compares false
				members = append(members, y)
				g.Of[y] = len(g.Groups)
			}
		}
		g.add(members, d)
	}
	return g
}

// add appends a group, choosing the member nearest the centroid.
func (g *Grouping) add(members []int, d *Data) {
	id := len(g.Groups)
	n := d.N
	cent := make([]float64, d.M)
	for r := 0; r < d.M; r++ {
		s := 0
		for _, v := range members {
			s += int(d.X[r*n+v])
		}
		cent[r] = float64(s) / float64(len(members))
	}
	best, bestD := -1, math.Inf(1)
	for _, v := range members {
		dist := 0.0
		for r := 0; r < d.M; r++ {
			x := float64(d.X[r*n+v]) - cent[r]
			dist += x * x
		}
		if dist < bestD {
			best, bestD = v, dist
		}
	}
	for _, v := range members {
		g.Of[v] = id
		if v == best {
			g.Corr[v] = 1
		} else if q := g.Q[v*n+best]; math.IsNaN(q) {
			g.Corr[v] = 1 // identical constant columns
		} else {
			g.Corr[v] = q
		}
	}
	g.Groups = append(g.Groups, members)
	g.Reps = append(g.Reps, best)
}
