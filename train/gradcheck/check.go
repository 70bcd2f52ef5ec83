package gradcheck

import (
	"errors"
	"fmt"
)

// Gradient stores in dst the central-difference gradient of f at x with the
// step s.Step and returns dst; it allocates dst when it is nil. Each of the
// 2·len(x) evaluations of f gets a fresh copy of x (f may modify it); x is
// not modified. It panics if dst is not nil and len(dst) != len(x), or if s
// is invalid (a negative or non-finite field).
func Gradient(dst []float64, f func(x []float64) float64, x []float64, s *Settings) []float64 {
	set, err := resolve(s)
	if err != nil {
		panic(err.Error())
	}
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if len(dst) != len(x) {
		panic("gradcheck: Gradient: len(dst) != len(x)")
	}
	buf := make([]float64, len(x))
	for i := range x {
		dst[i] = central(f, x, buf, i, set.Step)
	}
	return dst
}

// central returns the central difference of f along coordinate i at x,
// using buf as scratch (refilled from x before each evaluation).
func central(f func([]float64) float64, x, buf []float64, i int, h float64) float64 {
	copy(buf, x)
	buf[i] = x[i] + h
	hp := buf[i] - x[i]
	fp := f(buf)
	copy(buf, x)
	buf[i] = x[i] - h
	hm := x[i] - buf[i]
	fm := f(buf)
	return (fp - fm) / (hp + hm)
}

// Check compares grad, the gradient under test, with the central-difference
// gradient of f at x. grad(dst, x) must store ∂f/∂x into dst (len(dst) =
// len(x)) and return it; it receives a copy of x. Each evaluation of f gets a
// fresh copy of x; x itself is not modified. The Report has one entry per
// component of x (Entry.Input = 0).
//
// Check returns an error if f or grad is nil, x is empty, s is invalid, or
// grad returns a slice of the wrong length.
func Check(f func(x []float64) float64, grad func(dst, x []float64) []float64, x []float64, s *Settings) (*Report, error) {
	set, err := resolve(s)
	if err != nil {
		return nil, err
	}
	if f == nil || grad == nil {
		return nil, errors.New("gradcheck: Check: nil f or grad")
	}
	if len(x) == 0 {
		return nil, errors.New("gradcheck: Check: empty x")
	}
	buf := make([]float64, len(x))
	copy(buf, x)
	ad := grad(make([]float64, len(x)), buf)
	if len(ad) != len(x) {
		return nil, fmt.Errorf("gradcheck: Check: grad returned %d values for %d parameters", len(ad), len(x))
	}
	ad = append([]float64(nil), ad...) // buf is reused below; ad must not alias it
	c := newCollector(set, nil)
	for i := range x {
		c.add(0, i, ad[i], central(f, x, buf, i, set.Step), 0, true, false)
	}
	return c.report(), nil
}

// CompareReference compares an autodiff gradient a with a reference
// gradient b (for example a hand-written adjoint) entry by entry with the
// tolerances of s (Step is unused). It returns an error if the lengths
// differ, they are empty, or s is invalid.
func CompareReference(a, b []float64, s *Settings) (*Report, error) {
	set, err := resolve(s)
	if err != nil {
		return nil, err
	}
	if len(a) != len(b) {
		return nil, fmt.Errorf("gradcheck: CompareReference: len(a) = %d, len(b) = %d", len(a), len(b))
	}
	if len(a) == 0 {
		return nil, errors.New("gradcheck: CompareReference: empty gradients")
	}
	c := newCollector(set, nil)
	for i := range a {
		c.add(0, i, a[i], 0, b[i], false, true)
	}
	return c.report(), nil
}
