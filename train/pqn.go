package train

import (
	"errors"
	"fmt"

	"github.com/spread-dev/spread/train/optim"
)

// PQN is a projected limited-memory quasi-Newton method on the box
// [Lo, Hi]^n with a monotone Armijo search along the projection arc (the
// two-metric projection method of Bertsekas, "Projected Newton methods for
// optimization problems with simple constraints", SIAM J. Control Optim.
// 20, 1982, with an L-BFGS metric as in Kim, Sra & Dhillon, "Tackling box-
// constrained optimization via a new projected quasi-Newton approach", SIAM
// J. Sci. Comput. 32, 2010). Iteration k, with h = σ∇f(x_k) (σ = +1
// maximising):
//
//	A   = {i : x_i = Lo and h_i < 0, or x_i = Hi and h_i > 0}   (the active set)
//	d_F = H·h_F on the free coordinates, d_A = 0                 (H: L-BFGS two-loop, memory Memory)
//	x_{k+1} = P(x_k + t·d),  t = 1, then backtracking, the first with
//	σf(x_{k+1}) ≥ σf(x_k) + γ·h·(x_{k+1} − x_k)
//
// The curvature pairs are s = x_{k+1} − x_k and y = −σ(∇f_{k+1} − ∇f_k),
// kept when sᵀy > 0. If the quasi-Newton direction is not an ascent
// direction or its search fails, the memory is cleared and the projected
// gradient direction (scaled to a first move of half the box) is tried;
// when that fails too the iterate is stationary to rounding (ErrNoAscent).
// Every accepted step improves f. PQN implements LineSearcher, ProjGrader
// and StatefulStepper (its state is the memory).
type PQN struct {
	// Lo and Hi bound every coordinate (Lo < Hi).
	Lo, Hi float64
	// Maximize selects ascent.
	Maximize bool
	// Memory is the number of curvature pairs kept. Zero means 10.
	Memory int
	// Armijo is γ in (0, 1). Zero means 1e-4.
	Armijo float64
	// MaxBacktracks bounds the backtracks per search. Zero means 60.
	MaxBacktracks int

	s, y      [][]float64 // oldest first
	xt, gt, d []float64
	alpha     []float64
	box       box
}

func (p *PQN) sync() {
	p.box = box{Lo: p.Lo, Hi: p.Hi, Maximize: p.Maximize, Armijo: p.Armijo, MaxBacktracks: p.MaxBacktracks}
}

// LR implements Stepper: the number of curvature pairs held (for reports).
func (p *PQN) LR(int) float64 { return float64(len(p.s)) }

// Step implements Stepper; PQN needs the objective, so a Loop calls Search.
func (p *PQN) Step([]float64, []float64, int) error {
	return errors.New("train: PQN is a line search: run it in a Loop")
}

// ProjGrad implements ProjGrader (the norm of SPG.ProjGrad).
func (p *PQN) ProjGrad(x, grad []float64) float64 {
	p.sync()
	return p.box.projGrad(x, grad)
}

// active reports whether coordinate i is held at its bound.
func (p *PQN) active(v, h float64) bool {
	return (v <= p.Lo && h < 0) || (v >= p.Hi && h > 0)
}

// direction writes H·h on the free coordinates into d (zero on the active
// ones) by the two-loop recursion, and returns h·d.
func (p *PQN) direction(x, grad []float64) float64 {
	sg := p.box.sign()
	d := p.d
	for i, v := range x {
		if h := sg * grad[i]; !p.active(v, h) {
			d[i] = h
		} else {
			d[i] = 0
		}
	}
	m := len(p.s)
	if m == 0 {
		// No curvature yet: a first move of at most half the box.
		pg := p.box.projGrad(x, grad)
		for i := range d {
			d[i] *= (p.Hi - p.Lo) / (2 * pg)
		}
	} else {
		free := func(u, v []float64) float64 {
			s := 0.0
			for i := range u {
				if d[i] != 0 || !p.active(x[i], sg*grad[i]) {
					s += u[i] * v[i]
				}
			}
			return s
		}
		for j := m - 1; j >= 0; j-- {
			p.alpha[j] = free(p.s[j], d) / free(p.s[j], p.y[j])
			for i := range d {
				if !p.active(x[i], sg*grad[i]) {
					d[i] -= p.alpha[j] * p.y[j][i]
				}
			}
		}
		gamma := free(p.s[m-1], p.y[m-1]) / free(p.y[m-1], p.y[m-1])
		for i := range d {
			d[i] *= gamma
		}
		for j := 0; j < m; j++ {
			beta := free(p.y[j], d) / free(p.s[j], p.y[j])
			for i := range d {
				if !p.active(x[i], sg*grad[i]) {
					d[i] += (p.alpha[j] - beta) * p.s[j][i]
				}
			}
		}
	}
	slope := 0.0
	for i := range d {
		slope += sg * grad[i] * d[i]
	}
	return slope
}

