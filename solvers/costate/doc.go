// Package costate computes the gradient of the NMF loss (models/nmf) by
// hand, in plain Go, two ways: the discrete adjoint of the fixed-step
// scheme (Discrete: exactly the reverse mode of nmf.Net.Unroll, equal to
// autodiff to rounding) and the paper's Algorithm 1, the continuous
// co-state ODE integrated backward with jumps at the infection times
// (Continuous: converges to the same gradient as the steps grow). See
// S. He, X. Ye, H. Zha, "Network Diffusions via Neural Mean-Field
// Dynamics", NeurIPS 2020 (arXiv 2006.09449), §2.4 and Algorithm 1.
package costate
