package ic

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// goldenObs returns observations on the golden path of TestDMPGolden
// (α = (0.5, 0.3), p̄ = (0.4, 0, 0), T = 3), whose µ are known by hand:
// node 0: µ = (0.4, 0, 0, 0.6); node 1: (0, 0.2, 0, 0.8); node 2: (0, 0.12, 0, 0.88).
func goldenObs(observed []bool) *Observations {
	return &Observations{
		N: 3, T: 3, Observed: observed,
		Classes: []Class{{
			P0: []float64{0.4, 0, 0},
			M:  10,
			Counts: []float64{
				4, 0, 0, 6, // node 0
				0, 3, 0, 7, // node 1
				0, 1, 2, 7, // node 2: two activations at τ = 2, where µ = 0 (floored)
			},
		}},
	}
}

func TestObjectiveGolden(t *testing.T) {
	g := mustGraph(3, []int{0, 0}, []int{1, 2}, true)
	theta := []float64{0.5, 0.3}
	lf := math.Log(MuFloor)
	all := 4*math.Log(0.4) + 6*math.Log(0.6) +
		3*math.Log(0.2) + 7*math.Log(0.8) +
		1*math.Log(0.12) + 2*lf + 7*math.Log(0.88)
	tests := []struct {
		name     string
		observed []bool
		want     float64 // hand-computed from the µ above
	}{
		{"all observed", nil, all},
		{"node 2 hidden", []bool{true, true, false}, 4*math.Log(0.4) + 6*math.Log(0.6) + 3*math.Log(0.2) + 7*math.Log(0.8)},
		{"only node 0", []bool{true, false, false}, 4*math.Log(0.4) + 6*math.Log(0.6)},
	}
	for _, tc := range tests {
		got, err := Objective(g, theta, goldenObs(tc.observed))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if math.Abs(got-tc.want) > 1e-12*math.Abs(tc.want) {
			t.Errorf("%s: O = %.15g, want %.15g", tc.name, got, tc.want)
		}
	}
}

// TestSourceTermsFD checks SourceTerms against central differences of
// ClassObjective with the marginals p treated as free variables.
func TestSourceTermsFD(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const N, T = 6, 5
	// Strictly increasing marginals with all µ ≥ 0.02, so no term is floored.
	p := make([]float64, T*N)
	for i := 0; i < N; i++ {
		x := 0.02 + 0.1*rng.Float64()
		for s := 0; s < T; s++ {
			p[s*N+i] = x
			x += 0.02 + 0.1*rng.Float64()
		}
	}
	counts := make([]float64, N*(T+1))
	for k := range counts {
		counts[k] = float64(rng.IntN(20))
	}
	observed := []bool{true, true, false, true, false, true}
	for _, scale := range []float64{1, 0.25} {
		a := SourceTerms(nil, p, N, T, counts, observed, scale)
		const h = 1e-6
		for k := range p {
			q := append([]float64(nil), p...)
			q[k] = p[k] + h
			fp := ClassObjective(q, N, T, counts, observed)
			q[k] = p[k] - h
			fm := ClassObjective(q, N, T, counts, observed)
			fd := scale * (fp - fm) / (2 * h)
			if math.Abs(fd-a[k]) > 1e-6*max(1, math.Abs(fd)) {
				t.Errorf("scale %v: a_%d(%d) = %v, central difference %v", scale, k%N, k/N, a[k], fd)
			}
			if !observed[k%N] && a[k] != 0 {
				t.Errorf("hidden node %d has source term %v", k%N, a[k])
			}
		}
	}
}

// TestMuFloor checks that a term with µ ≤ MuFloor contributes m·log MuFloor to
// the objective and nothing to the source terms.
func TestMuFloor(t *testing.T) {
	const N, T = 1, 2
	p := []float64{0, 0} // µ = (0, 0, 1)
	counts := []float64{0, 5, 2}
	o := ClassObjective(p, N, T, counts, nil)
	if want := 5 * math.Log(MuFloor); o != want {
		t.Errorf("O = %v, want 5·log(MuFloor) = %v", o, want)
	}
	a := SourceTerms(nil, p, N, T, counts, nil, 1)
	// Only the censored term (µ = 1, m = 2) has a derivative: −2 at slot 1.
	if a[0] != 0 || a[1] != -2 {
		t.Errorf("source terms %v, want [0 -2]", a)
	}
}

