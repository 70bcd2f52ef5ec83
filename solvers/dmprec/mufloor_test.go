package dmprec

import (
	"math"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/fixtures"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/solvers/adjoint"
)

// The floor under test, written out as a literal on purpose (not
// ic.MuFloor), so that a changed floor constant fails the hand-computed
// values below.
const handFloor = 1e-12

// floorCase is one θ of the µ-floor table. a = α₀₁ and b = α₁₂ on the path
// of floorProblem; want and wantGrad are hand-computed (see floorProblem).
type floorCase struct {
	name     string
	a, b     float64
	fd       bool // a, b interior; the floored set is fixed within the FD probes (±2^-10·θ)
	want     float64
	wantA    float64 // ∂O/∂a
	wantB    float64 // ∂O/∂b
	floorAB  bool    // µ₂(2) = ab is floored
	floor1mA bool    // µ₁(3) = 1 − a is floored
}

// floorProblem returns the graph and observations of the µ-floor tests.
//
// Graph: the undirected path 0–1–2–3 (α₀₁ = a, α₁₂ = b, α₂₃ = c) plus the
// isolated nodes 4, 5, 6. One class, T = 3, p̄ = (1, 0, 0, 0, 1e-12,
// 1e-13, 2^-30); node 3 is hidden. By hand (DMP on a tree; the message
// 2→1 and 3→2 are 0 until t = 2, so nothing comes back):
//
//	node 0: p = (1, 1, 1)         µ₀ = (1, 0, 0, 0)
//	node 1: p = (0, a, a)         µ₁ = (0, a, 0, 1 − a)
//	node 2: p = (0, 0, ab)        µ₂ = (0, 0, ab, 1 − ab)
//	node 4: p ≡ 1e-12             µ₄ = (1e-12, 0, 0, 1 − 1e-12)   (exactly at the floor)
//	node 5: p ≡ 1e-13             µ₅ = (1e-13, 0, 0, 1 − 1e-13)   (below)
//	node 6: p ≡ 2^-30             µ₆ = (2^-30, 0, 0, 1 − 2^-30)   (above, < 1e-6)
//
// With a, b powers of two every µ above is exact in float64 (1 − ab is
// representable for ab ≥ 2^-52). Counts m_i(τ), all non-zero where µ is 0
// or tiny:
//
//	node 0: (7, 1, 0, 0)   → 1·F            (µ₀(1) = 0)
//	node 1: (0, 3, 2, 5)   → 3·log a + 2·F + 5·log(1 − a)
//	node 2: (1, 2, 4, 6)   → 1·F + 2·F + 4·log max(ab, F) + 6·log(1 − ab)
//	node 3: (9, 9, 9, 9)   hidden, contributes nothing
//	node 4: (2, 1, 0, 0)   → 2·log(1e-12) + 1·F
//	node 5: (3, 0, 0, 1)   → 3·F + log(1 − 1e-13)
//	node 6: (2, 0, 1, 0)   → 2·log 2^-30 + 1·F
//
// with F = log(1e-12) (and log(max(µ, F)) for a, 1 − a too). The gradient
// of log max(µ, F) is µ'/µ if µ > F and 0 otherwise, so
//
//	∂O/∂a = [a > F]·3/a − [1−a > F]·5/(1 − a) + [ab > F]·4/a − 6b/(1 − ab)
//	∂O/∂b = [ab > F]·4/b − 6a/(1 − ab),           ∂O/∂c = 0.
func floorProblem(t *testing.T) (*graphs.Graph, *ic.Observations, func(a, b float64) []float64) {
	t.Helper()
	g := fixtures.MustGraph(7, []int{0, 1, 2}, []int{1, 2, 3}, true)
	pairOf := func(u, v int) int {
		for p, e := range g.PairEdge {
			if (g.Src[e] == u && g.Dst[e] == v) || (g.Src[e] == v && g.Dst[e] == u) {
				return p
			}
		}
		t.Fatalf("no edge %d–%d", u, v)
		return -1
	}
	pa, pb, pc := pairOf(0, 1), pairOf(1, 2), pairOf(2, 3)
	theta := func(a, b float64) []float64 {
		th := make([]float64, g.NumPairs())
		th[pa], th[pb], th[pc] = a, b, 0.25
		return th
	}
	obs := &ic.Observations{
		N: 7, T: 3,
		Observed: fixtures.Observed(7, []int{3}),
		Classes: []ic.Class{{
			P0: []float64{1, 0, 0, 0, 1e-12, 1e-13, 0x1p-30},
			M:  1,
			Counts: []float64{
				7, 1, 0, 0,
				0, 3, 2, 5,
				1, 2, 4, 6,
				9, 9, 9, 9,
				2, 1, 0, 0,
				3, 0, 0, 1,
				2, 0, 1, 0,
			},
		}},
	}
	return g, obs, theta
}

