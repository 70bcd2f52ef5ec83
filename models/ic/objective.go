package ic

import (
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
)

// MuFloor is the floor applied to every activation-time probability µ before
// taking its logarithm: each objective term is m·log max(µ, MuFloor). Its
// derivative is m/µ when µ > MuFloor and 0 otherwise. Every path that
// evaluates or differentiates the SLICER objective (ClassObjective,
// SourceTerms, solvers/adjoint, autodiff graphs) uses this constant, so their
// values and gradients agree.
const MuFloor = 1e-12

// ThetaSlack is how far outside [0, 1] a parameter may lie before CheckTheta
// rejects it. The DMP equations are polynomials in α and extend smoothly
// beyond the box, so central finite differences may probe α = 1 ± h and
// α = 0 ± h for steps h ≤ ThetaSlack.
const ThetaSlack = 1e-4

// CheckTheta returns an error naming the first entry of theta that is not
// finite or lies outside [−ThetaSlack, 1+ThetaSlack].
func CheckTheta(theta []float64) error {
	for k, a := range theta {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return fmt.Errorf("models/ic: theta[%d] = %v is not finite", k, a)
		}
		if a < -ThetaSlack || a > 1+ThetaSlack {
			return fmt.Errorf("models/ic: theta[%d] = %v is outside [0, 1]", k, a)
		}
	}
	return nil
}

// CheckObservations returns an error if obs does not fit g: node count,
// horizon T ≥ 1, the length of Observed, and for every class the length of
// P0 (values in [0, 1]) and Counts (N·(T+1) finite non-negative entries).
func CheckObservations(g *graphs.Graph, obs *Observations) error {
	if obs == nil {
		return fmt.Errorf("models/ic: nil observations")
	}
	if obs.N != g.N {
		return fmt.Errorf("models/ic: observations have %d nodes, graph has %d", obs.N, g.N)
	}
	if obs.T < 1 {
		return fmt.Errorf("models/ic: horizon T = %d, want T ≥ 1", obs.T)
	}
	if obs.Observed != nil && len(obs.Observed) != obs.N {
		return fmt.Errorf("models/ic: len(Observed) = %d, want %d nodes", len(obs.Observed), obs.N)
	}
	width := obs.T + 1
	for s := range obs.Classes {
		c := &obs.Classes[s]
		if len(c.P0) != obs.N {
			return fmt.Errorf("models/ic: class %d: len(P0) = %d, want %d nodes", s, len(c.P0), obs.N)
		}
		for i, x := range c.P0 {
			if !(x >= 0 && x <= 1) {
				return fmt.Errorf("models/ic: class %d: P0[%d] = %v is not in [0, 1]", s, i, x)
			}
		}
		if len(c.Counts) != obs.N*width {
			return fmt.Errorf("models/ic: class %d: len(Counts) = %d, want N·(T+1) = %d", s, len(c.Counts), obs.N*width)
		}
		for k, m := range c.Counts {
			if !(m >= 0) || math.IsInf(m, 1) {
				return fmt.Errorf("models/ic: class %d: count m_%d(%d) = %v is not a finite non-negative number", s, k/width, k%width, m)
			}
		}
	}
	return nil
}

// Mu writes the activation-time probabilities of every node into dst and
// returns it, in the layout of Class.Counts: dst[i*(T+1)+τ] = µ_i(τ) for
// τ = 0..T, computed from the marginals p ([T][N] row-major, as DMP.P):
// µ_i(0) = p_i(0), µ_i(τ) = p_i(τ) − p_i(τ−1), µ_i(T) = 1 − p_i(T−1).
// No floor is applied. dst is allocated when nil.
//
// It panics if len(p) != T·N or dst is non-nil with len(dst) != N·(T+1).
func Mu(dst, p []float64, N, T int) []float64 {
	checkP("Mu", p, N, T)
	W := T + 1
	if dst == nil {
		dst = make([]float64, N*W)
	}
	if len(dst) != N*W {
		panic(fmt.Sprintf("models/ic: Mu: len(dst) = %d, want N·(T+1) = %d", len(dst), N*W))
	}
	for i := 0; i < N; i++ {
		row := dst[i*W : (i+1)*W]
		row[0] = p[i]
		for tau := 1; tau < T; tau++ {
			row[tau] = p[tau*N+i] - p[(tau-1)*N+i]
		}
		row[T] = 1 - p[(T-1)*N+i]
	}
	return dst
}

