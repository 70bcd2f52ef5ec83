package deepim

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/internal/parallel"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/models/diffusion"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/train/optim"
)

// Config holds DeepIM's sizes and training options. A zero field means its
// documented default (Default's value).
type Config struct {
	// Budget is the k the model is trained for: the training seed sets
	// have sizes uniform in 1..2·Budget (capped at n). Zero means
	// ⌈n/20⌉. Select works for any k but is best near Budget.
	Budget int
	// Samples is the number of training seed sets; Runs the Monte-Carlo
	// cascades per set that estimate its activation probabilities.
	Samples, Runs int
	// Latent is the VAE's latent size d and Hidden its hidden width.
	Latent, Hidden int
	// Layers and Features are the estimator's GNN depth L and width F.
	Layers, Features int
	// Epochs is the maximum number of passes over the samples and Batch
	// the mini-batch size B.
	Epochs, Batch int
	// LR is Adam's learning rate for both networks.
	LR float64
	// Beta weighs the KL term of the VAE loss.
	Beta float64
	// Epsilon is the early-stopping threshold on the reconstruction
	// accuracy gain per quarter of Epochs (MIM-Reasoner §5.1). Negative
	// turns early stopping off.
	Epsilon float64
	// Lambda weighs the budget penalty λ(Σ x̂ − k)² of the selection.
	Lambda float64
	// Prior weighs the Gaussian prior term (γ/2)‖z‖² of the selection.
	// Negative turns it off.
	Prior float64
	// InferSteps and InferLR are the Adam steps and learning rate of the
	// latent ascent; Starts the number of starting points.
	InferSteps int
	InferLR    float64
	Starts     int
	// NoRecon drops the estimator's second step per batch, on the VAE's
	// reconstructions x̂ of the batch (target p(S), DeepIM's f(x̂)).
	NoRecon bool
	// Rule is the training-set and search rule: RuleTuned (the default,
	// "" means it) or RulePaper (doc.go).
	Rule string
	// Polish is the maximum number of single-swap passes on the estimator
	// per start under RuleTuned (default 2).
	Polish int
	// Seed fixes every random choice (sets, worlds, initialisation,
	// batches, noise).
	Seed uint64
	// Workers is the number of goroutines of the Monte-Carlo labelling
	// (0: GOMAXPROCS). Results do not depend on it.
	Workers int
}

// Default returns the default configuration: 512 training sets × 50 runs,
// d = 16, hidden 128, L = 3, F = 16, 100 epochs of batches of 16, Adam
// 3e-3, β = 1, ε = 0.005, λ = 1, γ = 1, 200 ascent steps at 0.05 from 4
// starts, RuleTuned with 2 polish passes.
func Default() Config {
	return Config{Samples: 512, Runs: 50, Latent: 16, Hidden: 128, Layers: 3, Features: 16,
		Epochs: 100, Batch: 16, LR: 3e-3, Beta: 1, Epsilon: 0.005, Lambda: 1, Prior: 1,
		InferSteps: 200, InferLR: 0.05, Starts: 4, Rule: RuleTuned, Polish: 2}
}

