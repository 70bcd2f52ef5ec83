package diffusion

import "math/bits"

// World names one realisation of a diffusion model's randomness: a 64-bit
// key from which every random quantity of the realisation is a fixed
// function (a keyed SplitMix64 hash). The uniform draw attached to edge e is
// w.Edge(e), the one attached to node v is w.Node(v), the t-th draw of node
// v's private sequence is w.Seq(v).Draw(t), and the root of a
// reverse-reachable set is w.Root(n). See the package documentation for why
// this makes forward and reverse sampling consistent.
type World uint64

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

// Stream is a hashed (seed, stream) pair; world j of it is
// mix64(key + (j+1)·γ), the j-th output of a SplitMix64 generator.
type Stream uint64

// NewStream returns the stream with the given number under seed.
// Different stream numbers give independent worlds.
func NewStream(seed, stream uint64) Stream {
	return Stream(mix64(seed ^ mix64(stream)))
}

// World returns world j of the stream. For a fixed stream, j ↦ World(j) is
// injective.
func (k Stream) World(j uint64) World {
	return World(mix64(uint64(k) + (j+1)*gammaEdge))
}

// NewWorld returns world j of the given stream under seed; it equals
// NewStream(seed, stream).World(j).
func NewWorld(seed, stream, j uint64) World {
	return NewStream(seed, stream).World(j)
}

// Edge returns the uniform draw of edge e in w, an integer in [0, 2^53)
// (divide by Unit for a float in [0, 1)).
func (w World) Edge(e int) uint64 {
	return mix64(uint64(w)^(uint64(e)+1)*gammaEdge) >> 11
}

// Node returns the uniform draw of node v in w, an integer in [0, 2^53).
func (w World) Node(v int) uint64 {
	return mix64(uint64(w)^(uint64(v)+1)*gammaNode) >> 11
}

// Seq is the key of one node's private sequence of draws in a world, for
// models that need more than one draw per node (IC's geometric gaps).
type Seq uint64

// Seq returns the key of node v's sequence in w.
func (w World) Seq(v int) Seq {
	return Seq(mix64(uint64(w) ^ (uint64(v)+1)*gammaSeq))
}

// Draw returns draw t (t ≥ 1) of the sequence, uniform in [0, 2^53).
func (s Seq) Draw(t uint64) uint64 {
	return mix64(uint64(s)+t*gammaEdge) >> 11
}

// Root returns a node drawn uniformly from 0..n-1 (Lemire's multiply-shift;
// the bias is below n/2^64).
func (w World) Root(n int) int {
	hi, _ := bits.Mul64(mix64(uint64(w)), uint64(n))
	return int(hi)
}

// Unit is 2^53: draws u from Edge, Node and Draw are uniform on
// {0, …, Unit-1}.
const Unit = 1 << 53

// Threshold converts a probability p ∈ [0, 1] to the threshold t with
// P(u < t) = ⌈p·2^53⌉/2^53 for u uniform on [0, 2^53), i.e. the event
// "uniform float in [0,1) < p" up to 2^-53. p ≤ 0 gives 0 (never) and
// p ≥ 1 gives Unit (always).
func Threshold(p float64) uint64 {
	if p <= 0 {
		return 0
	}
	if p >= 1 {
		return Unit
	}
	x := p * Unit
	t := uint64(x)
	if float64(t) < x {
		t++
	}
	return t
}

// Open01 maps a 53-bit draw u to (u + ½)/2^53 rounded to float64: never 0
// (so its logarithm is finite), and below 1 except for the top draw
// u = 2^53 − 1, where the sum rounds to 2^53 and the result is exactly 1
// (probability 2^-53).
func Open01(u uint64) float64 {
	return (float64(u) + 0.5) * (1.0 / Unit)
}
