package datasets

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
)

// ReadHidden reads a hidden-node file (one external node id per line; blank
// lines and lines starting with '#' skipped; a node may be listed more than
// once) and returns the observed mask over g's nodes: observed[i] is false
// exactly for the listed nodes. name labels the input in error messages.
// An unknown id, or a line with more than one field, is an error naming the
// line ("datasets: read NAME line L: ...").
func ReadHidden(r io.Reader, name string, g *graphs.Graph) ([]bool, error) {
	where := readWhere(name)
	observed := make([]bool, g.N)
	for i := range observed {
		observed[i] = true
	}
	err := readNodeLines(r, where, g, func(_, i int, _ string) error {
		observed[i] = false
		return nil
	})
	if err != nil {
		return nil, err
	}
	return observed, nil
}

// ReadHiddenFile is ReadHidden on the named file.
func ReadHiddenFile(path string, g *graphs.Graph) ([]bool, error) {
	return openFile(path, func(r io.Reader) ([]bool, error) { return ReadHidden(r, path, g) })
}

// WriteHidden writes the ids of the nodes with observed[i] false, one per
// line in index order, after a '#' comment line. It returns an error if
// len(observed) != g.N, if an id cannot be read back, or on a write error.
func WriteHidden(w io.Writer, observed []bool, g *graphs.Graph) error {
	if len(observed) != g.N {
		return fmt.Errorf("datasets: write: observed mask has %d entries, graph has %d nodes", len(observed), g.N)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("# hidden nodes, one id per line\n")
	for i, ok := range observed {
		if ok {
			continue
		}
		id := g.ID(i)
		if err := checkToken(id); err != nil || strings.ContainsAny(id, " \t") || id[0] == '#' {
			return fmt.Errorf("datasets: write: node id %q cannot be written one per line", id)
		}
		bw.WriteString(id + "\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("datasets: write: %w", err)
	}
	return nil
}

// WriteHiddenFile writes the hidden-node file to path atomically.
func WriteHiddenFile(path string, observed []bool, g *graphs.Graph) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return WriteHidden(w, observed, g) })
}

// RandomObserved returns an observed mask over n nodes in which exactly
// hidden nodes, chosen uniformly at random from seed, are hidden (SLICER §9:
// hidden nodes are fixed across all cascades; ξ = hidden/n). It panics if
// hidden is outside 0..n.
func RandomObserved(n, hidden int, seed uint64) []bool {
	if hidden < 0 || hidden > n {
		panic("datasets: RandomObserved: hidden count outside 0..n")
	}
	r := rand.New(rand.NewPCG(seed, 0x6869646465e))
	perm := r.Perm(n)
	observed := make([]bool, n)
	for _, i := range perm[hidden:] {
		observed[i] = true
	}
	return observed
}
