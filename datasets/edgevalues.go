package datasets

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
)

// ReadEdgeValues reads one value per model parameter of g from lines
// "u v value" (external ids, fields separated by spaces, tabs or commas;
// blank lines and '#' comments skipped): the transmission probabilities α of
// an IC model, the "alpha.txt" of spread ic learn.
//
// The layout follows models/ic: for an undirected graph there is one value
// per undirected edge (g.NumPairs(), indexed by g.Pair), and a line may name
// the edge in either direction; for a directed graph one value per edge.
// Every parameter must be given exactly once. With prob set, values must lie
// in [0,1]. Errors name the input and line: a wrong column count, an unknown
// node, a pair that is not an edge of g, a non-finite or out-of-range value,
// a repeated edge; a missing edge is reported with the first one missing.
func ReadEdgeValues(r io.Reader, name string, g *graphs.Graph, prob bool) ([]float64, error) {
	where := readWhere(name)
	P := g.NumPairs()
	vals := make([]float64, P)
	seen := make([]bool, P)
	err := readLines(r, where, func(line int, s string) error {
		f := splitFields(s)
		if len(f) != 3 {
			return fmt.Errorf("%s line %d: want \"u v value\", got %d fields", where, line, len(f))
		}
		e, err := lineEdge(g, where, line, f[0], f[1], g.Undirected())
		if err != nil {
			return err
		}
		x, err := lineValue(where, line, f[2], prob)
		if err != nil {
			return err
		}
		p := e
		if g.Pair != nil {
			p = g.Pair[e]
		}
		if seen[p] {
			return fmt.Errorf("%s line %d: edge %s–%s given twice", where, line, f[0], f[1])
		}
		seen[p], vals[p] = true, x
		return nil
	})
	if err != nil {
		return nil, err
	}
	for p, ok := range seen {
		if !ok {
			e := g.ParamEdge(p)
			return nil, fmt.Errorf("%s: no value for edge %s→%s (and %d more missing)", where, g.ID(g.Src[e]), g.ID(g.Dst[e]), countFalse(seen[p+1:]))
		}
	}
	return vals, nil
}

func countFalse(b []bool) int {
	n := 0
	for _, x := range b {
		if !x {
			n++
		}
	}
	return n
}

// ReadEdgeValuesFile is ReadEdgeValues on the named file.
func ReadEdgeValuesFile(path string, g *graphs.Graph, prob bool) ([]float64, error) {
	return openFile(path, func(r io.Reader) ([]float64, error) { return ReadEdgeValues(r, path, g, prob) })
}

// WriteEdgeValues writes vals (one per parameter of g, the layout of
// ReadEdgeValues) as "u v value" lines with external ids, undirected edges
// once (source id first as stored in g.PairEdge), values in the shortest
// representation that reads back exactly.
func WriteEdgeValues(w io.Writer, g *graphs.Graph, vals []float64) error {
	if len(vals) != g.NumPairs() {
		return fmt.Errorf("datasets: WriteEdgeValues: %d values for %d parameters", len(vals), g.NumPairs())
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# u v value (%d parameters)\n", len(vals))
	buf := make([]byte, 0, 64)
	for p, x := range vals {
		e := g.ParamEdge(p)
		buf = append(buf[:0], g.ID(g.Src[e])...)
		buf = append(buf, ' ')
		buf = append(buf, g.ID(g.Dst[e])...)
		buf = append(buf, ' ')
		buf = strconv.AppendFloat(buf, x, 'g', -1, 64)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("datasets: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	return nil
}

// WriteEdgeValuesFile writes the file atomically (temporary file + rename).
func WriteEdgeValuesFile(path string, g *graphs.Graph, vals []float64) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return WriteEdgeValues(w, g, vals) })
}
