package iminfector

import (
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/spread-dev/spread/train"
)

// ErrTooFewCandidates is returned (wrapped) by Select when the budget k
// exceeds the number of candidate seeds: IMINFECTOR picks only initiators
// of training cascades, the top P% of them by ‖S_u‖².
var ErrTooFewCandidates = errors.New("iminfector: budget exceeds the candidate initiators")

// Result is IMINFECTOR's seed set.
type Result struct {
	// Seeds are the chosen nodes in selection order.
	Seeds []int
	// Gains are the marginal gains: Gains[i] is the sum of the E_u largest
	// D[u, v] over the nodes v not yet marked when Seeds[i] was chosen.
	Gains []float64
	// E holds the expected spread size E_u of each seed.
	E []int
	// Candidates is the number of candidate initiators (the top P%) and
	// Marked the number of nodes marked infected at the end.
	Candidates, Marked int
	// Status is train.Converged (k seeds chosen).
	Status train.Status
	// Stats counts the gain evaluations (Evaluations), the selection
	// rounds (Iterations) and the time.
	Stats train.Stats
}

// Select runs IMINFECTOR's greedy (the package documentation, Stage 2)
// for a budget of k seeds, keeping the top P% of the initiators (0 < P ≤
// 100) by ‖S_u‖² as candidates. It returns an error wrapping
// ErrTooFewCandidates when k exceeds the number of candidates, and an
// error for k < 1 or P outside (0, 100]. The result depends only on the
// model, k and P.
func (m *Model) Select(k int, P float64) (*Result, error) {
	start := time.Now()
	if m == nil || len(m.Initiators) == 0 || len(m.S) != len(m.Initiators)*m.Dim || len(m.T) != m.N*m.Dim {
		return nil, errors.New("iminfector: Select: empty or inconsistent model")
	}
	if k < 1 {
		return nil, fmt.Errorf("iminfector: budget k = %d, want ≥ 1", k)
	}
	if !(P > 0 && P <= 100) {
		return nil, fmt.Errorf("iminfector: reduction percentage P = %v, want in (0, 100]", P)
	}
	cand, norm := m.candidates(P)
	if k > len(cand) {
		return nil, fmt.Errorf("%w: k = %d, %d candidates (the top %v%% of %d initiators)", ErrTooFewCandidates, k, len(cand), P, len(m.Initiators))
	}
	E := spreadSizes(norm, m.N)
	D := m.diffusion(cand)
	rows, gains, evals := greedy(D, m.N, E, k)
	res := &Result{Candidates: len(cand), Gains: gains, Status: train.Converged}
	marked := make([]bool, m.N)
	for _, r := range rows {
		res.Seeds = append(res.Seeds, m.Initiators[cand[r]])
		res.E = append(res.E, E[r])
	}
	markAll(D, m.N, E, rows, marked)
	for _, b := range marked {
		if b {
			res.Marked++
		}
	}
	res.Stats = train.Stats{Iterations: k, Evaluations: evals, Runtime: time.Since(start)}
	return res, nil
}

// candidates returns the rows of S of the top ⌊P·nI/100⌋ initiators (at
// least one) by ‖S_u‖², largest first, ties by row, and their ‖S_u‖².
func (m *Model) candidates(P float64) ([]int, []float64) {
	nI := len(m.Initiators)
	sq := make([]float64, nI)
	for r := range nI {
		for _, s := range m.S[r*m.Dim : (r+1)*m.Dim] {
			sq[r] += s * s
		}
	}
	rows := make([]int, nI)
	for r := range rows {
		rows[r] = r
	}
	slices.SortStableFunc(rows, func(a, b int) int { return cmp.Compare(sq[b], sq[a]) })
	keep := max(1, int(P*float64(nI)/100))
	rows = rows[:keep]
	norm := make([]float64, keep)
	for i, r := range rows {
		norm[i] = sq[r]
	}
	return rows, norm
}

