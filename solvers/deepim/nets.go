package deepim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/models/nn"
)

// union is the coupled union graph U of the multiplex: an arc u→v when some
// layer has it, with weight w_uv = 1 − Π_i (1 − a^i_uv), a^i the layer's IC
// probability or LT weight (multiplex.Model.Values). Arcs are sorted by
// (u, v).
type union struct {
	n        int
	src, dst []int
	w        []float64
}

// newUnion builds U from every layer of m (multiplex.Model.CoupledUnion).
func newUnion(m *multiplex.Model) (*union, error) {
	g, w, err := m.CoupledUnion()
	if err != nil {
		return nil, err
	}
	return &union{n: g.N, src: g.Src, dst: g.Dst, w: w}, nil
}

// absInit is an initialisation with |·| applied: the estimator's weights
// start non-negative (the monotone class of doc.go).
type absInit struct{ nn.Init }

func (a absInit) Fill(dst []float64, rows, cols int, rng *rand.Rand) error {
	if err := a.Init.Fill(dst, rows, cols, rng); err != nil {
		return err
	}
	for i, v := range dst {
		if v < 0 {
			dst[i] = -v
		}
	}
	return nil
}

// nonNegative reports whether the parameter name is one of the estimator's
// weight matrices, kept ≥ 0 by projection.
func nonNegative(name string) bool {
	return strings.HasPrefix(name, "f.") && strings.HasSuffix(name, ".W")
}

// estimator is the diffusion estimator f's parameters: per GNN layer ℓ the
// self map W_s^ℓ, b^ℓ and the neighbour map W_n^ℓ, then the output map.
type estimator struct {
	self, nb []*nn.Linear
	out      *nn.Linear
	width    []int // F_0 = 1, F_1, …, F_L
}

func newEstimator(p *nn.Params, cfg *Config, rng *rand.Rand) (*estimator, error) {
	e := &estimator{width: []int{1}}
	init := absInit{nn.GlorotUniform{}}
	for l := range cfg.Layers {
		in, out := e.width[l], cfg.Features
		s, err := nn.NewLinear(p, nn.LinearConfig{Name: fmt.Sprintf("f.%d.self", l), In: in, Out: out, Weight: init}, rng)
		if err != nil {
			return nil, err
		}
		b, err := nn.NewLinear(p, nn.LinearConfig{Name: fmt.Sprintf("f.%d.nb", l), In: in, Out: out, NoBias: true, Weight: init}, rng)
		if err != nil {
			return nil, err
		}
		e.self, e.nb, e.width = append(e.self, s), append(e.nb, b), append(e.width, out)
	}
	var err error
	e.out, err = nn.NewLinear(p, nn.LinearConfig{Name: "f.out", In: e.width[len(e.width)-1], Out: 1, Weight: init}, rng)
	return e, err
}

// forward returns s = sigmoid(h^L·w_o + b_o), shape (n·B, 1), row v·B + b,
// for the seed indicators x of shape (n, B) (column b is sample b). With
// h^0 = x and, for each layer,
//
//	m^ℓ_v = Σ_{u→v ∈ U} w_uv h^{ℓ−1}_u,   h^ℓ = ReLU(h^{ℓ−1} W_s^ℓ + b^ℓ + m^ℓ W_n^ℓ)
//
// applied per (node, sample) row. The node states are kept as an
// (n, B·F) matrix for the gather/scatter over U's arcs and viewed as
// (n·B, F) for the channel maps.
func (e *estimator) forward(x *G.Node, u *union, batch int) (*G.Node, error) {
	g, n := x.Graph(), u.n
	w := G.NewMatrix(g, tensor.Float64, G.WithName("f.arcw"), G.WithShape(len(u.w), 1),
		G.WithValue(tensor.New(tensor.WithShape(len(u.w), 1), tensor.WithBacking(slices.Clone(u.w)))))
	h := x
	for l := range e.self {
		in, out := e.width[l], e.width[l+1]
		hf, err := G.Reshape(h, tensor.Shape{n * batch, in})
		if err != nil {
			return nil, err
		}
		msg, err := ad.GatherRows(h, u.src)
		if err != nil {
			return nil, err
		}
		if msg, err = G.BroadcastHadamardProd(w, msg, []byte{1}, nil); err != nil {
			return nil, err
		}
		agg, err := ad.ScatterAddRows(msg, u.dst, n)
		if err != nil {
			return nil, err
		}
		aggf, err := G.Reshape(agg, tensor.Shape{n * batch, in})
		if err != nil {
			return nil, err
		}
		a, err := e.self[l].Forward(hf)
		if err != nil {
			return nil, err
		}
		b, err := e.nb[l].Forward(aggf)
		if err != nil {
			return nil, err
		}
		z, err := G.Add(a, b)
		if err != nil {
			return nil, err
		}
		if z, err = G.Rectify(z); err != nil {
			return nil, err
		}
		if h, err = G.Reshape(z, tensor.Shape{n, batch * out}); err != nil {
			return nil, err
		}
	}
	hf, err := G.Reshape(h, tensor.Shape{n * batch, e.width[len(e.width)-1]})
	if err != nil {
		return nil, err
	}
	o, err := e.out.Forward(hf)
	if err != nil {
		return nil, err
	}
	return G.Sigmoid(o)
}

