package gat

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/models/nn"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/optim"
)

// Init returns the initial parameters θ of a GAT with configuration cfg,
// drawn from rng in New's order (the layout of nn.Params.Flatten).
func Init(cfg Config, rng *rand.Rand) ([]float64, error) {
	if rng == nil {
		return nil, errors.New("models/gat: Init: nil rng")
	}
	p := nn.NewParams(G.NewGraph())
	if _, err := New(p, cfg, rng); err != nil {
		return nil, err
	}
	return p.Flatten(nil)
}

// Apply evaluates the GAT with configuration cfg and parameters θ (Init's
// layout) on the N×In features x (row-major) over t. It returns the N×Out
// output and, per layer, the E×K attention coefficients α, row-major. It
// builds and compiles a graph on every call: for repeated use on one graph
// build the network with New inside a compiled program instead.
func Apply(cfg Config, theta []float64, t *Topology, x []float64) (h []float64, alpha [][]float64, err error) {
	if t == nil {
		return nil, nil, errors.New("models/gat: Apply: nil Topology")
	}
	if len(x) != t.N*cfg.In {
		return nil, nil, fmt.Errorf("models/gat: Apply: len(x) = %d, want N·In = %d", len(x), t.N*cfg.In)
	}
	g := G.NewGraph()
	p := nn.NewParams(g)
	net, err := New(p, cfg, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, nil, err
	}
	if err := p.Unflatten(theta); err != nil {
		return nil, nil, fmt.Errorf("models/gat: Apply: %w", err)
	}
	xn := G.NewMatrix(g, tensor.Float64, G.WithName("x"), G.WithShape(t.N, cfg.In),
		G.WithValue(tensor.New(tensor.WithShape(t.N, cfg.In), tensor.WithBacking(slices.Clone(x)))))
	out, alphas, err := net.Forward(xn, t)
	if err != nil {
		return nil, nil, err
	}
	vals := make([]G.Value, 1+len(alphas))
	G.Read(out, &vals[0])
	for l, a := range alphas {
		G.Read(a, &vals[l+1])
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		return nil, nil, fmt.Errorf("models/gat: Apply: %w", err)
	}
	h = slices.Clone(vals[0].Data().([]float64))
	for _, v := range vals[1:] {
		alpha = append(alpha, slices.Clone(v.Data().([]float64)))
	}
	return h, alpha, nil
}

// Sample is one training graph of the candidate finder: a subgraph Ĝ_{i,z}
// sampled from a layer, its node features and the target scores ω(v).
type Sample struct {
	// Graph is the subgraph's topology (self-loops as in the GAT config).
	Graph *Topology
	// X holds the node features, N×In row-major.
	X []float64
	// Score is the target ω(v) per node (MIM-Reasoner's eq. 8, or any
	// score to regress).
	Score []float64
	// Good marks V_z^g, the nodes the loss runs over; nil means every node.
	Good []bool
}

// FinderConfig configures TrainFinder.
type FinderConfig struct {
	// GAT is the network; its last layer must have width 1 (ω̂(v)).
	GAT Config
	// LR is Adam's learning rate (MIM-Reasoner, Table 3: 0.01).
	LR float64
	// Epochs is the number of full-batch Adam steps over all samples.
	Epochs int
	// Seed seeds the initial parameters.
	Seed uint64
}

// DefaultFinderConfig returns DefaultConfig(in, 1), LR 0.01 and 300 epochs.
func DefaultFinderConfig(in int) FinderConfig {
	return FinderConfig{GAT: DefaultConfig(in, 1), LR: 0.01, Epochs: 300, Seed: 1}
}

// Finder is a trained candidate finder ℐ: a GAT predicting ω̂(v).
type Finder struct {
	Config Config
	// Theta holds the trained parameters (Init's layout).
	Theta []float64
	// Trace is the training loop's trace (Objective is the loss J(Θ)).
	Trace *train.Trace
}

