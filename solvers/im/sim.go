package im

import (
	"fmt"
	"math"
)

// marks is a generation-stamped visited set: clearing it is O(1).
type marks struct {
	stamp []uint32
	gen   uint32
}

func newMarks(n int) marks { return marks{stamp: make([]uint32, n), gen: 0} }

// reset empties the set.
func (m *marks) reset() {
	m.gen++
	if m.gen == 0 {
		clear(m.stamp)
		m.gen = 1
	}
}

func (m *marks) has(v int32) bool { return m.stamp[v] == m.gen }
func (m *marks) add(v int32)      { m.stamp[v] = m.gen }

func checkNode(v, n int) {
	if v < 0 || v >= n {
		panic(fmt.Sprintf("im: node %d outside 0..%d", v, n-1))
	}
}

// ---- independent cascade ----

type icSampler struct {
	m       *IC
	mark    marks
	touched marks // geometric nodes whose live in-edges are drawn (Reach)
	live    marks // live in-edge positions of touched nodes
}

// geoGap returns the gap G = ⌊ln U / ln(1−p)⌋ ~ Geometric(p) (failures
// before a success) for the draw u, as a float (it may be huge).
func geoGap(u uint64, invLn float64) float64 {
	return math.Floor(math.Log(open01(u)) * invLn)
}

// drawLive marks the live in-edge positions of the geometric node v in w.
func (s *icSampler) drawLive(w World, v int32) {
	m := s.m
	lo := m.inOff[v]
	d := m.inOff[v+1] - lo
	invLn := m.geo[v]
	base := w.seqBase(int(v))
	pos := -1
	for t := uint64(1); ; t++ {
		g := geoGap(seqDraw(base, t), invLn)
		if g >= float64(d-1-pos) {
			break
		}
		pos += 1 + int(g)
		s.live.add(int32(lo + pos))
	}
	s.touched.add(v)
}

