package gat

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/models/nn"
)

// LayerConfig configures one graph attention layer.
type LayerConfig struct {
	// Out is F′, the number of output features per head; ≥ 1.
	Out int
	// Heads is K, the number of attention heads; ≥ 1.
	Heads int
	// Concat concatenates the K heads (output width K·F′); otherwise they
	// are averaged (width F′), as in the paper's output layer.
	Concat bool
}

// Config configures a GAT. Start from DefaultConfig and override fields.
type Config struct {
	// Name prefixes the parameter names ("gat.0.W", ...); must not be empty.
	Name string
	// In is F, the number of input features per node; ≥ 1.
	In int
	// Layers lists the layers in order; at least one.
	Layers []LayerConfig
	// NegativeSlope is the LeakyReLU slope of the attention logits, in
	// [0, 1). The paper uses 0.2.
	NegativeSlope float64
	// Activation is applied after every layer but the last (the paper: ELU).
	Activation nn.Activation
	// SelfLoops adds the edge i → i for every node before the layer is
	// applied (Topology does it), so that a node attends to itself.
	SelfLoops bool
}

// DefaultConfig returns the transductive architecture of Veličković et al.
// (2018, §3.3) with in input and out output features: a first layer of
// K = 8 heads of F′ = 8 features, concatenated, ELU, and an output layer of
// one head of out features; LeakyReLU slope 0.2, self-loops on. MIM-Reasoner
// (Do et al., AISTATS 2024, Table 3) names GATConv layers with ELU.
func DefaultConfig(in, out int) Config {
	return Config{
		Name: "gat",
		In:   in,
		Layers: []LayerConfig{
			{Out: 8, Heads: 8, Concat: true},
			{Out: out, Heads: 1, Concat: false},
		},
		NegativeSlope: 0.2,
		Activation:    nn.ELU(1),
		SelfLoops:     true,
	}
}

// Validate returns an error describing the first invalid field of c.
func (c Config) Validate() error {
	switch {
	case c.Name == "":
		return errors.New("models/gat: empty Name")
	case c.In < 1:
		return fmt.Errorf("models/gat: In = %d, want ≥ 1", c.In)
	case len(c.Layers) == 0:
		return errors.New("models/gat: no layers")
	case !(c.NegativeSlope >= 0 && c.NegativeSlope < 1):
		return fmt.Errorf("models/gat: NegativeSlope = %v, want in [0, 1)", c.NegativeSlope)
	}
	for l, lc := range c.Layers {
		if lc.Out < 1 || lc.Heads < 1 {
			return fmt.Errorf("models/gat: Layers[%d] = %+v, want Out ≥ 1 and Heads ≥ 1", l, lc)
		}
	}
	return nil
}

// Width returns the output width of layer l: Heads·Out when it
// concatenates, Out otherwise.
func (lc LayerConfig) Width() int {
	if lc.Concat {
		return lc.Heads * lc.Out
	}
	return lc.Out
}

// Topology is the edge list a GAT attends over: edge e = Src[e] → Dst[e]
// carries a message from Src[e] (j) to Dst[e] (i), and node i normalises its
// attention over its in-edges. Build it once per graph with NewTopology and
// reuse it.
type Topology struct {
	// N is the number of nodes.
	N int
	// Src and Dst are the endpoints, self-loops included when requested.
	Src, Dst []int
	seg      *ad.Segments // the in-edges of each node (seg = Dst)
}

// NewTopology validates the edges j = src[e] → i = dst[e] of an n-node
// graph and, if selfLoops, appends i → i for every node i (PyTorch
// Geometric's add_self_loops; an existing self-loop is kept, so that node
// then has two). The slices are copied. It returns an error for n < 1,
// mismatched lengths or an endpoint outside [0, n).
func NewTopology(n int, src, dst []int, selfLoops bool) (*Topology, error) {
	if n < 1 {
		return nil, fmt.Errorf("models/gat: NewTopology: n = %d, want ≥ 1", n)
	}
	if len(src) != len(dst) {
		return nil, fmt.Errorf("models/gat: NewTopology: len(src) = %d, len(dst) = %d", len(src), len(dst))
	}
	m := len(src)
	if selfLoops {
		m += n
	}
	t := &Topology{N: n, Src: make([]int, 0, m), Dst: make([]int, 0, m)}
	for e := range src {
		if src[e] < 0 || src[e] >= n || dst[e] < 0 || dst[e] >= n {
			return nil, fmt.Errorf("models/gat: NewTopology: edge %d = %d → %d outside [0, %d)", e, src[e], dst[e], n)
		}
	}
	t.Src = append(t.Src, src...)
	t.Dst = append(t.Dst, dst...)
	if selfLoops {
		for i := range n {
			t.Src = append(t.Src, i)
			t.Dst = append(t.Dst, i)
		}
	}
	if len(t.Src) == 0 {
		return nil, errors.New("models/gat: NewTopology: no edges (enable self-loops)")
	}
	seg, err := ad.NewSegments(t.Dst, n)
	if err != nil {
		return nil, fmt.Errorf("models/gat: NewTopology: %w", err)
	}
	t.seg = seg
	return t, nil
}

