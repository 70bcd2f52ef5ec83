package ad

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
)

// DMPLogLik returns the one-entry vector [L] of the SLICER log-likelihood
// of observed activation counts (Wilinski and Lokhov, ICML 2021, eq. 4)
// from the stacked marginal complements Q = [Q(0) | Q(1) | … | Q(T−1)]
// (T blocks of b entries, the output of DMPFinal or its mixture over
// replicas), in one op instead of the element-wise ops Gather, Sub,
// MaxBetween, Log and a dot product:
//
//	µ_k = Q_k − Q_{k+b}   (k < (T−1)·b),   µ_k = Q_k   (last block),
//	L   = Σ_k m_k · log max(µ_k, floor),
//
// with m = counts: block τ of µ is the probability of activation at slot
// τ+1 (the last block: not active by slot T−1, the censored class), block τ
// of counts the observed numbers. The sum runs in increasing k in float64.
// The gradient is
//
//	∂Q_k = w_k − w_{k−b}   (w_{k−b} = 0 in the first block),
//	w_k  = g·m_k/µ_k where µ_k ≥ floor, 0 where µ_k < floor,
//
// which is the gradient of the element-wise graph (MaxBetween passes the
// derivative to µ where µ equals the floor). The op reads counts at every
// run, so a caller that reruns one compiled graph over several batches
// rewrites the entries of counts (never its length) between runs; counts
// are data, not differentiated. It allocates nothing per run.
//
// Q must be a float64 or float32 vector of length len(counts), b ≥ 1 must
// divide it, and floor must be positive and finite; otherwise DMPLogLik
// returns an error.
func DMPLogLik(Q *G.Node, counts []float64, b int, floor float64) (*G.Node, error) {
	n := len(counts)
	if err := vectorOfLen("DMPLogLik", "Q", Q, n); err != nil {
		return nil, err
	}
	if b < 1 || n%b != 0 {
		return nil, fmt.Errorf("ad: DMPLogLik: block length %d does not divide len(counts) = %d", b, n)
	}
	if !(floor > 0) || math.IsInf(floor, 1) {
		return nil, fmt.Errorf("ad: DMPLogLik: floor = %v, want a positive finite number", floor)
	}
	return apply(newDMPLogLikOp(dmpLogLik{counts: counts, b: b, floor: floor}), Q)
}

// dmpLogLik is the parameter of the DMPLogLik ops.
type dmpLogLik struct {
	counts []float64
	b      int
	floor  float64
}

func (p dmpLogLik) op(name string, fwd kernel, out int, in ...int) opBase {
	desc := fmt.Sprintf("n=%d,b=%d,floor=%g", len(p.counts), p.b, p.floor)
	return vec.op(name, desc, []any{p.counts}, fwd, out, in...)
}

// newDMPLogLikOp is [L] = DMPLogLik(Q): gradient ∂Q from (Q, g).
func newDMPLogLikOp(p dmpLogLik) *diffOp {
	n := len(p.counts)
	return &diffOp{
		opBase: p.op("DMPLogLik", bind(p, dmpLogLikFwdK, dmpLogLikFwdK), 1, n),
		grad: func(x G.Nodes, _, g *G.Node) (G.Nodes, error) {
			op := p.op("DMPLogLikDiff", bind(p, dmpLogLikDiffK, dmpLogLikDiffK), n, n, 1)
			return one(apply(&op, x[0], g))
		},
		bwd: bind(p, dmpLogLikAddK, dmpLogLikAddK),
	}
}

func dmpLogLikFwdK[T float](p dmpLogLik, out, in [][]T) { out[0][0] = T(dmpLogLikFwd(in[0], p)) }

// dmpLogLikDiffK is the forward of the gradient op, in = [Q, g].
func dmpLogLikDiffK[T float](p dmpLogLik, out, in [][]T) {
	dmpLogLikBwd(out[0], in[0], float64(in[1][0]), p, false)
}

// dmpLogLikAddK is the DoDiff kernel, in = [Q, y, g].
func dmpLogLikAddK[T float](p dmpLogLik, out, in [][]T) {
	dmpLogLikBwd(out[0], in[0], float64(in[2][0]), p, true)
}

// dmpLogLikFwd returns L, summed in increasing k.
func dmpLogLikFwd[T float](q []T, p dmpLogLik) float64 {
	n, b := len(p.counts), p.b
	L := 0.0
	for k, m := range p.counts {
		mu := float64(q[k])
		if k+b < n {
			mu = float64(q[k] - q[k+b])
		}
		L += m * math.Log(math.Max(mu, p.floor))
	}
	return L
}

// dmpLogLikBwd stores (or adds) ∂Q_k = w_k − w_{k−b} into dq.
func dmpLogLikBwd[T float](dq, q []T, g float64, p dmpLogLik, add bool) {
	n, b := len(p.counts), p.b
	w := func(k int) float64 {
		mu := float64(q[k])
		if k+b < n {
			mu = float64(q[k] - q[k+b])
		}
		if mu < p.floor {
			return 0
		}
		return g * p.counts[k] / mu
	}
	for k := range n {
		v := w(k)
		if k >= b {
			v -= w(k - b)
		}
		if add {
			dq[k] += T(v)
		} else {
			dq[k] = T(v)
		}
	}
}
