package graphs

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// IMMAttributeFile is the name of the attribute file in an IMM dataset
// directory.
const IMMAttributeFile = "attribute.txt"

// ReadIMM reads a dataset directory in the format of the IMM code (Tang, Shi
// and Xiao, SIGMOD'15): dir/attribute.txt holds the lines "n=N" and "m=M",
// and dir/infName (e.g. "graph_ic.inf") holds M lines "u v p", the directed
// arc u → v with probability p, on 0-based node ids. The graph has the nodes
// 0..N-1 (all of them, even those without arcs; external ids are the decimal
// indices) and Weight[e] = p. See ReadIMMInf for the checks.
func ReadIMM(dir, infName string, opt ReadOptions) (*Graph, BuildStats, error) {
	apath := filepath.Join(dir, IMMAttributeFile)
	af, err := os.Open(apath)
	if err != nil {
		return nil, BuildStats{}, fmt.Errorf("graphs: %w", err)
	}
	n, m, err := ReadIMMAttributes(af, apath)
	af.Close()
	if err != nil {
		return nil, BuildStats{}, err
	}
	ipath := filepath.Join(dir, infName)
	return withFile(ipath, func(r io.Reader) (*Graph, BuildStats, error) { return ReadIMMInf(r, ipath, n, m, opt) })
}

// IMM edge files: the IC probabilities of an IMM dataset directory and the
// plain arc list read when there are none.
const (
	IMMICFile    = "graph_ic.inf"
	IMMLTFile    = "graph_lt.inf" // the LT weights, read for -model LT
	IMMGraphFile = "graph.txt"
)

// ReadIMMDir reads an IMM dataset directory with its IC probabilities:
// ReadIMM(dir, IMMICFile, opt), or ReadIMM(dir, IMMGraphFile, opt) when dir
// has no IMMICFile.
func ReadIMMDir(dir string, opt ReadOptions) (*Graph, BuildStats, error) {
	inf := IMMICFile
	if _, err := os.Stat(filepath.Join(dir, inf)); err != nil {
		inf = IMMGraphFile
	}
	return ReadIMM(dir, inf, opt)
}

// ReadIMMAttributes reads an IMM attribute file: lines "key=value" (spaces
// around '=' allowed), of which "n" (number of nodes) and "m" (number of
// arcs) are required non-negative integers; other keys, blank lines and '#'
// lines are ignored. name is used in error messages.
func ReadIMMAttributes(r io.Reader, name string) (n, m int, err error) {
	lr := newLineReader(r, name)
	n, m = -1, -1
	for {
		rest, ok := lr.data(nil)
		if !ok {
			break
		}
		key, val, found := bytes.Cut(rest, []byte("="))
		if !found {
			return 0, 0, parseErr(name, lr.line, "want \"key=value\", got %q", clip(rest))
		}
		key, val = bytes.TrimSpace(key), bytes.TrimSpace(val)
		var dst *int
		switch string(key) {
		case "n":
			dst = &n
		case "m":
			dst = &m
		default:
			continue
		}
		if *dst >= 0 {
			return 0, 0, parseErr(name, lr.line, "%s given twice", key)
		}
		v, ok := parseCount(val)
		if !ok {
			return 0, 0, parseErr(name, lr.line, "%s=%q is not a non-negative integer", key, clip(val))
		}
		*dst = v
	}
	if lr.err != nil {
		return 0, 0, lr.err
	}
	if n < 0 || m < 0 {
		return 0, 0, parseErr(name, 0, "want both n= and m= lines")
	}
	return n, m, nil
}

