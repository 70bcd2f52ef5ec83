package iminfector

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/train"
	"github.com/spread-dev/spread/train/optim"
)

// Defaults of the Settings fields (the NMF paper's runs of IMINFECTOR, He,
// Zha & Ye §4.5: embedding size 50, sampling percentage 120, 50 epochs,
// learning rate 0.1, P = 100).
const (
	DefaultDim       = 50
	DefaultEpochs    = 50
	DefaultLR        = 0.01 // Adam's; see Settings.LR
	DefaultSGDLR     = 0.1  // the paper's, for plain gradient descent
	DefaultSampling  = 120
	DefaultBatch     = 1
	DefaultReduction = 100
)

// Limits on the Settings fields, so that a bad setting is an error rather
// than an allocation failure.
const (
	MaxDim      = 4096
	MaxSampling = 10000
)

// ErrNoCascades is returned by Train when the cascades hold no initiator
// (no cascade with at least one infection).
var ErrNoCascades = errors.New("iminfector: no cascade with an initiator")

// Settings configures Train. A nil *Settings means the zero value; every
// zero field means its documented default.
type Settings struct {
	// Dim is the embedding size d of S and T. Zero means DefaultDim.
	Dim int
	// Epochs is the number of passes over the training cascades. Zero
	// means DefaultEpochs.
	Epochs int
	// LR is the learning rate. Zero means DefaultLR (0.01) for Adam and
	// DefaultSGDLR (0.1, the paper's) for "sgd": with Adam, 0.1 makes the
	// full-data loss rise (see the package documentation).
	LR float64
	// Sampling is the sampling percentage: a cascade with L infected nodes
	// (its initiators excluded) contributes round(L·Sampling/100) sampled
	// targets per initiator. Zero means DefaultSampling.
	Sampling float64
	// Batch is the number of cascades per Adam step (the official code:
	// one). Zero means DefaultBatch.
	Batch int
	// Seed fixes the initialisation, the pair sampling and the cascade
	// order of every epoch.
	Seed uint64
	// Optimizer is "adam" (train/optim.Adam, the default) or "sgd" (plain
	// gradient descent, the official code's optimiser).
	Optimizer string
	// Recorder, if non-nil, receives the full-data loss L = L_A + L_B
	// after every epoch (Iter 0: before training), with the terms as
	// Metrics "L_A" and "L_B".
	Recorder train.Recorder
}

func (s *Settings) resolve() (Settings, error) {
	var set Settings
	if s != nil {
		set = *s
	}
	train.Default(&set.Dim, DefaultDim)
	train.Default(&set.Epochs, DefaultEpochs)
	train.Default(&set.Sampling, DefaultSampling)
	train.Default(&set.Batch, DefaultBatch)
	train.Default(&set.Optimizer, "adam")
	if set.Optimizer == "sgd" {
		train.Default(&set.LR, DefaultSGDLR)
	}
	train.Default(&set.LR, DefaultLR)
	switch {
	case set.Optimizer != "adam" && set.Optimizer != "sgd":
		return set, fmt.Errorf("iminfector: Settings.Optimizer = %q, want adam or sgd", set.Optimizer)
	case set.Dim < 1 || set.Dim > MaxDim:
		return set, fmt.Errorf("iminfector: Settings.Dim = %d, want 1..%d", set.Dim, MaxDim)
	case set.Epochs < 1:
		return set, fmt.Errorf("iminfector: Settings.Epochs = %d, want ≥ 1", set.Epochs)
	case !(set.LR > 0) || math.IsInf(set.LR, 0):
		return set, fmt.Errorf("iminfector: Settings.LR = %v, want a finite value > 0", set.LR)
	case !(set.Sampling > 0) || set.Sampling > MaxSampling:
		return set, fmt.Errorf("iminfector: Settings.Sampling = %v, want in (0, %d]", set.Sampling, MaxSampling)
	case set.Batch < 1:
		return set, fmt.Errorf("iminfector: Settings.Batch = %d, want ≥ 1", set.Batch)
	}
	return set, nil
}

// Model is a trained INFECTOR: the influencer (source) embeddings S of the
// initiators and the susceptible (target) embeddings T of all N nodes.
type Model struct {
	// N is the number of nodes (the targets) and Dim the embedding size d.
	N, Dim int
	// Initiators lists the node of each row of S, increasing.
	Initiators []int
	// S holds the source embeddings, len(Initiators)×Dim row-major; T the
	// target embeddings, N×Dim row-major; B the bias b_c of Task B.
	S, T []float64
	B    float64
	// Pairs is the number of (initiator, infected) training pairs and
	// Cascades the number of (initiator, cascade) Task B examples.
	Pairs, Cascades int
	// Loss holds the full-data loss L = L_A + L_B before training (Loss[0])
	// and after every epoch.
	Loss []float64
	// Stats counts the Adam steps (Iterations), loss evaluations and the
	// training time.
	Stats train.Stats
}