// activation returns ŷ = x + (1 − x)⊙s from xf = x and xc = 1 − x (both
// (n·B, 1)) and s of forward: node v is active if seeded, else with
// probability s_v.
func activation(xf, xc, s *G.Node) (*G.Node, error) {
	p, err := G.HadamardProd(xc, s)
	if err != nil {
		return nil, err
	}
	return G.Add(p, xf)
}

// vae is the seed-set variational autoencoder: encoder h = ReLU(x W₀ + b₀),
// μ = h W_μ + b_μ, log σ² = h W_σ + b_σ; decoder logits
// ℓ = MLP(z) (ReLU hidden layer), x̂ = sigmoid(ℓ).
type vae struct {
	enc    *nn.MLP
	mu, lv *nn.Linear
	dec    *nn.MLP
}

func newVAE(p *nn.Params, cfg *Config, n int, rng *rand.Rand) (*vae, error) {
	v := &vae{}
	var err error
	if v.enc, err = nn.NewMLP(p, nn.MLPConfig{Name: "enc", Sizes: []int{n, cfg.Hidden}, Output: nn.ReLU()}, rng); err != nil {
		return nil, err
	}
	if v.mu, err = nn.NewLinear(p, nn.LinearConfig{Name: "mu", In: cfg.Hidden, Out: cfg.Latent}, rng); err != nil {
		return nil, err
	}
	if v.lv, err = nn.NewLinear(p, nn.LinearConfig{Name: "lv", In: cfg.Hidden, Out: cfg.Latent}, rng); err != nil {
		return nil, err
	}
	v.dec, err = nn.NewMLP(p, nn.MLPConfig{Name: "dec", Sizes: []int{cfg.Latent, cfg.Hidden, n}, Hidden: nn.ReLU()}, rng)
	return v, err
}

// matrix returns a named float64 input of shape (r, c) bound to a fresh
// zero buffer.
func matrix(g *G.ExprGraph, name string, r, c int) *G.Node {
	return G.NewMatrix(g, tensor.Float64, G.WithName(name), G.WithShape(r, c),
		G.WithValue(tensor.New(tensor.WithShape(r, c), tensor.WithBacking(make([]float64, r*c)))))
}

// vaeGraph is the VAE loss on a batch: data inputs "x" (B, n) and "eps"
// (B, d); reads of μ and the logits ℓ of the decoded mean (valid after a
// run with eps = 0).
type vaeGraph struct {
	mu, logits G.Value
}

// build adds the loss
//
//	L_VAE = (1/B) Σ_b [ Σ_v (softplus(ℓ_bv) − x_bv ℓ_bv) + β·½ Σ_j (μ_bj² + σ_bj² − log σ_bj² − 1) ]
//
// (binary cross-entropy from logits plus β times the KL divergence to
// N(0, I)), with z = μ + σ ⊙ ε.
func (vg *vaeGraph) build(g *G.ExprGraph, cfg *Config, n, batch int) (*G.Node, G.Nodes, error) {
	p := nn.NewParams(g)
	v, err := newVAE(p, cfg, n, rand.New(rand.NewPCG(cfg.Seed, 2)))
	if err != nil {
		return nil, nil, err
	}
	x := matrix(g, "x", batch, n)
	eps := matrix(g, "eps", batch, cfg.Latent)
	h := G.Must(v.enc.Forward(x))
	mu := G.Must(v.mu.Forward(h))
	lv := G.Must(v.lv.Forward(h))
	std := G.Must(G.Exp(G.Must(G.Mul(lv, G.NewConstant(0.5)))))
	z := G.Must(G.Add(mu, G.Must(G.HadamardProd(eps, std))))
	l := G.Must(v.dec.Forward(z))
	G.Read(mu, &vg.mu)
	G.Read(l, &vg.logits)
	sp, err := nn.Softplus().Apply(l)
	if err != nil {
		return nil, nil, err
	}
	recon := G.Must(G.Sub(G.Must(G.Sum(sp)), G.Must(G.Sum(G.Must(G.HadamardProd(x, l))))))
	kl := G.Must(G.Sum(G.Must(G.Sub(G.Must(G.Add(G.Must(G.HadamardProd(mu, mu)), G.Must(G.Exp(lv)))), lv))))
	kl = G.Must(G.Mul(G.Must(G.Sub(kl, G.NewConstant(float64(batch*cfg.Latent)))), G.NewConstant(0.5)))
	cost := G.Must(G.Add(recon, G.Must(G.Mul(kl, G.NewConstant(cfg.Beta)))))
	cost = G.Must(G.Mul(cost, G.NewConstant(1/float64(batch))))
	return cost, p.Nodes(), nil
}