// spreadSizes returns E_u = round(n·‖S_u‖² / Σ‖S‖²) (half to even) over
// the candidates.
func spreadSizes(norm []float64, n int) []int {
	tot := 0.0
	for _, v := range norm {
		tot += v
	}
	E := make([]int, len(norm))
	for i, v := range norm {
		if tot > 0 {
			E[i] = int(math.RoundToEven(float64(n) * v / tot))
		}
	}
	return E
}

// diffusion returns D (len(rows)×N row-major): row i is the softmax over
// targets of S_u·T_v for the initiator u of S's row rows[i], rounded to 3
// decimals.
func (m *Model) diffusion(rows []int) []float64 {
	n, dim := m.N, m.Dim
	D := make([]float64, len(rows)*n)
	for i, r := range rows {
		Su := m.S[r*dim : (r+1)*dim]
		z := D[i*n : (i+1)*n]
		mx := math.Inf(-1)
		for v := range n {
			Tv := m.T[v*dim : (v+1)*dim]
			s := 0.0
			for j, a := range Su {
				s += a * Tv[j]
			}
			z[v] = s
			mx = max(mx, s)
		}
		tot := 0.0
		for v := range z {
			z[v] = math.Exp(z[v] - mx)
			tot += z[v]
		}
		for v := range z {
			z[v] = math.Round(1000*z[v]/tot) / 1000
		}
	}
	return D
}

// topMarks returns the (at most) e nodes v with marked[v] false and the
// largest D row values, largest first, ties by lower v, and the sum of
// their values. idx is scratch (len n).
func topMarks(row []float64, marked []bool, e int, idx []int) ([]int, float64) {
	idx = idx[:0]
	for v, b := range marked {
		if !b {
			idx = append(idx, v)
		}
	}
	e = min(e, len(idx))
	if e <= 0 {
		return idx[:0], 0
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(row[b], row[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	sum := 0.0
	for _, v := range idx[:e] {
		sum += row[v]
	}
	return idx[:e], sum
}

// entry is a candidate in the lazy greedy's queue: its row, last gain
// and the round that gain was computed in.
type entry struct {
	row   int
	gain  float64
	round int
}

type queue []entry

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].gain != q[j].gain {
		return q[i].gain > q[j].gain
	}
	return q[i].row < q[j].row
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(entry)) }
func (q *queue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// greedy picks k rows of D (rows×n) by IMINFECTOR's greedy: the gain of
// row u is the sum of its E[u] largest entries over the unmarked columns;
// the row of largest gain (ties: lower row) is chosen and its E[u] columns
// marked. Gains only fall as columns are marked, so the lazy evaluation of
// CELF (Leskovec et al., KDD 2007) returns exactly the greedy choice. It
// returns the chosen rows, their gains and the number of gain evaluations.
// It requires 1 ≤ k ≤ len(E).
func greedy(D []float64, n int, E []int, k int) (rows []int, gains []float64, evals int) {
	marked := make([]bool, n)
	idx := make([]int, 0, n)
	q := make(queue, len(E))
	for u := range E {
		_, g := topMarks(D[u*n:(u+1)*n], marked, E[u], idx)
		q[u] = entry{row: u, gain: g}
		evals++
	}
	heap.Init(&q)
	for len(rows) < k {
		top := q[0]
		if top.round == len(rows) {
			heap.Pop(&q)
			mk, _ := topMarks(D[top.row*n:(top.row+1)*n], marked, E[top.row], idx)
			for _, v := range mk {
				marked[v] = true
			}
			rows, gains = append(rows, top.row), append(gains, top.gain)
			continue
		}
		_, q[0].gain = topMarks(D[top.row*n:(top.row+1)*n], marked, E[top.row], idx)
		q[0].round = len(rows)
		evals++
		heap.Fix(&q, 0)
	}
	return rows, gains, evals
}

// markAll replays the marking of the chosen rows into marked.
func markAll(D []float64, n int, E []int, rows []int, marked []bool) {
	idx := make([]int, 0, n)
	for _, r := range rows {
		mk, _ := topMarks(D[r*n:(r+1)*n], marked, E[r], idx)
		for _, v := range mk {
			marked[v] = true
		}
	}
}
