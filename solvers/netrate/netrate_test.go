package netrate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/cic"
	"github.com/spread-dev/spread/train/gradcheck"
)

// simulate draws M single-source cascades (source m mod n) on g with rates
// alpha and horizon T.
func simulate(t *testing.T, g *graphs.Graph, d cic.Delay, alpha []float64, T float64, M int, seed uint64) *datasets.TimedCascades {
	t.Helper()
	sim, err := cic.NewSimulator(g, d, cic.Params{A: alpha}, T)
	if err != nil {
		t.Fatal(err)
	}
	src := make([][]int, M)
	for k := range src {
		src[k] = []int{k % g.N}
	}
	cs, err := sim.Simulate(src, seed, 0)
	if err != nil {
		t.Fatal(err)
	}
	return datasets.FromCIC(cs)
}

func mustGraph(t *testing.T, n int, src, dst []int) *graphs.Graph {
	t.Helper()
	g, _, err := graphs.FromEdges(n, src, dst, nil, graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// small is a 6-node network with a cycle, a fan-in and a fan-out.
func small(t *testing.T) (*graphs.Graph, []float64) {
	g := mustGraph(t, 6, []int{0, 0, 1, 2, 2, 3, 4, 5, 1}, []int{1, 2, 3, 3, 4, 5, 5, 0, 4})
	alpha := make([]float64, g.NumEdges())
	r := rand.New(rand.NewPCG(3, 4))
	for e := range alpha {
		alpha[e] = 0.3 + 0.7*r.Float64()
	}
	return g, alpha
}

// TestNodeGradient holds every node's analytic gradient against central
// differences at a random positive point, for both families.
func TestNodeGradient(t *testing.T) {
	g, alpha := small(t)
	for _, d := range []cic.Delay{cic.Exponential(), cic.Rayleigh()} {
		c := simulate(t, g, d, alpha, 3, 60, 1)
		r := rand.New(rand.NewPCG(5, 6))
		for i := range g.N {
			p, err := NewNodeProblem(c, g.N, i, d)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Cand) == 0 {
				continue
			}
			x := make([]float64, len(p.Cand))
			for k := range x {
				x[k] = 0.2 + r.Float64()
			}
			rep, err := gradcheck.Check(p.Func, p.Grad, x, &gradcheck.Settings{RelTol: 1e-6, AbsTol: 1e-7})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Pass {
				t.Errorf("%v node %d: %v", d, i, rep)
			}
		}
	}
}

// TestRecovery infers the rates of the 6-node network from 6000 cascades:
// every true rate within 0.1 absolute (about 4 standard errors) and every
// absent edge below 0.05, for both families.
func TestRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	g, alpha := small(t)
	for _, d := range []cic.Delay{cic.Exponential(), cic.Rayleigh()} {
		c := simulate(t, g, d, alpha, 4, 6000, 2)
		res, err := Infer(c, g.N, &Settings{Delay: d})
		if err != nil {
			t.Fatal(err)
		}
		got := map[[2]int]float64{}
		for e := range res.Graph.NumEdges() {
			got[[2]int{res.Graph.Src[e], res.Graph.Dst[e]}] = res.Params.A[e]
		}
		for e, a := range alpha {
			k := [2]int{g.Src[e], g.Dst[e]}
			if math.Abs(got[k]-a) > 0.1 {
				t.Errorf("%v: α%v = %.3f, want %.3f ± 0.1", d, k, got[k], a)
			}
			delete(got, k)
		}
		for k, a := range got {
			if a > 0.05 {
				t.Errorf("%v: absent edge %v has α = %.3f, want < 0.05", d, k, a)
			}
		}
		t.Logf("%v: %d iterations, %d nodes, loglik %.2f", d, res.Stats.Iterations, res.Stats.Nodes, res.Stats.LogLik)
	}
}

