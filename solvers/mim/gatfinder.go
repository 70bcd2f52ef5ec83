package mim

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/gat"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/im"
)

// GATFeatures is the number of node features of the GAT candidate finder:
// out-degree and in-degree over the graph's largest out-degree, and the
// mean out-degree of the out-neighbours over the same maximum.
const GATFeatures = 3

// GATFinder is MIM-Reasoner's good-candidate finder ℐ (§4.1, App. A.1) as
// a CandidateFinder. On first use it samples Subgraphs subgraphs of every
// layer (breadth-first balls of SubSize nodes over in- and out-edges from
// random roots, induced edges), scores their nodes by the probabilistic
// greedy (Algorithm 3: Repeats runs of Budget steps, each step picking v
// with probability ∝ its marginal gain in σ of the subgraph alone, IC/LT
// of the layer's kind with the default values 1/in-degree, Runs Monte-Carlo
// runs) into ω(v) of eq. 8, and trains one GAT (models/gat TrainFinder,
// eq. 9, every node counted) on all layers' samples. Candidates(m, i)
// predicts ω̂ on the whole layer G_i and returns its top C nodes (largest
// first). With RecallK > 0 it also runs CELF with budget RecallK on σ_i
// over all the layer's nodes and stores the recall of that greedy solution
// by the top C in Recall[i].
type GATFinder struct {
	// C is the number of candidates kept (0 means 40).
	C int
	// Subgraphs per layer (0: 4), SubSize nodes each (0: 60).
	Subgraphs, SubSize int
	// Budget b (0: 5) and Repeats κ (0: 3) of the probabilistic greedy,
	// Runs Monte-Carlo runs per σ (0: 20).
	Budget, Repeats, Runs int
	// Epochs of full-batch Adam (0: 150) at LR 0.01 (Table 3).
	Epochs int
	// Seed seeds the sampling, the greedy and the GAT.
	Seed uint64
	// RecallK > 0 computes Recall (the greedy's budget).
	RecallK int

	// Finder is the trained GAT (after the first Candidates call) and
	// Recall[i] the recall of layer i's greedy solution.
	// A Finder set before the first call is used as is (no training).
	Finder *gat.Finder
	Recall map[int]float64
}

func (f *GATFinder) defaults() {
	f.C = orDefault(f.C, 40)
	f.Subgraphs, f.SubSize = orDefault(f.Subgraphs, 4), orDefault(f.SubSize, 60)
	f.Budget, f.Repeats, f.Runs = orDefault(f.Budget, 5), orDefault(f.Repeats, 3), orDefault(f.Runs, 20)
	f.Epochs = orDefault(f.Epochs, 150)
}

// gatConfig is a small GAT: 4 heads of 4 features (concatenated, ELU),
// then one head of width 1.
func gatConfig() gat.Config {
	c := gat.DefaultConfig(GATFeatures, 1)
	c.Layers[0] = gat.LayerConfig{Out: 4, Heads: 4, Concat: true}
	return c
}

// nodeFeatures returns the N×GATFeatures features of g.
func nodeFeatures(g *graphs.Graph) []float64 {
	maxd := 1
	for v := range g.N {
		maxd = max(maxd, g.OutDegree(v))
	}
	x := make([]float64, g.N*GATFeatures)
	md := float64(maxd)
	for v := range g.N {
		x[v*3] = float64(g.OutDegree(v)) / md
		x[v*3+1] = float64(g.InDegree(v)) / md
		if d := g.OutDegree(v); d > 0 {
			s := 0.0
			for _, u := range g.Dst[g.OutOff[v]:g.OutOff[v+1]] {
				s += float64(g.OutDegree(u))
			}
			x[v*3+2] = s / float64(d) / md
		}
	}
	return x
}

// sample returns the subgraph induced by a breadth-first ball of at most
// size nodes around a random root with an edge.
func sampleBall(g *graphs.Graph, size int, rng *rand.Rand) *graphs.Graph {
	var roots []int
	for v := range g.N {
		if g.OutDegree(v)+g.InDegree(v) > 0 {
			roots = append(roots, v)
		}
	}
	if len(roots) == 0 {
		return nil
	}
	idx := map[int]int{}
	order := []int{roots[rng.IntN(len(roots))]}
	idx[order[0]] = 0
	for h := 0; h < len(order) && len(order) < size; h++ {
		v := order[h]
		nb := slices.Clone(g.Dst[g.OutOff[v]:g.OutOff[v+1]])
		for _, e := range g.InEdges[g.InOff[v]:g.InOff[v+1]] {
			nb = append(nb, g.Src[e])
		}
		for _, u := range nb {
			if _, ok := idx[u]; !ok && len(order) < size {
				idx[u] = len(order)
				order = append(order, u)
			}
		}
	}
	var src, dst []int
	for _, v := range order {
		for _, u := range g.Dst[g.OutOff[v]:g.OutOff[v+1]] {
			if j, ok := idx[u]; ok {
				src, dst = append(src, idx[v]), append(dst, j)
			}
		}
	}
	sub, _, err := graphs.FromEdges(len(order), src, dst, nil, graphs.BuildOptions{})
	if err != nil {
		return nil
	}
	return sub
}

