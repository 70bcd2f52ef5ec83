package ic

import (
	"errors"
	"fmt"
	"math"
	"slices"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/train"
)

// GraphChunkWork is the default bound on the size of one run of a
// GraphObjective: the chunk size C (classes per run) is the largest with
// R·C·E·T ≤ GraphChunkWork, at least 1 and at most the number of classes.
// The taped values of a run take about 30·R·C·(E+N)·T bytes.
const GraphChunkWork = 5_000_000

// GraphOptions configures NewGraphObjective. A nil *GraphOptions means the
// zero value.
type GraphOptions struct {
	// ChunkSize is the number of classes C evaluated in one graph run, as C
	// disjoint copies of the graph. If it equals zero, C is chosen from
	// GraphChunkWork.
	ChunkSize int
	// Unfused builds the reference graph (BuildDMPWith: SegmentProd,
	// CavityProd and element-wise ops per step) instead of the fused step ops
	// (BuildDMPFused: one op per step). Both give the same values and
	// gradients to rounding (tested to 1e-14); the fused graph is about
	// twice as fast and allocates nothing per run. If it equals false, the
	// fused graph is built.
	Unfused bool
	// NoReach turns off the reach restriction of the fused graph (see
	// GraphObjective, "Reach"); the values and gradients do not change. If it
	// equals false, the fused graph updates, at each step t, only the nodes
	// the class's seeds can reach in t steps. The unfused graph is never
	// restricted.
	NoReach bool
}

// GraphObjective is the SLICER objective (paper eqs. 4 and 9) and its
// gradient computed by reverse-mode autodiff through the DMP built as a
// gorgonia graph (BuildDMPWith): the project's source of truth for
// gradients, against which solvers/adjoint is tested. Its Eval has the
// signature of train/slicer's Objective.
//
// # Layout
//
// The classes are processed in chunks of C. One chunk is one run of a
// TapeMachine over the disjoint union of R·C copies of the graph (copy
// r·C + c is replica r of the chunk's class c), each copy's edges stored in
// in-edge order (slot q holds edge e = g.InEdges[q], so that the products
// over in-edges read memory sequentially): α = ad.Gather(θ, idx) with
// idx[(r·C+c)·E + q] = r·P + Pair[e] (or r·P + e for a directed graph), so
// the gradient of θ sums over copies and replicas through Gather's adjoint.
// The mixture marginal complement is Q̄(t) = (1/R)·ad.ScatterAdd(Q(t)) over
// the replicas (for R = 1, Q̄ = Q), µ is
//
//	µ(τ) = Q̄(τ−1) − Q̄(τ)  (1 ≤ τ ≤ T−1),   µ(T) = Q̄(T−1),
//
// and the run's cost is Σ_{τ=1}^{T} m(τ)·log(MaxBetween(µ(τ), MuFloor)) with
// the counts m of the chunk's observed nodes (zero for hidden nodes and for
// the zero-count classes that pad the last chunk). The τ = 0 terms,
// m(0)·log max(p̄, MuFloor), do not depend on θ and are added in Go. The
// graph is built, differentiated and compiled once; each chunk rebinds the
// initial conditions and counts by writing into the inputs' bound buffers,
// then runs Reset and RunAll. Values are read through G.Read (the cost and
// ∂/∂θ), never from intermediate nodes.
//
// # Reach
//
// Unless opt.NoReach or opt.Unfused is set (or T > 255), the fused graph's
// steps are restricted to the reach of each copy's class (ad.DMPStepReach,
// the restriction solvers/adjoint applies): with d(i) the distance along
// out-edges from the nearest node with p̄_i > 0 in the class, step t updates
// only the nodes with d(i) ≤ t; a node with d(i) > t has p_i(t) = 0 and
// sends messages equal to 0 exactly, which the restricted step writes
// without computing. The distances of every class are computed once, at
// construction (S·N bytes), and written into the steps' ad.DMPReach when a
// chunk is loaded. The values are the unrestricted graph's bits and the
// gradient with respect to θ is the same (the derivatives the restriction
// drops are multiplied by p = 0, see ad.DMPReach); the cost is unchanged:
// an observed node out of reach at τ < T has µ(τ) = Q̄(τ−1) − Q̄(τ) = 0, so
// its term m(τ)·log MuFloor is a constant, and µ(T) = Q̄(T−1) = 1 gives
// log 1 = 0; hidden nodes have no counts. A class with p̄ > 0 everywhere
// (a stochastic initial condition) has d = 0 everywhere and is not
// restricted. On single-seed classes with a short horizon this skips most
// of each step's work even where the seeds reach most of the graph by
// T − 1 (ego-Facebook: 82% of the arcs by T − 1 = 4, but 38% of the
// node-steps' edge work; docs/BENCHMARKS.md).
//
// Where µ equals MuFloor exactly, MaxBetween passes the derivative to µ
// (SourceTerms passes none); elsewhere the value and gradient are those of
// MixtureObjective and solvers/adjoint up to rounding.
//
// A GraphObjective is not safe for concurrent use. It keeps obs: do not
// modify the observations while it is in use.
type GraphObjective struct {
	g             *graphs.Graph
	obs           *Observations
	r, c, nChunks int
	n, t, p       int
	prog          *compiled.Objective
	p0Buf         []float64
	cntBuf        [][]float64  // τ = 1..T, each C·N
	counts        []float64    // fused graph: counts of τ = 1..T, T blocks of C·N, read by ad.DMPLogLik
	const0        float64      // Σ over classes of the τ = 0 terms
	loaded        int          // chunk bound to the inputs, -1 for none
	reach         *ad.DMPReach // the fused steps' reach; nil: not restricted
	dist          []uint8      // S·N: class s's d(i) at s·N + i, noReach beyond T−1
	closed        bool
}

