package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// SplitCascades splits c into a fitting set and a held-out set for
// validation: round(frac·M) cascades, drawn without replacement by a
// Fisher–Yates shuffle of the PCG stream (seed, 0x5eed5917), are held out
// (at least 1), the rest fit (at least 1). Both sets keep the cascades in
// their original order and share nothing with c. The split depends only on
// M, frac and seed.
//
// It returns an error if frac ∉ (0, 1) or c has fewer than 2 cascades.
func SplitCascades(c *Cascades, frac float64, seed uint64) (fit, held *Cascades, err error) {
	M := c.M()
	if !(frac > 0 && frac < 1) {
		return nil, nil, fmt.Errorf("datasets: SplitCascades: fraction %v, want 0 < fraction < 1", frac)
	}
	if M < 2 {
		return nil, nil, fmt.Errorf("datasets: SplitCascades: %d cascade(s), need at least 2 to hold some out", M)
	}
	nHeld := min(max(int(math.Round(frac*float64(M))), 1), M-1)
	perm := make([]int, M)
	for i := range perm {
		perm[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed5917))
	rng.Shuffle(M, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	isHeld := make([]bool, M)
	for _, k := range perm[:nHeld] {
		isHeld[k] = true
	}
	fit = &Cascades{N: c.N, T: c.T, Off: []int{0}}
	held = &Cascades{N: c.N, T: c.T, Off: []int{0}}
	for k := range M {
		dst := fit
		if isHeld[k] {
			dst = held
		}
		nodes, times := c.Cascade(k)
		dst.IDs = append(dst.IDs, c.IDs[k])
		dst.Node = append(dst.Node, nodes...)
		dst.Time = append(dst.Time, times...)
		dst.Off = append(dst.Off, len(dst.Node))
	}
	fit.Node, fit.Time = slices.Clip(fit.Node), slices.Clip(fit.Time)
	held.Node, held.Time = slices.Clip(held.Node), slices.Clip(held.Time)
	return fit, held, nil
}
