package datasets

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
)

// ReadSeeds reads a seed-set file: one external node id per line, in
// selection order, blank lines and '#' comments skipped (the output of
// spread im). It returns the node indices in file order. name labels the
// input in errors, which name the line ("datasets: read NAME line L: ..."):
// an unknown id, an id already given (with the line it was first given
// on), and a file without any seed.
func ReadSeeds(r io.Reader, name string, g *graphs.Graph) ([]int, error) {
	where := readWhere(name)
	var out []int
	seen := make(map[int]int)
	err := readNodeLines(r, where, g, func(line, i int, s string) error {
		if l, dup := seen[i]; dup {
			return fmt.Errorf("%s line %d: node %q already given on line %d", where, line, s, l)
		}
		seen[i] = line
		out = append(out, i)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no seeds", where)
	}
	return out, nil
}

// ReadSeedsFile is ReadSeeds on the named file.
func ReadSeedsFile(path string, g *graphs.Graph) ([]int, error) {
	return openFile(path, func(r io.Reader) ([]int, error) { return ReadSeeds(r, path, g) })
}

// WriteSeeds writes the external id of each seed, one per line, in the
// order given (the format ReadSeeds reads). It returns an error if a seed
// is outside 0..g.N-1, or on a write error.
func WriteSeeds(w io.Writer, g *graphs.Graph, seeds []int) error {
	for _, s := range seeds {
		if s < 0 || s >= g.N {
			return fmt.Errorf("datasets: WriteSeeds: node %d outside 0..%d", s, g.N-1)
		}
	}
	return writeBuffered(w, func(bw *bufio.Writer) {
		for _, s := range seeds {
			bw.WriteString(g.ID(s))
			bw.WriteByte('\n')
		}
	})
}

// WriteSeedsFile writes the seed file to path atomically (temporary file
// and rename).
func WriteSeedsFile(path string, g *graphs.Graph, seeds []int) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return WriteSeeds(w, g, seeds) })
}

// ParseNodeIDs parses a list of external node ids separated by commas or
// blanks ("3,7 12") into node indices, in order. It returns an error for an
// unknown id, an id given twice and an empty list.
func ParseNodeIDs(g *graphs.Graph, s string) ([]int, error) {
	var out []int
	seen := make(map[int]bool)
	for _, id := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		i, ok := g.Index(id)
		if !ok {
			return nil, fmt.Errorf("unknown node id %q", id)
		}
		if seen[i] {
			return nil, fmt.Errorf("node id %q given twice", id)
		}
		seen[i] = true
		out = append(out, i)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no node ids in %q", s)
	}
	return out, nil
}
