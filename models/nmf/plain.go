package nmf

import (
	"fmt"
	"math"
)

// Model is the vector field g(m; θ) in plain Go, one cascade (row) at a
// time: the reference that solvers/costate integrates forward and
// backward. It computes exactly what Net.Field builds. Not safe for
// concurrent use (it keeps work buffers).
type Model struct {
	Cfg   Config
	Theta []float64
	// Chi, if not nil, is the source indicator χ of the current cascade:
	// g_x is zero on sources (they are pinned at 1), as in Net.Field.
	Chi   []float64
	fs    []Field
	sizes []int
	// per-row work: activations a_k (k = 0..L) and pre-activations
	act, pre, dact, dpre [][]float64
	z, dz, dq            []float64
}

// NewModel returns the plain-Go field of cfg (resolved here) at θ (kept,
// not copied: the caller may update it between calls).
func NewModel(cfg Config, theta []float64) (*Model, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	if len(theta) != cfg.NumParams() {
		return nil, fmt.Errorf("models/nmf: θ has %d values, want %d", len(theta), cfg.NumParams())
	}
	m := &Model{Cfg: cfg, Theta: theta, fs: cfg.Layout(), sizes: cfg.Sizes()}
	for _, s := range m.sizes {
		m.act = append(m.act, make([]float64, s))
		m.dact = append(m.dact, make([]float64, s))
		m.pre = append(m.pre, make([]float64, s))
		m.dpre = append(m.dpre, make([]float64, s))
	}
	m.z, m.dz, m.dq = make([]float64, cfg.N), make([]float64, cfg.N), make([]float64, cfg.N)
	return m, nil
}

func (m *Model) block(x []float64, i int) []float64 {
	f := m.fs[i]
	return x[f.Offset : f.Offset+f.Size]
}

// drift sets z = x·W (z_j = Σ_i α_{i→j} x_i).
func (m *Model) drift(z, x []float64) {
	n, W := m.Cfg.N, m.block(m.Theta, 0)
	clear(z)
	if s := m.Cfg.Support; s != nil {
		for e := range s.NumEdges() {
			z[s.Dst[e]] += W[e] * x[s.Src[e]]
		}
		return
	}
	for i, xi := range x {
		if xi == 0 {
			continue
		}
		row := W[i*n : (i+1)*n]
		for j, w := range row {
			z[j] += xi * w
		}
	}
}

// eps runs ε on [x, h], leaving activations in m.act and pre-activations
// in m.pre; the output is m.act[L].
func (m *Model) eps(x, h []float64) []float64 {
	n, L := m.Cfg.N, len(m.sizes)-1
	copy(m.act[0][:n], x)
	copy(m.act[0][n:], h)
	for k := range L {
		W, b := m.block(m.Theta, 3+2*k), m.block(m.Theta, 4+2*k)
		in, out := m.sizes[k], m.sizes[k+1]
		pre := m.pre[k+1]
		copy(pre, b)
		a := m.act[k]
		for i := range in {
			ai := a[i]
			if ai == 0 {
				continue
			}
			row := W[i*out : (i+1)*out]
			for o, w := range row {
				pre[o] += ai * w
			}
		}
		next := m.act[k+1]
		for o, v := range pre {
			if k == L-1 {
				next[o] = 1 / (1 + math.Exp(-v))
			} else if v > 0 {
				next[o] = v
			} else {
				next[o] = math.Expm1(v)
			}
		}
	}
	return m.act[L]
}

// Field writes g(m) for one cascade: gx = (1 − x)⊙(x·W) + s·ε(x, h) and
// gh = b⊙x − c⊙h (all length n).
func (m *Model) Field(gx, gh, x, h []float64) {
	m.drift(m.z, x)
	E := m.eps(x, h)
	s := m.Cfg.EpsSign
	b, c := m.block(m.Theta, 1), m.block(m.Theta, 2)
	for i := range x {
		gx[i] = (1-x[i])*m.z[i] + s*E[i]
		if m.Chi != nil && m.Chi[i] == 1 {
			gx[i] = 0
		}
		gh[i] = b[i]*x[i] - c[i]*h[i]
	}
}

