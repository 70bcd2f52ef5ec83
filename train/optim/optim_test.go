package optim_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/spread-dev/spread/train/optim"
)

// quadratic is f(x) = ½ Σ a_i (x_i − c_i)², whose gradient is a_i (x_i − c_i).
type quadratic struct{ a, c []float64 }

func (q quadratic) grad(dst, x []float64) {
	for i := range x {
		dst[i] = q.a[i] * (x[i] - q.c[i])
	}
}

// TestConvex runs each optimiser on a strictly convex quadratic (or, with
// Maximize, on its negation) and checks the known optimum to 1e-6.
func TestConvex(t *testing.T) {
	q := quadratic{a: []float64{1, 10, 0.1}, c: []float64{1, -2, 3}}
	tests := []struct {
		name   string
		opt    optim.Optimizer
		proj   optim.Projection
		negate bool // pass the gradient of −f and maximise
		steps  int
		want   []float64
	}{
		// Unconstrained: the optimum is c.
		{"SGD", &optim.SGD{LR: 0.15}, nil, false, 2000, q.c},
		{"SGD momentum", &optim.SGD{LR: 0.05, Momentum: 0.9}, nil, false, 2000, q.c},
		{"SGD Nesterov", &optim.SGD{LR: 0.05, Momentum: 0.9, Nesterov: true}, nil, false, 2000, q.c},
		{"Adam cosine", &optim.Adam{Schedule: optim.Cosine{LR0: 0.1, LRMin: 0, Total: 3000}}, nil, false, 3000, q.c},
		{"SGD maximize", &optim.SGD{LR: 0.15, Maximize: true}, nil, true, 2000, q.c},
		{"Adam maximize", &optim.Adam{Maximize: true, Schedule: optim.Cosine{LR0: 0.1, LRMin: 0, Total: 3000}}, nil, true, 3000, q.c},
		// Box [0, 2]: the optimum is the projection of c, (1, 0, 2), two
		// coordinates on the boundary.
		{"projected SGD", &optim.SGD{LR: 0.15}, optim.Box{Lo: 0, Hi: 2}, false, 2000, []float64{1, 0, 2}},
		{"projected Adam", &optim.Adam{Schedule: optim.Cosine{LR0: 0.1, LRMin: 0, Total: 3000}}, optim.Box{Lo: 0, Hi: 2}, false, 3000, []float64{1, 0, 2}},
		// x ≥ 0: optimum (1, 0, 3).
		{"non-negative SGD", &optim.SGD{LR: 0.05, Momentum: 0.5}, optim.NonNegative{}, false, 2000, []float64{1, 0, 3}},
		// SLICER's setting: ascent, InvSqrt schedule, box.
		{"SLICER-like", &optim.SGD{Maximize: true, Schedule: optim.InvSqrt{LR0: 0.15, K0: 400}}, optim.Box{Lo: 0, Hi: 2}, true, 2000, []float64{1, 0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &optim.Param{Name: "x", Value: []float64{5, 5, -5}, Grad: make([]float64, 3), Project: tt.proj}
			ps := []*optim.Param{p}
			for k := range tt.steps {
				q.grad(p.Grad, p.Value)
				if tt.negate {
					for i := range p.Grad {
						p.Grad[i] = -p.Grad[i]
					}
				}
				if err := tt.opt.Step(ps); err != nil {
					t.Fatalf("step %d: %v", k, err)
				}
			}
			for i, w := range tt.want {
				if math.Abs(p.Value[i]-w) > 1e-6 {
					t.Errorf("x = %v, want %v within 1e-6", p.Value, tt.want)
					break
				}
			}
		})
	}
}

