package cic

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/spread-dev/spread/graphs"
)

// Ranges are the intervals per-edge delay parameters are drawn from,
// uniformly and independently per edge (RandomParams).
type Ranges struct {
	// Rate is [min, max] for the rate α of Exponential and Rayleigh.
	Rate [2]float64
	// Scale and Shape are [min, max] for the Weibull scale λ and shape k.
	Scale, Shape [2]float64
}

// DefaultRanges returns the NMF paper's ranges (He, Zha and Ye 2021, §4.2):
// α ~ U[0.1, 1] for Exponential and Rayleigh, λ, k ~ U[1, 10] for Weibull.
// (SNAP's generator draws α = min + U·max, i.e. U[0.1, 1.1] for "0.1;1";
// these ranges are the stated ones.)
func DefaultRanges() Ranges {
	return Ranges{Rate: [2]float64{0.1, 1}, Scale: [2]float64{1, 10}, Shape: [2]float64{1, 10}}
}

// RandomParams draws the parameters of d on every edge of g, uniformly from
// r, in edge order from a PCG stream seeded with (seed, 0x64656c6179)
// ("delay"): for Weibull the scale then the shape of each edge. It returns
// an error if an interval is reversed, not finite, or gives parameters
// outside the family's domain.
func RandomParams(g *graphs.Graph, d Delay, r Ranges, seed uint64) (Params, error) {
	check := func(name string, iv [2]float64) error {
		if !(iv[0] <= iv[1]) || math.IsInf(iv[0], 0) || math.IsInf(iv[1], 0) {
			return fmt.Errorf("cic: %s range [%v, %v] is not a finite interval", name, iv[0], iv[1])
		}
		return nil
	}
	if !d.valid() {
		return Params{}, fmt.Errorf("cic: unknown delay family %v", d)
	}
	rng := rand.New(rand.NewPCG(seed, 0x64656c6179))
	E := g.NumEdges()
	p := Params{A: make([]float64, E)}
	u := func(iv [2]float64) float64 { return iv[0] + (iv[1]-iv[0])*rng.Float64() }
	if d.NumParams() == 1 {
		if err := check("rate", r.Rate); err != nil {
			return Params{}, err
		}
		for e := range p.A {
			p.A[e] = u(r.Rate)
		}
	} else {
		if err := check("scale", r.Scale); err != nil {
			return Params{}, err
		}
		if err := check("shape", r.Shape); err != nil {
			return Params{}, err
		}
		p.B = make([]float64, E)
		for e := range p.A {
			p.A[e] = u(r.Scale)
			p.B[e] = u(r.Shape)
		}
	}
	for e := range p.A {
		if err := d.CheckParams(p.A[e], p.b(e)); err != nil {
			return Params{}, fmt.Errorf("cic: RandomParams: %w", err)
		}
	}
	return p, nil
}

// RandomSourceSets draws count source sets on n nodes: each has a size
// uniform in minSize..maxSize and distinct nodes uniform without
// replacement (a partial Fisher–Yates shuffle), from a PCG stream seeded
// with (seed, 0x736f7572636573) ("sources"). It returns an error unless
// 1 ≤ minSize ≤ maxSize ≤ n and count ≥ 0.
func RandomSourceSets(n, count, minSize, maxSize int, seed uint64) ([][]int, error) {
	if count < 0 || minSize < 1 || minSize > maxSize || maxSize > n {
		return nil, fmt.Errorf("cic: %d source sets of size %d..%d on %d nodes", count, minSize, maxSize, n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x736f7572636573))
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	out := make([][]int, count)
	for k := range out {
		size := minSize + rng.IntN(maxSize-minSize+1)
		for i := range size {
			j := i + rng.IntN(n-i)
			perm[i], perm[j] = perm[j], perm[i]
		}
		out[k] = append([]int(nil), perm[:size]...)
	}
	return out, nil
}