func (s *icSampler) Reach(dst []int32, w World, seeds []int) []int32 {
	m := s.m
	s.mark.reset()
	if m.nGeo > 0 {
		s.touched.reset()
		s.live.reset()
	}
	stamp, gen := s.mark.stamp, s.mark.gen
	start := len(dst)
	for _, v := range seeds {
		checkNode(v, m.n)
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
				if !s.touched.has(v) {
					s.drawLive(w, v)
				}
				live = s.live.has(m.inPos[e])
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

func (s *icSampler) RRSet(dst []int32, w World, root int) []int32 {
	m := s.m
	checkNode(root, m.n)
	s.mark.reset()
	stamp, gen := s.mark.stamp, s.mark.gen
	start := len(dst)
	stamp[root] = gen
	dst = append(dst, int32(root))
	in, inOff, geo := m.in, m.inOff, m.geo
	for i := start; i < len(dst); i++ {
		v := dst[i]
		lo, hi := inOff[v], inOff[v+1]
		if invLn := geo[v]; invLn != 0 {
			base := w.seqBase(int(v))
			d := hi - lo
			pos := -1
			for t := uint64(1); ; t++ {
				g := geoGap(seqDraw(base, t), invLn)
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

// ---- linear threshold (live-edge form) ----

type ltSampler struct {
	m    *LT
	mark marks
}

func (s *ltSampler) Reach(dst []int32, w World, seeds []int) []int32 {
	m := s.m
	s.mark.reset()
	start := len(dst)
	for _, v := range seeds {
		checkNode(v, m.n)
		if !s.mark.has(int32(v)) {
			s.mark.add(int32(v))
			dst = append(dst, int32(v))
		}
	}
	for i := start; i < len(dst); i++ {
		u := dst[i]
		for e := m.outOff[u]; e < m.outOff[u+1]; e++ {
			v := m.dst[e]
			if s.mark.has(v) || m.lo[e] == m.hi[e] {
				continue
			}
			if x := w.Node(int(v)); m.lo[e] <= x && x < m.hi[e] {
				s.mark.add(v)
				dst = append(dst, v)
			}
		}
	}
	return dst
}

func (s *ltSampler) RRSet(dst []int32, w World, root int) []int32 {
	m := s.m
	checkNode(root, m.n)
	s.mark.reset()
	v := int32(root)
	s.mark.add(v)
	dst = append(dst, v)
	for {
		x := w.Node(int(v))
		// The kept in-edge is the first i with inHi[i] > x, if any.
		lo, hi := m.inOff[v], m.inOff[v+1]
		if lo == hi || m.inHi[hi-1] <= x {
			return dst
		}
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if m.inHi[mid] <= x {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		u := m.inSrc[lo]
		if s.mark.has(u) {
			return dst
		}
		s.mark.add(u)
		dst = append(dst, u)
		v = u
	}
}

// ---- continuous-time independent cascade ----

type heapItem struct {
	d float64
	v int32
}

// minHeap is a binary min-heap on d with lazy deletion by the caller.
type minHeap []heapItem

func (h *minHeap) push(d float64, v int32) {
	a := append(*h, heapItem{d, v})
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].d <= a[i].d {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
	*h = a
}

func (h *minHeap) pop() heapItem {
	a := *h
	top := a[0]
	n := len(a) - 1
	a[0] = a[n]
	a = a[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && a[r].d < a[l].d {
			c = r
		}
		if a[i].d <= a[c].d {
			break
		}
		a[i], a[c] = a[c], a[i]
		i = c
	}
	*h = a
	return top
}

type ctSampler struct {
	m    *CTIC
	mark marks // dist[v] is valid
	done marks // v is settled
	dist []float64
	heap minHeap
}

// delay returns τ_e = −ln(U_e)/rate in world w.
func delay(w World, e int, rate float64) float64 {
	return -math.Log(open01(w.Edge(e))) / rate
}

func (s *ctSampler) Reach(dst []int32, w World, seeds []int) []int32 {
	m := s.m
	s.mark.reset()
	s.done.reset()
	s.heap = s.heap[:0]
	start := len(dst)
	for _, v := range seeds {
		checkNode(v, m.n)
		if !s.done.has(int32(v)) {
			s.done.add(int32(v))
			s.mark.add(int32(v))
			s.dist[v] = 0
			dst = append(dst, int32(v))
		}
	}
	relax := func(u int32, du float64) {
		for e := m.outOff[u]; e < m.outOff[u+1]; e++ {
			x := m.dst[e]
			r := m.rate[e]
			if r == 0 || s.done.has(x) {
				continue
			}
			d := du + delay(w, e, r)
			if d > m.t {
				continue
			}
			if !s.mark.has(x) || d < s.dist[x] {
				s.mark.add(x)
				s.dist[x] = d
				s.heap.push(d, x)
			}
		}
	}
	for i := start; i < len(dst); i++ {
		relax(dst[i], 0)
	}
	for len(s.heap) > 0 {
		it := s.heap.pop()
		if s.done.has(it.v) || it.d > s.dist[it.v] {
			continue
		}
		s.done.add(it.v)
		dst = append(dst, it.v)
		relax(it.v, it.d)
	}
	return dst
}

func (s *ctSampler) RRSet(dst []int32, w World, root int) []int32 {
	m := s.m
	checkNode(root, m.n)
	s.mark.reset()
	s.done.reset()
	s.heap = s.heap[:0]
	r := int32(root)
	s.mark.add(r)
	s.dist[r] = 0
	s.heap.push(0, r)
	for len(s.heap) > 0 {
		it := s.heap.pop()
		v := it.v
		if s.done.has(v) || it.d > s.dist[v] {
			continue
		}
		s.done.add(v)
		dst = append(dst, v)
		for j := m.inOff[v]; j < m.inOff[v+1]; j++ {
			u := m.inSrc[j]
			rate := m.inRate[j]
			if rate == 0 || s.done.has(u) {
				continue
			}
			d := it.d + delay(w, int(m.inEdge[j]), rate)
			if d > m.t {
				continue
			}
			if !s.mark.has(u) || d < s.dist[u] {
				s.mark.add(u)
				s.dist[u] = d
				s.heap.push(d, u)
			}
		}
	}
	return dst
}
