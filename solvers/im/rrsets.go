package im

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/spread-dev/spread/models/diffusion"
)

// RR sets are generated and stored in chunks of rrChunk consecutive ids; the
// chunk partition is global (chunk c holds sets c·rrChunk … (c+1)·rrChunk−1),
// so the collection does not depend on how many workers fill it.
const (
	rrChunkShift = 10
	rrChunk      = 1 << rrChunkShift
	rrChunkMask  = rrChunk - 1
)

// rrSets is a growing collection R of RR sets: set j lives in chunk
// j>>rrChunkShift as nodes[off[l]:off[l+1]], l = j&rrChunkMask. Its inverted
// index (node → ids of the sets that contain it) is kept as one CSR block per
// call to grow, so growing never rebuilds the index of earlier sets.
type rrSets struct {
	n      int
	key    diffusion.Stream // set j is sampled in world key.World(j)
	chunks []rrChunkData
	total  int64 // number of stored node entries
	blocks []rrBlock
	occ    []int32 // occ[v] = number of sets containing v
}

// rrChunkData holds rrChunk sets in flat storage.
type rrChunkData struct {
	nodes []int32
	off   []int32 // rrChunk+1 offsets into nodes
}

// rrBlock is the inverted index of the sets first..last-1:
// ids[start[v]:start[v+1]] are the (increasing) ids of those containing v.
type rrBlock struct {
	first, last int
	start       []int64
	ids         []int32
}

func newRRSets(n int, key diffusion.Stream) *rrSets {
	return &rrSets{n: n, key: key, occ: make([]int32, n)}
}

// count returns |R|, always a multiple of rrChunk.
func (r *rrSets) count() int { return len(r.chunks) << rrChunkShift }

// set returns the nodes of set j (root first).
func (r *rrSets) set(j int) []int32 {
	c := &r.chunks[j>>rrChunkShift]
	l := j & rrChunkMask
	return c.nodes[c.off[l]:c.off[l+1]]
}

// grow samples sets count()..to'-1, to' = to rounded up to a multiple of
// rrChunk, with the given samplers (one per worker), and indexes them.
func (r *rrSets) grow(to int, samplers []diffusion.Sampler) {
	from := r.count()
	if to <= from {
		return
	}
	c0 := len(r.chunks)
	c1 := (to + rrChunkMask) >> rrChunkShift
	r.chunks = append(r.chunks, make([]rrChunkData, c1-c0)...)
	var next atomic.Int64
	var total atomic.Int64
	work := func(s diffusion.Sampler) {
		var buf []int32
		var sum int64
		for {
			c := c0 + int(next.Add(1)-1)
			if c >= c1 {
				break
			}
			off := make([]int32, rrChunk+1)
			buf = buf[:0]
			for l := 0; l < rrChunk; l++ {
				w := r.key.World(uint64(c<<rrChunkShift + l))
				buf = s.RRSet(buf, w, w.Root(r.n))
				off[l+1] = int32(len(buf))
			}
			r.chunks[c] = rrChunkData{nodes: append([]int32(nil), buf...), off: off}
			sum += int64(len(buf))
		}
		total.Add(sum)
	}
	nw := min(len(samplers), c1-c0)
	if nw <= 1 {
		work(samplers[0])
	} else {
		var wg sync.WaitGroup
		for _, s := range samplers[:nw] {
			wg.Add(1)
			go func() { defer wg.Done(); work(s) }()
		}
		wg.Wait()
	}
	r.total += total.Load()
	r.index(from, r.count(), len(samplers))
}

