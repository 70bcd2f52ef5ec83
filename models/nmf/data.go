package nmf

import (
	"fmt"
	"math"
)

// Cascade is one observed cascade C = (S, τ): its sources (infected at
// t = 0) and its other infections, node Nodes[j] at time Times[j] in
// (0, T]. Nodes not listed were not infected by T.
type Cascade struct {
	Sources []int
	Nodes   []int
	Times   []float64
}

// Check returns an error if c is not a cascade on n nodes with horizon T:
// a node out of range or listed twice, a time not in (0, T].
func (c Cascade) Check(n int, T float64) error {
	seen := make(map[int]bool, len(c.Sources)+len(c.Nodes))
	for _, s := range c.Sources {
		if s < 0 || s >= n || seen[s] {
			return fmt.Errorf("models/nmf: source %d out of range or repeated", s)
		}
		seen[s] = true
	}
	if len(c.Nodes) != len(c.Times) {
		return fmt.Errorf("models/nmf: %d nodes but %d times", len(c.Nodes), len(c.Times))
	}
	for j, v := range c.Nodes {
		if v < 0 || v >= n || seen[v] {
			return fmt.Errorf("models/nmf: node %d out of range or repeated", v)
		}
		seen[v] = true
		if t := c.Times[j]; !(t > 0 && t <= T) || math.IsNaN(t) {
			return fmt.Errorf("models/nmf: node %d has time %v outside (0, %v]", v, t, T)
		}
	}
	return nil
}

// event is one infection as the loss reads it: row b, node i, and the
// weights of λ_i = W0·g_i(m_K) + W1·g_i(m_{K+1}) on grid interval K.
type event struct {
	row, node, k int
	w0, w1       float64
}

// events returns the loss terms of the cascades under cfg's grid and mode.
func (cfg Config) events(cs []Cascade) []event {
	K := cfg.Steps
	h := cfg.T / float64(K)
	var ev []event
	for b, c := range cs {
		var grid []float64 // row b's own grid (Exact): every event is a grid point
		if cfg.Events == Exact {
			grid = cfg.CascadeGrid(c)
		}
		for j, i := range c.Nodes {
			u := c.Times[j] / h
			e := event{row: b, node: i}
			switch cfg.Events {
			case Exact:
				k := gridIndex(grid, c.Times[j])
				if k == len(grid)-1 {
					e.k, e.w1 = k-1, 1
				} else {
					e.k, e.w0 = k, 1
				}
			case Nearest:
				k := int(math.Round(u))
				if k >= K {
					e.k, e.w1 = K-1, 1
				} else {
					e.k, e.w0 = k, 1
				}
			default:
				k := min(int(math.Floor(u)), K-1)
				w := u - float64(k)
				e.k, e.w0, e.w1 = k, 1-w, w
			}
			ev = append(ev, e)
		}
	}
	return ev
}

// infectedMask returns the B×n indicator of nodes infected by T (sources
// included) and the B×n source indicator χ.
func infectedMask(n int, cs []Cascade) (inf, chi []float64) {
	inf, chi = make([]float64, len(cs)*n), make([]float64, len(cs)*n)
	for b, c := range cs {
		for _, s := range c.Sources {
			chi[b*n+s], inf[b*n+s] = 1, 1
		}
		for _, v := range c.Nodes {
			inf[b*n+v] = 1
		}
	}
	return inf, chi
}
