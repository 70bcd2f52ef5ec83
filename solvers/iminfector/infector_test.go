package iminfector

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/gradcheck"
)

// tinyCascades is a hand-written set on 5 nodes: node 0 starts two
// cascades of lengths 3 and 2, node 1 one of length 1, nodes 2 and 3 one
// two-source cascade of length 1, node 4 one empty cascade.
func tinyCascades() *datasets.TimedCascades {
	c := &datasets.TimedCascades{N: 5, T: 10}
	add := func(nodes []int32, times []float64) {
		c.IDs = append(c.IDs, string(rune('a'+len(c.IDs))))
		c.Node = append(c.Node, nodes...)
		c.Time = append(c.Time, times...)
		c.Off = append(c.Off, len(c.Node))
	}
	c.Off = []int{0}
	add([]int32{0, 1, 2, 3}, []float64{0, 0.5, 1, 4})
	add([]int32{0, 4, 2}, []float64{0, 2, 3})
	add([]int32{1, 3}, []float64{0, 1})
	add([]int32{2, 3, 0}, []float64{0, 0, 1.5})
	add([]int32{4}, []float64{0})
	return c
}

// plainLoss is the INFECTOR loss of newObjective in plain Go, the
// reference for its forward value.
func plainLoss(o *objective, nI, n, dim int, x []float64) float64 {
	S, T, b := x[:nI*dim], x[nI*dim:(nI+n)*dim], x[(nI+n)*dim]
	L := 0.0
	z := make([]float64, n)
	for r := range nI {
		mx := math.Inf(-1)
		for v := range n {
			z[v] = 0
			for i := range dim {
				z[v] += S[r*dim+i] * T[v*dim+i]
			}
			mx = max(mx, z[v])
		}
		lse := 0.0
		for v := range n {
			lse += math.Exp(z[v] - mx)
		}
		lse = mx + math.Log(lse)
		for v := range n {
			L -= o.cnt[r*n+v] * (z[v] - lse)
		}
		sum := b
		for i := range dim {
			sum += S[r*dim+i]
		}
		y := 1 / (1 + math.Exp(-sum))
		L += o.m[r]*y*y - 2*o.s[r]*y + o.q[r]
	}
	return L
}

