package datasets

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
)

// letters returns the directed graph a→b, a→c, b→d, c→d, d→e with external
// ids "a".."e" (indices in order of first appearance: a=0 b=1 c=2 d=3 e=4).
func letters(t testing.TB) *graphs.Graph {
	t.Helper()
	b := graphs.NewBuilder("letters")
	for _, e := range [][2]string{{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}, {"d", "e"}} {
		b.AddEdge(e[0], e[1], math.NaN(), 0)
	}
	g, _, err := b.Build(graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// randomGraph returns a directed graph with external ids "n0".."n{n-1}" and
// probabilities uniform in [0,1).
func randomGraph(t testing.TB, n, m int, seed uint64) (*graphs.Graph, []float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	b := graphs.NewBuilder("random")
	for i := 0; i < n; i++ {
		b.Node("n" + strconv.Itoa(i))
	}
	for k := 0; k < m; k++ {
		b.AddEdgeIndex(r.IntN(n), r.IntN(n), math.NaN(), 0)
	}
	g, _, err := b.Build(graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	alpha := make([]float64, g.NumEdges())
	for e := range alpha {
		alpha[e] = r.Float64()
	}
	return g, alpha
}

func TestReadCascades(t *testing.T) {
	g := letters(t)
	tests := []struct {
		name  string
		input string
		T     int
		want  *Cascades
	}{
		{
			name:  "header, sorted output, non-contiguous cascade",
			input: "cascade,node,time\nx,a,0\nx,c,1\ny,b,0\nx,b,1\n",
			T:     3,
			want: &Cascades{N: 5, T: 3, IDs: []string{"x", "y"}, Off: []int{0, 3, 4},
				Node: []int32{0, 1, 2, 1}, Time: []int32{0, 1, 1, 0}},
		},
		{
			name:  "no header, comments, blank lines, spaces, CRLF",
			input: "# made by hand\r\n\r\n 7 , d , 2 \r\n7,a,0\r\n",
			T:     3,
			want: &Cascades{N: 5, T: 3, IDs: []string{"7"}, Off: []int{0, 2},
				Node: []int32{0, 3}, Time: []int32{0, 2}},
		},
		{
			name:  "empty cascade declaration",
			input: "cascade,node,time\nq,,\nr,e,0\n",
			T:     1,
			want: &Cascades{N: 5, T: 1, IDs: []string{"q", "r"}, Off: []int{0, 0, 1},
				Node: []int32{4}, Time: []int32{0}},
		},
		{
			name:  "empty input",
			input: "",
			T:     2,
			want:  &Cascades{N: 5, T: 2, Off: []int{0}, Node: []int32{}, Time: []int32{}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadCascades(strings.NewReader(tc.input), "in.csv", g, tc.T)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestReadCascadesErrors(t *testing.T) {
	g := letters(t)
	tests := []struct {
		name, input string
		T           int
		want        string // expected error text
	}{
		{"unknown node", "cascade,node,time\n1,a,0\n1,z,1\n", 3, `datasets: read in.csv line 3: unknown node "z"`},
		{"time too large", "1,a,0\n1,b,3\n", 3, "line 2: time 3 outside 0..2"},
		{"negative time", "1,a,-1\n", 3, "line 1: time -1 outside 0..2"},
		{"non-integer time", "1,a,0\n1,b,1.5\n", 3, `line 2: time "1.5" is not an integer`},
		{"non-integer time word", "# c\n1,a,zero\n", 3, `line 2: time "zero" is not an integer`},
		{"duplicate in a run", "1,a,0\n1,b,1\n1,a,2\n", 3, `line 3: node "a" appears twice in cascade "1"`},
		{"duplicate across runs", "1,a,0\n2,a,0\n1,b,1\n1,a,2\n", 3, `line 4: node "a" appears twice in cascade "1"`},
		{"too few columns", "1,a,0\n1,b\n", 3, "line 2: want 3 columns (cascade,node,time), got 2"},
		{"too many columns", "1,a,0,7\n", 3, "line 1: want 3 columns (cascade,node,time), got 4"},
		{"empty cascade id", ",a,0\n", 3, "line 1: empty cascade id"},
		{"half declaration", "1,,0\n", 3, "line 1: empty node id"},
		{"header not first", "1,a,0\ncascade,node,time\n", 3, `line 2: unknown node "node"`},
		{"bad horizon", "1,a,0\n", 0, "horizon T = 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCascades(strings.NewReader(tc.input), "in.csv", g, tc.T)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "datasets: read in.csv") {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	g, alpha := randomGraph(t, 60, 150, 4)
	tests := []struct {
		name string
		cfg  SyntheticConfig
	}{
		{"uniform seed", SyntheticConfig{M: 200, T: 5, Seed: 1}},
		// p̄ = 0.01 on 60 nodes: about half the cascades are empty.
		{"stochastic with empty cascades", SyntheticConfig{M: 200, T: 4, P0: filled(60, 0.01), Seed: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Synthetic(g, alpha, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := WriteCascades(&buf, c, g); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(buf.String(), "cascade,node,time\n") {
				t.Errorf("output lacks the header: %.40q", buf.String())
			}
			back, err := ReadCascades(&buf, "buf", g, tc.cfg.T)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, c) {
				t.Error("cascades changed in a write/read round trip")
			}
			// Through a file, atomically written.
			path := filepath.Join(t.TempDir(), "c.csv")
			if err := WriteCascadesFile(path, c, g); err != nil {
				t.Fatal(err)
			}
			back, err = ReadCascadesFile(path, g, tc.cfg.T)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, c) {
				t.Error("cascades changed in a file round trip")
			}
		})
	}
}

func TestWriteCascadesErrors(t *testing.T) {
	g := letters(t)
	ok := func() *Cascades {
		return &Cascades{N: 5, T: 2, IDs: []string{"x"}, Off: []int{0, 1}, Node: []int32{0}, Time: []int32{0}}
	}
	tests := []struct {
		name string
		edit func(c *Cascades)
		want string
	}{
		{"comma in id", func(c *Cascades) { c.IDs[0] = "x,y" }, "contains a comma"},
		{"empty id", func(c *Cascades) { c.IDs[0] = "" }, "is empty"},
		{"comment id", func(c *Cascades) { c.IDs[0] = "#1" }, "starts with '#'"},
		{"spaces", func(c *Cascades) { c.IDs[0] = " x" }, "space"},
		{"repeated id", func(c *Cascades) {
			c.IDs = []string{"x", "x"}
			c.Off = []int{0, 1, 1}
		}, "repeated"},
		{"wrong N", func(c *Cascades) { c.N = 4 }, "4 nodes"},
		{"bad offsets", func(c *Cascades) { c.Off = []int{0, 2} }, "inconsistent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok()
			tc.edit(c)
			err := WriteCascades(&bytes.Buffer{}, c, g)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "datasets: write") {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestReadHidden(t *testing.T) {
	g := letters(t)
	tests := []struct {
		name, input string
		want        []bool
		err         string
	}{
		{"comments and repeats", "# hidden\n\nb\n e \nb\n", []bool{true, false, true, true, false}, ""},
		{"empty file", "", []bool{true, true, true, true, true}, ""},
		{"unknown id", "a\n# x\nq\n", nil, `datasets: read h.txt line 3: unknown node id "q"`},
		{"two ids on a line", "a b\n", nil, "line 1: want one node id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadHidden(strings.NewReader(tc.input), "h.txt", g)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("observed = %v, want %v", got, tc.want)
			}
			var buf bytes.Buffer
			if err := WriteHidden(&buf, got, g); err != nil {
				t.Fatal(err)
			}
			back, err := ReadHidden(&buf, "round trip", g)
			if err != nil || !slices.Equal(back, got) {
				t.Errorf("round trip gave %v, %v", back, err)
			}
		})
	}
}

func TestRandomObserved(t *testing.T) {
	for _, hidden := range []int{0, 1, 25, 100} {
		obs := RandomObserved(100, hidden, 3)
		n := 0
		for _, ok := range obs {
			if !ok {
				n++
			}
		}
		if n != hidden {
			t.Errorf("RandomObserved(100, %d): %d hidden", hidden, n)
		}
		if !slices.Equal(obs, RandomObserved(100, hidden, 3)) {
			t.Errorf("RandomObserved(100, %d) is not deterministic", hidden)
		}
	}
	if slices.Equal(RandomObserved(100, 50, 1), RandomObserved(100, 50, 2)) {
		t.Error("RandomObserved ignores its seed")
	}
}

func TestCountsBySeedSet(t *testing.T) {
	g := letters(t)
	// T = 3. Seed sets: {a} (cascades x, z), {b, c} (y), {} (w: "empty"
	// seed set, b at time 1). Hidden: c.
	in := "cascade,node,time\n" +
		"x,a,0\nx,b,1\nx,d,2\n" +
		"y,c,0\ny,b,0\ny,d,1\n" +
		"z,a,0\nz,c,1\n" +
		"w,b,1\n"
	c, err := ReadCascades(strings.NewReader(in), "", g, 3)
	if err != nil {
		t.Fatal(err)
	}
	observed := []bool{true, true, false, true, true}
	obs := Counts(c, observed, true, nil)
	if obs.N != 5 || obs.T != 3 || !slices.Equal(obs.Observed, observed) {
		t.Fatalf("N, T, Observed = %d, %d, %v", obs.N, obs.T, obs.Observed)
	}
	// Classes sorted by seed set: [] < [0] < [1 2].
	type row = [4]float64 // m_i(0), m_i(1), m_i(2), m_i(T=3)
	want := []struct {
		seeds []int
		m     int
		rows  [5]row // a b c d e
	}{
		{[]int{}, 1, [5]row{{0, 0, 0, 1}, {0, 1, 0, 0}, {}, {0, 0, 0, 1}, {0, 0, 0, 1}}},
		{[]int{0}, 2, [5]row{{2, 0, 0, 0}, {0, 1, 0, 1}, {}, {0, 0, 1, 1}, {0, 0, 0, 2}}},
		{[]int{1, 2}, 1, [5]row{{0, 0, 0, 1}, {1, 0, 0, 0}, {}, {0, 1, 0, 0}, {0, 0, 0, 1}}},
	}
	if len(obs.Classes) != len(want) {
		t.Fatalf("%d classes, want %d", len(obs.Classes), len(want))
	}
	for s, w := range want {
		cl := obs.Classes[s]
		if !slices.Equal(cl.Seeds, w.seeds) || cl.M != w.m {
			t.Errorf("class %d: seeds %v M %d, want %v M %d", s, cl.Seeds, cl.M, w.seeds, w.m)
		}
		for i := 0; i < 5; i++ {
			if !slices.Equal(cl.Counts[i*4:(i+1)*4], w.rows[i][:]) {
				t.Errorf("class %d node %d: counts %v, want %v", s, i, cl.Counts[i*4:(i+1)*4], w.rows[i])
			}
			wantP := 0.0
			if slices.Contains(w.seeds, i) {
				wantP = 1
			}
			if cl.P0[i] != wantP {
				t.Errorf("class %d: P0[%d] = %v, want %v", s, i, cl.P0[i], wantP)
			}
		}
	}
}

func TestCountsStochasticClass(t *testing.T) {
	g := letters(t)
	c, err := ReadCascades(strings.NewReader("1,a,0\n1,b,1\n2,,\n3,e,0\n"), "", g, 2)
	if err != nil {
		t.Fatal(err)
	}
	p0 := filled(5, 0.2)
	obs := Counts(c, nil, false, p0)
	if len(obs.Classes) != 1 || obs.Observed != nil {
		t.Fatalf("%d classes, observed %v; want 1 class, nil", len(obs.Classes), obs.Observed)
	}
	cl := obs.Classes[0]
	want := []float64{
		1, 0, 2, // a
		0, 1, 2, // b
		0, 0, 3, // c
		0, 0, 3, // d
		1, 0, 2, // e
	}
	if cl.M != 3 || cl.Seeds != nil || !slices.Equal(cl.P0, p0) || !slices.Equal(cl.Counts, want) {
		t.Errorf("class = %+v, want M 3, nil seeds, P0 %v, counts %v", cl, p0, want)
	}
	p0[0] = 0.9
	if cl.P0[0] != 0.2 {
		t.Error("Counts kept the caller's p0 slice instead of copying it")
	}
}

// TestSyntheticCounts checks the protocol and the table invariants on a
// larger synthetic set: one seed per cascade, drawn among observed nodes;
// each observed row sums to M_s; hidden rows are zero; both groupings.
func TestSyntheticCounts(t *testing.T) {
	g, alpha := randomGraph(t, 80, 200, 9)
	observed := RandomObserved(g.N, 20, 5)
	const M, T = 3000, 5
	c, err := Synthetic(g, alpha, SyntheticConfig{M: M, T: T, Observed: observed, Seed: 3, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if c.M() != M {
		t.Fatalf("M = %d", c.M())
	}
	for k := 0; k < M; k++ {
		seeds := c.Seeds(k)
		if len(seeds) != 1 || !observed[seeds[0]] {
			t.Fatalf("cascade %d: seeds %v, want one observed node", k, seeds)
		}
	}
	for _, bySeeds := range []bool{true, false} {
		obs := Counts(c, observed, bySeeds, filled(g.N, 1.0/80))
		total := 0
		for s, cl := range obs.Classes {
			total += cl.M
			for i := 0; i < g.N; i++ {
				sum := 0.0
				for _, x := range cl.Counts[i*(T+1) : (i+1)*(T+1)] {
					if x < 0 {
						t.Fatalf("class %d node %d: negative count", s, i)
					}
					sum += x
				}
				want := float64(cl.M)
				if !observed[i] {
					want = 0
				}
				if sum != want {
					t.Fatalf("bySeeds=%v class %d node %d: row sums to %v, want %v", bySeeds, s, i, sum, want)
				}
			}
			if s > 0 && slices.Compare(obs.Classes[s-1].Seeds, cl.Seeds) >= 0 {
				t.Errorf("classes %d and %d not in seed-set order", s-1, s)
			}
		}
		if total != M {
			t.Errorf("bySeeds=%v: classes hold %d cascades, want %d", bySeeds, total, M)
		}
		if bySeeds && len(obs.Classes) != 60 {
			// 3000 draws among 60 observed nodes miss one with prob ≈ 60·e^-50.
			t.Errorf("%d seed-set classes, want 60", len(obs.Classes))
		}
	}
}

func TestSyntheticDeterminism(t *testing.T) {
	g, alpha := randomGraph(t, 100, 300, 2)
	cfg := SyntheticConfig{M: 500, T: 6, Seed: 11, Workers: 1}
	one, err := Synthetic(g, alpha, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Workers = 4
	four, err := Synthetic(g, alpha, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, four) {
		t.Error("Synthetic differs between 1 and 4 workers")
	}
	if !reflect.DeepEqual(Counts(one, nil, true, nil), Counts(four, nil, true, nil)) {
		t.Error("Counts differ on equal cascades")
	}
	cfg.Seed = 12
	other, _ := Synthetic(g, alpha, cfg)
	if reflect.DeepEqual(one, other) {
		t.Error("Synthetic ignores its seed")
	}
	// Cascade k equals ic's stream k: the simulator run directly agrees.
	sim := ic.NewSimulator(g, alpha, 6)
	sim.SimulateMany(500, 11, 3, ic.UniformSeed(nil), func(_, k int, cc ic.Cascade) {
		want := cc.Dense(nil, g.N, 6)
		if got := one.Dense(nil, k); !slices.Equal(got, want) {
			t.Errorf("cascade %d: %v, simulator gives %v", k, got, want)
		}
	})
}

func TestSyntheticErrors(t *testing.T) {
	g, alpha := randomGraph(t, 10, 20, 1)
	none := make([]bool, g.N)
	tests := []struct {
		name  string
		alpha []float64
		cfg   SyntheticConfig
		want  string
	}{
		{"M", alpha, SyntheticConfig{M: 0, T: 3}, "M = 0"},
		{"T", alpha, SyntheticConfig{M: 5, T: 0}, "T = 0"},
		{"alpha", alpha[:1], SyntheticConfig{M: 5, T: 3}, "probabilities"},
		{"P0", alpha, SyntheticConfig{M: 5, T: 3, P0: []float64{0.1}}, "P0 has 1"},
		{"Observed", alpha, SyntheticConfig{M: 5, T: 3, Observed: []bool{true}}, "Observed has 1"},
		{"no observed", alpha, SyntheticConfig{M: 5, T: 3, Observed: none}, "no observed node"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Synthetic(g, tc.alpha, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "datasets: synthetic: ") {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func filled(n int, x float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = x
	}
	return s
}
