//go:build openblas && cgo

package openblas

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestGemmMatchesGonum holds cblas_dgemm and cblas_sgemm, called the way
// gonum's row-major Dgemm and Sgemm are, to gonum's results for every
// transpose pair, with padded leading dimensions and β ≠ 0 (a swapped
// dimension, a wrong transpose flag or a column-major call fails it).
func TestGemmMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, n, k, pad := 7, 5, 9, 2
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			ar, ac := m, k
			if tA == blas.Trans {
				ar, ac = k, m
			}
			br, bc := k, n
			if tB == blas.Trans {
				br, bc = n, k
			}
			lda, ldb, ldc := ac+pad, bc+pad, n+pad
			a, b, c := randn(rng, ar*lda), randn(rng, br*ldb), randn(rng, m*ldc)
			want := append([]float64(nil), c...)
			got := append([]float64(nil), c...)
			gonum.Implementation{}.Dgemm(tA, tB, m, n, k, 1.5, a, lda, b, ldb, 0.5, want, ldc)
			Implementation{}.Dgemm(tA, tB, m, n, k, 1.5, a, lda, b, ldb, 0.5, got, ldc)
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-12*(1+math.Abs(want[i])) {
					t.Fatalf("Dgemm(%c,%c)[%d] = %v, gonum %v", tA, tB, i, got[i], want[i])
				}
			}
			a32, b32, c32 := f32(a), f32(b), f32(c)
			w32 := append([]float32(nil), c32...)
			gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 1.5, a32, lda, b32, ldb, 0.5, w32, ldc)
			Implementation{}.Sgemm(tA, tB, m, n, k, 1.5, a32, lda, b32, ldb, 0.5, c32, ldc)
			for i := range w32 {
				if math.Abs(float64(c32[i]-w32[i])) > 1e-4*(1+math.Abs(float64(w32[i]))) {
					t.Fatalf("Sgemm(%c,%c)[%d] = %v, gonum %v", tA, tB, i, c32[i], w32[i])
				}
			}
		}
	}
}

func randn(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

func f32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}
