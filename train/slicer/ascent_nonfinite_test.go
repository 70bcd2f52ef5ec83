package slicer

import (
	"math"
	"testing"
)

// TestAscentStepNonFinite: a NaN or infinite step cannot be halved into
// (0, 1); it used to loop forever (issue #10: ic learn -lr 1e305). It must
// be reported, with θ left unchanged.
func TestAscentStepNonFinite(t *testing.T) {
	tests := []struct {
		name    string
		g       []float64
		eps     float64
		wantIdx int
	}{
		{"overflowing rate", []float64{0, 1e10}, 1e305, 1},
		{"infinite rate", []float64{1, 1}, math.Inf(1), 0},
		{"NaN gradient", []float64{0.1, math.NaN()}, 0.1, 1},
		{"-Inf gradient", []float64{math.Inf(-1), 0}, 0.1, 0},
	}
	for _, tt := range tests {
		theta := []float64{0.5, 0.5}
		i, _ := stepAscent(theta, tt.g, tt.eps)
		if i != tt.wantIdx {
			t.Errorf("%s: index %d, want %d", tt.name, i, tt.wantIdx)
		}
		if theta[0] != 0.5 || theta[1] != 0.5 {
			t.Errorf("%s: θ changed to %v", tt.name, theta)
		}
	}
}
