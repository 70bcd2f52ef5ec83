package datasets

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/atomicfile"
	"github.com/spread-dev/spread/models/cic"
)

// TimedCascades is a set of M continuous-time cascades on N nodes with
// horizon T, in flat arrays. Cascade k has id IDs[k] and infections
// Node[Off[k]:Off[k+1]] at times Time[Off[k]:Off[k+1]], sorted by (time,
// node); times are in [0, T], sources have time 0, and nodes not listed
// were not infected by T.
type TimedCascades struct {
	N   int
	T   float64
	IDs []string
	Off []int
	// Node and Time are the infections of all cascades back to back.
	Node []int32
	Time []float64
}

// M returns the number of cascades.
func (c *TimedCascades) M() int { return len(c.IDs) }

// Cascade returns the infected nodes of cascade k and their times (views
// into c; do not modify).
func (c *TimedCascades) Cascade(k int) (nodes []int32, times []float64) {
	lo, hi := c.Off[k], c.Off[k+1]
	return c.Node[lo:hi], c.Time[lo:hi]
}

// Until returns the cascades observed up to horizon T ≤ c.T: every
// infection after T is dropped and the horizon becomes T (a new set; c is
// not modified). A T outside (0, c.T] returns c's horizon unchanged.
func (c *TimedCascades) Until(T float64) *TimedCascades {
	if !(T > 0) || T >= c.T {
		T = c.T
	}
	out := &TimedCascades{N: c.N, T: T, IDs: slices.Clone(c.IDs), Off: make([]int, 1, len(c.Off))}
	for k := range c.M() {
		nodes, times := c.Cascade(k)
		for j, v := range nodes {
			if times[j] <= T {
				out.Node, out.Time = append(out.Node, v), append(out.Time, times[j])
			}
		}
		out.Off = append(out.Off, len(out.Node))
	}
	return out
}

// FromCIC returns the simulated cascades c (models/cic) as TimedCascades
// with ids "0", "1", …, each cascade sorted by (time, node). The infector
// and root columns are dropped.
func FromCIC(c *cic.Cascades) *TimedCascades {
	M := c.M()
	out := &TimedCascades{N: c.N, T: c.T, IDs: make([]string, M), Off: slices.Clone(c.Off),
		Node: slices.Clone(c.Node), Time: slices.Clone(c.Time)}
	for k := range M {
		out.IDs[k] = strconv.Itoa(k)
		sortTimed(out.Node[c.Off[k]:c.Off[k+1]], out.Time[c.Off[k]:c.Off[k+1]])
	}
	return out
}

// sortTimed sorts the infections nodes[j], times[j] by (time, node).
func sortTimed(nodes []int32, times []float64) {
	type rec struct {
		t float64
		v int32
	}
	r := make([]rec, len(nodes))
	for j := range r {
		r[j] = rec{times[j], nodes[j]}
	}
	slices.SortFunc(r, func(a, b rec) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.v, b.v)) })
	for j, x := range r {
		times[j], nodes[j] = x.t, x.v
	}
}

// timedRecord is one infection read from a file.
type timedRecord struct {
	k    int
	v    int32
	t    float64
	line int
}

// timedBuilder collects infections, checking each time, and groups them.
type timedBuilder struct {
	where string
	g     *graphs.Graph
	T     float64
	ids   []string
	index map[string]int
	recs  []timedRecord
}

func newTimedBuilder(where string, g *graphs.Graph, T float64) (*timedBuilder, error) {
	if !(T >= 0) {
		return nil, fmt.Errorf("%s: horizon T = %v, want T ≥ 0", where, T)
	}
	return &timedBuilder{where: where, g: g, T: T, index: make(map[string]int)}, nil
}

// cascade returns the index of the cascade id, adding it if new.
func (b *timedBuilder) cascade(id string) int {
	k, ok := b.index[id]
	if !ok {
		k = len(b.ids)
		b.index[id] = k
		b.ids = append(b.ids, id)
	}
	return k
}

