package datasets

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
	"github.com/spread-dev/spread/models/sir"
)

// sirHeader is the header of SIR cascade files.
const sirHeader = "cascade,node,infected,recovered"

// ReadSIRCascades reads SIR cascades from CSV lines
// "cascade,node,infected,recovered" (external node ids; one line per node
// infected within the horizon; recovered empty when the node had not
// recovered by T−1; the sources are the nodes infected at time 0; the
// header line is optional). Cascades are returned in order of first
// appearance, with every other node never infected (time T). Errors name
// the line: a wrong column count, an unknown node, a time outside 0..T−1, a
// recovery not after the infection, a node given twice in a cascade, and a
// cascade without a source.
func ReadSIRCascades(r io.Reader, name string, g *graphs.Graph, T int) ([]sir.Cascade, error) {
	where := readWhere(name)
	if T < 1 {
		return nil, fmt.Errorf("%s: horizon T = %d, want T ≥ 1", where, T)
	}
	var out []sir.Cascade
	first := map[string]int{} // cascade id → index; also its first line
	firstLine := []int{}
	err := readLines(r, where, func(line int, s string) error {
		if s == sirHeader {
			return nil
		}
		f := strings.Split(s, ",")
		if len(f) != 4 {
			return fmt.Errorf("%s line %d: want %q, got %d fields", where, line, sirHeader, len(f))
		}
		i, ok := g.Index(strings.TrimSpace(f[1]))
		if !ok {
			return fmt.Errorf("%s line %d: unknown node %q", where, line, f[1])
		}
		time := func(s string, none int) (int, error) {
			if s = strings.TrimSpace(s); s == "" {
				return none, nil
			}
			t, err := strconv.Atoi(s)
			if err != nil || t < 0 || t >= T {
				return 0, fmt.Errorf("%s line %d: time %q is not an integer in 0..%d", where, line, s, T-1)
			}
			return t, nil
		}
		inf, err := time(f[2], -1)
		if err != nil {
			return err
		}
		if inf < 0 {
			return fmt.Errorf("%s line %d: empty infection time", where, line)
		}
		rec, err := time(f[3], T)
		if err != nil {
			return err
		}
		if rec <= inf {
			return fmt.Errorf("%s line %d: recovered at %d, not after the infection at %d", where, line, rec, inf)
		}
		k, seen := first[f[0]]
		if !seen {
			k = len(out)
			first[f[0]] = k
			firstLine = append(firstLine, line)
			c := sir.Cascade{Inf: make([]int, g.N), Rec: make([]int, g.N)}
			for j := range c.Inf {
				c.Inf[j], c.Rec[j] = T, T
			}
			out = append(out, c)
		}
		c := &out[k]
		if c.Inf[i] != T {
			return fmt.Errorf("%s line %d: node %q given twice in cascade %q", where, line, f[1], f[0])
		}
		c.Inf[i], c.Rec[i] = inf, rec
		if inf == 0 {
			c.Sources = append(c.Sources, i)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k := range out {
		if len(out[k].Sources) == 0 {
			return nil, fmt.Errorf("%s line %d: cascade has no node infected at time 0", where, firstLine[k])
		}
		slices.Sort(out[k].Sources)
	}
	return out, nil
}

// ReadSIRCascadesFile is ReadSIRCascades on the named file.
func ReadSIRCascadesFile(path string, g *graphs.Graph, T int) ([]sir.Cascade, error) {
	return openFile(path, func(r io.Reader) ([]sir.Cascade, error) { return ReadSIRCascades(r, path, g, T) })
}

// WriteSIRCascades writes cascades (on g, horizon T) in the format
// ReadSIRCascades reads, cascade ids 0, 1, …, infected nodes in order of
// infection time then index.
func WriteSIRCascades(w io.Writer, g *graphs.Graph, T int, cs []sir.Cascade) error {
	return writeBuffered(w, func(bw *bufio.Writer) {
		bw.WriteString(sirHeader + "\n")
		var order []int
		for k, c := range cs {
			order = order[:0]
			for i, t := range c.Inf {
				if t < T {
					order = append(order, i)
				}
			}
			slices.SortStableFunc(order, func(a, b int) int { return c.Inf[a] - c.Inf[b] })
			for _, i := range order {
				rec := ""
				if c.Rec[i] < T {
					rec = strconv.Itoa(c.Rec[i])
				}
				fmt.Fprintf(bw, "%d,%s,%d,%s\n", k, g.ID(i), c.Inf[i], rec)
			}
		}
	})
}

// WriteSIRCascadesFile is WriteSIRCascades to path, atomically.
func WriteSIRCascadesFile(path string, g *graphs.Graph, T int, cs []sir.Cascade) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return WriteSIRCascades(w, g, T, cs) })
}

// ReadNodeValues reads one value per node of g from lines "id value"
// (spaces, tabs or commas; blank lines and '#' comments skipped): SIR's
// recovery probabilities μ. Every node must be given exactly once; with
// prob set, values must lie in [0, 1]. Errors name the line.
func ReadNodeValues(r io.Reader, name string, g *graphs.Graph, prob bool) ([]float64, error) {
	where := readWhere(name)
	vals := make([]float64, g.N)
	seen := make([]bool, g.N)
	err := readLines(r, where, func(line int, s string) error {
		f := splitFields(s)
		if len(f) != 2 {
			return fmt.Errorf("%s line %d: want \"id value\", got %d fields", where, line, len(f))
		}
		i, ok := g.Index(f[0])
		if !ok {
			return fmt.Errorf("%s line %d: unknown node %q", where, line, f[0])
		}
		x, err := lineValue(where, line, f[1], prob)
		if err != nil {
			return err
		}
		if seen[i] {
			return fmt.Errorf("%s line %d: node %q given twice", where, line, f[0])
		}
		seen[i], vals[i] = true, x
		return nil
	})
	if err != nil {
		return nil, err
	}
	if i := slices.Index(seen, false); i >= 0 {
		return nil, fmt.Errorf("%s: no value for node %s (and %d more missing)", where, g.ID(i), countFalse(seen[i+1:]))
	}
	return vals, nil
}

// ReadNodeValuesFile is ReadNodeValues on the named file.
func ReadNodeValuesFile(path string, g *graphs.Graph, prob bool) ([]float64, error) {
	return openFile(path, func(r io.Reader) ([]float64, error) { return ReadNodeValues(r, path, g, prob) })
}

// WriteNodeValuesFile writes "id value" lines (values in the shortest form
// that reads back exactly) to path, atomically.
func WriteNodeValuesFile(path string, g *graphs.Graph, vals []float64) error {
	if len(vals) != g.N {
		return fmt.Errorf("datasets: WriteNodeValues: %d values for %d nodes", len(vals), g.N)
	}
	return atomicfile.WriteFile(path, func(w io.Writer) error {
		return writeBuffered(w, func(bw *bufio.Writer) {
			fmt.Fprintf(bw, "# id value (%d nodes)\n", g.N)
			for i, x := range vals {
				bw.WriteString(g.ID(i) + " " + strconv.FormatFloat(x, 'g', -1, 64) + "\n")
			}
		})
	})
}
