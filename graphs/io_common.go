package graphs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spread-dev/spread/internal/atomicfile"
)

// DefaultMaxNodes is the largest node count a file may declare (a MatrixMarket
// size line, an IMM attribute n=) when ReadOptions.MaxNodes is zero. Readers
// allocate per declared node before they see any edge, so a bound keeps a
// corrupt header from exhausting memory.
const DefaultMaxNodes = 1 << 27

// ReadOptions controls the readers. The zero value reads a directed graph,
// drops self-loops, keeps the first of duplicate edges and accepts up to
// DefaultMaxNodes declared nodes.
type ReadOptions struct {
	// BuildOptions are the CSR policies: Undirected makes every line an
	// undirected edge (u–v and v–u are then duplicates), SelfLoops and
	// Duplicates say what happens to self-loops and repeated edges.
	// MatrixMarket "symmetric" files and GML files without "directed 1" are
	// undirected whatever Undirected says.
	BuildOptions

	// CountsLine (SNAP edge lists only) says the first non-comment line is
	// "n m", a node and an edge-line count, as in the course copies of
	// ca-GrQc and NetHEPT. The reader checks that the file has exactly m edge
	// lines (self-loops and duplicates included) and at most n distinct node
	// ids. If it is false, such a line is still taken as counts when the
	// evidence is unambiguous: two non-negative integers with m ≥ 1, exactly
	// m edge lines after it, at most n distinct ids in them, and either
	// weighted edge lines (which a two-column edge could not precede) or
	// neither number used as a node id elsewhere (BuildStats.CountsLine
	// says so).
	// Otherwise the first line is an edge.
	CountsLine bool

	// NoCountsLine turns off the detection of a counts line: the first line
	// is always an edge (unless CountsLine is set).
	NoCountsLine bool

	// NumNodes (SNAP and multiplex edge lists), if positive, creates the
	// nodes with ids "0".."NumNodes-1" first, in that order: a 0-based file
	// keeps index = id and nodes without edges are kept. Other ids are still
	// accepted and numbered after them. If it is zero, nodes are numbered in
	// order of first appearance.
	NumNodes int

	// MaxNodes bounds the node count a file may declare (MatrixMarket size
	// line, IMM attribute n=); larger declarations are an error. Zero means
	// DefaultMaxNodes. It does not limit NumNodes or nodes met in edges,
	// which cost memory in proportion to the input anyway.
	MaxNodes int

	// LabelIDs uses labels as external ids: a GML node's label instead of its
	// numeric id, and for ReadDeDomenico the node and layer labels of the
	// _nodes.txt and _layers.txt files instead of their numeric ids. Labels
	// must then be present and unique. If it is false, the numeric ids are
	// kept.
	LabelIDs bool
}

func (o *ReadOptions) maxNodes() int {
	if o.MaxNodes > 0 {
		return o.MaxNodes
	}
	return DefaultMaxNodes
}

// ParseError reports malformed input. Every reader returns one for a problem
// in the data, so callers can branch with errors.As.
type ParseError struct {
	// File is the name the caller gave the reader (the path for the
	// ReadXFile helpers); it may be empty.
	File string
	// Line is the 1-based line of the problem, or 0 when it concerns the
	// whole file (a count that does not match, a missing header).
	Line int
	// Msg describes the problem.
	Msg string
}

// Error formats the error as "graphs: FILE line N: MSG".
func (e *ParseError) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("graphs: %s line %d: %s", e.File, e.Line, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("graphs: line %d: %s", e.Line, e.Msg)
	case e.File != "":
		return fmt.Sprintf("graphs: %s: %s", e.File, e.Msg)
	}
	return "graphs: " + e.Msg
}

