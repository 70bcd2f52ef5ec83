package ic

import (
	"math"

	"github.com/spread-dev/spread/models/diffusion"
)

// sampler is Model's diffusion.Sampler.
type sampler struct {
	m       *Model
	mark    diffusion.Marks
	touched diffusion.Marks // geometric nodes whose live in-edges are drawn (Reach)
	live    diffusion.Marks // live in-edge positions of touched nodes
}

// geoGap returns the gap G = ⌊ln U / ln(1−p)⌋ ~ Geometric(p) (failures
// before a success) for the draw u, as a float (it may be huge).
func geoGap(u uint64, invLn float64) float64 {
	return math.Floor(math.Log(diffusion.Open01(u)) * invLn)
}

// nextGeo advances a walk over the d in-edge positions of a geometric node
// by one geometric gap: from position pos (−1 before the first) and draw
// counter t (1 for the first draw) it returns the next live position and
// the next counter, or ok = false when the gap runs past the end.
func nextGeo(seq diffusion.Seq, invLn float64, d, pos int, t uint64) (next int, tNext uint64, ok bool) {
	g := geoGap(seq.Draw(t), invLn)
	if g >= float64(d-1-pos) {
		return pos, t, false
	}
	return pos + 1 + int(g), t + 1, true
}

// drawLive marks the live in-edge positions of the geometric node v in w.
func (s *sampler) drawLive(w diffusion.World, v int32) {
	m := s.m
	lo := m.inOff[v]
	d := m.inOff[v+1] - lo
	invLn := m.geo[v]
	seq := w.Seq(int(v))
	for pos, t, ok := nextGeo(seq, invLn, d, -1, 1); ok; pos, t, ok = nextGeo(seq, invLn, d, pos, t) {
		s.live.Add(int32(lo + pos))
	}
	s.touched.Add(v)
}

// Reach implements diffusion.Sampler.
func (s *sampler) Reach(dst []int32, w diffusion.World, seeds []int) []int32 {
	m := s.m
	s.mark.Reset()
	if m.nGeo > 0 {
		s.touched.Reset()
		s.live.Reset()
	}
	start := len(dst)
	dst = s.mark.AppendSeeds(dst, seeds, m.n)
	stamp, gen := s.mark.Stamp, s.mark.Gen
	outOff, out, thr, geo := m.outOff, m.dst, m.thr, m.geo
	for i := start; i < len(dst); i++ {
		u := dst[i]
		for e := outOff[u]; e < outOff[u+1]; e++ {
			v := out[e]
			if stamp[v] == gen {
				continue
			}
			var live bool
			if geo[v] != 0 {
				if !s.touched.Has(v) {
					s.drawLive(w, v)
				}
				live = s.live.Has(int32(m.inPos[e]))
			} else {
				live = w.Edge(e) < thr[e]
			}
			if live {
				stamp[v] = gen
				dst = append(dst, v)
			}
		}
	}
	return dst
}

// RRSet implements diffusion.Sampler.
func (s *sampler) RRSet(dst []int32, w diffusion.World, root int) []int32 {
	m := s.m
	diffusion.CheckNode(root, m.n)
	s.mark.Reset()
	stamp, gen := s.mark.Stamp, s.mark.Gen
	start := len(dst)
	stamp[root] = gen
	dst = append(dst, int32(root))
	in, inOff, geo := m.in, m.inOff, m.geo
	for i := start; i < len(dst); i++ {
		v := dst[i]
		lo, hi := inOff[v], inOff[v+1]
		if invLn := geo[v]; invLn != 0 {
			seq := w.Seq(int(v))
			d := hi - lo
			for pos, t, ok := nextGeo(seq, invLn, d, -1, 1); ok; pos, t, ok = nextGeo(seq, invLn, d, pos, t) {
				if u := in[lo+pos].src; stamp[u] != gen {
					stamp[u] = gen
					dst = append(dst, u)
				}
			}
			continue
		}
		for _, a := range in[lo:hi] {
			// The draw is pure arithmetic; test it before touching the
			// (randomly accessed) visited stamp.
			if w.Edge(int(a.edge)) < a.thr && stamp[a.src] != gen {
				stamp[a.src] = gen
				dst = append(dst, a.src)
			}
		}
	}
	return dst
}
