package nn_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/nn"
	"github.com/spread-dev/spread/train/optim"
)

// newPolicy registers a CleanRL-style 4 → 8 → 8 → 3 policy MLP in a fresh
// graph, initialised from seed.
func newPolicy(seed uint64) (*G.ExprGraph, *nn.Params, *nn.MLP, error) {
	g := G.NewGraph()
	p := nn.NewParams(g)
	m, err := nn.NewMLP(p, nn.MLPConfig{
		Name: "actor", Sizes: []int{4, 8, 8, 3}, Hidden: nn.Tanh(),
		HiddenInit: nn.Orthogonal{Gain: math.Sqrt2}, OutputInit: nn.Orthogonal{Gain: 0.01},
	}, rand.New(rand.NewPCG(seed, 0)))
	return g, p, m, err
}

func TestParamsLayout(t *testing.T) {
	_, p, _, err := newPolicy(1)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"actor.0.W", "actor.0.b", "actor.1.W", "actor.1.b", "actor.2.W", "actor.2.b"}
	if got := p.Names(); !slices.Equal(got, wantNames) {
		t.Errorf("names %v, want %v", got, wantNames)
	}
	if want := 4*8 + 8 + 8*8 + 8 + 8*3 + 3; p.Size() != want || p.Len() != 6 {
		t.Errorf("Size %d, Len %d, want %d, 6", p.Size(), p.Len(), want)
	}
	for i, n := range p.Nodes() {
		if n.Name() != wantNames[i] || !n.Shape().Eq(p.Shape(i)) || n.Shape().TotalSize() != len(p.Value(i)) {
			t.Errorf("node %d: %s %v, registry %s %v (%d values)", i, n.Name(), n.Shape(), wantNames[i], p.Shape(i), len(p.Value(i)))
		}
		if j, ok := p.Lookup(wantNames[i]); !ok || j != i {
			t.Errorf("Lookup(%s) = %d, %v", wantNames[i], j, ok)
		}
	}
}

