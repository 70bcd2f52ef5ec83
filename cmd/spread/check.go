package main

// One place for what every command checks before it starts working:
// flag values (flagCheck: the flag's name in the message, exit 2), the
// limits that keep a flag or a file header from exhausting memory, and the
// files a command reads and writes (checkFiles: an output that is also an
// input or another output is refused, and every output location is tried
// before any work).

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spread-dev/spread/internal/atomicfile"
)

// Limits on sizes taken from flags and file headers. Each bounds an
// allocation proportional to the value (or the running time of a loop over
// it), so an absurd value is a usage error naming the limit instead of an
// out-of-memory crash or a run that never ends.
const (
	maxNodes     = 1 << 25 // nodes of a generated graph or declared by a file header
	maxEdges     = 1 << 28 // edges of a generated graph (n·degree)
	maxCascades  = 1 << 24 // -cascades of ic simulate
	maxHorizon   = 1 << 16 // -T
	maxCells     = 1 << 28 // N·T marginals (ic predict) and DMP messages E·T
	maxSamples   = 1 << 26 // -samples, -mc
	maxReplicas  = 64      // -replicas
	maxIters     = 1 << 24 // -iters
	maxWorkers   = 1 << 10 // -workers
	maxPolish    = 1 << 16 // -polish
	maxParamsAll = 1 << 28 // parameters × replicas of ic learn
	maxNMFParams = 1 << 26 // NMF parameters (A and ε): 0.5 GB of float64, ~3 GB with Adam and the tape
)

// flagCheck validates flag values after parsing. It knows which flags the
// user set (flag.FlagSet.Visit), so a flag set to an invalid value is an
// error even when the same value as a default would mean "automatic".
// The first failed check is kept; err returns it as a usage error.
type flagCheck struct {
	set   map[string]bool
	first error
}

func newFlagCheck(fs *flag.FlagSet) *flagCheck {
	c := &flagCheck{set: make(map[string]bool)}
	fs.Visit(func(f *flag.Flag) { c.set[f.Name] = true })
	return c
}

// isSet reports whether the user gave flag name.
func (c *flagCheck) isSet(name string) bool { return c.set[name] }

// failf records a usage error for flag name ("-name MSG").
func (c *flagCheck) failf(name, format string, args ...any) {
	if c.first == nil {
		c.first = usagef("-%s %s", name, fmt.Sprintf(format, args...))
	}
}

// err returns the first failed check as a usageError, or nil.
func (c *flagCheck) err() error { return c.first }

// required checks that string flag name is non-empty.
func (c *flagCheck) required(name, v string) {
	if v == "" && c.first == nil {
		c.first = usagef("-%s is required", name)
	}
}

// intRange checks lo ≤ v ≤ hi for flag name when the flag was set or
// always is true.
func (c *flagCheck) intRange(name string, v, lo, hi int, always bool) {
	if !always && !c.isSet(name) {
		return
	}
	if c.first != nil {
		return
	}
	switch {
	case v < lo && lo == 1:
		c.first = usagef("-%s must be positive, got %d", name, v)
	case v < lo:
		c.first = usagef("-%s must be at least %d, got %d", name, lo, v)
	case v > hi:
		c.first = usagef("-%s %d exceeds the limit of %d", name, v, hi)
	}
}

// floatRange checks that v is finite and within lo..hi (each bound open or
// closed) for flag name when the flag was set or always is true.
func (c *flagCheck) floatRange(name string, v, lo, hi float64, loOpen, hiOpen, always bool) {
	if !always && !c.isSet(name) {
		return
	}
	lb, hb := "[", "]"
	if loOpen {
		lb = "("
	}
	if hiOpen {
		hb = ")"
	}
	okLo := v > lo || (!loOpen && v == lo)
	okHi := v < hi || (!hiOpen && v == hi)
	if math.IsNaN(v) || math.IsInf(v, 0) || !okLo || !okHi {
		c.failf(name, "%v outside %s%v,%v%s", v, lb, fmtBound(lo), fmtBound(hi), hb)
	}
}

func fmtBound(x float64) string {
	switch {
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return "−∞"
	}
	return fmt.Sprint(x)
}

// oneOf checks that v is one of the allowed values.
func (c *flagCheck) oneOf(name, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.failf(name, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
}

// widths parses a comma-separated list of positive layer widths (flag
// name); an empty v returns nil (the command's default).
func (c *flagCheck) widths(name, v string) []int {
	if v == "" {
		if c.isSet(name) {
			c.failf(name, "is empty")
		}
		return nil
	}
	var ws []int
	for _, f := range strings.Split(v, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 1 || w > maxNodes {
			c.failf(name, "%q is not a width in 1..%d", f, maxNodes)
			return nil
		}
		ws = append(ws, w)
	}
	return ws
}

// fileArg is a file a command reads or writes, with the flag that names it.
type fileArg struct {
	flag string // "-o", "-graph", "FILE" for a positional argument
	path string
}

// checkFiles runs before any work. It refuses (as a usage error) an output
// that is the same file as an input or as another output, and then checks
// every output location with atomicfile.Check (a missing directory, a
// directory or read-only file in the way), so that a long computation never
// ends in a failed write. Empty paths are ignored.
func checkFiles(inputs, outputs []fileArg) error {
	type resolved struct {
		fileArg
		abs string
		st  os.FileInfo
	}
	res := func(fs []fileArg) ([]resolved, error) {
		var out []resolved
		for _, f := range fs {
			if f.path == "" {
				continue
			}
			abs, err := atomicfile.Resolve(f.path)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", f.flag, f.path, err)
			}
			st, _ := os.Stat(abs)
			out = append(out, resolved{f, abs, st})
		}
		return out, nil
	}
	same := func(a, b resolved) bool {
		if a.abs == b.abs {
			return true
		}
		return a.st != nil && b.st != nil && os.SameFile(a.st, b.st)
	}
	ins, err := res(inputs)
	if err != nil {
		return err
	}
	outs, err := res(outputs)
	if err != nil {
		return err
	}
	for i, o := range outs {
		if o.st != nil && o.st.Mode()&(os.ModeDevice|os.ModeCharDevice|os.ModeNamedPipe) != 0 {
			continue // /dev/null, /dev/stdout or a FIFO may be named twice
		}
		for _, in := range ins {
			if same(o, in) {
				return usagef("%s %s is also the input %s: refusing to overwrite an input", o.flag, o.path, in.flag)
			}
		}
		for _, p := range outs[:i] {
			if same(o, p) {
				return usagef("%s %s and %s %s name the same file", p.flag, p.path, o.flag, o.path)
			}
		}
	}
	for _, o := range outs {
		if err := atomicfile.Check(o.path); err != nil {
			return fmt.Errorf("%s: %w", o.flag, err)
		}
	}
	return nil
}

// checkOutDir prepares an output directory before work: it creates it (and
// its parents) and checks that a file can be written in it.
func checkOutDir(flagName, dir string, probe string) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return usagef("%s %s is not a directory", flagName, dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s: %w", flagName, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: %w", flagName, err)
	}
	if err := atomicfile.Check(dir + string(os.PathSeparator) + probe); err != nil {
		return fmt.Errorf("%s: %w", flagName, err)
	}
	return nil
}
