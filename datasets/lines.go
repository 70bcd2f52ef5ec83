package datasets

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spread-dev/spread/graphs"
)

// readLines calls fn with the 1-based number and the text of each line of
// r that is neither blank nor a '#' comment, the text trimmed of
// surrounding white space (and line 1 of a byte-order mark). It stops at fn's first error and returns it;
// scanner errors (a line over 16 MiB, a read error) are returned as
// "<where> line L: …". where is "datasets: read NAME", or "datasets: read"
// without a name (readWhere).
func readLines(r io.Reader, where string, fn func(line int, s string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(firstLine(line, sc.Text()))
		if s == "" || s[0] == '#' {
			continue
		}
		if err := fn(line, s); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s line %d: %w", where, line+1, err)
	}
	return nil
}

// firstLine removes a UTF-8 byte-order mark from the start of line 1, so
// that it never becomes part of the first id or header word.
func firstLine(line int, s string) string {
	if line == 1 {
		return strings.TrimPrefix(s, "\ufeff")
	}
	return s
}

// readWhere returns the error prefix of a reader: "datasets: read NAME".
func readWhere(name string) string {
	if name == "" {
		return "datasets: read"
	}
	return "datasets: read " + name
}

// openFile opens path for a ReadXFile helper and calls read on it.
func openFile[T any](path string, read func(r io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	return read(f)
}

// writeBuffered calls fn with a buffered writer on w and flushes it. A
// bufio.Writer keeps its first error, so fn need not check its writes: the
// error comes back from the flush, as "datasets: ...".
func writeBuffered(w io.Writer, fn func(bw *bufio.Writer)) error {
	bw := bufio.NewWriter(w)
	fn(bw)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	return nil
}

// splitFields splits a data line at spaces, tabs and commas.
func splitFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' })
}

// lineEdge returns the edge u→v named by external ids on a line of a
// per-edge file; with either set, v→u is accepted too (an undirected graph
// names its edges in either direction). Errors name the line.
func lineEdge(g *graphs.Graph, where string, line int, us, vs string, either bool) (int, error) {
	u, ok := g.Index(us)
	if !ok {
		return 0, fmt.Errorf("%s line %d: unknown node %q", where, line, us)
	}
	v, ok := g.Index(vs)
	if !ok {
		return 0, fmt.Errorf("%s line %d: unknown node %q", where, line, vs)
	}
	e := g.EdgeID(u, v)
	if e < 0 && either {
		e = g.EdgeID(v, u)
	}
	if e < 0 {
		return 0, fmt.Errorf("%s line %d: %s→%s is not an edge of the graph", where, line, us, vs)
	}
	return e, nil
}

// lineValue parses a finite value on a line; with prob set it must lie in
// [0, 1]. Errors name the line.
func lineValue(where string, line int, s string, prob bool) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%s line %d: value %q is not a finite number", where, line, s)
	}
	if prob && (x < 0 || x > 1) {
		return 0, fmt.Errorf("%s line %d: probability %v outside [0,1]", where, line, x)
	}
	return x, nil
}

// readNodeLines reads a file of one external node id per line (blank lines
// and '#' comments skipped) and calls fn with each line number and node
// index. Errors name the line: two fields on a line, an unknown id.
func readNodeLines(r io.Reader, where string, g *graphs.Graph, fn func(line, i int, id string) error) error {
	return readLines(r, where, func(line int, s string) error {
		if strings.ContainsAny(s, " \t") {
			return fmt.Errorf("%s line %d: want one node id, got %q", where, line, s)
		}
		i, ok := g.Index(s)
		if !ok {
			return fmt.Errorf("%s line %d: unknown node id %q", where, line, s)
		}
		return fn(line, i, s)
	})
}