// resolve fills the defaults and validates.
func (c Config) resolve(n int) (Config, error) {
	d := Default()
	fill := func(x *int, v int) {
		if *x == 0 {
			*x = v
		}
	}
	fillF := func(x *float64, v float64) {
		if *x == 0 {
			*x = v
		}
	}
	fill(&c.Budget, (n+19)/20)
	fill(&c.Samples, d.Samples)
	fill(&c.Runs, d.Runs)
	fill(&c.Latent, d.Latent)
	fill(&c.Hidden, d.Hidden)
	fill(&c.Layers, d.Layers)
	fill(&c.Features, d.Features)
	fill(&c.Epochs, d.Epochs)
	fill(&c.Batch, d.Batch)
	fill(&c.InferSteps, d.InferSteps)
	fill(&c.Starts, d.Starts)
	fill(&c.Polish, d.Polish)
	if c.Rule == "" {
		c.Rule = d.Rule
	}
	if c.Rule != RulePaper && c.Rule != RuleTuned {
		return c, fmt.Errorf("deepim: Config.Rule = %q, want %q or %q", c.Rule, RuleTuned, RulePaper)
	}
	fillF(&c.LR, d.LR)
	fillF(&c.Beta, d.Beta)
	fillF(&c.Epsilon, d.Epsilon)
	fillF(&c.Lambda, d.Lambda)
	fillF(&c.Prior, d.Prior)
	c.Prior = max(c.Prior, 0)
	fillF(&c.InferLR, d.InferLR)
	for _, f := range []struct {
		name string
		v    int
	}{{"Budget", c.Budget}, {"Samples", c.Samples}, {"Runs", c.Runs}, {"Latent", c.Latent}, {"Hidden", c.Hidden},
		{"Layers", c.Layers}, {"Features", c.Features}, {"Epochs", c.Epochs}, {"Batch", c.Batch},
		{"InferSteps", c.InferSteps}, {"Starts", c.Starts}, {"Polish", c.Polish}} {
		if f.v < 1 {
			return c, fmt.Errorf("deepim: Config.%s = %d, want ≥ 1", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"LR", c.LR}, {"Beta", c.Beta}, {"Lambda", c.Lambda}, {"InferLR", c.InferLR}} {
		if !(f.v > 0) || math.IsInf(f.v, 0) {
			return c, fmt.Errorf("deepim: Config.%s = %v, want a finite value > 0", f.name, f.v)
		}
	}
	if math.IsNaN(c.Epsilon) || math.IsInf(c.Epsilon, 0) {
		return c, fmt.Errorf("deepim: Config.Epsilon = %v, want finite", c.Epsilon)
	}
	if math.IsNaN(c.Prior) || math.IsInf(c.Prior, 0) {
		return c, fmt.Errorf("deepim: Config.Prior = %v, want finite", c.Prior)
	}
	if c.Workers < 0 {
		return c, fmt.Errorf("deepim: Config.Workers = %d, want ≥ 0", c.Workers)
	}
	return c, nil
}

// Stats describes a training run.
type Stats struct {
	// Epochs is the number of epochs run; EarlyStopped reports that the
	// reconstruction-accuracy rule stopped training before Config.Epochs.
	Epochs       int
	EarlyStopped bool
	// VAELoss and EstimatorLoss are the mean mini-batch losses L_VAE and
	// L_f (its step on the true x) of each epoch.
	VAELoss, EstimatorLoss []float64
	// Accuracy is the reconstruction accuracy before training and at each
	// quarter of Epochs reached (see doc.go).
	Accuracy []float64
	// LabelTime is the Monte-Carlo labelling time, TrainTime the whole of
	// Train (labelling included).
	LabelTime, TrainTime time.Duration
}

// Model is a trained DeepIM: the seed-set VAE and the diffusion estimator
// of one multiplex. It is not safe for concurrent use.
type Model struct {
	cfg   Config
	u     *union
	names []string    // parameter names of both networks
	vals  [][]float64 // their trained values
	// starts: the training sets' encoder means and sizes, by descending
	// Monte-Carlo spread
	starts [][]float64
	sizes  []int
	est    *compiled.Objective // f(x) for one seed set (B = 1), lazily
	estG   *estGraph
	local  *localEst // f of single-node changes (RuleTuned's search), lazily
}

// data is the labelled training set: sample i's seed set and its
// activation probabilities p_i (n entries).
type data struct {
	sets   [][]int
	p      [][]float64
	spread []float64
}

// label draws cfg.Samples seed sets and estimates their per-node activation
// probabilities with cfg.Runs multiplex cascades each (world
// NewWorld(Seed, labelStream, i·Runs + r)).
func label(ctx context.Context, m *multiplex.Model, u *union, cfg *Config) (*data, error) {
	n := m.NumNodes()
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	d := &data{sets: make([][]int, cfg.Samples), p: make([][]float64, cfg.Samples), spread: make([]float64, cfg.Samples)}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	maxSize := min(2*cfg.Budget, n)
	var weight, key []float64
	var idx []int
	if cfg.Rule == RuleTuned {
		weight, key, idx = degreeWeights(u), make([]float64, n), make([]int, n)
	}
	for i := range d.sets {
		size := 1 + rng.IntN(maxSize)
		if weight != nil && i%2 == 1 { // RuleTuned: every other set degree-biased
			d.sets[i] = biasedSet(nil, rng, weight, size, key, idx)
			continue
		}
		for j := range size { // partial Fisher–Yates
			r := j + rng.IntN(n-j)
			perm[j], perm[r] = perm[r], perm[j]
		}
		d.sets[i] = slices.Clone(perm[:size])
	}
	workers := parallel.Workers(cfg.Workers, cfg.Samples)
	sims := make([]*multiplex.Simulator, workers)
	bufs := make([][]int32, workers)
	for w := range sims {
		sims[w] = m.NewSimulator()
	}
	parallel.For(cfg.Samples, workers, 1, func(w, i int) {
		if ctx.Err() != nil {
			return
		}
		cnt := make([]float64, n)
		for r := range cfg.Runs {
			bufs[w] = sims[w].Reach(bufs[w][:0], diffusion.NewWorld(cfg.Seed, labelStream, uint64(i*cfg.Runs+r)), d.sets[i])
			for _, v := range bufs[w] {
				cnt[v]++
			}
		}
		s := 0.0
		for v := range cnt {
			s += cnt[v]
			cnt[v] /= float64(cfg.Runs)
		}
		d.p[i], d.spread[i] = cnt, s/float64(cfg.Runs)
	})
	return d, ctx.Err()
}

// labelStream is the world stream of the training labels.
const labelStream = 0x64656570696d // "deepim"

// adamParams splits an objective's parameter vector into optim.Params, the
// estimator's weight matrices projected onto W ≥ 0.
func adamParams(obj *compiled.Objective, theta, grad []float64) []*optim.Param {
	var ps []*optim.Param
	for _, f := range obj.Params() {
		p := &optim.Param{Name: f.Name, Value: theta[f.Offset : f.Offset+f.Size], Grad: grad[f.Offset : f.Offset+f.Size]}
		if nonNegative(f.Name) {
			p.Project = optim.NonNegative{}
		}
		ps = append(ps, p)
	}
	return ps
}

// Train labels Config.Samples random seed sets of the multiplex m by Monte
// Carlo, then trains the VAE (L_VAE) and the diffusion estimator (L_f) on
// them with Adam, epoch by epoch, until Config.Epochs or the early-stopping
// rule (doc.go). It returns an error for a nil model, an invalid Config, a
// failed graph run or a cancelled ctx.
func Train(ctx context.Context, m *multiplex.Model, cfg Config) (*Model, Stats, error) {
	t0 := time.Now()
	var st Stats
	if m == nil {
		return nil, st, errors.New("deepim: Train: nil model")
	}
	n := m.NumNodes()
	c, err := cfg.resolve(n)
	if err != nil {
		return nil, st, err
	}
	u, err := newUnion(m)
	if err != nil {
		return nil, st, fmt.Errorf("deepim: Train: %w", err)
	}
	d, err := label(ctx, m, u, &c)
	if err != nil {
		return nil, st, fmt.Errorf("deepim: Train: %w", err)
	}
	st.LabelTime = time.Since(t0)
	B := min(c.Batch, c.Samples)

	vg := &vaeGraph{}
	vobj, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) { return vg.build(g, &c, n, B) },
		&compiled.Options{Name: "deepim: VAE"})
	if err != nil {
		return nil, st, err
	}
	defer vobj.Close()
	eg := &estGraph{}
	eobj, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) { return eg.build(g, &c, u, B, false) },
		&compiled.Options{Name: "deepim: estimator"})
	if err != nil {
		return nil, st, err
	}
	defer eobj.Close()
	vTheta, eTheta := vobj.X(), eobj.X()
	vGrad, eGrad := make([]float64, len(vTheta)), make([]float64, len(eTheta))
	vParams, eParams := adamParams(vobj, vTheta, vGrad), adamParams(eobj, eTheta, eGrad)
	vAdam, eAdam := &optim.Adam{LR: c.LR}, &optim.Adam{LR: c.LR}

	xV, epsV := vobj.Data("x"), vobj.Data("eps")
	xE, xfE, xcE, pE := eobj.Data("x"), eobj.Data("xf"), eobj.Data("xc"), eobj.Data("p")
	fillVAE := func(batch []int) {
		clear(xV)
		for b, i := range batch {
			for _, v := range d.sets[i] {
				xV[b*n+v] = 1
			}
		}
	}
	fillEst := func(batch []int) {
		clear(xE)
		for b, i := range batch {
			for _, v := range d.sets[i] {
				xE[v*B+b] = 1
			}
			for v := range n {
				pE[v*B+b] = d.p[i][v]
			}
		}
		copy(xfE, xE)
		for j, x := range xE {
			xcE[j] = 1 - x
		}
	}
	// accuracy runs the VAE on the decoded means (ε = 0) of every sample
	// and returns the mean fraction of S recovered by the top-|S| logits;
	// with means != nil it also stores each sample's μ.
	accuracy := func(means [][]float64) (float64, error) {
		vobj.SetX(vTheta)
		clear(epsV)
		acc := 0.0
		batch := make([]int, B)
		top := make([]int, n)
		for lo := 0; lo < c.Samples; lo += B {
			for b := range batch {
				batch[b] = (lo + b) % c.Samples
			}
			fillVAE(batch)
			if _, err := vobj.Run(); err != nil {
				return 0, err
			}
			logits := vg.logits.Data().([]float64)
			mu := vg.mu.Data().([]float64)
			for b, i := range batch {
				if lo+b >= c.Samples {
					break
				}
				s := d.sets[i]
				topK(top[:0], logits[b*n:(b+1)*n], len(s))
				hit := 0
				for _, v := range top[:len(s)] {
					if slices.Contains(s, v) {
						hit++
					}
				}
				acc += float64(hit) / float64(len(s))
				if means != nil {
					means[i] = slices.Clone(mu[b*c.Latent : (b+1)*c.Latent])
				}
			}
		}
		return acc / float64(c.Samples), nil
	}

	rng := rand.New(rand.NewPCG(c.Seed, 4))
	quarter := max(1, c.Epochs/4)
	acc, err := accuracy(nil)
	if err != nil {
		return nil, st, err
	}
	st.Accuracy = append(st.Accuracy, acc)
	batch := make([]int, B)
	for ep := 0; ep < c.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			return nil, st, fmt.Errorf("deepim: Train: %w", err)
		}
		perm := rng.Perm(c.Samples)
		var lv, lf float64
		steps := 0
		for lo := 0; lo < c.Samples; lo += B {
			for b := range batch {
				batch[b] = perm[(lo+b)%c.Samples]
			}
			fillVAE(batch)
			for j := range epsV {
				epsV[j] = rng.NormFloat64()
			}
			f, err := vobj.Eval(vTheta, vGrad)
			if err != nil {
				return nil, st, fmt.Errorf("deepim: Train: epoch %d: %w", ep, err)
			}
			if err := vAdam.Step(vParams); err != nil {
				return nil, st, fmt.Errorf("deepim: Train: epoch %d: %w", ep, err)
			}
			lv += f
			if !c.NoRecon {
				// DeepIM's y = f(x̂): the estimator also learns the spread
				// of S from the VAE's reconstruction x̂ of this step.
				fillEst(batch)
				logits := vg.logits.Data().([]float64)
				for b := range batch {
					for v := range n {
						xh := 1 / (1 + math.Exp(-logits[b*n+v]))
						xE[v*B+b], xfE[v*B+b], xcE[v*B+b] = xh, xh, 1-xh
					}
				}
				if _, err = eobj.Eval(eTheta, eGrad); err != nil {
					return nil, st, fmt.Errorf("deepim: Train: epoch %d: %w", ep, err)
				}
				if err := eAdam.Step(eParams); err != nil {
					return nil, st, fmt.Errorf("deepim: Train: epoch %d: %w", ep, err)
				}
			}
			fillEst(batch)
			if f, err = eobj.Eval(eTheta, eGrad); err != nil {
				return nil, st, fmt.Errorf("deepim: Train: epoch %d: %w", ep, err)
			}
			if err := eAdam.Step(eParams); err != nil {
				return nil, st, fmt.Errorf("deepim: Train: epoch %d: %w", ep, err)
			}
			lf += f
			steps++
		}
		st.VAELoss = append(st.VAELoss, lv/float64(steps))
		st.EstimatorLoss = append(st.EstimatorLoss, lf/float64(steps))
		st.Epochs = ep + 1
		if (ep+1)%quarter == 0 && ep+1 < c.Epochs {
			a, err := accuracy(nil)
			if err != nil {
				return nil, st, err
			}
			st.Accuracy = append(st.Accuracy, a)
			if c.Epsilon >= 0 && a-acc <= c.Epsilon {
				st.EarlyStopped = true
				break
			}
			acc = a
		}
	}
	means := make([][]float64, c.Samples)
	if _, err := accuracy(means); err != nil {
		return nil, st, err
	}
	model := &Model{cfg: c, u: u}
	for _, o := range []struct {
		obj   *compiled.Objective
		theta []float64
	}{{vobj, vTheta}, {eobj, eTheta}} {
		for _, f := range o.obj.Params() {
			model.names = append(model.names, f.Name)
			model.vals = append(model.vals, slices.Clone(o.theta[f.Offset:f.Offset+f.Size]))
		}
	}
	order := make([]int, c.Samples)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(d.spread[b], d.spread[a]) })
	for _, i := range order {
		model.starts = append(model.starts, means[i])
		model.sizes = append(model.sizes, len(d.sets[i]))
	}
	st.TrainTime = time.Since(t0)
	return model, st, nil
}

