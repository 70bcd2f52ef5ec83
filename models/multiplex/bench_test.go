package multiplex_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/shared"
	"github.com/spread-dev/spread/models/multiplex"
)

// alternating returns k layers alternating IC, LT, IC, ...
func alternating(k int) []multiplex.Layer {
	l := make([]multiplex.Layer, k)
	for i := range l {
		if i%2 == 1 {
			l[i].Kind = multiplex.LT
		}
	}
	return l
}

// benchMC measures Monte-Carlo runs per second from 30 seeds 0, 7, 14, ...
func benchMC(b *testing.B, mx *graphs.Multiplex) {
	md, err := multiplex.New(mx, alternating(len(mx.Layers)), nil)
	if err != nil {
		b.Fatal(err)
	}
	var seeds []int
	for i := 0; i < 30; i++ {
		seeds = append(seeds, i*7%mx.N())
	}
	o := multiplex.MustMC(md, 1000, 1, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o.Spread(seeds)
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "runs/s")
}

// BenchmarkMCArabidopsis: the largest multiplex in the shared data
// (Arabidopsis GPI, 7 layers, 6,980 nodes, 18,117 layer edges without
// self-loops), layers alternating IC/LT.
func BenchmarkMCArabidopsis(b *testing.B) {
	dir := shared.Path(b, "multiplex", "Arabidopsis_Multiplex_Genetic", "Dataset")
	mx, _, err := graphs.ReadDeDomenico(dir, graphs.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	benchMC(b, mx)
}

// BenchmarkMCSynthetic3: Table 2's 3-layer multiplex at 30 % overlap.
func BenchmarkMCSynthetic3(b *testing.B) {
	sizes, _ := graphs.Table2Sizes(3)
	mx, err := graphs.ERMultiplex(sizes, 0.3, 10, 1)
	if err != nil {
		b.Fatal(err)
	}
	benchMC(b, mx)
}

// TestDMPReport prints DMP's error and speed-up against Monte Carlo on the
// all-IC synthetic multiplexes (3 and 9 layers, 30 % overlap, seed 1) for
// single seeds and a 30-seed set. It runs only with SPREAD_MIM_REPORT=1.
func TestDMPReport(t *testing.T) {
	if os.Getenv("SPREAD_MIM_REPORT") == "" {
		t.Skip("set SPREAD_MIM_REPORT=1 to print the DMP vs Monte-Carlo report")
	}
	for _, k := range []int{3, 9} {
		sizes, _ := graphs.Table2Sizes(k)
		mx, _ := graphs.ERMultiplex(sizes, 0.3, 10, 1)
		md, err := multiplex.New(mx, make([]multiplex.Layer, k), nil)
		if err != nil {
			t.Fatal(err)
		}
		mc := multiplex.MustMC(md, 10000, 1, 0)
		for _, T := range []int{10, 30} {
			d, err := multiplex.NewDMP(md, T)
			if err != nil {
				t.Fatal(err)
			}
			for _, seeds := range [][]int{{0}, {100}, first(30, 97, md.NumNodes())} {
				t0 := time.Now()
				a, se := mc.Spread(seeds)
				tm := time.Since(t0)
				t1 := time.Now()
				x, _ := d.Spread(seeds)
				td := time.Since(t1)
				fmt.Printf("layers %d T %d |S| %d: MC %.1f ± %.1f (%v), DMP %.1f (%v): error %+.1f%%, speed-up %.0f×\n",
					k, T, len(seeds), a, se, tm.Round(time.Millisecond), x, td.Round(time.Microsecond), 100*(x-a)/a, tm.Seconds()/td.Seconds())
			}
		}
	}
}

func first(k, step, n int) []int {
	var s []int
	for i := 0; i < k; i++ {
		s = append(s, i*step%n)
	}
	return s
}
