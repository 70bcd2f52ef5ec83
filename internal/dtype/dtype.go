// Package dtype is the small shared vocabulary of spread's float32 and
// float64 programs: the type constraint the generic kernels use, the
// gorgonia dtype of each, and the conversion between the float64 slices
// of the public interfaces (θ, gradients, data) and a program's own
// buffers, which may be float32.
package dtype

import (
	"fmt"

	"gorgonia.org/tensor"
)

// Float is the element type of a compiled program's buffers. It lists the
// two types exactly (no ~): the kernels pass T values to gorgonia and
// gonum, which switch on the concrete type.
type Float interface{ float32 | float64 }

// Of returns the gorgonia dtype of T.
func Of[T Float]() tensor.Dtype {
	var z T
	if _, ok := any(z).(float32); ok {
		return tensor.Float32
	}
	return tensor.Float64
}

// Resolve returns dt, with the zero Dtype meaning Float64, or an error
// unless it is Float32 or Float64 (the two dtypes the programs support).
func Resolve(dt tensor.Dtype) (tensor.Dtype, error) {
	switch dt {
	case tensor.Dtype{}:
		return tensor.Float64, nil
	case tensor.Float32, tensor.Float64:
		return dt, nil
	}
	return dt, fmt.Errorf("dtype %v is not supported (float32 or float64)", dt)
}

// Convert copies min(len(dst), len(src)) values of src into dst, rounding
// to nearest when narrowing, and returns the count (as copy does). Between
// slices of one type it is a plain copy, so float64 values pass unchanged.
func Convert[D, S Float](dst []D, src []S) int {
	n := min(len(dst), len(src))
	for i, v := range src[:n] {
		dst[i] = D(v)
	}
	return n
}

// Add adds src into dst element-wise (the first min(len(dst), len(src))
// entries), widening or narrowing each value first.
func Add[D, S Float](dst []D, src []S) {
	n := min(len(dst), len(src))
	for i, v := range src[:n] {
		dst[i] += D(v)
	}
}

// Scalar returns v as a value of dt (float32 or float64; anything else
// gets a float64) for gorgonia constants and Memset.
func Scalar(dt tensor.Dtype, v float64) any {
	if dt == tensor.Float32 {
		return float32(v)
	}
	return v
}
