package compiled

import (
	"errors"
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/internal/dtype"
	"github.com/spread-dev/spread/train"
)

// Options configures New. A nil *Options means the zero value.
type Options struct {
	// Name prefixes errors ("models/sir"). Empty means "models/compiled".
	Name string
	// NoGrad compiles the forward pass only (prediction): Eval and Run
	// return the value and leave gradients zero.
	NoGrad bool
	// Dtype is the element type of the program: tensor.Float64 (the zero
	// value means it) or tensor.Float32. Def.Param and Def.Input create
	// inputs of it; FromNodes and New refuse inputs and a cost of another
	// dtype (one program computes in one precision). The interface stays
	// float64 whatever the program computes in: x, the gradient, the cost
	// and Output are float64, converted at SetX, AddGrad, Run and Output;
	// a float32 data input is written through Data32.
	Dtype tensor.Dtype
}

// Def is the definition context passed to a build function: it creates the
// named inputs of the program and records its extra outputs.
type Def struct {
	// G is the graph being built.
	G *G.ExprGraph

	inputs  []*input
	byName  map[string]*input
	outputs []output
	dtype   tensor.Dtype
	err     error
}

// Dtype returns the element type of the program's inputs (Options.Dtype):
// constants the build function adds must have it too.
func (d *Def) Dtype() tensor.Dtype { return d.dtype }

type input struct {
	name  string
	node  *G.Node
	param bool
	size  int
	shape []int
	// The buffer the compiled node reads (set after compile): buf for a
	// float64 input, buf32 for a float32 one.
	buf   []float64
	buf32 []float32
}

type output struct {
	name string
	node *G.Node
	val  G.Value
	f64  []float64 // a float32 output's values converted by Output
}

// Param adds a differentiated input named name with the given shape (a
// vector for one dimension, a matrix for two, …) and initial value (copied;
// nil means zeros). Parameters form x in declaration order.
func (d *Def) Param(name string, shape []int, value []float64) *G.Node {
	return d.add(name, shape, value, true)
}

// Input adds a data input named name: held fixed by Eval, rebound through
// Data(name).
func (d *Def) Input(name string, shape []int, value []float64) *G.Node {
	return d.add(name, shape, value, false)
}

// Output records a node whose value each run keeps, read with
// Objective.Output(name) (float64 or float32 nodes).
func (d *Def) Output(name string, n *G.Node) {
	for _, o := range d.outputs {
		if o.name == name {
			d.fail(fmt.Errorf("output %q declared twice", name))
			return
		}
	}
	d.outputs = append(d.outputs, output{name: name, node: n})
}

func (d *Def) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *Def) add(name string, shape []int, value []float64, param bool) *G.Node {
	size := 1
	for _, s := range shape {
		size *= s
	}
	switch {
	case name == "":
		d.fail(errors.New("input with an empty name"))
	case d.byName[name] != nil:
		// gorgonia would merge the two inputs silently.
		d.fail(fmt.Errorf("input %q declared twice", name))
	case len(shape) == 0 || size <= 0:
		d.fail(fmt.Errorf("input %q has shape %v, want at least one positive dimension", name, shape))
	case value != nil && len(value) != size:
		d.fail(fmt.Errorf("input %q: %d values for shape %v", name, len(value), shape))
	}
	if d.err != nil {
		// Keep building on a placeholder; New reports the first error.
		size, shape = 1, []int{1}
		value = nil
	}
	t := tensor.New(tensor.WithShape(shape...), tensor.Of(d.dtype))
	switch buf := t.Data().(type) {
	case []float64:
		copy(buf, value)
	case []float32:
		dtype.Convert(buf, value)
	}
	n := G.NodeFromAny(d.G, t, G.WithName(name))
	in := &input{name: name, node: n, param: param, size: size, shape: slices.Clone(shape)}
	if d.err == nil {
		d.inputs = append(d.inputs, in)
		d.byName[name] = in
	}
	return n
}

// Objective is a compiled program: a scalar cost of named inputs, its
// gradient with respect to the parameters, and any extra outputs.
type Objective struct {
	name     string
	m        G.VM
	inputs   []*input
	params   []*input
	byName   map[string]*input
	outputs  []output
	costVal  G.Value
	gradVals []G.Value
	n        int
	noGrad   bool
}

