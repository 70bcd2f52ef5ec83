package graphs

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ReadMultiplex reads a multiplex edge list: one edge "layer u v" or
// "layer u v w" per line, with the separators, comments and weight rules of
// ReadSNAP (a fourth column is a finite weight, given on every line or on
// none). This is the format of De Domenico's multiplex collection
// (".edges" files, "layerID nodeID nodeID weight") and of the MIM-Reasoner
// exports. Layer names and node ids are arbitrary tokens; every layer is a
// Graph on the union of all node ids, numbered in order of first appearance
// in the whole file (or see ReadOptions.NumNodes), so a node without edges
// in a layer is isolated there. Layers are ordered by first appearance,
// except that when every layer name is a non-negative decimal integer
// without leading zeros they are sorted numerically. opt's BuildOptions
// apply to every layer, and the returned BuildStats add up all layers.
//
// Three comment forms are read as data: "#@nodes a b ..." creates nodes (as
// in ReadSNAP), "#@layers x y ..." creates layers in the order listed,
// which then disables the numeric sort, and "#@undirected" makes every
// layer undirected (as if opt.Undirected were set); WriteMultiplex emits
// them, so empty layers, the node order and undirected layers survive a
// round trip. It returns a *ParseError
// naming name and the line for malformed input; name is used in error
// messages.
func ReadMultiplex(r io.Reader, name string, opt ReadOptions) (*Multiplex, BuildStats, error) {
	mr := newMultiplexReader(opt)
	if err := mr.read(r, name); err != nil {
		return nil, BuildStats{}, err
	}
	ids, index := mr.nodes.table()
	return mr.build(name, ids, index, mr.nodes.name, opt)
}

// ReadMultiplexFile is ReadMultiplex on the file at path (decompressed if it
// ends in ".gz"); errors name the path.
func ReadMultiplexFile(path string, opt ReadOptions) (*Multiplex, BuildStats, error) {
	return withFile(path, func(r io.Reader) (*Multiplex, BuildStats, error) { return ReadMultiplex(r, path, opt) })
}

type multiplexReader struct {
	nodes      *interner
	layers     []string
	layerIdx   map[string]int
	declared   bool // layer order fixed by a #@layers directive or a layers file
	undirected bool // a #@undirected directive: every layer is undirected
	edges      []*edgeList
	ncols      int
	ncolsLine  int
}

func newMultiplexReader(opt ReadOptions) *multiplexReader {
	return &multiplexReader{nodes: newInterner(opt.NumNodes), layerIdx: make(map[string]int)}
}

func (mr *multiplexReader) layer(tok []byte) int {
	if l, ok := mr.layerIdx[string(tok)]; ok {
		return l
	}
	s := string(tok)
	l := len(mr.layers)
	mr.layers = append(mr.layers, s)
	mr.layerIdx[s] = l
	mr.edges = append(mr.edges, &edgeList{weighted: mr.ncols == 4})
	return l
}

func (mr *multiplexReader) read(r io.Reader, name string) error {
	lr := newLineReader(r, name)
	var f [4][]byte
	directives := func(rest []byte) {
		if args, ok := directive(rest, "nodes"); ok {
			eachField(args, func(tok []byte) { mr.nodes.id(tok) })
		} else if args, ok := directive(rest, "layers"); ok {
			mr.declared = true
			eachField(args, func(tok []byte) { mr.layer(tok) })
		} else if _, ok := directive(rest, "undirected"); ok {
			mr.undirected = true
		}
	}
	for {
		rest, ok := lr.data(directives)
		if !ok {
			break
		}
		nf := splitFields(rest, f[:])
		if nf < 3 || nf > 4 {
			return parseErr(name, lr.line, "want \"layer u v\" or \"layer u v w\", got %d columns", nf)
		}
		if mr.ncols == 0 {
			mr.ncols, mr.ncolsLine = nf, lr.line
			for _, el := range mr.edges {
				el.weighted = nf == 4
			}
		} else if nf != mr.ncols {
			return parseErr(name, lr.line, "%d columns but line %d has %d: weights must be given for all edges or none", nf, mr.ncolsLine, mr.ncols)
		}
		w := math.NaN()
		if nf == 4 {
			x, err := parseFinite(f[3])
			if err != nil {
				return parseErr(name, lr.line, "%v", err)
			}
			w = x
		}
		l := mr.layer(f[0])
		mr.edges[l].add(mr.nodes.id(f[1]), mr.nodes.id(f[2]), w, lr.line)
	}
	return lr.err
}

