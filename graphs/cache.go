package graphs

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// CacheSuffix is appended to a graph file's path to name its binary cache.
const CacheSuffix = ".spreadg"

// cacheFormat names the cache layout; a cache of another layout is ignored.
const cacheFormat = "spread graph cache v1"

// cacheFile is the binary cache of a parsed graph: every CSR array as
// built, so that loading it is one gob decode instead of parsing text and
// sorting edges, and the key of what it was built from.
type cacheFile struct {
	Format string
	// The source file's size and modification time, and the options it was
	// read with: a cache whose key differs from the file's is stale.
	SrcSize    int64
	SrcModTime time.Time
	Options    string
	Stats      BuildStats

	N                                       int
	Src, Dst, OutOff, InOff, InEdges, InPos []int
	Rev, Pair, PairEdge                     []int
	Weight                                  []float64
	IDs                                     []string
	MaxInDegree                             int
}

// WriteCache writes the binary cache of g, read from the file src with opt
// (and BuildStats st), to src + CacheSuffix, atomically. ReadPath then loads
// the cache instead of parsing src, as long as src's size and modification
// time and the options are those recorded.
func WriteCache(src string, g *Graph, st BuildStats, opt ReadOptions) error {
	fi, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("graphs: cache: %w", err)
	}
	c := cacheFile{
		Format: cacheFormat, SrcSize: fi.Size(), SrcModTime: fi.ModTime(), Options: fmt.Sprintf("%+v", opt), Stats: st,
		N: g.N, Src: g.Src, Dst: g.Dst, OutOff: g.OutOff, InOff: g.InOff, InEdges: g.InEdges, InPos: g.InPos,
		Rev: g.Rev, Pair: g.Pair, PairEdge: g.PairEdge, Weight: g.Weight, IDs: g.ids, MaxInDegree: g.MaxInDegree,
	}
	return WriteFile(src+CacheSuffix, func(w io.Writer) error { return gob.NewEncoder(w).Encode(&c) })
}

// errStaleCache marks a cache that does not match its source; ReadPath then
// parses the source.
var errStaleCache = errors.New("stale cache")

// readCache loads the cache of src (described by fi) read with opt. It
// returns errStaleCache (wrapped) when the cache is absent or stale, and
// another error when it is damaged.
func readCache(src string, fi os.FileInfo, opt ReadOptions) (*Graph, BuildStats, error) {
	f, err := os.Open(src + CacheSuffix)
	if err != nil {
		return nil, BuildStats{}, fmt.Errorf("%w: %v", errStaleCache, err)
	}
	defer f.Close()
	var c cacheFile
	if err := gob.NewDecoder(f).Decode(&c); err != nil {
		return nil, BuildStats{}, fmt.Errorf("graphs: cache %s: %w", src+CacheSuffix, err)
	}
	if c.Format != cacheFormat || c.SrcSize != fi.Size() || !c.SrcModTime.Equal(fi.ModTime()) || c.Options != fmt.Sprintf("%+v", opt) {
		return nil, BuildStats{}, errStaleCache
	}
	g := &Graph{N: c.N, Src: c.Src, Dst: c.Dst, OutOff: c.OutOff, InOff: c.InOff, InEdges: c.InEdges, InPos: c.InPos,
		Rev: c.Rev, Pair: c.Pair, PairEdge: c.PairEdge, Weight: c.Weight, MaxInDegree: c.MaxInDegree}
	if err := g.checkCSR(); err != nil {
		return nil, BuildStats{}, fmt.Errorf("graphs: cache %s: %w", src+CacheSuffix, err)
	}
	if c.IDs != nil {
		if len(c.IDs) != c.N {
			return nil, BuildStats{}, fmt.Errorf("graphs: cache %s: %d ids for %d nodes", src+CacheSuffix, len(c.IDs), c.N)
		}
		g.ids = c.IDs
		g.index = make(map[string]int, len(c.IDs))
		for i, id := range c.IDs {
			g.index[id] = i
		}
	}
	return g, c.Stats, nil
}

// checkCSR verifies the invariants the solvers index by (lengths, ranges,
// in/out consistency), so that a damaged cache is an error, not a panic.
func (g *Graph) checkCSR() error {
	n, E := g.N, len(g.Src)
	bad := func(what string) error { return fmt.Errorf("inconsistent %s", what) }
	switch {
	case n < 0 || len(g.Dst) != E || len(g.Rev) != E || len(g.InEdges) != E || len(g.InPos) != E:
		return bad("array lengths")
	case len(g.OutOff) != n+1 || len(g.InOff) != n+1 || g.OutOff[0] != 0 || g.InOff[0] != 0 || g.OutOff[n] != E || g.InOff[n] != E:
		return bad("offsets")
	case g.Weight != nil && len(g.Weight) != E:
		return bad("weights")
	case g.Pair != nil && len(g.Pair) != E:
		return bad("pairing")
	}
	maxIn := 0
	for v := 0; v < n; v++ {
		if g.OutOff[v+1] < g.OutOff[v] || g.InOff[v+1] < g.InOff[v] {
			return bad("offsets")
		}
		for e := g.OutOff[v]; e < g.OutOff[v+1]; e++ {
			if g.Src[e] != v || g.Dst[e] < 0 || g.Dst[e] >= n {
				return bad("edges")
			}
		}
		for q := g.InOff[v]; q < g.InOff[v+1]; q++ {
			e := g.InEdges[q]
			if e < 0 || e >= E || g.Dst[e] != v || g.InPos[e] != q {
				return bad("in-edges")
			}
		}
		maxIn = max(maxIn, g.InOff[v+1]-g.InOff[v])
	}
	if maxIn != g.MaxInDegree {
		return bad("maximum in-degree")
	}
	for e, r := range g.Rev {
		if r < -1 || r >= E || (r >= 0 && (g.Src[r] != g.Dst[e] || g.Dst[r] != g.Src[e])) {
			return bad("reverse edges")
		}
	}
	for e, p := range g.Pair {
		if p < 0 || p >= len(g.PairEdge) || (g.PairEdge[p] != e && g.PairEdge[p] != g.Rev[e]) {
			return bad("pairing")
		}
	}
	return nil
}