// index builds the inverted-index block of the sets from..to-1 (whole
// chunks). With W workers the chunks are split into W contiguous ranges
// that are counted and filled in parallel; the ids of each node stay in
// increasing order, so the block does not depend on W.
func (r *rrSets) index(from, to, workers int) {
	n := r.n
	c0, c1 := from>>rrChunkShift, to>>rrChunkShift
	W := max(1, min(workers, (to-from)/indexMinSets))
	bounds := make([]int, W+1) // chunk ranges
	for w := range bounds {
		bounds[w] = c0 + (c1-c0)*w/W
	}
	// cnt[w][v]: occurrences of v in range w, then its fill position.
	cnt := make([][]int64, W)
	parallel(W, func(w int) {
		cv := make([]int64, n)
		for _, ch := range r.chunks[bounds[w]:bounds[w+1]] {
			for _, v := range ch.nodes {
				cv[v]++
			}
		}
		cnt[w] = cv
	})
	start := make([]int64, n+1)
	for v := 0; v < n; v++ {
		pos := start[v]
		for w := 0; w < W; w++ {
			c := cnt[w][v]
			cnt[w][v] = pos
			pos += c
		}
		r.occ[v] += int32(pos - start[v])
		start[v+1] = pos
	}
	ids := make([]int32, start[n])
	parallel(W, func(w int) {
		fill := cnt[w]
		for c := bounds[w]; c < bounds[w+1]; c++ {
			ch := &r.chunks[c]
			for l := 0; l < rrChunk; l++ {
				j := int32(c<<rrChunkShift + l)
				for _, v := range ch.nodes[ch.off[l]:ch.off[l+1]] {
					ids[fill[v]] = j
					fill[v]++
				}
			}
		}
	})
	r.blocks = append(r.blocks, rrBlock{first: from, last: to, start: start, ids: ids})
}

// indexMinSets is the smallest range of sets worth a goroutine in index.
const indexMinSets = 1 << 16

// parallel runs f(0), …, f(W-1) on W goroutines (inline when W = 1).
func parallel(W int, f func(w int)) {
	if W == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < W; w++ {
		wg.Add(1)
		go func() { defer wg.Done(); f(w) }()
	}
	wg.Wait()
}

// selection is the result of greedy maximum coverage.
type selection struct {
	seeds   []int
	gains   []int64 // newly covered sets per seed
	covered int64   // sets covered by all seeds
}

// maxCover runs greedy maximum coverage over R: k rounds, each taking the
// candidate contained in the most not-yet-covered sets (ties to the smaller
// node index). The counts deg[v] are kept exact by decrementing them as sets
// get covered; a max-heap holds possibly stale counts, and a popped entry
// whose count is stale is pushed back with its current count (lazy
// evaluation; counts only decrease). cand nil means all nodes.
func (r *rrSets) maxCover(k int, cand []int) selection {
	n := r.n
	deg := make([]int32, n)
	copy(deg, r.occ)
	covered := make([]bool, r.count())
	// Heap keys pack (count, node) so that a larger key is a larger count,
	// then a smaller node.
	pack := func(d int32, v int) uint64 { return uint64(d)<<32 | uint64(math.MaxUint32-uint32(v)) }
	var h []uint64
	if cand == nil {
		h = make([]uint64, n)
		for v := range h {
			h[v] = pack(deg[v], v)
		}
	} else {
		h = make([]uint64, len(cand))
		for i, v := range cand {
			h[i] = pack(deg[v], v)
		}
	}
	down := func(i int) {
		m := len(h)
		for {
			l := 2*i + 1
			if l >= m {
				return
			}
			c := l
			if r := l + 1; r < m && h[r] > h[l] {
				c = r
			}
			if h[c] <= h[i] {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	sel := selection{seeds: make([]int, 0, k), gains: make([]int64, 0, k)}
	for len(sel.seeds) < k && len(h) > 0 {
		top := h[0]
		v := int(math.MaxUint32 - uint32(top))
		d := int32(top >> 32)
		if d != deg[v] {
			h[0] = pack(deg[v], v)
			down(0)
			continue
		}
		last := len(h) - 1
		h[0] = h[last]
		h = h[:last]
		down(0)
		for _, b := range r.blocks {
			for _, j := range b.ids[b.start[v]:b.start[v+1]] {
				if covered[j] {
					continue
				}
				covered[j] = true
				for _, u := range r.set(int(j)) {
					deg[u]--
				}
			}
		}
		sel.seeds = append(sel.seeds, v)
		sel.gains = append(sel.gains, int64(d))
		sel.covered += int64(d)
	}
	return sel
}
