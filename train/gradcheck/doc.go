// Package gradcheck checks gradients: autodiff against central finite
// differences, and autodiff against a reference gradient such as a
// hand-written adjoint. gorgonia ships no such checker.
//
// # Numerical gradient
//
// For a scalar function f and a step h (Settings.Step) the i-th component of
// the numerical gradient is the central difference
//
//	n_i = (f(x + h·e_i) − f(x − h·e_i)) / ((x_i + h) − (x_i − h)),
//
// where the denominator is the step actually taken in floating point. Each
// probe starts from a fresh copy of x, so no x+h−h drift accumulates and f
// may modify its argument. The error of n_i is O(h²·|f⁽³⁾|) truncation plus
// O(ε·|f|/h) rounding (ε ≈ 1.1e-16): with the default h = 1e-6 that is about
// 1e-10·|f|, so keep the cost O(1) or loosen AbsTol.
//
// # Pass criterion
//
// An autodiff value a and a numerical or reference value b agree when
//
//	|a − b| ≤ AbsTol + RelTol·max(|a|, |b|).
//
// Each entry gets the score |a − b| / (AbsTol + RelTol·max(|a|, |b|)) (the
// largest over its comparisons; +Inf when a value is NaN or infinite) and
// passes when its score is at most 1. A Report passes when every entry does;
// it lists the Settings.Worst entries with the largest scores, the largest
// absolute error |a − b| and the largest relative error |a − b|/max(|a|, |b|).
//
// # Entry points
//
//   - Check: a function f and its gradient function, both over []float64,
//     in the shape of gonum's diff/fd.
//   - Gradient: the central-difference gradient alone.
//   - CompareReference: two gradient vectors (autodiff vs a reference adjoint).
//   - CheckGraph: a gorgonia graph. The graph is built once, differentiated
//     with G.Grad and compiled once; the analytic gradients are read (through
//     G.Read, which copies) after the first run and before any probe; each
//     probe then rebinds the inputs with G.Let and reruns the same
//     TapeMachine with Reset and RunAll. Values of intermediate nodes are never
//     read, since in-place ops may have overwritten them after a run.
package gradcheck
