package touplegdd

import (
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/train/gradcheck"
)

// smallMultiplex is a random 3-layer IC/LT/IC multiplex on 9 nodes with
// parallel edges across layers (so the coupled weights are exercised).
func smallMultiplex(t *testing.T) *multiplex.Model {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 3))
	const n = 9
	var ls []*graphs.Graph
	for k := 0; k < 3; k++ {
		var src, dst []int
		for u := 0; u < n; u++ {
			for v := 0; v < n; v++ {
				if u != v && rng.Float64() < 0.3 {
					src, dst = append(src, u), append(dst, v)
				}
			}
		}
		g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, g)
	}
	m, err := multiplex.New(&graphs.Multiplex{Names: []string{"a", "b", "c"}, Layers: ls},
		[]multiplex.Layer{{Kind: multiplex.IC}, {Kind: multiplex.LT}, {Kind: multiplex.IC}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// smallConfig is a network small enough for a full central-difference check.
func smallConfig() Config {
	c := DefaultConfig(2)
	c.Dim, c.GateHidden, c.Layers = 4, 3, 2
	c, _ = c.resolve(9)
	return c
}

// gradSettings: step 1e-6, relative 1e-5 and absolute 1e-7 tolerances (the
// LeakyReLU kinks are the only non-smooth points; random θ keeps every
// pre-activation away from them at this step).
var gradSettings = &gradcheck.Settings{Step: 1e-6, RelTol: 1e-5, AbsTol: 1e-7}

// states are the two seed sets of the checked batch.
var gcStates = [][]int{{}, {2, 5}}

// The three coupled GNNs and the Q-network: the gradient of c·Q (every node
// of a 2-state batch, a random cotangent c) by autodiff against central
// differences, every parameter.
func TestGradcheckQNetwork(t *testing.T) {
	m := smallMultiplex(t)
	cfg := smallConfig()
	topo, err := NewTopology(m)
	if err != nil {
		t.Fatal(err)
	}
	theta, err := initParams(&cfg, rand.New(rand.NewPCG(7, 1)))
	if err != nil {
		t.Fatal(err)
	}
	// Move the coupling scalars off 1 so that each has its own effect.
	rng := rand.New(rand.NewPCG(8, 1))
	for i := range theta {
		theta[i] += 0.3 * (rng.Float64() - 0.5)
	}
	const b = 2
	cot := make([]float64, b*topo.N)
	for i := range cot {
		cot[i] = rng.NormFloat64()
	}
	nt := &net{cfg: &cfg, t: topo, bt: newBatch(topo, b)}
	obj, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		q, err := nt.build(d, theta)
		if err != nil {
			return nil, err
		}
		c := d.Input("c", []int{b * topo.N, 1}, cot)
		return G.Sum(must(G.HadamardProd(q, c)))
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	setStates(obj, topo.N, cfg.K, gcStates)
	rep, err := gradcheck.CheckObjective(obj, theta, nil, gradSettings)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass {
		t.Fatalf("Q-network gradient:\n%v", rep)
	}
	t.Logf("%d parameters, max abs err %.2e, max rel err %.2e", rep.N, rep.MaxAbsErr, rep.MaxRelErr)
}

// The DQN loss (1/B) Σ (Q(a_b; S_b) − y_b)², and a negative control: a
// gradient off by 1 % must fail the same check.
func TestGradcheckDQNLoss(t *testing.T) {
	m := smallMultiplex(t)
	cfg := smallConfig()
	topo, err := NewTopology(m)
	if err != nil {
		t.Fatal(err)
	}
	theta, err := initParams(&cfg, rand.New(rand.NewPCG(9, 1)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(10, 1))
	for i := range theta {
		theta[i] += 0.3 * (rng.Float64() - 0.5)
	}
	ln, err := newLossNet(topo, &cfg, 2, theta)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.obj.Close()
	ln.set(topo.N, gcStates, []int{4, 7}, []float64{1.5, -0.5})
	rep, err := gradcheck.CheckObjective(ln.obj, theta, nil, gradSettings)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass {
		t.Fatalf("DQN loss gradient:\n%v", rep)
	}
	bad, err := gradcheck.CheckObjective(scaled{ln.obj}, theta, nil, gradSettings)
	if err != nil {
		t.Fatal(err)
	}
	if bad.Pass {
		t.Fatal("negative control: a gradient scaled by 1.01 passed the check")
	}
}

// scaled is an objective whose gradient is 1 % too large.
type scaled struct{ o *compiled.Objective }

func (s scaled) Eval(x, grad []float64) (float64, error) {
	f, err := s.o.Eval(x, grad)
	for i := range grad {
		grad[i] *= 1.01
	}
	return f, err
}
