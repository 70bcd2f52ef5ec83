package mim_test

import (
	"slices"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/im"
	"github.com/spread-dev/spread/solvers/mim"
)

// overlapStars: layer 1 is the star 0→{1..5}; layer 2 the star 6→{1..5}
// (the same leaves) and the star 7→{8,9,10}; every p = 1, so every σ is
// exact. σ_1({0}) = σ_2({6}) = 6, σ_2({6,7}) = 10, σ({0,6}) = 7,
// σ({0,7}) = 10: ISF (budget 2) finds {0, 7}: 10 nodes (the
// centre 0, its 5 leaves, 7 and its 3 leaves). KSN's knapsack
// prefers one seed per layer, 6 + 6 = 12 > 10 = σ_2({6,7}), and gets
// {0, 6}: 7 nodes, because it cannot see that the two layers' stars
// overlap (the paper's §C.1.3).
func overlapStars(t *testing.T) *multiplex.Model {
	t.Helper()
	build := func(src, dst []int) *graphs.Graph {
		g, _, err := graphs.FromEdges(11, src, dst, nil, graphs.BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	g1 := build([]int{0, 0, 0, 0, 0}, []int{1, 2, 3, 4, 5})
	g2 := build([]int{6, 6, 6, 6, 6, 7, 7, 7}, []int{1, 2, 3, 4, 5, 8, 9, 10})
	mx, err := graphs.NewMultiplex([]string{"1", "2"}, []*graphs.Graph{g1, g2})
	if err != nil {
		t.Fatal(err)
	}
	one := func(k int) []float64 {
		x := make([]float64, k)
		for i := range x {
			x[i] = 1
		}
		return x
	}
	m, err := multiplex.New(mx, []multiplex.Layer{{Values: one(5)}, {Values: one(8)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestISFvsKSN(t *testing.T) {
	m := overlapStars(t)
	p := &mim.Problem{Model: m, K: 2}
	s := &mim.Settings{Runs: 4, Seed: 1}
	isf, err := mim.Maximize(p, s, mim.ISF{})
	if err != nil {
		t.Fatal(err)
	}
	if isf.Spread != 10 || !slices.Equal(isf.Seeds, []int{0, 7}) {
		t.Errorf("ISF: %v spread %v, want [0 7] spread 10", isf.Seeds, isf.Spread)
	}
	ksn, err := mim.Maximize(p, s, mim.KSN{})
	if err != nil {
		t.Fatal(err)
	}
	if ksn.Spread != 7 || len(ksn.Plan.Table) != 2 {
		t.Fatalf("KSN: %v spread %v, want spread 7", ksn.Seeds, ksn.Spread)
	}
	for _, a := range ksn.Plan.Table {
		if a.Budget != 1 || a.Profit != 6 {
			t.Errorf("KSN allocation %+v, want budget 1 profit 6", a)
		}
	}
	if got := ksn.Plan.Profits[1]; !slices.Equal(got, []float64{0, 6, 10}) {
		t.Errorf("layer 2 profits %v, want [0 6 10]", got)
	}
	// Reasoner's Phase 1 with multiplex profits: σ({6,7}) = 10 too, so the
	// same allocation; a Phase 2 that swaps in layer 2's second seed wins.
	r, err := mim.Maximize(p, s, mim.Reasoner{Phase2: swap{}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Spread != 10 {
		t.Errorf("Reasoner with phase 2: %v spread %v, want 10", r.Seeds, r.Spread)
	}
	if _, err := mim.Maximize(p, s, mim.Reasoner{Phase2: tooMany{}}); err == nil {
		t.Error("a phase 2 returning 3 seeds for budget 2 was accepted")
	}
	if _, err := mim.Maximize(&mim.Problem{Model: m, K: 12}, s, mim.ISF{}); err == nil {
		t.Error("K = 12 > 11 nodes accepted")
	}
}

// swap replaces the first layer's seed by layer 2's second greedy seed.
type swap struct{}

func (swap) Refine(p *mim.Problem, s *mim.Settings, plan *mim.Plan) ([]int, error) {
	return []int{plan.Greedy[1][0], plan.Greedy[1][1]}, nil
}

type tooMany struct{}

func (tooMany) Refine(p *mim.Problem, s *mim.Settings, plan *mim.Plan) ([]int, error) {
	return []int{1, 2, 3}, nil
}

// TestISFIsGreedy: on a random 3-layer IC/LT multiplex ISF (CELF) returns
// plain greedy's seeds with the same oracle, and the DMP oracle plugs in.
func TestISFIsGreedy(t *testing.T) {
	sizes := []int{40, 60, 80}
	mx, err := graphs.ERMultiplex(sizes, 0.5, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	m, err := multiplex.New(mx, []multiplex.Layer{{Kind: multiplex.IC}, {Kind: multiplex.LT}, {Kind: multiplex.IC}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &mim.Settings{Runs: 50, Seed: 2}
	isf, err := mim.Maximize(&mim.Problem{Model: m, K: 4}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := im.Maximize(&im.Problem{Oracle: multiplex.MustMC(m, 50, 2, 0), N: m.NumNodes(), K: 4}, nil, im.Greedy{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(isf.Seeds, g.Seeds) || isf.Spread != g.Spread {
		t.Errorf("ISF %v (%v), greedy %v (%v)", isf.Seeds, isf.Spread, g.Seeds, g.Spread)
	}
	ic, _ := multiplex.New(mx, []multiplex.Layer{{}, {}, {}}, nil)
	d, err := multiplex.NewDMP(ic, 20)
	if err != nil {
		t.Fatal(err)
	}
	r, err := mim.Maximize(&mim.Problem{Model: ic, K: 3}, &mim.Settings{Oracle: d}, mim.KSN{})
	if err != nil || len(r.Seeds) == 0 || len(r.Seeds) > 3 || r.StdErr != 0 {
		t.Errorf("KSN with the DMP oracle: %+v, %v", r, err)
	}
}
