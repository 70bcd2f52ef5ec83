package ic

import (
	"math/rand/v2"

	"github.com/spread-dev/spread/graphs"
)

// exactMarginals returns the exact IC marginals P(τ_i ≤ t), t = 0..T−1, as a
// [T][N] row-major slice, by enumerating every realisation of the live-edge
// representation of IC: each directed edge e is live independently with
// probability alpha[e], each node is initially active independently with
// probability p0[i], and the activation time of a node is its BFS distance
// from the initial set along live edges. Edges with α ∈ {0, 1} and nodes with
// p̄ ∈ {0, 1} are not branched on. It panics if more than 24 binary choices
// remain (2^24 realisations).
func exactMarginals(g *graphs.Graph, alpha, p0 []float64, T int) []float64 {
	N, E := g.N, g.NumEdges()
	var freeEdges, freeNodes []int
	for e := 0; e < E; e++ {
		if alpha[e] != 0 && alpha[e] != 1 {
			freeEdges = append(freeEdges, e)
		}
	}
	for i := 0; i < N; i++ {
		if p0[i] != 0 && p0[i] != 1 {
			freeNodes = append(freeNodes, i)
		}
	}
	nb := len(freeEdges) + len(freeNodes)
	if nb > 24 {
		panic("exactMarginals: too many realisations")
	}
	live := make([]bool, E)
	seed := make([]bool, N)
	dist := make([]int, N)
	queue := make([]int, 0, N)
	out := make([]float64, T*N)
	for mask := 0; mask < 1<<nb; mask++ {
		w := 1.0
		for e := 0; e < E; e++ {
			live[e] = alpha[e] == 1
		}
		for i := 0; i < N; i++ {
			seed[i] = p0[i] == 1
		}
		for b, e := range freeEdges {
			if mask>>b&1 == 1 {
				live[e] = true
				w *= alpha[e]
			} else {
				w *= 1 - alpha[e]
			}
		}
		for b, i := range freeNodes {
			if mask>>(len(freeEdges)+b)&1 == 1 {
				seed[i] = true
				w *= p0[i]
			} else {
				w *= 1 - p0[i]
			}
		}
		if w == 0 {
			continue
		}
		queue = queue[:0]
		for i := range dist {
			dist[i] = -1
			if seed[i] {
				dist[i] = 0
				queue = append(queue, i)
			}
		}
		for h := 0; h < len(queue); h++ {
			u := queue[h]
			for e := g.OutOff[u]; e < g.OutOff[u+1]; e++ {
				v := g.Dst[e]
				if live[e] && dist[v] < 0 {
					dist[v] = dist[u] + 1
					queue = append(queue, v)
				}
			}
		}
		for i, d := range dist {
			if d < 0 {
				continue
			}
			for t := d; t < T; t++ {
				out[t*N+i] += w
			}
		}
	}
	return out
}

// randomTree returns the edges of a uniformly attached random tree on n nodes
// (node v > 0 attaches to a uniform earlier node).
func randomTree(rng *rand.Rand, n int) (src, dst []int) {
	for v := 1; v < n; v++ {
		src = append(src, rng.IntN(v))
		dst = append(dst, v)
	}
	return src, dst
}

// randomER returns the edges of an Erdős–Rényi graph G(n, q): every unordered
// pair once (u < v) when directed is false, every ordered pair otherwise.
func randomER(rng *rand.Rand, n int, q float64, directed bool) (src, dst []int) {
	for u := 0; u < n; u++ {
		for v := 0; v < n; v++ {
			if u == v || (!directed && v < u) {
				continue
			}
			if rng.Float64() < q {
				src = append(src, u)
				dst = append(dst, v)
			}
		}
	}
	return src, dst
}

// mustGraph builds a graph from edges or panics (test helper).
func mustGraph(n int, src, dst []int, undirected bool) *graphs.Graph {
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{Undirected: undirected})
	if err != nil {
		panic(err)
	}
	return g
}
