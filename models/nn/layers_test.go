package nn_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/nn"
	"github.com/spread-dev/spread/train/gradcheck"
)

// valueTol is the tolerance of graph values against the plain-Go
// reference: both sum the same few products, so they agree to rounding.
const valueTol = 1e-12

// linearTests are the Linear shapes checked. Square cases (batch = Out,
// In = Out) make a transposed W or a bias added along the wrong axis
// type-check, so only the values can catch them; size-1 axes exercise
// gorgonia's vector special cases (a (1, n) or (n, 1) matrix is still a
// matrix for G.Mul; a 1-D node is not).
type linearTest struct {
	name             string
	batch, in, out   int
	noBias, vecInput bool
}

var linearTests = []linearTest{
	{name: "rectangular", batch: 5, in: 3, out: 2},
	{name: "square W, batch = out", batch: 4, in: 4, out: 4},
	{name: "batch = out ≠ in", batch: 3, in: 2, out: 3},
	{name: "batch 1", batch: 1, in: 3, out: 2},
	{name: "out 1", batch: 4, in: 3, out: 1},
	{name: "all 1", batch: 1, in: 1, out: 1},
	{name: "no bias", batch: 3, in: 3, out: 3, noBias: true},
	{name: "vector input", batch: 1, in: 3, out: 2, vecInput: true},
	{name: "vector input, out 1", batch: 1, in: 4, out: 1, vecInput: true},
}

// linearCase is a Linear layer in a graph with its input, output, cost and
// the plain-Go copies of the data.
type linearCase struct {
	cost, y, x *G.Node
	params     *nn.Params
	layer      *nn.Linear
	xData, c   []float64
}

// buildLinear builds a Linear layer with non-zero random weights and bias
// (seeded), an input x of batch rows (or a vector) and the cost Σ c ⊙ y.
func buildLinear(g *G.ExprGraph, batch, in, out int, noBias, vecInput bool, seed uint64) (*linearCase, error) {
	rng := rand.New(rand.NewPCG(seed, 1))
	p := nn.NewParams(g)
	l, err := nn.NewLinear(p, nn.LinearConfig{
		Name: "lin", In: in, Out: out, NoBias: noBias,
		Bias: nn.GlorotUniform{}, // non-zero, so a misplaced bias shows
	}, rng)
	if err != nil {
		return nil, err
	}
	lc := &linearCase{params: p, layer: l, xData: uniform(rng, batch*in, -1, 1), c: uniform(rng, batch*out, -1, 1)}
	if vecInput {
		lc.x = input(g, "x", lc.xData, in)
	} else {
		lc.x = input(g, "x", lc.xData, batch, in)
	}
	if lc.y, err = l.Forward(lc.x); err != nil {
		return nil, err
	}
	if lc.cost, err = weightedSum(g, lc.y, lc.c); err != nil {
		return nil, err
	}
	return lc, nil
}

func TestLinearValues(t *testing.T) {
	for _, tt := range linearTests {
		t.Run(tt.name, func(t *testing.T) {
			g := G.NewGraph()
			lc, err := buildLinear(g, tt.batch, tt.in, tt.out, tt.noBias, tt.vecInput, 7)
			if err != nil {
				t.Fatal(err)
			}
			wantShape := tensor.Shape{tt.batch, tt.out}
			if tt.vecInput {
				wantShape = tensor.Shape{tt.out}
			}
			if !lc.y.Shape().Eq(wantShape) {
				t.Errorf("output shape %v, want %v", lc.y.Shape(), wantShape)
			}
			got, err := run(g, lc.y)
			if err != nil {
				t.Fatal(err)
			}
			var b []float64
			if !tt.noBias {
				b = lc.params.Value(1)
			}
			want := refLinear(lc.xData, lc.params.Value(0), b, tt.batch, tt.in, tt.out)
			if d := maxAbsDiff(got, want); !(d <= valueTol) {
				t.Errorf("y = %v, want x·W + b = %v (max diff %g)", got, want, d)
			}
		})
	}
}

// TestLinearGradients checks ∂(Σ c⊙y)/∂{W, b, x} three ways: autodiff,
// central differences (gradcheck defaults: step 1e-6, pass when
// |a − n| ≤ 1e-8 + 1e-6·max(|a|, |n|)), and the closed forms ∂W = xᵀc,
// ∂b = Σ_rows c, ∂x = c·Wᵀ.
func TestLinearGradients(t *testing.T) {
	for _, tt := range linearTests {
		t.Run(tt.name, func(t *testing.T) { testLinearGradients(t, tt) })
	}
}

