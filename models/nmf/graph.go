package nmf

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/internal/dtype"
	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/models/nn"
)

// Net is the NMF vector field g(m; θ) as gorgonia nodes: the parameters
// (registered in an nn.Params in the order of Config.Layout) and the batch
// size B it was built for.
type Net struct {
	Cfg    Config
	B      int
	Params *nn.Params
	W, b   *G.Node
	c      *G.Node
	Eps    *nn.MLP
	// sparse support: flat gather/scatter indices over the B×n batch
	gatherX, gatherW, scatterZ []int
}

// NewNet registers θ's parameters on g (zero values; bind θ with
// Params.Unflatten or through models/compiled) for batches of B cascades,
// as float32 nodes if cfg.Float32. cfg must be resolved.
func NewNet(g *G.ExprGraph, cfg Config, B int) (*Net, error) {
	p := nn.NewParamsOf(g, cfg.Dtype())
	fs := cfg.Layout()
	net := &Net{Cfg: cfg, B: B, Params: p}
	var err error
	if net.W, err = p.New("W", fs[0].Shape, nil, nil); err != nil {
		return nil, err
	}
	if net.b, err = p.New("b", fs[1].Shape, nil, nil); err != nil {
		return nil, err
	}
	if net.c, err = p.New("c", fs[2].Shape, nil, nil); err != nil {
		return nil, err
	}
	if net.Eps, err = nn.NewMLP(p, nn.MLPConfig{Name: "eps", Sizes: cfg.Sizes(), Hidden: nn.ELU(1), Output: nn.Sigmoid(),
		HiddenInit: nn.Zeros{}}, nil); err != nil {
		return nil, err
	}
	if s := cfg.Support; s != nil {
		E, n := s.NumEdges(), cfg.N
		net.gatherX, net.gatherW, net.scatterZ = make([]int, B*E), make([]int, B*E), make([]int, B*E)
		for r := range B {
			for e := range E {
				net.gatherX[r*E+e] = r*n + int(s.Src[e])
				net.gatherW[r*E+e] = e
				net.scatterZ[r*E+e] = r*n + int(s.Dst[e])
			}
		}
	}
	return net, nil
}

// drift returns Z = X·W (row b: z_j = Σ_i α_{i→j} x_i), dense or over the
// support's edges through Gather and ScatterAdd.
func (net *Net) drift(X *G.Node) *G.Node {
	must := G.Must
	if net.Cfg.Support == nil {
		return must(G.Mul(X, net.W))
	}
	B, n := net.B, net.Cfg.N
	flat := must(G.Reshape(X, tensor.Shape{B * n}))
	prod := must(G.HadamardProd(must(ad.Gather(flat, net.gatherX)), must(ad.Gather(net.W, net.gatherW))))
	return must(G.Reshape(must(ad.ScatterAdd(prod, net.scatterZ, B*n)), tensor.Shape{B, n}))
}

// Field returns g(m) for the batch state m = (X, H), both B×n, with the
// sources' rows of the x-part zeroed (notChi = 1 − χ):
//
//	GX = ((1 − X)⊙(X·W) + s·ε([X, H]))⊙(1 − χ)
//	GH = X⊙b − H⊙c
//
// It panics (G.Must) on a graph error; build it inside compiled.FromNodes.
//
// Unless Cfg.Unfused, GX is one fused op (fused.go) with the same values
// and gradients to rounding.
func (net *Net) Field(X, H, notChi *G.Node) (GX, GH *G.Node) {
	if net.Cfg.Float32 {
		return field[float32](net, X, H, notChi, nil)
	}
	return field[float64](net, X, H, notChi, nil)
}

// field is Field in element type T (the net's dtype); the fused
// evaluations that pass the same sh (one unroll's) share their
// parameter-gradient buffer (fused.go), a nil sh makes a standalone
// evaluation.
func field[T dtype.Float](net *Net, X, H, notChi *G.Node, sh **fieldShared[T]) (GX, GH *G.Node) {
	must := G.Must
	if net.Cfg.Unfused {
		Z := net.drift(X)
		E := must(net.Eps.Forward(must(G.Concat(1, X, H))))
		GX = must(G.Add(must(G.HadamardProd(must(G.Sub(net.constant(1), X)), Z)), must(G.Mul(net.constant(net.Cfg.EpsSign), E))))
		GX = must(G.HadamardProd(GX, notChi)) // sources are pinned: g_x = 0 there
		GH = must(G.Sub(must(G.BroadcastHadamardProd(X, net.b, nil, []byte{0})), must(G.BroadcastHadamardProd(H, net.c, nil, []byte{0}))))
		return GX, GH
	}
	return must(fusedField(net, X, H, notChi, sh)), must(memoryField[T](X, H, net.b, net.c))
}

