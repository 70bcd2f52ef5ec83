package mckp_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/solvers/mckp"
)

// brute enumerates every choice.
func brute(classes [][]mckp.Item, budget int) (float64, bool) {
	best, ok := math.Inf(-1), false
	var rec func(i, cost int, p float64)
	rec = func(i, cost int, p float64) {
		if cost > budget {
			return
		}
		if i == len(classes) {
			if p > best {
				best = p
			}
			ok = true
			return
		}
		for _, it := range classes[i] {
			rec(i+1, cost+it.Cost, p+it.Profit)
		}
	}
	rec(0, 0, 0)
	return best, ok
}

// TestSolveBrute: 500 random instances (1–4 classes of 1–5 items, costs
// 0–6, integer and fractional profits, budgets 0–12) against enumeration;
// profit equal within 1e-9, the choice feasible and worth the profit.
func TestSolveBrute(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		k := 1 + r.IntN(4)
		classes := make([][]mckp.Item, k)
		for i := range classes {
			for j := 0; j < 1+r.IntN(5); j++ {
				classes[i] = append(classes[i], mckp.Item{Cost: r.IntN(7), Profit: math.Round(r.Float64()*100) / 4})
			}
		}
		budget := r.IntN(13)
		want, ok := brute(classes, budget)
		s, err := mckp.Solve(classes, budget)
		if !ok {
			if !errors.Is(err, mckp.ErrInfeasible) {
				t.Fatalf("trial %d: want ErrInfeasible, got %v", trial, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if math.Abs(s.Profit-want) > 1e-9 {
			t.Fatalf("trial %d: profit %v, brute force %v", trial, s.Profit, want)
		}
		cost, p := 0, 0.0
		for i, j := range s.Choice {
			cost += classes[i][j].Cost
			p += classes[i][j].Profit
		}
		if cost > budget || cost != s.Cost || math.Abs(p-s.Profit) > 1e-9 {
			t.Fatalf("trial %d: choice %v costs %d (reported %d) worth %v (reported %v), budget %d", trial, s.Choice, cost, s.Cost, p, s.Profit, budget)
		}
	}
}

// TestZeroBudgetItem: with prefix items j = 0..3 (cost j) in two layers and
// budget 3, a layer whose first seed is worth less than the other's fourth
// gets nothing (item 0).
func TestZeroBudgetItem(t *testing.T) {
	a := []mckp.Item{{0, 0}, {1, 10}, {2, 19}, {3, 27}}
	b := []mckp.Item{{0, 0}, {1, 5}, {2, 9}, {3, 12}}
	s, err := mckp.Solve([][]mckp.Item{a, b}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if s.Choice[0] != 3 || s.Choice[1] != 0 || s.Profit != 27 {
		t.Errorf("got %+v, want choice [3 0] profit 27", s)
	}
	if _, err := mckp.Solve([][]mckp.Item{{{Cost: 2}}}, 1); !errors.Is(err, mckp.ErrInfeasible) {
		t.Errorf("infeasible: %v", err)
	}
	for _, bad := range [][][]mckp.Item{{{}}, {{{Cost: -1}}}, {{{Profit: math.NaN()}}}} {
		if _, err := mckp.Solve(bad, 1); err == nil {
			t.Errorf("Solve(%v) accepted", bad)
		}
	}
}
