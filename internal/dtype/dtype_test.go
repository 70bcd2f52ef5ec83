package dtype

import (
	"testing"

	"gorgonia.org/tensor"
)

// TestConvert checks Convert's count and rounding (to the nearest float32,
// as the compiled programs' θ is) and that float64 → float64 is a copy.
func TestConvert(t *testing.T) {
	src := []float64{0.1, 1.0 / 3, 2}
	d32 := make([]float32, 2)
	if n := Convert(d32, src); n != 2 || d32[0] != float32(0.1) || d32[1] != float32(1.0/3) {
		t.Errorf("Convert to float32: %d %v", n, d32)
	}
	d64 := make([]float64, 4)
	if n := Convert(d64, src); n != 3 || d64[1] != 1.0/3 || d64[3] != 0 {
		t.Errorf("Convert to float64: %d %v", n, d64)
	}
	acc := []float64{1, 1}
	Add(acc, []float32{0.5, 0.25, 9})
	if acc[0] != 1.5 || acc[1] != 1.25 {
		t.Errorf("Add = %v", acc)
	}
}

// TestResolve checks the zero Dtype meaning float64, the two supported
// dtypes, an unsupported one refused, and Of and Scalar agreeing.
func TestResolve(t *testing.T) {
	if dt, err := Resolve(tensor.Dtype{}); dt != tensor.Float64 || err != nil {
		t.Errorf("zero: %v %v", dt, err)
	}
	if dt, err := Resolve(tensor.Float32); dt != tensor.Float32 || err != nil {
		t.Errorf("float32: %v %v", dt, err)
	}
	if _, err := Resolve(tensor.Int); err == nil {
		t.Error("int accepted")
	}
	if Of[float32]() != tensor.Float32 || Of[float64]() != tensor.Float64 {
		t.Error("Of")
	}
	if _, ok := Scalar(tensor.Float32, 1).(float32); !ok {
		t.Error("Scalar(float32)")
	}
	if _, ok := Scalar(tensor.Float64, 1).(float64); !ok {
		t.Error("Scalar(float64)")
	}
}
