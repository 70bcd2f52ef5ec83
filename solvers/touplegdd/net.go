package touplegdd

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/models/nn"
)

// slope is the LeakyReLU slope of every activation (the authors' 0.2).
const slope = 0.2

// numFeatures is the width F₀ of the initial embeddings S⁰ and T⁰.
const numFeatures = 5

// Topology is the union graph U of a multiplex with the coupled edge weights
// w_uv = 1 − Π_i (1 − x^i_uv) (x^i the IC probability or LT weight of u→v
// in layer i; self-loops dropped), and the initial node embeddings. It is
// what the networks see: ToupleGDD is a single-graph method, and the MIM
// paper runs it on the union.
type Topology struct {
	// N is the number of nodes, E the number of union arcs.
	N, E int
	// Src, Dst and W are the arcs u→v and their weights, sorted by (u, v).
	Src, Dst []int
	W        []float64
	// S0 and T0 are the initial source and target embeddings (N × F₀,
	// row-major); see the package documentation for the features.
	S0, T0 []float64
}

// NewTopology builds the union graph of m with coupled weights
// (multiplex.Model.CoupledUnion) and the initial embeddings.
func NewTopology(m *multiplex.Model) (*Topology, error) {
	g, w, err := m.CoupledUnion()
	if err != nil {
		return nil, err
	}
	t := &Topology{N: g.N, E: g.NumEdges(), Src: g.Src, Dst: g.Dst, W: w}
	t.S0, t.T0 = features(t.N, t.Src, t.Dst, t.W)
	return t, nil
}

// features returns S⁰ = [1, d⁺, w⁺, d⁻, w⁻] and T⁰ = [1, d⁻, w⁻, d⁺, w⁺]
// per node: d± = log(1 + out/in-degree) and w± = the summed out/in weights,
// each column divided by its maximum over the nodes (when positive).
func features(n int, src, dst []int, w []float64) (s0, t0 []float64) {
	cols := make([][]float64, 4) // d⁺, w⁺, d⁻, w⁻
	for c := range cols {
		cols[c] = make([]float64, n)
	}
	for e := range src {
		cols[0][src[e]]++
		cols[1][src[e]] += w[e]
		cols[2][dst[e]]++
		cols[3][dst[e]] += w[e]
	}
	for c, col := range cols {
		mx := 0.0
		for v := range col {
			if c == 0 || c == 2 {
				col[v] = math.Log1p(col[v])
			}
			mx = max(mx, col[v])
		}
		if mx > 0 {
			for v := range col {
				col[v] /= mx
			}
		}
	}
	s0 = make([]float64, n*numFeatures)
	t0 = make([]float64, n*numFeatures)
	for v := 0; v < n; v++ {
		s, t := s0[v*numFeatures:], t0[v*numFeatures:]
		s[0], s[1], s[2], s[3], s[4] = 1, cols[0][v], cols[1][v], cols[2][v], cols[3][v]
		t[0], t[1], t[2], t[3], t[4] = 1, cols[2][v], cols[3][v], cols[0][v], cols[1][v]
	}
	return s0, t0
}

// spec is one parameter of the network: its name and shape (rows, cols).
type spec struct {
	name       string
	rows, cols int
	scalar     bool // a 1×1 coupling coefficient, initialised to 1
}