// Search implements LineSearcher.
func (p *PQN) Search(x, grad []float64, f float64, k int, eval func(x, grad []float64) (float64, error)) (float64, error) {
	if !(p.Lo < p.Hi) {
		return 0, fmt.Errorf("PQN box [%v, %v] is empty", p.Lo, p.Hi)
	}
	p.sync()
	n, mem := len(x), p.Memory
	if mem == 0 {
		mem = 10
	}
	if len(p.d) != n {
		p.xt, p.gt, p.d = make([]float64, n), make([]float64, n), make([]float64, n)
	}
	if len(p.alpha) < mem {
		p.alpha = make([]float64, mem)
	}
	if p.box.projGrad(x, grad) == 0 {
		return 0, fmt.Errorf("PQN: %w (the projected gradient is zero)", ErrNoAscent)
	}
	var ft float64
	for attempt := 0; ; attempt++ {
		if slope := p.direction(x, grad); !(slope > 0) {
			p.s, p.y = p.s[:0], p.y[:0] // not an ascent direction: forget the metric
			p.direction(x, grad)
		}
		var err error
		ft, err = p.box.backtrack(x, grad, f, p.xt, p.gt, func(t float64, xt []float64) {
			for i, v := range x {
				xt[i] = p.box.project(v + t*p.d[i])
			}
		}, eval)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrNoAscent) || len(p.s) == 0 || attempt > 0 {
			return 0, fmt.Errorf("PQN: %w", err)
		}
		p.s, p.y = p.s[:0], p.y[:0] // retry along the projected gradient
	}
	// The curvature pair, kept when sᵀy > 0 (y = −σΔ∇f).
	sg := p.box.sign()
	var sv, yv []float64
	if len(p.s) == mem {
		sv, yv = p.s[0], p.y[0]
		p.s, p.y = p.s[1:], p.y[1:]
	} else {
		sv, yv = make([]float64, n), make([]float64, n)
	}
	sy := 0.0
	for i := range x {
		sv[i], yv[i] = p.xt[i]-x[i], -sg*(p.gt[i]-grad[i])
		sy += sv[i] * yv[i]
	}
	if sy > 0 {
		p.s, p.y = append(p.s, sv), append(p.y, yv)
	}
	copy(x, p.xt)
	copy(grad, p.gt)
	return ft, nil
}

// State implements StatefulStepper: the curvature pairs, oldest first.
func (p *PQN) State() *optim.State {
	st := &optim.State{Method: "pqn"}
	for j := range p.s {
		st.Params = append(st.Params, optim.ParamState{Name: fmt.Sprint("pair", j), Len: len(p.s[j]),
			M: append([]float64(nil), p.s[j]...), V: append([]float64(nil), p.y[j]...)})
	}
	return st
}

// SetState implements StatefulStepper.
func (p *PQN) SetState(st *optim.State, _ int) error {
	if st == nil || st.Method != "pqn" {
		return errors.New("the checkpoint holds no PQN state")
	}
	p.s, p.y = p.s[:0], p.y[:0]
	for _, ps := range st.Params {
		if len(ps.M) != ps.Len || len(ps.V) != ps.Len {
			return fmt.Errorf("PQN state %s is inconsistent", ps.Name)
		}
		p.s = append(p.s, append([]float64(nil), ps.M...))
		p.y = append(p.y, append([]float64(nil), ps.V...))
	}
	return nil
}
