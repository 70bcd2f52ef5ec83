// Package mckp solves the multiple-choice knapsack problem (MCKP) exactly
// by dynamic programming over integer budgets, the allocation step of KSN
// (Kuhnle et al., IEEE TCSS 2018) and of MIM-Reasoner's Phase 1 (Do et
// al., AISTATS 2024, §4.1 and Definition 7).
//
// # The problem
//
// Given classes C_1, …, C_k of items x_ij with integer costs c_ij ≥ 0 and
// profits p_ij, and a budget B, choose exactly one item per class,
//
//	maximise Σ_i p_{i,j(i)}   subject to   Σ_i c_{i,j(i)} ≤ B.
//
// In MIM each class is a layer and item j is the greedy prefix S_ij of
// size j = 0..l (cost j, profit its spread), so the zero-budget item
// (j = 0, profit σ(∅) = 0) is what lets a layer receive no seeds; callers
// include it explicitly.
//
// # The dynamic programme
//
// F_i(b) is the best profit of classes 1..i with total cost ≤ b:
//
//	F_0(b) = 0,   F_i(b) = max_{j: c_ij ≤ b} F_{i−1}(b − c_ij) + p_ij,
//
// −∞ when no choice fits. The optimum is F_k(B); the choices are recovered
// backwards from the argmax table. Time O(B·Σ_i |C_i|), memory O(k·B). The
// paper cites the (1−ε) scheme of Chandra, Hirschberg and Wong (1976); at
// MIM's sizes (k ≤ 10 layers, l = 30) the exact programme is instant, so
// Lemma 2 and Theorems 1–3 hold with ε = 0.
//
// Ties: among optimal choices the one found first wins, scanning a class's
// items in order with a strict improvement test, so the result is
// deterministic; with nested prefixes listed by increasing cost this
// prefers the cheaper item at equal profit.
package mckp

import (
	"errors"
	"fmt"
	"math"
)

// Item is one choice of a class.
type Item struct {
	Cost   int
	Profit float64
}

// ErrInfeasible is returned when no choice of one item per class fits the
// budget.
var ErrInfeasible = errors.New("mckp: no choice of one item per class fits the budget")

// Solution is an optimal choice.
type Solution struct {
	// Choice[i] is the index of the item chosen in class i.
	Choice []int
	// Profit and Cost are the totals of the chosen items.
	Profit float64
	Cost   int
}

// Solve returns an optimal choice of one item per class with total cost at
// most budget. It returns an error for a negative budget or cost, a
// non-finite profit, an empty class, or ErrInfeasible.
func Solve(classes [][]Item, budget int) (*Solution, error) {
	if budget < 0 {
		return nil, fmt.Errorf("mckp: negative budget %d", budget)
	}
	for i, c := range classes {
		if len(c) == 0 {
			return nil, fmt.Errorf("mckp: class %d is empty", i)
		}
		for j, it := range c {
			if it.Cost < 0 {
				return nil, fmt.Errorf("mckp: class %d item %d has negative cost %d", i, j, it.Cost)
			}
			if math.IsNaN(it.Profit) || math.IsInf(it.Profit, 0) {
				return nil, fmt.Errorf("mckp: class %d item %d has profit %v", i, j, it.Profit)
			}
		}
	}
	B := budget + 1
	k := len(classes)
	f := make([]float64, B) // F_{i−1}
	g := make([]float64, B) // F_i
	arg := make([]int32, k*B)
	for i, c := range classes {
		for b := 0; b < B; b++ {
			best, bj := math.Inf(-1), int32(-1)
			for j, it := range c {
				if it.Cost > b {
					continue
				}
				if v := f[b-it.Cost] + it.Profit; v > best {
					best, bj = v, int32(j)
				}
			}
			g[b], arg[i*B+b] = best, bj
		}
		f, g = g, f
	}
	if math.IsInf(f[budget], -1) {
		return nil, ErrInfeasible
	}
	s := &Solution{Choice: make([]int, k), Profit: f[budget]}
	b := budget
	for i := k - 1; i >= 0; i-- {
		j := int(arg[i*B+b])
		s.Choice[i] = j
		b -= classes[i][j].Cost
		s.Cost += classes[i][j].Cost
	}
	return s, nil
}