// constant returns v as a scalar constant of the net's dtype.
func (net *Net) constant(v float64) *G.Node {
	return G.NewConstant(dtype.Scalar(net.Cfg.Dtype(), v))
}

// Unroll integrates m' = g(m) from X0 = χ (chi, B×n), H0 = 0 over cfg's
// grid with the fixed-step scheme, clamping X to [0, 1] and pinning the
// sources at 1 after every step: X ← clamp01(X)⊙(1 − χ) + χ (notChi is
// 1 − χ). It returns the states X_k (k = 0..Steps) and the intensities
// G_k = g_x(m_k) at the grid points (G_k is RK4's first stage at step k;
// G_Steps is one extra evaluation).
func (net *Net) Unroll(chi, notChi *G.Node) (X, GK []*G.Node) {
	if net.Cfg.Float32 {
		return unroll[float32](net, chi, notChi)
	}
	return unroll[float64](net, chi, notChi)
}

// unroll is Unroll in element type T (the net's dtype).
func unroll[T dtype.Float](net *Net, chi, notChi *G.Node) (X, GK []*G.Node) {
	must := G.Must
	cfg := net.Cfg
	h := cfg.T / float64(cfg.Steps)
	zeros := must(G.Sub(chi, chi)) // H0 = 0, a node of the graph
	x, hh := chi, zeros
	fused := !cfg.Unfused
	var sh *fieldShared[T] // the fused evaluations of this unroll
	axpy := func(a *G.Node, c float64, k *G.Node) *G.Node {
		if fused {
			return must(lincomb[T]([]float64{1, c}, a, k))
		}
		return must(G.Add(a, must(G.Mul(net.constant(c), k))))
	}
	// rk4 is a + h/6·k1 + h/3·k2 + h/3·k3 + h/6·k4, summed left to right.
	rk4 := func(a, k1, k2, k3, k4 *G.Node) *G.Node {
		if fused {
			return must(lincomb[T]([]float64{1, h / 6, h / 3, h / 3, h / 6}, a, k1, k2, k3, k4))
		}
		return axpy(axpy(axpy(axpy(a, h/6, k1), h/3, k2), h/3, k3), h/6, k4)
	}
	X = append(X, x)
	for range cfg.Steps {
		k1x, k1h := field(net, x, hh, notChi, &sh)
		GK = append(GK, k1x)
		var nx, nh *G.Node
		if cfg.Method == 0 { // Euler
			nx, nh = axpy(x, h, k1x), axpy(hh, h, k1h)
		} else { // RK4
			k2x, k2h := field(net, axpy(x, h/2, k1x), axpy(hh, h/2, k1h), notChi, &sh)
			k3x, k3h := field(net, axpy(x, h/2, k2x), axpy(hh, h/2, k2h), notChi, &sh)
			k4x, k4h := field(net, axpy(x, h, k3x), axpy(hh, h, k3h), notChi, &sh)
			nx, nh = rk4(x, k1x, k2x, k3x, k4x), rk4(hh, k1h, k2h, k3h, k4h)
		}
		// clamp01(v) = relu(v) − relu(v − 1), then pin the sources.
		if fused {
			x, hh = must(project[T](nx, notChi, chi)), nh
		} else {
			cl := must(G.Sub(must(G.Rectify(nx)), must(G.Rectify(must(G.Sub(nx, net.constant(1)))))))
			x, hh = must(G.Add(must(G.HadamardProd(cl, notChi)), chi)), nh
		}
		X = append(X, x)
	}
	gx, _ := field(net, x, hh, notChi, &sh)
	GK = append(GK, gx)
	return X, GK
}

// batchInputs are the data nodes of one batch program.
type batchInputs struct {
	chi, notChi, surv *G.Node
	w0, w1, pad       []*G.Node
}

