package netrate

import (
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
)

// Metrics compares an inferred network with the true one. E is the set of
// inferred edges (rate ≥ threshold, > 0) and E* the true edges (same rule).
type Metrics struct {
	// TP = |E ∩ E*|, Est = |E|, True = |E*|.
	TP, Est, True int
	// Common usage: Precision = |E∩E*|/|E|, Recall = |E∩E*|/|E*|,
	// F1 = 2·Precision·Recall/(Precision + Recall).
	Precision, Recall, F1 float64
	// The NMF paper's Table 1 (He, Zha & Ye, arXiv:2106.02608, §4.3),
	// whose names are swapped against common usage:
	// PaperPrc = |E∩E*|/|E*| (the usual recall), PaperRcl = |E∩E*|/|E|
	// (the usual precision), and PaperAcc = 1 − |E − E*|/(|E| + |E*|)
	// where |E − E*| counts the non-zeros of the difference of the 0/1
	// matrices (the symmetric difference), so PaperAcc = 2|E∩E*|/(|E| +
	// |E*|) = F1.
	PaperPrc, PaperRcl, PaperAcc float64
	// Cor = |tr(AᵀA*)|/(‖A‖_F ‖A*‖_F) over the rate matrices as given
	// (every listed edge, including those below the threshold).
	Cor float64
}

// Compare computes the network-inference metrics of the inferred graph est
// with rates estRates (nil: est.Weight) against truth with rates trueRates
// (nil: truth.Weight); an edge belongs to E or E* when its rate is ≥
// threshold and > 0. A metric whose denominator is zero is 0. It returns
// an error if the graphs have different node counts or a rate slice is
// missing or mis-sized.
func Compare(est *graphs.Graph, estRates []float64, truth *graphs.Graph, trueRates []float64, threshold float64) (Metrics, error) {
	var m Metrics
	if est.N != truth.N {
		return m, fmt.Errorf("netrate: Compare: %d nodes vs %d", est.N, truth.N)
	}
	if estRates == nil {
		estRates = est.Weight
	}
	if trueRates == nil {
		trueRates = truth.Weight
	}
	if len(estRates) != est.NumEdges() || len(trueRates) != truth.NumEdges() {
		return m, fmt.Errorf("netrate: Compare: %d rates for %d inferred edges, %d for %d true edges",
			len(estRates), est.NumEdges(), len(trueRates), truth.NumEdges())
	}
	in := func(r float64) bool { return r > 0 && r >= threshold }
	n := int64(est.N)
	trueAt := make(map[int64]float64, truth.NumEdges())
	var nA, nT, dot float64
	for e, r := range trueRates {
		trueAt[int64(truth.Src[e])*n+int64(truth.Dst[e])] += r
		nT += r * r
		if in(r) {
			m.True++
		}
	}
	trueIn := func(key int64) bool { r, ok := trueAt[key]; return ok && in(r) }
	for e, r := range estRates {
		key := int64(est.Src[e])*n + int64(est.Dst[e])
		nA += r * r
		dot += r * trueAt[key]
		if in(r) {
			m.Est++
			if trueIn(key) {
				m.TP++
			}
		}
	}
	ratio := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	}
	tp := float64(m.TP)
	m.Precision = ratio(tp, float64(m.Est))
	m.Recall = ratio(tp, float64(m.True))
	m.F1 = ratio(2*tp, float64(m.Est+m.True))
	m.PaperPrc, m.PaperRcl = m.Recall, m.Precision
	symDiff := float64(m.Est + m.True - 2*m.TP)
	if m.Est+m.True > 0 {
		m.PaperAcc = 1 - symDiff/float64(m.Est+m.True)
	}
	m.Cor = ratio(math.Abs(dot), math.Sqrt(nA)*math.Sqrt(nT))
	return m, nil
}