// NewGraphObjective builds, differentiates and compiles the graph of the
// R-replica mixture objective (R = 1: the plain SLICER objective) of the
// observations obs on g. θ has R·P entries, replica-major, P = NumParams(g).
// opt may be nil.
//
// It returns an error if R < 1, obs does not fit g (CheckObservations),
// opt.ChunkSize is negative, or the graph cannot be built or compiled. When
// θ cannot influence the objective (no edges, or T = 1) no graph is built
// and Eval returns MixtureObjective with a zero gradient.
func NewGraphObjective(g *graphs.Graph, obs *Observations, R int, opt *GraphOptions) (*GraphObjective, error) {
	if R < 1 {
		return nil, fmt.Errorf("models/ic: NewGraphObjective: R = %d replicas, want R ≥ 1", R)
	}
	if err := CheckObservations(g, obs); err != nil {
		return nil, err
	}
	var o GraphOptions
	if opt != nil {
		o = *opt
	}
	if o.ChunkSize < 0 {
		return nil, fmt.Errorf("models/ic: NewGraphObjective: ChunkSize = %d, want ≥ 0", o.ChunkSize)
	}
	N, E, P, T := g.N, g.NumEdges(), g.NumPairs(), obs.T
	S := len(obs.Classes)
	f := &GraphObjective{g: g, obs: obs, r: R, n: N, t: T, p: P, loaded: -1}
	for s := range obs.Classes {
		f.const0 += classConst0(&obs.Classes[s], obs, R)
	}
	if E == 0 || T == 1 || S == 0 {
		return f, nil // θ does not enter: Eval takes the plain path
	}
	C := o.ChunkSize
	if C == 0 {
		C = max(1, GraphChunkWork/(R*E*T))
	}
	C = min(C, S)
	f.c = C
	f.nChunks = (S + C - 1) / C
	K := R * C

	ix, err := newDMPIndex(g, K, true) // edge slots in in-edge order
	if err != nil {
		return nil, err
	}
	// α for every copy: replica r of any class uses θ[r·P : (r+1)·P]; slot
	// q of a copy holds edge g.InEdges[q].
	aidx := make([]int, K*E)
	for r := 0; r < R; r++ {
		for c := 0; c < C; c++ {
			row := aidx[(r*C+c)*E : (r*C+c+1)*E]
			for q, e := range g.InEdges {
				if g.Pair != nil {
					row[q] = r*P + g.Pair[e]
				} else {
					row[q] = r*P + e
				}
			}
		}
	}
	floor := make([]float64, C*N)
	for i := range floor {
		floor[i] = MuFloor
	}
	if !o.Unfused {
		f.counts = make([]float64, T*C*N) // read by the likelihood op at each run
	}
	if !o.Unfused && !o.NoReach && T <= noReach {
		// Classes with p̄ > 0 everywhere (stochastic) have d = 0 everywhere:
		// when all do, the restriction would skip nothing.
		if dist := classReach(g, obs); slices.ContainsFunc(dist, func(d uint8) bool { return d > 0 }) {
			f.reach = ad.NewDMPReach(ix.cav)
			f.dist = dist
		}
	}
	build := func(d *compiled.Def) (*G.Node, error) {
		if !o.Unfused {
			return fusedCost(d, ix, aidx, R, C, N, T, P, f.reach, f.counts)
		}
		theta := d.Param("theta", []int{R * P}, nil)
		p0 := d.Input("p0", []int{K * N}, nil)
		floorN := d.Input("mufloor", []int{C * N}, floor)
		cnt := make([]*G.Node, T)
		for tau := 1; tau <= T; tau++ {
			cnt[tau-1] = d.Input(fmt.Sprintf("counts.tau%d", tau), []int{C * N}, nil)
		}
		alpha, err := ad.Gather(theta, aidx)
		if err != nil {
			return nil, err
		}
		Q, err := buildQ(ix, alpha, p0, T)
		if err != nil {
			return nil, err
		}
		if R > 1 {
			// Q̄(t) = (1/R) Σ_r Q_r(t): copy r·C + c adds into class c.
			mix := make([]int, K*N)
			for r := 0; r < R; r++ {
				for k := 0; k < C*N; k++ {
					mix[r*C*N+k] = k
				}
			}
			invR := G.NewConstant(1 / float64(R))
			for t := range Q {
				s, err := ad.ScatterAdd(Q[t], mix, C*N)
				if err != nil {
					return nil, err
				}
				if Q[t], err = G.Mul(invR, s); err != nil {
					return nil, err
				}
			}
		}
		var cost *G.Node
		for tau := 1; tau <= T; tau++ {
			mu := Q[T-1] // censored: µ(T) = Q̄(T−1)
			if tau < T {
				if mu, err = G.Sub(Q[tau-1], Q[tau]); err != nil {
					return nil, err
				}
			}
			term, err := countLogLik(cnt[tau-1], mu, floorN)
			if err != nil {
				return nil, err
			}
			if cost == nil {
				cost = term
			} else if cost, err = G.Add(cost, term); err != nil {
				return nil, err
			}
		}
		return cost, nil
	}
	if f.prog, err = compiled.New(build, &compiled.Options{Name: "models/ic: GraphObjective"}); err != nil {
		return nil, err
	}
	f.p0Buf = f.prog.Data("p0")
	f.cntBuf = make([][]float64, T)
	for tau := 1; tau <= T; tau++ {
		if o.Unfused {
			f.cntBuf[tau-1] = f.prog.Data(fmt.Sprintf("counts.tau%d", tau))
		} else {
			f.cntBuf[tau-1] = f.counts[(tau-1)*C*N : tau*C*N]
		}
	}
	if f.nChunks == 1 {
		f.load(0)
	}
	return f, nil
}

