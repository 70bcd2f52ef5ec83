// Package shared locates the project's shared data folder (real graphs,
// multiplex networks and cascade sets with provenance) for tests and
// benchmarks. The folder is not part of the repository: it sits beside the
// checkout as ../shared, or wherever the SPREAD_SHARED environment variable
// points.
package shared

import (
	"os"
	"path/filepath"
)

// Root returns the shared folder, or "" if it cannot be found. It looks at
// $SPREAD_SHARED first, then at ../shared beside the module root (found by
// walking up from the working directory to the folder holding go.mod).
func Root() string {
	if d := os.Getenv("SPREAD_SHARED"); d != "" {
		if isDir(d) {
			return d
		}
		return ""
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(filepath.Dir(d), "shared")
			if isDir(s) {
				return s
			}
			return ""
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// Skipper is the part of testing.TB that Path uses; taking it instead of
// testing.TB keeps the testing package out of binaries that call Root.
type Skipper interface {
	Helper()
	Skip(args ...any)
	Skipf(format string, args ...any)
}

// Path joins elem onto the shared folder's datasets/ subfolder and returns
// it; it skips tb with a message naming the missing path when the shared
// folder or the file is absent.
func Path(tb Skipper, elem ...string) string {
	tb.Helper()
	r := Root()
	if r == "" {
		tb.Skip("shared data folder not found (set SPREAD_SHARED or place shared/ beside the checkout); skipping")
	}
	p := filepath.Join(append([]string{r, "datasets"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared dataset %s not present; skipping", p)
	}
	return p
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