func parseErr(file string, line int, format string, args ...any) error {
	return &ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// ReadFile reads a graph file choosing the format by extension: ".mtx" and
// ".mm" are MatrixMarket, ".gml" is GML, anything else is a SNAP edge list
// (which also covers IMM .inf files, without their [0,1] check). A further
// ".gz" suffix is decompressed.
func ReadFile(path string, opt ReadOptions) (*Graph, BuildStats, error) {
	ext := strings.ToLower(filepath.Ext(strings.TrimSuffix(path, ".gz")))
	switch ext {
	case ".mtx", ".mm":
		return ReadMatrixMarketFile(path, opt)
	case ".gml":
		return ReadGMLFile(path, opt)
	}
	return ReadSNAPFile(path, opt)
}

// ReadPath reads a network from path: an IMM dataset directory
// (ReadIMMDir), or a file whose format follows its extension (ReadFile).
// When a binary cache path+CacheSuffix written by WriteCache for this file
// (same size and modification time) and these options exists, ReadPath
// loads it instead, in one pass (BuildStats.FromCache says so); a stale
// cache is ignored, a damaged one is an error. A path that does not exist
// is an error "graphs: stat PATH: ...".
func ReadPath(path string, opt ReadOptions) (*Graph, BuildStats, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, BuildStats{}, fmt.Errorf("graphs: %w", err)
	}
	if st.IsDir() {
		return ReadIMMDir(path, opt)
	}
	g, bs, err := readCache(path, st, opt)
	if err == nil {
		bs.FromCache = true
		return g, bs, nil
	}
	if !errors.Is(err, errStaleCache) {
		return nil, BuildStats{}, err
	}
	return ReadFile(path, opt)
}

// withFile opens path (decompressing a ".gz" suffix) and calls read on it.
func withFile[T any](path string, read func(io.Reader) (T, BuildStats, error)) (T, BuildStats, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, BuildStats{}, fmt.Errorf("graphs: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return zero, BuildStats{}, parseErr(path, 0, "gzip: %v", err)
		}
		defer zr.Close()
		r = zr
	}
	return read(r)
}

// WriteFile writes a file atomically (temporary file in the same
// directory, synced, then renamed): no half-written file is ever visible
// under path. It is internal/atomicfile.WriteFile, exported here for callers
// that write graph-adjacent files.
func WriteFile(path string, write func(io.Writer) error) error {
	return atomicfile.WriteFile(path, write)
}

// lineReader returns the lines of a text input without their terminator
// ("\n" or "\r\n"), counting them from 1.
type lineReader struct {
	br   *bufio.Reader
	name string
	line int    // number of the line last returned
	long []byte // assembly buffer for lines longer than br's buffer
	err  error  // first read error other than io.EOF
}

func newLineReader(r io.Reader, name string) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), name: name}
}

// next returns the next line, or ok=false at the end of input or on a read
// error (then lr.err is set). A UTF-8 byte-order mark at the start of the
// first line is removed. The slice is valid until the next call.
func (lr *lineReader) next() (line []byte, ok bool) {
	b, err := lr.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		lr.long = append(lr.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = lr.br.ReadSlice('\n')
			lr.long = append(lr.long, b...)
		}
		b = lr.long
	}
	if err != nil && err != io.EOF {
		lr.err = parseErr(lr.name, lr.line+1, "read: %v", err)
		return nil, false
	}
	if len(b) == 0 && err == io.EOF {
		return nil, false
	}
	lr.line++
	if lr.line == 1 {
		b = bytes.TrimPrefix(b, utf8BOM)
	}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b, true
}

// utf8BOM is the UTF-8 byte-order mark some editors put at the start of a
// text file; the line reader drops it, so it never becomes part of an id.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// isSep marks the bytes that separate fields in edge lists: space, tab,
// comma, and the other ASCII whitespace.
var isSep = [256]bool{' ': true, '\t': true, ',': true, '\r': true, '\v': true, '\f': true}

// splitFields stores up to len(f) fields of line in f and returns the number
// of fields, which may exceed len(f). Runs of separators count as one.
func splitFields(line []byte, f [][]byte) int {
	n := 0
	i := 0
	for {
		for i < len(line) && isSep[line[i]] {
			i++
		}
		if i == len(line) {
			return n
		}
		j := i
		for j < len(line) && !isSep[line[j]] {
			j++
		}
		if n < len(f) {
			f[n] = line[i:j]
		}
		n++
		i = j
	}
}