// TestMaximizeIsNegatedDescent checks that maximising f steps exactly as
// minimising −f does.
func TestMaximizeIsNegatedDescent(t *testing.T) {
	for _, tt := range []struct {
		name     string
		max, min optim.Optimizer
	}{
		{"Adam", &optim.Adam{LR: 0.1, Maximize: true, WeightDecay: 0.1, DecoupledWeightDecay: 0.1, ClipNorm: 1}, &optim.Adam{LR: 0.1, WeightDecay: 0.1, DecoupledWeightDecay: 0.1, ClipNorm: 1}},
		{"SGD", &optim.SGD{LR: 0.1, Momentum: 0.9, Nesterov: true, Maximize: true, WeightDecay: 0.1}, &optim.SGD{LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 0.1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w0, grads := randomRun(7, 20, 2)
			pmax, pmin := makeParams(w0, nil), makeParams(w0, nil)
			for k, g := range grads {
				setGrads(pmax, g)
				setGrads(pmin, g)
				for _, p := range pmin {
					for i := range p.Grad {
						p.Grad[i] = -p.Grad[i]
					}
				}
				if err := tt.max.Step(pmax); err != nil {
					t.Fatal(err)
				}
				if err := tt.min.Step(pmin); err != nil {
					t.Fatal(err)
				}
				for i := range pmax {
					if !reflect.DeepEqual(pmax[i].Value, pmin[i].Value) {
						t.Fatalf("step %d: maximise %v, minimise −f %v", k, pmax[i].Value, pmin[i].Value)
					}
				}
			}
		})
	}
}

func TestSchedules(t *testing.T) {
	tests := []struct {
		name  string
		s     optim.Schedule
		steps []int
		want  []float64
	}{
		{"constant", optim.Constant(0.1), []int{0, 1, 1000}, []float64{0.1, 0.1, 0.1}},
		// LR0·γ^⌊k/10⌋.
		{"step decay", optim.StepDecay{LR0: 1, Gamma: 0.5, Every: 10}, []int{0, 9, 10, 19, 20, 35}, []float64{1, 1, 0.5, 0.5, 0.25, 0.125}},
		{"step decay, Every 0", optim.StepDecay{LR0: 1, Gamma: 0.5}, []int{0, 100}, []float64{1, 1}},
		// 0.1 + 0.9·(1+cos(πk/100))/2; k = 25 gives 0.1 + 0.45·(1 + √2/2).
		{"cosine", optim.Cosine{LR0: 1, LRMin: 0.1, Total: 100}, []int{0, 25, 50, 100, 200}, []float64{1, 0.1 + 0.45*(1+math.Sqrt2/2), 0.55, 0.1, 0.1}},
		{"cosine, Total 0", optim.Cosine{LR0: 1, LRMin: 0.1}, []int{0, 5}, []float64{0.1, 0.1}},
		// docs/SLICER.md §2: LR0 up to k = K0, then LR0/sqrt(k+1−K0).
		{"inv sqrt", optim.InvSqrt{LR0: 2, K0: 400}, []int{0, 399, 400, 401, 403, 408}, []float64{2, 2, 2, 2 / math.Sqrt2, 1, 2.0 / 3}},
		{"inv sqrt, K0 0", optim.InvSqrt{LR0: 1}, []int{0, 3}, []float64{1, 0.5}},
	}
	for _, tt := range tests {
		for i, k := range tt.steps {
			if got := tt.s.LR(k); math.Abs(got-tt.want[i]) > 1e-15 {
				t.Errorf("%s: LR(%d) = %v, want %v", tt.name, k, got, tt.want[i])
			}
		}
	}
}

// TestInvSqrtMatchesSLICERLoop replays the learning-rate bookkeeping of
// examples/slicer.jl (mateuszwilinski/dynamic-message-passing): the rate is
// used, iter is incremented, and if iter > iter_threshold the multiplier is
// scaled by sqrt(iter − K0)/sqrt(iter + 1 − K0).
func TestInvSqrtMatchesSLICERLoop(t *testing.T) {
	const eps0, k0 = 0.37, 400
	s := optim.InvSqrt{LR0: eps0, K0: k0}
	multiplier, iter := eps0, 0
	for k := range 1000 {
		if got := s.LR(k); math.Abs(got-multiplier) > 1e-13*eps0 {
			t.Fatalf("LR(%d) = %v, slicer.jl uses %v", k, got, multiplier)
		}
		iter++
		if iter > k0 {
			multiplier *= math.Sqrt(float64(iter-k0)) / math.Sqrt(float64(iter+1-k0))
		}
	}
}