// data is the training set: per cascade k (with at least one initiator)
// the rows of its initiators, its sampled targets and its min-max
// normalised length c_k.
type data struct {
	n, nI          int
	initOff        []int
	initRow        []int32
	sampOff        []int
	sampNode       []int32
	c              []float64
	pairs, batches int
}

// extract builds the training set of c: the initiators of a cascade are
// its nodes infected at its earliest time (the sources, time 0); the
// others are its infected nodes, L of them, and L is its length. Each
// cascade contributes round(L·sampling/100) targets drawn with replacement
// from its infected nodes with probability ∝ 1/(t_v − t₀ + 1), shared by
// all its initiators. Cascades are taken in file order.
func extract(c *datasets.TimedCascades, sampling float64, rng *rand.Rand) (*data, []int, error) {
	if c == nil || c.N < 1 {
		return nil, nil, errors.New("iminfector: nil cascades or no nodes")
	}
	if len(c.Off) != c.M()+1 || len(c.Time) != len(c.Node) || c.Off[0] != 0 || c.Off[c.M()] != len(c.Node) {
		return nil, nil, fmt.Errorf("iminfector: inconsistent cascades: %d ids, %d offsets, %d nodes, %d times", c.M(), len(c.Off), len(c.Node), len(c.Time))
	}
	for k := range c.M() {
		if c.Off[k+1] < c.Off[k] {
			return nil, nil, fmt.Errorf("iminfector: inconsistent cascades: offsets decrease at cascade %d", k)
		}
	}
	row := make([]int32, c.N)
	for i := range row {
		row[i] = -1
	}
	d := &data{n: c.N, initOff: []int{0}, sampOff: []int{0}}
	var length []int
	var w []float64
	for k := range c.M() {
		nodes, times := c.Cascade(k)
		if len(nodes) == 0 {
			continue
		}
		t0 := slices.Min(times)
		var L int
		for j, v := range nodes {
			if v < 0 || int(v) >= c.N {
				return nil, nil, fmt.Errorf("iminfector: cascade %d: node %d outside 0..%d", k, v, c.N-1)
			}
			if math.IsNaN(times[j]) || math.IsInf(times[j], 0) {
				return nil, nil, fmt.Errorf("iminfector: cascade %d: node %d has time %v", k, v, times[j])
			}
			if times[j] == t0 {
				d.initRow = append(d.initRow, v) // node ids for now, rows below
				row[v] = 0
			} else {
				L++
			}
		}
		// Sampling with replacement by inverse transform over the
		// cumulative weights 1/(t_v − t₀ + 1) of the infected nodes.
		w = w[:0]
		var idx []int32
		tot := 0.0
		for j, v := range nodes {
			if times[j] != t0 {
				tot += 1 / (times[j] - t0 + 1)
				w = append(w, tot)
				idx = append(idx, v)
			}
		}
		ns := int(math.Round(float64(L) * sampling / 100))
		for range ns {
			r := rng.Float64() * tot
			j, _ := slices.BinarySearch(w, r)
			j = min(j, len(w)-1)
			d.sampNode = append(d.sampNode, idx[j])
		}
		d.initOff = append(d.initOff, len(d.initRow))
		d.sampOff = append(d.sampOff, len(d.sampNode))
		length = append(length, L)
	}
	if len(length) == 0 {
		return nil, nil, ErrNoCascades
	}
	var initiators []int
	for v, r := range row {
		if r == 0 {
			row[v] = int32(len(initiators))
			initiators = append(initiators, v)
		}
	}
	for i, v := range d.initRow {
		d.initRow[i] = row[v]
	}
	d.nI = len(initiators)
	lo, hi := slices.Min(length), slices.Max(length)
	d.c = make([]float64, len(length))
	for k, L := range length {
		if hi > lo {
			d.c[k] = float64(L-lo) / float64(hi-lo)
		} else {
			d.c[k] = 0.5
		}
		d.pairs += (d.initOff[k+1] - d.initOff[k]) * (d.sampOff[k+1] - d.sampOff[k])
	}
	return d, initiators, nil
}

// M returns the number of training cascades.
func (d *data) M() int { return len(d.c) }

