// Package compiled turns a forward program, written as a gorgonia graph over
// named inputs, into a reusable objective: built, differentiated and
// compiled once, then rebound and rerun.
//
// A model variant writes only its forward pass:
//
//	obj, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
//		theta := d.Param("theta", []int{P}, theta0) // differentiated: part of x
//		p0 := d.Input("p0", []int{N}, nil)           // data, rebound per run
//		...                                          // models/ad ops, G.Add, ...
//		d.Output("marginals", pT)                    // kept after each run
//		return cost, nil                             // a float64 scalar
//	}, &compiled.Options{Name: "models/sir"})
//
// (a build function may use G.Must: New turns its panic into an error)
// and gets, for free:
//
//   - Eval(x, grad): f(x) and ∇f(x) by reverse-mode autodiff (G.Grad) with
//     x the concatenation of the parameters in declaration order, row-major:
//     the train.Objective signature, so train.Loop, train/optim and the
//     solvers of solvers/im consume it directly;
//   - the gradient check: train/gradcheck.CheckObjective(obj, x, settings)
//     holds Eval's gradient against central differences of Eval's value;
//   - rebinding of data without rebuilding: Data(name) is the buffer the
//     input node reads, written before Run (chunked objectives rerun one
//     graph over many batches of data and add the results);
//   - extra outputs: Output(name) after a run (marginals for prediction);
//   - float32 programs (Options.Dtype) behind the same float64 interface:
//     x is rounded on the way in, the cost, gradient and outputs widened
//     on the way out, and float32 data is written through Data32.
//
// # Why one type
//
// Building a gorgonia program safely takes the same steps every time, and
// each is a trap when done by hand (docs/GORGONIA.md): input names must be
// unique (gorgonia merges same-named inputs silently), values are read
// through G.Read nodes (never from intermediate nodes, whose buffers the
// TapeMachine reuses), only the part of the graph the outputs depend on is
// compiled (G.Grad adds nodes for every input; CompileFunction refuses
// inputs the outputs do not reach), and inputs are rebound by writing into
// the buffers the compiled input nodes actually hold. This package does
// them once.
//
// An Objective is not safe for concurrent use; build one per goroutine.
package compiled