// layout lists the parameters in the order of θ: per layer l = 1..L the
// transform W_l, the attention vectors η_l, β_l, τ_l (each split into its
// source and target halves), the two gate MLPs and the coupling scalars,
// then the Q-network's θ₁ (split in three), θ₂, θ₃, θ₄.
func layout(cfg *Config) []spec {
	var ps []spec
	in := numFeatures
	d, h := cfg.Dim, cfg.GateHidden
	for l := 1; l <= cfg.Layers; l++ {
		p := func(s string) string { return fmt.Sprintf("%s%d", s, l) }
		ps = append(ps, spec{name: p("W"), rows: in, cols: d})
		for _, a := range []string{"eta", "beta", "tau"} {
			ps = append(ps, spec{name: p(a) + ".s", rows: d, cols: 1}, spec{name: p(a) + ".t", rows: d, cols: 1})
		}
		for _, gname := range []string{"sgate", "tgate"} {
			ps = append(ps,
				spec{name: p(gname) + ".W1", rows: in, cols: h},
				spec{name: p(gname) + ".b1", rows: 1, cols: h},
				spec{name: p(gname) + ".W2", rows: h, cols: d},
				spec{name: p(gname) + ".b2", rows: 1, cols: d})
		}
		for _, s := range []string{"x.self", "x.nb", "x.att", "x.edge"} {
			ps = append(ps, spec{name: p(s[:1]) + s[1:], rows: 1, cols: 1, scalar: true})
		}
		for _, g := range []string{"s", "t"} {
			for _, s := range []string{".self", ".nb", ".state", ".att", ".edge"} {
				ps = append(ps, spec{name: p(g) + s, rows: 1, cols: 1, scalar: true})
			}
		}
		in = d
	}
	ps = append(ps,
		spec{name: "theta1.a", rows: d, cols: 1}, spec{name: "theta1.b", rows: d, cols: 1}, spec{name: "theta1.c", rows: d, cols: 1},
		spec{name: "theta2", rows: d, cols: d}, spec{name: "theta3", rows: d, cols: d}, spec{name: "theta4", rows: d, cols: d},
		spec{name: "theta1.d", rows: d, cols: 1}, spec{name: "theta5", rows: 1, cols: d})
	return ps
}

// initParams draws θ: matrices Glorot-uniform, biases 0, coupling scalars 1.
func initParams(cfg *Config, rng *rand.Rand) ([]float64, error) {
	var theta []float64
	for _, p := range layout(cfg) {
		buf := make([]float64, p.rows*p.cols)
		var in nn.Init = nn.GlorotUniform{Gain: 1}
		switch {
		case p.scalar:
			in = nn.Constant(1)
		case p.rows == 1 && p.name[len(p.name)-3:len(p.name)-1] == ".b":
			in = nn.Zeros{}
		}
		if err := in.Fill(buf, p.rows, p.cols, rng); err != nil {
			return nil, fmt.Errorf("touplegdd: init %s: %w", p.name, err)
		}
		theta = append(theta, buf...)
	}
	return theta, nil
}

// batch is the block-diagonal union of B copies of the topology (PyG's
// batching): node b·N + v, arc b·E + e.
type batch struct {
	b, n     int
	src, dst []int // arcs over the B copies
	graph    []int // graph index of every node
	w        []float64
}

func newBatch(t *Topology, b int) *batch {
	bt := &batch{b: b, n: b * t.N, src: make([]int, b*t.E), dst: make([]int, b*t.E),
		graph: make([]int, b*t.N), w: make([]float64, b*t.E)}
	for k := 0; k < b; k++ {
		for e := 0; e < t.E; e++ {
			bt.src[k*t.E+e] = k*t.N + t.Src[e]
			bt.dst[k*t.E+e] = k*t.N + t.Dst[e]
			bt.w[k*t.E+e] = t.W[e]
		}
		for v := 0; v < t.N; v++ {
			bt.graph[k*t.N+v] = k
		}
	}
	return bt
}

// net is the three coupled GNNs and the Q-network as gorgonia nodes over
// one batch; build adds them to a compiled definition.
type net struct {
	cfg *Config
	t   *Topology
	bt  *batch
	p   map[string]*G.Node // parameters by name (built once, never in a loop)
	one *G.Node            // 1 × d ones
}