func TestClipGlobalNorm(t *testing.T) {
	tests := []struct {
		name     string
		grads    [][]float64
		maxNorm  float64
		wantNorm float64
		want     [][]float64
	}{
		{"3-4-5 clipped", [][]float64{{3}, {0, 4}}, 1, 5, [][]float64{{0.6}, {0, 0.8}}},
		{"below threshold", [][]float64{{3}, {0, 4}}, 10, 5, [][]float64{{3}, {0, 4}}},
		{"at threshold", [][]float64{{3}, {0, 4}}, 5, 5, [][]float64{{3}, {0, 4}}},
		{"empty", [][]float64{{}}, 1, 0, [][]float64{{}}},
		{"overflowing squares", [][]float64{{3e200}, {4e200}}, 1, 5e200, [][]float64{{0.6}, {0.8}}},
		{"NaN left alone", [][]float64{{3, math.NaN()}}, 1, math.NaN(), [][]float64{{3, math.NaN()}}},
		{"Inf left alone", [][]float64{{3, math.Inf(-1)}}, 1, math.Inf(1), [][]float64{{3, math.Inf(-1)}}},
	}
	for _, tt := range tests {
		ps := make([]*optim.Param, len(tt.grads))
		for i, g := range tt.grads {
			ps[i] = &optim.Param{Value: make([]float64, len(g)), Grad: append([]float64(nil), g...)}
		}
		if n := optim.GlobalNorm(ps); !sameFloat(n, tt.wantNorm, 1e-15) {
			t.Errorf("%s: GlobalNorm = %v, want %v", tt.name, n, tt.wantNorm)
		}
		if n := optim.ClipGlobalNorm(ps, tt.maxNorm); !sameFloat(n, tt.wantNorm, 1e-15) {
			t.Errorf("%s: ClipGlobalNorm returned %v, want %v", tt.name, n, tt.wantNorm)
		}
		for i, p := range ps {
			for j := range p.Grad {
				if !sameFloat(p.Grad[j], tt.want[i][j], 1e-15) {
					t.Errorf("%s: clipped grad %d = %v, want %v", tt.name, i, p.Grad, tt.want[i])
					break
				}
			}
		}
	}
}

// sameFloat reports whether a and b agree within relative tolerance tol,
// treating NaNs as equal and infinities as equal to themselves.
func sameFloat(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if a == b {
		return true
	}
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}

func TestClipGlobalNormPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(r.(string), "optim: ") {
			t.Errorf("recovered %v, want an optim: panic", r)
		}
	}()
	optim.ClipGlobalNorm(nil, 0)
}

// TestClipNormInStep checks that ClipNorm inside Step equals clipping with
// ClipGlobalNorm first, bit for bit, and that Step leaves Grad unchanged.
func TestClipNormInStep(t *testing.T) {
	w0, grads := randomRun(3, 10, 5)
	pIn, pOut := makeParams(w0, nil), makeParams(w0, nil)
	in := &optim.Adam{LR: 0.1, ClipNorm: 1.5}
	out := &optim.Adam{LR: 0.1}
	for k, g := range grads {
		setGrads(pIn, g)
		setGrads(pOut, g)
		if err := in.Step(pIn); err != nil {
			t.Fatal(err)
		}
		if n := optim.ClipGlobalNorm(pOut, 1.5); !(n > 1.5) {
			t.Fatalf("step %d: norm %v does not exercise clipping", k, n)
		}
		if err := out.Step(pOut); err != nil {
			t.Fatal(err)
		}
		for i := range pIn {
			if !reflect.DeepEqual(pIn[i].Value, pOut[i].Value) {
				t.Fatalf("step %d: ClipNorm gives %v, ClipGlobalNorm then Step gives %v", k, pIn[i].Value, pOut[i].Value)
			}
			if !reflect.DeepEqual(pIn[i].Grad, g[i]) {
				t.Fatalf("step %d: Step modified Grad", k)
			}
		}
	}
}

