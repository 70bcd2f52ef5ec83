package ad

import (
	"fmt"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestNewSegmentsCSR(t *testing.T) {
	for _, test := range []struct {
		id       []int
		n        int
		ptr, ord string // ord "[]" for the identity
	}{
		// Sorted, no -1: identity order, empty segment 1.
		{[]int{0, 0, 2, 2, 2}, 3, "[0 2 2 5 5]", "[]"},
		// Unsorted with -1 entries, which go to the trailing group.
		{[]int{2, -1, 0, 2, -1, 0}, 3, "[0 2 2 4 6]", "[2 5 0 3 1 4]"},
		// A -1 at the front of an otherwise sorted id is not the identity.
		{[]int{-1, 0, 1}, 2, "[0 1 2 3]", "[1 2 0]"},
	} {
		s, err := NewSegments(test.id, test.n)
		if err != nil {
			t.Fatal(err)
		}
		ord := s.ord
		if ord == nil {
			ord = []int{}
		}
		if fmt.Sprint(s.ptr) != test.ptr || fmt.Sprint(ord) != test.ord {
			t.Errorf("id %v: ptr %v ord %v, want %s %s", test.id, s.ptr, ord, test.ptr, test.ord)
		}
	}
}

func vec64(x ...float64) *tensor.Dense {
	return tensor.New(tensor.WithShape(len(x)), tensor.WithBacking(x))
}

// TestUsePrealloc checks that an op keeps its output buffer across runs and,
// with keep off, that a suitable preallocated buffer holding garbage is used
// and fully overwritten, and an unsuitable one is ignored.
func TestUsePrealloc(t *testing.T) {
	ix, err := NewCavityIndex(3, []int{0, 1, 1, 2}, []int{1, 0, 2, 1}, []int{1, 0, 3, 2})
	if err != nil {
		t.Fatal(err)
	}
	seg, err := NewSegments([]int{0, 0, -1, 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct {
		op   G.UsePreallocDoer
		in   []G.Value
		want string
	}{
		{newGatherOp(rowIndex{idx: []int{2, -1, 0, 1}, n: 3, layout: vec}), []G.Value{vec64(1, 2, 3)}, "[3 0 1 2]"},
		{newScatterAddOp(rowIndex{idx: []int{2, -1, 2, 0}, n: 4, layout: vec}), []G.Value{vec64(1, 2, 3, 4)}, "[4 0 4 0]"},
		{newCavityOp(ix), []G.Value{vec64(0.5, 0.25, 0.125), vec64(1, 2, 3, 4)}, "[0.5 4.25 1.25 0.125]"},
		{newCavityAdjOp(ix), []G.Value{vec64(1, 2, 3), vec64(1, 1, 1, 1)}, "[1 0 2 1]"},
		{newSegSoftmaxOp(segCols{s: seg, layout: vec}), []G.Value{vec64(0, 0, 5, 7)}, "[0.5 0.5 0 1]"},
		{newSegSoftmaxDiffOp(segCols{s: seg, layout: vec}), []G.Value{vec64(0.5, 0.5, 0, 1), vec64(1, 3, 9, 2)}, "[-0.5 0.5 0 0]"},
	} {
		// An op keeps its output buffer: a second run returns the same
		// buffer, fully overwritten after garbage was written into it.
		kept, err := test.op.UsePreallocDo(nil, test.in...)
		if err != nil {
			t.Fatalf("%v: %v", test.op, err)
		}
		d := kept.(*tensor.Dense)
		for i := range d.Float64s() {
			d.Float64s()[i] = 9
		}
		again, err := test.op.UsePreallocDo(vec64(9, 9, 9, 9), test.in...)
		if err != nil {
			t.Fatalf("%v: %v", test.op, err)
		}
		if again != kept || fmt.Sprint(d.Data()) != test.want {
			t.Errorf("%v: second run got %v (same buffer: %v), want %s", test.op, again, again == kept, test.want)
		}
		// Without keep, a suitable prealloc is used.
		baseOf(test.op).keep = false
		m := 4
		garbage := vec64(9, 9, 9, 9)
		got, err := test.op.UsePreallocDo(garbage, test.in...)
		if err != nil {
			t.Fatalf("%v: %v", test.op, err)
		}
		if got != garbage || fmt.Sprint(garbage.Data()) != test.want {
			t.Errorf("%v: got %v (prealloc used: %v), want %s", test.op, got, got == garbage, test.want)
		}
		// Wrong length and wrong dtype: a fresh buffer is allocated.
		for _, bad := range []G.Value{vec64(make([]float64, m+1)...),
			tensor.New(tensor.WithShape(m), tensor.Of(tensor.Float32)), nil} {
			got, err := test.op.UsePreallocDo(bad, test.in...)
			if err != nil {
				t.Fatalf("%v: %v", test.op, err)
			}
			if got == bad || fmt.Sprint(got.Data()) != test.want {
				t.Errorf("%v with unsuitable prealloc: got %v", test.op, got)
			}
		}
	}
}

// baseOf returns the opBase of an op of the package.
func baseOf(op G.UsePreallocDoer) *opBase {
	switch o := op.(type) {
	case *diffOp:
		return &o.opBase
	case *opBase:
		return o
	}
	panic(fmt.Sprintf("not an op of the package: %T", op))
}

// TestDoErrors checks that bad values reaching Do are errors, not panics.
func TestDoErrors(t *testing.T) {
	op := newGatherOp(rowIndex{idx: []int{0, 1}, n: 2, layout: vec})
	ix, err := NewCavityIndex(2, []int{0, 1}, []int{1, 0}, []int{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct {
		name string
		op   G.Op
		in   []G.Value
	}{
		{"arity", op, []G.Value{vec64(1, 2), vec64(1, 2)}},
		{"length", op, []G.Value{vec64(1, 2, 3)}},
		{"int dtype", op, []G.Value{tensor.New(tensor.WithBacking([]int{1, 2}))}},
		{"scalar", op, []G.Value{G.NewF64(1)}},
		{"mixed dtypes", newCavityOp(ix), []G.Value{vec64(1, 2), tensor.New(tensor.WithBacking([]float32{1, 2}))}},
	} {
		if _, err := test.op.Do(test.in...); err == nil || !strings.HasPrefix(err.Error(), "ad: ") {
			t.Errorf("%s: err %v", test.name, err)
		}
	}
	if _, err := op.InferShape(tensor.Shape{3}); err == nil {
		t.Error("InferShape accepted a wrong length")
	}
}

// TestOpStrings checks that String is informative and that WriteHash
// separates ops over different parameters.
func TestOpStrings(t *testing.T) {
	a, b := []int{0, 1}, []int{0, 1}
	ops := []G.Op{
		newGatherOp(rowIndex{idx: a, n: 2, layout: vec}), newGatherOp(rowIndex{idx: b, n: 2, layout: vec}), newGatherOp(rowIndex{idx: a, n: 3, layout: vec}),
		newScatterAddOp(rowIndex{idx: a, n: 2, layout: vec}), newScatterAddOp(rowIndex{idx: a, n: 3, layout: vec}),
	}
	seen := map[uint32]int{}
	for i, op := range ops {
		if h, ok := seen[op.Hashcode()]; ok {
			t.Errorf("ops %d (%v) and %d (%v) hash alike", h, ops[h], i, op)
		}
		seen[op.Hashcode()] = i
	}
	if s := ops[0].String(); s != "Gather(2→2)" {
		t.Errorf("String %q", s)
	}
}
