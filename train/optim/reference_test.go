package optim_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spread-dev/spread/train/optim"
)

// This file checks Adam and SGD against textbook implementations written
// straightforwardly below (plain loops, math.Pow bias correction), on random
// gradients.

// refSettings are the settings shared by the textbook optimisers.
type refSettings struct {
	lr       func(k int) float64
	wd, dwd  float64 // coupled and decoupled weight decay
	clip     float64 // global-norm threshold, 0 = off
	maximize bool
	lo, hi   float64 // box projection when lo < hi
}

// preprocess returns the processed gradient g = s·c·∇ + λ·w of every
// parameter, as the package documentation defines it.
func (r refSettings) preprocess(w, grad [][]float64) [][]float64 {
	var ss float64
	for _, g := range grad {
		for _, x := range g {
			ss += x * x
		}
	}
	c := 1.0
	if r.clip > 0 && math.Sqrt(ss) > r.clip {
		c = r.clip / math.Sqrt(ss)
	}
	out := make([][]float64, len(grad))
	for p := range grad {
		out[p] = make([]float64, len(grad[p]))
		for i := range grad[p] {
			g := grad[p][i] * c
			if r.maximize {
				g = -g
			}
			out[p][i] = g + r.wd*w[p][i]
		}
	}
	return out
}

func (r refSettings) project(w [][]float64) {
	if r.lo >= r.hi {
		return
	}
	for p := range w {
		for i := range w[p] {
			w[p][i] = math.Min(math.Max(w[p][i], r.lo), r.hi)
		}
	}
}

// refAdam is Algorithm 1 of Kingma & Ba (2015) with the AdamW decay of
// Loshchilov & Hutter (2019).
type refAdam struct {
	refSettings
	b1, b2, eps float64
	m, v        [][]float64
	t           int
}

func (r *refAdam) step(w, grad [][]float64) {
	if r.m == nil {
		for _, x := range w {
			r.m = append(r.m, make([]float64, len(x)))
			r.v = append(r.v, make([]float64, len(x)))
		}
	}
	g := r.preprocess(w, grad)
	lr := r.lr(r.t)
	r.t++
	for p := range w {
		for i := range w[p] {
			r.m[p][i] = r.b1*r.m[p][i] + (1-r.b1)*g[p][i]
			r.v[p][i] = r.b2*r.v[p][i] + (1-r.b2)*g[p][i]*g[p][i]
			mhat := r.m[p][i] / (1 - math.Pow(r.b1, float64(r.t)))
			vhat := r.v[p][i] / (1 - math.Pow(r.b2, float64(r.t)))
			w[p][i] = w[p][i] - lr*r.dwd*w[p][i] - lr*mhat/(math.Sqrt(vhat)+r.eps)
		}
	}
	r.project(w)
}

// refSGD is SGD with PyTorch's momentum convention.
type refSGD struct {
	refSettings
	mu       float64
	nesterov bool
	b        [][]float64
	k        int
}

func (r *refSGD) step(w, grad [][]float64) {
	if r.b == nil {
		for _, x := range w {
			r.b = append(r.b, make([]float64, len(x)))
		}
	}
	g := r.preprocess(w, grad)
	lr := r.lr(r.k)
	r.k++
	for p := range w {
		for i := range w[p] {
			d := g[p][i]
			if r.mu != 0 {
				r.b[p][i] = r.mu*r.b[p][i] + g[p][i]
				if r.nesterov {
					d = g[p][i] + r.mu*r.b[p][i]
				} else {
					d = r.b[p][i]
				}
			}
			w[p][i] = w[p][i] - lr*r.dwd*w[p][i] - lr*d
		}
	}
	r.project(w)
}

// randomRun draws initial values and nSteps random gradients for two
// parameters of lengths 3 and 5, with standard deviation scale.
func randomRun(seed uint64, nSteps int, scale float64) (w0 [][]float64, grads [][][]float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	sizes := []int{3, 5}
	for _, n := range sizes {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		w0 = append(w0, x)
	}
	for range nSteps {
		var g [][]float64
		for _, n := range sizes {
			x := make([]float64, n)
			for i := range x {
				x[i] = scale * rng.NormFloat64()
			}
			g = append(g, x)
		}
		grads = append(grads, g)
	}
	return w0, grads
}