// testLinearGradients checks one row of linearTests; wrt is [W, b, x] (or
// [W, x] without bias), so the reference reads W from x[0] and x from the
// last entry.
func testLinearGradients(t *testing.T, tt linearTest) {
	var lc *linearCase
	prob := gradcheck.GraphProblem{
		Build: func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			var err error
			if lc, err = buildLinear(g, tt.batch, tt.in, tt.out, tt.noBias, tt.vecInput, 11); err != nil {
				return nil, nil, err
			}
			return lc.cost, append(lc.params.Nodes(), lc.x), nil
		},
		Reference: func(dst, x [][]float64) error {
			w, xin := x[0], x[len(x)-1]
			linearGradRef(dst[0], dst[len(dst)-1], xin, w, lc.c, tt.batch, tt.in, tt.out)
			if !tt.noBias {
				clear(dst[1])
				for r := range tt.batch {
					for j := range tt.out {
						dst[1][j] += lc.c[r*tt.out+j]
					}
				}
			}
			return nil
		},
	}
	r, err := gradcheck.CheckGraph(prob, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Pass {
		t.Errorf("gradient check failed:\n%v", r)
	}
	t.Logf("%d entries: max abs err %.2g, max rel err %.2g", r.N, r.MaxAbsErr, r.MaxRelErr)
}

// linearGradRef stores ∂W = xᵀc into dw and ∂x = c·Wᵀ into dx.
func linearGradRef(dw, dx, x, w, c []float64, batch, in, out int) {
	for k := range in {
		for j := range out {
			s := 0.0
			for r := range batch {
				s += x[r*in+k] * c[r*out+j]
			}
			dw[k*out+j] = s
		}
	}
	for r := range batch {
		for k := range in {
			s := 0.0
			for j := range out {
				s += c[r*out+j] * w[k*out+j]
			}
			dx[r*in+k] = s
		}
	}
}

// TestLinearNegativeControls shows the checks above can fail: each mutant
// is a plausible way to get x·W + b wrong that still type-checks on the
// square case, built from the same gorgonia ops; the value comparison with
// the plain-Go reference must reject every one of them. A wrong reference
// gradient (∂W transposed) must likewise fail the gradient check.
func TestLinearNegativeControls(t *testing.T) {
	const n = 3 // batch = in = out
	mutants := []struct {
		name    string
		forward func(x, w, b *G.Node) (*G.Node, error)
	}{
		{"x·Wᵀ + b", func(x, w, b *G.Node) (*G.Node, error) {
			y, err := G.Mul(x, G.Must(G.Transpose(w)))
			if err != nil {
				return nil, err
			}
			return G.BroadcastAdd(y, b, nil, []byte{0})
		}},
		{"bias broadcast along columns", func(x, w, b *G.Node) (*G.Node, error) {
			return G.BroadcastAdd(G.Must(G.Mul(x, w)), b, nil, []byte{1})
		}},
		{"bias dropped", func(x, w, b *G.Node) (*G.Node, error) {
			return G.Mul(x, w)
		}},
	}
	for _, mu := range mutants {
		g := G.NewGraph()
		lc, err := buildLinear(g, n, n, n, false, false, 5)
		if err != nil {
			t.Fatal(err)
		}
		y, err := mu.forward(lc.x, lc.layer.W, lc.layer.B)
		if err != nil {
			t.Fatalf("%s: %v", mu.name, err)
		}
		got, err := run(g, y)
		if err != nil {
			t.Fatalf("%s: %v", mu.name, err)
		}
		want := refLinear(lc.xData, lc.params.Value(0), lc.params.Value(1), n, n, n)
		if d := maxAbsDiff(got, want); d <= valueTol {
			t.Errorf("mutant %q passed the value check (max diff %g)", mu.name, d)
		}
	}

	var lc *linearCase
	prob := gradcheck.GraphProblem{
		Build: func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			var err error
			lc, err = buildLinear(g, n, n, n, false, false, 5)
			if err != nil {
				return nil, nil, err
			}
			return lc.cost, G.Nodes{lc.layer.W}, nil
		},
		Reference: func(dst, x [][]float64) error {
			dx := make([]float64, n*n)
			linearGradRef(dst[0], dx, lc.xData, x[0], lc.c, n, n, n)
			for i := range n { // transpose ∂W: the planted mistake
				for j := range i {
					dst[0][i*n+j], dst[0][j*n+i] = dst[0][j*n+i], dst[0][i*n+j]
				}
			}
			return nil
		},
	}
	r, err := gradcheck.CheckGraph(prob, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Pass {
		t.Errorf("transposed reference ∂W passed:\n%v", r)
	}
}