// New builds the program with build, differentiates the cost with respect
// to every Param (unless opt.NoGrad) and compiles it. It returns an error if
// opt.Dtype is neither float32 nor float64, build fails, declares an input
// twice or with a bad shape, returns a cost that is not a scalar of
// opt.Dtype, or differentiation or compilation fails (for example when a
// parameter does not reach the cost).
func New(build func(d *Def) (*G.Node, error), opt *Options) (*Objective, error) {
	o, d, err := start(opt)
	if err != nil {
		return nil, err
	}
	cost, err := safeBuild(func() (*G.Node, error) { return build(d) })
	if err == nil {
		err = d.err
	}
	if err != nil {
		return nil, fmt.Errorf("%s: build: %w", o.Name, err)
	}
	return compile(d, cost, o)
}

// start resolves the options and begins a definition.
func start(opt *Options) (Options, *Def, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.Name == "" {
		o.Name = "models/compiled"
	}
	dt, err := dtype.Resolve(o.Dtype)
	if err != nil {
		return o, nil, fmt.Errorf("%s: %w", o.Name, err)
	}
	o.Dtype = dt
	return o, &Def{G: G.NewGraph(), byName: map[string]*input{}, dtype: dt}, nil
}

// safeBuild runs a build function, turning a panic into an error: build
// functions may use G.Must, whose panic on a failed graph operation (a
// shape mismatch) then reaches the caller as an error.
func safeBuild(build func() (*G.Node, error)) (cost *G.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			cost, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return build()
}

// FromNodes compiles a graph built the plain gorgonia way: build adds input
// nodes itself (each with a unique name and a value of opt.Dtype bound,
// float64 unless set) and
// returns the scalar cost and the inputs to differentiate (wrt), which
// become the parameters in that order; every other input of the graph is a
// data input, rebound through Data(name) (vector and matrix inputs) or
// fixed at its value (scalar inputs). This is the form of
// train/gradcheck.GraphProblem.
func FromNodes(build func(g *G.ExprGraph) (cost *G.Node, wrt G.Nodes, err error), opt *Options) (*Objective, error) {
	o, d, err := start(opt)
	if err != nil {
		return nil, err
	}
	var wrt G.Nodes
	cost, err := safeBuild(func() (c *G.Node, e error) { c, wrt, e = build(d.G); return })
	if err != nil {
		return nil, fmt.Errorf("%s: build: %w", o.Name, err)
	}
	if len(wrt) == 0 && !o.NoGrad {
		return nil, fmt.Errorf("%s: no parameters to differentiate", o.Name)
	}
	adopt := func(n *G.Node, param bool) error {
		if n == nil {
			return errors.New("nil input node")
		}
		if !n.IsVar() {
			return fmt.Errorf("%s is not an input node", n.Name())
		}
		if d.byName[n.Name()] != nil {
			return fmt.Errorf("input %q listed twice or shares its name with another input", n.Name())
		}
		v := n.Value()
		if v == nil {
			return fmt.Errorf("input %s has no value bound", n.Name())
		}
		if v.Dtype() != d.dtype {
			return fmt.Errorf("input %s has dtype %v, want %v (Options.Dtype)", n.Name(), v.Dtype(), d.dtype)
		}
		size := v.Size()
		if v.Shape().IsScalar() {
			size = 1 // a scalar value reports size 0
		}
		in := &input{name: n.Name(), node: n, param: param, size: size, shape: v.Shape().Clone()}
		d.inputs = append(d.inputs, in)
		d.byName[in.name] = in
		return nil
	}
	for _, n := range wrt {
		if err := adopt(n, true); err != nil {
			return nil, fmt.Errorf("%s: parameter: %w", o.Name, err)
		}
	}
	for _, n := range d.G.Inputs() {
		if slices.Contains(wrt, n) {
			continue
		}
		if err := adopt(n, false); err != nil {
			return nil, fmt.Errorf("%s: input: %w", o.Name, err)
		}
	}
	return compile(d, cost, o)
}