func TestMixture(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	s, d := randomER(rng, 12, 0.3, false)
	g := mustGraph(12, s, d, true)
	P := g.NumPairs()
	const R, T = 3, 5
	theta := make([]float64, R*P)
	for k := range theta {
		theta[k] = rng.Float64()
	}
	p0 := make([]float64, g.N)
	for i := range p0 {
		p0[i] = 0.2 * rng.Float64()
	}
	S := MixtureMarginals(nil, g, theta, R, p0, T)
	// The average of R independent forward passes.
	want := make([]float64, T*g.N)
	dmp := NewDMP(g)
	for r := 0; r < R; r++ {
		dmp.Forward(ExpandAlpha(nil, g, theta[r*P:(r+1)*P]), p0, T)
		for k := range want {
			want[k] += dmp.P[k] / R
		}
	}
	for k := range want {
		if math.Abs(S[k]-want[k]) > 1e-15 {
			t.Errorf("S_%d(%d) = %v, want %v", k%g.N, k/g.N, S[k], want[k])
		}
	}
	// R identical replicas give the single-model objective.
	counts := make([]float64, g.N*(T+1))
	for k := range counts {
		counts[k] = float64(rng.IntN(5))
	}
	obs := &Observations{N: g.N, T: T, Classes: []Class{{P0: p0, M: 1, Counts: counts}}}
	one := theta[:P]
	same := append(append(append([]float64(nil), one...), one...), one...)
	o1, err := Objective(g, one, obs)
	if err != nil {
		t.Fatal(err)
	}
	o3, err := MixtureObjective(g, same, 3, obs)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(o1-o3) > 1e-12*math.Abs(o1) {
		t.Errorf("mixture of 3 identical replicas: O = %v, single model %v", o3, o1)
	}
	o, err := MixtureObjective(g, theta, R, obs)
	if err != nil {
		t.Fatal(err)
	}
	if want := ClassObjective(want, g.N, T, counts, nil); math.Abs(o-want) > 1e-12*math.Abs(want) {
		t.Errorf("MixtureObjective = %v, ClassObjective of the averaged marginals = %v", o, want)
	}
}

func TestCheckObservations(t *testing.T) {
	g := mustGraph(3, []int{0, 0}, []int{1, 2}, true)
	good := func() *Observations { return goldenObs(nil) }
	tests := []struct {
		name   string
		mutate func(o *Observations) *Observations
		want   string // substring of the error, "" for no error
	}{
		{"valid", func(o *Observations) *Observations { return o }, ""},
		{"nil", func(o *Observations) *Observations { return nil }, "nil observations"},
		{"node count", func(o *Observations) *Observations { o.N = 4; return o }, "4 nodes"},
		{"horizon", func(o *Observations) *Observations { o.T = 0; return o }, "T = 0"},
		{"observed length", func(o *Observations) *Observations { o.Observed = []bool{true}; return o }, "len(Observed)"},
		{"p0 length", func(o *Observations) *Observations { o.Classes[0].P0 = []float64{1}; return o }, "class 0: len(P0)"},
		{"p0 range", func(o *Observations) *Observations { o.Classes[0].P0[1] = 1.5; return o }, "P0[1]"},
		{"p0 NaN", func(o *Observations) *Observations { o.Classes[0].P0[2] = math.NaN(); return o }, "P0[2]"},
		{"counts length", func(o *Observations) *Observations { o.Classes[0].Counts = o.Classes[0].Counts[:5]; return o }, "len(Counts)"},
		{"negative count", func(o *Observations) *Observations { o.Classes[0].Counts[6] = -1; return o }, "m_1(2)"},
		{"NaN count", func(o *Observations) *Observations { o.Classes[0].Counts[11] = math.NaN(); return o }, "m_2(3)"},
	}
	for _, tc := range tests {
		err := CheckObservations(g, tc.mutate(good()))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.want != "" && err == nil:
			t.Errorf("%s: no error, want one mentioning %q", tc.name, tc.want)
		case err != nil && (!strings.HasPrefix(err.Error(), "models/ic: ") || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %q, want prefix models/ic and %q", tc.name, err, tc.want)
		}
	}
}

func TestCheckTheta(t *testing.T) {
	tests := []struct {
		theta []float64
		ok    bool
	}{
		{[]float64{0, 0.5, 1}, true},
		{[]float64{-ThetaSlack, 1 + ThetaSlack}, true},
		{[]float64{0.5, math.NaN()}, false},
		{[]float64{math.Inf(1)}, false},
		{[]float64{1.01}, false},
		{[]float64{-0.01}, false},
	}
	for _, tc := range tests {
		err := CheckTheta(tc.theta)
		if (err == nil) != tc.ok {
			t.Errorf("CheckTheta(%v) = %v, want ok=%v", tc.theta, err, tc.ok)
		}
	}
	g := mustGraph(3, []int{0, 0}, []int{1, 2}, true)
	if _, err := Objective(g, []float64{0.5, math.NaN()}, goldenObs(nil)); err == nil {
		t.Error("Objective accepted a NaN parameter")
	}
}