// activations are the hidden activations of the MLP checks.
var activations = []nn.Activation{
	nn.Identity(), nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.Softplus(),
	nn.ELU(1), nn.ELU(0.5), nn.LeakyReLU(0.2),
}

// kinkMargin is the smallest |pre-activation| allowed in the gradient
// checks: 100 finite-difference steps, so no probe crosses the kink at 0
// of ReLU, LeakyReLU or ELU.
const kinkMargin = 1e-4

type mlpCase struct {
	cost, y, x *G.Node
	params     *nn.Params
	mlp        *nn.MLP
	xData      []float64
}

// buildMLP builds a 2-hidden-layer MLP 3 → 5 → 4 → 2 with the given
// activations, non-zero biases, a batch-4 (or vector) input, and the cost
// Σ c ⊙ y.
func buildMLP(g *G.ExprGraph, hidden, output nn.Activation, vecInput bool, seed uint64) (*mlpCase, error) {
	const batch = 4
	sizes := []int{3, 5, 4, 2}
	rng := rand.New(rand.NewPCG(seed, 2))
	p := nn.NewParams(g)
	m, err := nn.NewMLP(p, nn.MLPConfig{
		Name: "mlp", Sizes: sizes, Hidden: hidden, Output: output,
		HiddenInit: nn.GlorotUniform{Gain: 2}, // pre-activations of order 1
		BiasInit:   nn.GlorotUniform{},
	}, rng)
	if err != nil {
		return nil, err
	}
	mc := &mlpCase{params: p, mlp: m}
	rows := batch
	if vecInput {
		rows = 1
	}
	mc.xData = uniform(rng, rows*sizes[0], -2, 2)
	c := uniform(rng, rows*sizes[len(sizes)-1], -1, 1)
	if vecInput {
		mc.x = input(g, "x", mc.xData, sizes[0])
	} else {
		mc.x = input(g, "x", mc.xData, rows, sizes[0])
	}
	if mc.y, err = m.Forward(mc.x); err != nil {
		return nil, err
	}
	if mc.cost, err = weightedSum(g, mc.y, c); err != nil {
		return nil, err
	}
	return mc, nil
}

