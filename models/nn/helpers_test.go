package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/nn"
)

// Plain-Go reference implementations, written from the formulas in doc.go
// and independent of the code under test.

// refAct applies the activation called name (Activation.String) to z.
func refAct(name string, z float64) float64 {
	switch name {
	case "identity":
		return z
	case "relu":
		return math.Max(z, 0)
	case "tanh":
		return math.Tanh(z)
	case "sigmoid":
		return 1 / (1 + math.Exp(-z))
	case "softplus":
		return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
	case "elu(1)":
		if z > 0 {
			return z
		}
		return math.Expm1(z)
	case "elu(0.5)":
		if z > 0 {
			return z
		}
		return 0.5 * math.Expm1(z)
	case "leakyrelu(0.2)":
		if z >= 0 {
			return z
		}
		return 0.2 * z
	}
	panic("refAct: unknown activation " + name)
}

// refLinear returns y = x·W + b for x (batch×in), W (in×out), b (out, or
// nil), all row-major.
func refLinear(x, w, b []float64, batch, in, out int) []float64 {
	y := make([]float64, batch*out)
	for r := range batch {
		for j := range out {
			s := 0.0
			if b != nil {
				s = b[j]
			}
			for k := range in {
				s += x[r*in+k] * w[k*out+j]
			}
			y[r*out+j] = s
		}
	}
	return y
}

// refMLP runs m's layers in plain Go on x (batch×In) with the values held
// by p. It also returns the smallest |pre-activation| seen before a hidden
// or output activation that has a kink at 0.
func refMLP(p *nn.Params, m *nn.MLP, x []float64, batch int) (y []float64, minAbsPre float64) {
	minAbsPre = math.Inf(1)
	h := x
	for k, l := range m.Layers {
		wi, _ := p.Lookup(l.W.Name())
		var b []float64
		if l.B != nil {
			bi, _ := p.Lookup(l.B.Name())
			b = p.Value(bi)
		}
		z := refLinear(h, p.Value(wi), b, batch, l.In, l.Out)
		act := m.Hidden
		if k == len(m.Layers)-1 {
			act = m.Output
		}
		for i, v := range z {
			if act.String() != "identity" {
				minAbsPre = math.Min(minAbsPre, math.Abs(v))
			}
			z[i] = refAct(act.String(), v)
		}
		h = z
	}
	return h, minAbsPre
}

// uniform returns n draws from U(lo, hi).
func uniform(rng *rand.Rand, n int, lo, hi float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = lo + (hi-lo)*rng.Float64()
	}
	return x
}

// input returns an input node of the given shape (1 or 2 dims) bound to a
// copy of data.
func input(g *G.ExprGraph, name string, data []float64, shape ...int) *G.Node {
	v := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), data...)))
	if len(shape) == 1 {
		return G.NewVector(g, tensor.Float64, G.WithName(name), G.WithShape(shape...), G.WithValue(v))
	}
	return G.NewMatrix(g, tensor.Float64, G.WithName(name), G.WithShape(shape...), G.WithValue(v))
}

// weightedSum returns Σ c ⊙ y for a constant-valued input c of y's shape:
// a scalar cost whose gradient wrt y is c, so every output entry counts
// with its own weight.
func weightedSum(g *G.ExprGraph, y *G.Node, c []float64) (*G.Node, error) {
	cn := input(g, "c", c, y.Shape()...)
	prod, err := G.HadamardProd(y, cn)
	if err != nil {
		return nil, err
	}
	return G.Sum(prod)
}

// run compiles g, runs it once and returns the value of n read through
// G.Read (registered before compiling).
func run(g *G.ExprGraph, n *G.Node) ([]float64, error) {
	var v G.Value
	G.Read(n, &v)
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		return nil, err
	}
	return valueData(v)
}

func valueData(v G.Value) ([]float64, error) {
	if v == nil {
		return nil, fmt.Errorf("no value")
	}
	switch d := v.Data().(type) {
	case []float64:
		return append([]float64(nil), d[:v.Size()]...), nil
	case float64:
		return []float64{d}, nil
	}
	return nil, fmt.Errorf("value of type %T", v.Data())
}

// maxAbsDiff returns max_i |a[i] − b[i]|, or +Inf if the lengths differ.
func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}