// mu returns µ_i(τ) from the marginals p ([T][N]).
func mu(p []float64, N, T, i, tau int) float64 {
	switch {
	case tau == 0:
		return p[i]
	case tau == T:
		return 1 - p[(T-1)*N+i]
	}
	return p[tau*N+i] - p[(tau-1)*N+i]
}

// ClassObjective returns one class's term of the SLICER objective,
// O_s = Σ_{i∈O} Σ_{τ=0}^{T} m_i(τ) · log max(µ_i(τ), MuFloor), from the
// marginals p ([T][N] row-major, as DMP.P) and the count table counts
// (N·(T+1), as Class.Counts). observed == nil means every node is observed;
// hidden nodes and zero counts contribute nothing. Terms are summed over i,
// then τ, in increasing order.
//
// It panics if the lengths do not match N and T.
func ClassObjective(p []float64, N, T int, counts []float64, observed []bool) float64 {
	checkP("ClassObjective", p, N, T)
	checkCounts("ClassObjective", counts, observed, N, T)
	W := T + 1
	o := 0.0
	for i := 0; i < N; i++ {
		if observed != nil && !observed[i] {
			continue
		}
		row := counts[i*W : (i+1)*W]
		for tau, m := range row {
			if m == 0 {
				continue
			}
			o += m * math.Log(max(mu(p, N, T, i, tau), MuFloor))
		}
	}
	return o
}

// SourceTerms writes the direct derivatives of one class's objective with
// respect to the marginals, scaled by scale, into dst and returns it:
// dst[t*N+i] = scale · ∂O_s/∂p_i(t) for t = 0..T−1 ([T][N] row-major). An
// observation (i, τ) with count m and µ = µ_i(τ) > MuFloor adds w = scale·m/µ
// at slot τ (if τ < T) and −w at slot τ−1 (if τ > 0); observations with
// µ ≤ MuFloor add nothing, matching the floor in ClassObjective. Rows of
// hidden nodes are zero. These are the adjoint source terms a_i(t) of SLICER
// (the paper's −λ_i(t)); scale = 1/R gives the mixture source terms.
// dst is allocated when nil.
//
// It panics if the lengths do not match N and T.
func SourceTerms(dst, p []float64, N, T int, counts []float64, observed []bool, scale float64) []float64 {
	checkP("SourceTerms", p, N, T)
	checkCounts("SourceTerms", counts, observed, N, T)
	if dst == nil {
		dst = make([]float64, T*N)
	}
	if len(dst) != T*N {
		panic(fmt.Sprintf("models/ic: SourceTerms: len(dst) = %d, want T·N = %d", len(dst), T*N))
	}
	clear(dst)
	W := T + 1
	for i := 0; i < N; i++ {
		if observed != nil && !observed[i] {
			continue
		}
		row := counts[i*W : (i+1)*W]
		for tau, m := range row {
			if m == 0 {
				continue
			}
			u := mu(p, N, T, i, tau)
			if !(u > MuFloor) {
				continue
			}
			w := scale * m / u
			if tau < T {
				dst[tau*N+i] += w
			}
			if tau > 0 {
				dst[(tau-1)*N+i] -= w
			}
		}
	}
	return dst
}

// Objective returns the SLICER objective O(θ) (paper eq. 4) of the
// observations obs on g, running one DMP forward pass per class in class
// order. theta has one entry per parameter (see NumParams and ExpandAlpha).
// It returns an error if obs does not fit g (CheckObservations) or theta is
// rejected by CheckTheta.
//
// It panics if len(theta) != g.NumPairs().
func Objective(g *graphs.Graph, theta []float64, obs *Observations) (float64, error) {
	return MixtureObjective(g, theta, 1, obs)
}