type checkpointedOptimizer interface {
	optim.Optimizer
	optim.Checkpointer
}

// newOptimizers lists fresh optimisers with non-trivial settings, each with
// state, for the tests that apply to every optimiser.
var newOptimizers = []struct {
	name string
	new  func() checkpointedOptimizer
}{
	{"Adam", func() checkpointedOptimizer {
		return &optim.Adam{Schedule: optim.InvSqrt{LR0: 0.1, K0: 3}, WeightDecay: 0.01, DecoupledWeightDecay: 0.1, ClipNorm: 2}
	}},
	{"SGD Nesterov", func() checkpointedOptimizer {
		return &optim.SGD{Schedule: optim.Cosine{LR0: 0.1, LRMin: 0.01, Total: 8}, Momentum: 0.9, Nesterov: true, WeightDecay: 0.01, ClipNorm: 2}
	}},
	{"SGD classical", func() checkpointedOptimizer {
		return &optim.SGD{LR: 0.05, Momentum: 0.5, DecoupledWeightDecay: 0.1}
	}},
	{"SGD plain", func() checkpointedOptimizer {
		return &optim.SGD{LR: 0.05, Maximize: true}
	}},
}

func TestNonFiniteGradient(t *testing.T) {
	bad := []float64{math.NaN(), math.Inf(1), math.Inf(-1)}
	for _, o := range newOptimizers {
		for _, v := range bad {
			w0, grads := randomRun(11, 4, 1)
			ps := makeParams(w0, optim.Box{Lo: -1, Hi: 1})
			opt := o.new()
			for _, g := range grads[:2] {
				setGrads(ps, g)
				if err := opt.Step(ps); err != nil {
					t.Fatal(err)
				}
			}
			before := copy2([][]float64{ps[0].Value, ps[1].Value})
			stateBefore := opt.State()

			setGrads(ps, grads[2])
			ps[1].Grad[3] = v
			err := opt.Step(ps)
			var ge *optim.GradError
			if !errors.As(err, &ge) {
				t.Fatalf("%s, %v: Step returned %v, want a *GradError", o.name, v, err)
			}
			if ge.Param != "b" || ge.Index != 3 || ge.Step != 2 || !sameFloat(ge.Value, v, 0) {
				t.Errorf("%s: GradError = %+v, want param b index 3 step 2 value %v", o.name, *ge, v)
			}
			if !strings.HasPrefix(err.Error(), "optim: ") || !strings.Contains(err.Error(), `"b"[3]`) {
				t.Errorf("%s: error text %q", o.name, err)
			}
			if d := maxAbsDiff(ps, before); d != 0 {
				t.Errorf("%s: values changed by %g on error", o.name, d)
			}
			if !reflect.DeepEqual(opt.State(), stateBefore) {
				t.Errorf("%s: state changed on error", o.name)
			}

			// The failed step left no trace: continuing matches a run
			// that never saw it.
			ref := o.new()
			pref := makeParams(w0, optim.Box{Lo: -1, Hi: 1})
			for _, g := range grads {
				setGrads(pref, g)
				if err := ref.Step(pref); err != nil {
					t.Fatal(err)
				}
			}
			setGrads(ps, grads[2])
			if err := opt.Step(ps); err != nil {
				t.Fatal(err)
			}
			setGrads(ps, grads[3])
			if err := opt.Step(ps); err != nil {
				t.Fatal(err)
			}
			if d := maxAbsDiff(ps, [][]float64{pref[0].Value, pref[1].Value}); d != 0 {
				t.Errorf("%s: after a rejected step the run differs by %g", o.name, d)
			}
		}
	}
}

