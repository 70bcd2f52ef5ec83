package graphs

import (
	"bytes"
	"io"
	"math"
	"strconv"
)

// ReadGML reads a graph in GML, the subset that network repositories use
// (Newman's netdata, networkx write_gml):
//
//	graph [
//	  directed 0|1
//	  node [ id 0 label "35034" ]
//	  edge [ source 0 target 1 value 2.5 ]
//	]
//
// A file is a list of "key value" pairs where a value is a number, a quoted
// string or a bracketed list; '#' starts a comment to the end of the line.
// Only the first top-level "graph" list is read (BuildStats.IgnoredGraphs
// counts the others); keys other than those shown
// (e.g. Creator, graphics, node attributes) are skipped, nested lists
// included. Every node needs an integer id, unique in the graph; every edge
// an integer source and target that are node ids, in any order relative to
// the nodes. The external id of a node is its GML id in decimal (with
// opt.LabelIDs, its label string, which must then be present and unique).
// Nodes are numbered in order of declaration. An edge's "value" (or
// "weight") becomes its weight; either every edge has one or none does. The
// graph is undirected when "directed" is 0 or absent, or when opt.Undirected
// is set. It returns a *ParseError naming name and the line for any
// malformed input (bad token, unterminated string or list, missing or
// duplicate id, non-finite value); name is used in error messages.
func ReadGML(r io.Reader, name string, opt ReadOptions) (*Graph, BuildStats, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, BuildStats{}, parseErr(name, 0, "read: %v", err)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	p := gmlParser{lex: gmlLexer{data: data, line: 1}, name: name}
	if err := p.parseFile(); err != nil {
		return nil, BuildStats{}, err
	}
	if !p.found {
		return nil, BuildStats{}, parseErr(name, 0, "no graph [ ... ] list")
	}
	g, st, err := p.graph(opt)
	st.IgnoredGraphs = p.extra
	return g, st, err
}

// ReadGMLFile is ReadGML on the file at path (decompressed if it ends in
// ".gz"); errors name the path.
func ReadGMLFile(path string, opt ReadOptions) (*Graph, BuildStats, error) {
	return withFile(path, func(r io.Reader) (*Graph, BuildStats, error) { return ReadGML(r, path, opt) })
}

type gmlKind int

const (
	gmlEOF gmlKind = iota
	gmlKey
	gmlNum
	gmlStr
	gmlOpen
	gmlClose
)

func (k gmlKind) String() string {
	return [...]string{"end of file", "key", "number", "string", "[", "]"}[k]
}

type gmlToken struct {
	kind gmlKind
	text []byte // key or number text, string contents without quotes
	line int
}

type gmlLexer struct {
	data []byte
	pos  int
	line int
}