func compile(d *Def, cost *G.Node, o Options) (*Objective, error) {
	wrap := func(err error) (*Objective, error) { return nil, fmt.Errorf("%s: %w", o.Name, err) }
	if cost == nil || !cost.IsScalar() || cost.Dtype() != o.Dtype {
		return wrap(fmt.Errorf("cost %v must be a %v scalar (Options.Dtype)", cost, o.Dtype))
	}
	obj := &Objective{name: o.Name, inputs: d.inputs, byName: d.byName, outputs: d.outputs, noGrad: o.NoGrad}
	var wrt G.Nodes
	for _, in := range d.inputs {
		if in.param {
			obj.params = append(obj.params, in)
			obj.n += in.size
			wrt = append(wrt, in.node)
		}
	}
	// A parameter that does not reach the cost has no gradient: refuse it
	// by name rather than report zeros for a mistake in the build function.
	if !o.NoGrad {
		sub := d.G.ExactSubgraphRoots(cost)
		for _, in := range obj.params {
			if !sub.AllNodes().Contains(in.node) {
				return wrap(fmt.Errorf("parameter %q does not reach the cost", in.name))
			}
		}
	}
	outs := G.Nodes{G.Read(cost, &obj.costVal)}
	if len(wrt) > 0 && !o.NoGrad {
		grads, err := G.Grad(cost, wrt...)
		if err != nil {
			return wrap(fmt.Errorf("differentiate: %w", err))
		}
		obj.gradVals = make([]G.Value, len(grads))
		for i, gn := range grads {
			outs = append(outs, G.Read(gn, &obj.gradVals[i]))
		}
	}
	for i := range obj.outputs {
		outs = append(outs, G.Read(obj.outputs[i].node, &obj.outputs[i].val))
	}
	// Compile the whole graph. CompileFunction on the outputs' subgraph
	// would skip the gradient nodes G.Grad adds for inputs nobody asked
	// about (about 5% of a DMP gradient), but in gorgonia v0.9.18 it
	// miscomputes gradients through Reshape (a vector-input MLP of
	// models/nn gave gradients 30× too large; docs/GORGONIA.md).
	prog, locMap, err := G.Compile(d.G)
	if err != nil {
		return wrap(fmt.Errorf("compile: %w", err))
	}
	obj.m = G.NewTapeMachine(d.G, G.WithPrecompiled(prog, locMap))
	// Bind through the buffers the input nodes actually hold.
	for _, in := range d.inputs {
		switch b := in.node.Value().Data().(type) {
		case []float64:
			in.buf = b[:in.size]
		case []float32:
			in.buf32 = b[:in.size]
		}
	}
	return obj, nil
}

// NumParams returns the length of x: the total size of the parameters.
func (o *Objective) NumParams() int { return o.n }

// Field describes one named input of the program.
type Field struct {
	Name   string
	Shape  []int
	Offset int // position in x (parameters only; -1 for data inputs)
	Size   int
}

// Params lists the parameters in the order of x, with their offsets.
func (o *Objective) Params() []Field {
	fs := make([]Field, len(o.params))
	off := 0
	for i, p := range o.params {
		fs[i] = Field{Name: p.name, Shape: slices.Clone(p.shape), Offset: off, Size: p.size}
		off += p.size
	}
	return fs
}

// X returns a copy of the current parameter values, concatenated in the
// order of x (after New: the values given at build time).
func (o *Objective) X() []float64 {
	x := make([]float64, 0, o.n)
	for _, p := range o.params {
		x = append(x, p.values()...)
	}
	return x
}

// values returns the input's current values (its buffer, or a scalar's
// bound value), as float64 (a float32 input's converted into a new slice).
func (in *input) values() []float64 {
	if in.buf != nil {
		return in.buf
	}
	return float64s(in.node.Value().Data(), in.size, nil)
}

// float64s returns the values of data (a float64 or float32 scalar or
// slice, as a gorgonia value holds it) as size float64s: a float64
// slice's own first size entries, otherwise a conversion into dst (grown
// as needed). It returns nil for any other type.
func float64s(data any, size int, dst []float64) []float64 {
	switch v := data.(type) {
	case float64:
		return []float64{v}
	case []float64:
		return v[:size]
	case float32:
		return []float64{float64(v)}
	case []float32:
		dst = slices.Grow(dst[:0], size)[:size]
		dtype.Convert(dst, v[:size])
		return dst
	}
	return nil
}

