package im

import "math/bits"

// World names one realisation of a diffusion model's randomness: a 64-bit
// key from which every random quantity of the realisation is a fixed
// function (a keyed SplitMix64 hash). The uniform draw attached to edge e is
// w.Edge(e), the one attached to node v is w.Node(v) (IC also keys a short
// per-node sequence by (w, v), see IC), and the root of a reverse-reachable
// set is w.Root(n). Because these do not depend on the order in which a
// simulation visits edges, a World is a live-edge graph
// in the sense of Kempe, Kleinberg and Tardos (2003): forward simulation from
// any seed set and reverse sampling from any root see the same graph. So,
// for every model in this package,
//
//	v ∈ RRSet(w, r)  ⇔  r ∈ Reach(w, {v}),
//
// and the Monte-Carlo average over a fixed list of worlds is a coverage
// function of the seed set, hence exactly monotone and submodular.
type World uint64

// Stream domains keep the worlds of different uses independent under one
// seed: the MC oracle's run r, IMM's RR set j and IMM's fresh phase-2 RR set
// j are different worlds even when r = j.
const (
	streamMC  uint64 = 0x6d63 // "mc"
	streamRR  uint64 = 0x7272 // "rr"
	streamRR2 uint64 = 0x7232 // "r2"
)

const (
	gammaEdge = 0x9e3779b97f4a7c15 // odd; golden-ratio increment of SplitMix64
	gammaNode = 0xd1b54a32d192ed03 // odd; a second, unrelated increment
	gammaSeq  = 0x8cb92ba72f3d8dd7 // odd; keys the per-node sequences
)

// mix64 is the SplitMix64 finaliser (Stafford's variant 13), a bijection
// of uint64 with full avalanche.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// NewWorld returns world j of the given stream under seed. For fixed seed
// and stream, j ↦ NewWorld(seed, stream, j) is injective. The package's
// own streams (MC runs, IMM's RR sets) use small private stream numbers;
// any other value gives worlds independent of them.
func NewWorld(seed, stream, j uint64) World {
	return newStream(seed, stream).world(j)
}

// streamKey is the hashed (seed, stream) pair; world j of it is
// mix64(key + (j+1)·γ), i.e. the j-th output of a SplitMix64 generator.
type streamKey uint64

func newStream(seed, stream uint64) streamKey {
	return streamKey(mix64(seed ^ mix64(stream)))
}

func (k streamKey) world(j uint64) World {
	return World(mix64(uint64(k) + (j+1)*gammaEdge))
}

// Edge returns the uniform draw of edge e in w, an integer in [0, 2^53)
// (divide by 2^53 for a float in [0, 1)).
func (w World) Edge(e int) uint64 {
	return mix64(uint64(w)^(uint64(e)+1)*gammaEdge) >> 11
}

// Node returns the uniform draw of node v in w, an integer in [0, 2^53).
func (w World) Node(v int) uint64 {
	return mix64(uint64(w)^(uint64(v)+1)*gammaNode) >> 11
}

// seqBase returns the key of node v's sequence of draws in w; draw t ≥ 1
// of it is seqDraw(base, t).
func (w World) seqBase(v int) uint64 {
	return mix64(uint64(w) ^ (uint64(v)+1)*gammaSeq)
}

// seqDraw returns draw t of a per-node sequence, uniform in [0, 2^53).
func seqDraw(base, t uint64) uint64 {
	return mix64(base+t*gammaEdge) >> 11
}

// Root returns a node drawn uniformly from 0..n-1 (Lemire's multiply-shift;
// the bias is below n/2^64).
func (w World) Root(n int) int {
	hi, _ := bits.Mul64(mix64(uint64(w)), uint64(n))
	return int(hi)
}

// unit53 is 2^53: draws u from Edge and Node are uniform on {0, …, unit53-1}.
const unit53 = 1 << 53

// prob53 converts a probability p ∈ [0, 1] to the threshold t with
// P(u < t) = ⌈p·2^53⌉/2^53 for u uniform on [0, 2^53), i.e. the event
// "uniform float in [0,1) < p" up to 2^-53.
func prob53(p float64) uint64 {
	if p <= 0 {
		return 0
	}
	if p >= 1 {
		return unit53
	}
	x := p * unit53
	t := uint64(x)
	if float64(t) < x {
		t++
	}
	return t
}

// open01 maps a 53-bit draw to a float in the open interval (0, 1).
func open01(u uint64) float64 {
	return (float64(u) + 0.5) * (1.0 / unit53)
}