// add records node id nid of cascade k infected at the time in field ts.
func (b *timedBuilder) add(line, k int, nid, ts string) error {
	v, ok := b.g.Index(nid)
	if !ok {
		return fmt.Errorf("%s line %d: unknown node %q", b.where, line, nid)
	}
	t, err := strconv.ParseFloat(ts, 64)
	if err != nil {
		return fmt.Errorf("%s line %d: time %q is not a number", b.where, line, ts)
	}
	if math.IsNaN(t) || t < 0 {
		return fmt.Errorf("%s line %d: time %v of node %q, want a time ≥ 0", b.where, line, t, nid)
	}
	if t > b.T {
		return fmt.Errorf("%s line %d: time %v of node %q beyond the horizon T = %v", b.where, line, t, nid, b.T)
	}
	b.recs = append(b.recs, timedRecord{k, int32(v), t, line})
	return nil
}

// build groups the records by cascade, reports a node infected twice in a
// cascade (at the line of its second occurrence), and sorts each cascade.
func (b *timedBuilder) build() (*TimedCascades, error) {
	slices.SortStableFunc(b.recs, func(x, y timedRecord) int { return cmp.Or(cmp.Compare(x.k, y.k), cmp.Compare(x.v, y.v)) })
	dup := -1
	for j := 1; j < len(b.recs); j++ {
		if b.recs[j].k == b.recs[j-1].k && b.recs[j].v == b.recs[j-1].v && (dup < 0 || b.recs[j].line < b.recs[dup].line) {
			dup = j
		}
	}
	if dup >= 0 {
		r := b.recs[dup]
		return nil, fmt.Errorf("%s line %d: node %q infected twice in cascade %q", b.where, r.line, b.g.ID(int(r.v)), b.ids[r.k])
	}
	M := len(b.ids)
	c := &TimedCascades{N: b.g.N, T: b.T, IDs: b.ids, Off: make([]int, M+1),
		Node: make([]int32, len(b.recs)), Time: make([]float64, len(b.recs))}
	for j, r := range b.recs {
		c.Off[r.k+1]++
		c.Node[j], c.Time[j] = r.v, r.t
	}
	for k := range M {
		c.Off[k+1] += c.Off[k]
		sortTimed(c.Node[c.Off[k]:c.Off[k+1]], c.Time[c.Off[k]:c.Off[k+1]])
	}
	return c, nil
}