// fusedCost builds the cost of one chunk on the fused unroll
// (buildQFused, restricted to reach when it is non-nil): the marginal
// complements of all slots form one vector Q of T blocks of K·N, mixed over
// replicas into T blocks of C·N (Q̄), and the cost is one ad.DMPLogLik op,
//
//	µ(τ) = Q̄(τ−1) − Q̄(τ) (τ < T),   µ(T) = Q̄(T−1),   cost = Σ m·log max(µ, MuFloor),
//
// with the counts of τ = 1..T in blocks 0..T−1 of counts (which load
// rewrites per chunk). The values are those of the unfused graph's
// element-wise cost; only the order of the final sum differs.
func fusedCost(d *compiled.Def, ix *DMPIndex, aidx []int, R, C, N, T, P int, reach *ad.DMPReach, counts []float64) (*G.Node, error) {
	K, CN := R*C, C*N
	theta := d.Param("theta", []int{R * P}, nil)
	p0 := d.Input("p0", []int{K * N}, nil)
	alpha, err := ad.Gather(theta, aidx)
	if err != nil {
		return nil, err
	}
	Q, err := buildQFused(ix, alpha, p0, T, reach)
	if err != nil {
		return nil, err
	}
	if R > 1 {
		// Q̄(t) = (1/R) Σ_r Q_r(t): copy r·C + c of block t adds into class c.
		mix := make([]int, T*K*N)
		for t := 0; t < T; t++ {
			for r := 0; r < R; r++ {
				for k := 0; k < CN; k++ {
					mix[t*K*N+r*CN+k] = t*CN + k
				}
			}
		}
		s, err := ad.ScatterAdd(Q, mix, T*CN)
		if err != nil {
			return nil, err
		}
		if Q, err = G.Mul(G.NewConstant(1/float64(R)), s); err != nil {
			return nil, err
		}
	}
	ll, err := ad.DMPLogLik(Q, counts, CN, MuFloor)
	if err != nil {
		return nil, err
	}
	return G.Sum(ll)
}

