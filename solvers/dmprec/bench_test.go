package dmprec

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/spread-dev/spread/internal/benchutil"
	"github.com/spread-dev/spread/solvers/adjoint"
)

// BenchmarkFig1b times one gradient evaluation, DMPrec next to SLICER's
// adjoint, on the inputs of the paper's Fig. 1b: 3-regular trees of N nodes,
// 10^3 single-seed cascades of paper length 5 (T = 4 here), α* ~ U[0,1],
// evaluated at θ = 0.5 (the start of learning; the cost does not depend on
// θ). Classes are the distinct seeds (≤ N). Both run on one worker unless
// the name says otherwise. Besides wall time (ns/op) each reports the
// process CPU time per evaluation (cpu-ns/op), less sensitive to a loaded
// machine for one worker.
func BenchmarkFig1b(b *testing.B) {
	for _, N := range []int{20, 40, 80, 160} {
		g, _, obs := fig1Problem(b, N, 1000, 4, 7)
		theta := make([]float64, g.NumPairs())
		for k := range theta {
			theta[k] = 0.5
		}
		grad := make([]float64, len(theta))
		b.Run(fmt.Sprintf("N=%d/classes=%d/adjoint", N, len(obs.Classes)), func(b *testing.B) {
			ws := adjoint.NewWorkspace(g, &adjoint.Options{Workers: 1})
			benchGradient(b, func() error { _, _, err := ws.Gradient(grad, theta, obs); return err })
		})
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			if workers == runtime.GOMAXPROCS(0) && workers == 1 {
				continue
			}
			b.Run(fmt.Sprintf("N=%d/classes=%d/dmprec/workers=%d", N, len(obs.Classes), workers), func(b *testing.B) {
				ws := NewWorkspace(g, &Options{Workers: workers})
				benchGradient(b, func() error { _, _, err := ws.Gradient(grad, theta, obs); return err })
			})
		}
	}
}

// benchGradient runs one untimed warm-up evaluation of grad (failing b on
// its error), then times grad in the benchmark loop and reports the process
// CPU time per evaluation (cpu-ns/op).
func benchGradient(b *testing.B, grad func() error) {
	if err := grad(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	c0 := benchutil.CPUTime()
	for b.Loop() {
		grad()
	}
	benchutil.ReportCPUPerOp(b, c0, time.Nanosecond)
}