// ReadTimedCascades reads continuous-time cascades as CSV lines
// "cascade,node,time" (an optional header "cascade,node,time" first; blank
// lines and '#' comments skipped) over the nodes of g with horizon T ≥ 0
// (+Inf allowed). Times are floats, sources have time 0; a line "c,,"
// declares a possibly empty cascade. Errors name the input and line: a
// wrong column count, an unknown node id, a time that is not a number,
// negative, NaN or beyond T, and a node infected twice in one cascade.
func ReadTimedCascades(r io.Reader, name string, g *graphs.Graph, T float64) (*TimedCascades, error) {
	where := readWhere(name)
	b, err := newTimedBuilder(where, g, T)
	if err != nil {
		return nil, err
	}
	first := true
	err = readLines(r, where, func(line int, s string) error {
		f := strings.Split(s, ",")
		if len(f) != 3 {
			return fmt.Errorf("%s line %d: want 3 columns (cascade,node,time), got %d", where, line, len(f))
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if first && strings.EqualFold(f[0], "cascade") && strings.EqualFold(f[1], "node") && strings.EqualFold(f[2], "time") {
			first = false
			return nil
		}
		first = false
		if f[0] == "" {
			return fmt.Errorf("%s line %d: empty cascade id", where, line)
		}
		k := b.cascade(f[0])
		if f[1] == "" && f[2] == "" {
			return nil
		}
		return b.add(line, k, f[1], f[2])
	})
	if err != nil {
		return nil, err
	}
	return b.build()
}

// ReadTimedCascadesFile is ReadTimedCascades on the named file.
func ReadTimedCascadesFile(path string, g *graphs.Graph, T float64) (*TimedCascades, error) {
	return openFile(path, func(r io.Reader) (*TimedCascades, error) { return ReadTimedCascades(r, path, g, T) })
}

// checkTimed validates c against g before a write.
func checkTimed(c *TimedCascades, g *graphs.Graph) error {
	M := len(c.IDs)
	if c.N != g.N {
		return fmt.Errorf("datasets: write: cascades on %d nodes, graph has %d", c.N, g.N)
	}
	if len(c.Off) != M+1 || c.Off[0] != 0 || c.Off[M] != len(c.Node) || len(c.Time) != len(c.Node) {
		return fmt.Errorf("datasets: write: inconsistent TimedCascades arrays (Off, Node, Time)")
	}
	for j, v := range c.Node {
		if v < 0 || int(v) >= g.N {
			return fmt.Errorf("datasets: write: node index %d is not a node", v)
		}
		if t := c.Time[j]; math.IsNaN(t) || t < 0 || math.IsInf(t, 0) {
			return fmt.Errorf("datasets: write: time %v of node %q", t, g.ID(int(v)))
		}
	}
	return nil
}

// appendTime appends t in the shortest form that reads back exactly.
func appendTime(buf []byte, t float64) []byte { return strconv.AppendFloat(buf, t, 'g', -1, 64) }

// WriteTimedCascades writes c as CSV "cascade,node,time" (header first,
// external node ids, times in the shortest form that reads back exactly;
// an empty cascade as "id,,"). It returns an error if c does not match g,
// a time is negative or not finite, or an id cannot be read back.
func WriteTimedCascades(w io.Writer, c *TimedCascades, g *graphs.Graph) error {
	if err := checkTimed(c, g); err != nil {
		return err
	}
	for _, id := range c.IDs {
		if err := checkToken(id); err != nil {
			return fmt.Errorf("datasets: write: cascade id %q %w", id, err)
		}
	}
	return writeCascadeCSV(w, g, c.IDs, func(k int) ([]int32, func([]byte, int) []byte) {
		nodes, times := c.Cascade(k)
		return nodes, func(buf []byte, j int) []byte { return appendTime(buf, times[j]) }
	})
}

// WriteTimedCascadesFile writes c to path atomically (internal/atomicfile).
func WriteTimedCascadesFile(path string, c *TimedCascades, g *graphs.Graph) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return WriteTimedCascades(w, c, g) })
}