func TestExtract(t *testing.T) {
	c := tinyCascades()
	d, init, err := extract(c, 100, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	// Initiators are the nodes at the earliest time of some cascade.
	if want := []int{0, 1, 2, 3, 4}; !slices.Equal(init, want) {
		t.Errorf("initiators %v, want %v", init, want)
	}
	// Lengths 3, 2, 1, 1, 0 → min-max normalised.
	if want := []float64{1, 2.0 / 3, 1.0 / 3, 1.0 / 3, 0}; !slices.Equal(d.c, want) {
		t.Errorf("normalised lengths %v, want %v", d.c, want)
	}
	// Sampling 100%: as many targets as infected nodes, drawn from them.
	for k, want := range []int{3, 2, 1, 1, 0} {
		samp := d.sampNode[d.sampOff[k]:d.sampOff[k+1]]
		if len(samp) != want {
			t.Errorf("cascade %d: %d samples, want %d", k, len(samp), want)
		}
		nodes, times := c.Cascade(k)
		for _, v := range samp {
			j := slices.Index(nodes, v)
			if j < 0 || times[j] == slices.Min(times) {
				t.Errorf("cascade %d: sampled %d, not an infected non-initiator", k, v)
			}
		}
	}
	// The two-source cascade pairs both sources with its target.
	if got := d.initRow[d.initOff[3]:d.initOff[4]]; !slices.Equal(got, []int32{2, 3}) {
		t.Errorf("cascade 3 initiators %v, want [2 3]", got)
	}
	if d.pairs != 3+2+1+2 {
		t.Errorf("pairs %d, want 8", d.pairs)
	}
}

// TestFill checks the batch normalisation: cascades 0 and 1 (both from
// node 0, row 0, lengths 3 and 2 → c = 1, 2/3) give m_0 = 1, s_0 = (1 +
// 2/3)/2, q_0 = (1 + 4/9)/2 and pair weights summing to 1; cascade 3 (two
// initiators, one target) gives each initiator m = ½ and weight ½ on it.
func TestFill(t *testing.T) {
	c := tinyCascades()
	d, init, err := extract(c, 100, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	o, err := newObjective(len(init), c.N, 2, make([]float64, (len(init)+c.N)*2+1))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-15 }
	rows := d.fill(o, []int{0, 1}, nil)
	sum := 0.0
	for _, v := range o.cnt {
		sum += v
	}
	if !near(sum, 1) || !near(o.m[0], 1) || !near(o.s[0], (1+2.0/3)/2) || !near(o.q[0], (1+4.0/9)/2) {
		t.Errorf("cascades 0, 1: Σcnt %v, m %v, s %v, q %v", sum, o.m[0], o.s[0], o.q[0])
	}
	d.clearRows(o, rows)
	d.fill(o, []int{3}, nil)
	// Cascade 3: initiators 2, 3 (rows 2, 3), target node 0, c = 1/3.
	if !near(o.cnt[2*c.N+0], 0.5) || !near(o.cnt[3*c.N+0], 0.5) || !near(o.m[2], 0.5) || !near(o.s[3], 1.0/6) {
		t.Errorf("cascade 3: cnt %v %v, m %v, s %v", o.cnt[2*c.N], o.cnt[3*c.N], o.m[2], o.s[3])
	}
}

// TestExtractWeights checks the inverse-time sampling: in a cascade with
// infections at t = 0 (node 1) and t = 3 (node 2) after the source at 0...
// weights 1/(0+1) : 1/(3+1) = 4 : 1.
func TestExtractWeights(t *testing.T) {
	c := &datasets.TimedCascades{N: 3, T: 10, IDs: []string{"a"}, Off: []int{0, 3},
		Node: []int32{0, 1, 2}, Time: []float64{0, 1e-12, 3}}
	d, _, err := extract(c, 1e6/2, rand.New(rand.NewPCG(7, 2)))
	if err != nil {
		t.Fatal(err)
	}
	n1 := 0
	for _, v := range d.sampNode {
		if v == 1 {
			n1++
		}
	}
	frac := float64(n1) / float64(len(d.sampNode))
	// 10 000 draws, p = 0.8: standard error 0.004; allow 5 se.
	if math.Abs(frac-0.8) > 0.02 {
		t.Errorf("fraction of node 1 = %.4f over %d draws, want 0.8 ± 0.02", frac, len(d.sampNode))
	}
}

func TestObjectiveForwardAndGradient(t *testing.T) {
	c := tinyCascades()
	d, init, err := extract(c, 150, rand.New(rand.NewPCG(3, 2)))
	if err != nil {
		t.Fatal(err)
	}
	nI, n, dim := len(init), c.N, 3
	x := initParams(nI, n, dim, rand.New(rand.NewPCG(3, 1)))
	x[len(x)-1] = 0.3 // a nonzero b_c
	o, err := newObjective(nI, n, dim, x)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	for _, tc := range []struct {
		name string
		ks   []int
	}{
		{"all cascades", []int{0, 1, 2, 3, 4}},
		{"one cascade", []int{1}},
		{"two-source cascade and the empty one", []int{3, 4}},
	} {
		rows := d.fill(o, tc.ks, nil)
		f, err := o.Eval(x, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Forward: the compiled loss equals the plain-Go formula.
		if ref := plainLoss(o, nI, n, dim, x); math.Abs(f-ref) > 1e-12*max(1, math.Abs(ref)) {
			t.Errorf("%s: L = %.15g, plain Go %.15g", tc.name, f, ref)
		}
		// Autodiff vs central differences: h = 1e-6, relative 1e-6,
		// absolute 1e-8 (the loss is O(1), smooth, in float64).
		rep, err := gradcheck.CheckObjective(o, x, nil, &gradcheck.Settings{Step: 1e-6, RelTol: 1e-6, AbsTol: 1e-8})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Pass {
			t.Errorf("%s: gradient check failed:\n%s", tc.name, rep)
		}
		d.clearRows(o, rows)
		if slices.ContainsFunc(o.cnt, func(v float64) bool { return v != 0 }) {
			t.Fatalf("%s: clearRows left data behind", tc.name)
		}
	}
}

// TestGradcheckNegativeControl: the check must reject a wrong gradient
// (the true one with Task B's factor 2 on s dropped, i.e. a perturbed b_c
// entry).
func TestGradcheckNegativeControl(t *testing.T) {
	c := tinyCascades()
	d, init, err := extract(c, 100, rand.New(rand.NewPCG(3, 2)))
	if err != nil {
		t.Fatal(err)
	}
	nI, n, dim := len(init), c.N, 2
	x := initParams(nI, n, dim, rand.New(rand.NewPCG(3, 1)))
	o, err := newObjective(nI, n, dim, x)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	d.fill(o, []int{0, 1, 2, 3}, nil)
	f := func(x []float64) float64 { v, _ := o.Eval(x, nil); return v }
	wrong := func(dst, x []float64) []float64 {
		g := make([]float64, len(x))
		o.Eval(x, g)
		g[len(g)-1] *= 1.01
		return g
	}
	rep, err := gradcheck.Check(f, wrong, x, &gradcheck.Settings{Step: 1e-6, RelTol: 1e-6, AbsTol: 1e-8})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pass {
		t.Error("a gradient 1% off in ∂L/∂b_c passed the check")
	}
}

func TestTrainDecreasesLoss(t *testing.T) {
	c := tinyCascades()
	m, err := Train(c, &Settings{Dim: 4, Epochs: 30, LR: 0.05, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Loss) != 31 {
		t.Fatalf("%d losses, want 31", len(m.Loss))
	}
	if !(m.Loss[30] < 0.8*m.Loss[0]) {
		t.Errorf("loss %.4f → %.4f, want a decrease of at least 20%%", m.Loss[0], m.Loss[30])
	}
	t.Logf("loss %.4f → %.4f, %d steps", m.Loss[0], m.Loss[30], m.Stats.Iterations)
}

// TestDeterministic: the same seed gives the same model whatever
// GOMAXPROCS; another seed a different one.
func TestDeterministic(t *testing.T) {
	c := tinyCascades()
	set := &Settings{Dim: 4, Epochs: 5, Seed: 9, Batch: 2}
	prev := runtime.GOMAXPROCS(1)
	a, err := Train(c, set)
	runtime.GOMAXPROCS(max(2, prev))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(c, set)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.S, b.S) || !slices.Equal(a.T, b.T) || a.B != b.B || !slices.Equal(a.Loss, b.Loss) {
		t.Error("same seed, different models")
	}
	set.Seed = 10
	c2, err := Train(c, set)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(a.S, c2.S) {
		t.Error("different seeds, same model")
	}
}

func TestTrainBadInput(t *testing.T) {
	empty := &datasets.TimedCascades{N: 3, T: 1, IDs: []string{"a"}, Off: []int{0, 0}}
	if _, err := Train(empty, nil); !errors.Is(err, ErrNoCascades) {
		t.Errorf("no infections: %v, want ErrNoCascades", err)
	}
	if _, err := Train(&datasets.TimedCascades{N: 3, Off: []int{0}}, nil); !errors.Is(err, ErrNoCascades) {
		t.Errorf("no cascades: %v, want ErrNoCascades", err)
	}
	if _, err := Train(nil, nil); err == nil {
		t.Error("nil cascades: no error")
	}
	for name, c := range map[string]*datasets.TimedCascades{
		"no nodes":          {N: 0, IDs: []string{"a"}, Off: []int{0, 1}, Node: []int32{0}, Time: []float64{0}},
		"short offsets":     {N: 3, IDs: []string{"a", "b"}, Off: []int{0, 1}, Node: []int32{0}, Time: []float64{0}},
		"times missing":     {N: 3, IDs: []string{"a"}, Off: []int{0, 2}, Node: []int32{0, 1}, Time: []float64{0}},
		"offsets decrease":  {N: 3, IDs: []string{"a", "b"}, Off: []int{0, 2, 1}, Node: []int32{0}, Time: []float64{0}},
		"node out of range": {N: 3, IDs: []string{"a"}, Off: []int{0, 2}, Node: []int32{0, 5}, Time: []float64{0, 1}},
		"negative node":     {N: 3, IDs: []string{"a"}, Off: []int{0, 2}, Node: []int32{0, -1}, Time: []float64{0, 1}},
		"non-finite time":   {N: 3, IDs: []string{"a"}, Off: []int{0, 2}, Node: []int32{0, 1}, Time: []float64{0, math.NaN()}},
	} {
		if _, err := Train(c, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for _, s := range []Settings{{Dim: -1}, {Dim: MaxDim + 1}, {Epochs: -1}, {LR: -0.1}, {LR: math.Inf(1)},
		{Sampling: -5}, {Batch: -1}, {Optimizer: "rmsprop"}} {
		if _, err := Train(tinyCascades(), &s); err == nil {
			t.Errorf("settings %+v: no error", s)
		}
	}
}

// TestRecorder: one report per epoch and the starting point, with the
// loss of Model.Loss and its two terms adding up to it.
func TestRecorder(t *testing.T) {
	var got []float64
	rec := train.RecorderFunc(func(p train.Progress) error {
		if p.Method != "infector" || p.Iter != len(got) || len(p.Metrics) != 2 || math.Abs(p.Metrics[0].Value+p.Metrics[1].Value-p.Objective) > 1e-12 {
			t.Errorf("progress %+v", p)
		}
		got = append(got, p.Objective)
		return nil
	})
	m, err := Train(tinyCascades(), &Settings{Dim: 3, Epochs: 4, Seed: 2, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, m.Loss) || len(got) != 5 {
		t.Errorf("reported %v, Model.Loss %v", got, m.Loss)
	}
	stop := errors.New("stop")
	if _, err := Train(tinyCascades(), &Settings{Dim: 3, Epochs: 4, Recorder: train.RecorderFunc(func(train.Progress) error { return stop })}); !errors.Is(err, stop) {
		t.Errorf("recorder error: %v", err)
	}
}