// build declares θ (in layout order) and the data inputs "x0" (BN × 1, the
// seed indicator X), "free" (1 − X), "s0", "t0" and "w" on d, and returns the
// Q-values of every node of every copy (BN × 1).
func (nt *net) build(d *compiled.Def, theta []float64) (*G.Node, error) {
	cfg, t, bt := nt.cfg, nt.t, nt.bt
	nt.p = map[string]*G.Node{}
	off := 0
	for _, s := range layout(cfg) {
		var v []float64
		if theta != nil {
			v = theta[off : off+s.rows*s.cols]
		}
		nt.p[s.name] = d.Param(s.name, []int{s.rows, s.cols}, v)
		off += s.rows * s.cols
	}
	rep := func(x []float64) []float64 { // B copies of a per-node matrix
		out := make([]float64, 0, bt.b*len(x))
		for k := 0; k < bt.b; k++ {
			out = append(out, x...)
		}
		return out
	}
	x0 := d.Input("x0", []int{bt.n, 1}, nil)
	free := d.Input("free", []int{bt.n, 1}, nil)
	rho := d.Input("rho", []int{bt.n, 1}, nil)
	S := d.Input("s0", []int{bt.n, numFeatures}, rep(t.S0))
	T := d.Input("t0", []int{bt.n, numFeatures}, rep(t.T0))
	w := d.Input("w", []int{len(bt.src), 1}, bt.w)
	ones := make([]float64, cfg.Dim)
	for i := range ones {
		ones[i] = 1
	}
	nt.one = d.Input("ones", []int{1, cfg.Dim}, ones)
	X := x0
	for l := 1; l <= cfg.Layers; l++ {
		S, T, X = nt.layer(l, S, T, X, x0, free, w)
	}
	return nt.q(S, T, X, x0, rho), nil
}

// par returns parameter name of layer l.
func (nt *net) par(name string, l int) *G.Node {
	return nt.p[fmt.Sprintf("%s%d%s", name[:len(name)-len(suffix(name))], l, suffix(name))]
}

// suffix returns the ".x" part of a parameter name ("" if none).
func suffix(name string) string {
	for i := range name {
		if name[i] == '.' {
			return name[i:]
		}
	}
	return ""
}

func must(n *G.Node, err error) *G.Node { return G.Must(n, err) }

func leaky(x *G.Node) *G.Node { return must(G.LeakyRelu(x, slope)) }

// scale returns x (rows × d) times the 1×1 coefficient c.
func (nt *net) scale(x, c *G.Node) *G.Node {
	return must(G.BroadcastHadamardProd(x, must(G.Mul(c, nt.one)), nil, []byte{0}))
}

// widen returns the column v (rows × 1) repeated over d columns.
func (nt *net) widen(v *G.Node) *G.Node { return must(G.Mul(v, nt.one)) }

// mlp is the gate: LeakyReLU(LeakyReLU(x W1 + b1) W2 + b2).
func (nt *net) mlp(x *G.Node, name string, l int) *G.Node {
	h := leaky(must(G.BroadcastAdd(must(G.Mul(x, nt.par(name+".W1", l))), nt.par(name+".b1", l), nil, []byte{0})))
	return leaky(must(G.BroadcastAdd(must(G.Mul(h, nt.par(name+".W2", l))), nt.par(name+".b2", l), nil, []byte{0})))
}

// attention returns the coupled edge coefficients of one GNN: the
// attention softmax of LeakyReLU(a_sᵀ Ŝ_u + a_tᵀ T̂_v) over the arcs
// grouped by seg (in-arcs of v: dst; out-arcs of u: src), mixed with the
// edge weight: att·softmax + edge·w_uv (E_B × 1).
func (nt *net) attention(Sh, Th *G.Node, a string, l int, seg []int, att, edge, w *G.Node) *G.Node {
	bt := nt.bt
	es := must(ad.GatherRows(must(G.Mul(Sh, nt.par(a+".s", l))), bt.src))
	et := must(ad.GatherRows(must(G.Mul(Th, nt.par(a+".t", l))), bt.dst))
	sm := must(ad.SegmentSoftmaxRows(leaky(must(G.Add(es, et))), seg, bt.n))
	return must(G.Add(must(G.Mul(sm, att)), must(G.Mul(w, edge))))
}

