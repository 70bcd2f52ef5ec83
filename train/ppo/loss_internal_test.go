package ppo

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/train/gradcheck"
)

// lossCase is a minibatch of B states for the loss tests.
type lossCase struct {
	B, A, F        int
	obs            []float64
	mask           []bool
	action         []int
	adv, ret, oldV []float64
	logpShift      []float64 // old log-prob = current log-prob + shift
	w              []float64
}

// newLossCase draws a minibatch whose samples cover every region of the
// clipped surrogate: shifts of ±0.5 put r = π/π_old at e^{∓0.5} ≈ 0.61 and
// 1.65 (outside [0.8, 1.2]) and ±0.05 inside, with advantages of both
// signs; old values put V − V_old on both sides of ±ε and inside.
func newLossCase(rng *rand.Rand) lossCase {
	c := lossCase{B: 8, A: 4, F: 3}
	R := c.B * c.A
	c.obs = make([]float64, R*c.F)
	for i := range c.obs {
		c.obs[i] = rng.NormFloat64()
	}
	c.mask = make([]bool, R)
	for r := range c.mask {
		c.mask[r] = (r%c.A) != 2 || (r/c.A)%2 == 0 // action 2 masked in odd states
	}
	c.action = []int{0, 1, 3, 0, 1, 3, 0, 1}
	c.adv = []float64{1.3, -0.7, 0.9, -1.1, 0.4, -0.8, 1.0, -0.5}
	c.logpShift = []float64{-0.5, -0.5, 0.5, 0.5, 0.05, -0.05, 0.5, -0.5}
	c.ret = []float64{0.3, -0.2, 1.1, 0.5, -0.6, 0.2, 0.9, -1.0}
	c.oldV = []float64{0.5, -0.5, 0.0, 1.0, -1.0, 0.1, 0.6, -0.3} // V − V_old spans ±ε
	c.w = make([]float64, c.B)
	for b := range c.w {
		c.w[b] = 1 / float64(c.B)
	}
	return c
}

// fill writes the case into ln's data inputs with old log-probs from the
// network's current values plus the shifts.
func (c lossCase) fill(t *testing.T, ln *lossNet, cur []float64) {
	for b := range c.B {
		ln.setState(b, c.obs[b*c.A*c.F:(b+1)*c.A*c.F], c.mask[b*c.A:(b+1)*c.A])
	}
	onehot := buf(ln.action)
	clear(onehot)
	for b, a := range c.action {
		onehot[b*c.A+a] = 1
		buf(ln.oldLogp)[b] = cur[b] + c.logpShift[b]
	}
	copy(buf(ln.adv), c.adv)
	copy(buf(ln.ret), c.ret)
	copy(buf(ln.oldV), c.oldV)
	copy(buf(ln.w), c.w)
}

// currentLogp returns log π_θ(a_b|s_b) of the case's actions at the
// initial parameters of cfg.
func currentLogp(t *testing.T, cfg Config, c lossCase) []float64 {
	t.Helper()
	ln, err := newLossNet(G.NewGraph(), cfg, c.B, c.A, c.F)
	if err != nil {
		t.Fatal(err)
	}
	var lp G.Value
	G.Read(ln.newLogp, &lp)
	vm := G.NewTapeMachine(ln.g)
	defer vm.Close()
	c.fill(t, ln, make([]float64, c.B))
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return append([]float64(nil), lp.Data().([]float64)...)
}

// lossObjective compiles the PPO loss of the case as a function of the
// network parameters (actor then critic), old log-probs placed by shift.
func lossObjective(t *testing.T, cfg Config, c lossCase) (*compiled.Objective, *lossNet) {
	t.Helper()
	cur := currentLogp(t, cfg, c)
	var ln *lossNet
	obj, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
		var err error
		if ln, err = newLossNet(g, cfg, c.B, c.A, c.F); err != nil {
			return nil, nil, err
		}
		c.fill(t, ln, cur)
		return ln.loss, ln.p.Nodes(), nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return obj, ln
}

