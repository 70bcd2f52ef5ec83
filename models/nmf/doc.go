// Package nmf is neural mean-field dynamics (S. He, X. Ye, H. Zha,
// "Network Diffusions via Neural Mean-Field Dynamics", NeurIPS 2020,
// arXiv 2006.09449) as a differentiable program on gorgonia.
package nmf