// TopologyOf is NewTopology over the edges of g.
func TopologyOf(g *graphs.Graph, selfLoops bool) (*Topology, error) {
	if g == nil {
		return nil, errors.New("models/gat: TopologyOf: nil graph")
	}
	return NewTopology(g.N, g.Src, g.Dst, selfLoops)
}

// Layer holds the parameters of one attention layer with K heads of F′
// features over F inputs.
type Layer struct {
	LayerConfig
	In int
	// W is the shared projection, F × (K·F′): head k is columns k·F′ … k·F′+F′−1.
	W *G.Node
	// ASrc and ADst are a = [a_dst ‖ a_src] split by role, each a vector of
	// K·F′ entries laid out like the columns of W.
	ASrc, ADst *G.Node
	// B is the bias, of length Width().
	B *G.Node

	heads  *G.Node // K·F′ × K block indicator: 1 where column c belongs to head c/F′
	spread *G.Node // K × K·F′, its transpose (repeats a head's α over its F′ columns)
	mean   *G.Node // K·F′ × F′ stacked identities / K (head average); nil when concatenating
}

// GAT is a stack of graph attention layers.
type GAT struct {
	Config Config
	Layers []*Layer
}

// New registers the parameters of every layer in p, in layer order (W,
// a_src, a_dst, b per layer), W and a Glorot-uniform from rng (as PyTorch
// Geometric's GATConv), b zero, and returns the network. It returns an
// error if cfg is invalid or a parameter cannot be registered.
func New(p *nn.Params, cfg Config, rng *rand.Rand) (*GAT, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errors.New("models/gat: New: nil Params")
	}
	net := &GAT{Config: cfg}
	in := cfg.In
	for l, lc := range cfg.Layers {
		name := cfg.Name + "." + strconv.Itoa(l)
		kf := lc.Heads * lc.Out
		ly := &Layer{LayerConfig: lc, In: in}
		var err error
		if ly.W, err = p.New(name+".W", []int{in, kf}, nn.GlorotUniform{}, rng); err != nil {
			return nil, fmt.Errorf("models/gat: %w", err)
		}
		// a has fan-in F′ and fan-out 1 per head (the (1, K, F′) tensor of
		// GATConv); Glorot over that shape.
		if ly.ASrc, err = p.New(name+".a_src", []int{kf}, attInit{lc.Out}, rng); err != nil {
			return nil, fmt.Errorf("models/gat: %w", err)
		}
		if ly.ADst, err = p.New(name+".a_dst", []int{kf}, attInit{lc.Out}, rng); err != nil {
			return nil, fmt.Errorf("models/gat: %w", err)
		}
		if ly.B, err = p.New(name+".b", []int{lc.Width()}, nn.Zeros{}, nil); err != nil {
			return nil, fmt.Errorf("models/gat: %w", err)
		}
		g := p.Graph()
		hd := make([]float64, kf*lc.Heads)
		sp := make([]float64, lc.Heads*kf)
		for c := range kf {
			hd[c*lc.Heads+c/lc.Out] = 1
			sp[(c/lc.Out)*kf+c] = 1
		}
		ly.heads = constMatrix(g, name+".heads", kf, lc.Heads, hd)
		ly.spread = constMatrix(g, name+".spread", lc.Heads, kf, sp)
		if !lc.Concat {
			mn := make([]float64, kf*lc.Out)
			for c := range kf {
				mn[c*lc.Out+c%lc.Out] = 1 / float64(lc.Heads)
			}
			ly.mean = constMatrix(g, name+".mean", kf, lc.Out, mn)
		}
		net.Layers = append(net.Layers, ly)
		in = lc.Width()
	}
	return net, nil
}