// set writes x into the input, rounding to float32 for a float32 input.
func (in *input) set(x []float64) error {
	switch {
	case in.buf != nil:
		copy(in.buf, x)
		return nil
	case in.buf32 != nil:
		dtype.Convert(in.buf32, x)
		return nil
	case in.node.Dtype() == tensor.Float32:
		return G.Let(in.node, G.NewF32(float32(x[0])))
	}
	return G.Let(in.node, G.NewF64(x[0]))
}

// Data returns the buffer the float64 data or parameter input name reads:
// write into it, then Run. It returns nil for an unknown name, a scalar
// input or a float32 input (see Data32).
func (o *Objective) Data(name string) []float64 {
	if in := o.byName[name]; in != nil {
		return in.buf
	}
	return nil
}

// Data32 is Data for a float32 input: the buffer it reads, or nil for an
// unknown name, a scalar input or a float64 input.
func (o *Objective) Data32(name string) []float32 {
	if in := o.byName[name]; in != nil {
		return in.buf32
	}
	return nil
}

// SetX writes the parameters from x (len NumParams). It panics if the
// length differs.
func (o *Objective) SetX(x []float64) {
	if len(x) != o.n {
		panic(fmt.Sprintf("%s: SetX: len(x) = %d, want %d", o.name, len(x), o.n))
	}
	off := 0
	for _, p := range o.params {
		_ = p.set(x[off : off+p.size]) // a scalar's Let cannot fail: same dtype and shape
		off += p.size
	}
}

// Run runs the program once with the inputs as bound and returns the cost;
// Grad and Output read the rest of the run.
func (o *Objective) Run() (float64, error) {
	if o.m == nil {
		return 0, fmt.Errorf("%s: run after Close", o.name)
	}
	o.m.Reset()
	if err := o.m.RunAll(); err != nil {
		return 0, fmt.Errorf("%s: run: %w", o.name, err)
	}
	if v := float64s(o.costVal.Data(), 1, nil); v != nil {
		return v[0], nil
	}
	return 0, fmt.Errorf("%s: cost value %T", o.name, o.costVal.Data())
}

// AddGrad adds the gradient of the last run to dst (len NumParams), in the
// order of x (a float32 program's widened to float64). With NoGrad it adds
// nothing.
func (o *Objective) AddGrad(dst []float64) {
	if o.gradVals == nil {
		return
	}
	off := 0
	for i, p := range o.params {
		switch v := o.gradVals[i].Data().(type) {
		case float64:
			dst[off] += v
		case float32:
			dst[off] += float64(v)
		case []float64:
			dtype.Add(dst[off:off+p.size], v)
		case []float32:
			dtype.Add(dst[off:off+p.size], v)
		}
		off += p.size
	}
}

// Output returns the value of the output name after the last run, or nil
// for an unknown name: a view of a float64 output (valid until the next
// run), a float32 output's values converted into a buffer the objective
// keeps (valid until the next run or Output of that name).
func (o *Objective) Output(name string) []float64 {
	for i := range o.outputs {
		if out := &o.outputs[i]; out.name == name && out.val != nil {
			v := float64s(out.val.Data(), out.val.Size(), out.f64)
			if _, ok := out.val.Data().([]float32); ok {
				out.f64 = v
			}
			return v
		}
	}
	return nil
}

// Eval implements train.Objective: it writes x into the parameters, runs
// the program and returns the cost, with its gradient in grad (len
// NumParams; may be nil to skip it). It returns a *train.NonFiniteError for
// a NaN or infinite cost or gradient entry. It panics if len(x) or a
// non-nil grad's length is not NumParams.
func (o *Objective) Eval(x, grad []float64) (float64, error) {
	if grad != nil && len(grad) != o.n {
		panic(fmt.Sprintf("%s: Eval: len(grad) = %d, want %d", o.name, len(grad), o.n))
	}
	o.SetX(x)
	f, err := o.Run()
	if err != nil {
		return 0, err
	}
	if grad == nil {
		return f, train.CheckFinite(o.name, f, nil)
	}
	clear(grad)
	o.AddGrad(grad)
	return f, train.CheckFinite(o.name, f, grad)
}

// Close releases the compiled machine; Run and Eval return an error
// afterwards.
func (o *Objective) Close() error {
	if o.m == nil {
		return nil
	}
	err := o.m.Close()
	o.m = nil
	return err
}
