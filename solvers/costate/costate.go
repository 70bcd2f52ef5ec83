package costate

import (
	"fmt"
	"math"
	"slices"

	"github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/train"
)

// Trajectory is the plain-Go forward solution of one cascade: the states
// m_k = (X[k], H[k]) at the grid points t_k = Grid[k] and the field there,
// (GX[k], GH[k]) = g(m_k), and the pre-clamp values Pre[k] of X[k]
// (k ≥ 1) that the clamp's derivative reads. Grid is the uniform grid
// k·T/Steps, or the cascade's own (nmf.Config.CascadeGrid) in the exact
// event mode.
type Trajectory struct {
	Grid              []float64
	X, H, GX, GH, Pre [][]float64
	Chi               []float64
}

// solver holds the work buffers of one model.
type solver struct {
	m         *nmf.Model
	n, K      int
	h         float64
	method    ode.Method
	kx, kh    [4][]float64 // stage values
	sx, sh    [4][]float64 // stage states
	bx, bh    [4][]float64 // stage cotangents
	tx, th    []float64
	px2, ph2  []float64
	dx2, dh2  []float64
	dth, dth2 []float64
}

func newSolver(m *nmf.Model) *solver {
	n := m.Cfg.N
	s := &solver{m: m, n: n, K: m.Cfg.Steps, h: m.Cfg.T / float64(m.Cfg.Steps), method: m.Cfg.Method}
	vec := func() []float64 { return make([]float64, n) }
	for i := range 4 {
		s.kx[i], s.kh[i], s.sx[i], s.sh[i], s.bx[i], s.bh[i] = vec(), vec(), vec(), vec(), vec(), vec()
	}
	s.tx, s.th, s.px2, s.ph2, s.dx2, s.dh2 = vec(), vec(), vec(), vec(), vec(), vec()
	return s
}

// stages computes the stage states and values of one step of length dt
// from (x, h).
func (s *solver) stages(x, h []float64, dt float64) int {
	copy(s.sx[0], x)
	copy(s.sh[0], h)
	s.m.Field(s.kx[0], s.kh[0], x, h)
	if s.method == ode.Euler {
		return 1
	}
	coef := [3]float64{dt / 2, dt / 2, dt}
	for st := 1; st < 4; st++ {
		for i := range s.n {
			s.sx[st][i] = x[i] + coef[st-1]*s.kx[st-1][i]
			s.sh[st][i] = h[i] + coef[st-1]*s.kh[st-1][i]
		}
		s.m.Field(s.kx[st], s.kh[st], s.sx[st], s.sh[st])
	}
	return 4
}

// weights returns the combination weights of the stages of a step of
// length dt.
func (s *solver) weights(dt float64) []float64 {
	if s.method == ode.Euler {
		return []float64{dt}
	}
	return []float64{dt / 6, dt / 3, dt / 3, dt / 6}
}

// Forward integrates one cascade from X0 = χ_S, H0 = 0 on the uniform
// grid exactly as nmf.Net.Unroll does (same scheme, clamp to [0, 1],
// sources pinned).
func Forward(m *nmf.Model, sources []int) *Trajectory {
	return newSolver(m).forward(sources, m.Cfg.Grid())
}

// forward integrates from the sources over grid (grid[0] = 0).
func (s *solver) forward(sources []int, grid []float64) *Trajectory {
	n := s.n
	tr := &Trajectory{Grid: grid, Chi: make([]float64, n)}
	for _, v := range sources {
		tr.Chi[v] = 1
	}
	s.m.Chi = tr.Chi
	x, h := slices.Clone(tr.Chi), make([]float64, n)
	tr.Pre = append(tr.Pre, nil)
	for k := range len(grid) - 1 {
		dt := grid[k+1] - grid[k]
		tr.X, tr.H = append(tr.X, x), append(tr.H, h)
		ns := s.stages(x, h, dt)
		tr.GX, tr.GH = append(tr.GX, slices.Clone(s.kx[0])), append(tr.GH, slices.Clone(s.kh[0]))
		nx, nh, pre := slices.Clone(x), slices.Clone(h), make([]float64, n)
		for st, w := range s.weights(dt)[:ns] {
			for i := range n {
				nx[i] += w * s.kx[st][i]
				nh[i] += w * s.kh[st][i]
			}
		}
		for i := range n {
			pre[i] = nx[i]
			nx[i] = min(max(nx[i], 0), 1)*(1-tr.Chi[i]) + tr.Chi[i]
		}
		tr.Pre = append(tr.Pre, pre)
		x, h = nx, nh
	}
	tr.X, tr.H = append(tr.X, x), append(tr.H, h)
	gx, gh := make([]float64, n), make([]float64, n)
	m := s.m
	m.Field(gx, gh, x, h)
	tr.GX, tr.GH = append(tr.GX, gx), append(tr.GH, gh)
	return tr
}

