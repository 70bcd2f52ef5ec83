package train_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/optim"
)

// quadratic is f(x) = −Σ (x_i − c_i)², maximised at c.
func quadratic(c []float64) train.ObjectiveFunc {
	return func(x, grad []float64) (float64, error) {
		f := 0.0
		for i := range x {
			d := x[i] - c[i]
			f -= d * d
			grad[i] = -2 * d
		}
		return f, nil
	}
}

func adam(lr float64) train.Stepper {
	return train.NewAdamStep(&optim.Adam{LR: lr, Maximize: true}, nil)
}

// TestLoopConverges checks the stopping rule on a concave quadratic: the
// history is f at every iterate, Converged comes after Patience calm
// iterations, IterationLimit when MaxIters is reached first, and every
// report matches the trace.
func TestLoopConverges(t *testing.T) {
	c := []float64{0.3, -1, 2}
	var reports []train.Progress
	l := &train.Loop{Objective: quadratic(c), Stepper: adam(0.05), MaxIters: 5000, Tol: 1e-12, Patience: 5, Method: "test",
		Recorder: train.RecorderFunc(func(p train.Progress) error { reports = append(reports, p); return nil })}
	x := make([]float64, 3)
	var tr train.Trace
	if err := l.Start(x, &tr); err != nil {
		t.Fatal(err)
	}
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if tr.Status != train.Converged || tr.Calm != 5 || len(tr.History) != tr.Iters+1 {
		t.Fatalf("status %v, calm %d, %d iterations, %d history entries", tr.Status, tr.Calm, tr.Iters, len(tr.History))
	}
	for i := range x {
		if math.Abs(x[i]-c[i]) > 1e-4 {
			t.Errorf("x[%d] = %v, want %v", i, x[i], c[i])
		}
	}
	if len(reports) != tr.Iters+1 {
		t.Fatalf("%d reports for %d iterations", len(reports), tr.Iters)
	}
	for k, p := range reports {
		if p.Iter != k || p.Objective != tr.History[k] || p.Method != "test" || p.Evaluations != k+1 {
			t.Fatalf("report %d = %+v, history %v", k, p, tr.History[k])
		}
	}
	// The same problem with a budget of 7 stops at the limit.
	l2 := &train.Loop{Objective: quadratic(c), Stepper: adam(0.05), MaxIters: 7, Tol: 1e-12}
	var tr2 train.Trace
	if err := l2.Start(make([]float64, 3), &tr2); err != nil {
		t.Fatal(err)
	}
	if err := l2.Run(); err != nil || tr2.Status != train.IterationLimit || tr2.Iters != 7 {
		t.Fatalf("status %v after %d iterations (%v), want IterationLimit after 7", tr2.Status, tr2.Iters, err)
	}
}

// TestLoopResume interrupts a run with a failing recorder, saves the trace
// and Adam's state as a checkpoint would (JSON round trip), resumes, and
// requires the same bits as the uninterrupted run; a changed objective is
// refused at resume.
func TestLoopResume(t *testing.T) {
	c := []float64{0.5, 1.5}
	run := func(stopAt int) (x []float64, tr train.Trace, st *optim.State, err error) {
		x = []float64{0, 0}
		var l *train.Loop
		l = &train.Loop{Objective: quadratic(c), Stepper: adam(0.1), MaxIters: 60, Tol: 0, Method: "test",
			Recorder: train.RecorderFunc(func(p train.Progress) error {
				if p.Iter == stopAt {
					st = l.StepperState()
					return errors.New("interrupted")
				}
				return nil
			})}
		if err := l.Start(x, &tr); err != nil {
			return x, tr, st, err
		}
		return x, tr, st, l.Run()
	}
	want, wantTr, _, err := run(-1)
	if err != nil {
		t.Fatal(err)
	}
	x, tr, st, err := run(25)
	if err == nil || !strings.Contains(err.Error(), "interrupted") || tr.Status != train.Failure {
		t.Fatalf("interrupted run: %v, status %v", err, tr.Status)
	}
	// A checkpoint holds the trace of the stage in progress.
	tr.Status = train.NotTerminated
	b, err := json.Marshal(struct {
		X  []float64
		Tr train.Trace
		St *optim.State
	}{x, tr, st})
	if err != nil {
		t.Fatal(err)
	}
	var cp struct {
		X  []float64
		Tr train.Trace
		St *optim.State
	}
	if err := json.Unmarshal(b, &cp); err != nil {
		t.Fatal(err)
	}
	l := &train.Loop{Objective: quadratic(c), Stepper: adam(0.1), MaxIters: 60, Tol: 0, Method: "test"}
	if err := l.Resume(cp.X, &cp.Tr, cp.St); err != nil {
		t.Fatal(err)
	}
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Float64bits(cp.X[i]) != math.Float64bits(want[i]) {
			t.Fatalf("resumed x = %v, uninterrupted %v", cp.X, want)
		}
	}
	if !slices.Equal(cp.Tr.History, wantTr.History) || cp.Tr.Status != wantTr.Status {
		t.Fatalf("resumed trace differs")
	}
	// Other data: the objective at the saved iterate differs, refused.
	if err := json.Unmarshal(b, &cp); err != nil {
		t.Fatal(err)
	}
	l = &train.Loop{Objective: quadratic([]float64{0.5, 1.6}), Stepper: adam(0.1), MaxIters: 60, Method: "test"}
	if err := l.Resume(cp.X, &cp.Tr, cp.St); err == nil || !strings.Contains(err.Error(), "non-deterministic objective or different data") {
		t.Fatalf("resume with other data: %v", err)
	}
	// A damaged trace is an error, not a panic.
	cp.Tr.History = cp.Tr.History[:3]
	if err := l.Resume(cp.X, &cp.Tr, cp.St); err == nil {
		t.Fatal("damaged trace accepted")
	}
}