// commentLine reports whether line is blank or a comment ('#' or '%' as its
// first non-separator byte), and returns the line after leading separators.
func commentLine(line []byte) (rest []byte, skip bool) {
	i := 0
	for i < len(line) && isSep[line[i]] {
		i++
	}
	rest = line[i:]
	return rest, len(rest) == 0 || rest[0] == '#' || rest[0] == '%'
}

// data returns the next line that is neither blank nor a comment, from its
// first non-separator byte; every comment line on the way (directives
// included) goes to onComment when it is not nil. ok is false at the end
// of the input (check lr.err).
func (lr *lineReader) data(onComment func(rest []byte)) (rest []byte, ok bool) {
	for {
		line, ok := lr.next()
		if !ok {
			return nil, false
		}
		rest, skip := commentLine(line)
		if !skip {
			return rest, true
		}
		if onComment != nil {
			onComment(rest)
		}
	}
}

// directive returns the arguments of a "#@name a b c" line, or ok=false.
func directive(rest []byte, name string) (args []byte, ok bool) {
	if len(rest) < 2+len(name) || rest[0] != '#' || rest[1] != '@' || string(rest[2:2+len(name)]) != name {
		return nil, false
	}
	args = rest[2+len(name):]
	if len(args) > 0 && !isSep[args[0]] {
		return nil, false
	}
	return args, true
}

// eachField calls fn on every field of b.
func eachField(b []byte, fn func([]byte)) {
	i := 0
	for {
		for i < len(b) && isSep[b[i]] {
			i++
		}
		if i == len(b) {
			return
		}
		j := i
		for j < len(b) && !isSep[b[j]] {
			j++
		}
		fn(b[i:j])
		i = j
	}
}

// parseIndex parses a canonical non-negative decimal integer: digits only,
// no sign, no leading zero except "0" itself, at most 18 digits.
func parseIndex(tok []byte) (int, bool) {
	if len(tok) == 0 || len(tok) > 18 || (tok[0] == '0' && len(tok) > 1) {
		return 0, false
	}
	v := 0
	for _, c := range tok {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseCount parses a non-negative decimal count (leading zeros allowed).
func parseCount(tok []byte) (int, bool) {
	for len(tok) > 1 && tok[0] == '0' {
		tok = tok[1:]
	}
	return parseIndex(tok)
}

// parseFinite parses a weight or probability and rejects NaN, ±Inf and
// values that overflow float64.
func parseFinite(tok []byte) (float64, error) {
	x, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("weight %q is out of range", tok)
		}
		return 0, fmt.Errorf("weight %q is not a number", tok)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("weight %q is not finite", tok)
	}
	return x, nil
}

// interner numbers external ids in order of first appearance. With dense > 0
// the ids "0".."dense-1" exist from the start at their own index. Other
// canonical decimal ids below smallIDLimit are found through the slice small
// instead of the map, which makes numeric files (the common case) fast; the
// numbering does not depend on which path an id takes.
type interner struct {
	dense int
	extra []string       // ids numbered dense, dense+1, ...
	small []int32        // small[v] = 1 + index of the id strconv.Itoa(v), or 0
	index map[string]int // other extra ids → index
}

// smallIDLimit bounds the decimal ids kept in interner.small (4 bytes each).
const smallIDLimit = 1 << 22

func newInterner(dense int) *interner {
	return &interner{dense: max(dense, 0), index: make(map[string]int)}
}

func (t *interner) n() int { return t.dense + len(t.extra) }

func (t *interner) id(tok []byte) int {
	if v, ok := parseIndex(tok); ok && v < max(t.dense, smallIDLimit) {
		if v < t.dense {
			return v
		}
		if v < len(t.small) && t.small[v] > 0 {
			return int(t.small[v]) - 1
		}
		if v >= len(t.small) {
			t.small = append(t.small, make([]int32, max(v+1, 2*len(t.small), 1024)-len(t.small))...)
			t.small = t.small[:min(cap(t.small), smallIDLimit)]
		}
		i := t.n()
		t.small[v] = int32(i + 1)
		t.extra = append(t.extra, string(tok))
		return i
	}
	if i, ok := t.index[string(tok)]; ok {
		return i
	}
	s := string(tok)
	i := t.n()
	t.extra = append(t.extra, s)
	t.index[s] = i
	return i
}

