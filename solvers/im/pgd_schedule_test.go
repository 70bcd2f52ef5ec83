package im

import (
	"slices"
	"testing"
)

// TestPGDScheduleIndex checks that step t = 0, 1, … of ProjectedGradient
// uses γ_t = Schedule(t), starting at t = 0 (the documented contract), on
// the linear objective f(u) = c·u with N = 4, K = 1, c = (1, 0, 0, 0) and a
// uniform start u = (1/4, 1/4, 1/4, 1/4). The schedule γ_0 = 0, γ_t = 1
// (t ≥ 1) leaves u unchanged in step 0, so by hand:
//
//	step 0: y = u, u stays (¼, ¼, ¼, ¼), f = ¼
//	step 1: y = (5/4, ¼, ¼, ¼), projection onto {Σu = 1} gives
//	        u = (1, 0, 0, 0), f = 1
//
// so after Iterations = 1 the relaxed point is still uniform and f = ¼ is
// the only value recorded; a schedule called from t = 1 would move at once.
func TestPGDScheduleIndex(t *testing.T) {
	c := []float64{1, 0, 0, 0}
	var seen []int
	sched := func(t int) float64 {
		seen = append(seen, t)
		if t == 0 {
			return 0
		}
		return 1
	}
	for _, tc := range []struct {
		iters   int
		relaxed []float64
		ts      []int
	}{
		{1, []float64{0.25, 0.25, 0.25, 0.25}, []int{0}},
		{2, []float64{1, 0, 0, 0}, []int{0, 1}},
	} {
		seen = nil
		res, err := Maximize(&Problem{N: 4, K: 1}, nil, &ProjectedGradient{Objective: linear(c), Schedule: sched, Iterations: tc.iters})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(seen, tc.ts) {
			t.Errorf("iterations %d: Schedule called with %v, want %v", tc.iters, seen, tc.ts)
		}
		if !slices.Equal(res.Relaxed, tc.relaxed) {
			t.Errorf("iterations %d: relaxed u = %v, want %v", tc.iters, res.Relaxed, tc.relaxed)
		}
	}
}