// build orders the layers and builds one Graph per layer on the shared ids.
func (mr *multiplexReader) build(file string, ids []string, index map[string]int, name func(int) string, opt ReadOptions) (*Multiplex, BuildStats, error) {
	order := make([]int, len(mr.layers))
	for l := range order {
		order[l] = l
	}
	if !mr.declared {
		numeric := true
		for _, s := range mr.layers {
			if _, ok := parseIndex([]byte(s)); !ok {
				numeric = false
				break
			}
		}
		if numeric {
			slices.SortStableFunc(order, func(a, b int) int {
				x, _ := parseIndex([]byte(mr.layers[a]))
				y, _ := parseIndex([]byte(mr.layers[b]))
				return x - y
			})
		}
	}
	if mr.undirected {
		opt.Undirected = true
	}
	var total BuildStats
	names := make([]string, len(order))
	layers := make([]*Graph, len(order))
	n := mr.nodes.n()
	for i, l := range order {
		g, st, err := mr.edges[l].build(file, n, ids, index, name, opt.BuildOptions)
		if err != nil {
			return nil, total, err
		}
		total.SelfLoops += st.SelfLoops
		total.Duplicates += st.Duplicates
		names[i], layers[i] = mr.layers[l], g
	}
	m, err := NewMultiplex(names, layers)
	if err != nil {
		return nil, total, err
	}
	return m, total, nil
}

// ReadDeDomenico reads a multiplex from a dataset directory of De Domenico's
// collection (e.g. Arabidopsis_Multiplex_Genetic/Dataset): the one file
// PREFIX_multiplex.edges in dir ("layerID nodeID nodeID weight" lines, read
// as by ReadMultiplex) and, when present, PREFIX_layers.txt and
// PREFIX_nodes.txt, lines "id label" after an optional header line
// ("layerID layerLabel", "nodeID nodeLabel": a first line whose first field
// is not an integer). A label is the rest of the line (it may
// contain spaces) without one pair of surrounding double quotes. The layers
// file fixes the layer order and the nodes file the node order, and nodes
// without edges are kept. External ids and layer names are the numeric ids;
// with opt.LabelIDs they are the labels, which must then be present and
// unique.
func ReadDeDomenico(dir string, opt ReadOptions) (*Multiplex, BuildStats, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*_multiplex.edges"))
	if err != nil || len(matches) != 1 {
		return nil, BuildStats{}, fmt.Errorf("graphs: %s: want exactly one *_multiplex.edges file, found %d", dir, len(matches))
	}
	edgesPath := matches[0]
	prefix := strings.TrimSuffix(edgesPath, "_multiplex.edges")
	mr := newMultiplexReader(opt)
	layerLabels, err := readLabelFile(prefix+"_layers.txt", func(id string) { mr.layer([]byte(id)) })
	if err != nil {
		return nil, BuildStats{}, err
	}
	mr.declared = layerLabels != nil
	nodeLabels, err := readLabelFile(prefix+"_nodes.txt", func(id string) { mr.nodes.idString(id) })
	if err != nil {
		return nil, BuildStats{}, err
	}
	f, err := os.Open(edgesPath)
	if err != nil {
		return nil, BuildStats{}, fmt.Errorf("graphs: %w", err)
	}
	defer f.Close()
	if err := mr.read(f, edgesPath); err != nil {
		return nil, BuildStats{}, err
	}
	ids, index := mr.nodes.table()
	name := mr.nodes.name
	if opt.LabelIDs {
		n := mr.nodes.n()
		ids, index = make([]string, n), make(map[string]int, n)
		for i := range ids {
			lab, ok := nodeLabels[mr.nodes.name(i)]
			if !ok {
				return nil, BuildStats{}, fmt.Errorf("graphs: %s: node %s has no label in %s_nodes.txt (LabelIDs is set)", edgesPath, mr.nodes.name(i), filepath.Base(prefix))
			}
			if j, dup := index[lab]; dup {
				return nil, BuildStats{}, fmt.Errorf("graphs: %s_nodes.txt: nodes %s and %s share the label %q (LabelIDs is set)", prefix, mr.nodes.name(j), mr.nodes.name(i), lab)
			}
			ids[i], index[lab] = lab, i
		}
		name = func(i int) string { return ids[i] }
		for l, id := range mr.layers {
			lab, ok := layerLabels[id]
			if !ok {
				return nil, BuildStats{}, fmt.Errorf("graphs: %s: layer %s has no label in %s_layers.txt (LabelIDs is set)", edgesPath, id, filepath.Base(prefix))
			}
			mr.layers[l] = lab
		}
	}
	return mr.build(edgesPath, ids, index, name, opt)
}

