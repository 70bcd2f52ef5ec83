package nn

import (
	"fmt"
	"strconv"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Activation is an element-wise non-linearity σ, a value chosen with one of
// the constructors below (Identity, ReLU, Tanh, Sigmoid, Softplus, ELU,
// LeakyReLU). The zero value is Identity. The formulas, and how each is
// built from gorgonia v0.9.18 ops, are in the package documentation.
type Activation struct {
	kind  activationKind
	alpha float64 // ELU's α, LeakyReLU's slope
}

type activationKind int

const (
	identity activationKind = iota
	relu
	tanh
	sigmoid
	softplus
	elu
	leakyReLU
)

// Identity returns σ(x) = x.
func Identity() Activation { return Activation{kind: identity} }

// ReLU returns σ(x) = max(x, 0), with σ'(0) = 1 (gorgonia's Rectify).
func ReLU() Activation { return Activation{kind: relu} }

// Tanh returns σ(x) = tanh(x).
func Tanh() Activation { return Activation{kind: tanh} }

// Sigmoid returns σ(x) = 1 / (1 + e^{−x}).
func Sigmoid() Activation { return Activation{kind: sigmoid} }

// Softplus returns σ(x) = log(1 + eˣ), computed exactly for every x (see
// the package documentation for why gorgonia's Softplus is not used as is).
func Softplus() Activation { return Activation{kind: softplus} }

// ELU returns σ(x) = x for x > 0 and α·(eˣ − 1) otherwise (Clevert et al.
// 2016). PyTorch's default is α = 1. Apply returns an error unless α is
// finite.
func ELU(alpha float64) Activation { return Activation{kind: elu, alpha: alpha} }

// LeakyReLU returns σ(x) = x for x ≥ 0 and slope·x otherwise (Maas et al.
// 2013). PyTorch's default slope is 0.01; GAT uses 0.2 for its attention
// scores. Apply returns an error unless slope is finite.
func LeakyReLU(slope float64) Activation { return Activation{kind: leakyReLU, alpha: slope} }

// String returns the activation's name, with its parameter if it has one:
// "identity", "relu", "elu(1)", "leakyrelu(0.2)", ...
func (a Activation) String() string {
	switch a.kind {
	case identity:
		return "identity"
	case relu:
		return "relu"
	case tanh:
		return "tanh"
	case sigmoid:
		return "sigmoid"
	case softplus:
		return "softplus"
	case elu:
		return "elu(" + strconv.FormatFloat(a.alpha, 'g', -1, 64) + ")"
	case leakyReLU:
		return "leakyrelu(" + strconv.FormatFloat(a.alpha, 'g', -1, 64) + ")"
	}
	return fmt.Sprintf("activation(%d)", int(a.kind))
}

// Apply returns the node σ(x), element-wise, with the shape of x. Identity
// returns x itself. It returns an error if x is not float64, the
// activation's parameter is not finite, or gorgonia fails to build an op.
func (a Activation) Apply(x *G.Node) (*G.Node, error) {
	if x == nil {
		return nil, fmt.Errorf("models/nn: %v: nil node", a)
	}
	if x.Dtype() != tensor.Float64 {
		return nil, fmt.Errorf("models/nn: %v: node %s has dtype %v, want float64", a, x.Name(), x.Dtype())
	}
	if (a.kind == elu || a.kind == leakyReLU) && !isFinite(a.alpha) {
		return nil, fmt.Errorf("models/nn: %v: parameter must be finite", a)
	}
	var y *G.Node
	var err error
	switch a.kind {
	case identity:
		return x, nil
	case relu:
		y, err = G.Rectify(x)
	case tanh:
		y, err = G.Tanh(x)
	case sigmoid:
		y, err = G.Sigmoid(x)
	case softplus:
		y, err = exactSoftplus(x)
	case elu:
		y, err = eluOf(x, a.alpha)
	case leakyReLU:
		y, err = G.LeakyRelu(x, a.alpha)
	default:
		return nil, fmt.Errorf("models/nn: unknown activation %v", a)
	}
	if err != nil {
		return nil, fmt.Errorf("models/nn: %v: %w", a, err)
	}
	return y, nil
}

// exactSoftplus returns softplus(x) = r + softplus(x − 2r) with r = relu(x),
// i.e. max(x, 0) + log(1 + e^{−|x|}). gorgonia's Softplus returns x itself
// for x > 16, a jump of log1p(e^{−16}) ≈ 1.1e-7; here it only ever sees
// x − 2r = −|x| ≤ 0, where it is log1p(exp(·)) and exact. The derivative
// r' + sigmoid(−|x|)·(1 − 2r') is sigmoid(x) everywhere, ½ at 0.
func exactSoftplus(x *G.Node) (*G.Node, error) {
	r, err := G.Rectify(x)
	if err != nil {
		return nil, err
	}
	twoR, err := G.Add(r, r)
	if err != nil {
		return nil, err
	}
	negAbs, err := G.Sub(x, twoR)
	if err != nil {
		return nil, err
	}
	sp, err := G.Softplus(negAbs)
	if err != nil {
		return nil, err
	}
	return G.Add(r, sp)
}

// eluOf returns r + α·expm1(x − r) with r = relu(x): x − r = min(x, 0), so
// the value is x for x > 0 and α(eˣ − 1) for x ≤ 0, and exp never sees a
// positive argument (no overflow, hence no Inf·0). gorgonia has no ELU op.
// The derivative r' + α·e^{min(x,0)}·(1 − r') is 1 for x ≥ 0 and α·eˣ for
// x < 0.
func eluOf(x *G.Node, alpha float64) (*G.Node, error) {
	r, err := G.Rectify(x)
	if err != nil {
		return nil, err
	}
	neg, err := G.Sub(x, r)
	if err != nil {
		return nil, err
	}
	em1, err := G.Expm1(neg)
	if err != nil {
		return nil, err
	}
	if alpha != 1 {
		if em1, err = G.HadamardProd(em1, G.NewConstant(alpha)); err != nil {
			return nil, err
		}
	}
	return G.Add(r, em1)
}
