// Package touplegdd is ToupleGDD (Chen, Yan, Guo and Wu, "ToupleGDD: A
// Fine-Designed Solution of Influence Maximization by Deep Reinforcement
// Learning", IEEE TCSS 2024, arXiv:2210.07500) as a learned baseline of
// multiplex influence maximisation, run the way MIM-Reasoner (Do et al.,
// AISTATS 2024, Table 1) compares it: on the union of the layers with the
// coupling.
package touplegdd