func (t *interner) idString(s string) int { return t.id([]byte(s)) }

// lookup returns the index of id s without adding it.
func (t *interner) lookup(s string) (int, bool) {
	if v, ok := parseIndex([]byte(s)); ok && v < max(t.dense, smallIDLimit) {
		if v < t.dense {
			return v, true
		}
		if v < len(t.small) && t.small[v] > 0 {
			return int(t.small[v]) - 1, true
		}
		return 0, false
	}
	i, ok := t.index[s]
	return i, ok
}

// name returns the external id of node i.
func (t *interner) name(i int) string {
	if i < t.dense {
		return strconv.Itoa(i)
	}
	return t.extra[i-t.dense]
}

// table returns the id slice and map for a Graph, or nil, nil when the ids
// are the decimal indices.
func (t *interner) table() ([]string, map[string]int) {
	if len(t.extra) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, t.n())
	for i := 0; i < t.dense; i++ {
		ids = append(ids, strconv.Itoa(i))
	}
	ids = append(ids, t.extra...)
	if isDecimalIdentity(ids) {
		return nil, nil
	}
	index := make(map[string]int, len(ids))
	for i, s := range ids {
		index[s] = i
	}
	return ids, index
}

// edgeList accumulates edges by node index with the input line of each, for
// error messages.
type edgeList struct {
	src, dst []int
	w        []float64 // one per edge when weighted
	lines    []int
	weighted bool
}

func (el *edgeList) add(u, v int, w float64, line int) {
	el.src = append(el.src, u)
	el.dst = append(el.dst, v)
	if el.weighted {
		el.w = append(el.w, w)
	}
	el.lines = append(el.lines, line)
}

// prependEdge makes u→v (from line) the first edge, numbering its nodes as
// if they had been met right after the first preN nodes of t: the edge was
// held back while it might have been a counts line. It returns the
// renumbered interner (dense as t's) and renumbers the edges already added.
func (el *edgeList) prependEdge(t *interner, dense, preN int, u, v string, line int) *interner {
	t2 := newInterner(dense)
	remap := make([]int, t.n())
	for i := 0; i < preN; i++ {
		remap[i] = t2.idString(t.name(i))
	}
	iu, iv := t2.idString(u), t2.idString(v)
	for i := preN; i < t.n(); i++ {
		remap[i] = t2.idString(t.name(i))
	}
	for k := range el.src {
		el.src[k], el.dst[k] = remap[el.src[k]], remap[el.dst[k]]
	}
	el.src = append([]int{iu}, el.src...)
	el.dst = append([]int{iv}, el.dst...)
	el.lines = append([]int{line}, el.lines...)
	if el.weighted {
		el.w = append([]float64{math.NaN()}, el.w...)
	}
	return t2
}

// build turns the edge list into a Graph on n nodes. ids and index are the
// external id table (nil for decimal indices); name gives a node's id for
// error messages.
func (el *edgeList) build(file string, n int, ids []string, index map[string]int, name func(int) string, opt BuildOptions) (*Graph, BuildStats, error) {
	var w []float64
	if el.weighted {
		w = el.w
		if w == nil {
			w = []float64{} // weighted without edges: Weight is empty, not nil
		}
	}
	reject := func(k, first int) error {
		u, v := name(el.src[k]), name(el.dst[k])
		if first < 0 {
			return parseErr(file, el.lines[k], "self-loop on node %q (rejected by RejectSelfLoops)", u)
		}
		arrow := "→"
		if opt.Undirected {
			arrow = "–"
		}
		return parseErr(file, el.lines[k], "duplicate edge %q%s%q, first given on line %d (rejected by RejectDuplicates)", u, arrow, v, el.lines[first])
	}
	g, st, err := build(n, el.src, el.dst, w, opt, reject)
	if err != nil {
		return nil, st, err
	}
	g.ids, g.index = ids, index
	return g, st, nil
}

