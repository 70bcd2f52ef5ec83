package iminfector_test

import (
	"fmt"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/solvers/iminfector"
)

// Node 0 starts four cascades that reach nodes 1, 2 and 3; node 4 starts
// four that reach node 5 only, and node 6 four that reach nobody.
// IMINFECTOR trains the embeddings, then picks from the initiators:
// 4 cascades × round(3·1.2) + 4 × round(1·1.2) = 20 training pairs. Node 4
// comes first: its row of D puts almost all its mass on node 5, while node
// 0's is shared by nodes 1, 2 and 3 (the greedy's gain is a sum of D
// entries); only the three initiators can be chosen.
func Example() {
	c := &datasets.TimedCascades{N: 7, T: 10, Off: []int{0}}
	add := func(nodes []int32, times []float64) {
		c.IDs = append(c.IDs, fmt.Sprint(len(c.IDs)))
		c.Node, c.Time = append(c.Node, nodes...), append(c.Time, times...)
		c.Off = append(c.Off, len(c.Node))
	}
	for range 4 {
		add([]int32{0, 1, 2, 3}, []float64{0, 1, 2, 3})
		add([]int32{4, 5}, []float64{0, 1})
		add([]int32{6}, []float64{0})
	}
	m, err := iminfector.Train(c, &iminfector.Settings{Dim: 8, Epochs: 30, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("initiators %v, %d pairs, loss falls: %v\n", m.Initiators, m.Pairs, m.Loss[len(m.Loss)-1] < m.Loss[0])
	res, err := m.Select(2, 100)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("seeds", res.Seeds, "E", res.E)
	_, err = m.Select(4, 100)
	fmt.Println(err)
	// Output:
	// initiators [0 4 6], 20 pairs, loss falls: true
	// seeds [4 0] E [3 3]
	// iminfector: budget exceeds the candidate initiators: k = 4, 3 candidates (the top 100% of 3 initiators)
}
