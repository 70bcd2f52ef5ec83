package im

import (
	"fmt"
	"math"
	"slices"
)

// ProjectCappedSimplex writes into dst the Euclidean projection of y onto
// the capped simplex U = {u ∈ [0,1]^n : Σ_i u_i = k} and returns dst,
// allocating it when nil; dst may be y itself.
//
// The projection is u_i = clip(y_i − τ, 0, 1) where τ solves
// φ(τ) = Σ_i clip(y_i − τ, 0, 1) = k. φ is continuous, piecewise linear and
// non-increasing with breakpoints {y_i − 1, y_i}; after sorting y the
// breakpoints are scanned in increasing order to find the piece on which φ
// crosses k, where, with U = {i : y_i − τ ≥ 1} and M = {i : 0 < y_i − τ < 1},
//
//	τ = (Σ_{i∈M} y_i + |U| − k)/|M|
//
// (Wang and Lu 2015, "Projection onto the capped simplex", arXiv 1503.01002). If |M| = 0 on that piece, φ = k on the
// whole gap and τ is its midpoint. The cost is O(n log n) with one
// allocation of n floats. k = 0 and k = n give the zero and all-ones vectors.
//
// It panics if dst is not nil and len(dst) != len(y), if k is not in
// [0, len(y)], or if y has a NaN or infinite entry.
func ProjectCappedSimplex(dst, y []float64, k float64) []float64 {
	return projectCappedSimplex(dst, y, k, nil)
}

// projectCappedSimplex is ProjectCappedSimplex with caller-provided scratch
// (len ≥ len(y), or nil to allocate).
func projectCappedSimplex(dst, y []float64, k float64, scratch []float64) []float64 {
	n := len(y)
	if dst == nil {
		dst = make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("im: ProjectCappedSimplex: len(dst) = %d, len(y) = %d", len(dst), n))
	}
	if !(k >= 0 && k <= float64(n)) {
		panic(fmt.Sprintf("im: ProjectCappedSimplex: k = %v outside [0, %d]", k, n))
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic(fmt.Sprintf("im: ProjectCappedSimplex: y[%d] = %v", i, v))
		}
	}
	switch {
	case k == 0:
		clear(dst)
		return dst
	case k == float64(n):
		for i := range dst {
			dst[i] = 1
		}
		return dst
	}
	tau := cappedSimplexTau(y, k, scratch)
	for i, v := range y {
		dst[i] = math.Min(1, math.Max(0, v-tau))
	}
	return dst
}

// cappedSimplexTau returns τ with φ(τ) = k, for 0 < k < n.
func cappedSimplexTau(y []float64, k float64, scratch []float64) float64 {
	n := len(y)
	if cap(scratch) < n {
		scratch = make([]float64, n)
	}
	z := scratch[:n]
	copy(z, y)
	slices.Sort(z)
	// Breakpoints in increasing order are the merge of a_i = z_i − 1 and
	// b_i = z_i. After passing ia a-breakpoints and ib b-breakpoints,
	// U = z[ia:], M = z[ib:ia], L = z[:ib], and φ(t) = (n − ia) + Σ M − |M|·t.
	ia, ib := 0, 0
	sumM := 0.0
	prev := z[0] - 1 // φ(prev) = n > k
	for ia < n || ib < n {
		var t float64
		if ia < n && z[ia]-1 <= z[ib] {
			t = z[ia] - 1
		} else {
			t = z[ib]
		}
		phi := float64(n-ia) + sumM - float64(ia-ib)*t
		if phi <= k {
			return solvePiece(z, ia, ib, k, prev, t)
		}
		// Process every breakpoint at t.
		for ia < n && z[ia]-1 == t {
			sumM += z[ia]
			ia++
		}
		for ib < n && z[ib] == t {
			sumM -= z[ib]
			ib++
		}
		prev = t
	}
	// Unreachable for 0 < k < n: φ(max z) = 0 < k.
	return z[n-1]
}

// solvePiece solves φ(τ) = k on the piece [lo, hi] where U = z[ia:] and
// M = z[ib:ia], summing M afresh for accuracy.
func solvePiece(z []float64, ia, ib int, k, lo, hi float64) float64 {
	m := ia - ib
	if m == 0 {
		return (lo + hi) / 2
	}
	s := 0.0
	for _, v := range z[ib:ia] {
		s += v
	}
	tau := (s + float64(len(z)-ia) - k) / float64(m)
	return math.Min(hi, math.Max(lo, tau))
}
