package pipeline

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/models/lt"
)

// MaxNodes bounds the node count a graph header may announce, as the spread
// command does.
const MaxNodes = 50_000_000

// GraphSpec names a network file and how to read it, as the spread command's
// -graph and -undirected flags do. Workers read it themselves.
type GraphSpec struct {
	// Path is a file (format by extension) or an IMM dataset directory.
	Path string
	// Undirected reads an edge list as undirected.
	Undirected bool
	// LT reads an IMM directory's LT weights (graph_lt.inf) when present.
	LT bool
}

// Load reads the graph.
func (s GraphSpec) Load() (*graphs.Graph, error) {
	opt := graphs.ReadOptions{BuildOptions: graphs.BuildOptions{Undirected: s.Undirected}, MaxNodes: MaxNodes}
	if s.LT {
		if _, err := os.Stat(filepath.Join(s.Path, graphs.IMMLTFile)); err == nil {
			g, _, err := graphs.ReadIMM(s.Path, graphs.IMMLTFile, opt)
			return g, err
		}
	}
	g, _, err := graphs.ReadPath(s.Path, opt)
	return g, err
}

// ParseNodeSet parses "id,id ..." (commas or blanks between ids) into node
// indices, refusing unknown and repeated ids and an empty list
// (datasets.ParseNodeIDs).
func ParseNodeSet(g *graphs.Graph, s string) ([]int, error) { return datasets.ParseNodeIDs(g, s) }

// ReadNodeSets reads a file of node sets, one per line (ids separated by
// commas or blanks; blank lines and '#' comments skipped), in file order.
// Errors name the file and line.
func ReadNodeSets(path string, g *graphs.Graph) ([][]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var sets [][]int
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		set, err := ParseNodeSet(g, s)
		if err != nil {
			return nil, fmt.Errorf("pipeline: read %s line %d: %w", path, line, err)
		}
		sets = append(sets, set)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pipeline: read %s: %w", path, err)
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("pipeline: read %s: no node sets", path)
	}
	return sets, nil
}

// ProbSpec chooses the per-edge probabilities (IC) or weights (LT) as the
// flags of spread im do: a "u v p" file, the weighted cascade, one constant,
// or (none set) the graph file's own weights.
type ProbSpec struct {
	File  string
	WC    bool
	Const float64 // used when ConstSet
	// ConstSet says Const was given.
	ConstSet bool
}

// EdgeProbs returns one value per directed edge of g.
func (s ProbSpec) EdgeProbs(g *graphs.Graph) ([]float64, error) {
	switch {
	case s.File != "":
		th, err := datasets.ReadEdgeValuesFile(s.File, g, true)
		if err != nil {
			return nil, err
		}
		return ic.ExpandAlpha(nil, g, th), nil
	case s.WC:
		return diffusion.WeightedCascade(nil, g), nil
	case s.ConstSet:
		p := make([]float64, g.NumEdges())
		for e := range p {
			p[e] = s.Const
		}
		return p, nil
	}
	if g.Weight == nil {
		return nil, fmt.Errorf("the graph file has no probabilities: give a probability file, the weighted cascade or a constant")
	}
	return g.Weight, nil
}

// NewModel builds the IC or LT model ("IC" or "LT") of g with values p.
func NewModel(g *graphs.Graph, p []float64, model string) (diffusion.Model, error) {
	switch model {
	case "IC":
		return ic.NewModel(g, p)
	case "LT":
		return lt.NewModel(g, p)
	}
	return nil, fmt.Errorf("unknown model %q (want IC or LT)", model)
}

// shardRanges splits 0..total-1 into at most shards contiguous ranges of
// nearly equal size, as cut points 0 = c_0 < c_1 < … < c_m = total.
// shardsOf returns one element per (set, shard) pair: mk(set, lo, hi) for
// the runs lo..hi-1 of each shard of the total runs.
func shardsOf[T any](sets, total, shards int, mk func(set, lo, hi int) T) []T {
	cuts := shardRanges(total, max(1, shards))
	var out []T
	for set := range sets {
		for k := 0; k+1 < len(cuts); k++ {
			out = append(out, mk(set, cuts[k], cuts[k+1]))
		}
	}
	return out
}

func shardRanges(total, shards int) []int {
	shards = max(1, min(shards, total))
	cuts := make([]int, shards+1)
	for k := range cuts {
		cuts[k] = k * total / shards
	}
	return cuts
}
