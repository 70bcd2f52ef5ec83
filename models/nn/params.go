package nn

import (
	"errors"
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/internal/dtype"
	"github.com/spread-dev/spread/train/optim"
)

// Params is a registry of the trainable parameters of one gorgonia graph.
// Each parameter is a float64 input node with a unique name, bound to a
// tensor whose backing []float64 the registry keeps, so that an optimiser
// can update the values in place and the next run of a compiled machine
// reads them (no G.Let needed).
//
// A float32 registry (NewParamsOf) makes float32 nodes for float32
// programs; its interface stays float64: Flatten, Unflatten and the
// gradient buffers convert, while Value and OptimParams, which hand out
// the backing itself, are for float64 registries only.
//
// Parameters are kept in registration order; Nodes, Flatten, Unflatten and
// OptimParams all use that order, each parameter flattened row-major.
//
// A Params is not safe for concurrent use.
type Params struct {
	g      *G.ExprGraph
	dtype  tensor.Dtype // Float64 or Float32 (New refuses any other)
	names  []string
	nodes  G.Nodes
	shapes []tensor.Shape
	values [][]float64 // backing of each node's bound tensor (float64 registry)
	vals32 [][]float32 // the same for a float32 registry
	grads  [][]float64 // gradient buffers, filled by ReadGrads
	index  map[string]int

	gradNodes G.Nodes   // set by Grad
	gradVals  []G.Value // G.Read targets of gradNodes, set at run time
	size      int       // total number of scalars
}

// NewParams returns an empty registry for float64 parameters of g.
func NewParams(g *G.ExprGraph) *Params {
	return &Params{g: g, dtype: tensor.Float64, index: make(map[string]int)}
}

// NewParamsOf returns an empty registry for parameters of g of the given
// dtype: tensor.Float64 (as NewParams) or tensor.Float32. For any other
// dtype New returns an error.
func NewParamsOf(g *G.ExprGraph, dt tensor.Dtype) *Params {
	p := NewParams(g)
	p.dtype = dt
	return p
}

// Dtype returns the dtype of the registry's parameters.
func (p *Params) Dtype() tensor.Dtype { return p.dtype }

// Graph returns the graph the parameters live in.
func (p *Params) Graph() *G.ExprGraph { return p.g }

// New registers a parameter called name of the given shape (one or two
// positive sizes: a vector or a matrix), fills it with init (nil means
// Zeros) drawing from rng (which may be nil for Zeros and Constant), and
// returns its input node.
//
// The name must be non-empty and unused in the graph: gorgonia merges input
// nodes of the same name silently, keeping the first value, so a duplicate
// would alias two parameters. New returns an error for a duplicate or empty
// name, a bad shape, an init error, or after Grad has been called.
func (p *Params) New(name string, shape []int, init Init, rng *rand.Rand) (*G.Node, error) {
	if p == nil || p.g == nil {
		return nil, errors.New("models/nn: Params.New: nil registry or graph (use NewParams)")
	}
	if p.gradNodes != nil {
		return nil, fmt.Errorf("models/nn: Params.New %q: registry is closed: Grad was already called", name)
	}
	if p.dtype != tensor.Float64 && p.dtype != tensor.Float32 {
		return nil, fmt.Errorf("models/nn: Params.New %q: dtype %v, want float64 or float32", name, p.dtype)
	}
	if err := p.checkName(name); err != nil {
		return nil, fmt.Errorf("models/nn: Params.New: %w", err)
	}
	var rows, cols int
	switch len(shape) {
	case 1:
		rows, cols = 1, shape[0]
	case 2:
		rows, cols = shape[0], shape[1]
	default:
		return nil, fmt.Errorf("models/nn: Params.New %q: shape %v, want 1 or 2 dimensions", name, shape)
	}
	if rows < 1 || cols < 1 {
		return nil, fmt.Errorf("models/nn: Params.New %q: shape %v, want positive sizes", name, shape)
	}
	if init == nil {
		init = Zeros{}
	}
	data := make([]float64, rows*cols)
	if err := init.Fill(data, rows, cols, rng); err != nil {
		return nil, fmt.Errorf("models/nn: Params.New %q: %w", name, err)
	}
	sh := tensor.Shape(append([]int(nil), shape...))
	var backing any = data
	if p.dtype == tensor.Float32 {
		d32 := make([]float32, len(data))
		dtype.Convert(d32, data)
		backing = d32
		p.vals32 = append(p.vals32, d32)
	} else {
		p.values = append(p.values, data)
	}
	val := tensor.New(tensor.WithShape(sh.Clone()...), tensor.WithBacking(backing))
	var n *G.Node
	if len(shape) == 1 {
		n = G.NewVector(p.g, p.dtype, G.WithName(name), G.WithShape(sh...), G.WithValue(val))
	} else {
		n = G.NewMatrix(p.g, p.dtype, G.WithName(name), G.WithShape(sh...), G.WithValue(val))
	}
	p.index[name] = len(p.nodes)
	p.names = append(p.names, name)
	p.nodes = append(p.nodes, n)
	p.shapes = append(p.shapes, sh)
	p.grads = append(p.grads, make([]float64, len(data)))
	p.size += len(data)
	return n, nil
}

// checkName returns an error if name cannot be given to a new parameter.
func (p *Params) checkName(name string) error {
	if name == "" {
		return errors.New("empty parameter name")
	}
	if _, dup := p.index[name]; dup {
		return fmt.Errorf("duplicate parameter name %q", name)
	}
	if len(p.g.ByName(name)) > 0 {
		return fmt.Errorf("the graph already has a node named %q", name)
	}
	return nil
}

// Len returns the number of parameters (nodes).
func (p *Params) Len() int { return len(p.nodes) }

