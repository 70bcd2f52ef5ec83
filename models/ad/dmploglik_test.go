package ad_test

import (
	"math"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/ad"
)

// TestDMPLogLikFloor checks DMPLogLik by hand where finite differences
// cannot: µ exactly at the floor (the derivative goes to µ, as MaxBetween
// does) and below it (no derivative). Q = [0.75, 0.5 | 0.5, 0.125] (blocks
// of 2, floor 0.25, all exact in binary): µ = (0.25, 0.375 | 0.5, 0.125),
// counts m = (2, 1 | 3, 4), so L = 2·log 0.25 + log 0.375 + 3·log 0.5 +
// 4·log 0.25, w = (8, 8/3 | 6, 0) and ∂Q = (8, 8/3, 6 − 8, 0 − 8/3).
func TestDMPLogLikFloor(t *testing.T) {
	g := G.NewGraph()
	q := G.NewVector(g, tensor.Float64, G.WithName("Q"), G.WithShape(4),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{0.75, 0.5, 0.5, 0.125}))))
	ll, err := ad.DMPLogLik(q, []float64{2, 1, 3, 4}, 2, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(ll))
	if _, err := G.Grad(cost, q); err != nil {
		t.Fatal(err)
	}
	var lv G.Value
	G.Read(cost, &lv)
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	wantL := 2*math.Log(0.25) + math.Log(0.375) + 3*math.Log(0.5) + 4*math.Log(0.25)
	if got := lv.Data().(float64); math.Abs(got-wantL) > 1e-14 {
		t.Errorf("L = %v, want %v", got, wantL)
	}
	gq, _ := q.Grad()
	want := []float64{8, 8.0 / 3, 6 - 8, -8.0 / 3}
	for k, v := range gq.Data().([]float64) {
		if math.Abs(v-want[k]) > 1e-14 {
			t.Errorf("∂Q[%d] = %v, want %v", k, v, want[k])
		}
	}
	// Errors name the op.
	for _, c := range []struct {
		name   string
		counts []float64
		b      int
		floor  float64
	}{
		{"short counts", []float64{1, 2}, 2, 0.25},
		{"block does not divide", []float64{1, 2, 3, 4}, 3, 0.25},
		{"zero floor", []float64{1, 2, 3, 4}, 2, 0},
		{"NaN floor", []float64{1, 2, 3, 4}, 2, math.NaN()},
	} {
		if _, err := ad.DMPLogLik(q, c.counts, c.b, c.floor); err == nil || !strings.HasPrefix(err.Error(), "ad: DMPLogLik") {
			t.Errorf("%s: err = %v, want an ad: DMPLogLik error", c.name, err)
		}
	}
}
