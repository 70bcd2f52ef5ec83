package multiplex

import (
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/diffusion"
)

// Kind is the propagation model of one layer.
type Kind int

const (
	// IC is the independent cascade: a node newly active at round t gets
	// one chance at round t+1 to activate each out-neighbour v in the layer,
	// succeeding with probability p_e.
	IC Kind = iota
	// LT is the linear threshold model: v becomes active at round t+1 when
	// the weights of its in-neighbours in the layer active by round t sum to
	// at least its threshold θ_{i,v}.
	LT
)

// String returns "ic" or "lt".
func (k Kind) String() string {
	switch k {
	case IC:
		return "ic"
	case LT:
		return "lt"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind reads "ic" or "lt" (any case).
func ParseKind(s string) (Kind, error) {
	switch s {
	case "ic", "IC", "Ic":
		return IC, nil
	case "lt", "LT", "Lt":
		return LT, nil
	}
	return 0, fmt.Errorf("multiplex: unknown model %q, want ic or lt", s)
}

// Layer is the propagation model of one layer of the multiplex.
type Layer struct {
	Kind Kind
	// Values are the IC probabilities p_e or LT weights w_e of the layer's
	// edges, in the layer graph's edge order. Nil means the paper's default
	// 1/in-degree of the target in that layer (diffusion.WeightedCascade).
	Values []float64
}

// Config holds the options of New. A nil *Config means the zero value;
// every zero field means its documented default.
type Config struct {
	// ThetaLo and ThetaHi bound the LT thresholds θ_{i,v} ~ U[ThetaLo,
	// ThetaHi], drawn independently per (world, layer, node). Both zero
	// means the paper's [0.5, 0.9] (App. C.1); ThetaLo = ThetaHi gives a
	// constant threshold. They must satisfy 0 ≤ ThetaLo ≤ ThetaHi ≤ 1.
	ThetaLo, ThetaHi float64
	// Rounds is the number of synchronous rounds simulated after the seeds
	// (round 0). Zero means until no node activates (quiescence).
	Rounds int
}

// Default LT threshold range of the paper (App. C.1).
const (
	DefaultThetaLo = 0.5
	DefaultThetaHi = 0.9
)

// fixed-point unit of LT weights and thresholds: sums of weights are exact
// integers, hence independent of the order in which active in-neighbours
// are added.
const ltUnit = 1 << 52

// arc is one out-edge of a node in one layer, packed for Reach's inner
// loop. slot < 0 marks an IC arc, live in world w iff w.Edge(edge) < val;
// otherwise the arc is LT, slot = (LT layer)·n + dst indexes the
// accumulated weight and the threshold draw, and val is the weight in units
// of 2^-52 (rounded up).
type arc struct {
	dst  int32
	slot int32
	edge int32
	val  uint64
}

// Model is the multiplex propagation model: k layers over one node set,
// each with its own IC or LT model, coupled by overlapping activation (see
// the package documentation). It is immutable and safe for concurrent use;
// simulate it with a Simulator (one per goroutine) or the MC oracle.
type Model struct {
	n       int
	kinds   []Kind
	off     []int   // off[u]..off[u+1]: arcs of u over all layers
	arcs    []arc   //
	nLT     int     // number of LT layers
	thetaLo float64 //
	thetaHi float64 //
	thrLo   uint64  // ⌈θ_lo·2^52⌉ when the threshold is constant
	rounds  int
	layers  []*graphs.Graph
	values  [][]float64
}

// New returns the multiplex model on m with one Layer per layer of m (in
// m's order). It returns an error if len(layers) differs from the number of
// layers, a value slice has the wrong length or an entry outside [0, 1], LT
// weights into a node sum to more than 1 (up to 1e-5, as models/lt), the
// thresholds are out of range, or the model is too large for int32 indices.
// The value slices are retained, not copied.
func New(m *graphs.Multiplex, layers []Layer, cfg *Config) (*Model, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if m == nil || len(m.Layers) == 0 {
		return nil, fmt.Errorf("multiplex: no layers")
	}
	if len(layers) != len(m.Layers) {
		return nil, fmt.Errorf("multiplex: %d layer models for %d layers", len(layers), len(m.Layers))
	}
	if c.ThetaLo == 0 && c.ThetaHi == 0 {
		c.ThetaLo, c.ThetaHi = DefaultThetaLo, DefaultThetaHi
	}
	if !(c.ThetaLo >= 0 && c.ThetaLo <= c.ThetaHi && c.ThetaHi <= 1) {
		return nil, fmt.Errorf("multiplex: LT thresholds U[%v, %v], want 0 ≤ lo ≤ hi ≤ 1", c.ThetaLo, c.ThetaHi)
	}
	if c.Rounds < 0 {
		return nil, fmt.Errorf("multiplex: Rounds = %d, want ≥ 0", c.Rounds)
	}
	n := m.N()
	md := &Model{n: n, thetaLo: c.ThetaLo, thetaHi: c.ThetaHi, rounds: c.Rounds,
		thrLo: quantize(c.ThetaLo), layers: m.Layers}
	total := 0
	for i, g := range m.Layers {
		total += g.NumEdges()
		if layers[i].Kind == LT {
			md.nLT++
		} else if layers[i].Kind != IC {
			return nil, fmt.Errorf("multiplex: layer %s: unknown model %v", m.Names[i], layers[i].Kind)
		}
	}
	if total >= math.MaxInt32 || n >= math.MaxInt32 || int64(md.nLT)*int64(n) >= math.MaxInt32 {
		return nil, fmt.Errorf("multiplex: too large for int32 indices (%d nodes, %d edges, %d LT layers)", n, total, md.nLT)
	}
	md.off = make([]int, n+1)
	for _, g := range m.Layers {
		for u := 0; u < n; u++ {
			md.off[u+1] += g.OutDegree(u)
		}
	}
	for u := 0; u < n; u++ {
		md.off[u+1] += md.off[u]
	}
	md.arcs = make([]arc, total)
	fill := make([]int, n)
	copy(fill, md.off[:n])
	edgeBase, lt := 0, 0
	for i, g := range m.Layers {
		name := "layer " + m.Names[i]
		x := layers[i].Values
		if x == nil {
			x = diffusion.WeightedCascade(nil, g)
		}
		if len(x) != g.NumEdges() {
			return nil, fmt.Errorf("multiplex: %s: %d values for %d edges", name, len(x), g.NumEdges())
		}
		for e, p := range x {
			if !(p >= 0 && p <= 1) {
				return nil, fmt.Errorf("multiplex: %s: value of edge %s→%s is %v, want [0, 1]", name, g.ID(g.Src[e]), g.ID(g.Dst[e]), p)
			}
		}
		md.kinds = append(md.kinds, layers[i].Kind)
		md.values = append(md.values, x)
		if layers[i].Kind == LT {
			for v := 0; v < n; v++ {
				sum := 0.0
				for j := g.InOff[v]; j < g.InOff[v+1]; j++ {
					sum += x[g.InEdges[j]]
				}
				if sum > 1+1e-5 {
					return nil, fmt.Errorf("multiplex: %s: LT weights into node %s sum to %v > 1", name, g.ID(v), sum)
				}
			}
		}
		for u := 0; u < n; u++ {
			for e := g.OutOff[u]; e < g.OutOff[u+1]; e++ {
				a := arc{dst: int32(g.Dst[e]), edge: int32(edgeBase + e)}
				if layers[i].Kind == IC {
					a.slot = -1
					a.val = diffusion.Threshold(x[e])
				} else {
					a.slot = int32(lt*n + g.Dst[e])
					a.val = quantize(x[e])
				}
				md.arcs[fill[u]] = a
				fill[u]++
			}
		}
		edgeBase += g.NumEdges()
		if layers[i].Kind == LT {
			lt++
		}
	}
	return md, nil
}

// quantize returns ⌈x·2^52⌉ for x ∈ [0, 1].
func quantize(x float64) uint64 {
	return uint64(math.Ceil(x * ltUnit))
}

// NumNodes returns the number of nodes n.
func (m *Model) NumNodes() int { return m.n }

// NumLayers returns the number of layers k.
func (m *Model) NumLayers() int { return len(m.kinds) }

// Kinds returns the model of every layer (a fresh slice).
func (m *Model) Kinds() []Kind { return append([]Kind(nil), m.kinds...) }

// Layer returns the graph of layer i.
func (m *Model) Layer(i int) *graphs.Graph { return m.layers[i] }

// Values returns the IC probabilities or LT weights of layer i's edges, in
// the layer graph's edge order (the defaults 1/in-degree when the Layer gave
// none). The slice is the model's own: do not modify it. It panics if i is
// out of range.
func (m *Model) Values(i int) []float64 { return m.values[i] }

// Rounds returns the round limit (0: until quiescence).
func (m *Model) Rounds() int { return m.rounds }

// AllIC reports whether every layer is IC, the case in which the model is a
// live-edge IC model on the union graph (see UnionIC).
func (m *Model) AllIC() bool {
	for _, k := range m.kinds {
		if k != IC {
			return false
		}
	}
	return true
}

// Sub returns the model restricted to the layers listed (in that order),
// with the same values, thresholds and rounds: Sub(i) is layer i alone, the
// σ_i of the paper. It panics if a layer index is out of range.
func (m *Model) Sub(layers ...int) *Model {
	gs := make([]*graphs.Graph, len(layers))
	ls := make([]Layer, len(layers))
	names := make([]string, len(layers))
	for j, i := range layers {
		if i < 0 || i >= len(m.kinds) {
			panic(fmt.Sprintf("multiplex: Sub: layer %d outside 0..%d", i, len(m.kinds)-1))
		}
		gs[j], ls[j], names[j] = m.layers[i], Layer{Kind: m.kinds[i], Values: m.values[i]}, fmt.Sprint(i)
	}
	mx := &graphs.Multiplex{Names: names, Layers: gs}
	sub, err := New(mx, ls, &Config{ThetaLo: m.thetaLo, ThetaHi: m.thetaHi, Rounds: m.rounds})
	if err != nil {
		panic("multiplex: Sub: " + err.Error()) // cannot happen: m was validated
	}
	return sub
}

// Simulator runs the multiplex cascade in given worlds. It holds O(n·(1 +
// LT layers)) scratch space and must be used by one goroutine at a time.
type Simulator struct {
	m    *Model
	mark diffusion.Marks // active or activated this round
	accM diffusion.Marks // LT accumulators in use this run
	acc  []uint64
}

// NewSimulator returns a Simulator for m.
func (m *Model) NewSimulator() *Simulator {
	s := &Simulator{m: m, mark: diffusion.NewMarks(m.n)}
	if m.nLT > 0 {
		s.accM = diffusion.NewMarks(m.nLT * m.n)
		s.acc = make([]uint64, m.nLT*m.n)
	}
	return s
}

// Reach appends to dst the nodes active at the end of the multiplex
// cascade from seeds in world w (after Rounds rounds, or at quiescence when
// Rounds is 0), each once, seeds first in the order given (duplicates
// dropped), then round by round, and returns the extended slice. The set
// returned (and the round in which each node activates) depends only on the
// seed set and w. It panics if a seed is outside 0..n-1.
//
// World w's randomness: edge e of layer i (global id Σ_{j<i} E_j + e) is
// live in an IC layer iff w.Edge(id) < p_e·2^53; the threshold of node v in
// the ℓ-th LT layer is θ = lo + (hi−lo)·w.Node(ℓ·n+v)/2^53.
func (s *Simulator) Reach(dst []int32, w diffusion.World, seeds []int) []int32 {
	m := s.m
	s.mark.Reset()
	if m.nLT > 0 {
		s.accM.Reset()
	}
	stamp, gen := s.mark.Stamp, s.mark.Gen
	start := len(dst)
	dst = s.mark.AppendSeeds(dst, seeds, m.n)
	var accStamp []uint32
	var accGen uint32
	if m.nLT > 0 {
		accStamp, accGen = s.accM.Stamp, s.accM.Gen
	}
	acc := s.acc
	constThr := m.thetaLo == m.thetaHi
	span := m.thetaHi - m.thetaLo
	lo := start
	for round := 0; m.rounds == 0 || round < m.rounds; round++ {
		hi := len(dst)
		if lo == hi {
			break
		}
		for i := lo; i < hi; i++ {
			u := dst[i]
			for _, a := range m.arcs[m.off[u]:m.off[u+1]] {
				v := a.dst
				if stamp[v] == gen {
					continue
				}
				if a.slot < 0 {
					if w.Edge(int(a.edge)) < a.val {
						stamp[v] = gen
						dst = append(dst, v)
					}
					continue
				}
				k := a.slot
				if accStamp[k] != accGen {
					accStamp[k] = accGen
					acc[k] = 0
				}
				acc[k] += a.val
				thr := m.thrLo
				if !constThr {
					theta := m.thetaLo + span*(float64(w.Node(int(k)))/diffusion.Unit)
					thr = quantize(theta)
				}
				if acc[k] >= thr {
					stamp[v] = gen
					dst = append(dst, v)
				}
			}
		}
		lo = hi
	}
	return dst
}