// layer is one round of the three coupled GNNs (see the package
// documentation for the equations).
func (nt *net) layer(l int, S, T, X, x0, free, w *G.Node) (S2, T2, X2 *G.Node) {
	bt := nt.bt
	Sh := must(G.Mul(S, nt.par("W", l)))
	Th := must(G.Mul(T, nt.par("W", l)))
	// State GNN: X'_v = σ(x_self X_v + x_nb Σ_{u→v} g_uv X_u), seeds pinned to 1.
	g := nt.attention(Sh, Th, "eta", l, bt.dst, nt.par("x.att", l), nt.par("x.edge", l), w)
	av := must(ad.ScatterAddRows(must(G.HadamardProd(g, must(ad.GatherRows(X, bt.src)))), bt.dst, bt.n))
	xs := must(G.Sigmoid(must(G.Add(must(G.Mul(X, nt.par("x.self", l))), must(G.Mul(av, nt.par("x.nb", l)))))))
	X2 = must(G.Add(must(G.HadamardProd(xs, free)), x0))
	// Source GNN: b_u = Σ_{u→v} α_uv gate_s(T_v), α softmax over u's out-arcs.
	alpha := nt.attention(Sh, Th, "beta", l, bt.src, nt.par("s.att", l), nt.par("s.edge", l), w)
	gs := must(ad.GatherRows(nt.mlp(T, "sgate", l), bt.dst))
	b := must(ad.ScatterAddRows(must(G.HadamardProd(nt.widen(alpha), gs)), bt.src, bt.n))
	S2 = leaky(must(G.Add(must(G.Add(nt.scale(Sh, nt.par("s.self", l)), nt.scale(b, nt.par("s.nb", l)))),
		must(G.Mul(X2, must(G.Mul(nt.par("s.state", l), nt.one)))))))
	// Target GNN: c_v = Σ_{u→v} φ_uv gate_t(S_u), φ softmax over v's in-arcs.
	phi := nt.attention(Sh, Th, "tau", l, bt.dst, nt.par("t.att", l), nt.par("t.edge", l), w)
	gt := must(ad.GatherRows(nt.mlp(S, "tgate", l), bt.src))
	c := must(ad.ScatterAddRows(must(G.HadamardProd(nt.widen(phi), gt)), bt.dst, bt.n))
	T2 = leaky(must(G.Add(must(G.Add(nt.scale(Th, nt.par("t.self", l)), nt.scale(c, nt.par("t.nb", l)))),
		must(G.Mul(X2, must(G.Mul(nt.par("t.state", l), nt.one)))))))
	return S2, T2, X2
}

// q is the Q-network on every node v of every copy:
//
//	Q(v; S) = θ₁ᵀ LeakyReLU([θ₂ S_v, θ₄ (1/K) Σ_{w∈S} S_w, θ₃ (1/N) Σ_{u≠v} (1 − X_u) T_u, θ₅ ρ])
//
// with X the state GNN's last output (1 on the seeds), ρ = (K − |S|)/K the
// remaining budget, θ₁ split into its four d-blocks (the LeakyReLU acts
// elementwise).
func (nt *net) q(S, T, X, x0, rho *G.Node) *G.Node {
	bt, t := nt.bt, nt.t
	Tm := must(G.HadamardProd(T, nt.widen(must(G.Sub(G.NewConstant(1.0), X)))))
	sumT := must(ad.GatherRows(must(ad.ScatterAddRows(Tm, bt.graph, bt.b)), bt.graph))
	rest := must(G.Mul(must(G.Sub(sumT, Tm)), G.NewConstant(1/float64(t.N))))
	sumS := must(ad.GatherRows(must(ad.ScatterAddRows(must(G.HadamardProd(S, nt.widen(x0))), bt.graph, bt.b)), bt.graph))
	sumS = must(G.Mul(sumS, G.NewConstant(1/float64(nt.cfg.K))))
	a := must(G.Mul(leaky(must(G.Mul(S, nt.p["theta2"]))), nt.p["theta1.a"]))
	b := must(G.Mul(leaky(must(G.Mul(sumS, nt.p["theta4"]))), nt.p["theta1.b"]))
	c := must(G.Mul(leaky(must(G.Mul(rest, nt.p["theta3"]))), nt.p["theta1.c"]))
	r := must(G.Mul(leaky(must(G.Mul(rho, nt.p["theta5"]))), nt.p["theta1.d"]))
	return must(G.Add(must(G.Add(must(G.Add(a, b)), c)), r))
}
