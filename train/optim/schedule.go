package optim

import "math"

// Schedule gives the learning rate η of each step.
//
// LR(k) is the learning rate of step k, counted from 0 for the first Step
// after the optimiser was created or Reset (and continuing across SetState).
// It must be finite and non-negative; Step returns an error otherwise. A
// Schedule must be a pure function of k, so that a restored optimiser
// continues exactly.
type Schedule interface {
	LR(step int) float64
}

// Constant is the schedule η_k = float64(c).
type Constant float64

// LR implements Schedule.
func (c Constant) LR(int) float64 { return float64(c) }

// StepDecay multiplies the rate by Gamma every Every steps:
//
//	η_k = LR0 · Gamma^⌊k/Every⌋.
//
// Every ≤ 0 means no decay.
type StepDecay struct {
	LR0   float64
	Gamma float64
	Every int
}

// LR implements Schedule.
func (s StepDecay) LR(k int) float64 {
	if s.Every <= 0 {
		return s.LR0
	}
	return s.LR0 * math.Pow(s.Gamma, float64(k/s.Every))
}

// Cosine anneals the rate from LR0 to LRMin over Total steps:
//
//	η_k = LRMin + (LR0 − LRMin)·(1 + cos(π·k/Total))/2   for k < Total,
//	η_k = LRMin                                          for k ≥ Total.
//
// Total ≤ 0 means LRMin from the start. Unlike PyTorch's CosineAnnealingLR it
// does not rise again after Total.
type Cosine struct {
	LR0   float64
	LRMin float64
	Total int
}

// LR implements Schedule.
func (s Cosine) LR(k int) float64 {
	if k >= s.Total {
		return s.LRMin
	}
	return s.LRMin + (s.LR0-s.LRMin)*(1+math.Cos(math.Pi*float64(k)/float64(s.Total)))/2
}

// InvSqrt is SLICER's schedule (docs/SLICER.md §2): constant, then decaying
// as one over the square root of the step,
//
//	η_k = LR0                    for k < K0,
//	η_k = LR0 / sqrt(k + 1 − K0) for k ≥ K0,
//
// so steps 0..K0 all use LR0 and step K0+1 uses LR0/√2. This is the closed
// form of the original code (examples/slicer.jl, iter_threshold = K0), which
// multiplies its rate by sqrt(iter−K0)/sqrt(iter+1−K0) after iteration iter
// whenever iter > K0.
type InvSqrt struct {
	LR0 float64
	K0  int
}

// LR implements Schedule.
func (s InvSqrt) LR(k int) float64 {
	if k < s.K0 {
		return s.LR0
	}
	return s.LR0 / math.Sqrt(float64(k+1-s.K0))
}
