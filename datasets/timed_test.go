package datasets

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/internal/shared"
	"github.com/spread-dev/spread/models/cic"
)

// nodesGraph returns a graph on nodes "0".."n-1" with the edges i→i+1.
func nodesGraph(t testing.TB, n int) *graphs.Graph {
	t.Helper()
	b := graphs.NewBuilder("")
	for i := range n {
		b.Node(strconv.Itoa(i))
	}
	for i := 0; i+1 < n; i++ {
		b.AddEdgeIndex(i, i+1, 1, 0)
	}
	g, _, err := b.Build(graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func equalTimed(a, b *TimedCascades) bool {
	return a.N == b.N && slices.Equal(a.IDs, b.IDs) && slices.Equal(a.Off, b.Off) &&
		slices.Equal(a.Node, b.Node) && slices.Equal(a.Time, b.Time)
}

// TestTimedRoundTrip writes simulated cascades (models/cic, Weibull delays)
// in both formats and reads them back bit for bit, through files written
// atomically.
func TestTimedRoundTrip(t *testing.T) {
	g, err := graphs.Kronecker(6, graphs.KroneckerHierarchical, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	p := cic.Params{A: make([]float64, g.NumEdges()), B: make([]float64, g.NumEdges())}
	for e := range p.A {
		p.A[e], p.B[e] = 1+float64(e%5), 1+float64(e%3)
	}
	sim, err := cic.NewSimulator(g, cic.Weibull(), p, 20)
	if err != nil {
		t.Fatal(err)
	}
	src := [][]int{{0}, {1, 5, 9}, {3}, {60, 61}}
	cs, err := sim.Simulate(src, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	c := FromCIC(cs)
	dir := t.TempDir()
	for _, f := range []struct {
		name  string
		write func(string, *TimedCascades, *graphs.Graph) error
		read  func(string, *graphs.Graph, float64) (*TimedCascades, error)
	}{{"c.csv", WriteTimedCascadesFile, ReadTimedCascadesFile}, {"c.txt", WriteNetRateFile, ReadNetRateFile}} {
		path := filepath.Join(dir, f.name)
		if err := f.write(path, c, g); err != nil {
			t.Fatal(err)
		}
		back, err := f.read(path, g, 20)
		if err != nil {
			t.Fatal(err)
		}
		if !equalTimed(c, back) {
			t.Errorf("%s: round trip differs", f.name)
		}
		for k := range back.M() {
			nodes, times := back.Cascade(k)
			for _, s := range src[k] {
				j := slices.Index(nodes, int32(s))
				if j < 0 || times[j] != 0 {
					t.Errorf("%s cascade %d: source %d missing or not at time 0", f.name, k, s)
				}
			}
		}
	}
}

// TestNetRateDemo reads the NetRate repository's Kronecker core-periphery
// demo (1024 nodes, horizon 10; despite its name the file holds 1001 cascade lines), writes it back and reads it
// again unchanged.
func TestNetRateDemo(t *testing.T) {
	dir := shared.Path(t, "cascades", "netrate-kronecker-demo")
	base := filepath.Join(dir, "kronecker-core-periphery-n1024-h10-r0_01-0_25-")
	// The network file: the same first block, then "id1,id2,alpha" edges.
	f, err := os.Open(base + "network.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := graphs.NewBuilder("")
	sc := bufio.NewScanner(f)
	second := false
	for sc.Scan() {
		s := sc.Text()
		if s == "" {
			second = true
			continue
		}
		fs := strings.Split(s, ",")
		if !second {
			b.Node(fs[0])
			continue
		}
		b.AddEdge(fs[0], fs[1], math.NaN(), 0)
	}
	g, _, err := b.Build(graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ReadNetRateFile(base+"1000-cascades.txt", g, 10)
	if err != nil {
		t.Fatal(err)
	}
	if g.N != 1024 || c.M() != 1001 {
		t.Fatalf("%d nodes, %d cascades; want 1024, 1001", g.N, c.M())
	}
	if _, times := c.Cascade(0); times[0] != 0 {
		t.Errorf("cascade 0 starts at %v, want 0", times[0])
	}
	var buf bytes.Buffer
	if err := WriteNetRate(&buf, c, g); err != nil {
		t.Fatal(err)
	}
	back, err := ReadNetRate(&buf, "", g, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !equalTimed(c, back) {
		t.Error("demo round trip differs")
	}
	if _, err := ReadNetRateFile(base+"1000-cascades.txt", g, 5); err == nil || !strings.Contains(err.Error(), "beyond the horizon") {
		t.Errorf("T = 5: error %v, want one beyond the horizon", err)
	}
}

// TestTimedReadErrors checks that each malformed input is an error naming
// the input, the line and the problem.
func TestTimedReadErrors(t *testing.T) {
	g := nodesGraph(t, 3)
	for _, tc := range []struct {
		netrate bool
		in      string
		want    string
	}{
		{false, "cascade,node,time\na,0,0\na,1,-1\n", "f line 3: time -1"},
		{false, "a,0,0\na,1,NaN\n", "f line 2: time NaN"},
		{false, "a,0,0\na,1,7.5\n", "f line 2: time 7.5 of node \"1\" beyond the horizon"},
		{false, "a,0,0\nb,1,1\na,0,2\n", "f line 3: node \"0\" infected twice in cascade \"a\""},
		{false, "a,0,0\na,9,1\n", "f line 2: unknown node \"9\""},
		{false, "a,0\n", "f line 1: want 3 columns"},
		{false, "a,0,x\n", "f line 1: time \"x\" is not a number"},
		{true, "0,0\n1,1\n\n0,0,1,-2\n", "f line 4: time -2"},
		{true, "0,0\n1,1\n\n0,0,1,9\n", "f line 4: time 9 of node \"1\" beyond"},
		{true, "0,0\n1,1\n\n0,0,1,1,0,2\n", "f line 4: node \"0\" infected twice"},
		{true, "0,0\n1,1\n\n0,0,2,1\n", "f line 4: node \"2\" not declared"},
		{true, "0,0\n1,1\n\n0,0,1\n", "f line 4: want \"id,t,id,t,…\" pairs"},
		{true, "0,0\n1,1\n\n0,0,1,NaN\n", "f line 4: time NaN"},
	} {
		var err error
		if tc.netrate {
			_, err = ReadNetRate(strings.NewReader(tc.in), "f", g, 5)
		} else {
			_, err = ReadTimedCascades(strings.NewReader(tc.in), "f", g, 5)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "datasets: read f line") {
			t.Errorf("%q: error %v, want one containing %q", tc.in, err, tc.want)
		}
	}
}

// TestUntil cuts cascades at a horizon: later infections go, the rest keep
// their order, offsets stay consistent, and c is untouched.
func TestUntil(t *testing.T) {
	c := &TimedCascades{N: 4, T: 5, IDs: []string{"a", "b"}, Off: []int{0, 3, 5},
		Node: []int32{0, 1, 2, 3, 2}, Time: []float64{0, 2, 2.5, 0, 5}}
	u := c.Until(2.5)
	if u.T != 2.5 || !slices.Equal(u.Off, []int{0, 3, 4}) || !slices.Equal(u.Node, []int32{0, 1, 2, 3}) || !slices.Equal(u.Time, []float64{0, 2, 2.5, 0}) {
		t.Errorf("Until(2.5) = T %v off %v nodes %v times %v", u.T, u.Off, u.Node, u.Time)
	}
	if u := c.Until(1); !slices.Equal(u.Off, []int{0, 1, 2}) || !slices.Equal(u.Node, []int32{0, 3}) {
		t.Errorf("Until(1) = off %v nodes %v", u.Off, u.Node)
	}
	if u := c.Until(9); u.T != 5 || len(u.Node) != 5 {
		t.Errorf("Until(9) = T %v, %d infections; want the horizon kept", u.T, len(u.Node))
	}
	if len(c.Node) != 5 || c.T != 5 {
		t.Error("Until modified its receiver")
	}
}
