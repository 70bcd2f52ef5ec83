package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Init fills a parameter with its initial values.
//
// Fill overwrites dst, a rows×cols matrix stored row-major, drawing any
// random numbers from rng in row-major order, so the same rng state gives
// the same values. For a weight W of shape (in, out), rows = in is the
// fan-in and cols = out the fan-out; a vector (a bias) of length n is
// filled as a 1×n matrix. Fill returns an error if rows or cols is not
// positive, len(dst) ≠ rows·cols, a setting is invalid, or rng is nil and
// the initialisation is random.
type Init interface {
	Fill(dst []float64, rows, cols int, rng *rand.Rand) error
}

// Zeros sets every value to 0: the usual bias initialisation.
type Zeros struct{}

// Fill implements Init. It does not use rng.
func (Zeros) Fill(dst []float64, rows, cols int, _ *rand.Rand) error {
	if err := checkFill("Zeros", dst, rows, cols); err != nil {
		return err
	}
	clear(dst)
	return nil
}

// Constant sets every value to the given number.
type Constant float64

// Fill implements Init. It does not use rng.
func (c Constant) Fill(dst []float64, rows, cols int, _ *rand.Rand) error {
	if err := checkFill("Constant", dst, rows, cols); err != nil {
		return err
	}
	if !isFinite(float64(c)) {
		return fmt.Errorf("models/nn: Constant(%v): want a finite value", float64(c))
	}
	for i := range dst {
		dst[i] = float64(c)
	}
	return nil
}

// GlorotUniform draws from U(−a, a) with a = Gain·√(6 / (fan_in + fan_out))
// (Glorot & Bengio 2010, eq. 16; PyTorch's xavier_uniform_), which keeps the
// variance of activations and of gradients roughly constant across layers
// with tanh-like units. A zero Gain means 1.
type GlorotUniform struct{ Gain float64 }

// Fill implements Init.
func (i GlorotUniform) Fill(dst []float64, rows, cols int, rng *rand.Rand) error {
	gain, err := checkRandom("GlorotUniform", dst, rows, cols, rng, i.Gain, 1)
	if err != nil {
		return err
	}
	a := gain * math.Sqrt(6/float64(rows+cols))
	for k := range dst {
		dst[k] = a * (2*rng.Float64() - 1)
	}
	return nil
}

// HeNormal draws from N(0, σ²) with σ = Gain/√fan_in (He et al. 2015,
// "Delving deep into rectifiers", eq. 10; PyTorch's kaiming_normal_ with
// mode fan_in), which keeps the variance of the pre-activations constant
// across ReLU layers when Gain = √2. A zero Gain means √2.
type HeNormal struct{ Gain float64 }

// Fill implements Init.
func (i HeNormal) Fill(dst []float64, rows, cols int, rng *rand.Rand) error {
	gain, err := checkRandom("HeNormal", dst, rows, cols, rng, i.Gain, math.Sqrt2)
	if err != nil {
		return err
	}
	sigma := gain / math.Sqrt(float64(rows))
	for k := range dst {
		dst[k] = sigma * rng.NormFloat64()
	}
	return nil
}

// Orthogonal sets W = Gain·Q with Q a random matrix with orthonormal
// columns when rows ≥ cols (QᵀQ = I) and orthonormal rows when rows < cols
// (QQᵀ = I) (Saxe et al. 2014, "Exact solutions to the nonlinear dynamics of
// learning in deep linear neural networks"; PyTorch's orthogonal_). Q is
// the Q factor, with a positive diagonal of R, of a matrix of standard
// normal draws, which makes it Haar-distributed; it is computed by modified
// Gram–Schmidt with one re-orthogonalisation pass, accurate to a few ulps.
// A zero Gain means 1.
//
// CleanRL's layer_init (ppo.py) uses Orthogonal{√2} for hidden layers,
// Orthogonal{0.01} for the policy head and Orthogonal{1} for the value head,
// with zero biases.
type Orthogonal struct{ Gain float64 }

// Fill implements Init.
func (i Orthogonal) Fill(dst []float64, rows, cols int, rng *rand.Rand) error {
	gain, err := checkRandom("Orthogonal", dst, rows, cols, rng, i.Gain, 1)
	if err != nil {
		return err
	}
	// Work on a tall n×m matrix a (n ≥ m), column j at a[j*n:(j+1)*n], and
	// transpose into dst when rows < cols.
	n, m := max(rows, cols), min(rows, cols)
	a := make([]float64, n*m)
	for k := range a {
		a[k] = rng.NormFloat64()
	}
	for j := range m {
		col := a[j*n : (j+1)*n]
		for range 2 { // "twice is enough" (Giraud et al. 2005)
			for k := range j {
				prev := a[k*n : (k+1)*n]
				d := dot(prev, col)
				for t := range col {
					col[t] -= d * prev[t]
				}
			}
		}
		nrm := math.Sqrt(dot(col, col))
		if !(nrm > 1e-8) { // probability zero for Gaussian draws
			return errors.New("models/nn: Orthogonal: rank-deficient random draw")
		}
		for t := range col {
			col[t] /= nrm
		}
	}
	for r := range rows {
		for c := range cols {
			if rows >= cols {
				dst[r*cols+c] = gain * a[c*n+r] // column c of Q
			} else {
				dst[r*cols+c] = gain * a[r*n+c] // row r of W is column r of Q
			}
		}
	}
	return nil
}

func dot(x, y []float64) float64 {
	var s float64
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func checkFill(name string, dst []float64, rows, cols int) error {
	if rows < 1 || cols < 1 {
		return fmt.Errorf("models/nn: %s: shape %d×%d, want positive sizes", name, rows, cols)
	}
	if len(dst) != rows*cols {
		return fmt.Errorf("models/nn: %s: len(dst) = %d, want %d×%d = %d", name, len(dst), rows, cols, rows*cols)
	}
	return nil
}

// checkRandom validates the arguments of a random initialisation and
// returns the gain to use (def when gain is 0).
func checkRandom(name string, dst []float64, rows, cols int, rng *rand.Rand, gain, def float64) (float64, error) {
	if err := checkFill(name, dst, rows, cols); err != nil {
		return 0, err
	}
	if rng == nil {
		return 0, fmt.Errorf("models/nn: %s: nil *rand.Rand", name)
	}
	if gain < 0 || !isFinite(gain) {
		return 0, fmt.Errorf("models/nn: %s: Gain = %v, want a finite value ≥ 0", name, gain)
	}
	if gain == 0 {
		gain = def
	}
	return gain, nil
}