// Size returns the total number of scalars over all parameters, the length
// of Flatten's result.
func (p *Params) Size() int { return p.size }

// Nodes returns the parameter nodes in registration order: the wrt list for
// G.Grad, or the params of a compiled objective's Build function. The slice
// is a copy; the nodes are not.
func (p *Params) Nodes() G.Nodes { return append(G.Nodes(nil), p.nodes...) }

// Names returns the parameter names in registration order (a copy).
func (p *Params) Names() []string { return append([]string(nil), p.names...) }

// Shape returns the shape of the i-th parameter (a copy). It panics if i is
// out of range.
func (p *Params) Shape(i int) tensor.Shape { return p.shapes[i].Clone() }

// Value returns the backing slice of the i-th parameter, row-major. It is
// shared with the node's bound tensor: writes are seen by the next run.
// It returns nil for a float32 registry (use Flatten and Unflatten) and
// panics if i is out of range.
func (p *Params) Value(i int) []float64 {
	if p.vals32 != nil {
		_ = p.vals32[i] // the same range check
		return nil
	}
	return p.values[i]
}

// Lookup returns the index of the parameter called name and whether it
// exists.
func (p *Params) Lookup(name string) (int, bool) {
	i, ok := p.index[name]
	return i, ok
}

// Flatten copies every parameter, in registration order and row-major, into
// dst and returns it; it allocates dst when it is nil. It returns an error
// if dst is not nil and len(dst) ≠ Size().
func (p *Params) Flatten(dst []float64) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, p.size)
	}
	if len(dst) != p.size {
		return nil, fmt.Errorf("models/nn: Flatten: len(dst) = %d, want Size() = %d", len(dst), p.size)
	}
	off := 0
	for _, v := range p.values {
		off += copy(dst[off:], v)
	}
	for _, v := range p.vals32 {
		off += dtype.Convert(dst[off:], v)
	}
	return dst, nil
}

// Unflatten copies src, laid out as Flatten's result, into the parameters'
// backing slices (rounded to float32 in a float32 registry). It returns an
// error, and changes nothing, if len(src) ≠ Size().
func (p *Params) Unflatten(src []float64) error {
	if len(src) != p.size {
		return fmt.Errorf("models/nn: Unflatten: len(src) = %d, want Size() = %d", len(src), p.size)
	}
	off := 0
	for _, v := range p.values {
		off += copy(v, src[off:])
	}
	for _, v := range p.vals32 {
		off += dtype.Convert(v, src[off:])
	}
	return nil
}

// Grad differentiates cost with respect to every parameter (G.Grad with
// Nodes() as the wrt list) and arranges, with G.Read, for the gradient
// values to be captured at every run. Call it once, after the last New and
// before compiling the machine; afterwards New fails. It returns the
// gradient nodes in registration order.
//
// The cost must depend on every registered parameter: G.Grad reports the
// others as non-differentiable and Grad returns that error. Keep one
// registry per cost, or differentiate a cost that sums every term (as
// PPO's pg_loss + c₁·v_loss − c₂·entropy does for actor and critic).
func (p *Params) Grad(cost *G.Node) (G.Nodes, error) {
	if p.gradNodes != nil {
		return nil, errors.New("models/nn: Params.Grad: already called")
	}
	if len(p.nodes) == 0 {
		return nil, errors.New("models/nn: Params.Grad: no parameters")
	}
	if cost == nil || !cost.IsScalar() {
		return nil, fmt.Errorf("models/nn: Params.Grad: cost %v must be a scalar node", cost)
	}
	grads, err := G.Grad(cost, p.nodes...)
	if err != nil {
		return nil, fmt.Errorf("models/nn: Params.Grad: %w", err)
	}
	p.gradVals = make([]G.Value, len(grads))
	for i, gn := range grads {
		G.Read(gn, &p.gradVals[i])
	}
	p.gradNodes = grads
	return append(G.Nodes(nil), grads...), nil
}

// ReadGrads copies the gradients captured by the last run of the machine
// into the gradient buffers shared with OptimParams (and returned by
// GradValue). Call it after each RunAll. It returns an error if Grad was not
// called or the machine has not run.
func (p *Params) ReadGrads() error {
	if p.gradNodes == nil {
		return errors.New("models/nn: ReadGrads: call Params.Grad before compiling")
	}
	for i, v := range p.gradVals {
		if v == nil {
			return fmt.Errorf("models/nn: ReadGrads: no gradient value for %q: run the machine first", p.names[i])
		}
		var n int
		switch data := v.Data().(type) {
		case []float64:
			n = copy(p.grads[i], data)
		case []float32:
			n = dtype.Convert(p.grads[i], data)
		}
		if n < len(p.grads[i]) {
			return fmt.Errorf("models/nn: ReadGrads: gradient of %q is %T with shape %v, want %d float64s or float32s", p.names[i], v.Data(), v.Shape(), len(p.grads[i]))
		}
	}
	return nil
}

// GradValue returns the gradient buffer of the i-th parameter, as filled by
// the last ReadGrads. It panics if i is out of range.
func (p *Params) GradValue(i int) []float64 { return p.grads[i] }

// OptimParams returns one optim.Param per parameter, in registration order,
// whose Value is the parameter's backing slice and whose Grad is its
// gradient buffer: ReadGrads followed by an optimiser Step updates, in
// place, the values the next run of the machine reads. It returns nil for
// a float32 registry, whose backing is not a []float64 (optimise a
// flattened float64 copy and Unflatten it).
func (p *Params) OptimParams() []*optim.Param {
	if p.dtype != tensor.Float64 {
		return nil
	}
	ps := make([]*optim.Param, len(p.nodes))
	for i := range ps {
		ps[i] = &optim.Param{Name: p.names[i], Value: p.values[i], Grad: p.grads[i]}
	}
	return ps
}