// countLogLik is Σ_i cnt_i·log max(µ_i, floor): the observed counts times
// the floored log-marginals (a vector·vector Mul is a dot product).
func countLogLik(cnt, mu, floorN *G.Node) (*G.Node, error) {
	fl, err := G.MaxBetween(mu, floorN)
	if err != nil {
		return nil, err
	}
	lg, err := G.Log(fl)
	if err != nil {
		return nil, err
	}
	return G.Mul(cnt, lg)
}

// ChunkSize returns the number of classes per graph run (0 when no graph is
// built).
func (f *GraphObjective) ChunkSize() int { return f.c }

// NumChunks returns the number of graph runs per Eval.
func (f *GraphObjective) NumChunks() int { return f.nChunks }

// Close releases the compiled machine; Eval returns an error afterwards.
func (f *GraphObjective) Close() error {
	f.closed = true
	if f.prog == nil {
		return nil
	}
	return f.prog.Close()
}

// Eval returns the objective O(θ) (MixtureObjective with R replicas) and
// writes ∂O/∂θ into grad (R·P entries, replica-major, the layout of theta).
// It does not modify theta and keeps neither slice. The result is
// deterministic: the same θ gives the same bits.
//
// It returns an error if theta is rejected by CheckTheta, a run fails or f
// was closed, and a *train.NonFiniteError for a NaN or infinite objective
// or gradient entry. It panics if len(theta) or len(grad) is not R·P.
func (f *GraphObjective) Eval(theta, grad []float64) (float64, error) {
	np := f.r * f.p
	if len(theta) != np || len(grad) != np {
		panic(fmt.Sprintf("models/ic: GraphObjective.Eval: len(theta) = %d, len(grad) = %d, want R·P = %d", len(theta), len(grad), np))
	}
	if f.closed {
		return 0, errors.New("models/ic: GraphObjective.Eval after Close")
	}
	if err := CheckTheta(theta); err != nil {
		return 0, err
	}
	clear(grad)
	if f.prog == nil {
		return MixtureObjective(f.g, theta, f.r, f.obs)
	}
	f.prog.SetX(theta)
	o := 0.0
	for ch := 0; ch < f.nChunks; ch++ {
		f.load(ch)
		c, err := f.prog.Run()
		if err != nil {
			return 0, fmt.Errorf("models/ic: GraphObjective.Eval: chunk %d: %w", ch, err)
		}
		o += c
		f.prog.AddGrad(grad)
	}
	o += f.const0
	return o, train.CheckFinite("models/ic: GraphObjective", o, grad)
}

// load writes chunk ch's initial conditions (replicated over replicas) and
// counts (observed nodes only, τ = 1..T) into the input buffers; classes past
// the end pad the chunk with p̄ = 0 and zero counts.
func (f *GraphObjective) load(ch int) {
	if f.loaded == ch {
		return
	}
	N, T, C := f.n, f.t, f.c
	W := T + 1
	obs := f.obs
	for c := 0; c < C; c++ {
		s := ch*C + c
		var cl *Class
		if s < len(obs.Classes) {
			cl = &obs.Classes[s]
		}
		for r := 0; r < f.r; r++ {
			dst := f.p0Buf[(r*C+c)*N : (r*C+c+1)*N]
			if cl == nil {
				clear(dst)
			} else {
				copy(dst, cl.P0)
			}
			if f.reach == nil {
				continue
			}
			dd := f.reach.Dist()[(r*C+c)*N : (r*C+c+1)*N]
			if cl == nil {
				for i := range dd {
					dd[i] = noReach // p̄ = 0: nothing is reached
				}
				continue
			}
			for i, v := range f.dist[s*N : (s+1)*N] {
				dd[i] = int32(v)
			}
		}
		for tau := 1; tau <= T; tau++ {
			dst := f.cntBuf[tau-1][c*N : (c+1)*N]
			if cl == nil {
				clear(dst)
				continue
			}
			for i := range dst {
				if obs.Observed != nil && !obs.Observed[i] {
					dst[i] = 0
				} else {
					dst[i] = cl.Counts[i*W+tau]
				}
			}
		}
	}
	f.loaded = ch
}

// noReach marks a node beyond the horizon in GraphObjective's distances
// (T ≤ noReach for the restriction to apply).
const noReach = 255