// TestLossGradCheck holds the autodiff gradient of the PPO loss
// (pg_loss − 0.01·entropy_loss + 0.5·v_loss) with respect to every actor
// and critic parameter against central differences (step 1e-6, relative
// tolerance 1e-6, absolute 1e-8), with and without value clipping, on a
// minibatch whose samples lie on both sides of the ratio clip with
// advantages of both signs (newLossCase), with a masked action.
func TestLossGradCheck(t *testing.T) {
	for _, clipV := range []bool{true, false} {
		cfg := DefaultConfig()
		cfg.Hidden = []int{5, 4}
		cfg.ClipVLoss = clipV
		c := newLossCase(rand.New(rand.NewPCG(3, 1)))
		obj, _ := lossObjective(t, cfg, c)
		rep, err := gradcheck.CheckObjective(obj, obj.X(), nil, nil)
		obj.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("clip_vloss %v: %d entries, max rel err %.2g, max abs err %.2g", clipV, rep.N, rep.MaxRelErr, rep.MaxAbsErr)
		if !rep.Pass {
			t.Errorf("clip_vloss %v: gradient check failed:\n%v", clipV, rep)
		}
	}
}

// TestLossValues runs the loss graph on newLossCase and holds pg_loss,
// v_loss and entropy_loss against a plain-Go evaluation of the textbook
// formulas, L^CLIP = mean min(r·Â, clip(r, 1−ε, 1+ε)·Â), pg_loss = −L^CLIP,
// to 1e-12, after checking that the case puts samples on both sides of the
// clip (r > 1+ε and r < 1−ε) and inside it.
func TestLossValues(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Hidden = []int{5, 4}
	c := newLossCase(rand.New(rand.NewPCG(3, 1)))
	cur := currentLogp(t, cfg, c)
	ln, err := newLossNet(G.NewGraph(), cfg, c.B, c.A, c.F)
	if err != nil {
		t.Fatal(err)
	}
	c.fill(t, ln, cur)
	var pg, vl, el, lp, pr, lgp, val G.Value
	for n, v := range map[*G.Node]*G.Value{ln.pgLoss: &pg, ln.vLoss: &vl, ln.entLoss: &el, ln.newLogp: &lp, ln.prob: &pr, ln.logp: &lgp, ln.value: &val} {
		G.Read(n, v)
	}
	vm := G.NewTapeMachine(ln.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	eps := cfg.ClipCoef
	newLogp, prob, logp, value := lp.Data().([]float64), pr.Data().([]float64), lgp.Data().([]float64), val.Data().([]float64)
	var wantPG, wantV, wantH float64
	var above, below, inside int
	for b := range c.B {
		r := math.Exp(newLogp[b] - (cur[b] + c.logpShift[b]))
		switch {
		case r > 1+eps:
			above++
		case r < 1-eps:
			below++
		default:
			inside++
		}
		clipped := math.Min(math.Max(r, 1-eps), 1+eps)
		wantPG -= math.Min(r*c.adv[b], clipped*c.adv[b]) / float64(c.B)
		vc := c.oldV[b] + math.Min(math.Max(value[b]-c.oldV[b], -eps), eps)
		wantV += 0.5 * math.Max(math.Pow(value[b]-c.ret[b], 2), math.Pow(vc-c.ret[b], 2)) / float64(c.B)
		for a := range c.A {
			if q := prob[b*c.A+a]; q > 0 {
				wantH -= q * math.Log(q) / float64(c.B)
			}
			if !c.mask[b*c.A+a] && (prob[b*c.A+a] != 0 || logp[b*c.A+a] != 0) {
				t.Errorf("state %d: masked action %d has π = %v, log π = %v; want 0, 0", b, a, prob[b*c.A+a], logp[b*c.A+a])
			}
		}
	}
	if above == 0 || below == 0 || inside == 0 {
		t.Fatalf("ratios: %d above 1+ε, %d below 1−ε, %d inside; the case must cover all three", above, below, inside)
	}
	for _, x := range []struct {
		name      string
		got, want float64
	}{{"pg_loss", scalar(pg), wantPG}, {"v_loss", scalar(vl), wantV}, {"entropy_loss", scalar(el), wantH}} {
		if math.Abs(x.got-x.want) > 1e-12*(1+math.Abs(x.want)) {
			t.Errorf("%s = %.15g, want %.15g", x.name, x.got, x.want)
		}
	}
}
