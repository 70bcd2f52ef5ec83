package diffusion

// Marks is a generation-stamped set of small non-negative integers (node
// or edge indices): v is in the set iff Stamp[v] == Gen. Reset empties it
// in O(1) by advancing Gen (clearing Stamp only when Gen wraps around).
// The fields are exported so that a hot loop can hoist them into locals:
//
//	stamp, gen := m.Stamp, m.Gen
//	if stamp[v] != gen { stamp[v] = gen; … }
//
// A hoisted copy is valid until the next Reset.
type Marks struct {
	Stamp []uint32
	Gen   uint32
}

// NewMarks returns an empty set over 0..n-1. Call Reset before first use
// (the zero generation marks every index).
func NewMarks(n int) Marks { return Marks{Stamp: make([]uint32, n)} }

// Reset empties the set.
func (m *Marks) Reset() {
	m.Gen++
	if m.Gen == 0 {
		clear(m.Stamp)
		m.Gen = 1
	}
}

// Has reports whether v is in the set.
func (m *Marks) Has(v int32) bool { return m.Stamp[v] == m.Gen }

// Add puts v in the set.
func (m *Marks) Add(v int32) { m.Stamp[v] = m.Gen }

// AppendSeeds adds to the set each of seeds not yet in it, appending it to
// dst in the order given, and returns the extended slice: the first step
// of a Sampler's Reach. It panics (CheckNode) if a seed is outside 0..n-1.
func (m *Marks) AppendSeeds(dst []int32, seeds []int, n int) []int32 {
	for _, v := range seeds {
		CheckNode(v, n)
		if m.Stamp[v] != m.Gen {
			m.Stamp[v] = m.Gen
			dst = append(dst, int32(v))
		}
	}
	return dst
}
