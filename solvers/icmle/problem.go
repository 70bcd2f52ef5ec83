package icmle

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/spread-dev/spread/graphs"
)

// Problem holds the sufficient statistics of the full-observation IC
// likelihood on one graph and horizon, accumulated cascade by cascade with
// Add or AddSparse (see the package documentation): the failure counts F_q
// per parameter and the distinct success events with their multiplicities.
// Its memory is O(P + number of distinct events), independent of the number
// of cascades. A Problem is not safe for concurrent use; its evaluation
// methods (LogLik, Gradient) only read it and may run concurrently with
// each other.
type Problem struct {
	g     *graphs.Graph
	t     int
	m     int
	param []int32 // param[e]: index in θ of edge e

	fail    []float64 // F_q
	evOff   []int     // event ev has parameters evIdx[evOff[ev]:evOff[ev+1]]
	evIdx   []int32
	evCount []float64 // c_ev

	// Build-time state.
	index  map[string]int // sorted parameter list → event id
	tau    []int32        // AddSparse's dense times, all T between calls
	active []int32
	cand   []int32
	key    []byte
}

// NewProblem returns an empty Problem for cascades on g with horizon T
// (activation times 0..T−1, T = censored). It panics if T < 1 or g has 2^31
// nodes or edges or more.
func NewProblem(g *graphs.Graph, T int) *Problem {
	if T < 1 {
		panic(fmt.Sprintf("icmle: NewProblem: horizon T = %d, want T ≥ 1", T))
	}
	if g.N > math.MaxInt32 || g.NumEdges() > math.MaxInt32 || T > math.MaxInt32-1 {
		panic("icmle: NewProblem: graph or horizon too large for int32 indices")
	}
	p := &Problem{
		g: g, t: T,
		param: make([]int32, g.NumEdges()),
		fail:  make([]float64, g.NumPairs()),
		evOff: []int{0},
		index: make(map[string]int),
		tau:   make([]int32, g.N),
	}
	for e := range p.param {
		if g.Pair != nil {
			p.param[e] = int32(g.Pair[e])
		} else {
			p.param[e] = int32(e)
		}
	}
	for i := range p.tau {
		p.tau[i] = int32(T)
	}
	return p
}

// Graph returns the graph of p.
func (p *Problem) Graph() *graphs.Graph { return p.g }

// T returns the horizon of p.
func (p *Problem) T() int { return p.t }

// NumParams returns the number of parameters, ic.NumParams(g).
func (p *Problem) NumParams() int { return len(p.fail) }

// NumCascades returns the number of cascades added.
func (p *Problem) NumCascades() int { return p.m }

// NumEvents returns the number of distinct success events (parameter sets).
func (p *Problem) NumEvents() int { return len(p.evCount) }

// Evidence returns, for parameter q, the number of observed failures F_q and
// the number of success-event occurrences that involve q (Σ_{ev∋q} c_ev).
// Both zero means the data say nothing about q. It costs O(Σ_ev |ev|).
func (p *Problem) Evidence(q int) (failures, events float64) {
	for ev, c := range p.evCount {
		for _, r := range p.evIdx[p.evOff[ev]:p.evOff[ev+1]] {
			if int(r) == q {
				events += c
			}
		}
	}
	return p.fail[q], events
}

// Add adds one fully observed cascade given as dense activation times:
// times[i] = τ_i ∈ 0..T for every node i (T = censored), len(times) = N.
// It returns an error, and leaves p unchanged, if the length or a value is
// out of range or if a node activated at 1 ≤ τ_i ≤ T−1 has no in-neighbour
// active at τ_i − 1 (an impossible cascade under IC on this graph). It does
// not modify or retain times.
func (p *Problem) Add(times []int32) error {
	g := p.g
	if len(times) != g.N {
		return fmt.Errorf("icmle: cascade %d: %d activation times for %d nodes", p.m, len(times), g.N)
	}
	T := int32(p.t)
	p.active = p.active[:0]
	for i, x := range times {
		if x < 0 || x > T {
			return fmt.Errorf("icmle: cascade %d: node %s has activation time %d outside 0..%d", p.m, g.ID(i), x, T)
		}
		if x < T {
			p.active = append(p.active, int32(i))
		}
	}
	return p.add(times)
}