// TestResume checks that 10 steps equal 5 steps, State, a JSON round trip,
// SetState on a fresh optimiser and 5 more steps, bit for bit.
func TestResume(t *testing.T) {
	for _, o := range newOptimizers {
		t.Run(o.name, func(t *testing.T) {
			w0, grads := randomRun(5, 10, 2)
			proj := optim.Box{Lo: -1.5, Hi: 1.5}

			full := o.new()
			pf := makeParams(w0, proj)
			for _, g := range grads {
				setGrads(pf, g)
				if err := full.Step(pf); err != nil {
					t.Fatal(err)
				}
			}

			first := o.new()
			pr := makeParams(w0, proj)
			for _, g := range grads[:5] {
				setGrads(pr, g)
				if err := first.Step(pr); err != nil {
					t.Fatal(err)
				}
			}
			data, err := json.Marshal(first.State())
			if err != nil {
				t.Fatal(err)
			}
			var st optim.State
			if err := json.Unmarshal(data, &st); err != nil {
				t.Fatal(err)
			}
			if st.Steps != 5 || len(st.Params) != 2 || st.Params[1].Name != "b" || st.Params[1].Len != 5 {
				t.Fatalf("saved state %+v", st)
			}
			second := o.new()
			if err := second.SetState(st); err != nil {
				t.Fatal(err)
			}
			for _, g := range grads[5:] {
				setGrads(pr, g)
				if err := second.Step(pr); err != nil {
					t.Fatal(err)
				}
			}
			for i := range pf {
				if !reflect.DeepEqual(pf[i].Value, pr[i].Value) {
					t.Errorf("param %d: 10 steps give %v, 5+5 give %v", i, pf[i].Value, pr[i].Value)
				}
			}
			if !reflect.DeepEqual(full.State(), second.State()) {
				t.Errorf("states differ:\n%+v\n%+v", full.State(), second.State())
			}
		})
	}
}

// TestReset checks that Reset forgets moments and the step count, and that
// a reset optimiser accepts a different set of params.
func TestReset(t *testing.T) {
	for _, o := range newOptimizers {
		w0, grads := randomRun(9, 6, 1)
		used := o.new()
		ps := makeParams(w0, nil)
		for _, g := range grads[:3] {
			setGrads(ps, g)
			if err := used.Step(ps); err != nil {
				t.Fatal(err)
			}
		}
		used.Reset()
		if st := used.State(); st.Steps != 0 || st.Params != nil {
			t.Errorf("%s: state after Reset: %+v", o.name, st)
		}
		fresh := o.new()
		pu, pf := makeParams(w0, nil), makeParams(w0, nil)
		for _, g := range grads[3:] {
			setGrads(pu, g)
			setGrads(pf, g)
			if err := used.Step(pu); err != nil {
				t.Fatal(err)
			}
			if err := fresh.Step(pf); err != nil {
				t.Fatal(err)
			}
		}
		if d := maxAbsDiff(pu, [][]float64{pf[0].Value, pf[1].Value}); d != 0 {
			t.Errorf("%s: reset optimiser differs from a fresh one by %g", o.name, d)
		}
		used.Reset()
		other := []*optim.Param{{Name: "z", Value: []float64{1}, Grad: []float64{1}}}
		if err := used.Step(other); err != nil {
			t.Errorf("%s: Step with new params after Reset: %v", o.name, err)
		}
	}
}

