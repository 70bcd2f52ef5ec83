package graphs

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
)

// ReadMatrixMarket reads the adjacency matrix of a graph from a MatrixMarket
// coordinate file:
//
//	%%MatrixMarket matrix coordinate pattern|real|integer general|symmetric
//	% comments
//	n n nnz
//	i j [a_ij]     (nnz lines, 1-based)
//
// Entry (i, j) is the edge i → j with weight a_ij (real or integer files;
// pattern files give a graph without weights). A symmetric file stores each
// undirected edge once and gives an undirected graph; a general file gives a
// directed graph unless opt.Undirected is set. The external ids are the
// 1-based indices "1".."n", and every one of the n nodes exists even if it
// has no entry, so node index i has id i+1. The banner may start with one
// '%' instead of two (as in Network Repository's web-sk-2005.mtx) and its
// words are case-insensitive; blank lines and '%' lines are skipped
// anywhere. It returns a *ParseError for a bad banner, a non-square size, a
// size above opt.MaxNodes, an index outside 1..n, a value that is not a
// finite number (or not an integer in an integer file), a wrong column count,
// or a number of entries different from nnz (a truncated file).
// name is used in error messages.
func ReadMatrixMarket(r io.Reader, name string, opt ReadOptions) (*Graph, BuildStats, error) {
	lr := newLineReader(r, name)
	line, ok := lr.next()
	if !ok {
		if lr.err != nil {
			return nil, BuildStats{}, lr.err
		}
		return nil, BuildStats{}, parseErr(name, 0, "empty file, want a %%%%MatrixMarket banner")
	}
	field, symmetric, err := parseMMBanner(line)
	if err != nil {
		return nil, BuildStats{}, parseErr(name, 1, "%v", err)
	}
	var f [4][]byte
	n, nnz, sizeLine := -1, 0, 0
	count := 0
	cols := 2
	var el edgeList
	if field != "pattern" {
		cols = 3
		el.weighted = true
	}
	for {
		rest, ok := lr.data(nil)
		if !ok {
			break
		}
		nf := splitFields(rest, f[:])
		if n < 0 {
			var rows, cs, nz int
			ok1, ok2, ok3 := false, false, false
			if nf == 3 {
				rows, ok1 = parseCount(f[0])
				cs, ok2 = parseCount(f[1])
				nz, ok3 = parseCount(f[2])
			}
			if !ok1 || !ok2 || !ok3 {
				return nil, BuildStats{}, parseErr(name, lr.line, "want a size line \"rows cols nnz\", got %q", clip(rest))
			}
			if rows != cs {
				return nil, BuildStats{}, parseErr(name, lr.line, "matrix is %d×%d, an adjacency matrix must be square", rows, cs)
			}
			if rows > opt.maxNodes() {
				return nil, BuildStats{}, parseErr(name, lr.line, "%d nodes exceed the limit of %d (ReadOptions.MaxNodes)", rows, opt.maxNodes())
			}
			n, nnz, sizeLine = rows, nz, lr.line
			capacity := min(nnz, 1<<16)
			el.src = make([]int, 0, capacity)
			el.dst = make([]int, 0, capacity)
			el.lines = make([]int, 0, capacity)
			if el.weighted {
				el.w = make([]float64, 0, capacity)
			}
			continue
		}
		if nf != cols {
			return nil, BuildStats{}, parseErr(name, lr.line, "want %d columns for a %s matrix entry, got %d", cols, field, nf)
		}
		if count == nnz {
			return nil, BuildStats{}, parseErr(name, lr.line, "more entries than the %d declared on line %d", nnz, sizeLine)
		}
		i, ok1 := parseIndex(f[0])
		j, ok2 := parseIndex(f[1])
		if !ok1 || i < 1 || i > n {
			return nil, BuildStats{}, parseErr(name, lr.line, "row index %q not in 1..%d", f[0], n)
		}
		if !ok2 || j < 1 || j > n {
			return nil, BuildStats{}, parseErr(name, lr.line, "column index %q not in 1..%d", f[1], n)
		}
		w := math.NaN()
		if cols == 3 {
			if field == "integer" {
				v, err := strconv.ParseInt(string(f[2]), 10, 64)
				if err != nil {
					return nil, BuildStats{}, parseErr(name, lr.line, "value %q is not an integer", f[2])
				}
				w = float64(v)
			} else {
				x, err := parseFinite(f[2])
				if err != nil {
					return nil, BuildStats{}, parseErr(name, lr.line, "%v", err)
				}
				w = x
			}
		}
		el.add(i-1, j-1, w, lr.line)
		count++
	}
	if lr.err != nil {
		return nil, BuildStats{}, lr.err
	}
	if n < 0 {
		return nil, BuildStats{}, parseErr(name, lr.line, "file ends before the size line")
	}
	if count != nnz {
		return nil, BuildStats{}, parseErr(name, lr.line, "file ends after %d of the %d entries declared on line %d (truncated?)", count, nnz, sizeLine)
	}
	ids := make([]string, n)
	index := make(map[string]int, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i + 1)
		index[ids[i]] = i
	}
	bo := opt.BuildOptions
	bo.Undirected = bo.Undirected || symmetric
	return el.build(name, n, ids, index, func(i int) string { return ids[i] }, bo)
}

