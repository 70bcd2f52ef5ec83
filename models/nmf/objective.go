package nmf

import (
	"errors"
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"

	"github.com/spread-dev/spread/internal/dtype"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/train"
)

// Objective is the NMF loss of one mini-batch of B cascades as a
// train.Objective of θ (Config.Layout order), with the gradient by
// reverse-mode autodiff through the unrolled solver. The program is
// built, differentiated and compiled once; SetBatch rebinds the data.
// Not safe for concurrent use.
type Objective struct {
	cfg  Config
	b    int
	prog *compiled.Objective
}

// NewObjective compiles the loss of batches of B cascades under cfg
// (resolved here).
func NewObjective(cfg Config, B int) (*Objective, error) {
	cfg, err := resolveBatch(cfg, B)
	if err != nil {
		return nil, err
	}
	if cfg.Events == Exact {
		return nil, errExactBatched
	}
	prog, err := compiled.FromNodes(func(g *G.ExprGraph) (*G.Node, G.Nodes, error) {
		net, err := NewNet(g, cfg, B)
		if err != nil {
			return nil, nil, err
		}
		cost, _, _ := net.loss(g)
		return cost, net.Params.Nodes(), nil
	}, &compiled.Options{Name: "models/nmf: Objective", Dtype: cfg.Dtype()})
	if err != nil {
		return nil, err
	}
	if prog.NumParams() != cfg.NumParams() {
		prog.Close()
		return nil, fmt.Errorf("models/nmf: program has %d parameters, layout %d", prog.NumParams(), cfg.NumParams())
	}
	return &Objective{cfg: cfg, b: B, prog: prog}, nil
}

// Config returns the resolved configuration.
func (o *Objective) Config() Config { return o.cfg }

// NumParams returns len(θ).
func (o *Objective) NumParams() int { return o.prog.NumParams() }

// SetBatch binds the cascades of the next evaluations; it returns an error
// unless len(cs) = B and every cascade is valid.
func (o *Objective) SetBatch(cs []Cascade) error {
	if len(cs) != o.b {
		return fmt.Errorf("models/nmf: batch of %d cascades, the program takes %d", len(cs), o.b)
	}
	for k, c := range cs {
		if err := c.Check(o.cfg.N, o.cfg.T); err != nil {
			return fmt.Errorf("cascade %d: %w", k, err)
		}
	}
	if o.cfg.Float32 {
		fillBatch(o.cfg, cs, o.prog.Data32)
	} else {
		fillBatch(o.cfg, cs, o.prog.Data)
	}
	return nil
}

// Eval implements train.Objective: the loss of the bound batch at θ = x
// and its gradient (grad may be nil).
func (o *Objective) Eval(x, grad []float64) (float64, error) { return o.prog.Eval(x, grad) }

// Close releases the compiled program.
func (o *Objective) Close() error { return o.prog.Close() }

// Predictor evaluates x(t) for source sets with the same forward program
// (Net.Unroll), compiled without gradients. Not safe for concurrent use.
type Predictor struct {
	cfg  Config
	b    int
	net  *Net
	prog *compiled.Objective
}

// NewPredictor compiles the forward unroll for batches of up to B source
// sets under cfg (resolved here).
func NewPredictor(cfg Config, B int) (*Predictor, error) {
	cfg, err := resolveBatch(cfg, B)
	if err != nil {
		return nil, err
	}
	var net *Net
	prog, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		if net, err = NewNet(d.G, cfg, B); err != nil {
			return nil, err
		}
		chi := d.Input("chi", []int{B, cfg.N}, nil)
		notChi := d.Input("notchi", []int{B, cfg.N}, nil)
		X, _ := net.Unroll(chi, notChi)
		for k, x := range X {
			d.Output(fmt.Sprint("x.", k), x)
		}
		return G.Sum(X[len(X)-1])
	}, &compiled.Options{Name: "models/nmf: Predictor", NoGrad: true, Dtype: cfg.Dtype()})
	if err != nil {
		return nil, err
	}
	return &Predictor{cfg: cfg, b: B, net: net, prog: prog}, nil
}

// Predict returns x(t) of every source set at the grid times t_k =
// k·T/Steps under θ: out[j][k·n + i] = x_i(t_k) for set j. Sets are run
// in batches of B. It returns an error for a bad θ length or source.
func (p *Predictor) Predict(theta []float64, sources [][]int) ([][]float64, error) {
	if len(theta) != p.cfg.NumParams() {
		return nil, fmt.Errorf("models/nmf: θ has %d values, want %d", len(theta), p.cfg.NumParams())
	}
	if err := p.net.Params.Unflatten(theta); err != nil {
		return nil, err
	}
	n, K := p.cfg.N, p.cfg.Steps
	out := make([][]float64, 0, len(sources))
	for lo := 0; lo < len(sources); lo += p.b {
		hi := min(lo+p.b, len(sources))
		var err error
		if p.cfg.Float32 {
			err = setSources(n, sources[lo:hi], p.prog.Data32("chi"), p.prog.Data32("notchi"))
		} else {
			err = setSources(n, sources[lo:hi], p.prog.Data("chi"), p.prog.Data("notchi"))
		}
		if err != nil {
			return nil, err
		}
		if _, err := p.prog.Run(); err != nil {
			return nil, err
		}
		for range hi - lo {
			out = append(out, make([]float64, (K+1)*n))
		}
		// One Output per grid point: a float32 program's is a conversion
		// of the whole batch.
		for k := 0; k <= K; k++ {
			xk := p.prog.Output(fmt.Sprint("x.", k))
			for j := range hi - lo {
				copy(out[lo+j][k*n:(k+1)*n], xk[j*n:(j+1)*n])
			}
		}
	}
	return out, nil
}

// setSources writes χ (one row of n per source set, missing rows empty)
// and 1 − χ into chi and notChi, or returns an error for a source outside
// 0..n−1.
func setSources[T dtype.Float](n int, sets [][]int, chi, notChi []T) error {
	clear(chi)
	for j, s := range sets {
		for _, v := range s {
			if v < 0 || v >= n {
				return fmt.Errorf("models/nmf: source %d not in 0..%d", v, n-1)
			}
			chi[j*n+v] = 1
		}
	}
	for i := range notChi {
		notChi[i] = 1 - chi[i]
	}
	return nil
}

// At returns x(t) for each time in ts, interpolated linearly between the
// grid values of one Predict result (time-major, len(ts)·n).
func (cfg Config) At(traj []float64, ts []float64) []float64 {
	n, K := cfg.N, cfg.Steps
	h := cfg.T / float64(K)
	out := make([]float64, len(ts)*n)
	for l, t := range ts {
		u := math.Min(math.Max(t/h, 0), float64(K))
		k := min(int(math.Floor(u)), K-1)
		w := u - float64(k)
		for i := range n {
			out[l*n+i] = (1-w)*traj[k*n+i] + w*traj[(k+1)*n+i]
		}
	}
	return out
}

// Close releases the compiled program.
func (p *Predictor) Close() error { return p.prog.Close() }

var _ train.Objective = (*Objective)(nil)

// resolveBatch resolves cfg and checks the batch size B.
func resolveBatch(cfg Config, B int) (Config, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return cfg, err
	}
	if B < 1 {
		return cfg, fmt.Errorf("models/nmf: batch size %d, want ≥ 1", B)
	}
	return cfg, nil
}

// errExactBatched is NewObjective's error for the Exact event mode.
var errExactBatched = errors.New("models/nmf: the exact event mode gives every cascade its own grid, which the batched program cannot: use the plain-Go solvers (solvers/costate; train/nmf with the adjoint gradient)")
