package im

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// sharedDir locates the shared data directory: $SPREAD_SHARED, else
// ../../../shared relative to this package.
func sharedDir() string {
	if d := os.Getenv("SPREAD_SHARED"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared")
}

// datasetPath returns the path of a file under shared/datasets, skipping
// the test or benchmark when it is absent.
func datasetPath(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(sharedDir(), "datasets", rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("dataset %s not available (set SPREAD_SHARED to the shared directory): %v", rel, err)
	}
	return p
}

// writeUVP writes g with per-edge values p as 'u v p' lines with external
// ids, for the icmc cross-check tool.
func writeUVP(g *graphs.Graph, p []float64, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for e := range g.Src {
		fmt.Fprintf(w, "%s %s %.17g\n", g.ID(g.Src[e]), g.ID(g.Dst[e]), p[e])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