// TestTreeSupport: on a directed binary tree with 15 nodes the support at
// threshold 0.05 equals the true edges, and the result is the same for 1
// and 3 workers.
func TestTreeSupport(t *testing.T) {
	var src, dst []int
	for v := 1; v < 15; v++ {
		src, dst = append(src, (v-1)/2), append(dst, v)
	}
	g := mustGraph(t, 15, src, dst)
	alpha := make([]float64, g.NumEdges())
	for e := range alpha {
		alpha[e] = 0.5 + 0.05*float64(e%7)
	}
	c := simulate(t, g, cic.Exponential(), alpha, 5, 3000, 3)
	var ref *Result
	for _, w := range []int{1, 3} {
		res, err := Infer(c, g.N, &Settings{Threshold: 0.05, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		m, err := Compare(res.Graph, nil, g, alpha, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		if m.TP != g.NumEdges() || m.Est != g.NumEdges() {
			t.Errorf("workers %d: support %d edges, %d true positives, want %d of %d", w, m.Est, m.TP, g.NumEdges(), g.NumEdges())
		}
		if ref == nil {
			ref = res
			continue
		}
		for e, a := range res.Params.A {
			if a != ref.Params.A[e] {
				t.Fatalf("workers change edge %d: %v vs %v", e, a, ref.Params.A[e])
			}
		}
	}
}

// TestCompare checks the metrics on hand-made cases.
func TestCompare(t *testing.T) {
	truth := mustGraph(t, 4, []int{0, 1, 2}, []int{1, 2, 3})
	trueA := []float64{1, 0.5, 0.2}
	est := mustGraph(t, 4, []int{0, 1, 3}, []int{1, 2, 0})
	estA := []float64{0.8, 0.005, 0.3} // 1→2 below the threshold
	m, err := Compare(est, estA, truth, trueA, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	cor := (0.8*1 + 0.005*0.5) / (math.Sqrt(0.64+0.005*0.005+0.09) * math.Sqrt(1+0.25+0.04))
	want := Metrics{TP: 1, Est: 2, True: 3, Precision: 0.5, Recall: 1.0 / 3, F1: 0.4,
		PaperPrc: 1.0 / 3, PaperRcl: 0.5, PaperAcc: 0.4, Cor: cor}
	if !close(m, want) {
		t.Errorf("got %+v\nwant %+v", m, want)
	}
	// Perfect recovery and an empty estimate.
	if m, _ := Compare(truth, trueA, truth, trueA, 0.01); !close(m, Metrics{TP: 3, Est: 3, True: 3, Precision: 1, Recall: 1, F1: 1, PaperPrc: 1, PaperRcl: 1, PaperAcc: 1, Cor: 1}) {
		t.Errorf("perfect: %+v", m)
	}
	empty := mustGraph(t, 4, nil, nil)
	if m, _ := Compare(empty, []float64{}, truth, trueA, 0.01); !close(m, Metrics{True: 3}) {
		t.Errorf("empty: %+v", m)
	}
	// The paper's Table 1 identity Acc = 2·Prc·Rcl/(Prc + Rcl).
	if p, r := m.PaperPrc, m.PaperRcl; p+r > 0 && math.Abs(m.PaperAcc-2*p*r/(p+r)) > 1e-12 {
		t.Error("Acc is not F1")
	}
	if _, err := Compare(empty, nil, mustGraph(t, 5, nil, nil), nil, 0); err == nil {
		t.Error("node count mismatch accepted")
	}
}

func close(a, b Metrics) bool {
	f := func(x, y float64) bool { return math.Abs(x-y) <= 1e-12 }
	return a.TP == b.TP && a.Est == b.Est && a.True == b.True && f(a.Precision, b.Precision) && f(a.Recall, b.Recall) &&
		f(a.F1, b.F1) && f(a.PaperPrc, b.PaperPrc) && f(a.PaperRcl, b.PaperRcl) && f(a.PaperAcc, b.PaperAcc) && f(a.Cor, b.Cor)
}

// TestInferErrors: Weibull and a too-small n are refused.
func TestInferErrors(t *testing.T) {
	g, alpha := small(t)
	c := simulate(t, g, cic.Exponential(), alpha, 3, 10, 1)
	if _, err := Infer(c, g.N, &Settings{Delay: cic.Weibull()}); err == nil {
		t.Error("weibull accepted")
	}
	if _, err := Infer(c, 3, nil); err == nil {
		t.Error("n < c.N accepted")
	}
}