// TrainFinder fits a GAT to the samples' scores by minimising MIM-Reasoner's
// eq. 9,
//
//	J(Θ) = Σ_z 1/|V_z^g| Σ_{v ∈ V_z^g} (ω(v) − ω̂(v))²,
//
// with full-batch Adam over the disjoint union of the samples (the graph is
// built and compiled once). rec, if not nil, receives the loop's progress.
// It returns an error for invalid input (no samples, a sample whose sizes
// do not match the config, no good node in a sample) or a failed run.
func TrainFinder(samples []Sample, cfg FinderConfig, rec train.Recorder) (*Finder, error) {
	if err := cfg.GAT.Validate(); err != nil {
		return nil, err
	}
	if w := cfg.GAT.Layers[len(cfg.GAT.Layers)-1].Width(); w != 1 {
		return nil, fmt.Errorf("models/gat: TrainFinder: output width %d, want 1", w)
	}
	if !(cfg.LR > 0) || cfg.Epochs < 0 {
		return nil, fmt.Errorf("models/gat: TrainFinder: LR = %v, Epochs = %d, want LR > 0 and Epochs ≥ 0", cfg.LR, cfg.Epochs)
	}
	if len(samples) == 0 {
		return nil, errors.New("models/gat: TrainFinder: no samples")
	}
	// The disjoint union: node offsets, features, targets and per-node
	// weights 1/|V_z^g| on good nodes.
	var n int
	var src, dst []int
	var x, target, weight []float64
	for z, s := range samples {
		if s.Graph == nil || len(s.X) != s.Graph.N*cfg.GAT.In || len(s.Score) != s.Graph.N || (s.Good != nil && len(s.Good) != s.Graph.N) {
			return nil, fmt.Errorf("models/gat: TrainFinder: sample %d: sizes do not match (N, In) = (%d, %d)", z, nodesOf(s), cfg.GAT.In)
		}
		good := 0
		for v := range s.Graph.N {
			if s.Good == nil || s.Good[v] {
				good++
			}
		}
		if good == 0 {
			return nil, fmt.Errorf("models/gat: TrainFinder: sample %d has no good node", z)
		}
		for e := range s.Graph.Src {
			src = append(src, s.Graph.Src[e]+n)
			dst = append(dst, s.Graph.Dst[e]+n)
		}
		x = append(x, s.X...)
		target = append(target, s.Score...)
		for v := range s.Graph.N {
			w := 0.0
			if s.Good == nil || s.Good[v] {
				w = 1 / float64(good)
			}
			weight = append(weight, w)
		}
		n += s.Graph.N
	}
	// The samples' topologies already hold their self-loops.
	top, err := NewTopology(n, src, dst, false)
	if err != nil {
		return nil, err
	}
	vec := func(g *G.ExprGraph, name string, v []float64) *G.Node {
		return G.NewVector(g, tensor.Float64, G.WithName(name), G.WithShape(len(v)),
			G.WithValue(tensor.New(tensor.WithShape(len(v)), tensor.WithBacking(v))))
	}
	obj, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
		p := nn.NewParams(g)
		net, err := New(p, cfg.GAT, rand.New(rand.NewPCG(cfg.Seed, 0)))
		if err != nil {
			return nil, nil, err
		}
		xn := G.NewMatrix(g, tensor.Float64, G.WithName("x"), G.WithShape(n, cfg.GAT.In),
			G.WithValue(tensor.New(tensor.WithShape(n, cfg.GAT.In), tensor.WithBacking(x))))
		h, _, err := net.Forward(xn, top)
		if err != nil {
			return nil, nil, err
		}
		// Element-wise ops on the N×1 matrices, then a reshape of the
		// result (an element-wise op on a reshaped view may run in place
		// on the viewed buffer).
		om := G.NewMatrix(g, tensor.Float64, G.WithName("omega"), G.WithShape(n, 1),
			G.WithValue(tensor.New(tensor.WithShape(n, 1), tensor.WithBacking(target))))
		diff := G.Must(G.Sub(h, om))
		sq := G.Must(G.Reshape(G.Must(G.HadamardProd(diff, diff)), tensor.Shape{n}))
		// Σ_v w_v (ω − ω̂)²: G.Mul of two vectors is their dot product.
		cost, err := G.Mul(sq, vec(g, "weight", weight))
		return cost, p.Nodes(), err
	}, &compiled.Options{Name: "models/gat: TrainFinder"})
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	theta := obj.X()
	loop := &train.Loop{
		Objective: obj, MaxIters: cfg.Epochs, Method: "gat-finder", Recorder: rec,
		Stepper: train.NewAdamStep(&optim.Adam{LR: cfg.LR}, nil),
	}
	tr := new(train.Trace)
	if err := loop.Start(theta, tr); err != nil {
		return nil, err
	}
	if err := loop.Run(); err != nil {
		return nil, err
	}
	return &Finder{Config: cfg.GAT, Theta: theta, Trace: tr}, nil
}

// Predict returns ω̂(v) for every node of the graph t with features x
// (N×In, row-major).
func (f *Finder) Predict(t *Topology, x []float64) ([]float64, error) {
	h, _, err := Apply(f.Config, f.Theta, t, x)
	return h, err
}

// TopC returns the indices of the c largest scores, largest first (ties by
// smaller index), written into dst (allocated when nil): the candidate set
// V^g kept from ω̂. c is capped at len(score). It returns an error for c < 0.
func TopC(dst []int, score []float64, c int) ([]int, error) {
	if c < 0 {
		return nil, fmt.Errorf("models/gat: TopC: c = %d, want ≥ 0", c)
	}
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case score[a] > score[b]:
			return -1
		case score[a] < score[b]:
			return 1
		}
		return 0
	})
	c = min(c, len(score))
	return append(dst[:0], idx[:c]...), nil
}

// Recall returns |selected ∩ relevant| / |relevant| (1 for an empty
// relevant set). Duplicates count once.
func Recall(selected, relevant []int) float64 {
	want := make(map[int]bool, len(relevant))
	for _, v := range relevant {
		want[v] = true
	}
	if len(want) == 0 {
		return 1
	}
	hit := 0
	for _, v := range selected {
		if want[v] {
			hit++
			delete(want, v)
		}
	}
	return float64(hit) / float64(hit+len(want))
}

func nodesOf(s Sample) int {
	if s.Graph == nil {
		return 0
	}
	return s.Graph.N
}