// TestFlattenRoundTrip checks Flatten's layout (registration order,
// row-major) and that Unflatten inverts it bit for bit, writing into the
// slices the nodes are bound to.
func TestFlattenRoundTrip(t *testing.T) {
	_, p, _, err := newPolicy(2)
	if err != nil {
		t.Fatal(err)
	}
	flat, err := p.Flatten(nil)
	if err != nil {
		t.Fatal(err)
	}
	off := 0
	for i := range p.Len() {
		if !slices.Equal(flat[off:off+len(p.Value(i))], p.Value(i)) {
			t.Errorf("Flatten: parameter %d not at offset %d", i, off)
		}
		off += len(p.Value(i))
	}
	theta := uniform(rand.New(rand.NewPCG(9, 9)), p.Size(), -1, 1)
	if err := p.Unflatten(theta); err != nil {
		t.Fatal(err)
	}
	back, err := p.Flatten(make([]float64, p.Size()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back, theta) {
		t.Error("Flatten(Unflatten(θ)) ≠ θ")
	}
	for i, n := range p.Nodes() {
		if !slices.Equal(n.Value().Data().([]float64), p.Value(i)) {
			t.Errorf("node %s is not bound to the registry's slice", n.Name())
		}
	}
}

// TestOptimParamsShareMemory checks the training loop contract: ReadGrads
// then an Adam step changes, in place, the values the next run of the same
// compiled machine reads. ReadGrads must match the closed form of the
// gradient of a linear layer (∂W = xᵀc, ∂b = Σ_rows c) to 1e-12.
func TestOptimParamsShareMemory(t *testing.T) {
	const batch, in, out = 3, 2, 2
	g := G.NewGraph()
	lc, err := buildLinear(g, batch, in, out, false, false, 4)
	if err != nil {
		t.Fatal(err)
	}
	p := lc.params
	if _, err := p.Grad(lc.cost); err != nil {
		t.Fatal(err)
	}
	if _, err := p.New("late", []int{2}, nil, nil); err == nil {
		t.Error("New after Grad: no error")
	}
	var yv G.Value
	G.Read(lc.y, &yv)
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := p.ReadGrads(); err == nil {
		t.Error("ReadGrads before a run: no error")
	}
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if err := p.ReadGrads(); err != nil {
		t.Fatal(err)
	}
	dw, dx := make([]float64, in*out), make([]float64, batch*in)
	linearGradRef(dw, dx, lc.xData, p.Value(0), lc.c, batch, in, out)
	db := make([]float64, out)
	for r := range batch {
		for j := range out {
			db[j] += lc.c[r*out+j]
		}
	}
	if d := math.Max(maxAbsDiff(p.GradValue(0), dw), maxAbsDiff(p.GradValue(1), db)); !(d <= valueTol) {
		t.Errorf("ReadGrads: ∂W = %v, ∂b = %v, want %v, %v", p.GradValue(0), p.GradValue(1), dw, db)
	}

	before, _ := p.Flatten(nil)
	adam := &optim.Adam{LR: 0.1}
	if err := adam.Step(p.OptimParams()); err != nil {
		t.Fatal(err)
	}
	after, _ := p.Flatten(nil)
	if slices.Equal(before, after) {
		t.Fatal("Adam step did not change the registry's values")
	}
	m.Reset()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	got, err := valueData(yv)
	if err != nil {
		t.Fatal(err)
	}
	want := refLinear(lc.xData, p.Value(0), p.Value(1), batch, in, out)
	if d := maxAbsDiff(got, want); !(d <= valueTol) {
		t.Errorf("after the step the graph computes %v, want %v from the updated values", got, want)
	}
}

// TestInitDeterministic checks that initialisation is a function of the
// seed only: the same seed gives the same bits, another seed other values.
func TestInitDeterministic(t *testing.T) {
	flat := func(seed uint64) []float64 {
		_, p, _, err := newPolicy(seed)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := p.Flatten(nil)
		return x
	}
	a, b, c := flat(42), flat(42), flat(43)
	if !slices.Equal(a, b) {
		t.Error("seed 42 gave different parameters twice")
	}
	if slices.Equal(a, c) {
		t.Error("seeds 42 and 43 gave the same parameters")
	}
}

// TestInitScale checks each initialisation's documented scale on a 64×32
// matrix (provenance: the formulas in doc.go).
func TestInitScale(t *testing.T) {
	const rows, cols = 64, 32
	rng := rand.New(rand.NewPCG(5, 5))
	w := make([]float64, rows*cols)

	// Glorot: inside ±gain·√(6/(fan_in+fan_out)), and the extremes come
	// within 2% of the bound (2048 uniform draws).
	if err := (nn.GlorotUniform{Gain: 2}).Fill(w, rows, cols, rng); err != nil {
		t.Fatal(err)
	}
	bound := 2 * math.Sqrt(6.0/(rows+cols))
	lo, hi := slices.Min(w), slices.Max(w)
	if lo < -bound || hi > bound || lo > -0.98*bound || hi < 0.98*bound {
		t.Errorf("GlorotUniform{2}: range [%g, %g], want within and near ±%g", lo, hi, bound)
	}

	// He: sample standard deviation within 5% of √2/√fan_in (2048 draws:
	// the relative standard error of a sample sd is about 1.6%).
	if err := (nn.HeNormal{}).Fill(w, rows, cols, rng); err != nil {
		t.Fatal(err)
	}
	var ss float64
	for _, v := range w {
		ss += v * v
	}
	if sd, want := math.Sqrt(ss/float64(len(w))), math.Sqrt2/math.Sqrt(rows); math.Abs(sd/want-1) > 0.05 {
		t.Errorf("HeNormal: sd %g, want %g ± 5%%", sd, want)
	}

	// Orthogonal: WᵀW = gain²·I (tall) or WWᵀ = gain²·I (wide), to 1e-12.
	for _, sh := range [][2]int{{rows, cols}, {cols, rows}, {16, 16}, {5, 1}, {1, 5}} {
		r, c := sh[0], sh[1]
		for _, gain := range []float64{1, math.Sqrt2, 0.01} {
			w := make([]float64, r*c)
			if err := (nn.Orthogonal{Gain: gain}).Fill(w, r, c, rng); err != nil {
				t.Fatal(err)
			}
			// Gram matrix of the columns (tall) or rows (wide).
			k, n := min(r, c), max(r, c)
			at := func(i, j int) float64 { // j-th entry of the i-th column (tall) or row (wide)
				if r >= c {
					return w[j*c+i]
				}
				return w[i*c+j]
			}
			worst := 0.0
			for i := range k {
				for j := range k {
					s := 0.0
					for q := range n {
						s += at(i, q) * at(j, q)
					}
					want := 0.0
					if i == j {
						want = gain * gain
					}
					worst = math.Max(worst, math.Abs(s-want))
				}
			}
			if worst > 1e-12 {
				t.Errorf("Orthogonal{%g} %d×%d: Gram matrix off gain²·I by %g", gain, r, c, worst)
			}
		}
	}

	// Zeros and Constant.
	if err := (nn.Constant(0.5)).Fill(w, rows, cols, nil); err != nil || slices.Min(w) != 0.5 || slices.Max(w) != 0.5 {
		t.Errorf("Constant(0.5): err %v, range [%g, %g]", err, slices.Min(w), slices.Max(w))
	}
	if err := (nn.Zeros{}).Fill(w, rows, cols, nil); err != nil || slices.Min(w) != 0 || slices.Max(w) != 0 {
		t.Errorf("Zeros: err %v", err)
	}
}

// TestParamsFloat32 checks a float32 registry (NewParamsOf): float32 nodes
// holding the initial values rounded, Flatten and Unflatten converting
// (values round to float32 and back), gradients read back into the
// float64 buffers, Value and OptimParams nil, and an unsupported dtype
// refused by New.
func TestParamsFloat32(t *testing.T) {
	g := G.NewGraph()
	p := nn.NewParamsOf(g, tensor.Float32)
	w, err := p.New("w", []int{2, 3}, nn.Constant(0.1), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.New("b", []int{3}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if w.Dtype() != tensor.Float32 || b.Dtype() != tensor.Float32 || p.Dtype() != tensor.Float32 {
		t.Fatalf("dtypes %v %v %v", w.Dtype(), b.Dtype(), p.Dtype())
	}
	if got := w.Value().Data().([]float32); got[5] != 0.1 {
		t.Errorf("w = %v", got)
	}
	flat, err := p.Flatten(nil)
	if err != nil || len(flat) != 9 || flat[0] != float64(float32(0.1)) || flat[8] != 0 {
		t.Errorf("Flatten = %v, %v", flat, err)
	}
	theta := []float64{1, 2, 3, 4, 5, 6, 0.7, 0.8, 1.0 / 3}
	if err := p.Unflatten(theta); err != nil {
		t.Fatal(err)
	}
	if got := b.Value().Data().([]float32); got[2] != float32(1.0/3) {
		t.Errorf("b after Unflatten = %v", got)
	}
	back, _ := p.Flatten(nil)
	if back[8] != float64(float32(1.0/3)) || back[0] != 1 {
		t.Errorf("Flatten(Unflatten(θ)) = %v", back)
	}
	// cost = Σ w² + Σ b: ∂w = 2w, ∂b = 1.
	cost := G.Must(G.Add(G.Must(G.Sum(G.Must(G.Square(w)))), G.Must(G.Sum(b))))
	if _, err := p.Grad(cost); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if err := p.ReadGrads(); err != nil {
		t.Fatal(err)
	}
	if gw, gb := p.GradValue(0), p.GradValue(1); gw[5] != 12 || gb[2] != 1 {
		t.Errorf("gradients %v %v, want 2w and 1", gw, gb)
	}
	if p.Value(0) != nil || p.OptimParams() != nil {
		t.Error("Value or OptimParams of a float32 registry is not nil")
	}
	if _, err := nn.NewParamsOf(G.NewGraph(), tensor.Int).New("x", []int{2}, nil, nil); err == nil {
		t.Error("an int registry accepted a parameter")
	}
}
