package im

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteProjection projects y onto the capped simplex by enumerating every
// pattern of coordinates at 0, at 1 or free (3^n patterns), solving the
// equality-constrained least squares for the free ones (u_i = y_i − τ with
// one τ) and keeping the feasible pattern with the smallest ‖u − y‖².
func bruteProjection(y []float64, k float64) []float64 {
	n := len(y)
	var best []float64
	bestD := math.Inf(1)
	pat := make([]int, n) // 0: at 0, 1: at 1, 2: free
	u := make([]float64, n)
	for {
		ones, free, sumFree := 0, 0, 0.0
		for i, p := range pat {
			switch p {
			case 1:
				ones++
			case 2:
				free++
				sumFree += y[i]
			}
		}
		ok := true
		if free == 0 {
			ok = math.Abs(float64(ones)-k) < 1e-12
		}
		if ok {
			tau := 0.0
			if free > 0 {
				tau = (sumFree - (k - float64(ones))) / float64(free)
			}
			d := 0.0
			for i, p := range pat {
				switch p {
				case 0:
					u[i] = 0
				case 1:
					u[i] = 1
				case 2:
					u[i] = y[i] - tau
					if u[i] < -1e-12 || u[i] > 1+1e-12 {
						ok = false
					}
				}
				d += (u[i] - y[i]) * (u[i] - y[i])
			}
			if ok && d < bestD {
				bestD, best = d, append([]float64(nil), u...)
			}
		}
		i := 0
		for ; i < n; i++ {
			pat[i]++
			if pat[i] < 3 {
				break
			}
			pat[i] = 0
		}
		if i == n {
			return best
		}
	}
}

// checkKKT verifies that u is the projection of y: feasibility, and a τ
// with u_i = y_i − τ on free coordinates, y_i − τ ≤ 0 where u_i = 0 and
// y_i − τ ≥ 1 where u_i = 1.
func checkKKT(t *testing.T, y, u []float64, k, tol float64) {
	t.Helper()
	sum := 0.0
	lo, hi := math.Inf(-1), math.Inf(1) // bounds on τ
	for i := range u {
		sum += u[i]
		switch {
		case u[i] < 0 || u[i] > 1:
			t.Fatalf("u[%d] = %v outside [0,1]", i, u[i])
		case u[i] == 0:
			lo = math.Max(lo, y[i]) // τ ≥ y_i
		case u[i] == 1:
			hi = math.Min(hi, y[i]-1) // τ ≤ y_i − 1
		default:
			tau := y[i] - u[i]
			lo, hi = math.Max(lo, tau), math.Min(hi, tau)
		}
	}
	if math.Abs(sum-k) > tol*math.Max(1, k) {
		t.Fatalf("Σu = %v, want %v", sum, k)
	}
	if lo > hi+tol*math.Max(1, math.Abs(lo)) {
		t.Fatalf("no multiplier τ: need τ ≥ %v and τ ≤ %v", lo, hi)
	}
}

// TestProjectBruteForce compares with the 3^n enumeration for n ≤ 6 on
// random inputs, integer and fractional k, with ties and wide ranges.
func TestProjectBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 3000; trial++ {
		n := 1 + rng.IntN(6)
		y := make([]float64, n)
		scale := []float64{0.3, 1, 3, 20}[trial%4]
		for i := range y {
			y[i] = scale * (2*rng.Float64() - 0.5)
			if trial%5 == 0 && i > 0 && rng.IntN(2) == 0 {
				y[i] = y[i-1] // ties
			}
		}
		k := float64(rng.IntN(n + 1))
		if trial%2 == 1 {
			k = float64(n) * rng.Float64()
		}
		got := ProjectCappedSimplex(nil, y, k)
		want := bruteProjection(y, k)
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-9*math.Max(1, scale) {
				t.Fatalf("trial %d: y = %v, k = %v: got %v, brute force %v", trial, y, k, got, want)
			}
		}
		checkKKT(t, y, got, k, 1e-9)
	}
}

// TestProjectKKT checks the KKT conditions on larger inputs, including
// in-place use.
func TestProjectKKT(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		n     int
		k     float64
		scale float64
	}{
		{1000, 50, 1}, {1000, 1, 0.01}, {1000, 999, 1}, {5000, 2500.5, 100}, {2, 1, 1e6}, {300, 7.25, 1e-8},
	} {
		y := make([]float64, tc.n)
		for i := range y {
			y[i] = tc.scale * rng.NormFloat64()
		}
		yc := append([]float64(nil), y...)
		u := ProjectCappedSimplex(nil, y, tc.k)
		checkKKT(t, y, u, tc.k, 1e-9)
		ProjectCappedSimplex(yc, yc, tc.k) // in place
		for i := range u {
			if u[i] != yc[i] {
				t.Fatalf("n=%d: in-place result differs at %d", tc.n, i)
			}
		}
	}
}

// TestProjectCases: hand-checked rows.
func TestProjectCases(t *testing.T) {
	for _, tc := range []struct {
		name string
		y    []float64
		k    float64
		want []float64
	}{
		{"feasible point is fixed", []float64{0.2, 0.5, 0.3}, 1, []float64{0.2, 0.5, 0.3}},
		{"k = 0", []float64{3, -1, 2}, 0, []float64{0, 0, 0}},
		{"k = n", []float64{3, -1, 2}, 3, []float64{1, 1, 1}},
		{"equal entries", []float64{5, 5, 5, 5}, 1, []float64{0.25, 0.25, 0.25, 0.25}},
		{"one clipped at each end", []float64{0.9, 0.5, 0.1, -0.3}, 2, []float64{1, 0.7, 0.3, 0}},
		{"gap: |M| = 0", []float64{10, 10, -10}, 2, []float64{1, 1, 0}},
		{"n = 1", []float64{7}, 0.4, []float64{0.4}},
	} {
		got := ProjectCappedSimplex(nil, tc.y, tc.k)
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-12 {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
}

// TestProjectPanics checks the documented panics.
func TestProjectPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"k > n", func() { ProjectCappedSimplex(nil, []float64{1, 2}, 3) }},
		{"k < 0", func() { ProjectCappedSimplex(nil, []float64{1, 2}, -1) }},
		{"NaN", func() { ProjectCappedSimplex(nil, []float64{1, math.NaN()}, 1) }},
		{"length", func() { ProjectCappedSimplex(make([]float64, 3), []float64{1, 2}, 1) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}
