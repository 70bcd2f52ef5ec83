package ad

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// Segments groups m entries into n segments: entry j belongs to segment
// id[j], or to none when id[j] = -1. It is the CSR form of id (the members of
// each segment, in increasing entry order), computed once and shared by every
// op built from it. A Segments is immutable and safe for concurrent use.
type Segments struct {
	n   int
	id  []int
	ptr []int // len n+2: segment c is entries at(ptr[c]) … at(ptr[c+1]-1); c = n holds the id -1 entries
	ord []int // entry at CSR position p; nil when id is non-decreasing with no -1 (the identity)
}

// NewSegments returns the grouping of the len(id) entries into n segments
// given by id. n must be ≥ 1, id non-empty, and every id[j] in [-1, n);
// otherwise it returns an error. Segments keeps id (it does not copy it): do
// not modify id afterwards.
func NewSegments(id []int, n int) (*Segments, error) {
	if n < 1 {
		return nil, fmt.Errorf("ad: NewSegments: n = %d, want ≥ 1", n)
	}
	if err := checkIndex("NewSegments", "id", id, n, true); err != nil {
		return nil, err
	}
	return newSegments(id, n), nil
}

// withSegments builds the grouping of id into n segments, as NewSegments,
// and applies the op f over it.
func withSegments(id []int, n int, f func(*Segments) (*G.Node, error)) (*G.Node, error) {
	s, err := NewSegments(id, n)
	if err != nil {
		return nil, err
	}
	return f(s)
}

// newSegments builds the CSR of a validated id.
func newSegments(id []int, n int) *Segments {
	s := &Segments{n: n, id: id, ptr: make([]int, n+2)}
	sorted := true
	for j, c := range id {
		if c < 0 {
			c = n
			sorted = false
		} else if j > 0 && c < id[j-1] {
			sorted = false
		}
		s.ptr[c+1]++
	}
	for c := 1; c < len(s.ptr); c++ {
		s.ptr[c] += s.ptr[c-1]
	}
	if sorted {
		return s
	}
	s.ord = make([]int, len(id))
	next := make([]int, n+1)
	copy(next, s.ptr[:n+1])
	for j, c := range id {
		if c < 0 {
			c = n
		}
		s.ord[next[c]] = j
		next[c]++
	}
	return s
}

// Len returns the number of entries, len(id).
func (s *Segments) Len() int { return len(s.id) }

// NumSegments returns the number of segments n.
func (s *Segments) NumSegments() int { return s.n }

// ID returns the slice of segment ids the grouping was built from. It must
// not be modified.
func (s *Segments) ID() []int { return s.id }

// at returns the entry at CSR position p.
func (s *Segments) at(p int) int {
	if s.ord == nil {
		return p
	}
	return s.ord[p]
}