// parseMMBanner checks the MatrixMarket banner line and returns its field
// (pattern, real, integer) and whether the matrix is symmetric.
func parseMMBanner(line []byte) (field string, symmetric bool, err error) {
	var f [6][]byte
	nf := splitFields(line, f[:])
	if nf == 0 || !(bytes.EqualFold(f[0], []byte("%%MatrixMarket")) || bytes.EqualFold(f[0], []byte("%MatrixMarket"))) {
		return "", false, fmt.Errorf("want a banner \"%%%%MatrixMarket matrix coordinate <field> <symmetry>\", got %q", clip(line))
	}
	if nf != 5 {
		return "", false, fmt.Errorf("banner has %d words, want 5: %%%%MatrixMarket matrix coordinate <field> <symmetry>", nf)
	}
	lower := func(b []byte) string { return string(bytes.ToLower(b)) }
	if lower(f[1]) != "matrix" {
		return "", false, fmt.Errorf("object %q is not supported, want matrix", f[1])
	}
	if lower(f[2]) != "coordinate" {
		return "", false, fmt.Errorf("format %q is not supported, want coordinate (a sparse matrix)", f[2])
	}
	switch field = lower(f[3]); field {
	case "pattern", "real", "integer":
	default:
		return "", false, fmt.Errorf("field %q is not supported, want pattern, real or integer", f[3])
	}
	switch lower(f[4]) {
	case "general":
	case "symmetric":
		symmetric = true
	default:
		return "", false, fmt.Errorf("symmetry %q is not supported, want general or symmetric", f[4])
	}
	return field, symmetric, nil
}

// ReadMatrixMarketFile is ReadMatrixMarket on the file at path (decompressed
// if it ends in ".gz"); errors name the path.
func ReadMatrixMarketFile(path string, opt ReadOptions) (*Graph, BuildStats, error) {
	return withFile(path, func(r io.Reader) (*Graph, BuildStats, error) { return ReadMatrixMarket(r, path, opt) })
}

// WriteMatrixMarket writes the adjacency matrix of g as a MatrixMarket
// coordinate file: node index i is row and column i+1, so external ids are
// not kept (reading back gives ids "1".."N" with the same indices and edge
// ids). The field is "real" when g has weights (shortest exact float form)
// and "pattern" otherwise. A directed graph is "general" with one entry per
// edge in edge id order; an undirected graph is "symmetric" with each
// undirected edge once in the lower triangle (row > column), in PairEdge
// order, with the weight of PairEdge[p].
func WriteMatrixMarket(w io.Writer, g *Graph) error {
	ew := newEdgeWriter(w, "MatrixMarket")
	bw := ew.bw
	field, sym := "pattern", "general"
	if g.Weight != nil {
		field = "real"
	}
	if g.Undirected() {
		sym = "symmetric"
	}
	fmt.Fprintf(bw, "%%%%MatrixMarket matrix coordinate %s %s\n%% written by spread graphs: node index i is row/column i+1\n%d %d %d\n", field, sym, g.N, g.N, g.NumPairs())
	node := indexFrom(1)
	for _, e := range snapEdges(g) {
		u, v := g.Src[e], g.Dst[e]
		if g.Undirected() {
			u, v = v, u // lower triangle
		}
		ew.edge("", u, v, node, g.Weight, e)
	}
	return ew.flush()
}

// WriteMatrixMarketFile writes g with WriteMatrixMarket to path atomically
// (see WriteFile).
func WriteMatrixMarketFile(path string, g *Graph) error {
	return WriteFile(path, func(w io.Writer) error { return WriteMatrixMarket(w, g) })
}