func copy2(x [][]float64) [][]float64 {
	y := make([][]float64, len(x))
	for i := range x {
		y[i] = append([]float64(nil), x[i]...)
	}
	return y
}

// makeParams builds params named "a", "b", ... over copies of w0.
func makeParams(w0 [][]float64, proj optim.Projection) []*optim.Param {
	ps := make([]*optim.Param, len(w0))
	for i, w := range w0 {
		ps[i] = &optim.Param{
			Name:    string(rune('a' + i)),
			Value:   append([]float64(nil), w...),
			Grad:    make([]float64, len(w)),
			Project: proj,
		}
	}
	return ps
}

func setGrads(ps []*optim.Param, g [][]float64) {
	for i, p := range ps {
		copy(p.Grad, g[i])
	}
}

func maxAbsDiff(ps []*optim.Param, w [][]float64) float64 {
	var d float64
	for i, p := range ps {
		for j := range p.Value {
			d = math.Max(d, math.Abs(p.Value[j]-w[i][j]))
		}
	}
	return d
}

func constLR(lr float64) func(int) float64 { return func(int) float64 { return lr } }

func TestAdamMatchesTextbook(t *testing.T) {
	cosine := optim.Cosine{LR0: 0.05, LRMin: 0.001, Total: 40}
	tests := []struct {
		name string
		opt  optim.Adam
		ref  refAdam
		box  bool
	}{
		{
			name: "defaults",
			opt:  optim.Adam{LR: 0.01},
			ref:  refAdam{refSettings: refSettings{lr: constLR(0.01)}, b1: 0.9, b2: 0.999, eps: 1e-8},
		},
		{
			name: "zero value uses lr 0.001",
			opt:  optim.Adam{},
			ref:  refAdam{refSettings: refSettings{lr: constLR(0.001)}, b1: 0.9, b2: 0.999, eps: 1e-8},
		},
		{
			name: "custom betas and eps",
			opt:  optim.Adam{LR: 0.02, Beta1: 0.5, Beta2: 0.9, Eps: 1e-3},
			ref:  refAdam{refSettings: refSettings{lr: constLR(0.02)}, b1: 0.5, b2: 0.9, eps: 1e-3},
		},
		{
			name: "coupled L2",
			opt:  optim.Adam{LR: 0.01, WeightDecay: 0.1},
			ref:  refAdam{refSettings: refSettings{lr: constLR(0.01), wd: 0.1}, b1: 0.9, b2: 0.999, eps: 1e-8},
		},
		{
			name: "AdamW",
			opt:  optim.Adam{LR: 0.01, DecoupledWeightDecay: 0.5},
			ref:  refAdam{refSettings: refSettings{lr: constLR(0.01), dwd: 0.5}, b1: 0.9, b2: 0.999, eps: 1e-8},
		},
		{
			name: "maximize with both decays",
			opt:  optim.Adam{LR: 0.01, Maximize: true, WeightDecay: 0.1, DecoupledWeightDecay: 0.2},
			ref:  refAdam{refSettings: refSettings{lr: constLR(0.01), maximize: true, wd: 0.1, dwd: 0.2}, b1: 0.9, b2: 0.999, eps: 1e-8},
		},
		{
			name: "clip norm 2 (gradient norms are about 8)",
			opt:  optim.Adam{LR: 0.01, ClipNorm: 2, WeightDecay: 0.1},
			ref:  refAdam{refSettings: refSettings{lr: constLR(0.01), clip: 2, wd: 0.1}, b1: 0.9, b2: 0.999, eps: 1e-8},
		},
		{
			name: "cosine schedule",
			opt:  optim.Adam{Schedule: cosine, LR: 123},
			ref:  refAdam{refSettings: refSettings{lr: cosine.LR}, b1: 0.9, b2: 0.999, eps: 1e-8},
		},
		{
			name: "box projection",
			opt:  optim.Adam{LR: 0.1},
			ref:  refAdam{refSettings: refSettings{lr: constLR(0.1), lo: -0.5, hi: 0.7}, b1: 0.9, b2: 0.999, eps: 1e-8},
			box:  true,
		},
	}
	for ti, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w0, grads := randomRun(uint64(ti), 50, 3)
			var proj optim.Projection
			if tt.box {
				proj = optim.Box{Lo: -0.5, Hi: 0.7}
			}
			ps := makeParams(w0, proj)
			w := copy2(w0)
			opt, ref := tt.opt, tt.ref
			for k, g := range grads {
				setGrads(ps, g)
				if err := opt.Step(ps); err != nil {
					t.Fatalf("step %d: %v", k, err)
				}
				ref.step(w, g)
				if d := maxAbsDiff(ps, w); !(d <= 1e-12) {
					t.Fatalf("step %d: max |w − w_ref| = %g, want ≤ 1e-12", k, d)
				}
			}
		})
	}
}

