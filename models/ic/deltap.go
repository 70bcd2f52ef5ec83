package ic

import "fmt"

// DeltaP returns SLICER's prediction error of marginals p against reference
// marginals pStar (e.g. Monte Carlo ground truth), the relative ℓ1 distance
//
//	δp = Σ_{t,i} |p_i(t) − p*_i(t)| / Σ_{t,i} p*_i(t)
//
// over whatever time-major block the two slices hold (the original code sums
// over every time row and node of one source). Averaging over sources is
// the caller's. It returns 0 when both are all zero, and panics if the
// lengths differ.
func DeltaP(p, pStar []float64) float64 {
	if len(p) != len(pStar) {
		panic(fmt.Sprintf("models/ic: DeltaP: len(p) = %d, len(pStar) = %d", len(p), len(pStar)))
	}
	num, den := 0.0, 0.0
	for k, x := range p {
		d := x - pStar[k]
		if d < 0 {
			d = -d
		}
		num += d
		den += pStar[k]
	}
	if den == 0 {
		if num == 0 {
			return 0
		}
		return num
	}
	return num / den
}
