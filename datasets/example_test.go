package datasets_test

import (
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
)

// path returns the directed path a → b → c.
func path() *graphs.Graph {
	b := graphs.NewBuilder("path")
	b.AddEdge("a", "b", math.NaN(), 0)
	b.AddEdge("b", "c", math.NaN(), 0)
	g, _, err := b.Build(graphs.BuildOptions{})
	if err != nil {
		panic(err)
	}
	return g
}

func ExampleReadCascades() {
	g := path()
	const T = 3 // times 0, 1, 2 resolved; 3 = censored
	in := `cascade,node,time
x,a,0
x,b,1
y,a,0
z,b,0
z,c,1
`
	c, err := datasets.ReadCascades(strings.NewReader(in), "example.csv", g, T)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("cascades:", c.M())
	// Node c is hidden: its row stays zero.
	observed, _ := datasets.ReadHidden(strings.NewReader("# hidden\nc\n"), "hidden.txt", g)
	obs := datasets.Counts(c, observed, true, nil)
	for _, cl := range obs.Classes {
		fmt.Printf("seeds %v, M = %d\n", cl.Seeds, cl.M)
		for i := 0; i < g.N; i++ {
			fmt.Printf("  m_%s(τ=0..3) = %v\n", g.ID(i), cl.Counts[i*(T+1):(i+1)*(T+1)])
		}
	}

	_, err = datasets.ReadCascades(strings.NewReader("x,a,0\nx,d,1\n"), "bad.csv", g, T)
	fmt.Println(err)
	// Output:
	// cascades: 3
	// seeds [0], M = 2
	//   m_a(τ=0..3) = [2 0 0 0]
	//   m_b(τ=0..3) = [0 1 0 1]
	//   m_c(τ=0..3) = [0 0 0 0]
	// seeds [1], M = 1
	//   m_a(τ=0..3) = [0 0 0 1]
	//   m_b(τ=0..3) = [1 0 0 0]
	//   m_c(τ=0..3) = [0 0 0 0]
	// datasets: read bad.csv line 2: unknown node "d"
}

func ExampleSynthetic() {
	g := path()
	alpha := []float64{1, 0.5} // α_ab, α_bc in edge order
	c, err := datasets.Synthetic(g, alpha, datasets.SyntheticConfig{M: 5, T: 3, Seed: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := datasets.WriteCascades(os.Stdout, c, g); err != nil {
		fmt.Println(err)
	}
	// Output:
	// cascade,node,time
	// 0,a,0
	// 0,b,1
	// 0,c,2
	// 1,b,0
	// 1,c,1
	// 2,b,0
	// 3,a,0
	// 3,b,1
	// 3,c,2
	// 4,b,0
	// 4,c,1
}