// estGraph is the estimator's loss on a batch: data inputs "x" (n, B),
// "xf" = x and "xc" = 1 − x as (n·B, 1), and the target activation
// probabilities "p" (n·B, 1), row v·B + b.
type estGraph struct {
	y G.Value
}

// build adds L_f = (1/B) Σ_b Σ_v (ŷ_vb − p_vb)². With noGrad it adds the
// predicted spread Σ ŷ instead (the estimate f(x) of each column summed).
func (eg *estGraph) build(g *G.ExprGraph, cfg *Config, u *union, batch int, spread bool) (*G.Node, G.Nodes, error) {
	p := nn.NewParams(g)
	e, err := newEstimator(p, cfg, rand.New(rand.NewPCG(cfg.Seed, 3)))
	if err != nil {
		return nil, nil, err
	}
	n := u.n
	x := matrix(g, "x", n, batch)
	xf := matrix(g, "xf", n*batch, 1)
	xc := matrix(g, "xc", n*batch, 1)
	s, err := e.forward(x, u, batch)
	if err != nil {
		return nil, nil, err
	}
	y, err := activation(xf, xc, s)
	if err != nil {
		return nil, nil, err
	}
	G.Read(y, &eg.y)
	if spread {
		return G.Must(G.Sum(y)), p.Nodes(), nil
	}
	target := matrix(g, "p", n*batch, 1)
	d := G.Must(G.Sub(y, target))
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(d, d))))
	return G.Must(G.Mul(cost, G.NewConstant(1/float64(batch)))), p.Nodes(), nil
}

// inferGraph is the latent-space seed selection objective for budget k:
// parameter "z" (1, d), the trained decoder and estimator as data inputs
// (their parameter names), reads of x̂ and f(x̂).
type inferGraph struct {
	xhat, f G.Value
}

// build adds
//
//	J(z) = −f(x̂(z)) + λ (Σ_v x̂_v(z) − k)² + (γ/2)‖z‖²,   x̂ = sigmoid(dec(z)),
//
// with f(x̂) = Σ_v ŷ_v, ŷ = x̂ + (1 − x̂)⊙s(x̂).
func (ig *inferGraph) build(g *G.ExprGraph, cfg *Config, u *union, k int) (*G.Node, G.Nodes, error) {
	p := nn.NewParams(g)
	v, err := newVAE(p, cfg, u.n, rand.New(rand.NewPCG(cfg.Seed, 2)))
	if err != nil {
		return nil, nil, err
	}
	e, err := newEstimator(p, cfg, rand.New(rand.NewPCG(cfg.Seed, 3)))
	if err != nil {
		return nil, nil, err
	}
	n := u.n
	z := matrix(g, "z", 1, cfg.Latent)
	l := G.Must(v.dec.Forward(z))
	lr := G.Must(G.Reshape(l, tensor.Shape{n, 1}))
	xhat := G.Must(G.Sigmoid(lr))
	xc := G.Must(G.Sub(G.NewConstant(1.0), xhat))
	s, err := e.forward(xhat, u, 1)
	if err != nil {
		return nil, nil, err
	}
	y, err := activation(xhat, xc, s)
	if err != nil {
		return nil, nil, err
	}
	f := G.Must(G.Sum(y))
	G.Read(xhat, &ig.xhat)
	G.Read(f, &ig.f)
	over := G.Must(G.Sub(G.Must(G.Sum(xhat)), G.NewConstant(float64(k))))
	pen := G.Must(G.Mul(G.Must(G.Mul(over, over)), G.NewConstant(cfg.Lambda)))
	prior := G.Must(G.Mul(G.Must(G.Sum(G.Must(G.HadamardProd(z, z)))), G.NewConstant(0.5*cfg.Prior)))
	cost := G.Must(G.Add(G.Must(G.Sub(pen, f)), prior))
	return cost, G.Nodes{z}, nil
}