// ReadIMMInf reads the arcs of an IMM dataset: lines "u v p" with u and v
// decimal node ids in 0..n-1 and p a probability in [0,1]. Blank lines and
// '#' lines are skipped. If m >= 0 the number of arc lines (self-loops and
// duplicates included) must equal m. The graph has the nodes 0..n-1 and
// Weight[e] = p; opt's policies apply as in Build. It returns a *ParseError
// naming name and the line for a wrong column count, an id that is not an
// integer in 0..n-1, a p that is not a number in [0,1], or a count mismatch,
// and an error if n is negative or above opt.MaxNodes.
func ReadIMMInf(r io.Reader, name string, n, m int, opt ReadOptions) (*Graph, BuildStats, error) {
	if n < 0 || n > opt.maxNodes() {
		return nil, BuildStats{}, parseErr(name, 0, "node count n=%d not in 0..%d (ReadOptions.MaxNodes)", n, opt.maxNodes())
	}
	lr := newLineReader(r, name)
	el := edgeList{weighted: true}
	if m > 0 {
		c := min(m, 1<<16)
		el.src, el.dst, el.w, el.lines = make([]int, 0, c), make([]int, 0, c), make([]float64, 0, c), make([]int, 0, c)
	}
	var f [3][]byte
	for {
		rest, ok := lr.data(nil)
		if !ok {
			break
		}
		if nf := splitFields(rest, f[:]); nf != 3 {
			return nil, BuildStats{}, parseErr(name, lr.line, "want \"u v p\", got %d columns", nf)
		}
		u, ok1 := parseIndex(f[0])
		v, ok2 := parseIndex(f[1])
		if !ok1 || u >= n {
			return nil, BuildStats{}, parseErr(name, lr.line, "node %q not in 0..%d", f[0], n-1)
		}
		if !ok2 || v >= n {
			return nil, BuildStats{}, parseErr(name, lr.line, "node %q not in 0..%d", f[1], n-1)
		}
		p, err := strconv.ParseFloat(string(f[2]), 64)
		if err != nil || !(p >= 0 && p <= 1) {
			return nil, BuildStats{}, parseErr(name, lr.line, "probability %q not a number in [0,1]", f[2])
		}
		el.add(u, v, p, lr.line)
	}
	if lr.err != nil {
		return nil, BuildStats{}, lr.err
	}
	if m >= 0 && len(el.src) != m {
		return nil, BuildStats{}, parseErr(name, 0, "attributes say m=%d but the file has %d arc lines", m, len(el.src))
	}
	return el.build(name, n, nil, nil, strconv.Itoa, opt.BuildOptions)
}

// WriteIMMInf writes the arcs of g as IMM "u v p" lines in edge id order,
// with node indices as ids and p = Weight[e]. An undirected graph is written
// with both directions of every edge (IMM graphs are directed). It returns
// an error, before writing, if g has no weights or a weight is outside [0,1].
func WriteIMMInf(w io.Writer, g *Graph) error {
	if g.Weight == nil {
		return fmt.Errorf("graphs: write IMM: graph has no weights (IMM needs a probability per arc)")
	}
	for e, p := range g.Weight {
		if !(p >= 0 && p <= 1) {
			return fmt.Errorf("graphs: write IMM: edge %d has weight %v, not a probability in [0,1]", e, p)
		}
	}
	ew := newEdgeWriter(w, "IMM")
	for e := range g.Src {
		ew.edge("", g.Src[e], g.Dst[e], indexFrom(0), g.Weight, e)
	}
	return ew.flush()
}

// WriteIMM writes g as an IMM dataset directory: dir/infName via WriteIMMInf
// and dir/attribute.txt with "n=N" and "m=E". Each file is written
// atomically (see WriteFile), the arcs first. External ids are not kept: IMM
// ids are the node indices.
func WriteIMM(dir, infName string, g *Graph) error {
	if err := WriteFile(filepath.Join(dir, infName), func(w io.Writer) error { return WriteIMMInf(w, g) }); err != nil {
		return err
	}
	return WriteFile(filepath.Join(dir, IMMAttributeFile), func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "n=%d\nm=%d\n", g.N, g.NumEdges())
		return err
	})
}
