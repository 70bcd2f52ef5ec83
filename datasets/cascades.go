package datasets

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
)

// Cascades is a set of M discrete-time cascades on N nodes over the horizon
// T, in flat arrays. Cascade k (0 ≤ k < M) has id IDs[k] and activations
// Node[Off[k]:Off[k+1]] at times Time[Off[k]:Off[k+1]], sorted by (time,
// node); times are in 0..T-1 and nodes not listed are censored (time T).
// Functions of this package build Cascades that satisfy these invariants;
// callers that build one by hand must keep them.
type Cascades struct {
	// N is the number of nodes of the graph and T the horizon.
	N, T int
	// IDs holds the cascade ids, in order (of first appearance in a file).
	IDs []string
	// Off has M+1 entries, Off[0] = 0 and Off[M] = len(Node).
	Off []int
	// Node and Time are the activations of all cascades back to back.
	Node []int32
	Time []int32
}

// M returns the number of cascades.
func (c *Cascades) M() int { return len(c.IDs) }

// Cascade returns the activated nodes of cascade k and their times (views
// into c; do not modify).
func (c *Cascades) Cascade(k int) (nodes, times []int32) {
	lo, hi := c.Off[k], c.Off[k+1]
	return c.Node[lo:hi], c.Time[lo:hi]
}

// Seeds returns the seed set of cascade k, the nodes with time 0, in
// increasing order (a view into c; do not modify).
func (c *Cascades) Seeds(k int) []int32 {
	nodes, times := c.Cascade(k)
	n := 0
	for n < len(times) && times[n] == 0 {
		n++
	}
	return nodes[:n]
}

// Dense writes the activation time of every node in cascade k into dst
// (length N), with T for censored nodes, and returns it; dst is allocated
// when nil.
func (c *Cascades) Dense(dst []int32, k int) []int32 {
	if dst == nil {
		dst = make([]int32, c.N)
	}
	dst = dst[:c.N]
	for i := range dst {
		dst[i] = int32(c.T)
	}
	nodes, times := c.Cascade(k)
	for j, v := range nodes {
		dst[v] = times[j]
	}
	return dst
}

// check reports whether c's arrays are consistent with each other and with g.
func (c *Cascades) check(g *graphs.Graph) error {
	M := len(c.IDs)
	if c.N != g.N {
		return fmt.Errorf("cascades on %d nodes, graph has %d", c.N, g.N)
	}
	if len(c.Off) != M+1 || c.Off[0] != 0 || c.Off[M] != len(c.Node) || len(c.Time) != len(c.Node) {
		return errors.New("inconsistent Cascades arrays (Off, Node, Time)")
	}
	return nil
}

// sortCascade sorts the activations nodes[j], times[j] by (time, node),
// using key as scratch space (len ≥ len(nodes)); it returns key.
func sortCascade(nodes, times []int32, key []uint64) []uint64 {
	key = key[:0]
	for j := range nodes {
		key = append(key, uint64(uint32(times[j]))<<32|uint64(uint32(nodes[j])))
	}
	slices.Sort(key)
	for j, k := range key {
		times[j], nodes[j] = int32(k>>32), int32(uint32(k))
	}
	return key
}

const csvHeader = "cascade,node,time"

// ReadCascades reads cascades in the CSV format of the package doc over the
// nodes of g with horizon T ≥ 1. name labels the input in error messages
// (e.g. the file name). Errors are prefixed "datasets: read NAME line L:"
// and name the offending line: a wrong column count, an empty cascade id, an
// unknown node id, a non-integer time, a time outside 0..T-1, a repeated
// (cascade, node) pair, or half of a "c,," declaration.
func ReadCascades(r io.Reader, name string, g *graphs.Graph, T int) (*Cascades, error) {
	where := "datasets: read"
	if name != "" {
		where += " " + name
	}
	if T < 1 {
		return nil, fmt.Errorf("%s: horizon T = %d, want T ≥ 1", where, T)
	}
	if g.N > 1<<31-1 || T > 1<<31-1 {
		return nil, fmt.Errorf("%s: graph or horizon too large for int32 storage", where)
	}
	errAt := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s line %d: %s", where, line, fmt.Sprintf(format, args...))
	}

	var (
		ids   []string
		index = make(map[string]int32)
		cas   []int32 // cascade index of each activation
		node  []int32
		time  []int32
		lines []int                // input line of each activation
		stamp = make([]int32, g.N) // stamp[i] = k+1 if i was seen in cascade k (last writer)
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line, content := 0, 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(firstLine(line, sc.Text()))
		if s == "" || s[0] == '#' {
			continue
		}
		content++
		f0, rest, ok1 := strings.Cut(s, ",")
		f1, f2, ok2 := strings.Cut(rest, ",")
		if !ok1 || !ok2 || strings.Contains(f2, ",") {
			return nil, errAt(line, "want 3 columns (cascade,node,time), got %d", strings.Count(s, ",")+1)
		}
		f0, f1, f2 = strings.TrimSpace(f0), strings.TrimSpace(f1), strings.TrimSpace(f2)
		if content == 1 && strings.EqualFold(f0, "cascade") && strings.EqualFold(f1, "node") && strings.EqualFold(f2, "time") {
			continue
		}
		if f0 == "" {
			return nil, errAt(line, "empty cascade id")
		}
		k, ok := index[f0]
		if !ok {
			k = int32(len(ids))
			index[f0] = k
			ids = append(ids, f0)
		}
		if f1 == "" && f2 == "" {
			continue // declaration of a possibly empty cascade
		}
		if f1 == "" {
			return nil, errAt(line, "empty node id")
		}
		i, ok := g.Index(f1)
		if !ok {
			return nil, errAt(line, "unknown node %q", f1)
		}
		tau, err := strconv.Atoi(f2)
		if err != nil {
			return nil, errAt(line, "time %q is not an integer", f2)
		}
		if tau < 0 || tau >= T {
			return nil, errAt(line, "time %d outside 0..%d", tau, T-1)
		}
		if stamp[i] == k+1 {
			return nil, errAt(line, "node %q appears twice in cascade %q", f1, f0)
		}
		stamp[i] = k + 1
		cas = append(cas, k)
		node = append(node, int32(i))
		time = append(time, int32(tau))
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s line %d: %w", where, line+1, err)
	}

	// Group by cascade (counting sort, stable in input order).
	M := len(ids)
	c := &Cascades{N: g.N, T: T, IDs: ids, Off: make([]int, M+1),
		Node: make([]int32, len(node)), Time: make([]int32, len(node))}
	for _, k := range cas {
		c.Off[k+1]++
	}
	for k := 0; k < M; k++ {
		c.Off[k+1] += c.Off[k]
	}
	fill := slices.Clone(c.Off[:M])
	ln := make([]int, len(node))
	for j, k := range cas {
		p := fill[k]
		fill[k]++
		c.Node[p], c.Time[p], ln[p] = node[j], time[j], lines[j]
	}
	// Repeats the stamps missed (a cascade interrupted by another that used
	// the same node): sort each cascade by node, report the earliest second
	// occurrence.
	dupLine, dupK, dupNode := 0, 0, int32(0)
	var key []uint64
	for k := 0; k < M; k++ {
		lo, hi := c.Off[k], c.Off[k+1]
		key = key[:0]
		for j := lo; j < hi; j++ {
			key = append(key, uint64(c.Node[j])<<32|uint64(ln[j]))
		}
		slices.Sort(key)
		for j := 1; j < len(key); j++ {
			if key[j]>>32 == key[j-1]>>32 {
				if l := int(uint32(key[j])); dupLine == 0 || l < dupLine {
					dupLine, dupK, dupNode = l, k, int32(key[j]>>32)
				}
			}
		}
	}
	if dupLine != 0 {
		return nil, errAt(dupLine, "node %q appears twice in cascade %q", g.ID(int(dupNode)), ids[dupK])
	}
	for k := 0; k < M; k++ {
		lo, hi := c.Off[k], c.Off[k+1]
		key = sortCascade(c.Node[lo:hi], c.Time[lo:hi], key)
	}
	return c, nil
}