// VJP adds the vector–Jacobian products of g at (x, h) with the cotangent
// p = (px, ph) to dx, dh ((∂g/∂m)ᵀp) and to dtheta ((∂g/∂θ)ᵀp, in
// Layout order); dtheta may be nil to skip the parameters:
//
//	dx += W((1 − x)⊙px) − z⊙px + b⊙ph + s·J_εxᵀpx,   dh += −c⊙ph + s·J_εhᵀpx
//	dW += x ((1 − x)⊙px)ᵀ,  db += x⊙ph,  dc += −h⊙ph,  dη by backprop of s·px.
func (m *Model) VJP(dx, dh, dtheta, x, h, px, ph []float64) {
	n, L := m.Cfg.N, len(m.sizes)-1
	if m.Chi != nil {
		q := m.dq[:n]
		for i := range n {
			q[i] = px[i] * (1 - m.Chi[i])
		}
		px = q
	}
	m.drift(m.z, x)
	E := m.eps(x, h)
	W, b, c := m.block(m.Theta, 0), m.block(m.Theta, 1), m.block(m.Theta, 2)
	for j := range n {
		m.dz[j] = (1 - x[j]) * px[j]
		dx[j] += -m.z[j]*px[j] + b[j]*ph[j]
		dh[j] += -c[j] * ph[j]
	}
	if s := m.Cfg.Support; s != nil {
		for e := range s.NumEdges() {
			dx[s.Src[e]] += W[e] * m.dz[s.Dst[e]]
		}
	} else {
		for i := range n {
			row, acc := W[i*n:(i+1)*n], 0.0
			for j, w := range row {
				acc += w * m.dz[j]
			}
			dx[i] += acc
		}
	}
	if dtheta != nil {
		dW, db, dc := m.block(dtheta, 0), m.block(dtheta, 1), m.block(dtheta, 2)
		if s := m.Cfg.Support; s != nil {
			for e := range s.NumEdges() {
				dW[e] += x[s.Src[e]] * m.dz[s.Dst[e]]
			}
		} else {
			for i, xi := range x {
				if xi == 0 {
					continue
				}
				row := dW[i*n : (i+1)*n]
				for j := range row {
					row[j] += xi * m.dz[j]
				}
			}
		}
		for j := range n {
			db[j] += x[j] * ph[j]
			dc[j] -= h[j] * ph[j]
		}
	}
	// Backprop through ε with upstream s·px.
	s := m.Cfg.EpsSign
	dp := m.dpre[L]
	for o := range n {
		dp[o] = s * px[o] * E[o] * (1 - E[o])
	}
	for k := L - 1; k >= 0; k-- {
		Wk := m.block(m.Theta, 3+2*k)
		in, out := m.sizes[k], m.sizes[k+1]
		dp := m.dpre[k+1]
		a, da := m.act[k], m.dact[k]
		if dtheta != nil {
			dWk, dbk := m.block(dtheta, 3+2*k), m.block(dtheta, 4+2*k)
			for o, v := range dp {
				dbk[o] += v
			}
			for i := range in {
				if a[i] == 0 {
					continue
				}
				row := dWk[i*out : (i+1)*out]
				for o, v := range dp {
					row[o] += a[i] * v
				}
			}
		}
		for i := range in {
			row, acc := Wk[i*out:(i+1)*out], 0.0
			for o, w := range row {
				acc += w * dp[o]
			}
			da[i] = acc
		}
		if k > 0 {
			pk, dpk := m.pre[k], m.dpre[k]
			for i, v := range pk {
				d := 1.0
				if v <= 0 {
					d = math.Exp(v)
				}
				dpk[i] = da[i] * d
			}
		}
	}
	for i := range n {
		dx[i] += m.dact[0][i]
		dh[i] += m.dact[0][n+i]
	}
}

// Reg returns the regularisers of the package documentation at θ and adds
// their gradient to grad (may be nil).
func (m *Model) Reg(grad []float64) float64 {
	cfg := m.Cfg
	r := 0.0
	if cfg.RegA > 0 {
		W := m.block(m.Theta, 0)
		var gW []float64
		if grad != nil {
			gW = m.block(grad, 0)
		}
		for i, w := range W {
			if cfg.RegL1 {
				r += cfg.RegA * w
				if gW != nil {
					gW[i] += cfg.RegA
				}
			} else {
				r += cfg.RegA * math.Log1p(w/cfg.Delta)
				if gW != nil {
					gW[i] += cfg.RegA / (cfg.Delta + w)
				}
			}
		}
	}
	if cfg.WeightDecay > 0 {
		for k := range len(m.sizes) - 1 {
			W := m.block(m.Theta, 3+2*k)
			for i, w := range W {
				r += cfg.WeightDecay / 2 * w * w
				if grad != nil {
					m.block(grad, 3+2*k)[i] += cfg.WeightDecay * w
				}
			}
		}
	}
	return r
}

// EventTerms returns the loss terms of cascade c for the plain-Go solvers:
// for each infection, the node, the grid interval k and the weights
// (w0, w1) of λ = w0·g(m_k) + w1·g(m_{k+1}).
func (cfg Config) EventTerms(c Cascade) (node, k []int, w0, w1 []float64) {
	for _, e := range cfg.events([]Cascade{c}) {
		node, k, w0, w1 = append(node, e.node), append(k, e.k), append(w0, e.w0), append(w1, e.w1)
	}
	return
}
