package datasets

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
	"github.com/spread-dev/spread/models/cic"
)

// ReadDelayParams reads the per-edge parameters of delay family d from
// lines "u v a" (Exponential, Rayleigh: the rate α) or "u v λ k" (Weibull:
// scale and shape), external ids, fields separated by spaces, tabs or
// commas, blank lines and '#' comments skipped. Every directed edge of g
// must be given exactly once. Errors name the input and line: a wrong
// field count, an unknown node, a pair that is not an edge, a value that is
// not a number or outside the family's domain (cic.Delay.CheckParams), a
// repeated edge; a missing edge is reported by name.
func ReadDelayParams(r io.Reader, name string, g *graphs.Graph, d cic.Delay) (cic.Params, error) {
	where := readWhere(name)
	E, k := g.NumEdges(), d.NumParams()
	p := cic.Params{A: make([]float64, E)}
	if k == 2 {
		p.B = make([]float64, E)
	}
	seen := make([]bool, E)
	err := readLines(r, where, func(line int, s string) error {
		f := splitFields(s)
		if len(f) != 2+k {
			return fmt.Errorf("%s line %d: want %d fields for %v delays, got %d", where, line, 2+k, d, len(f))
		}
		e, err := lineEdge(g, where, line, f[0], f[1], false)
		if err != nil {
			return err
		}
		if seen[e] {
			return fmt.Errorf("%s line %d: edge %s→%s given twice", where, line, f[0], f[1])
		}
		var x [2]float64
		for i := range k {
			var err error
			if x[i], err = strconv.ParseFloat(f[2+i], 64); err != nil {
				return fmt.Errorf("%s line %d: value %q is not a number", where, line, f[2+i])
			}
		}
		if err := d.CheckParams(x[0], x[1]); err != nil {
			return fmt.Errorf("%s line %d: %w", where, line, err)
		}
		seen[e], p.A[e] = true, x[0]
		if k == 2 {
			p.B[e] = x[1]
		}
		return nil
	})
	if err != nil {
		return cic.Params{}, err
	}
	for e, ok := range seen {
		if !ok {
			return cic.Params{}, fmt.Errorf("%s: no parameters for edge %s→%s (and %d more missing)", where, g.ID(g.Src[e]), g.ID(g.Dst[e]), countFalse(seen[e+1:]))
		}
	}
	return p, nil
}

// ReadDelayParamsFile is ReadDelayParams on the named file.
func ReadDelayParamsFile(path string, g *graphs.Graph, d cic.Delay) (cic.Params, error) {
	return openFile(path, func(r io.Reader) (cic.Params, error) { return ReadDelayParams(r, path, g, d) })
}

// WriteDelayParamsFile writes p as "u v a" or "u v λ k" lines in edge
// order, atomically, values in the shortest form that reads back exactly.
func WriteDelayParamsFile(path string, g *graphs.Graph, d cic.Delay, p cic.Params) error {
	if len(p.A) != g.NumEdges() || (d.NumParams() == 2 && len(p.B) != g.NumEdges()) {
		return fmt.Errorf("datasets: WriteDelayParamsFile: parameters for %d edges, graph has %d", len(p.A), g.NumEdges())
	}
	return atomicfile.WriteFile(path, func(w io.Writer) error {
		return writeBuffered(w, func(bw *bufio.Writer) {
			var buf []byte
			for e := range p.A {
				buf = append(append(append(append(buf[:0], g.ID(g.Src[e])...), ' '), g.ID(g.Dst[e])...), ' ')
				buf = strconv.AppendFloat(buf, p.A[e], 'g', -1, 64)
				if d.NumParams() == 2 {
					buf = strconv.AppendFloat(append(buf, ' '), p.B[e], 'g', -1, 64)
				}
				bw.Write(append(buf, '\n'))
			}
		})
	})
}
