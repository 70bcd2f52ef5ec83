package graphs

import (
	"fmt"
	"math"
	"strconv"
)

// streamERMultiplex is the PCG stream of ERMultiplex's node assignment.
const streamERMultiplex = 0x7370726561642d6d // "spread-m"

// table2 holds the layer node counts of MIM-Reasoner's Table 2 (Do et al.,
// AISTATS 2024, App. C.1) for 3..9 layers; each row sums to 5,000.
var table2 = [][]int{
	{500, 2000, 2500},
	{500, 1000, 1500, 2000},
	{200, 600, 1000, 1400, 1800},
	{200, 400, 600, 800, 1200, 1800},
	{100, 200, 400, 600, 800, 1200, 1700},
	{100, 200, 300, 500, 600, 800, 1000, 1500},
	{100, 200, 300, 400, 500, 600, 700, 800, 1400},
}

// Table2Sizes returns the layer node counts of the synthetic multiplexes of
// MIM-Reasoner's Table 2 for k = 3..9 layers (a fresh slice). It returns an
// error for other k.
func Table2Sizes(k int) ([]int, error) {
	if k < 3 || k > 9 {
		return nil, fmt.Errorf("graphs: Table2Sizes: %d layers, the table has 3..9", k)
	}
	return append([]int(nil), table2[k-3]...), nil
}

// ERMultiplex returns a synthetic multiplex in the manner of MIM-Reasoner's
// Table 2: layer i is an undirected Erdős–Rényi graph G(n_i, p) with mean
// degree meanDegree (ErdosRenyi; the paper's 5,000 nodes and 25,000 edges
// are Σ n_i = 5000 with meanDegree 10), and o = round(overlap·max_i n_i)
// users are shared by every layer ("overlap computed on the layer with the
// most nodes"). Layer i places min(n_i, o) of its nodes on a uniformly
// chosen subset of the o shared users and the rest on users of its own; a
// layer smaller than o is padded with the remaining shared users as
// isolated nodes, which is the paper's "isolated nodes to maintain the
// correct number of overlaps". The multiplex has
//
//	N = o + Σ_i max(n_i − o, 0)
//
// nodes: shared users 0..o−1, then each layer's own users in layer order.
// This reading reproduces Table 2's totals: "Total nodes" = k·max n_i
// (every layer padded to the largest) and "Total edges" = Σ_i n_i·meanDegree/2
// + o·(k−1) (one interlayer coupling edge per shared user and consecutive
// pair of layers). The same seed gives the identical multiplex.
//
// It returns an error if a size is negative, overlap is outside [0, 1] or
// meanDegree is invalid for a layer (see ErdosRenyi).
func ERMultiplex(sizes []int, overlap, meanDegree float64, seed uint64) (*Multiplex, error) {
	if len(sizes) == 0 {
		return nil, fmt.Errorf("graphs: ERMultiplex: no layers")
	}
	if !(overlap >= 0 && overlap <= 1) {
		return nil, fmt.Errorf("graphs: ERMultiplex: overlap %v outside [0, 1]", overlap)
	}
	nmax := 0
	for i, n := range sizes {
		if n < 0 {
			return nil, fmt.Errorf("graphs: ERMultiplex: layer %d has %d nodes", i+1, n)
		}
		nmax = max(nmax, n)
	}
	o := int(math.Round(overlap * float64(nmax)))
	N := o
	for _, n := range sizes {
		N += max(n-o, 0)
	}
	r := newRand(seed, streamERMultiplex)
	perm := make([]int, o)
	layers := make([]*Graph, len(sizes))
	names := make([]string, len(sizes))
	next := o // next own user id
	for i, n := range sizes {
		// Node j of the ER graph is user id[j]: a random subset of the
		// shared users first, then the layer's own users.
		for j := range perm {
			perm[j] = j
		}
		id := make([]int, n)
		shared := min(n, o)
		for j := 0; j < shared; j++ { // partial Fisher–Yates
			k := j + r.IntN(o-j)
			perm[j], perm[k] = perm[k], perm[j]
			id[j] = perm[j]
		}
		for j := shared; j < n; j++ {
			id[j] = next
			next++
		}
		er, err := ErdosRenyi(n, meanDegree, seed^uint64(i+1)*0x9e3779b97f4a7c15)
		if err != nil {
			return nil, fmt.Errorf("graphs: ERMultiplex: layer %d: %w", i+1, err)
		}
		src, dst := make([]int, 0, er.NumPairs()), make([]int, 0, er.NumPairs())
		for _, e := range er.PairEdge {
			src, dst = append(src, id[er.Src[e]]), append(dst, id[er.Dst[e]])
		}
		g, _, err := FromEdges(N, src, dst, nil, simpleUndirected())
		if err != nil {
			return nil, fmt.Errorf("graphs: ERMultiplex: layer %d: %w", i+1, err)
		}
		layers[i], names[i] = g, strconv.Itoa(i+1)
	}
	return NewMultiplex(names, layers)
}