// fill writes the normalised data of the cascades ks into the objective's
// inputs: cnt[r·n + v] = (pairs (r, v))/P, m[r] = (examples of r)/M,
// s[r] = Σ c_k/M and q[r] = Σ c_k²/M over the examples of r, with P and M
// the numbers of pairs and of (initiator, cascade) examples of ks. It
// returns the rows it touched (to clear them with clearRows).
func (d *data) fill(o *objective, ks []int, rows []int32) []int32 {
	P, M := 0, 0
	for _, k := range ks {
		ni := d.initOff[k+1] - d.initOff[k]
		P += ni * (d.sampOff[k+1] - d.sampOff[k])
		M += ni
	}
	rows = rows[:0]
	for _, k := range ks {
		for _, r := range d.initRow[d.initOff[k]:d.initOff[k+1]] {
			rows = append(rows, r)
			if P > 0 {
				cr := o.cnt[int(r)*d.n : int(r+1)*d.n]
				for _, v := range d.sampNode[d.sampOff[k]:d.sampOff[k+1]] {
					cr[v] += 1 / float64(P)
				}
			}
			ck := d.c[k]
			o.m[r] += 1 / float64(M)
			o.s[r] += ck / float64(M)
			o.q[r] += ck * ck / float64(M)
		}
	}
	return rows
}

// clearRows zeroes the inputs of the rows fill touched.
func (d *data) clearRows(o *objective, rows []int32) {
	for _, r := range rows {
		clear(o.cnt[int(r)*d.n : int(r+1)*d.n])
		o.m[r], o.s[r], o.q[r] = 0, 0, 0
	}
}

// objective is the compiled INFECTOR loss and its data buffers.
type objective struct {
	*compiled.Objective
	cnt, m, s, q []float64
}

// newObjective compiles the INFECTOR loss over nI initiators, n targets
// and embedding size dim, with parameters x = [S (nI×dim), T (n×dim), b_c]:
//
//	L_A = −Σ_{r,v} cnt[r,v] · log softmax_v(S Tᵀ)[r,v]
//	ŷ_r = σ(Σ_i S[r,i] + b_c)
//	L_B = Σ_r (m_r ŷ_r² − 2 s_r ŷ_r + q_r)
//	L   = L_A + L_B
//
// With the inputs as fill writes them, L_A is the mean cross-entropy of
// the batch's pairs and L_B the mean squared error Σ (ŷ_u − c_k)²/M of its
// (initiator, cascade) examples.
func newObjective(nI, n, dim int, x0 []float64) (*objective, error) {
	o := &objective{}
	var err error
	o.Objective, err = compiled.New(func(d *compiled.Def) (*G.Node, error) {
		S := d.Param("S", []int{nI, dim}, x0[:nI*dim])
		T := d.Param("T", []int{n, dim}, x0[nI*dim:(nI+n)*dim])
		b := d.Param("b_c", []int{1}, x0[(nI+n)*dim:])
		cnt := d.Input("cnt", []int{nI, n}, nil)
		m := d.Input("m", []int{nI}, nil)
		s := d.Input("s", []int{nI}, nil)
		q := d.Input("q", []int{nI}, nil)
		logits := G.Must(G.Mul(S, G.Must(G.Transpose(T))))
		logp := G.Must(G.LogSoftMax(logits, 1))
		LA := G.Must(G.Neg(G.Must(G.Sum(G.Must(G.HadamardProd(cnt, logp))))))
		z := G.Must(G.Add(G.Must(G.Sum(S, 1)), G.Must(G.Sum(b))))
		y := G.Must(G.Sigmoid(z))
		lb := G.Must(G.Sub(G.Must(G.HadamardProd(m, G.Must(G.Square(y)))), G.Must(G.HadamardProd(G.Must(G.Mul(s, G.NewConstant(2.0))), y))))
		LB := G.Must(G.Add(G.Must(G.Sum(lb)), G.Must(G.Sum(q))))
		d.Output("L_A", LA)
		d.Output("L_B", LB)
		return G.Add(LA, LB)
	}, &compiled.Options{Name: "iminfector"})
	if err != nil {
		return nil, err
	}
	o.cnt, o.m, o.s, o.q = o.Data("cnt"), o.Data("m"), o.Data("s"), o.Data("q")
	return o, nil
}