// TestMLP checks, for every hidden activation (and a few output ones), the
// MLP's values against the plain-Go reference (to 1e-12) and its gradient
// wrt every parameter and the input against central differences
// (gradcheck defaults, see TestLinearGradients), with every pre-activation
// at least kinkMargin away from 0.
func TestMLP(t *testing.T) {
	type row struct {
		hidden, output nn.Activation
		vecInput       bool
	}
	var rows []row
	for _, a := range activations {
		rows = append(rows, row{hidden: a})
	}
	rows = append(rows,
		row{hidden: nn.Tanh(), output: nn.Sigmoid()},
		row{hidden: nn.ReLU(), output: nn.Softplus()},
		row{hidden: nn.Tanh(), vecInput: true},
		row{hidden: nn.ELU(1), output: nn.Tanh(), vecInput: true},
	)
	for _, tt := range rows {
		name := tt.hidden.String() + "/" + tt.output.String()
		if tt.vecInput {
			name += "/vector"
		}
		t.Run(name, func(t *testing.T) {
			g := G.NewGraph()
			mc, err := buildMLP(g, tt.hidden, tt.output, tt.vecInput, 3)
			if err != nil {
				t.Fatal(err)
			}
			got, err := run(g, mc.y)
			if err != nil {
				t.Fatal(err)
			}
			rows := 4
			if tt.vecInput {
				rows = 1
			}
			want, margin := refMLP(mc.params, mc.mlp, mc.xData, rows)
			if d := maxAbsDiff(got, want); !(d <= valueTol) {
				t.Errorf("y = %v, want %v (max diff %g)", got, want, d)
			}
			if margin < kinkMargin {
				t.Fatalf("a pre-activation is %g from 0, want ≥ %g: pick another seed", margin, kinkMargin)
			}

			r, err := gradcheck.CheckGraph(gradcheck.GraphProblem{
				Build: func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
					mc, err := buildMLP(g, tt.hidden, tt.output, tt.vecInput, 3)
					if err != nil {
						return nil, nil, err
					}
					return mc.cost, append(mc.params.Nodes(), mc.x), nil
				},
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Pass || r.N != mc.params.Size()+len(mc.xData) {
				t.Errorf("gradient check over %d entries (want %d):\n%v", r.N, mc.params.Size()+len(mc.xData), r)
			}
			t.Logf("%d entries: max abs err %.2g, max rel err %.2g", r.N, r.MaxAbsErr, r.MaxRelErr)
		})
	}
}

// TestActivationExtremes checks the activations far in their tails, where
// gorgonia's own Softplus would be off by up to 1.1e-7 (it returns x for
// x > 16) and a naive ELU would overflow exp: values to 1e-12 relative.
func TestActivationExtremes(t *testing.T) {
	xs := []float64{-800, -40, -16.5, -1e-3, 0, 1e-3, 15.9, 16.1, 40, 800}
	for _, a := range []nn.Activation{nn.Softplus(), nn.ELU(1), nn.ReLU(), nn.LeakyReLU(0.2), nn.Tanh()} {
		g := G.NewGraph()
		x := input(g, "x", xs, len(xs))
		y, err := a.Apply(x)
		if err != nil {
			t.Fatal(err)
		}
		got, err := run(g, y)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range xs {
			want := refAct(a.String(), v)
			if math.Abs(got[i]-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("%v(%g) = %.17g, want %.17g", a, v, got[i], want)
			}
		}
	}
}

// TestErrors checks that bad sizes, names and inputs are returned errors
// with the package prefix, never panics.
func TestErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	g := G.NewGraph()
	p := nn.NewParams(g)
	if _, err := nn.NewLinear(p, nn.LinearConfig{Name: "a", In: 2, Out: 3}, rng); err != nil {
		t.Fatal(err)
	}
	x3 := input(g, "x3", []float64{1, 2, 3}, 3)
	xm := input(g, "xm", make([]float64, 6), 2, 3)
	l, _ := nn.NewLinear(p, nn.LinearConfig{Name: "ok", In: 2, Out: 1}, rng)
	m, _ := nn.NewMLP(p, nn.MLPConfig{Name: "m", Sizes: []int{2, 2}}, rng)
	if _, err := p.New("clash.1.b", []int{2}, nil, nil); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		err  func() error
	}{
		{"duplicate layer", func() error { _, err := nn.NewLinear(p, nn.LinearConfig{Name: "a", In: 2, Out: 3}, rng); return err }},
		{"duplicate param", func() error { _, err := p.New("a.W", []int{2}, nil, nil); return err }},
		{"name of a non-parameter node", func() error { _, err := p.New("x3", []int{2}, nil, nil); return err }},
		{"empty name", func() error { _, err := p.New("", []int{2}, nil, nil); return err }},
		{"zero size", func() error { _, err := nn.NewLinear(p, nn.LinearConfig{Name: "z", In: 0, Out: 3}, rng); return err }},
		{"3-D shape", func() error { _, err := p.New("t", []int{2, 2, 2}, nil, nil); return err }},
		{"negative shape", func() error { _, err := p.New("neg", []int{-1, 2}, nil, nil); return err }},
		{"nil rng", func() error { _, err := p.New("r", []int{2, 2}, nn.Orthogonal{}, nil); return err }},
		{"negative gain", func() error { _, err := p.New("gn", []int{2, 2}, nn.HeNormal{Gain: -1}, rng); return err }},
		{"MLP one size", func() error { _, err := nn.NewMLP(p, nn.MLPConfig{Name: "m1", Sizes: []int{3}}, rng); return err }},
		{"MLP zero width", func() error { _, err := nn.NewMLP(p, nn.MLPConfig{Name: "m0", Sizes: []int{3, 0, 1}}, rng); return err }},
		{"MLP whose last bias name is taken", func() error {
			_, err := nn.NewMLP(p, nn.MLPConfig{Name: "clash", Sizes: []int{2, 2, 2}}, rng)
			return err
		}},
		{"MLP no name", func() error { _, err := nn.NewMLP(p, nn.MLPConfig{Sizes: []int{3, 1}}, rng); return err }},
		{"wrong input width", func() error { _, err := l.Forward(x3); return err }},
		{"wrong matrix width", func() error { _, err := m.Forward(xm); return err }},
		{"nil input", func() error { _, err := l.Forward(nil); return err }},
		{"NaN ELU", func() error { _, err := nn.ELU(math.NaN()).Apply(x3); return err }},
		{"Flatten length", func() error { _, err := p.Flatten(make([]float64, 1)); return err }},
		{"Unflatten length", func() error { return p.Unflatten(make([]float64, 1)) }},
		{"ReadGrads before Grad", p.ReadGrads},
		{"Grad of a non-scalar", func() error { _, err := p.Grad(x3); return err }},
	}
	n, size := p.Len(), p.Size()
	for _, c := range checks {
		err := c.err()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), "models/nn: ") {
			t.Errorf("%s: error %q lacks the package prefix", c.name, err)
		}
	}
	if p.Len() != n || p.Size() != size {
		t.Errorf("failed registrations changed the registry: Len %d → %d, Size %d → %d", n, p.Len(), size, p.Size())
	}
}