func (l *gmlLexer) next(name string) (gmlToken, error) {
	d := l.data
	for l.pos < len(d) {
		c := d[l.pos]
		switch {
		case c == '\n':
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f':
			l.pos++
		case c == '#':
			for l.pos < len(d) && d[l.pos] != '\n' {
				l.pos++
			}
		default:
			goto token
		}
	}
	return gmlToken{kind: gmlEOF, line: l.line}, nil
token:
	start, line := l.pos, l.line
	c := d[l.pos]
	switch {
	case c == '[':
		l.pos++
		return gmlToken{kind: gmlOpen, line: line}, nil
	case c == ']':
		l.pos++
		return gmlToken{kind: gmlClose, line: line}, nil
	case c == '"':
		l.pos++
		for l.pos < len(d) && d[l.pos] != '"' {
			if d[l.pos] == '\n' {
				l.line++
			}
			l.pos++
		}
		if l.pos == len(d) {
			return gmlToken{}, parseErr(name, line, "unterminated string")
		}
		l.pos++
		return gmlToken{kind: gmlStr, text: d[start+1 : l.pos-1], line: line}, nil
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_':
		for l.pos < len(d) && (isAlpha(d[l.pos]) || d[l.pos] >= '0' && d[l.pos] <= '9') {
			l.pos++
		}
		return gmlToken{kind: gmlKey, text: d[start:l.pos], line: line}, nil
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		for l.pos < len(d) && isNumByte(d[l.pos]) {
			l.pos++
		}
		return gmlToken{kind: gmlNum, text: d[start:l.pos], line: line}, nil
	}
	return gmlToken{}, parseErr(name, line, "unexpected character %q", rune(c))
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func isNumByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

type gmlNode struct {
	id       int64
	label    string
	hasLabel bool
	line     int
}

type gmlEdge struct {
	src, dst int64
	w        float64
	hasW     bool
	line     int
}

type gmlParser struct {
	lex      gmlLexer
	name     string
	found    bool
	extra    int // graph lists after the first, skipped
	directed bool
	nodes    []gmlNode
	edges    []gmlEdge
}

func (p *gmlParser) next() (gmlToken, error) { return p.lex.next(p.name) }

// parseFile reads the top-level list of key-value pairs.
func (p *gmlParser) parseFile() error {
	for {
		k, err := p.next()
		if err != nil {
			return err
		}
		if k.kind == gmlEOF {
			return nil
		}
		if k.kind != gmlKey {
			return parseErr(p.name, k.line, "want a key, got %s", k.kind)
		}
		v, err := p.next()
		if err != nil {
			return err
		}
		switch {
		case v.kind == gmlOpen && string(k.text) == "graph" && !p.found:
			p.found = true
			if err := p.parseGraph(v.line); err != nil {
				return err
			}
		case v.kind == gmlOpen:
			if string(k.text) == "graph" {
				p.extra++
			}
			if err := p.skipList(v.line); err != nil {
				return err
			}
		case v.kind == gmlNum || v.kind == gmlStr:
		default:
			return parseErr(p.name, v.line, "key %q needs a value, got %s", k.text, v.kind)
		}
	}
}

// skipList skips the rest of a list whose '[' was on line open.
func (p *gmlParser) skipList(open int) error {
	depth := 1
	for depth > 0 {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch t.kind {
		case gmlOpen:
			depth++
		case gmlClose:
			depth--
		case gmlEOF:
			return parseErr(p.name, t.line, "file ends inside the list opened on line %d (truncated?)", open)
		}
	}
	return nil
}

// pairs reads the key-value pairs of a list opened on line open up to its
// ']', calling fn for each; fn may consume a list value itself by returning
// handled=true, otherwise list values are skipped.
func (p *gmlParser) pairs(open int, fn func(key []byte, v gmlToken) (handled bool, err error)) error {
	for {
		k, err := p.next()
		if err != nil {
			return err
		}
		switch k.kind {
		case gmlClose:
			return nil
		case gmlEOF:
			return parseErr(p.name, k.line, "file ends inside the list opened on line %d (truncated?)", open)
		case gmlKey:
		default:
			return parseErr(p.name, k.line, "want a key, got %s", k.kind)
		}
		v, err := p.next()
		if err != nil {
			return err
		}
		switch v.kind {
		case gmlNum, gmlStr, gmlOpen:
		case gmlEOF:
			return parseErr(p.name, v.line, "file ends inside the list opened on line %d (truncated?)", open)
		default:
			return parseErr(p.name, v.line, "key %q needs a value, got %s", k.text, v.kind)
		}
		handled, err := fn(k.text, v)
		if err != nil {
			return err
		}
		if v.kind == gmlOpen && !handled {
			if err := p.skipList(v.line); err != nil {
				return err
			}
		}
	}
}

func (p *gmlParser) parseGraph(open int) error {
	return p.pairs(open, func(key []byte, v gmlToken) (bool, error) {
		switch string(key) {
		case "directed":
			d, err := p.int(v, "directed")
			if err != nil {
				return false, err
			}
			if d != 0 && d != 1 {
				return false, parseErr(p.name, v.line, "directed %d, want 0 or 1", d)
			}
			p.directed = d == 1
		case "node":
			if v.kind != gmlOpen {
				return false, parseErr(p.name, v.line, "node needs a [ ... ] list")
			}
			return true, p.parseNode(v.line)
		case "edge":
			if v.kind != gmlOpen {
				return false, parseErr(p.name, v.line, "edge needs a [ ... ] list")
			}
			return true, p.parseEdge(v.line)
		}
		return false, nil
	})
}

func (p *gmlParser) int(v gmlToken, key string) (int64, error) {
	if v.kind != gmlNum {
		return 0, parseErr(p.name, v.line, "%s needs an integer, got %s", key, v.kind)
	}
	x, err := strconv.ParseInt(string(v.text), 10, 64)
	if err != nil {
		return 0, parseErr(p.name, v.line, "%s %q is not an integer", key, clip(v.text))
	}
	return x, nil
}

func (p *gmlParser) parseNode(open int) error {
	nd := gmlNode{line: open}
	hasID := false
	err := p.pairs(open, func(key []byte, v gmlToken) (bool, error) {
		switch string(key) {
		case "id":
			if hasID {
				return false, parseErr(p.name, v.line, "node has two ids")
			}
			id, err := p.int(v, "id")
			if err != nil {
				return false, err
			}
			nd.id, hasID = id, true
		case "label":
			if v.kind == gmlOpen {
				return false, parseErr(p.name, v.line, "label needs a string or number")
			}
			nd.label, nd.hasLabel = string(v.text), true
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	if !hasID {
		return parseErr(p.name, open, "node without id")
	}
	p.nodes = append(p.nodes, nd)
	return nil
}

func (p *gmlParser) parseEdge(open int) error {
	ed := gmlEdge{line: open}
	hasS, hasT := false, false
	err := p.pairs(open, func(key []byte, v gmlToken) (bool, error) {
		var err error
		switch k := string(key); k {
		case "source":
			if hasS {
				return false, parseErr(p.name, v.line, "edge has two sources")
			}
			ed.src, err = p.int(v, k)
			hasS = true
		case "target":
			if hasT {
				return false, parseErr(p.name, v.line, "edge has two targets")
			}
			ed.dst, err = p.int(v, k)
			hasT = true
		case "value", "weight":
			if ed.hasW {
				return false, parseErr(p.name, v.line, "edge has two values")
			}
			if v.kind != gmlNum {
				return false, parseErr(p.name, v.line, "%s needs a number, got %s", k, v.kind)
			}
			x, perr := parseFinite(v.text)
			if perr != nil {
				return false, parseErr(p.name, v.line, "%v", perr)
			}
			ed.w, ed.hasW = x, true
		}
		return false, err
	})
	if err != nil {
		return err
	}
	if !hasS || !hasT {
		return parseErr(p.name, open, "edge without source or target")
	}
	p.edges = append(p.edges, ed)
	return nil
}

// graph resolves node ids and builds the Graph.
func (p *gmlParser) graph(opt ReadOptions) (*Graph, BuildStats, error) {
	n := len(p.nodes)
	byID := make(map[int64]int, n)
	ids := make([]string, n)
	for i, nd := range p.nodes {
		if j, dup := byID[nd.id]; dup {
			return nil, BuildStats{}, parseErr(p.name, nd.line, "node id %d already used by the node on line %d", nd.id, p.nodes[j].line)
		}
		byID[nd.id] = i
		ids[i] = strconv.FormatInt(nd.id, 10)
	}
	var index map[string]int
	if opt.LabelIDs {
		index = make(map[string]int, n)
		for i, nd := range p.nodes {
			if !nd.hasLabel {
				return nil, BuildStats{}, parseErr(p.name, nd.line, "node %d has no label (LabelIDs is set)", nd.id)
			}
			if j, dup := index[nd.label]; dup {
				return nil, BuildStats{}, parseErr(p.name, nd.line, "label %q already used by the node on line %d (LabelIDs is set)", nd.label, p.nodes[j].line)
			}
			ids[i] = nd.label
			index[nd.label] = i
		}
	}
	el := edgeList{weighted: len(p.edges) > 0 && p.edges[0].hasW}
	for _, ed := range p.edges {
		if ed.hasW != el.weighted {
			return nil, BuildStats{}, parseErr(p.name, ed.line, "edge value given for some edges but not others (first edge on line %d)", p.edges[0].line)
		}
		u, ok := byID[ed.src]
		if !ok {
			return nil, BuildStats{}, parseErr(p.name, ed.line, "edge source %d is not a node id", ed.src)
		}
		v, ok := byID[ed.dst]
		if !ok {
			return nil, BuildStats{}, parseErr(p.name, ed.line, "edge target %d is not a node id", ed.dst)
		}
		w := math.NaN()
		if ed.hasW {
			w = ed.w
		}
		el.add(u, v, w, ed.line)
	}
	if isDecimalIdentity(ids) {
		ids, index = nil, nil
	} else if index == nil {
		index = make(map[string]int, n)
		for i, s := range ids {
			index[s] = i
		}
	}
	bo := opt.BuildOptions
	bo.Undirected = bo.Undirected || !p.directed
	return el.build(p.name, n, ids, index, func(i int) string {
		if ids == nil {
			return strconv.Itoa(i)
		}
		return ids[i]
	}, bo)
}
