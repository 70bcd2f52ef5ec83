package cic

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// delayCases is the table of delay families and parameters every delay
// test runs over. mean and median are closed forms written out here
// independently of delay.go (provenance: the standard distributions, with
// Rayleigh in NetRate's α = 1/σ² convention).
var delayCases = []struct {
	name         string
	d            Delay
	a, b         float64
	mean, median float64
}{
	{"exp α=0.5", Exponential(), 0.5, 0, 2, math.Ln2 / 0.5},
	{"exp α=3", Exponential(), 3, 0, 1.0 / 3, math.Ln2 / 3},
	// Rayleigh(σ) has mean σ√(π/2) and median σ√(2 ln 2), σ = 1/√α.
	{"rayleigh α=0.25", Rayleigh(), 0.25, 0, 2 * math.Sqrt(math.Pi/2), 2 * math.Sqrt(2*math.Ln2)},
	{"rayleigh α=1", Rayleigh(), 1, 0, math.Sqrt(math.Pi / 2), math.Sqrt(2 * math.Ln2)},
	// Weibull(λ, k): mean λΓ(1+1/k), median λ(ln 2)^{1/k}; Γ(1.5) = √π/2, Γ(1.2) ≈ 0.918169.
	{"weibull λ=2 k=2", Weibull(), 2, 2, 2 * math.Sqrt(math.Pi) / 2, 2 * math.Sqrt(math.Ln2)},
	{"weibull λ=5 k=5", Weibull(), 5, 5, 5 * 0.9181687423997607, 5 * math.Pow(math.Ln2, 0.2)},
	{"weibull λ=1 k=1 (= exp α=1)", Weibull(), 1, 1, 1, math.Ln2},
	{"weibull λ=3 k=0.7", Weibull(), 3, 0.7, 3 * math.Gamma(1+1/0.7), 3 * math.Pow(math.Ln2, 1/0.7)},
}

// TestDelaySampleMoments draws 100 000 delays by inversion per case and
// holds the sample mean within 5 standard errors of the closed-form mean,
// the empirical median and quartiles within 0.02 (in probability: the CDF
// at the empirical quantile) of 1/2, 1/4, 3/4, and Mean() equal to the
// closed form to 1e-12.
func TestDelaySampleMoments(t *testing.T) {
	const n = 100000
	for i, tc := range delayCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.d.Mean(tc.a, tc.b); math.Abs(got-tc.mean) > 1e-12*tc.mean {
				t.Errorf("Mean = %v, want %v", got, tc.mean)
			}
			rng := rand.New(rand.NewPCG(7, uint64(i)))
			x := make([]float64, n)
			sum, sum2 := 0.0, 0.0
			for j := range x {
				x[j] = tc.d.Sample(1-rng.Float64(), tc.a, tc.b)
				sum += x[j]
				sum2 += x[j] * x[j]
			}
			mean := sum / n
			se := math.Sqrt((sum2/n - mean*mean) / n)
			if math.Abs(mean-tc.mean) > 5*se {
				t.Errorf("sample mean %v, want %v ± 5·%v", mean, tc.mean, se)
			}
			slices.Sort(x)
			if med := x[n/2]; math.Abs(med-tc.median) > 0.02*tc.median {
				t.Errorf("sample median %v, want %v", med, tc.median)
			}
			for _, q := range []float64{0.25, 0.5, 0.75} {
				if got := tc.d.CDF(x[int(q*n)], tc.a, tc.b); math.Abs(got-q) > 0.01 {
					t.Errorf("CDF at the empirical %v-quantile = %v", q, got)
				}
			}
		})
	}
}

// TestDelayFunctions checks, on a grid of τ per case: S(Sample(u)) = u
// (inversion) to 1e-12, S + CDF = 1 to 1e-15, the density equal to the
// central difference −dS/dτ (step 1e-6, relative 1e-6) and the hazard
// equal to f/S computed that way, and the τ < 0 conventions.
func TestDelayFunctions(t *testing.T) {
	for _, tc := range delayCases {
		t.Run(tc.name, func(t *testing.T) {
			d, a, b := tc.d, tc.a, tc.b
			for _, u := range []float64{1e-9, 0.1, 0.5, 0.9, 1 - 1e-9, 1} {
				tau := d.Sample(u, a, b)
				if got := d.Survival(tau, a, b); math.Abs(got-u) > 1e-12*math.Max(1, u) {
					t.Errorf("u = %v: τ = %v has survival %v", u, tau, got)
				}
			}
			for _, q := range []float64{0.05, 0.3, 0.6, 0.95} {
				tau := d.Sample(1-q, a, b) // the q-quantile
				S, F := d.Survival(tau, a, b), d.CDF(tau, a, b)
				if math.Abs(S+F-1) > 1e-15 {
					t.Errorf("τ = %v: S + F = %v", tau, S+F)
				}
				h := 1e-6 * math.Max(tau, 1e-3)
				fNum := -(d.Survival(tau+h, a, b) - d.Survival(tau-h, a, b)) / (2 * h)
				if f := d.Density(tau, a, b); math.Abs(f-fNum) > 1e-6*fNum {
					t.Errorf("τ = %v: density %v, −dS/dτ = %v", tau, f, fNum)
				}
				if hz := d.Hazard(tau, a, b); math.Abs(hz-fNum/S) > 1e-6*hz {
					t.Errorf("τ = %v: hazard %v, f/S = %v", tau, hz, fNum/S)
				}
			}
			if d.Survival(-1, a, b) != 1 || d.CDF(-1, a, b) != 0 || d.Density(-1, a, b) != 0 || d.Hazard(-1, a, b) != 0 {
				t.Error("τ < 0 conventions")
			}
		})
	}
}

// TestDelayParse checks ParseDelay, String and CheckParams.
func TestDelayParse(t *testing.T) {
	for _, d := range []Delay{Exponential(), Rayleigh(), Weibull()} {
		got, err := ParseDelay(d.String())
		if err != nil || got != d {
			t.Errorf("ParseDelay(%q) = %v, %v", d.String(), got, err)
		}
	}
	if d, err := ParseDelay("EXP"); err != nil || d != Exponential() {
		t.Errorf("ParseDelay(EXP) = %v, %v", d, err)
	}
	if _, err := ParseDelay("gamma"); err == nil {
		t.Error("ParseDelay(gamma): no error")
	}
	for _, tc := range []struct {
		d    Delay
		a, b float64
		ok   bool
	}{
		{Exponential(), 0, 0, true}, {Exponential(), -1, 0, false}, {Rayleigh(), math.Inf(1), 0, false},
		{Rayleigh(), math.NaN(), 0, false}, {Weibull(), 1, 1, true}, {Weibull(), math.Inf(1), 2, true},
		{Weibull(), 0, 1, false}, {Weibull(), 1, 0, false}, {Weibull(), 1, math.Inf(1), false},
	} {
		if err := tc.d.CheckParams(tc.a, tc.b); (err == nil) != tc.ok {
			t.Errorf("%v.CheckParams(%v, %v) = %v", tc.d, tc.a, tc.b, err)
		}
	}
}
