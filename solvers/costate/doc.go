// Package costate computes the gradient of the NMF loss (models/nmf) by
// hand, in plain Go, two ways (S. He, X. Ye, H. Zha, "Network Diffusions
// via Neural Mean-Field Dynamics", NeurIPS 2020, Theorem 3 and
// Algorithm 1):
//
//   - Discrete: the discrete adjoint of the fixed-step scheme, exactly the
//     reverse mode of nmf.Net.Unroll and its loss (clamp, source pin,
//     interpolated intensities, stage recomputation from the stored grid
//     states). It equals autodiff to rounding (tests: ≤ 1e-9 relative,
//     observed ~1e-16).
//   - Continuous: the paper's co-state, p' = −(∂g/∂m)ᵀp, q' = −(∂g/∂θ)ᵀp,
//     integrated backward from p(T) = ∂Φ/∂m(T), q(T) = 0 with jumps
//     p ← p − ∇_m log g_i, q ← q − ∇_θ log g_i at the exact infection
//     times; ∇_θℓ = q(0). m is not integrated backward (the clamp makes the
//     flow non-invertible): between grid points it is the cubic Hermite
//     interpolant of the stored states and fields. Components held by the
//     clamp or pinned (sources) have zero dynamics. It converges to the
//     autodiff gradient as the steps grow: observed order 1.0 with Euler
//     and 1.84 with RK4 (the linear interpolation of λ in the discrete
//     loss is second order).
//
// Both use the full ε network: its Jacobian products are written by hand
// (Model.VJP), not obtained by autodiff.
package costate