// initParams draws S ~ U[−1, 1] and T ~ N(0, 1/d) truncated at two
// standard deviations (the official code's initialisation), b_c = 0.
func initParams(nI, n, dim int, rng *rand.Rand) []float64 {
	x := make([]float64, (nI+n)*dim+1)
	for i := range nI * dim {
		x[i] = 2*rng.Float64() - 1
	}
	sd := 1 / math.Sqrt(float64(dim))
	for i := nI * dim; i < (nI+n)*dim; i++ {
		z := rng.NormFloat64()
		for math.Abs(z) > 2 {
			z = rng.NormFloat64()
		}
		x[i] = z * sd
	}
	return x
}

// Train learns INFECTOR's embeddings from the cascades c (nodes 0..c.N−1)
// with Adam: each epoch visits the training cascades in a fresh seeded
// order, Settings.Batch at a time, one step on L = L_A + L_B of the batch
// (see the package documentation). It returns ErrNoCascades when no
// cascade has an initiator and an error for invalid settings or a
// non-finite loss. The model depends only on the inputs and Settings.Seed.
func Train(c *datasets.TimedCascades, s *Settings) (*Model, error) {
	set, err := s.resolve()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	d, initiators, err := extract(c, set.Sampling, rand.New(rand.NewPCG(set.Seed, 2)))
	if err != nil {
		return nil, err
	}
	n, nI, dim := c.N, d.nI, set.Dim
	if nI*n > 1<<28 {
		return nil, fmt.Errorf("iminfector: %d initiators × %d targets is too large for the full softmax", nI, n)
	}
	x := initParams(nI, n, dim, rand.New(rand.NewPCG(set.Seed, 1)))
	o, err := newObjective(nI, n, dim, x)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	grad := make([]float64, len(x))
	nS, nT := nI*dim, n*dim
	params := []*optim.Param{
		{Name: "S", Value: x[:nS], Grad: grad[:nS]},
		{Name: "T", Value: x[nS : nS+nT], Grad: grad[nS : nS+nT]},
		{Name: "b_c", Value: x[nS+nT:], Grad: grad[nS+nT:]},
	}
	var opt optim.Optimizer = &optim.Adam{LR: set.LR}
	if set.Optimizer == "sgd" {
		opt = &optim.SGD{LR: set.LR}
	}
	model := &Model{N: n, Dim: dim, Initiators: initiators, Pairs: d.pairs, Cascades: len(d.initRow)}
	all := make([]int, d.M())
	for k := range all {
		all[k] = k
	}
	var rows []int32
	full := func(epoch int) error {
		rows = d.fill(o, all, rows)
		f, err := o.Eval(x, nil)
		la, lb := o.Output("L_A")[0], o.Output("L_B")[0]
		d.clearRows(o, rows)
		model.Stats.Evaluations++
		if err != nil {
			return fmt.Errorf("iminfector: epoch %d: %w", epoch, err)
		}
		model.Loss = append(model.Loss, f)
		if set.Recorder != nil {
			p := train.Progress{Method: "infector", Iter: epoch, Objective: f, Evaluations: model.Stats.Evaluations,
				Elapsed: time.Since(start), Metrics: []train.Metric{{Name: "L_A", Value: la}, {Name: "L_B", Value: lb}}}
			if epoch > 0 {
				p.LR = set.LR
				prev := model.Loss[len(model.Loss)-2]
				if p.Change = f - prev; prev != 0 {
					p.Change /= math.Abs(prev)
				}
			}
			if err := set.Recorder.Record(p); err != nil {
				return fmt.Errorf("iminfector: epoch %d: recorder: %w", epoch, err)
			}
		}
		return nil
	}
	if err := full(0); err != nil {
		return nil, err
	}
	order := rand.New(rand.NewPCG(set.Seed, 3))
	perm := slices.Clone(all)
	for epoch := 1; epoch <= set.Epochs; epoch++ {
		order.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for lo := 0; lo < len(perm); lo += set.Batch {
			ks := perm[lo:min(lo+set.Batch, len(perm))]
			rows = d.fill(o, ks, rows)
			_, err := o.Eval(x, grad)
			d.clearRows(o, rows)
			model.Stats.Evaluations++
			if err != nil {
				return nil, fmt.Errorf("iminfector: epoch %d: %w", epoch, err)
			}
			if err := opt.Step(params); err != nil {
				return nil, fmt.Errorf("iminfector: epoch %d: %w", epoch, err)
			}
			model.Stats.Iterations++
		}
		if err := full(epoch); err != nil {
			return nil, err
		}
	}
	model.S = slices.Clone(x[:nS])
	model.T = slices.Clone(x[nS : nS+nT])
	model.B = x[nS+nT]
	model.Stats.Runtime = time.Since(start)
	return model, nil
}