// idWritable reports whether an external id survives a round trip through a
// whitespace/comma separated line format.
func idWritable(id string) bool {
	if id == "" || id[0] == '#' || id[0] == '%' {
		return false
	}
	for i := 0; i < len(id); i++ {
		if isSep[id[i]] || id[i] == '\n' {
			return false
		}
	}
	return true
}

func checkWritableIDs(g *Graph, format string) error {
	if g.ids == nil {
		return nil
	}
	for i, id := range g.ids {
		if !idWritable(id) {
			return fmt.Errorf("graphs: node %d has id %q, which cannot be written in %s (empty, contains whitespace or a comma, or starts with # or %%)", i, id, format)
		}
	}
	return nil
}

// appendID appends the external id of node i.
func appendID(buf []byte, g *Graph, i int) []byte {
	if g.ids == nil {
		return strconv.AppendInt(buf, int64(i), 10)
	}
	return append(buf, g.ids[i]...)
}

// edgeWriter writes the edge lines "[prefix ]u v[ w]\n" of every line
// format (SNAP, MatrixMarket, IMM, multiplex) through one buffered writer
// and one scratch buffer, so no line allocates.
type edgeWriter struct {
	bw   *bufio.Writer
	buf  []byte
	what string // names the format in errors: "graphs: write WHAT: ..."
}

func newEdgeWriter(w io.Writer, what string) *edgeWriter {
	return &edgeWriter{bw: bufio.NewWriterSize(w, 256<<10), buf: make([]byte, 0, 256), what: what}
}

// nodeFormat appends the token of node i.
type nodeFormat func(buf []byte, i int) []byte

// externalIDs formats nodes by g's external ids; indexFrom by index+base.
func externalIDs(g *Graph) nodeFormat {
	return func(buf []byte, i int) []byte { return appendID(buf, g, i) }
}

func indexFrom(base int) nodeFormat {
	return func(buf []byte, i int) []byte { return strconv.AppendInt(buf, int64(i+base), 10) }
}

// edge writes one line for edge e = u→v: the prefix (a layer name) if not
// empty, the two node tokens, and weights[e] when weights is not nil.
func (w *edgeWriter) edge(prefix string, u, v int, node nodeFormat, weights []float64, e int) {
	b := w.buf[:0]
	if prefix != "" {
		b = append(b, prefix...)
		b = append(b, ' ')
	}
	b = node(b, u)
	b = append(b, ' ')
	b = node(b, v)
	if weights != nil {
		b = append(b, ' ')
		b = appendWeight(b, weights[e])
	}
	b = append(b, '\n')
	w.bw.Write(b)
	w.buf = b
}

// flush flushes the writer; a bufio.Writer keeps its first error, so the
// lines need no checks of their own.
func (w *edgeWriter) flush() error {
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("graphs: write %s: %w", w.what, err)
	}
	return nil
}

// appendWeight appends x in the shortest form that parses back exactly.
func appendWeight(buf []byte, x float64) []byte {
	return strconv.AppendFloat(buf, x, 'g', -1, 64)
}

// naturalOrder tracks whether reading lines back, numbering nodes in order
// of first appearance, reproduces the node indices.
type naturalOrder struct {
	seen []bool
	next int
	ok   bool
}

func newNaturalOrder(n int) *naturalOrder {
	return &naturalOrder{seen: make([]bool, n), ok: true}
}

func (o *naturalOrder) visit(i int) {
	if !o.seen[i] {
		o.seen[i] = true
		if i != o.next {
			o.ok = false
		}
		o.next++
	}
}

// complete reports whether every node appeared, in index order.
func (o *naturalOrder) complete() bool { return o.ok && o.next == len(o.seen) }

// writeNodesDirective writes "#@nodes" lines listing every node id in index
// order, 64 per line.
func writeNodesDirective(bw *bufio.Writer, g *Graph, buf []byte) []byte {
	for i := 0; i < g.N; i += 64 {
		buf = append(buf[:0], "#@nodes"...)
		for j := i; j < min(i+64, g.N); j++ {
			buf = append(buf, ' ')
			buf = appendID(buf, g, j)
		}
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	return buf
}