// classReach returns the distances d(i) of every class, class s at
// [s·N, (s+1)·N): breadth-first along out-edges from the nodes with p̄ > 0,
// up to depth T − 1; noReach beyond. It requires T ≤ noReach.
func classReach(g *graphs.Graph, obs *Observations) []uint8 {
	N, T := g.N, obs.T
	dist := make([]uint8, len(obs.Classes)*N)
	queue := make([]int32, 0, N)
	for s := range obs.Classes {
		d := dist[s*N : (s+1)*N]
		queue = queue[:0]
		for i, p := range obs.Classes[s].P0 {
			if p > 0 {
				queue = append(queue, int32(i))
			} else {
				d[i] = noReach
			}
		}
		for head, level := 0, 1; level < T; level++ {
			end := len(queue)
			for _, u := range queue[head:end] {
				for e := g.OutOff[u]; e < g.OutOff[u+1]; e++ {
					if v := g.Dst[e]; d[v] == noReach {
						d[v] = uint8(level)
						queue = append(queue, int32(v))
					}
				}
			}
			head = end
		}
	}
	return dist
}

// classConst0 returns the τ = 0 terms of one class, Σ_{i∈O} m_i(0)·log
// max(S_i(0), MuFloor), with S(0) the mixture of R identical p̄ as
// MixtureMarginals computes it.
func classConst0(c *Class, obs *Observations, R int) float64 {
	W := obs.T + 1
	o := 0.0
	for i, p := range c.P0 {
		if obs.Observed != nil && !obs.Observed[i] {
			continue
		}
		m := c.Counts[i*W]
		if m == 0 {
			continue
		}
		if R > 1 {
			s := 0.0
			for range R {
				s += p
			}
			p = s * (1 / float64(R))
		}
		o += m * math.Log(max(p, MuFloor))
	}
	return o
}

// SpreadObjective is the influence-maximisation relaxation of the DMP: for
// fixed transmission probabilities α, the expected number of nodes active by
// the last slot, σ(u) = Σ_i p_i(T−1), as a function of the relaxed seed
// vector u = p̄ ∈ [0, 1]^N, with its gradient ∂σ/∂u by autodiff through
// BuildDMP. The graph is built, differentiated and compiled once; Eval
// rebinds u. A SpreadObjective is not safe for concurrent use.
type SpreadObjective struct {
	n    int
	prog *compiled.Objective
}

// NewSpreadObjective builds σ(u) on g with parameters theta (len
// NumParams(g), expanded with ExpandAlpha) and horizon T (slots 0..T−1). It
// returns an error if theta is rejected by CheckTheta, T < 1, g has no
// nodes, or the graph cannot be built. It panics if len(theta) !=
// NumParams(g).
func NewSpreadObjective(g *graphs.Graph, theta []float64, T int) (*SpreadObjective, error) {
	if err := CheckTheta(theta); err != nil {
		return nil, err
	}
	alpha := ExpandAlpha(nil, g, theta)
	if T < 1 {
		return nil, fmt.Errorf("models/ic: NewSpreadObjective: horizon T = %d, want T ≥ 1", T)
	}
	if g.N < 1 {
		return nil, fmt.Errorf("models/ic: NewSpreadObjective: graph has no nodes")
	}
	prog, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		u := d.Param("u", []int{g.N}, nil)
		var an *G.Node
		if len(alpha) > 0 && T > 1 {
			an = d.Input("alpha", []int{len(alpha)}, alpha)
		}
		p, err := BuildDMP(d.G, g, an, u, T)
		if err != nil {
			return nil, err
		}
		return G.Sum(p[T-1])
	}, &compiled.Options{Name: "models/ic: SpreadObjective"})
	if err != nil {
		return nil, err
	}
	return &SpreadObjective{n: g.N, prog: prog}, nil
}

// Eval returns σ(u) = Σ_i p_i(T−1) for the initial condition u and writes
// ∂σ/∂u_i into grad. It does not modify u and keeps neither slice. It returns
// an error if an entry of u is not finite or lies outside
// [−ThetaSlack, 1+ThetaSlack] (the slack admits finite-difference probes), or
// a run fails or s was closed. It panics if len(u) or len(grad) is not N.
func (s *SpreadObjective) Eval(u, grad []float64) (float64, error) {
	if len(u) != s.n || len(grad) != s.n {
		panic(fmt.Sprintf("models/ic: SpreadObjective.Eval: len(u) = %d, len(grad) = %d, want N = %d", len(u), len(grad), s.n))
	}
	for i, x := range u {
		if math.IsNaN(x) || x < -ThetaSlack || x > 1+ThetaSlack {
			return 0, fmt.Errorf("models/ic: SpreadObjective.Eval: u[%d] = %v is outside [0, 1]", i, x)
		}
	}
	return s.prog.Eval(u, grad)
}

// Close releases the compiled machine; Eval returns an error afterwards.
func (s *SpreadObjective) Close() error { return s.prog.Close() }