// lossTerms returns one cascade's negative log-likelihood (unscaled) and
// adds its cotangents, scaled by scale, to gbar (on GX[k]) and xbarT (on
// X[K]).
func lossTerms(cfg nmf.Config, c nmf.Cascade, tr *Trajectory, scale float64, gbar [][]float64, xbarT []float64) float64 {
	K, n := len(tr.X)-1, cfg.N
	nodes, ks, w0, w1 := cfg.EventTerms(c)
	f := 0.0
	for j, i := range nodes {
		k := ks[j]
		lam := w0[j]*tr.GX[k][i] + w1[j]*tr.GX[k+1][i]
		f -= math.Log(max(lam, nmf.Floor))
		if lam > nmf.Floor && gbar != nil {
			d := -scale / lam
			gbar[k][i] += w0[j] * d
			gbar[k+1][i] += w1[j] * d
		}
	}
	xT := tr.X[K]
	if cfg.Loss == nmf.Poisson {
		for i := range n {
			f += xT[i]
			if xbarT != nil {
				xbarT[i] += scale
			}
		}
		return f
	}
	inf := make([]bool, n)
	for _, v := range c.Sources {
		inf[v] = true
	}
	for _, v := range c.Nodes {
		inf[v] = true
	}
	for i := range n {
		if inf[i] {
			continue
		}
		v := 1 - xT[i]
		f -= math.Log(max(v, nmf.Floor))
		if v > nmf.Floor && xbarT != nil {
			xbarT[i] += scale / v
		}
	}
	return f
}

// Loss returns the batch loss of cs at the model's θ (batch mean of the
// negative log-likelihood plus the regularisers), computed in plain Go.
func Loss(m *nmf.Model, cs []nmf.Cascade) float64 {
	s := newSolver(m)
	f := 0.0
	for _, c := range cs {
		f += lossTerms(m.Cfg, c, s.forward(c.Sources, m.Cfg.CascadeGrid(c)), 0, nil, nil)
	}
	return f/float64(len(cs)) + m.Reg(nil)
}

// check validates the arguments of a gradient; exact says whether the
// caller supports the exact event mode.
func check(m *nmf.Model, cs []nmf.Cascade, grad []float64, exact bool) error {
	if !exact && m.Cfg.Events == nmf.Exact {
		return fmt.Errorf("solvers/costate: the continuous co-state reads intensities from its own interpolant; use Discrete for the exact event mode")
	}
	if len(cs) == 0 {
		return fmt.Errorf("solvers/costate: empty batch")
	}
	if len(grad) != len(m.Theta) {
		return fmt.Errorf("solvers/costate: len(grad) = %d, want %d", len(grad), len(m.Theta))
	}
	for k, c := range cs {
		if err := c.Check(m.Cfg.N, m.Cfg.T); err != nil {
			return fmt.Errorf("solvers/costate: cascade %d: %w", k, err)
		}
	}
	return nil
}

// Discrete returns the batch loss of cs and writes its gradient with
// respect to θ into grad: the discrete adjoint of the fixed-step scheme,
// i.e. exactly the reverse mode of nmf.Net.Unroll and its loss, written
// by hand. Stages are recomputed from the stored grid states
// (checkpointing). It returns an error for an empty batch, a bad cascade
// or a grad of the wrong length, and a *train.NonFiniteError.
func Discrete(m *nmf.Model, cs []nmf.Cascade, grad []float64) (float64, error) {
	if err := check(m, cs, grad, true); err != nil {
		return 0, err
	}
	clear(grad)
	s := newSolver(m)
	n := s.n
	scale := 1 / float64(len(cs))
	f := 0.0
	var gbar [][]float64 // cotangents of g_x at the grid points, grown to the longest grid
	xbar, hbar := make([]float64, n), make([]float64, n)
	zero := make([]float64, n)
	for _, c := range cs {
		tr := s.forward(c.Sources, m.Cfg.CascadeGrid(c))
		K := len(tr.Grid) - 1
		for len(gbar) < K+1 {
			gbar = append(gbar, make([]float64, n))
		}
		for _, g := range gbar[:K+1] {
			clear(g)
		}
		clear(xbar)
		clear(hbar)
		f += lossTerms(m.Cfg, c, tr, scale, gbar, xbar)
		// G_K = g_x(m_K).
		m.VJP(xbar, hbar, grad, tr.X[K], tr.H[K], gbar[K], zero)
		for k := K - 1; k >= 0; k-- {
			// Through the pin and the clamp: d clamp01(v)/dv = 1 on (0, 1].
			for i := range n {
				if v := tr.Pre[k+1][i]; tr.Chi[i] == 1 || !(v > 0 && v <= 1) {
					xbar[i] = 0
				}
			}
			dt := tr.Grid[k+1] - tr.Grid[k]
			ns := s.stages(tr.X[k], tr.H[k], dt)
			w := s.weights(dt)
			for st := range ns {
				for i := range n {
					s.bx[st][i] = w[st] * xbar[i]
					s.bh[st][i] = w[st] * hbar[i]
				}
			}
			for i := range n {
				s.bx[0][i] += gbar[k][i]
			}
			// x_{k+1} = x_k + Σ w_st k_st: the identity path keeps xbar, hbar.
			coef := [3]float64{dt / 2, dt / 2, dt}
			for st := ns - 1; st >= 0; st-- {
				clear(s.dx2)
				clear(s.dh2)
				m.VJP(s.dx2, s.dh2, grad, s.sx[st], s.sh[st], s.bx[st], s.bh[st])
				for i := range n {
					xbar[i] += s.dx2[i]
					hbar[i] += s.dh2[i]
				}
				if st > 0 { // state st = x_k + coef·k_{st−1}
					for i := range n {
						s.bx[st-1][i] += coef[st-1] * s.dx2[i]
						s.bh[st-1][i] += coef[st-1] * s.dh2[i]
					}
				}
			}
		}
	}
	f = f*scale + m.Reg(grad)
	return f, train.CheckFinite("solvers/costate: Discrete", f, grad)
}