// ReadNetRate reads cascades in the two-block text format of NetInf and
// NetRate (Gomez-Rodriguez et al.): a first block of "id,name" lines
// declaring the nodes, a blank line, then one cascade per line as
// "id,t,id,t,…" (node id, infection time pairs). Node ids are resolved in
// g (g.ID is the NetRate id); a cascade's id is its 0-based position in the
// second block. Errors name the input and line: a malformed node line, an
// odd number of fields, an id neither declared in the first block nor a
// node of g, a time that is not a number, negative, NaN or beyond T, and a
// node infected twice in one cascade.
func ReadNetRate(r io.Reader, name string, g *graphs.Graph, T float64) (*TimedCascades, error) {
	where := readWhere(name)
	b, err := newTimedBuilder(where, g, T)
	if err != nil {
		return nil, err
	}
	declared := make(map[string]bool)
	err = readTwoBlocks(r, where, func(line int, s string) error {
		id, _, ok := strings.Cut(s, ",")
		if !ok || strings.TrimSpace(id) == "" {
			return fmt.Errorf("%s line %d: want a node line \"id,name\"", where, line)
		}
		declared[strings.TrimSpace(id)] = true
		return nil
	}, func(line int, s string) error {
		f := strings.Split(s, ",")
		if len(f)%2 != 0 {
			return fmt.Errorf("%s line %d: want \"id,t,id,t,…\" pairs, got %d fields", where, line, len(f))
		}
		k := b.cascade(strconv.Itoa(len(b.ids)))
		for j := 0; j < len(f); j += 2 {
			id := strings.TrimSpace(f[j])
			if !declared[id] {
				return fmt.Errorf("%s line %d: node %q not declared in the first block", where, line, id)
			}
			if err := b.add(line, k, id, strings.TrimSpace(f[j+1])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b.build()
}

// ReadNetRateFile is ReadNetRate on the named file.
func ReadNetRateFile(path string, g *graphs.Graph, T float64) (*TimedCascades, error) {
	return openFile(path, func(r io.Reader) (*TimedCascades, error) { return ReadNetRate(r, path, g, T) })
}

// WriteNetRate writes c in the NetInf/NetRate two-block format: "id,id"
// for every node of g (the NetRate id and name are both g.ID), a blank
// line, then one line "id,t,id,t,…" per cascade in order, infections by
// (time, node), times in the shortest form that reads back exactly. Cascade
// ids are not written (ReadNetRate numbers cascades 0, 1, …). An empty
// cascade is an empty line, which ReadNetRate skips. It returns an error if
// c does not match g or a time is negative or not finite.
func WriteNetRate(w io.Writer, c *TimedCascades, g *graphs.Graph) error {
	if err := checkTimed(c, g); err != nil {
		return err
	}
	for i := range g.N {
		if id := g.ID(i); checkToken(id) != nil {
			return fmt.Errorf("datasets: write: node id %q cannot be written", id)
		}
	}
	return writeBuffered(w, func(bw *bufio.Writer) {
		for i := range g.N {
			bw.WriteString(g.ID(i) + "," + g.ID(i) + "\n")
		}
		bw.WriteString("\n")
		var buf []byte
		for k := range c.IDs {
			nodes, times := c.Cascade(k)
			buf = buf[:0]
			for j, v := range nodes {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = append(append(buf, g.ID(int(v))...), ',')
				buf = appendTime(buf, times[j])
			}
			bw.Write(append(buf, '\n'))
		}
	})
}

// WriteNetRateFile writes c to path atomically (internal/atomicfile).
func WriteNetRateFile(path string, c *TimedCascades, g *graphs.Graph) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return WriteNetRate(w, c, g) })
}

// ReadNetRateNetwork reads a network in NetRate's text format: a first
// block of "id,name" node lines, a blank line, then one "src,dst,alpha"
// line per directed edge. Ids are resolved in g (g.ID). It returns the
// edges as node indices with their rates. Errors name the input and line:
// a malformed line, an unknown id, or a rate that is not a finite number
// ≥ 0.
func ReadNetRateNetwork(r io.Reader, name string, g *graphs.Graph) (src, dst []int, alpha []float64, err error) {
	where := readWhere(name)
	err = readTwoBlocks(r, where, nil, func(line int, s string) error {
		f := strings.Split(s, ",")
		if len(f) != 3 {
			return fmt.Errorf("%s line %d: want \"src,dst,alpha\", got %d fields", where, line, len(f))
		}
		u, ok1 := g.Index(strings.TrimSpace(f[0]))
		v, ok2 := g.Index(strings.TrimSpace(f[1]))
		if !ok1 || !ok2 {
			return fmt.Errorf("%s line %d: unknown node id in %q", where, line, s)
		}
		a, err := strconv.ParseFloat(strings.TrimSpace(f[2]), 64)
		if err != nil || !(a >= 0) || math.IsInf(a, 0) {
			return fmt.Errorf("%s line %d: rate %q is not a finite number ≥ 0", where, line, f[2])
		}
		src, dst, alpha = append(src, u), append(dst, v), append(alpha, a)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return src, dst, alpha, nil
}

// ReadNetRateNetworkFile is ReadNetRateNetwork on the named file.
func ReadNetRateNetworkFile(path string, g *graphs.Graph) (src, dst []int, alpha []float64, err error) {
	type edges struct {
		src, dst []int
		alpha    []float64
	}
	e, err := openFile(path, func(r io.Reader) (edges, error) {
		s, d, a, err := ReadNetRateNetwork(r, path, g)
		return edges{s, d, a}, err
	})
	return e.src, e.dst, e.alpha, err
}

// readTwoBlocks reads NetInf/NetRate's two-block text: node lines, a blank
// line, then data lines. node gets each line of the first block (nil: the
// block is skipped) and data each non-blank line of the second, both with
// their 1-based line numbers; the first error stops the read. Scanner
// errors name the line.
func readTwoBlocks(r io.Reader, where string, node, data func(line int, s string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	line, second := 0, false
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		var err error
		switch {
		case !second && s == "":
			second = true
		case !second:
			if node != nil {
				err = node(line, s)
			}
		case s != "":
			err = data(line, s)
		}
		if err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s line %d: %w", where, line+1, err)
	}
	return nil
}