func TestStepErrors(t *testing.T) {
	good := func() []*optim.Param {
		return []*optim.Param{
			{Name: "a", Value: []float64{1, 2}, Grad: []float64{0.1, 0.2}},
			{Name: "b", Value: []float64{3}, Grad: []float64{0.3}},
		}
	}
	nan := optim.Constant(math.NaN())
	tests := []struct {
		name   string
		opt    optim.Optimizer
		params func() []*optim.Param // the second Step's params
		want   string
	}{
		{"fewer params", &optim.Adam{}, func() []*optim.Param { return good()[:1] }, "got 1 params, state has 2"},
		{"renamed param", &optim.SGD{LR: 1}, func() []*optim.Param { p := good(); p[1].Name = "c"; return p }, `param 1 is "c"`},
		{"resized param", &optim.Adam{}, func() []*optim.Param {
			p := good()
			p[0].Value, p[0].Grad = p[0].Value[:1], p[0].Grad[:1]
			return p
		}, `param 0 is "a" with 1 values, state has "a" with 2`},
		{"grad length", &optim.SGD{LR: 1}, func() []*optim.Param { p := good(); p[0].Grad = p[0].Grad[:1]; return p }, "1 gradient entries"},
	}
	for _, tt := range tests {
		if err := tt.opt.Step(good()); err != nil {
			t.Fatalf("%s: first step: %v", tt.name, err)
		}
		err := tt.opt.Step(tt.params())
		if err == nil || !strings.HasPrefix(err.Error(), "optim: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got error %v, want one containing %q", tt.name, err, tt.want)
		}
	}

	settings := []struct {
		opt  optim.Optimizer
		want string
	}{
		{&optim.Adam{Beta1: 1}, "Beta1"},
		{&optim.Adam{Beta1: -0.1}, "Beta1"},
		{&optim.Adam{Beta2: 1.5}, "Beta2"},
		{&optim.Adam{Eps: -1}, "Eps"},
		{&optim.Adam{LR: -1}, "learning rate"},
		{&optim.Adam{Schedule: nan}, "learning rate"},
		{&optim.Adam{WeightDecay: -1}, "WeightDecay"},
		{&optim.Adam{DecoupledWeightDecay: math.Inf(1)}, "DecoupledWeightDecay"},
		{&optim.Adam{ClipNorm: -1}, "ClipNorm"},
		{&optim.SGD{}, "LR = 0 and Schedule is nil"},
		{&optim.SGD{LR: 1, Momentum: 1}, "Momentum"},
		{&optim.SGD{LR: 1, Nesterov: true}, "Nesterov"},
		{&optim.SGD{Schedule: optim.Constant(-1)}, "learning rate"},
		{&optim.SGD{LR: 1, ClipNorm: math.NaN()}, "ClipNorm"},
	}
	for _, tt := range settings {
		ps := good()
		err := tt.opt.Step(ps)
		if err == nil || !strings.HasPrefix(err.Error(), "optim: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got error %v, want one containing %q", tt.opt, err, tt.want)
		}
		if ps[0].Value[0] != 1 {
			t.Errorf("%+v: values changed on error", tt.opt)
		}
	}
}

func TestSetStateErrors(t *testing.T) {
	tests := []struct {
		name string
		c    optim.Checkpointer
		s    optim.State
		want string
	}{
		{"wrong method", &optim.Adam{}, optim.State{Method: "sgd"}, `state is for method "sgd"`},
		{"negative steps", &optim.SGD{LR: 1}, optim.State{Method: "sgd", Steps: -1}, "Steps = -1"},
		{"short moment", &optim.Adam{}, optim.State{Method: "adam", Steps: 1, Params: []optim.ParamState{{Name: "a", Len: 2, M: []float64{0}}}}, "Len = 2 but len(M) = 1"},
		{"V for SGD", &optim.SGD{LR: 1}, optim.State{Method: "sgd", Steps: 1, Params: []optim.ParamState{{Name: "a", Len: 1, V: []float64{0}}}}, "second moment"},
	}
	for _, tt := range tests {
		err := tt.c.SetState(tt.s)
		if err == nil || !strings.HasPrefix(err.Error(), "optim: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got error %v, want one containing %q", tt.name, err, tt.want)
		}
	}

	// A restored state binds its params: the next Step checks them.
	a := &optim.Adam{}
	if err := a.SetState(optim.State{Method: "adam", Steps: 3, Params: []optim.ParamState{{Name: "a", Len: 2}}}); err != nil {
		t.Fatal(err)
	}
	err := a.Step([]*optim.Param{{Name: "x", Value: []float64{1, 2}, Grad: []float64{1, 1}}})
	if err == nil || !strings.Contains(err.Error(), `state has "a"`) {
		t.Errorf("Step with params unlike the restored state: %v", err)
	}
}

