package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/spread-dev/spread/graphs"
)

var graphCmd = &command{
	name:      "graph",
	usageLine: "spread graph <command> [arguments]",
	short:     "generate networks and describe network files",
	long:      "spread graph generates synthetic networks and describes network files.",
	children:  []*command{graphGenCmd, graphInfoCmd, graphCacheCmd},
}

var graphGenCmd = &command{
	name:      "gen",
	usageLine: "spread graph gen -kind tree|sftree|rrg|er|lattice|ba|kronecker -n N [-degree D] [-initiator hier|core|rand] [-periodic] [-seed S] -o FILE",
	short:     "generate a synthetic network as a SNAP edge list",
	long: `Gen generates a network and writes it as a SNAP edge list (one "u v" line
per edge, undirected kinds once per edge, with a "# nodes N edges E" header).
Node ids are 0..n-1. The same seed always gives the same network.

Kinds and the meaning of -degree (0 means the default in brackets):
  tree       k-regular tree truncated to n nodes, BFS order; degree d [3]
  sftree     scale-free tree (Barabási–Albert, m = 1); -degree not allowed
  rrg        simple random d-regular graph; n·d must be even [3]
  er         Erdős–Rényi G(n, p) with mean degree D [3]
  lattice    square lattice, n must be a perfect square; -periodic wraps it
  ba         Barabási–Albert with m edges per new node [2]
  kronecker  stochastic Kronecker graph, directed, n a power of two, exactly
             n·D distinct edges [2]; -initiator hier|core|rand [hier]`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		kind := fs.String("kind", "", "network kind: "+strings.Join(graphs.GenKinds(), "|"))
		n := fs.Int("n", 0, "number of nodes")
		var opt graphs.GenOptions
		fs.Float64Var(&opt.Degree, "degree", 0, "degree parameter of the kind (0 = the kind's default)")
		fs.StringVar(&opt.Initiator, "initiator", "", "Kronecker initiator: hier|core|rand (default hier)")
		fs.BoolVar(&opt.Periodic, "periodic", false, "lattice: wrap around (torus)")
		fs.Uint64Var(&opt.Seed, "seed", 1, "random seed")
		out := fs.String("o", "", "output file (SNAP edge list)")
		return func(ctx context.Context, e *env, args []string) error {
			c := newFlagCheck(fs)
			c.required("kind", *kind)
			c.intRange("n", *n, 1, maxNodes, true)
			c.floatRange("degree", opt.Degree, 0, math.Inf(1), false, true, false)
			c.required("o", *out)
			if err := c.err(); err != nil {
				return err
			}
			if opt.Degree*float64(*n) > maxEdges {
				return usagef("-n %d with -degree %v gives more than the limit of %d edges", *n, opt.Degree, maxEdges)
			}
			if err := checkFiles(nil, []fileArg{{"-o", *out}}); err != nil {
				return err
			}
			g, err := graphs.Generate(*kind, *n, opt)
			if err != nil {
				return err
			}
			if err := graphs.WriteSNAPFile(*out, g); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %d nodes, %d edges\n", *out, g.N, edgeCount(g))
			return nil
		}
	},
}

