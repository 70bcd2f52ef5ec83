package nn_test

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/nn"
)

// A 2 → 2 → 1 ReLU MLP with hand-set weights, run on a batch of two rows:
//
//	W₀ = [[1, −1], [2, 0.5]], b₀ = [0.5, −1], W₁ = [[1], [−2]], b₁ = [0.25]
//	x = (1, 2):     z = (5.5, −1),   relu → (5.5, 0),    y = 5.5 + 0.25 = 5.75
//	x = (−1, 0.5):  z = (0.5, 0.25), relu → (0.5, 0.25), y = 0.5 − 0.5 + 0.25 = 0.25
func ExampleMLP() {
	g := G.NewGraph()
	params := nn.NewParams(g)
	mlp, err := nn.NewMLP(params, nn.MLPConfig{
		Name:   "mlp",
		Sizes:  []int{2, 2, 1},
		Hidden: nn.ReLU(),
	}, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(params.Names(), params.Size())

	// Overwrite the random initialisation: registration order, row-major.
	theta := []float64{
		1, -1, 2, 0.5, // mlp.0.W
		0.5, -1, // mlp.0.b
		1, -2, // mlp.1.W
		0.25, // mlp.1.b
	}
	if err := params.Unflatten(theta); err != nil {
		fmt.Println(err)
		return
	}

	x := G.NewMatrix(g, tensor.Float64, G.WithName("x"), G.WithShape(2, 2),
		G.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{1, 2, -1, 0.5}))))
	y, err := mlp.Forward(x)
	if err != nil {
		fmt.Println(err)
		return
	}
	var yv G.Value
	G.Read(y, &yv) // intermediate values are only safe to read through G.Read
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape())
	for _, v := range yv.Data().([]float64) {
		fmt.Printf("%.4f\n", v)
	}
	// Output:
	// [mlp.0.W mlp.0.b mlp.1.W mlp.1.b] 9
	// (2, 1)
	// 5.7500
	// 0.2500
}