// ReadCascadesFile is ReadCascades on the named file.
func ReadCascadesFile(path string, g *graphs.Graph, T int) (*Cascades, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	return ReadCascades(f, path, g, T)
}

// checkToken reports why s cannot be written as a CSV field, or nil.
func checkToken(s string) error {
	switch {
	case s == "":
		return errors.New("is empty")
	case strings.ContainsAny(s, ",\r\n"):
		return errors.New("contains a comma or line break")
	case strings.TrimSpace(s) != s:
		return errors.New("has leading or trailing space")
	}
	return nil
}

// WriteCascades writes c in the CSV format of the package doc, header first,
// cascades in order, node ids taken from g (g.ID). An empty cascade is
// written as the declaration line "id,,". It returns an error, prefixed
// "datasets: write", if c does not match g, or if a cascade id or node id
// cannot be read back (empty, repeated cascade id, a comma or line break,
// surrounding space, or a cascade id starting with '#').
func WriteCascades(w io.Writer, c *Cascades, g *graphs.Graph) error {
	if err := c.check(g); err != nil {
		return fmt.Errorf("datasets: write: %w", err)
	}
	seen := make(map[string]bool, len(c.IDs))
	for _, id := range c.IDs {
		if err := checkToken(id); err != nil {
			return fmt.Errorf("datasets: write: cascade id %q %w", id, err)
		}
		if id[0] == '#' {
			return fmt.Errorf("datasets: write: cascade id %q starts with '#'", id)
		}
		if seen[id] {
			return fmt.Errorf("datasets: write: cascade id %q repeated", id)
		}
		seen[id] = true
	}
	for _, v := range c.Node {
		if nid := g.ID(int(v)); checkToken(nid) != nil {
			return fmt.Errorf("datasets: write: node id %q %w", nid, checkToken(nid))
		}
	}
	return writeCascadeCSV(w, g, c.IDs, func(k int) ([]int32, func([]byte, int) []byte) {
		nodes, times := c.Cascade(k)
		return nodes, func(buf []byte, j int) []byte { return strconv.AppendInt(buf, int64(times[j]), 10) }
	})
}

// writeCascadeCSV writes the cascade CSV of the discrete and the
// continuous-time cascades: the header, then for cascade k (id ids[k])
// either "id,," when it is empty or one line "id,node,time" per activation
// j of its nodes, the time appended by the function cascade returns.
func writeCascadeCSV(w io.Writer, g *graphs.Graph, ids []string, cascade func(k int) ([]int32, func(buf []byte, j int) []byte)) error {
	return writeBuffered(w, func(bw *bufio.Writer) {
		bw.WriteString(csvHeader + "\n")
		var buf []byte
		for k, id := range ids {
			nodes, appendTime := cascade(k)
			if len(nodes) == 0 {
				bw.WriteString(id + ",,\n")
			}
			for j, v := range nodes {
				buf = append(append(append(append(buf[:0], id...), ','), g.ID(int(v))...), ',')
				buf = append(appendTime(buf, j), '\n')
				bw.Write(buf)
			}
		}
	})
}

// WriteCascadesFile writes c to path atomically (a temporary file beside
// path renamed onto it), so a reader never sees a partial file.
func WriteCascadesFile(path string, c *Cascades, g *graphs.Graph) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return WriteCascades(w, c, g) })
}
