// Package distheap is the binary min-heap of (distance, node) pairs that
// the Dijkstra-style searches of continuous-time cascades share (the CTIC
// world sampler and simulator, ConTinEst's least-label lists): no
// container/heap interface calls, no allocation once grown, lazy deletion
// left to the caller.
package distheap

// Item is one entry: a node and its tentative distance (time).
type Item struct {
	D float64
	V int32
}

// Heap is a min-heap on Item.D. The zero value is an empty heap; reuse it
// across searches with h = h[:0].
type Heap []Item

// Push adds (d, v).
func (h *Heap) Push(d float64, v int32) {
	a := append(*h, Item{d, v})
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].D <= a[i].D {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
	*h = a
}

// Pop removes and returns the item of least D. It panics on an empty heap.
func (h *Heap) Pop() Item {
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
		if r := l + 1; r < n && a[r].D < a[l].D {
			c = r
		}
		if a[i].D <= a[c].D {
			break
		}
		a[i], a[c] = a[c], a[i]
		i = c
	}
	*h = a
	return top
}
