package optim

import (
	"fmt"
	"math"
)

// State is the accumulated state of an optimiser: everything Step changes
// besides the parameter values. It holds no settings (learning rate,
// schedule, decay, projections): those must be set again on the optimiser
// that receives it. Its fields are exported so it can be saved with
// encoding/json (which round-trips float64 exactly) or encoding/gob. (Adam's
// V overflows to +Inf only for gradients above about 1e154; encoding/json
// rejects an infinity, gob does not.)
type State struct {
	// Method is "adam" or "sgd"; SetState rejects a state of another method.
	Method string `json:"method"`
	// Steps is the number of completed steps, i.e. the step index k of the
	// next Step.
	Steps int `json:"steps"`
	// Params holds one entry per parameter in Step order; empty before the
	// first Step.
	Params []ParamState `json:"params"`
}

// ParamState is the per-parameter part of a State.
type ParamState struct {
	Name string `json:"name"`
	Len  int    `json:"len"` // len(Param.Value)
	// M is Adam's first moment m or SGD's momentum buffer b; V is Adam's raw
	// second moment v. Each is nil or has Len entries; nil means zeros (not
	// yet used, e.g. SGD without momentum).
	M []float64 `json:"m,omitempty"`
	V []float64 `json:"v,omitempty"`
}

// moments is the state shared by Adam and SGD: the binding of parameters
// (names and lengths, by position), their per-coordinate buffers and the
// step count.
type moments struct {
	steps int
	bound bool // names and lens describe the parameters; false after Reset
	names []string
	lens  []int
	m, v  [][]float64 // per parameter; an entry is nil until first needed
}

// bind checks params against the binding, or creates the binding when there
// is none. Buffers of a previous binding are kept, zeroed by reset, and
// reused when lengths match. It allocates only when it creates a binding.
func (s *moments) bind(method string, params []*Param) error {
	for _, p := range params {
		if len(p.Grad) != len(p.Value) {
			return fmt.Errorf("optim: %s: param %q has %d values and %d gradient entries", method, p.Name, len(p.Value), len(p.Grad))
		}
	}
	if s.bound {
		if len(params) != len(s.names) {
			return fmt.Errorf("optim: %s: got %d params, state has %d", method, len(params), len(s.names))
		}
		for i, p := range params {
			if p.Name != s.names[i] || len(p.Value) != s.lens[i] {
				return fmt.Errorf("optim: %s: param %d is %q with %d values, state has %q with %d", method, i, p.Name, len(p.Value), s.names[i], s.lens[i])
			}
		}
		return nil
	}
	n := len(params)
	s.names = resize(s.names, n)
	s.lens = resize(s.lens, n)
	s.m = resize(s.m, n)
	s.v = resize(s.v, n)
	for i, p := range params {
		s.names[i] = p.Name
		s.lens[i] = len(p.Value)
		if len(s.m[i]) != len(p.Value) {
			s.m[i] = nil
		}
		if len(s.v[i]) != len(p.Value) {
			s.v[i] = nil
		}
	}
	s.bound = true
	return nil
}

// resize returns a slice of length n, reusing x's storage when it can.
func resize[T any](x []T, n int) []T {
	if cap(x) >= n {
		return x[:n]
	}
	return make([]T, n)
}

// buf returns bufs[i], allocating it with n zeros on first use.
func buf(bufs [][]float64, i, n int) []float64 {
	if bufs[i] == nil {
		bufs[i] = make([]float64, n)
	}
	return bufs[i]
}

// reset zeroes the step count and the buffers and drops the binding.
func (s *moments) reset() {
	s.steps = 0
	s.bound = false
	for _, b := range s.m {
		clear(b)
	}
	for _, b := range s.v {
		clear(b)
	}
}

// check validates the gradients and returns their global norm if clip is
// true (0 otherwise). On a non-finite entry it returns a *GradError.
func (s *moments) check(params []*Param, clip bool) (float64, error) {
	ss := sumSquares(params)
	if isFinite(ss) {
		return math.Sqrt(ss), nil
	}
	if p, i := firstNonFinite(params); p != nil {
		return 0, &GradError{Param: p.Name, Index: i, Value: p.Grad[i], Step: s.steps}
	}
	if !clip {
		return 0, nil
	}
	return scaledNorm(params), nil
}

// state returns a deep copy of s for method.
func (s *moments) state(method string) State {
	st := State{Method: method, Steps: s.steps}
	if !s.bound {
		return st
	}
	st.Params = make([]ParamState, len(s.names))
	for i := range s.names {
		st.Params[i] = ParamState{
			Name: s.names[i],
			Len:  s.lens[i],
			M:    clone(s.m[i]),
			V:    clone(s.v[i]),
		}
	}
	return st
}

func clone(x []float64) []float64 {
	if x == nil {
		return nil
	}
	return append(make([]float64, 0, len(x)), x...)
}

// setState replaces s by a copy of st after validating it. useV says whether
// the method has a second moment.
func (s *moments) setState(method string, st State, useV bool) error {
	if st.Method != method {
		return fmt.Errorf("optim: %s: SetState: state is for method %q", method, st.Method)
	}
	if st.Steps < 0 {
		return fmt.Errorf("optim: %s: SetState: Steps = %d", method, st.Steps)
	}
	for i, p := range st.Params {
		if p.Len < 0 || p.M != nil && len(p.M) != p.Len || p.V != nil && len(p.V) != p.Len {
			return fmt.Errorf("optim: %s: SetState: param %d (%q): Len = %d but len(M) = %d, len(V) = %d", method, i, p.Name, p.Len, len(p.M), len(p.V))
		}
		if !useV && p.V != nil {
			return fmt.Errorf("optim: %s: SetState: param %d (%q) has a second moment V", method, i, p.Name)
		}
	}
	s.reset()
	s.steps = st.Steps
	if st.Steps == 0 && len(st.Params) == 0 {
		return nil
	}
	n := len(st.Params)
	s.names = make([]string, n)
	s.lens = make([]int, n)
	s.m = make([][]float64, n)
	s.v = make([][]float64, n)
	for i, p := range st.Params {
		s.names[i] = p.Name
		s.lens[i] = p.Len
		s.m[i] = clone(p.M)
		s.v[i] = clone(p.V)
	}
	s.bound = true
	return nil
}
