package slicer

import (
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
)

// MeanAbsError returns the paper's ℓ1 estimation error
//
//	(1/|K|) Σ_{k∈K} |θ_k − θ*_k|,   K = {k : exclude == nil or !exclude[k]},
//
// the mean absolute error over the parameters not excluded (e.g. the edges
// of EdgesTouchingHiddenLeaves). It returns NaN when K is empty. For a
// mixture, pass one replica's slice.
//
// It panics if len(theta) != len(thetaStar) or exclude is non-nil with a
// different length.
func MeanAbsError(theta, thetaStar []float64, exclude []bool) float64 {
	if len(theta) != len(thetaStar) {
		panic(fmt.Sprintf("slicer: MeanAbsError: len(theta) = %d, len(thetaStar) = %d", len(theta), len(thetaStar)))
	}
	if exclude != nil && len(exclude) != len(theta) {
		panic(fmt.Sprintf("slicer: MeanAbsError: len(exclude) = %d, want %d", len(exclude), len(theta)))
	}
	sum, n := 0.0, 0
	for k, a := range theta {
		if exclude != nil && exclude[k] {
			continue
		}
		sum += math.Abs(a - thetaStar[k])
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// EdgesTouchingHiddenLeaves returns a mask over the parameters of g
// (len g.NumPairs(), the θ layout of models/ic) that is true for every edge
// with a hidden leaf as an endpoint: the original code's
// find_unobserved_leaves, whose edges the paper leaves out of the
// estimation error on trees (docs/SLICER.md §2), since an unobserved
// leaf's edge leaves no trace in the observed activation times. A leaf is a
// node with exactly one distinct neighbour, ignoring edge direction. A nil
// observed means every node is observed (all false).
//
// It panics if observed is non-nil and len(observed) != g.N.
func EdgesTouchingHiddenLeaves(g *graphs.Graph, observed []bool) []bool {
	P := g.NumPairs()
	mask := make([]bool, P)
	if observed == nil {
		return mask
	}
	if len(observed) != g.N {
		panic(fmt.Sprintf("slicer: EdgesTouchingHiddenLeaves: len(observed) = %d, want %d nodes", len(observed), g.N))
	}
	param := func(e int) int {
		if g.Pair != nil {
			return g.Pair[e]
		}
		return e
	}
	for i := 0; i < g.N; i++ {
		if observed[i] || !isLeaf(g, i) {
			continue
		}
		for e := g.OutOff[i]; e < g.OutOff[i+1]; e++ {
			mask[param(e)] = true
		}
		for _, e := range g.InEdges[g.InOff[i]:g.InOff[i+1]] {
			mask[param(e)] = true
		}
	}
	return mask
}

// isLeaf reports whether node i has exactly one distinct neighbour (self
// loops ignored).
func isLeaf(g *graphs.Graph, i int) bool {
	nb := -1
	see := func(j int) bool {
		if j == i {
			return true
		}
		if nb >= 0 && j != nb {
			return false
		}
		nb = j
		return true
	}
	for e := g.OutOff[i]; e < g.OutOff[i+1]; e++ {
		if !see(g.Dst[e]) {
			return false
		}
	}
	for _, e := range g.InEdges[g.InOff[i]:g.InOff[i+1]] {
		if !see(g.Src[e]) {
			return false
		}
	}
	return nb >= 0
}