// readLabelFile reads "id label" lines after a header line, calling add for
// each id in order. A missing file gives nil, nil.
func readLabelFile(path string, add func(id string)) (map[string]string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("graphs: %w", err)
	}
	defer f.Close()
	lr := newLineReader(f, path)
	labels := make(map[string]string)
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		i := bytes.IndexAny(line, " \t")
		if i < 0 {
			i = len(line)
		}
		if _, numeric := parseCount(line[:i]); lr.line == 1 && !numeric {
			continue // header "layerID layerLabel" / "nodeID nodeLabel"
		}
		id := string(line[:i])
		label := bytes.TrimSpace(line[i:])
		if len(label) >= 2 && label[0] == '"' && label[len(label)-1] == '"' {
			label = label[1 : len(label)-1]
		}
		if _, dup := labels[id]; dup {
			return nil, parseErr(path, lr.line, "id %q given twice", id)
		}
		labels[id] = string(label)
		add(id)
	}
	if lr.err != nil {
		return nil, lr.err
	}
	return labels, nil
}

// WriteMultiplex writes m as a multiplex edge list: comment lines naming the
// format and counts, a "#@layers" line with the layer names in order,
// "#@nodes" lines when needed to keep the node order and nodes without edges
// (see ReadMultiplex), then "layer u v" or "layer u v w" lines, layer by
// layer, each layer in edge id order (undirected layers: each undirected
// edge once, as PairEdge). It returns an error before writing if the layers
// disagree on being undirected, or on being weighted (layers without edges
// excepted), or if a node id or layer name
// cannot be written (see WriteSNAP).
func WriteMultiplex(w io.Writer, m *Multiplex) error {
	if len(m.Layers) > 0 {
		g0 := m.Layers[0]
		if err := checkWritableIDs(g0, "a multiplex edge list"); err != nil {
			return err
		}
		weighted := -1 // layer index of the first layer with edges
		for l, g := range m.Layers {
			if g.Undirected() != g0.Undirected() {
				return fmt.Errorf("graphs: write multiplex: layer %s is undirected and layer %s is not, or the reverse", m.Names[l], m.Names[0])
			}
			if g.NumEdges() == 0 {
				continue // no weights to tell
			}
			if weighted < 0 {
				weighted = l
			} else if (g.Weight != nil) != (m.Layers[weighted].Weight != nil) {
				return fmt.Errorf("graphs: write multiplex: layer %s has weights and layer %s has none, or the reverse", m.Names[l], m.Names[weighted])
			}
		}
	}
	for _, s := range m.Names {
		if !idWritable(s) {
			return fmt.Errorf("graphs: write multiplex: layer name %q cannot be written (empty, contains whitespace or a comma, or starts with # or %%)", s)
		}
	}
	ew := newEdgeWriter(w, "multiplex")
	bw := ew.bw
	kind, weighted, edges := "directed", "", 0
	for _, g := range m.Layers {
		edges += g.NumPairs()
		if g.Undirected() {
			kind = "undirected (each edge once)"
		}
		if g.Weight != nil {
			weighted = ", weighted: layer u v w"
		}
	}
	fmt.Fprintf(bw, "# spread graphs multiplex edge list, %s%s\n# layers %d nodes %d edges %d\n", kind, weighted, len(m.Layers), m.N(), edges)
	bw.WriteString("#@layers")
	for _, s := range m.Names {
		bw.WriteString(" " + s)
	}
	bw.WriteString("\n")
	if len(m.Layers) > 0 && m.Layers[0].Undirected() {
		bw.WriteString("#@undirected\n")
	}
	if len(m.Layers) > 0 {
		ord := newNaturalOrder(m.N())
		for _, g := range m.Layers {
			for _, e := range snapEdges(g) {
				ord.visit(g.Src[e])
				ord.visit(g.Dst[e])
			}
		}
		if !ord.complete() {
			ew.buf = writeNodesDirective(bw, m.Layers[0], ew.buf)
		}
	}
	for l, g := range m.Layers {
		node := externalIDs(g)
		for _, e := range snapEdges(g) {
			ew.edge(m.Names[l], g.Src[e], g.Dst[e], node, g.Weight, e)
		}
	}
	return ew.flush()
}

// WriteMultiplexFile writes m with WriteMultiplex to path atomically (see
// WriteFile).
func WriteMultiplexFile(path string, m *Multiplex) error {
	return WriteFile(path, func(w io.Writer) error { return WriteMultiplex(w, m) })
}
