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

// drawLive marks the live in-edge positions of the geometric node v in w.
func (s *sampler) drawLive(w diffusion.World, v int32) {
	m := s.m
	lo := m.inOff[v]
	d := m.inOff[v+1] - lo
	invLn := m.geo[v]
	seq := w.Seq(int(v))
	pos := -1
	for t := uint64(1); ; t++ {
		g := geoGap(seq.Draw(t), invLn)
		if g >= float64(d-1-pos) {
			break
		}
		pos += 1 + int(g)
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
	stamp, gen := s.mark.Stamp, s.mark.Gen
	start := len(dst)
	for _, v := range seeds {
		diffusion.CheckNode(v, m.n)
		if stamp[v] != gen {
			stamp[v] = gen
			dst = append(dst, int32(v))
		}
	}
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
				live = s.live.Has(m.inPos[e])
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
			pos := -1
			for t := uint64(1); ; t++ {
				g := geoGap(seq.Draw(t), invLn)
				if g >= float64(d-1-pos) {
					break
				}
				pos += 1 + int(g)
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