// matInput returns a data input node of the net's dtype, r×c, with every
// entry fill.
func (net *Net) matInput(g *G.ExprGraph, name string, r, c int, fill float64) *G.Node {
	t := tensor.New(tensor.WithShape(r, c), tensor.Of(net.Cfg.Dtype()))
	if fill != 0 {
		_ = t.Memset(dtype.Scalar(net.Cfg.Dtype(), fill)) // cannot fail: the value has the tensor's dtype
	}
	return G.NodeFromAny(g, t, G.WithName(name))
}

// Loss builds the batch-mean negative log-likelihood plus the
// regularisers (see the package documentation) and returns it with the
// data inputs it reads.
func (net *Net) loss(g *G.ExprGraph) (*G.Node, *batchInputs, []*G.Node) {
	must := G.Must
	cfg, B, n := net.Cfg, net.B, net.Cfg.N
	in := &batchInputs{chi: net.matInput(g, "chi", B, n, 0), notChi: net.matInput(g, "notchi", B, n, 0), surv: net.matInput(g, "surv", B, n, 0)}
	X, GK := net.Unroll(in.chi, in.notChi)
	floor := net.matInput(g, "floor", B, n, Floor) // MaxBetween takes no scalar
	var nll *G.Node
	add := func(v *G.Node) {
		if nll == nil {
			nll = v
		} else {
			nll = must(G.Add(nll, v))
		}
	}
	for k := range cfg.Steps {
		w0, w1, pad := net.matInput(g, fmt.Sprintf("w0.%d", k), B, n, 0), net.matInput(g, fmt.Sprintf("w1.%d", k), B, n, 0), net.matInput(g, fmt.Sprintf("pad.%d", k), B, n, 0)
		in.w0, in.w1, in.pad = append(in.w0, w0), append(in.w1, w1), append(in.pad, pad)
		lam := must(G.Add(must(G.Add(must(G.HadamardProd(w0, GK[k])), must(G.HadamardProd(w1, GK[k+1])))), pad))
		add(must(G.Neg(must(G.Sum(must(G.Log(must(G.MaxBetween(lam, floor)))))))))
	}
	XT := X[cfg.Steps]
	if cfg.Loss == Poisson {
		add(must(G.Sum(XT)))
	} else {
		// −Σ surv⊙log(max(1 − x(T), floor)), surv = 1 on nodes not infected by T.
		lg := must(G.Log(must(G.MaxBetween(must(G.Sub(net.constant(1), XT)), floor))))
		add(must(G.Neg(must(G.Sum(must(G.HadamardProd(in.surv, lg)))))))
	}
	cost := must(G.Div(nll, net.constant(float64(B))))
	if cfg.RegA > 0 {
		var r *G.Node
		if cfg.RegL1 {
			r = must(G.Sum(net.W))
		} else {
			r = must(G.Sum(must(G.Log1p(must(G.Div(net.W, net.constant(cfg.Delta)))))))
		}
		cost = must(G.Add(cost, must(G.Mul(net.constant(cfg.RegA), r))))
	}
	if cfg.WeightDecay > 0 {
		for _, l := range net.Eps.Layers {
			cost = must(G.Add(cost, must(G.Mul(net.constant(cfg.WeightDecay/2), must(G.Sum(must(G.Square(l.W))))))))
		}
	}
	return cost, in, X
}

// fillBatch writes the data of cascades cs (len ≤ B; missing rows are
// empty cascades with all-zero weights and masks) into the buffers of
// element type T read through data(name).
func fillBatch[T dtype.Float](cfg Config, cs []Cascade, data func(string) []T) {
	n := cfg.N
	inf, chi := infectedMask(n, cs)
	c, nc, sv := data("chi"), data("notchi"), data("surv")
	clear(c)
	dtype.Convert(c, chi)
	for i := range nc {
		nc[i] = 1 - c[i]
		sv[i] = 0
		if i < len(inf) && inf[i] == 0 {
			sv[i] = 1
		}
	}
	for k := range cfg.Steps {
		clear(data(fmt.Sprintf("w0.%d", k)))
		clear(data(fmt.Sprintf("w1.%d", k)))
		p := data(fmt.Sprintf("pad.%d", k))
		for i := range p {
			p[i] = 1
		}
	}
	for _, e := range cfg.events(cs) {
		i := e.row*n + e.node
		data(fmt.Sprintf("w0.%d", e.k))[i] = T(e.w0)
		data(fmt.Sprintf("w1.%d", e.k))[i] = T(e.w1)
		data(fmt.Sprintf("pad.%d", e.k))[i] = 0
	}
}
