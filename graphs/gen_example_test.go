package graphs_test

import (
	"fmt"

	"github.com/spread-dev/spread/graphs"
)

// The regular tree of degree 3 on 10 nodes, in breadth-first order: the root 0
// has children 1, 2, 3; node 1 has 4, 5; node 2 has 6, 7; node 3 has 8, 9.
func ExampleRegularTree() {
	g, err := graphs.RegularTree(10, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("nodes:", g.N)
	fmt.Println("undirected edges:", g.NumPairs())
	fmt.Println("directed edges:", g.NumEdges())
	fmt.Println("neighbours of 0:", g.Dst[g.OutOff[0]:g.OutOff[1]])
	fmt.Println("neighbours of 3:", g.Dst[g.OutOff[3]:g.OutOff[4]])
	// Output:
	// nodes: 10
	// undirected edges: 9
	// directed edges: 18
	// neighbours of 0: [1 2 3]
	// neighbours of 3: [0 8 9]
}

// Generate is what `spread graph gen` calls; -degree means the mean degree
// for Erdős–Rényi graphs.
func ExampleGenerate() {
	g, err := graphs.Generate("lattice", 16, graphs.GenOptions{Periodic: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("torus 4×4:", g.N, "nodes,", g.NumPairs(), "edges")
	_, err = graphs.Generate("grid", 16, graphs.GenOptions{})
	fmt.Println(err)
	// Output:
	// torus 4×4: 16 nodes, 32 edges
	// graphs: unknown generator kind "grid" (valid: tree, sftree, rrg, er, lattice, ba, kronecker)
}