// TestLoopNonFinite checks that a non-finite value anywhere becomes a
// *NonFiniteError located at the iterate, wrapping the objective's own
// report, with the last finite iterate kept.
func TestLoopNonFinite(t *testing.T) {
	calls := 0
	inner := &train.NonFiniteError{Op: "inner", Iter: -1, Index: 1, Value: math.Inf(1)}
	obj := train.ObjectiveFunc(func(x, grad []float64) (float64, error) {
		calls++
		grad[0], grad[1] = 1, 1
		switch calls {
		case 4:
			return math.NaN(), nil
		case 7:
			return 0, inner
		}
		return x[0] + x[1], nil
	})
	for _, tc := range []struct {
		skip, iter, index int
		wraps             bool
	}{{0, 3, -1, false}, {4, 2, 1, true}} {
		calls = tc.skip
		x := []float64{0, 0}
		l := &train.Loop{Objective: obj, Stepper: adam(0.1), MaxIters: 100, Method: "m", StageName: "R = 1"}
		var tr train.Trace
		if err := l.Start(x, &tr); err != nil {
			t.Fatal(err)
		}
		err := l.Run()
		var nf *train.NonFiniteError
		if !errors.As(err, &nf) || nf.Iter != tc.iter || nf.Index != tc.index || nf.Op != "m" || nf.Stage != "R = 1" {
			t.Fatalf("error %v, want a NonFiniteError at iterate %d index %d", err, tc.iter, tc.index)
		}
		if tc.wraps != errors.Is(err, inner) {
			t.Errorf("wraps the objective's report: %v, want %v", !tc.wraps, tc.wraps)
		}
		if tr.Status != train.Failure || tr.Iters != tc.iter-1 || x[0] != x[1] || math.IsNaN(x[0]) {
			t.Errorf("status %v, %d iterations, x = %v: want Failure with the last finite iterate", tr.Status, tr.Iters, x)
		}
		if want := "m: R = 1, iterate"; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("message %q, want prefix %q", err, want)
		}
	}
}

// TestStatusJSON checks that statuses are stored by name and read back,
// and that unknown names are refused.
func TestStatusJSON(t *testing.T) {
	for s := train.NotTerminated; s <= train.LineSearchFailure; s++ {
		b, err := json.Marshal(s)
		if err != nil || string(b) != `"`+s.String()+`"` {
			t.Fatalf("%v marshals to %s (%v)", s, b, err)
		}
		var r train.Status
		if err := json.Unmarshal(b, &r); err != nil || r != s {
			t.Fatalf("%s reads back as %v (%v)", b, r, err)
		}
	}
	var r train.Status
	if err := json.Unmarshal([]byte(`"Sideways"`), &r); err == nil {
		t.Error("unknown status accepted")
	}
	if train.Status(99).String() != "Status(99)" {
		t.Error(train.Status(99).String())
	}
}

// TestCheckFinite covers the shared finiteness check.
func TestCheckFinite(t *testing.T) {
	if err := train.CheckFinite("op", 1, []float64{0, 2}); err != nil {
		t.Fatal(err)
	}
	err := train.CheckFinite("op", 1, []float64{0, math.Inf(-1)})
	var nf *train.NonFiniteError
	if !errors.As(err, &nf) || nf.Index != 1 || err.Error() != "op: gradient entry 1 is -Inf" {
		t.Fatalf("%v", err)
	}
	if err := train.CheckFinite("op", math.NaN(), nil); err == nil || err.Error() != "op: objective is NaN" {
		t.Fatalf("%v", err)
	}
}

// TestDefault checks the zero-means-default helper on numbers and strings.
func TestDefault(t *testing.T) {
	a, b, s := 0, 5, ""
	train.Default(&a, 3)
	train.Default(&b, 3)
	train.Default(&s, "x")
	if a != 3 || b != 5 || s != "x" {
		t.Errorf("Default: %d %d %q", a, b, s)
	}
}
