package experiments_test

import (
	"context"
	"fmt"
	"math"

	"github.com/spread-dev/spread/internal/experiments"
	"github.com/spread-dev/spread/train/slicer"
)

// The registry, in the paper's order.
func ExampleList() {
	for _, e := range experiments.List() {
		fmt.Println(e.Name)
	}
	// Output:
	// fig1a
	// fig1b
	// fig2
	// fig3
	// fig5
	// fig6
	// real
	// nmf-fig2
	// nmf-table1
	// nmf-fig6
	// mim-table1
}

// A small Fig. 1a: on the 3-regular tree with N = 20 nodes and horizon T = 4
// (the paper's "length 5"), SLICER and DMPrec, which follow the same ascent
// on the same objective with different gradients, give the same estimates;
// the error of every estimator falls with the number of cascades M.
func ExampleFig1a() {
	cfg := experiments.Fig1aConfig{N: 20, T: 4, Ms: []int{100, 10000}, AlphaSets: 2, Learn: slicer.DefaultConfig()}
	out, err := experiments.Fig1a(context.Background(), cfg, experiments.Options{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	mae := map[string][]float64{}
	for _, p := range out.Points {
		if p.Metric == "mae" {
			mae[p.Series] = append(mae[p.Series], p.Mean)
		}
		if p.Metric == "max_abs_diff" {
			fmt.Printf("M=%d: SLICER and DMPrec agree to 1e-9: %v\n", p.M, p.Mean < 1e-9)
		}
	}
	for _, s := range []string{"SLICER", "DMPrec", "MLE"} {
		e := mae[s]
		fmt.Printf("%s: error falls from M=100 to M=10000 by a factor > 3: %v\n", s, e[1] < e[0]/3 && !math.IsNaN(e[1]))
	}
	fmt.Println(out.Figures[0].File)
	// Output:
	// M=100: SLICER and DMPrec agree to 1e-9: true
	// M=10000: SLICER and DMPrec agree to 1e-9: true
	// SLICER: error falls from M=100 to M=10000 by a factor > 3: true
	// DMPrec: error falls from M=100 to M=10000 by a factor > 3: true
	// MLE: error falls from M=100 to M=10000 by a factor > 3: true
	// fig1a.png
}

// NMF paper Table 1 on a small case: NetRate infers the network of a
// 16-node hierarchical Kronecker graph from 1 000 cascades; its metrics
// are reported under the paper's names (Prc is the usual recall).
func ExampleNMFTable1() {
	cfg := experiments.DefaultNMFTable1(experiments.Quick)
	cfg.Cases = []experiments.NMFCase{{Network: "hier", Delay: "exp", N: 16}}
	cfg.Methods = []string{"netrate"}
	cfg.Data.SourceSets, cfg.Data.T = 100, 4
	out, err := experiments.NMFTable1(context.Background(), cfg, experiments.Options{Seed: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range out.Points {
		if p.Metric == "paper_prc" || p.Metric == "f1" {
			fmt.Printf("%s %s: %.2f\n", p.Series, p.Metric, p.Mean)
		}
	}
	// Output:
	// hier-exp-n16 netrate paper_prc: 1.00
	// hier-exp-n16 netrate f1: 0.98
}
