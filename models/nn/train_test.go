package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/models/nn"
	"github.com/spread-dev/spread/train/optim"
)

// fitSine fits y = sin(x) on 64 evenly spaced points of [−π, π] with a
// 1 → 16 → 16 → 1 tanh MLP and Adam (η = 0.01), full batch, for the given
// number of steps, and returns the mean squared error after each step's
// run (losses[k] is the loss the k-th step's gradient was taken at). The
// graph is built, differentiated and compiled once; each step is Reset,
// RunAll, ReadGrads, Adam.Step.
func fitSine(seed uint64, steps int) ([]float64, error) {
	const n = 64
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i] = -math.Pi + 2*math.Pi*float64(i)/(n-1)
		ys[i] = math.Sin(xs[i])
	}
	g := G.NewGraph()
	p := nn.NewParams(g)
	m, err := nn.NewMLP(p, nn.MLPConfig{
		Name: "f", Sizes: []int{1, 16, 16, 1}, Hidden: nn.Tanh(),
	}, rand.New(rand.NewPCG(seed, 0)))
	if err != nil {
		return nil, err
	}
	x := input(g, "x", xs, n, 1)
	y := input(g, "y", ys, n, 1)
	pred, err := m.Forward(x)
	if err != nil {
		return nil, err
	}
	diff, err := G.Sub(pred, y)
	if err != nil {
		return nil, err
	}
	sq, err := G.Square(diff)
	if err != nil {
		return nil, err
	}
	loss, err := G.Mean(sq)
	if err != nil {
		return nil, err
	}
	var lossVal G.Value
	G.Read(loss, &lossVal)
	if _, err := p.Grad(loss); err != nil {
		return nil, err
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	adam := &optim.Adam{LR: 0.01}
	params := p.OptimParams()
	losses := make([]float64, steps)
	for k := range steps {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			return nil, err
		}
		if err := p.ReadGrads(); err != nil {
			return nil, err
		}
		losses[k] = lossVal.Data().(float64)
		if err := adam.Step(params); err != nil {
			return nil, err
		}
	}
	return losses, nil
}

// TestFitSine is the end-to-end check: 500 Adam steps take the MSE from
// 0.2–2 at initialisation below 5e-3, at least 100× lower, and the run is
// bit-identical for the same seed. The threshold has a margin of 5× over
// the worst loss observed after 500 steps for seeds 1–8 (8.9e-4, seed 2).
func TestFitSine(t *testing.T) {
	const steps, want = 500, 5e-3
	for _, seed := range []uint64{1, 2, 3} {
		losses, err := fitSine(seed, steps)
		if err != nil {
			t.Fatal(err)
		}
		first, last := losses[0], losses[steps-1]
		t.Logf("seed %d: MSE %.4g → %.4g", seed, first, last)
		if !(last < want && last < first/100) {
			t.Errorf("seed %d: MSE after %d steps %g, want < %g (first %g)", seed, steps, last, want, first)
		}
	}
	a, err := fitSine(7, 50)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fitSine(7, 50)
	if err != nil {
		t.Fatal(err)
	}
	for k := range a {
		if a[k] != b[k] {
			t.Fatalf("seed 7: step %d loss %v then %v: training is not deterministic", k, a[k], b[k])
		}
	}
}