// AddSparse adds one fully observed cascade given as its activated nodes
// and their activation times in 0..T−1 (as ic.Cascade and
// datasets.Cascades.Cascade provide them), in any order; nodes not listed
// are censored. It returns an error, and leaves p unchanged, for a node
// index out of range, a repeated node, a time outside 0..T−1, or an
// impossible activation (see Add). It does not modify or retain its
// arguments.
func (p *Problem) AddSparse(nodes, times []int32) error {
	g := p.g
	if len(nodes) != len(times) {
		return fmt.Errorf("icmle: cascade %d: %d nodes and %d times", p.m, len(nodes), len(times))
	}
	T := int32(p.t)
	p.active = p.active[:0]
	var err error
	for j, v := range nodes {
		x := times[j]
		switch {
		case v < 0 || int(v) >= g.N:
			err = fmt.Errorf("icmle: cascade %d: node index %d outside 0..%d", p.m, v, g.N-1)
		case x < 0 || x >= T:
			err = fmt.Errorf("icmle: cascade %d: node %s has activation time %d outside 0..%d", p.m, g.ID(int(v)), x, T-1)
		case p.tau[v] != T:
			err = fmt.Errorf("icmle: cascade %d: node %s listed twice", p.m, g.ID(int(v)))
		}
		if err != nil {
			break
		}
		p.tau[v] = x
		p.active = append(p.active, v)
	}
	if err == nil {
		err = p.add(p.tau)
	}
	for _, v := range p.active {
		p.tau[v] = T
	}
	return err
}

// add adds the cascade with dense times tau and active nodes p.active.
func (p *Problem) add(tau []int32) error {
	g := p.g
	T := int32(p.t)
	src, dst, inOff, inEdges, param := g.Src, g.Dst, g.InOff, g.InEdges, p.param
	// Check first, so that an error leaves p unchanged.
	for _, i := range p.active {
		ti := tau[i]
		if ti == 0 {
			continue
		}
		ok := false
		for _, k := range inEdges[inOff[i]:inOff[i+1]] {
			if tau[src[k]] == ti-1 {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("icmle: cascade %d: node %s activated at τ = %d but no in-neighbour was active at τ−1 = %d", p.m, g.ID(int(i)), ti, ti-1)
		}
	}
	// Failures: an attempt at τ_k + 1 ≤ τ_i − 1 that did not activate i
	// (for censored i: τ_k + 1 ≤ T − 1).
	for _, k := range p.active {
		tk := tau[k]
		if tk > T-2 {
			continue
		}
		for e := g.OutOff[k]; e < g.OutOff[k+1]; e++ {
			if tk <= tau[dst[e]]-2 {
				p.fail[param[e]]++
			}
		}
	}
	// Success events: the in-edges active one slot before i.
	for _, i := range p.active {
		ti := tau[i]
		if ti == 0 {
			continue
		}
		p.cand = p.cand[:0]
		for _, k := range inEdges[inOff[i]:inOff[i+1]] {
			if tau[src[k]] == ti-1 {
				p.cand = append(p.cand, param[k])
			}
		}
		slices.Sort(p.cand)
		key := p.key[:0]
		for _, q := range p.cand {
			key = binary.LittleEndian.AppendUint32(key, uint32(q))
		}
		p.key = key
		if ev, ok := p.index[string(key)]; ok {
			p.evCount[ev]++
			continue
		}
		p.index[string(key)] = len(p.evCount)
		p.evIdx = append(p.evIdx, p.cand...)
		p.evOff = append(p.evOff, len(p.evIdx))
		p.evCount = append(p.evCount, 1)
	}
	p.m++
	return nil
}
