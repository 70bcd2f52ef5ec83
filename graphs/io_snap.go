package graphs

import (
	"bytes"
	"fmt"
	"io"
	"math"
)

// ReadSNAP reads an edge list in the SNAP style: one edge "u v" or "u v w"
// per line, fields separated by any mix of spaces, tabs and commas, "\n" or
// "\r\n" line ends. Blank lines and lines whose first non-blank byte is '#'
// or '%' are comments. Node ids are arbitrary tokens kept as external ids,
// numbered in order of first appearance (see ReadOptions.NumNodes for 0-based
// files). The optional third column is a weight or probability: it must parse
// as a finite float, and either every edge line has one or none does; a
// fourth column is an error. name is used in error messages.
//
// Two comment forms are read as data: a line "#@nodes a b c ..." creates the
// listed nodes, in order, before the edges that follow, and a line
// "#@undirected" anywhere makes the graph undirected, as if opt.Undirected
// were set. WriteSNAP emits "#@nodes"
// lines when the graph has nodes without edges or when numbering by first
// appearance would not reproduce its node order, so a written graph reads
// back with the same indices and edge ids. Other tools see comments.
//
// opt.Undirected makes every line an undirected edge, so a file that lists
// both u v and v u (as SNAP's ca-GrQc does) has one duplicate per pair;
// opt.CountsLine requires a leading "n m" line; without it such a line is
// detected when unambiguous (see ReadOptions.CountsLine) and reported in
// BuildStats.CountsLine. Malformed input gives a
// *ParseError naming name and the line; ReadSNAP never panics on any input.
func ReadSNAP(r io.Reader, name string, opt ReadOptions) (*Graph, BuildStats, error) {
	lr := newLineReader(r, name)
	t := newInterner(opt.NumNodes)
	var el edgeList
	ncols, ncolsLine := 0, 0
	countsPending := opt.CountsLine
	countsLine, wantN, wantM := 0, 0, 0
	edges := 0
	var f [3][]byte
	// cand is a first line "n m" that may be counts or an edge; it is kept
	// aside (its ids not numbered) until the end of the file decides.
	var cand struct {
		line, n, m int
		u, v       string
		preN       int // nodes numbered before it (by #@nodes)
	}
	detect := !opt.CountsLine && !opt.NoCountsLine
	directives := func(rest []byte) {
		if detect && bytes.HasPrefix(rest, snapHeader) {
			detect = false // our own files have no counts line
		}
		if args, ok := directive(rest, "nodes"); ok {
			eachField(args, func(tok []byte) { t.id(tok) })
		}
		if _, ok := directive(rest, "undirected"); ok {
			opt.Undirected = true
		}
	}
	for {
		rest, ok := lr.data(directives)
		if !ok {
			break
		}
		nf := splitFields(rest, f[:])
		if countsPending {
			var n, m int
			okn, okm := false, false
			if nf == 2 {
				n, okn = parseCount(f[0])
				m, okm = parseCount(f[1])
			}
			if !okn || !okm {
				return nil, BuildStats{}, parseErr(name, lr.line, "want a counts line \"n m\" (CountsLine is set), got %q", clip(rest))
			}
			countsPending = false
			countsLine, wantN, wantM = lr.line, n, m
			continue
		}
		if detect {
			detect = false
			if nf == 2 {
				n, okn := parseCount(f[0])
				m, okm := parseCount(f[1])
				if okn && okm && m >= 1 {
					cand.line, cand.n, cand.m = lr.line, n, m
					cand.u, cand.v = string(f[0]), string(f[1])
					cand.preN = t.n()
					continue
				}
			}
		}
		switch {
		case nf < 2:
			return nil, BuildStats{}, parseErr(name, lr.line, "want \"u v\" or \"u v w\", got %d column", nf)
		case nf > 3:
			return nil, BuildStats{}, parseErr(name, lr.line, "want \"u v\" or \"u v w\", got %d columns", nf)
		}
		if ncols == 0 {
			ncols, ncolsLine = nf, lr.line
			el.weighted = nf == 3
		} else if nf != ncols {
			return nil, BuildStats{}, parseErr(name, lr.line, "%d columns but line %d has %d: weights must be given for all edges or none", nf, ncolsLine, ncols)
		}
		w := math.NaN()
		if nf == 3 {
			x, err := parseFinite(f[2])
			if err != nil {
				return nil, BuildStats{}, parseErr(name, lr.line, "%v", err)
			}
			w = x
		}
		el.add(t.id(f[0]), t.id(f[1]), w, lr.line)
		edges++
	}
	if lr.err != nil {
		return nil, BuildStats{}, lr.err
	}
	var stats BuildStats
	if cand.line > 0 {
		_, usedU := t.lookup(cand.u)
		_, usedV := t.lookup(cand.v)
		// Before weighted lines a two-column line cannot be an edge, so the
		// counts need only match; before two-column lines the numbers must
		// also not be node ids.
		if edges == cand.m && t.n() <= cand.n && (ncols == 3 || !usedU && !usedV) {
			stats.CountsLine = cand.line
		} else {
			if ncols == 3 {
				return nil, BuildStats{}, parseErr(name, cand.line, "2 columns but line %d has 3: weights must be given for all edges or none (as a counts line \"n m\" it would announce %d edges, but the file has %d edge lines after it)", ncolsLine, cand.m, edges)
			}
			t = el.prependEdge(t, opt.NumNodes, cand.preN, cand.u, cand.v, cand.line)
		}
	}
	if opt.CountsLine {
		stats.CountsLine = countsLine
		if countsPending {
			return nil, BuildStats{}, parseErr(name, 0, "no counts line \"n m\" (CountsLine is set)")
		}
		if edges != wantM {
			return nil, BuildStats{}, parseErr(name, countsLine, "counts line says %d edges but the file has %d edge lines (truncated?)", wantM, edges)
		}
		if t.n() > wantN {
			return nil, BuildStats{}, parseErr(name, countsLine, "counts line says %d nodes but the file names %d distinct nodes", wantN, t.n())
		}
	}
	ids, index := t.table()
	g, st, err := el.build(name, t.n(), ids, index, t.name, opt.BuildOptions)
	st.CountsLine = stats.CountsLine
	return g, st, err
}