// omega runs the probabilistic greedy on sub and returns ω(v) (eq. 8)
// times the subgraph's size (mean ω·N ≤ 1, so the regression targets do
// not shrink with the subgraph).
func omega(sub *graphs.Graph, kind multiplex.Kind, budget, repeats, runs int, rng *rand.Rand) ([]float64, error) {
	mx, err := graphs.NewMultiplex([]string{"z"}, []*graphs.Graph{sub})
	if err != nil {
		return nil, err
	}
	mod, err := multiplex.New(mx, []multiplex.Layer{{Kind: kind}}, nil)
	if err != nil {
		return nil, err
	}
	o := multiplex.MustMC(mod, runs, rng.Uint64(), 1)
	num := make([]float64, sub.N)
	den := 0.0
	gain := make([]float64, sub.N)
	for range repeats {
		var s []int
		cur := 0.0
		for range min(budget, sub.N) {
			tot := 0.0
			for v := range sub.N {
				gain[v] = 0
				if !slices.Contains(s, v) {
					x, _ := o.Spread(append(s, v))
					gain[v] = max(x-cur, 0)
					tot += gain[v]
				}
			}
			if tot <= 0 {
				break
			}
			u, acc := rng.Float64()*tot, 0.0
			pick := -1
			for v := range sub.N {
				if gain[v] > 0 {
					pick = v
					if acc += gain[v]; acc > u {
						break
					}
				}
			}
			num[pick] += gain[pick]
			cur += gain[pick]
			s = append(s, pick)
		}
		den += cur
	}
	if den > 0 {
		for v := range num {
			num[v] *= float64(sub.N) / den
		}
	}
	return num, nil
}

func (f *GATFinder) train(m *multiplex.Model) error {
	f.defaults()
	rng := rand.New(rand.NewPCG(f.Seed, 0x6a7))
	cfg := gatConfig()
	var samples []gat.Sample
	for i := range m.NumLayers() {
		for range f.Subgraphs {
			sub := sampleBall(m.Layer(i), f.SubSize, rng)
			if sub == nil {
				continue
			}
			w, err := omega(sub, m.Kinds()[i], f.Budget, f.Repeats, f.Runs, rng)
			if err != nil {
				return err
			}
			top, err := gat.TopologyOf(sub, cfg.SelfLoops)
			if err != nil {
				return err
			}
			samples = append(samples, gat.Sample{Graph: top, X: nodeFeatures(sub), Score: w})
		}
	}
	fc := gat.FinderConfig{GAT: cfg, LR: 0.01, Epochs: f.Epochs, Seed: f.Seed}
	fd, err := gat.TrainFinder(samples, fc, nil)
	if err != nil {
		return err
	}
	f.Finder = fd
	return nil
}

// NewGATFinder returns a GATFinder using trained parameters theta (the
// layout of Finder.Theta for the finder's fixed small architecture).
func NewGATFinder(theta []float64) *GATFinder {
	return &GATFinder{Finder: &gat.Finder{Config: gatConfig(), Theta: slices.Clone(theta)}}
}

// Candidates implements CandidateFinder.
func (f *GATFinder) Candidates(m *multiplex.Model, layer int) ([]int, error) {
	if f.Finder == nil {
		if err := f.train(m); err != nil {
			return nil, fmt.Errorf("GAT finder: %w", err)
		}
	}
	f.defaults()
	g := m.Layer(layer)
	top, err := gat.TopologyOf(g, f.Finder.Config.SelfLoops)
	if err != nil {
		return nil, err
	}
	score, err := f.Finder.Predict(top, nodeFeatures(g))
	if err != nil {
		return nil, err
	}
	// Isolated nodes in the layer cannot spread in it: rank them last.
	for v := range g.N {
		if g.OutDegree(v) == 0 {
			score[v] -= 1e6
		}
	}
	cand, err := gat.TopC(nil, score, f.C)
	if err != nil {
		return nil, err
	}
	if f.RecallK > 0 {
		if f.Recall == nil {
			f.Recall = map[int]float64{}
		}
		all, _ := LayerNodes{}.Candidates(m, layer)
		o := multiplex.MustMC(m.Sub(layer), f.Runs, f.Seed, 0)
		r, err := im.Maximize(&im.Problem{Oracle: o, N: m.NumNodes(), K: min(f.RecallK, len(all)), Candidates: all}, nil, im.CELF{})
		if err != nil {
			return nil, err
		}
		f.Recall[layer] = gat.Recall(cand, r.Seeds)
	}
	return cand, nil
}
