package costate

import (
	"math"
	"sort"

	"github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
	"github.com/spread-dev/spread/train"
)

// Continuous returns the batch loss of cs (the discrete forward, as
// Discrete) and writes into grad the gradient of the paper's Algorithm 1:
// the co-state p and the parameter adjoint q integrated backward from T,
//
//	p' = −(∂g/∂m)ᵀp,   q' = −(∂g/∂θ)ᵀp,   p(T) = ∂Φ/∂m(T),  q(T) = 0,
//
// with the jumps p ← p − ∇_m log g_i(m(t_i)), q ← q − ∇_θ log g_i(m(t_i))
// at every non-source infection time t_i (exact times, not the grid), and
// ∇_θ ℓ = q(0) plus the regularisers. Φ is the terminal term (Poisson:
// 1ᵀx(T); survival: −Σ log(1 − x_i(T)) over uninfected nodes). The
// backward integration uses cfg's scheme (Euler or RK4) on the forward
// grid, split at the event times; m(t) between grid points is the cubic
// Hermite interpolant of the stored states and fields (m is never
// integrated backward). The clamp is treated as a projected flow: the
// x-components that are pinned (sources) or held by the clamp (x = 0 with
// g_x < 0, x = 1 with g_x > 0) have zero dynamics, so their co-state
// does not feed the Jacobian. Intensities at or below nmf.Floor give no
// jump, as in the discrete loss. Errors as for Discrete.
func Continuous(m *nmf.Model, cs []nmf.Cascade, grad []float64) (float64, error) {
	if err := check(m, cs, grad, false); err != nil {
		return 0, err
	}
	clear(grad)
	s := newSolver(m)
	cfg, n, K, h := m.Cfg, s.n, s.K, s.h
	scale := 1 / float64(len(cs))
	f := 0.0
	p, ph := make([]float64, n), make([]float64, n)
	x, hh := make([]float64, n), make([]float64, n)
	gx, gh := make([]float64, n), make([]float64, n)
	ex, eh := make([]float64, n), make([]float64, n)
	zero := make([]float64, n)
	// one backward stage: k = (∂g/∂m)ᵀ(p masked) at time t, adding the
	// θ part times w into grad.
	kx, kh := [4][]float64{}, [4][]float64{}
	for i := range 4 {
		kx[i], kh[i] = make([]float64, n), make([]float64, n)
	}
	pp, pph := make([]float64, n), make([]float64, n)
	for _, c := range cs {
		tr := s.forward(c.Sources, cfg.Grid())
		f += lossTerms(cfg, c, tr, 0, nil, nil)
		// Terminal co-state.
		clear(p)
		clear(ph)
		lossTerms(cfg, nmf.Cascade{Sources: c.Sources, Nodes: c.Nodes, Times: c.Times}, &Trajectory{X: tr.X, GX: zeroGX(K+1, n)}, scale, nil, p)
		state := func(t float64) {
			k := min(int(math.Floor(t/h)), K-1)
			u := t/h - float64(k)
			h00, h10, h01, h11 := 2*u*u*u-3*u*u+1, u*u*u-2*u*u+u, -2*u*u*u+3*u*u, u*u*u-u*u
			for i := range n {
				x[i] = h00*tr.X[k][i] + h10*h*tr.GX[k][i] + h01*tr.X[k+1][i] + h11*h*tr.GX[k+1][i]
				hh[i] = h00*tr.H[k][i] + h10*h*tr.GH[k][i] + h01*tr.H[k+1][i] + h11*h*tr.GH[k+1][i]
				if tr.Chi[i] == 1 {
					x[i] = 1
				}
				x[i] = min(max(x[i], 0), 1)
			}
			m.Field(gx, gh, x, hh)
		}
		// vjp adds w·(∂g/∂θ)ᵀ(pm) to grad and returns (∂g/∂m)ᵀ(pm) in (ox, oh),
		// pm the masked co-state at m(t).
		vjp := func(ox, oh []float64, t, w float64, px, pxh []float64) {
			state(t)
			for i := range n {
				active := tr.Chi[i] == 0 && !(x[i] <= 0 && gx[i] <= 0) && !(x[i] >= 1 && gx[i] >= 0)
				ex[i] = 0
				if active {
					ex[i] = w * px[i]
				}
				eh[i] = w * pxh[i]
			}
			clear(ox)
			clear(oh)
			m.VJP(ox, oh, grad, x, hh, ex, eh)
			if w != 0 {
				for i := range n {
					ox[i] /= w
					oh[i] /= w
				}
			}
		}
		// Events, latest first.
		type ev struct {
			t float64
			i int
		}
		evs := make([]ev, len(c.Nodes))
		for j, v := range c.Nodes {
			evs[j] = ev{c.Times[j], v}
		}
		sort.Slice(evs, func(a, b int) bool { return evs[a].t > evs[b].t })
		jump := func(e ev) {
			state(e.t)
			lam := gx[e.i]
			if !(lam > nmf.Floor) {
				return
			}
			clear(ex)
			ex[e.i] = -scale / lam
			m.VJP(p, ph, grad, x, hh, ex, zero)
		}
		// integrate backward from t1 to t0 (t0 < t1) in one step of the scheme.
		step := func(t1, t0 float64) {
			d := t1 - t0
			if d <= 0 {
				return
			}
			if cfg.Method == ode.Euler {
				vjp(kx[0], kh[0], t1, d, p, ph)
				for i := range n {
					p[i] += d * kx[0][i]
					ph[i] += d * kh[0][i]
				}
				return
			}
			ts := [4]float64{t1, t1 - d/2, t1 - d/2, t0}
			ws := [4]float64{d / 6, d / 3, d / 3, d / 6}
			cf := [3]float64{d / 2, d / 2, d}
			copy(pp, p)
			copy(pph, ph)
			for st := range 4 {
				if st > 0 {
					for i := range n {
						pp[i] = p[i] + cf[st-1]*kx[st-1][i]
						pph[i] = ph[i] + cf[st-1]*kh[st-1][i]
					}
				}
				vjp(kx[st], kh[st], ts[st], ws[st], pp, pph)
			}
			for st := range 4 {
				for i := range n {
					p[i] += ws[st] * kx[st][i]
					ph[i] += ws[st] * kh[st][i]
				}
			}
		}
		e := 0
		for k := K - 1; k >= 0; k-- {
			t1, t0 := h*float64(k+1), h*float64(k)
			if k == K-1 {
				t1 = cfg.T
			}
			cur := t1
			for e < len(evs) && evs[e].t > t0 {
				step(cur, evs[e].t)
				jump(evs[e])
				cur = evs[e].t
				e++
			}
			step(cur, t0)
		}
	}
	f = f*scale + m.Reg(grad)
	return f, train.CheckFinite("solvers/costate: Continuous", f, grad)
}

func zeroGX(k, n int) [][]float64 {
	g := make([][]float64, k)
	for i := range g {
		g[i] = make([]float64, n)
	}
	return g
}