// snapHeader starts the first line WriteSNAP writes.
var snapHeader = []byte("# spread graphs edge list")

// ReadSNAPFile is ReadSNAP on the file at path (decompressed if it ends in
// ".gz"); errors name the path.
func ReadSNAPFile(path string, opt ReadOptions) (*Graph, BuildStats, error) {
	return withFile(path, func(r io.Reader) (*Graph, BuildStats, error) { return ReadSNAP(r, path, opt) })
}

// clip shortens a line for an error message.
func clip(b []byte) string {
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}

// WriteSNAP writes g as a SNAP edge list with external ids: two comment
// lines ("# ... directed|undirected ..." and "# nodes N edges E"), "#@nodes"
// lines when needed to preserve node order and nodes without edges (see
// ReadSNAP), then one line "u v" or "u v w" per edge in edge id order,
// weights in the shortest form that parses back to the same float64. An
// undirected graph is written with each undirected edge once, as
// PairEdge[p] (smaller index first) with its weight, E counts those lines,
// and a "#@undirected" line makes ReadSNAP read it back as undirected. It returns an error,
// before writing anything, if an id is empty, contains whitespace or a
// comma, or starts with '#' or '%'.
func WriteSNAP(w io.Writer, g *Graph) error {
	if err := checkWritableIDs(g, "an edge list"); err != nil {
		return err
	}
	ew := newEdgeWriter(w, "edge list")
	bw := ew.bw
	kind := "directed"
	if g.Undirected() {
		kind = "undirected (each edge once)"
	}
	weighted := ""
	if g.Weight != nil {
		weighted = ", weighted: u v w"
	}
	fmt.Fprintf(bw, "# spread graphs edge list, %s%s\n# nodes %d edges %d\n", kind, weighted, g.N, g.NumPairs())
	if g.Undirected() {
		fmt.Fprintf(bw, "#@undirected\n")
	}
	edges := snapEdges(g)
	ord := newNaturalOrder(g.N)
	for _, e := range edges {
		ord.visit(g.Src[e])
		ord.visit(g.Dst[e])
	}
	if !ord.complete() {
		ew.buf = writeNodesDirective(bw, g, ew.buf)
	}
	node := externalIDs(g)
	for _, e := range edges {
		ew.edge("", g.Src[e], g.Dst[e], node, g.Weight, e)
	}
	return ew.flush()
}

// snapEdges returns the edges a line format writes: all of them for a
// directed graph, PairEdge for an undirected one.
func snapEdges(g *Graph) []int {
	if g.Undirected() {
		return g.PairEdge
	}
	e := make([]int, g.NumEdges())
	for i := range e {
		e[i] = i
	}
	return e
}

// WriteSNAPFile writes g with WriteSNAP to path atomically (see WriteFile).
func WriteSNAPFile(path string, g *Graph) error {
	return WriteFile(path, func(w io.Writer) error { return WriteSNAP(w, g) })
}