// floorCases returns the table; values by the formulas of floorProblem with
// F = log(1e-12) written as math.Log(handFloor).
func floorCases() []floorCase {
	F := math.Log(handFloor)
	// θ-independent part: node 0 (1·F), node 2's τ = 0, 1 (3·F), node 4
	// (2·log 1e-12 + F), node 5 (3·F + log(1 − 1e-13)), node 6
	// (2·log 2^-30 + F), and node 1's µ₁(2) = 0 (2·F).
	base := F + 3*F + 2*math.Log(1e-12) + F + 3*F + math.Log(1-1e-13) + 2*math.Log(0x1p-30) + F + 2*F
	lg := func(x float64) float64 { return math.Log(max(x, handFloor)) }
	ind := func(x float64) float64 {
		if x > handFloor {
			return 1
		}
		return 0
	}
	mk := func(name string, a, b float64, fd bool) floorCase {
		ab := a * b
		return floorCase{
			name: name, a: a, b: b, fd: fd,
			want:     base + 3*lg(a) + 5*lg(1-a) + 4*lg(ab) + 6*lg(1-ab),
			wantA:    ind(a)*3/a - ind(1-a)*5/(1-a) + ind(ab)*4/a - 6*b/(1-ab),
			wantB:    ind(ab)*4/b - 6*a/(1-ab),
			floorAB:  ab <= handFloor,
			floor1mA: 1-a <= handFloor,
		}
	}
	return []floorCase{
		// ab = 2^-46 ≈ 1.4e-14: below 1e-12, above 1e-15.
		mk("ab = 2^-46 (below the floor)", 0x1p-20, 0x1p-26, true),
		// ab = 2^-39 ≈ 1.8e-12: just above the floor.
		mk("ab = 2^-39 (just above)", 0x1p-19, 0x1p-20, true),
		// ab = 2^-30 ≈ 9.3e-10: above 1e-12, below 1e-6.
		mk("ab = 2^-30 (above, < 1e-6)", 0x1p-10, 0x1p-20, true),
		// a = 1: µ₁(3) = 1 − a = 0 with count 5, floored.
		mk("a = 1 (µ₁(3) = 0)", 1, 0.5, false),
		// a = 0: µ₁(1) = 0 and µ₂(2) = 0, floored.
		mk("a = 0 (µ₁(1) = µ₂(2) = 0)", 0, 0.5, false),
	}
}

