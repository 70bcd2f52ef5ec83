package nn_test

import (
	"math/rand/v2"
	"testing"
	"time"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/internal/benchutil"
	"github.com/spread-dev/spread/models/nn"
)

// BenchmarkMLPForwardBackward times one TapeMachine run (forward and
// backward, gradients captured by Params.ReadGrads) of a 64 → 128 → 128 → 1
// tanh MLP on a batch of 256 with an MSE cost. The graph is built,
// differentiated and compiled once, outside the timed loop.
func BenchmarkMLPForwardBackward(b *testing.B) {
	const batch = 256
	rng := rand.New(rand.NewPCG(1, 2))
	g := G.NewGraph()
	p := nn.NewParams(g)
	m, err := nn.NewMLP(p, nn.MLPConfig{Name: "mlp", Sizes: []int{64, 128, 128, 1}, Hidden: nn.Tanh()}, rng)
	if err != nil {
		b.Fatal(err)
	}
	x := input(g, "x", uniform(rng, batch*64, -1, 1), batch, 64)
	target := input(g, "target", uniform(rng, batch, -1, 1), batch, 1)
	y, err := m.Forward(x)
	if err != nil {
		b.Fatal(err)
	}
	loss := G.Must(G.Mean(G.Must(G.Square(G.Must(G.Sub(y, target))))))
	if _, err := p.Grad(loss); err != nil {
		b.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	c0 := benchutil.CPUTime()
	for b.Loop() {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			b.Fatal(err)
		}
		if err := p.ReadGrads(); err != nil {
			b.Fatal(err)
		}
	}
	benchutil.ReportCPUPerOp(b, c0, time.Microsecond)
}
