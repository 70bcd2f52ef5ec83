package nmf

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/spread-dev/spread/internal/benchutil"
	"github.com/spread-dev/spread/internal/openblas"
	"github.com/spread-dev/spread/models/ode"
)

// BenchmarkStep is one training step's forward and backward (autodiff) at
// the paper's scale: batch 300, RK4 with 40 steps, T = 20, ε = 2n → n → n,
// at n = 128 and n = 1024, with the fused field op (the default), the
// fused op in float32 (Config.Float32: "fused-f32") and the reference
// graph (Config.Unfused). docs/BENCHMARKS.md has the numbers.
// With -tags openblas the products run in OpenBLAS (internal/openblas).
// cpu-ms/op is the process's CPU time per step (all threads): on a shared
// machine it moves less than the wall time.
//
//	go test -run '^$' -bench 'Step/n=128/^fused' -benchtime 3x ./models/nmf
func BenchmarkStep(b *testing.B) {
	openblas.Use()
	for _, n := range []int{128, 1024} {
		for _, v := range []struct {
			name             string
			unfused, float32 bool
		}{{"fused", false, false}, {"fused-f32", false, true}, {"unfused", true, false}} {
			b.Run(fmt.Sprintf("n=%d/%s", n, v.name), func(b *testing.B) {
				benchStep(b, Config{N: n, Unfused: v.unfused, Float32: v.float32})
			})
		}
	}
}

// benchStep times one step of the model cfg (N and the Unfused and
// Float32 switches) at the paper's setting.
func benchStep(b *testing.B, cfg Config) {
	cfg, err := Config{N: cfg.N, T: 20, Steps: 40, Method: ode.RK4, RegA: 0.01, Unfused: cfg.Unfused, Float32: cfg.Float32}.Resolve()
	if err != nil {
		b.Fatal(err)
	}
	const B = 300
	rng := rand.New(rand.NewPCG(1, 2))
	cs := make([]Cascade, B)
	for k := range cs {
		perm := rng.Perm(cfg.N)
		cs[k].Sources = perm[:1+rng.IntN(10)]
		for _, v := range perm[len(cs[k].Sources) : len(cs[k].Sources)+40] {
			cs[k].Nodes, cs[k].Times = append(cs[k].Nodes, v), append(cs[k].Times, 20*rng.Float64()+1e-9)
		}
	}
	obj, err := NewObjective(cfg, B)
	if err != nil {
		b.Fatal(err)
	}
	defer obj.Close()
	if err := obj.SetBatch(cs); err != nil {
		b.Fatal(err)
	}
	x := cfg.Init(rng)
	grad := make([]float64, len(x))
	c0 := benchutil.CPUTime()
	b.ResetTimer()
	for range b.N {
		if _, err := obj.Eval(x, grad); err != nil {
			b.Fatal(err)
		}
	}
	benchutil.ReportCPUPerOp(b, c0, time.Millisecond)
}