// TestMuFloorHandValues checks the objective and gradient of every
// evaluation path — ic.Objective, solvers/adjoint (single-class and, with
// the class duplicated, class-block path), DMPrec and the autodiff
// ic.GraphObjective — on µ exactly 0, exactly at, below and above the
// floor, against the hand-computed values of floorProblem. Tolerances:
// objective 1e-12 relative; gradient 1e-9 relative (the µ are exact, the
// paths differ only in summation order; the autodiff graph forms µ as
// differences of complements and may lose a few ulps of 1/µ).
func TestMuFloorHandValues(t *testing.T) {
	g, obs, theta := floorProblem(t)
	two := *obs
	two.Classes = append([]ic.Class{obs.Classes[0]}, obs.Classes[0])
	gobj, err := ic.NewGraphObjective(g, obs, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer gobj.Close()
	pa, pb := -1, -1
	for k, x := range theta(0.125, 0.375) {
		switch x {
		case 0.125:
			pa = k
		case 0.375:
			pb = k
		}
	}
	for _, tc := range floorCases() {
		th := theta(tc.a, tc.b)
		want := make([]float64, len(th))
		want[pa], want[pb] = tc.wantA, tc.wantB
		type result struct {
			path  string
			scale float64 // classes evaluated (duplicated-class run: 2)
			o     float64
			grad  []float64
			err   error
		}
		var rs []result
		o, err := ic.Objective(g, th, obs)
		rs = append(rs, result{"ic.Objective", 1, o, nil, err})
		o, gr, err := adjoint.Gradient(nil, g, th, obs, &adjoint.Options{Workers: 1})
		rs = append(rs, result{"adjoint (1 class)", 1, o, gr, err})
		o, gr, err = adjoint.Gradient(nil, g, th, &two, &adjoint.Options{Workers: 1})
		rs = append(rs, result{"adjoint (2 classes, blocks)", 2, o, gr, err})
		o, gr, err = Gradient(nil, g, th, obs, nil)
		rs = append(rs, result{"dmprec", 1, o, gr, err})
		gr = make([]float64, len(th))
		o, err = gobj.Eval(th, gr)
		rs = append(rs, result{"autodiff", 1, o, gr, err})
		for _, r := range rs {
			if r.err != nil {
				t.Errorf("%s: %s: %v", tc.name, r.path, r.err)
				continue
			}
			if w := r.scale * tc.want; math.Abs(r.o-w) > 1e-12*math.Abs(w) {
				t.Errorf("%s: %s: O = %.17g, by hand %.17g", tc.name, r.path, r.o, w)
			}
			for k := range r.grad {
				w := r.scale * want[k]
				if math.Abs(r.grad[k]-w) > 1e-9*max(1, math.Abs(w)) {
					t.Errorf("%s: %s: ∂O/∂θ[%d] = %.17g, by hand %.17g", tc.name, r.path, k, r.grad[k], w)
				}
			}
		}
	}
}

// TestMuFloorFD checks the gradient of the floored objective against
// central differences of ic.Objective for the interior rows of the table
// (µ tiny but the floored set fixed within the probe). The steps are
// dyadic and relative, h = 2^-10·θ_k and h/2 (Richardson-extrapolated), so
// the perturbed a, b and ab stay exact in float64 and µ = 1 − (1 − ab) is
// exact too; otherwise the cancellation in µ ~ 1e-12 would swamp the
// difference. Tolerance: 1e-6·max(1, |FD|) plus the rounding of O itself,
// 1e-14·|O|/h (the ∂/∂b entry of the first row, −6a/(1−ab) ≈ −6e-6, is
// below what O's last bits resolve; a gradient that keeps m/µ = 4/b ≈ 2.7e8
// for the floored µ₂(2) still fails by orders of magnitude).
func TestMuFloorFD(t *testing.T) {
	g, obs, theta := floorProblem(t)
	for _, tc := range floorCases() {
		if !tc.fd {
			continue
		}
		th := theta(tc.a, tc.b)
		_, ga, err := adjoint.Gradient(nil, g, th, obs, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, gd, err := Gradient(nil, g, th, obs, nil)
		if err != nil {
			t.Fatal(err)
		}
		f := func(k int, step float64) float64 {
			x := append([]float64(nil), th...)
			x[k] += step
			o, err := ic.Objective(g, x, obs)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		o0 := f(0, 0)
		for k := range th {
			h := 0x1p-10 * th[k]
			d1 := (f(k, h) - f(k, -h)) / (2 * h)
			d2 := (f(k, h/2) - f(k, -h/2)) / h
			fd := (4*d2 - d1) / 3
			tol := 1e-6*max(1, math.Abs(fd)) + 1e-14*math.Abs(o0)/h
			for _, c := range []struct {
				path string
				got  float64
			}{{"adjoint", ga[k]}, {"dmprec", gd[k]}} {
				if math.Abs(c.got-fd) > tol {
					t.Errorf("%s: %s ∂O/∂θ[%d] = %.12g, central difference %.12g (tolerance %.3g)", tc.name, c.path, k, c.got, fd, tol)
				}
			}
		}
	}
}