// attInit is Glorot-uniform over a (1, F′) slice per head.
type attInit struct{ out int }

func (a attInit) Fill(dst []float64, rows, cols int, rng *rand.Rand) error {
	return nn.GlorotUniform{}.Fill(dst, len(dst)/a.out, a.out, rng)
}

// constMatrix adds a fixed, named input matrix (never differentiated).
func constMatrix(g *G.ExprGraph, name string, r, c int, v []float64) *G.Node {
	return G.NewMatrix(g, tensor.Float64, G.WithName(name), G.WithShape(r, c),
		G.WithValue(tensor.New(tensor.WithShape(r, c), tensor.WithBacking(v))))
}

// Out returns the width of the network's output.
func (n *GAT) Out() int { return n.Config.Layers[len(n.Config.Layers)-1].Width() }

// Forward applies every layer to the N×F node features x over t and
// returns the N×Out output and, per layer, the E×K attention coefficients
// α (row e = edge t.Src[e] → t.Dst[e], column k = head k). The hidden
// activation follows every layer but the last. It returns an error if x is
// not a float64 N×F matrix or t is nil.
func (n *GAT) Forward(x *G.Node, t *Topology) (*G.Node, []*G.Node, error) {
	if t == nil || t.seg == nil {
		return nil, nil, errors.New("models/gat: Forward: nil Topology (use NewTopology)")
	}
	if x == nil || x.Dtype() != tensor.Float64 || x.Shape().Dims() != 2 || x.Shape()[0] != t.N || x.Shape()[1] != n.Config.In {
		return nil, nil, fmt.Errorf("models/gat: Forward: input %v, want a float64 %d×%d matrix", x, t.N, n.Config.In)
	}
	h := x
	alphas := make([]*G.Node, len(n.Layers))
	for l, ly := range n.Layers {
		var err error
		if h, alphas[l], err = ly.forward(h, t, n.Config.NegativeSlope); err != nil {
			return nil, nil, fmt.Errorf("models/gat: layer %d: %w", l, err)
		}
		if l < len(n.Layers)-1 {
			if h, err = n.Config.Activation.Apply(h); err != nil {
				return nil, nil, fmt.Errorf("models/gat: layer %d: %w", l, err)
			}
		}
	}
	return h, alphas, nil
}

// forward is one layer in PyTorch Geometric's message / aggregate / update
// split; see the package documentation for the equations.
func (ly *Layer) forward(h *G.Node, t *Topology, slope float64) (out, alpha *G.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, alpha, err = nil, nil, fmt.Errorf("%v", r)
		}
	}()
	wh := G.Must(G.Mul(h, ly.W)) // N × K·F′: W h_j for every head
	// Per-head halves of the attention logit: s_src[j,k] = a_src,kᵀ W_k h_j.
	sSrc := G.Must(G.Mul(G.Must(G.BroadcastHadamardProd(wh, ly.ASrc, nil, []byte{0})), ly.heads))
	sDst := G.Must(G.Mul(G.Must(G.BroadcastHadamardProd(wh, ly.ADst, nil, []byte{0})), ly.heads))
	// message: e_ij = LeakyReLU(s_dst[i] + s_src[j]) on edge j → i (E × K).
	e := G.Must(G.Add(G.Must(ad.GatherRows(sDst, t.Dst)), G.Must(ad.GatherRows(sSrc, t.Src))))
	e = G.Must(G.LeakyRelu(e, slope))
	// α_ij: softmax over the in-edges of i, per head.
	alpha = G.Must(ad.SegmentSoftmaxRowsWith(e, t.seg))
	// α_ij · W h_j, each head's α repeated over its F′ columns.
	msg := G.Must(G.HadamardProd(G.Must(ad.GatherRows(wh, t.Src)), G.Must(G.Mul(alpha, ly.spread))))
	// aggregate: Σ_{j→i}.
	agg := G.Must(ad.ScatterAddRows(msg, t.Dst, t.N))
	// update: concatenate (already the layout) or average the heads, add b.
	if ly.mean != nil {
		agg = G.Must(G.Mul(agg, ly.mean))
	}
	out = G.Must(G.BroadcastAdd(agg, ly.B, nil, []byte{0}))
	return out, alpha, nil
}