var graphInfoCmd = &command{
	name:      "info",
	usageLine: "spread graph info [-json] [-undirected] FILE",
	nargs:     1,
	short:     "print node and edge counts and degree statistics",
	long: `Info reads a network file and prints its number of nodes and edges and its
minimum, mean and maximum degree. FILE is a SNAP edge list, a MatrixMarket
file (.mtx), a GML file (.gml) or an IMM dataset directory. Edges of an
undirected network are counted once; the degree is then the number of
neighbours, and in a directed network the in-degree plus the out-degree.
With -json the output is one JSON object with keys nodes, edges, directed,
min_degree, mean_degree, max_degree.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		asJSON := fs.Bool("json", false, "print one JSON object")
		undirected := fs.Bool("undirected", false, "read an edge list as undirected")
		return func(ctx context.Context, e *env, args []string) error {
			if err := checkFiles([]fileArg{{"FILE", args[0]}}, nil); err != nil {
				return err
			}
			g, err := loadGraph(e, args[0], *undirected)
			if err != nil {
				return err
			}
			mn, mx, mean := g.DegreeStats()
			info := struct {
				Nodes      int     `json:"nodes"`
				Edges      int     `json:"edges"`
				Directed   bool    `json:"directed"`
				MinDegree  int     `json:"min_degree"`
				MeanDegree float64 `json:"mean_degree"`
				MaxDegree  int     `json:"max_degree"`
			}{g.N, edgeCount(g), !g.Undirected(), mn, mean, mx}
			if *asJSON {
				enc := json.NewEncoder(e.stdout)
				return enc.Encode(info)
			}
			kind := "undirected"
			if info.Directed {
				kind = "directed"
			}
			fmt.Fprintf(e.stdout, "nodes %d\nedges %d (%s)\nmin_degree %d\nmean_degree %.4f\nmax_degree %d\n",
				info.Nodes, info.Edges, kind, info.MinDegree, info.MeanDegree, info.MaxDegree)
			return nil
		}
	},
}

var graphCacheCmd = &command{
	name:      "cache",
	usageLine: "spread graph cache [-undirected] FILE",
	nargs:     1,
	short:     "write a binary cache beside a network file for fast repeated reads",
	long: `Cache reads a network file (SNAP edge list, MatrixMarket, GML) once and
writes FILE.spreadg beside it: the graph's arrays as built, so that every
later command given -graph FILE (with the same -undirected) loads them in
one pass instead of parsing the text. The cache records the file's size and
modification time; when the file changes the cache is ignored (and may be
rewritten with this command). A damaged cache is an error.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		undirected := fs.Bool("undirected", false, "read an edge list as undirected")
		return func(ctx context.Context, e *env, args []string) error {
			if st, err := os.Stat(args[0]); err == nil && st.IsDir() {
				return usagef("%s is a directory: cache a file", args[0])
			}
			if err := checkFiles([]fileArg{{"FILE", args[0]}}, []fileArg{{"cache", args[0] + graphs.CacheSuffix}}); err != nil {
				return err
			}
			opt := graphOptions(*undirected)
			g, st, err := graphs.ReadFile(args[0], opt)
			if err != nil {
				return err
			}
			reportBuild(e, args[0], st)
			if err := graphs.WriteCache(args[0], g, st, opt); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %d nodes, %d edges\n", args[0]+graphs.CacheSuffix, g.N, edgeCount(g))
			return nil
		}
	},
}

// graphOptions are the read options of every command: the -undirected
// flag and the node limit.
func graphOptions(undirected bool) graphs.ReadOptions {
	return graphs.ReadOptions{BuildOptions: graphs.BuildOptions{Undirected: undirected}, MaxNodes: maxNodes}
}

// edgeCount counts undirected edges once.
func edgeCount(g *graphs.Graph) int {
	if g.Undirected() {
		return g.NumPairs()
	}
	return g.NumEdges()
}

// loadGraph reads a network (graphs.ReadPath): an IMM dataset directory
// or a file whose format follows its extension. undirected applies to edge
// lists. Header counts beyond maxNodes are refused. What the reader dropped
// or took as a header goes to stderr.
func loadGraph(e *env, path string, undirected bool) (*graphs.Graph, error) {
	return loadModelGraph(e, path, undirected, "")
}

// loadModelGraph is loadGraph for a diffusion model: for -model LT an IMM
// directory's LT weights (graph_lt.inf) are read instead of its IC
// probabilities.
func loadModelGraph(e *env, path string, undirected bool, model string) (*graphs.Graph, error) {
	if path == "" {
		return nil, usagef("-graph is required")
	}
	opt := graphOptions(undirected)
	var (
		g   *graphs.Graph
		st  graphs.BuildStats
		err error
	)
	lt := filepath.Join(path, graphs.IMMLTFile)
	if _, serr := os.Stat(lt); model == "LT" && serr == nil {
		fmt.Fprintf(e.stderr, "note: %s: reading the LT weights of %s\n", path, graphs.IMMLTFile)
		g, st, err = graphs.ReadIMM(path, graphs.IMMLTFile, opt)
	} else {
		g, st, err = graphs.ReadPath(path, opt)
	}
	if err != nil {
		return nil, err
	}
	reportBuild(e, path, st)
	return g, nil
}

// reportBuild tells the user what a reader dropped or read as a header.
func reportBuild(e *env, path string, st graphs.BuildStats) {
	if st.CountsLine > 0 {
		fmt.Fprintf(e.stderr, "note: %s line %d read as a header \"nodes edges\" (its counts match the file), not as an edge\n", path, st.CountsLine)
	}
	if st.SelfLoops > 0 {
		fmt.Fprintf(e.stderr, "note: %s: dropped %d self-loop(s)\n", path, st.SelfLoops)
	}
	if st.Duplicates > 0 {
		fmt.Fprintf(e.stderr, "note: %s: dropped %d duplicate edge(s) (the first copy is kept)\n", path, st.Duplicates)
	}
	if st.FromCache {
		fmt.Fprintf(e.stderr, "note: %s: loaded from its binary cache %s\n", path, path+graphs.CacheSuffix)
	}
	if st.IgnoredGraphs > 0 {
		fmt.Fprintf(e.stderr, "note: %s: read the first graph only; %d more graph list(s) ignored\n", path, st.IgnoredGraphs)
	}
}
