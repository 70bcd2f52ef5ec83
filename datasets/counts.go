package datasets

import (
	"encoding/binary"
	"slices"

	"github.com/spread-dev/spread/models/ic"
)

// Counts builds SLICER's count tables from c.
//
// With groupBySeeds, cascades are grouped into one class per distinct seed
// set (the nodes with time 0, possibly empty); class s has Seeds sorted
// increasingly, P0 = p̄^s = 1 on Seeds and 0 elsewhere, and the classes are
// ordered by their seed sets compared lexicographically, so the result is
// deterministic. Otherwise all cascades form one stochastic class with
// Seeds nil and P0 a copy of p0 (p̄; ignored with groupBySeeds).
//
// For each class s and observed node i, Counts[i*(T+1)+τ] = m_i^s(τ), the
// number of cascades of s in which i has activation time τ (τ = T when i is
// absent: censored), so each observed row sums to M_s. Rows of hidden nodes
// are zero. observed is copied into the result; nil means every node is
// observed. Memory is (number of classes)·N·(T+1) float64s, so grouping by
// seed set suits few distinct seed sets (or small graphs).
//
// It panics if observed is non-nil with length other than c.N, or if
// groupBySeeds is false and len(p0) != c.N.
func Counts(c *Cascades, observed []bool, groupBySeeds bool, p0 []float64) *ic.Observations {
	N, T := c.N, c.T
	if observed != nil && len(observed) != N {
		panic("datasets: Counts: len(observed) != N")
	}
	if !groupBySeeds && len(p0) != N {
		panic("datasets: Counts: len(p0) != N for the stochastic class")
	}
	obs := &ic.Observations{N: N, T: T}
	if observed != nil {
		obs.Observed = slices.Clone(observed)
	}
	isObs := func(i int32) bool { return observed == nil || observed[i] }

	// classOf[k] is the class of cascade k; classes are numbered in order of
	// first appearance, then renumbered by seed set.
	M := c.M()
	classOf := make([]int, M)
	var seedSets [][]int32
	if groupBySeeds {
		index := make(map[string]int)
		var key []byte
		for k := 0; k < M; k++ {
			seeds := c.Seeds(k)
			key = key[:0]
			for _, v := range seeds {
				key = binary.LittleEndian.AppendUint32(key, uint32(v))
			}
			s, ok := index[string(key)]
			if !ok {
				s = len(seedSets)
				index[string(key)] = s
				seedSets = append(seedSets, seeds)
			}
			classOf[k] = s
		}
		order := make([]int, len(seedSets)) // order[rank] = first-appearance class
		for s := range order {
			order[s] = s
		}
		slices.SortFunc(order, func(a, b int) int { return slices.Compare(seedSets[a], seedSets[b]) })
		rank := make([]int, len(order))
		for r, s := range order {
			rank[s] = r
		}
		for k := range classOf {
			classOf[k] = rank[classOf[k]]
		}
		sorted := make([][]int32, len(order))
		for r, s := range order {
			sorted[r] = seedSets[s]
		}
		seedSets = sorted
	} else {
		seedSets = [][]int32{nil}
	}

	obs.Classes = make([]ic.Class, len(seedSets))
	for s := range obs.Classes {
		cl := &obs.Classes[s]
		cl.Counts = make([]float64, N*(T+1))
		if groupBySeeds {
			cl.Seeds = make([]int, len(seedSets[s]))
			cl.P0 = make([]float64, N)
			for j, v := range seedSets[s] {
				cl.Seeds[j] = int(v)
				cl.P0[v] = 1
			}
		} else {
			cl.P0 = slices.Clone(p0)
		}
	}
	for k := 0; k < M; k++ {
		cl := &obs.Classes[classOf[k]]
		cl.M++
		nodes, times := c.Cascade(k)
		for j, v := range nodes {
			if isObs(v) {
				row := int(v) * (T + 1)
				cl.Counts[row+int(times[j])]++
				cl.Counts[row+T]-- // undo the censored count added below
			}
		}
	}
	// Every observed node starts censored in every cascade of its class.
	for s := range obs.Classes {
		cl := &obs.Classes[s]
		for i := 0; i < N; i++ {
			if isObs(int32(i)) {
				cl.Counts[i*(T+1)+T] += float64(cl.M)
			}
		}
	}
	return obs
}
