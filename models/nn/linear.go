package nn

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// LinearConfig configures NewLinear.
type LinearConfig struct {
	// Name prefixes the parameter names, Name+".W" and Name+".b"; it must
	// not be empty.
	Name string
	// In and Out are the input and output sizes; both must be positive.
	In, Out int
	// NoBias drops b (y = x·W).
	NoBias bool
	// Weight initialises W (In × Out, fan-in In, fan-out Out). Nil means
	// GlorotUniform{}.
	Weight Init
	// Bias initialises b (filled as a 1 × Out matrix). Nil means Zeros{}.
	Bias Init
}

// Linear is the affine map y = x·W + b with W of shape (In, Out) and b of
// length Out added to every row.
type Linear struct {
	W       *G.Node // (In, Out)
	B       *G.Node // (Out); nil without bias
	In, Out int
}

// NewLinear registers W and, unless cfg.NoBias, b in p, initialised from
// rng, and returns the layer. It returns an error if cfg is invalid, a
// parameter name is taken (then nothing is registered) or an
// initialisation fails (for instance a random one with a nil rng; W may
// then stay registered).
func NewLinear(p *Params, cfg LinearConfig, rng *rand.Rand) (*Linear, error) {
	if p == nil {
		return nil, errors.New("models/nn: NewLinear: nil Params")
	}
	if cfg.Name == "" {
		return nil, errors.New("models/nn: NewLinear: empty Name")
	}
	if cfg.In < 1 || cfg.Out < 1 {
		return nil, fmt.Errorf("models/nn: NewLinear %q: In = %d, Out = %d, want both ≥ 1", cfg.Name, cfg.In, cfg.Out)
	}
	if err := checkNames(p, layerNames(cfg.Name, cfg.NoBias)); err != nil {
		return nil, fmt.Errorf("models/nn: NewLinear: %w", err)
	}
	wInit := cfg.Weight
	if wInit == nil {
		wInit = GlorotUniform{}
	}
	l := &Linear{In: cfg.In, Out: cfg.Out}
	var err error
	if l.W, err = p.New(cfg.Name+".W", []int{cfg.In, cfg.Out}, wInit, rng); err != nil {
		return nil, err
	}
	if !cfg.NoBias {
		if l.B, err = p.New(cfg.Name+".b", []int{cfg.Out}, cfg.Bias, rng); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// Forward returns x·W + b. x is either a (batch, In) matrix, giving a
// (batch, Out) matrix, or a vector of length In, treated as one row and
// giving a vector of length Out. It returns an error if x is not a float64
// node of one of those shapes.
func (l *Linear) Forward(x *G.Node) (*G.Node, error) {
	return forwardRows(x, l.In, l.Out, l.forward)
}

// forward is Forward on a (batch, In) matrix.
func (l *Linear) forward(x *G.Node) (*G.Node, error) {
	// Both operands are matrices, so G.Mul is a matmul; a 1-D W or x would
	// turn it into a mat-vec or dot product.
	y, err := G.Mul(x, l.W)
	if err != nil {
		return nil, err
	}
	if l.B == nil {
		return y, nil
	}
	// b has shape (Out); pattern {0} on the right operand reshapes it to
	// (1, Out) and repeats it along axis 0 to (batch, Out).
	return G.BroadcastAdd(y, l.B, nil, []byte{0})
}

// MLPConfig configures NewMLP.
type MLPConfig struct {
	// Name prefixes the parameter names: layer k's are Name+".k.W" and
	// Name+".k.b" (k = 0, 1, ...). It must not be empty.
	Name string
	// Sizes are the layer widths [in, h₁, ..., out]: len(Sizes) − 1 Linear
	// layers. At least two entries, all positive.
	Sizes []int
	// Hidden is applied after every layer but the last. The zero value is
	// Identity, which makes the network affine: set ReLU(), Tanh(), ...
	Hidden Activation
	// Output is applied after the last layer. The zero value is Identity
	// (logits, values, unconstrained outputs).
	Output Activation
	// HiddenInit initialises the weights of every layer but the last. Nil
	// means GlorotUniform{}.
	HiddenInit Init
	// OutputInit initialises the weights of the last layer. Nil means
	// HiddenInit.
	OutputInit Init
	// BiasInit initialises every bias. Nil means Zeros{}.
	BiasInit Init
	// NoBias drops every bias.
	NoBias bool
}

// MLP is a multilayer perceptron: with layers L₀ … L_{K−1},
//
//	h₀ = x,  h_{k+1} = Hidden(L_k(h_k)) for k < K−1,  y = Output(L_{K−1}(h_{K−1})).
type MLP struct {
	Layers         []*Linear
	Hidden, Output Activation
}

// NewMLP registers the layers' parameters in p, in layer order (W then b
// per layer), initialised from rng, and returns the network. It returns an
// error if cfg is invalid, a parameter name is taken (then nothing is
// registered) or an initialisation fails (the layers before it stay
// registered: discard the graph).
func NewMLP(p *Params, cfg MLPConfig, rng *rand.Rand) (*MLP, error) {
	if cfg.Name == "" {
		return nil, errors.New("models/nn: NewMLP: empty Name")
	}
	if len(cfg.Sizes) < 2 {
		return nil, fmt.Errorf("models/nn: NewMLP %q: Sizes = %v, want at least [in, out]", cfg.Name, cfg.Sizes)
	}
	for k, s := range cfg.Sizes {
		if s < 1 {
			return nil, fmt.Errorf("models/nn: NewMLP %q: Sizes[%d] = %d, want ≥ 1", cfg.Name, k, s)
		}
	}
	K := len(cfg.Sizes) - 1
	var names []string
	for k := range K {
		names = append(names, layerNames(cfg.Name+"."+strconv.Itoa(k), cfg.NoBias)...)
	}
	if err := checkNames(p, names); err != nil {
		return nil, fmt.Errorf("models/nn: NewMLP: %w", err)
	}
	hidden := cfg.HiddenInit
	if hidden == nil {
		hidden = GlorotUniform{}
	}
	out := cfg.OutputInit
	if out == nil {
		out = hidden
	}
	m := &MLP{Layers: make([]*Linear, K), Hidden: cfg.Hidden, Output: cfg.Output}
	for k := range K {
		w := hidden
		if k == K-1 {
			w = out
		}
		l, err := NewLinear(p, LinearConfig{
			Name:   cfg.Name + "." + strconv.Itoa(k),
			In:     cfg.Sizes[k],
			Out:    cfg.Sizes[k+1],
			NoBias: cfg.NoBias,
			Weight: w,
			Bias:   cfg.BiasInit,
		}, rng)
		if err != nil {
			return nil, err
		}
		m.Layers[k] = l
	}
	return m, nil
}

// In returns the input size.
func (m *MLP) In() int { return m.Layers[0].In }

// Out returns the output size.
func (m *MLP) Out() int { return m.Layers[len(m.Layers)-1].Out }

// Forward returns the network's output for x, a (batch, In) matrix (giving
// (batch, Out)) or a vector of length In (giving a vector of length Out).
// It returns an error if x has the wrong shape or dtype.
func (m *MLP) Forward(x *G.Node) (*G.Node, error) {
	if len(m.Layers) == 0 {
		return nil, errors.New("models/nn: MLP.Forward: no layers (use NewMLP)")
	}
	return forwardRows(x, m.In(), m.Out(), func(h *G.Node) (*G.Node, error) {
		var err error
		for k, l := range m.Layers {
			if h, err = l.forward(h); err != nil {
				return nil, err
			}
			act := m.Hidden
			if k == len(m.Layers)-1 {
				act = m.Output
			}
			if h, err = act.Apply(h); err != nil {
				return nil, err
			}
		}
		return h, nil
	})
}

// layerNames returns the parameter names of a Linear layer called name:
// name.W and, with a bias, name.b.
func layerNames(name string, noBias bool) []string {
	if noBias {
		return []string{name + ".W"}
	}
	return []string{name + ".W", name + ".b"}
}

// checkNames returns an error if any of names cannot be registered in p, so
// that a layer is registered whole or not at all.
func checkNames(p *Params, names []string) error {
	if p == nil || p.g == nil {
		return errors.New("nil registry or graph (use NewParams)")
	}
	for _, n := range names {
		if err := p.checkName(n); err != nil {
			return err
		}
	}
	return nil
}

// forwardRows checks that x is a float64 (batch, in) matrix or length-in
// vector and applies f, which maps (batch, in) matrices to (batch, out)
// matrices; a vector is reshaped to (1, in) on the way in and the result
// to (out) on the way out.
func forwardRows(x *G.Node, in, out int, f func(*G.Node) (*G.Node, error)) (*G.Node, error) {
	if x == nil {
		return nil, errors.New("models/nn: Forward: nil input")
	}
	if x.Dtype() != tensor.Float64 {
		return nil, fmt.Errorf("models/nn: Forward: input %s has dtype %v, want float64", x.Name(), x.Dtype())
	}
	sh := x.Shape()
	switch {
	case sh.Dims() == 2 && sh[1] == in && sh[0] >= 1:
		y, err := f(x)
		if err != nil {
			return nil, fmt.Errorf("models/nn: Forward: %w", err)
		}
		return y, nil
	case sh.Dims() == 1 && sh[0] == in:
		row, err := G.Reshape(x, tensor.Shape{1, in})
		if err != nil {
			return nil, fmt.Errorf("models/nn: Forward: %w", err)
		}
		y, err := f(row)
		if err != nil {
			return nil, fmt.Errorf("models/nn: Forward: %w", err)
		}
		if y, err = G.Reshape(y, tensor.Shape{out}); err != nil {
			return nil, fmt.Errorf("models/nn: Forward: %w", err)
		}
		return y, nil
	}
	return nil, fmt.Errorf("models/nn: Forward: input %s has shape %v, want (batch, %d) or (%d)", x.Name(), sh, in, in)
}