func TestProjections(t *testing.T) {
	tests := []struct {
		name string
		p    optim.Projection
		in   []float64
		want []float64
	}{
		{"box", optim.Box{Lo: -1, Hi: 2}, []float64{-3, -1, 0, 2, 5}, []float64{-1, -1, 0, 2, 2}},
		{"box keeps NaN", optim.Box{Lo: 0, Hi: 1}, []float64{math.NaN(), 2}, []float64{math.NaN(), 1}},
		{"non-negative", optim.NonNegative{}, []float64{-1, 0, 1, math.Inf(-1)}, []float64{0, 0, 1, 0}},
		{"func", optim.ProjectFunc(func(p *optim.Param) {
			for i := range p.Value {
				p.Value[i] = math.Round(p.Value[i])
			}
		}), []float64{0.4, 1.6}, []float64{0, 2}},
	}
	for _, tt := range tests {
		p := &optim.Param{Value: append([]float64(nil), tt.in...)}
		tt.p.Project(p)
		for i := range tt.want {
			if !sameFloat(p.Value[i], tt.want[i], 0) {
				t.Errorf("%s: %v → %v, want %v", tt.name, tt.in, p.Value, tt.want)
				break
			}
		}
	}
}

func TestStepDoesNotAllocate(t *testing.T) {
	for _, o := range newOptimizers {
		w0, grads := randomRun(1, 1, 1)
		ps := makeParams(w0, optim.Box{Lo: -2, Hi: 2})
		ps[1].Project = optim.ProjectFunc(func(p *optim.Param) { optim.NonNegative{}.Project(p) })
		setGrads(ps, grads[0])
		opt := o.new()
		if err := opt.Step(ps); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(100, func() { _ = opt.Step(ps) }); n != 0 {
			t.Errorf("%s: %v allocations per Step, want 0", o.name, n)
		}
	}
}

// TestNegativeControl checks that the textbook comparison can fail: Adam
// with β₁ = 0.8 must not match the reference run with β₁ = 0.9.
func TestNegativeControl(t *testing.T) {
	w0, grads := randomRun(0, 50, 3)
	ps := makeParams(w0, nil)
	w := copy2(w0)
	opt := optim.Adam{LR: 0.01, Beta1: 0.8}
	ref := refAdam{refSettings: refSettings{lr: constLR(0.01)}, b1: 0.9, b2: 0.999, eps: 1e-8}
	for _, g := range grads {
		setGrads(ps, g)
		if err := opt.Step(ps); err != nil {
			t.Fatal(err)
		}
		ref.step(w, g)
	}
	if d := maxAbsDiff(ps, w); d < 1e-6 {
		t.Errorf("β₁ = 0.8 matches the β₁ = 0.9 reference to %g", d)
	}
}

func benchmarkStep(b *testing.B, opt optim.Optimizer) {
	const n = 1_000_000
	p := &optim.Param{Name: "w", Value: make([]float64, n), Grad: make([]float64, n)}
	for i := range p.Grad {
		p.Value[i] = float64(i%7) * 0.1
		p.Grad[i] = float64(i%13)*0.01 - 0.05
	}
	ps := []*optim.Param{p}
	if err := opt.Step(ps); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(n * 8)
	b.ResetTimer()
	for b.Loop() {
		if err := opt.Step(ps); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAdamStep is one Adam step on 10⁶ float64 parameters.
func BenchmarkAdamStep(b *testing.B) { benchmarkStep(b, &optim.Adam{LR: 1e-3}) }

// BenchmarkAdamStepAll adds both weight decays, clipping and a schedule.
func BenchmarkAdamStepAll(b *testing.B) {
	benchmarkStep(b, &optim.Adam{Schedule: optim.InvSqrt{LR0: 1e-3, K0: 10}, DecoupledWeightDecay: 0.01, WeightDecay: 0.01, ClipNorm: 1})
}

// BenchmarkSGDStep is one Nesterov SGD step on 10⁶ float64 parameters.
func BenchmarkSGDStep(b *testing.B) {
	benchmarkStep(b, &optim.SGD{LR: 1e-3, Momentum: 0.9, Nesterov: true})
}
