package iminfector

import (
	"errors"
	"math"
	"slices"
	"testing"
)

// TestGreedyHandComputed runs the greedy on a D and E worked by hand.
//
//	row 0: [0.5  0.4  0.1  0    0    0   ]  E = 2: gain 0.9 (cols 0, 1)
//	row 1: [0.45 0.4  0    0    0    0.15]  E = 2: gain 0.85
//	row 2: [0    0.1  0.3  0.3  0.1  0.2 ]  E = 3: gain 0.8
//	row 3: = row 2                           E = 3: gain 0.8
//	row 4: [1    0    0    0    0    0   ]  E = 0: gain 0
//
// Round 1 picks row 0 and marks 0, 1. Round 2: row 1 has only 0.15 + 0
// left, rows 2 and 3 still 0.8 (cols 2, 3, 5); the tie goes to row 2,
// which marks 2, 3, 5. Round 3: row 3 has col 4 left (0.1, E = 3 capped at
// the one unmarked column), row 1 has 0, row 4 has E = 0: row 3, marking
// 4. Round 4: every column is marked; rows 1 and 4 tie at 0: row 1.
// Ranking by the first-round gains alone would give 0, 1, 2, 3.
func TestGreedyHandComputed(t *testing.T) {
	D := []float64{
		0.5, 0.4, 0.1, 0, 0, 0,
		0.45, 0.4, 0, 0, 0, 0.15,
		0, 0.1, 0.3, 0.3, 0.1, 0.2,
		0, 0.1, 0.3, 0.3, 0.1, 0.2,
		1, 0, 0, 0, 0, 0,
	}
	E := []int{2, 2, 3, 3, 0}
	rows, gains, _ := greedy(D, 6, E, 4)
	if want := []int{0, 2, 3, 1}; !slices.Equal(rows, want) {
		t.Errorf("rows %v, want %v", rows, want)
	}
	for i, want := range []float64{0.9, 0.8, 0.1, 0} {
		if math.Abs(gains[i]-want) > 1e-12 {
			t.Errorf("gain %d = %v, want %v", i, gains[i], want)
		}
	}
	marked := make([]bool, 6)
	markAll(D, 6, E, rows[:2], marked)
	if want := []bool{true, true, true, true, false, true}; !slices.Equal(marked, want) {
		t.Errorf("marked after two seeds %v, want %v", marked, want)
	}
}

// TestStage2Pieces checks E_u, D and the candidate cut on hand-made
// embeddings.
func TestStage2Pieces(t *testing.T) {
	// E_u = round(n·‖S_u‖²/Σ‖S‖²) half to even: 5·(3, 10, 7)/20 = 0.75,
	// 2.5, 1.75 → 1, 2, 2 (half away from zero would give 1, 3, 2; floor
	// 0, 2, 1).
	if got := spreadSizes([]float64{3, 10, 7}, 5); !slices.Equal(got, []int{1, 2, 2}) {
		t.Errorf("E = %v, want [1 2 2]", got)
	}
	// S rows (1, 0), (0, 2), (1, 1); T rows (0, 0), (ln 3, 0), (0, 1).
	// Row 0 logits 0, ln 3, 0 → softmax 0.2, 0.6, 0.2. Row 1 logits 0, 0,
	// 2 → 1/(2+e²), 1/(2+e²), e²/(2+e²) = 0.1065, 0.1065, 0.7870 → 0.107, 0.107, 0.787.
	m := &Model{N: 3, Dim: 2, Initiators: []int{4, 7, 9},
		S: []float64{1, 0, 0, 2, 1, 1}, T: []float64{0, 0, math.Log(3), 0, 0, 1}}
	D := m.diffusion([]int{0, 1})
	want := []float64{0.2, 0.6, 0.2, 0.107, 0.107, 0.787}
	for i := range want {
		if math.Abs(D[i]-want[i]) > 1e-12 {
			t.Errorf("D = %v, want %v", D, want)
			break
		}
	}
	// ‖S‖² = 1, 4, 2: P = 100 keeps rows 1, 2, 0; P = 50 keeps ⌊1.5⌋ = 1.
	rows, norm := m.candidates(100)
	if !slices.Equal(rows, []int{1, 2, 0}) || !slices.Equal(norm, []float64{4, 2, 1}) {
		t.Errorf("candidates %v %v, want [1 2 0] [4 2 1]", rows, norm)
	}
	if rows, _ := m.candidates(50); !slices.Equal(rows, []int{1}) {
		t.Errorf("P = 50: candidates %v, want [1]", rows)
	}
	// Select on this model maps rows to node ids: E = round(3·(4, 2, 1)/7)
	// = 2, 1, 0; row 1's two largest are targets 2 and 0 (tie 0.107 with
	// 1 goes to the lower id) with gain 0.894: node 7 first.
	res, err := m.Select(1, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Seeds, []int{7}) || !slices.Equal(res.E, []int{2}) || res.Marked != 2 || math.Abs(res.Gains[0]-0.894) > 1e-12 {
		t.Errorf("Select(1) = seeds %v E %v marked %d gains %v, want [7] [2] 2 [0.894]", res.Seeds, res.E, res.Marked, res.Gains)
	}
}

func TestSelectBadInput(t *testing.T) {
	m := &Model{N: 3, Dim: 2, Initiators: []int{4, 7, 9},
		S: []float64{1, 0, 0, 2, 1, 1}, T: []float64{0, 0, 1, 0, 0, 1}}
	for _, tc := range []struct {
		name string
		k    int
		P    float64
		is   error
	}{
		{"k = 0", 0, 100, nil},
		{"k < 0", -1, 100, nil},
		{"P = 0", 1, 0, nil},
		{"P > 100", 1, 101, nil},
		{"P NaN", 1, math.NaN(), nil},
		{"k above the initiators", 4, 100, ErrTooFewCandidates},
		{"k above the top P%", 2, 50, ErrTooFewCandidates},
	} {
		_, err := m.Select(tc.k, tc.P)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.is)
		}
	}
	if _, err := (&Model{}).Select(1, 100); err == nil {
		t.Error("empty model: no error")
	}
}