// MixtureMarginals writes the mixture marginals S_i(t) = (1/R) Σ_r p_{i,r}(t)
// of R replicas into dst ([T][N] row-major) and returns it; replica r uses
// α from theta[r·P:(r+1)·P], P = g.NumPairs(). With R = 1 this is the plain
// DMP prediction. The replicas are summed in order r = 0..R−1 and the sum is
// multiplied by 1/R. dst is allocated when nil. theta is not checked.
//
// It panics if R < 1, len(theta) != R·P, len(p0) != N, T < 1, or dst is
// non-nil with len(dst) != T·N.
func MixtureMarginals(dst []float64, g *graphs.Graph, theta []float64, R int, p0 []float64, T int) []float64 {
	P := g.NumPairs()
	if R < 1 || len(theta) != R*P {
		panic(fmt.Sprintf("models/ic: MixtureMarginals: len(theta) = %d for R = %d replicas of %d parameters", len(theta), R, P))
	}
	if dst == nil {
		dst = make([]float64, T*g.N)
	}
	if len(dst) != T*g.N {
		panic(fmt.Sprintf("models/ic: MixtureMarginals: len(dst) = %d, want T·N = %d", len(dst), T*g.N))
	}
	d := NewDMP(g)
	alpha := make([]float64, g.NumEdges())
	mixtureInto(dst, d, alpha, g, theta, R, p0, T)
	return dst
}

// mixtureInto runs R forward passes and writes their average into dst.
func mixtureInto(dst []float64, d *DMP, alpha []float64, g *graphs.Graph, theta []float64, R int, p0 []float64, T int) {
	P := g.NumPairs()
	for r := 0; r < R; r++ {
		ExpandAlpha(alpha, g, theta[r*P:(r+1)*P])
		d.Forward(alpha, p0, T)
		if r == 0 {
			copy(dst, d.P)
			continue
		}
		for k, x := range d.P {
			dst[k] += x
		}
	}
	if R > 1 {
		inv := 1 / float64(R)
		for k := range dst {
			dst[k] *= inv
		}
	}
}

// MixtureObjective returns the mixture objective (paper eq. 9)
// O_mix = Σ_s Σ_{i∈O} Σ_τ m_i^s(τ) log max(µ_i^s(τ), MuFloor) with µ computed
// from the mixture marginals S (MixtureMarginals) of R replicas; theta holds
// R·P parameters, replica-major. R = 1 is Objective. It returns an error if
// obs does not fit g or theta is rejected by CheckTheta.
//
// It panics if R < 1 or len(theta) != R·g.NumPairs().
func MixtureObjective(g *graphs.Graph, theta []float64, R int, obs *Observations) (float64, error) {
	P := g.NumPairs()
	if R < 1 || len(theta) != R*P {
		panic(fmt.Sprintf("models/ic: MixtureObjective: len(theta) = %d for R = %d replicas of %d parameters", len(theta), R, P))
	}
	if err := CheckObservations(g, obs); err != nil {
		return 0, err
	}
	if err := CheckTheta(theta); err != nil {
		return 0, err
	}
	d := NewDMP(g)
	alpha := make([]float64, g.NumEdges())
	S := make([]float64, obs.T*g.N)
	o := 0.0
	for s := range obs.Classes {
		c := &obs.Classes[s]
		mixtureInto(S, d, alpha, g, theta, R, c.P0, obs.T)
		o += ClassObjective(S, g.N, obs.T, c.Counts, obs.Observed)
	}
	return o, nil
}

func checkP(fn string, p []float64, N, T int) {
	if T < 1 || len(p) != T*N {
		panic(fmt.Sprintf("models/ic: %s: len(p) = %d, want T·N = %d·%d", fn, len(p), T, N))
	}
}

func checkCounts(fn string, counts []float64, observed []bool, N, T int) {
	if len(counts) != N*(T+1) {
		panic(fmt.Sprintf("models/ic: %s: len(counts) = %d, want N·(T+1) = %d", fn, len(counts), N*(T+1)))
	}
	if observed != nil && len(observed) != N {
		panic(fmt.Sprintf("models/ic: %s: len(observed) = %d, want N = %d", fn, len(observed), N))
	}
}
