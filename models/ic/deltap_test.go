package ic

import (
	"math"
	"testing"
)

func TestDeltaP(t *testing.T) {
	for _, tc := range []struct {
		p, q []float64
		want float64
	}{
		{[]float64{1, 0.5, 0.2}, []float64{1, 0.5, 0.2}, 0},
		{[]float64{1, 0.6, 0.1}, []float64{1, 0.5, 0.2}, 0.2 / 1.7},
		{[]float64{0, 0}, []float64{0, 0}, 0},
	} {
		if got := DeltaP(tc.p, tc.q); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("DeltaP(%v, %v) = %v, want %v", tc.p, tc.q, got, tc.want)
		}
	}
}
