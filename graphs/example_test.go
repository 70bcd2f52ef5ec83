package graphs_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/spread-dev/spread/graphs"
)

// A directed triangle a→b→c→a plus the reverse edge b→a. Edges are numbered
// by (source, target) index, so a→b is 0 and its reverse b→a is 1.
func ExampleReadSNAP() {
	const edges = `# FromNodeId ToNodeId
a b
b c
c a
b a
`
	g, stats, err := graphs.ReadSNAP(strings.NewReader(edges), "triangle.txt", graphs.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("nodes:", g.N, "edges:", g.NumEdges(), "dropped:", stats)
	for e := 0; e < g.NumEdges(); e++ {
		fmt.Printf("edge %d: %s→%s  Rev %d\n", e, g.ID(g.Src[e]), g.ID(g.Dst[e]), g.Rev[e])
	}
	// Output:
	// nodes: 3 edges: 4 dropped: {0 0 0 0 false}
	// edge 0: a→b  Rev 1
	// edge 1: b→a  Rev 0
	// edge 2: b→c  Rev -1
	// edge 3: c→a  Rev -1
}

// Malformed input gives an error naming the file and line.
func ExampleReadSNAP_error() {
	_, _, err := graphs.ReadSNAP(strings.NewReader("a b 0.5\nb c high\n"), "probs.txt", graphs.ReadOptions{})
	fmt.Println(err)
	// Output:
	// graphs: probs.txt line 2: weight "high" is not a number
}

// An undirected path 0–1–2 is written with each undirected edge once and
// read back with the same node and edge numbering.
func ExampleWriteSNAP() {
	g, _, _ := graphs.FromEdges(3, []int{1, 0}, []int{2, 1}, []float64{0.25, 0.5}, graphs.BuildOptions{Undirected: true})
	if err := graphs.WriteSNAP(os.Stdout, g); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # spread graphs edge list, undirected (each edge once), weighted: u v w
	// # nodes 3 edges 2
	// #@undirected
	// 0 1 0.5
	// 1 2 0.25
}
