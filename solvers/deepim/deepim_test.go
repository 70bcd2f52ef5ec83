package deepim

import (
	"context"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/multiplex"
)

// stars is a 2-layer multiplex on 30 nodes with every p = 1 (spreads are
// exact): layer 1 is the star 0→{3..12}, layer 2 the stars 1→{13..22} and
// 2→{23..29}. With k = 3 the optimum is the three hubs, σ = 30.
func stars(t testing.TB) *multiplex.Model {
	t.Helper()
	var s1, d1, s2, d2 []int
	for v := 3; v <= 12; v++ {
		s1, d1 = append(s1, 0), append(d1, v)
	}
	for v := 13; v <= 22; v++ {
		s2, d2 = append(s2, 1), append(d2, v)
	}
	for v := 23; v <= 29; v++ {
		s2, d2 = append(s2, 2), append(d2, v)
	}
	build := func(src, dst []int) *graphs.Graph {
		g, _, err := graphs.FromEdges(30, src, dst, nil, graphs.BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	mx, err := graphs.NewMultiplex([]string{"1", "2"}, []*graphs.Graph{build(s1, d1), build(s2, d2)})
	if err != nil {
		t.Fatal(err)
	}
	ones := func(k int) []float64 {
		x := make([]float64, k)
		for i := range x {
			x[i] = 1
		}
		return x
	}
	m, err := multiplex.New(mx, []multiplex.Layer{{Values: ones(len(s1))}, {Values: ones(len(s2))}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSmoke(t *testing.T) {
	m := stars(t)
	cfg := Config{Budget: 3, Samples: 128, Runs: 1, Epochs: 200, Seed: 1, Hidden: 32, Latent: 8, Features: 8, Layers: 2, Epsilon: -1}
	model, st, err := Train(context.Background(), m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("epochs %d early %v acc %v", st.Epochs, st.EarlyStopped, st.Accuracy)
	t.Logf("vae %v -> %v ; est %v -> %v; time %v", st.VAELoss[0], st.VAELoss[len(st.VAELoss)-1], st.EstimatorLoss[0], st.EstimatorLoss[len(st.EstimatorLoss)-1], st.TrainTime)
	for _, s := range [][]int{{0}, {1}, {2}, {5}, {0, 1, 2}, {3, 4, 5}} {
		f, _ := model.Estimate(s)
		t.Logf("f(%v) = %.2f", s, f)
	}
	seeds, err := model.Select(3)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := model.Estimate(seeds); t.Logf("seeds %v f %.2f", seeds, f)
}
