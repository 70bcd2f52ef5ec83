// Package ode unrolls fixed-step ODE solvers as gorgonia graphs, so that
// continuous-time models (the neural mean-field dynamics of NMF) are
// differentiable programs: spread's counterpart of torchdiffeq's odeint.
//
// # The problem
//
// Solve integrates the initial-value problem
//
//	dx/dt = f(t, x),   x(t_0) = x_0,
//
// on an increasing time grid t_0 < t_1 < … < t_L and returns the states
// x(t_0), …, x(t_L) as nodes (x_0 first, as odeint returns y0 first). The
// state is any gorgonia node, a vector of n node probabilities or an N×F
// matrix (F initial conditions, or features, per node); f is a Go function
// (Func) that builds dx/dt from gorgonia ops — for a network model from the
// message-passing primitives of models/ad, e.g. the mean-field SI drift
//
//	x' = (1 − x) ⊙ (A x),   (A x)_j = Σ_{i→j} α_ij x_i
//	   = (1 − x) ⊙ ScatterAdd(α ⊙ Gather(x, src), dst, n),
//
// which keeps A on the edges (the NMF paper's f(x; A) = A x − diag(x) A x,
// S. He, H. Zha and X. Ye, "Influence Estimation and Maximization via
// Neural Mean-Field Dynamics", arXiv:2106.02608, eq. 7).
//
// # Methods
//
// Each interval [t_l, t_{l+1}] is split into `steps` equal steps of size
// h = (t_{l+1} − t_l)/steps (the paper's "RK4 with 40 steps on [0, 20]" is
// the grid {0, 20} with steps = 40, or the grid 0, 1, …, 20 with steps = 2):
//
//	Euler     x ← x + h k1,                                   k1 = f(t, x)           order 1
//	Midpoint  x ← x + h k2,                                   k2 = f(t + h/2, x + (h/2) k1)  order 2
//	RK4       x ← x + (h/6)(k1 + 2 k2 + 2 k3 + k4),           k3 = f(t + h/2, x + (h/2) k2),
//	                                                          k4 = f(t + h, x + h k3)        order 4
//
// The global error at a fixed time shrinks as h^p, p = Method.Order (the
// tests measure the observed order on linear problems with exact solutions).
//
// # Gradients
//
// The unroll is an ordinary graph of L·steps·stages calls of f, so
// reverse-mode autodiff through it gives the exact gradient of the
// discretised solution with respect to anything f or x_0 depends on. Build
// the unroll inside a models/compiled build function: parameters declared
// with Def.Param are captured by the Func closure, the cost is any scalar of
// the returned states, and compiled.Objective.Eval returns the value and
// gradient (train/gradcheck.CheckObjective holds it against central
// differences):
//
//	obj, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
//		alpha := d.Param("alpha", []int{E}, alpha0)
//		x0 := d.Input("x0", []int{n}, chi)
//		xs, err := ode.Solve(func(t float64, x *G.Node) (*G.Node, error) {
//			...                            // dx/dt from alpha and x
//		}, x0, grid, ode.RK4, 2)
//		...
//		return cost, err
//	}, nil)
//
// Memory is one node per stage (O(L·steps·stages) tensors of x's shape);
// an adjoint (torchdiffeq's odeint_adjoint) would trade it for a backward
// solve. The time t is a Go float64, not a node: time-dependence is built
// into f, and grid times are not differentiated.
//
// # Symbols and identifiers
//
//	f        Func
//	x_0      x0 (Solve's second argument)
//	t_l      grid[l]
//	h        the step, (grid[l+1] − grid[l])/steps
//	k1..k4   the stages built in one step
package ode