func TestSGDMatchesTextbook(t *testing.T) {
	steps := optim.StepDecay{LR0: 0.1, Gamma: 0.5, Every: 10}
	tests := []struct {
		name string
		opt  optim.SGD
		ref  refSGD
		box  bool
	}{
		{"plain", optim.SGD{LR: 0.05}, refSGD{refSettings: refSettings{lr: constLR(0.05)}}, false},
		{"classical momentum", optim.SGD{LR: 0.05, Momentum: 0.9}, refSGD{refSettings: refSettings{lr: constLR(0.05)}, mu: 0.9}, false},
		{"Nesterov", optim.SGD{LR: 0.05, Momentum: 0.9, Nesterov: true}, refSGD{refSettings: refSettings{lr: constLR(0.05)}, mu: 0.9, nesterov: true}, false},
		{"coupled L2", optim.SGD{LR: 0.05, Momentum: 0.5, WeightDecay: 0.3}, refSGD{refSettings: refSettings{lr: constLR(0.05), wd: 0.3}, mu: 0.5}, false},
		{"decoupled decay", optim.SGD{LR: 0.05, Momentum: 0.5, Nesterov: true, DecoupledWeightDecay: 0.3}, refSGD{refSettings: refSettings{lr: constLR(0.05), dwd: 0.3}, mu: 0.5, nesterov: true}, false},
		{"maximize", optim.SGD{LR: 0.05, Momentum: 0.9, Maximize: true, WeightDecay: 0.1}, refSGD{refSettings: refSettings{lr: constLR(0.05), maximize: true, wd: 0.1}, mu: 0.9}, false},
		{"clip", optim.SGD{LR: 0.05, ClipNorm: 1}, refSGD{refSettings: refSettings{lr: constLR(0.05), clip: 1}}, false},
		{"step decay schedule", optim.SGD{Schedule: steps, Momentum: 0.9}, refSGD{refSettings: refSettings{lr: steps.LR}, mu: 0.9}, false},
		{"box projection", optim.SGD{LR: 0.05, Momentum: 0.9}, refSGD{refSettings: refSettings{lr: constLR(0.05), lo: -0.5, hi: 0.7}, mu: 0.9}, true},
	}
	for ti, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w0, grads := randomRun(uint64(100+ti), 50, 3)
			var proj optim.Projection
			if tt.box {
				proj = optim.Box{Lo: -0.5, Hi: 0.7}
			}
			ps := makeParams(w0, proj)
			w := copy2(w0)
			opt, ref := tt.opt, tt.ref
			for k, g := range grads {
				setGrads(ps, g)
				if err := opt.Step(ps); err != nil {
					t.Fatalf("step %d: %v", k, err)
				}
				ref.step(w, g)
				if d := maxAbsDiff(ps, w); !(d <= 1e-12) {
					t.Fatalf("step %d: max |w − w_ref| = %g, want ≤ 1e-12", k, d)
				}
			}
		})
	}
}
