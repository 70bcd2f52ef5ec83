package ode

import (
	"fmt"
	"math"
	"slices"
	"strings"

	G "gorgonia.org/gorgonia"
)

// Func is a vector field dx/dt = f(t, x): given the time t and the state
// node x (a vector or an N×F matrix), it returns a node of x's shape built
// on x's graph. Solve calls it once per stage of every step, so a model's
// parameters are nodes captured by the closure (shared, not rebuilt).
type Func func(t float64, x *G.Node) (*G.Node, error)

// Method is a fixed-step Runge–Kutta method.
type Method int

const (
	// Euler is the forward Euler method, order 1: x ← x + h f(t, x).
	Euler Method = iota
	// Midpoint is the explicit midpoint method, order 2:
	// x ← x + h f(t + h/2, x + (h/2) f(t, x)).
	Midpoint
	// RK4 is the classical fourth-order Runge–Kutta method.
	RK4
	numMethods
)

// String returns the method's name: "euler", "midpoint" or "rk4".
func (m Method) String() string {
	switch m {
	case Euler:
		return "euler"
	case Midpoint:
		return "midpoint"
	case RK4:
		return "rk4"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Order returns the method's order of convergence p: the global error at a
// fixed time shrinks as h^p. It returns 0 for an unknown method.
func (m Method) Order() int {
	switch m {
	case Euler:
		return 1
	case Midpoint:
		return 2
	case RK4:
		return 4
	}
	return 0
}

// ParseMethod returns the method named "euler", "midpoint" or "rk4"
// (case-insensitive); an error names the valid choices.
func ParseMethod(name string) (Method, error) {
	for m := Euler; m < numMethods; m++ {
		if strings.EqualFold(name, m.String()) {
			return m, nil
		}
	}
	return 0, fmt.Errorf("ode: unknown method %q (valid: euler, midpoint, rk4)", name)
}

// Solve unrolls the initial-value problem dx/dt = f(t, x), x(grid[0]) = x0,
// with the fixed-step method m over the increasing time grid, taking steps
// equal steps of h = (grid[l+1] − grid[l])/steps on every interval, and
// returns the states at the grid times: out[0] = x0 and out[l] ≈ x(grid[l])
// (len(grid) nodes of x0's shape). The unroll is an ordinary gorgonia
// graph, so differentiating a cost of the returned nodes (G.Grad, or
// building inside models/compiled.New) gives the exact gradient of the
// discretised solution: reverse-mode autodiff through the solver, like
// torchdiffeq's odeint. Every step costs Order stages: f is called 1, 2 or
// 4 times per step (Euler, Midpoint, RK4).
//
// It returns an error if grid is empty, not strictly increasing or not
// finite, steps < 1, m is unknown, f fails, or f returns a node whose shape
// differs from x0's.
func Solve(f Func, x0 *G.Node, grid []float64, m Method, steps int) ([]*G.Node, error) {
	switch {
	case f == nil || x0 == nil:
		return nil, fmt.Errorf("ode: Solve: nil vector field or initial state")
	case len(grid) == 0:
		return nil, fmt.Errorf("ode: Solve: empty time grid")
	case steps < 1:
		return nil, fmt.Errorf("ode: Solve: %d steps per interval, want ≥ 1", steps)
	case m < 0 || m >= numMethods:
		return nil, fmt.Errorf("ode: Solve: unknown method %v", m)
	}
	for l, t := range grid {
		if math.IsNaN(t) || math.IsInf(t, 0) || (l > 0 && !(t > grid[l-1])) {
			return nil, fmt.Errorf("ode: Solve: time grid not finite and strictly increasing at index %d (%v)", l, t)
		}
	}
	s := stepper{f: f, shape: slices.Clone([]int(x0.Shape()))}
	out := make([]*G.Node, len(grid))
	out[0] = x0
	x := x0
	for l := 1; l < len(grid); l++ {
		t0 := grid[l-1]
		h := (grid[l] - t0) / float64(steps)
		for k := range steps {
			var err error
			if x, err = s.step(m, t0+float64(k)*h, h, x); err != nil {
				return nil, fmt.Errorf("ode: Solve: interval %d, step %d: %w", l, k, err)
			}
		}
		out[l] = x
	}
	return out, nil
}

// stepper builds one step of a method.
type stepper struct {
	f     Func
	shape []int
}

// eval calls f and checks the shape of its result.
func (s *stepper) eval(t float64, x *G.Node) (*G.Node, error) {
	dx, err := s.f(t, x)
	if err != nil {
		return nil, err
	}
	if dx == nil {
		return nil, fmt.Errorf("vector field returned a nil node at t = %v", t)
	}
	if !slices.Equal([]int(dx.Shape()), s.shape) {
		return nil, fmt.Errorf("vector field returned shape %v at t = %v, want %v", dx.Shape(), t, s.shape)
	}
	return dx, nil
}

// axpy returns x + c·k.
func (s *stepper) axpy(x *G.Node, c float64, k *G.Node) (*G.Node, error) {
	ck, err := G.Mul(G.NewConstant(c), k)
	if err != nil {
		return nil, err
	}
	return G.Add(x, ck)
}

// step returns the state after one step of size h from (t, x).
func (s *stepper) step(m Method, t, h float64, x *G.Node) (*G.Node, error) {
	k1, err := s.eval(t, x)
	if err != nil {
		return nil, err
	}
	switch m {
	case Euler:
		return s.axpy(x, h, k1)
	case Midpoint:
		xm, err := s.axpy(x, h/2, k1)
		if err != nil {
			return nil, err
		}
		k2, err := s.eval(t+h/2, xm)
		if err != nil {
			return nil, err
		}
		return s.axpy(x, h, k2)
	}
	// RK4.
	x2, err := s.axpy(x, h/2, k1)
	if err != nil {
		return nil, err
	}
	k2, err := s.eval(t+h/2, x2)
	if err != nil {
		return nil, err
	}
	x3, err := s.axpy(x, h/2, k2)
	if err != nil {
		return nil, err
	}
	k3, err := s.eval(t+h/2, x3)
	if err != nil {
		return nil, err
	}
	x4, err := s.axpy(x, h, k3)
	if err != nil {
		return nil, err
	}
	k4, err := s.eval(t+h, x4)
	if err != nil {
		return nil, err
	}
	// x + h/6 (k1 + 2 k2 + 2 k3 + k4), accumulated as x + (h/6)k1 + (h/3)k2 + (h/3)k3 + (h/6)k4.
	for _, term := range []struct {
		c float64
		k *G.Node
	}{{h / 6, k1}, {h / 3, k2}, {h / 3, k3}, {h / 6, k4}} {
		if x, err = s.axpy(x, term.c, term.k); err != nil {
			return nil, err
		}
	}
	return x, nil
}