// topK appends to dst the indices of the k largest scores, descending,
// ties by lower index, and returns it.
func topK(dst []int, score []float64, k int) []int {
	dst = dst[:0]
	for v := range score {
		dst = append(dst, v)
	}
	slices.SortStableFunc(dst, func(a, b int) int { return cmp.Compare(score[b], score[a]) })
	return dst[:k]
}

// NumNodes returns the number of nodes n of the multiplex.
func (m *Model) NumNodes() int { return m.u.n }

// bind copies the trained parameters into obj's inputs of the same names.
func (m *Model) bind(obj *compiled.Objective) error {
	for i, name := range m.names {
		buf := obj.Data(name)
		if buf == nil {
			continue // the other network's parameters
		}
		if len(buf) != len(m.vals[i]) {
			return fmt.Errorf("deepim: parameter %s has %d values, want %d", name, len(m.vals[i]), len(buf))
		}
		copy(buf, m.vals[i])
	}
	return nil
}

// Estimate returns the diffusion estimator's spread f(x) = Σ_v ŷ_v for the
// seed set (node indices, duplicates ignored). It returns an error for a
// node outside 0..n−1.
func (m *Model) Estimate(seeds []int) (float64, error) {
	n := m.u.n
	for _, v := range seeds {
		if v < 0 || v >= n {
			return 0, fmt.Errorf("deepim: Estimate: seed %d outside 0..%d", v, n-1)
		}
	}
	if m.est == nil {
		m.estG = &estGraph{}
		obj, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
			c, _, err := m.estG.build(g, &m.cfg, m.u, 1, true)
			return c, nil, err
		}, &compiled.Options{Name: "deepim: estimate", NoGrad: true})
		if err != nil {
			return 0, err
		}
		if err := m.bind(obj); err != nil {
			return 0, err
		}
		m.est = obj
	}
	x, xf, xc := m.est.Data("x"), m.est.Data("xf"), m.est.Data("xc")
	clear(x)
	for _, v := range seeds {
		x[v] = 1
	}
	copy(xf, x)
	for v := range xc {
		xc[v] = 1 - x[v]
	}
	return m.est.Run()
}

