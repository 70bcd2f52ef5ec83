package ic

// Class is one initial-condition class s of the SLICER objective: all
// cascades that start from the same initial condition p̄^s, summarised by the
// count table m_i^s(τ).
type Class struct {
	// Seeds is the deterministic seed set of the class (node indices), or nil
	// for a stochastic initial condition.
	Seeds []int
	// P0 is p̄^s: P0[i] is the probability that node i is active at t = 0.
	// Length N. For a seed set it is 1 on Seeds and 0 elsewhere.
	P0 []float64
	// M is the number of cascades in the class.
	M int
	// Counts is the row-major N×(T+1) table m_i^s(τ): Counts[i*(T+1)+τ] is the
	// number of cascades of the class in which node i has activation time τ,
	// τ = 0..T-1, and τ = T means not activated within the horizon. Rows of
	// hidden nodes are ignored by the objective.
	Counts []float64
}

// Observations is what SLICER learns from: count tables per class over a
// horizon of T resolved time steps (activation times 0..T-1, T = censored),
// and which nodes are observed.
type Observations struct {
	// N is the number of nodes and T the horizon.
	N, T int
	// Observed[i] reports whether node i is observed. Hidden nodes still
	// propagate in DMP but are left out of the objective. nil means all
	// nodes are observed.
	Observed []bool
	Classes  []Class
}