// startPoints returns the latent starts of Select(k): under RuleTuned
// first the encoder mean of the estimator's greedy k-set; then the encoder
// means of the Config.Starts − 1 training sets of size ≤ k with the largest
// Monte-Carlo spread; last z = 0.
func (m *Model) startPoints(k int) ([][]float64, error) {
	var z0 [][]float64
	nStarts := m.cfg.Starts - 1
	if m.cfg.Rule == RuleTuned {
		g, err := m.greedy(k)
		if err != nil {
			return nil, err
		}
		mu, err := m.encode(g)
		if err != nil {
			return nil, err
		}
		z0 = append(z0, mu)
		nStarts++
	}
	for i, mu := range m.starts {
		if len(z0) == nStarts {
			break
		}
		if m.sizes[i] <= k {
			z0 = append(z0, mu)
		}
	}
	return append(z0, make([]float64, m.cfg.Latent)), nil
}

// Select returns k seeds: from each starting point (startPoints: under
// RuleTuned the encoding of the estimator's greedy set, then the encoder
// means of the training sets of size ≤ k with the largest Monte-Carlo
// spread, and z = 0) it runs Config.InferSteps Adam steps on z minimising
// J(z) = −f(x̂(z)) + λ(Σ x̂ − k)² + (γ/2)‖z‖², takes the top k of the
// decoded x̂, and keeps the set with the largest estimate f; under
// RuleTuned that set is then polished by single swaps on f. Under
// RulePaper the seeds are in descending x̂ order. It returns an error unless 1 ≤ k ≤ n.
func (m *Model) Select(k int) ([]int, error) {
	n := m.u.n
	if k < 1 || k > n {
		return nil, fmt.Errorf("deepim: Select: k = %d, want 1 ≤ k ≤ %d nodes", k, n)
	}
	ig := &inferGraph{}
	obj, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) { return ig.build(g, &m.cfg, m.u, k) },
		&compiled.Options{Name: "deepim: select"})
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	if err := m.bind(obj); err != nil {
		return nil, err
	}
	tuned := m.cfg.Rule == RuleTuned
	z0, err := m.startPoints(k)
	if err != nil {
		return nil, err
	}
	var best []int
	bestF := math.Inf(-1)
	grad := make([]float64, m.cfg.Latent)
	top := make([]int, n)
	for _, start := range z0 {
		z := slices.Clone(start)
		adam := &optim.Adam{LR: m.cfg.InferLR}
		ps := []*optim.Param{{Name: "z", Value: z, Grad: grad}}
		for range m.cfg.InferSteps {
			if _, err := obj.Eval(z, grad); err != nil {
				return nil, err
			}
			if err := adam.Step(ps); err != nil {
				return nil, err
			}
		}
		if _, err := obj.Eval(z, nil); err != nil {
			return nil, err
		}
		seeds := slices.Clone(topK(top, ig.xhat.Data().([]float64), k))
		f, err := m.Estimate(seeds)
		if err != nil {
			return nil, err
		}
		if f > bestF {
			best, bestF = seeds, f
		}
	}
	if tuned { // polish the best decoding only: Polish·k batched runs
		if best, _, err = m.polish(best); err != nil {
			return nil, err
		}
	}
	return best, nil
}
