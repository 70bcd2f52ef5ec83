package datasets

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// fuzzGraph is the graph every datasets fuzz target reads against: ids a..d
// and 0, directed, one undirected pair.
func fuzzGraph(t testing.TB) *graphs.Graph {
	g, _, err := graphs.ReadSNAP(strings.NewReader("a b\nb c\nc d\nd 0\n"), "g", graphs.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// checkReadErr requires a reader's error to carry the package prefix.
func checkReadErr(t *testing.T, err error) {
	if !strings.HasPrefix(err.Error(), "datasets: ") {
		t.Fatalf("error without package prefix: %v", err)
	}
}

func FuzzReadCascades(f *testing.F) {
	for _, s := range []string{
		"cascade,node,time\n1,a,0\n1,b,1\n2,c,0\n",
		"\ufeffcascade,node,time\n1,a,0\n",
		"1,,\n2,a,0\n",
		"1,a,0\n1,a,1\n",
		"x,zz,0\n",
		"1,a,99999999999999999999\n",
		"",
	} {
		f.Add([]byte(s), 3)
	}
	g := fuzzGraph(f)
	f.Fuzz(func(t *testing.T, data []byte, T int) {
		c, err := ReadCascades(bytes.NewReader(data), "fuzz.csv", g, T)
		if err != nil {
			checkReadErr(t, err)
			return
		}
		if err := c.check(g); err != nil {
			t.Fatal(err)
		}
		for j := range c.Node {
			if c.Time[j] < 0 || int(c.Time[j]) >= T || c.Node[j] < 0 || int(c.Node[j]) >= g.N {
				t.Fatalf("activation %d: node %d time %d out of range", j, c.Node[j], c.Time[j])
			}
		}
	})
}

func FuzzReadHidden(f *testing.F) {
	for _, s := range []string{"a\nb\n", "\ufeffa\n", "# c\nzz\n", "a a\n", ""} {
		f.Add([]byte(s))
	}
	g := fuzzGraph(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		obs, err := ReadHidden(bytes.NewReader(data), "fuzz.txt", g)
		if err != nil {
			checkReadErr(t, err)
			return
		}
		if len(obs) != g.N {
			t.Fatalf("%d entries for %d nodes", len(obs), g.N)
		}
	})
}

func FuzzReadEdgeValues(f *testing.F) {
	for _, s := range []string{"a b 0.5\nb c 1\nc d 0\nd 0 0.25\n", "\ufeffa b 0.5\n", "a b NaN\n", "a b 2\n", "a c 0.5\n", ""} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	g := fuzzGraph(f)
	f.Fuzz(func(t *testing.T, data []byte, prob bool) {
		v, err := ReadEdgeValues(bytes.NewReader(data), "fuzz.txt", g, prob)
		if err != nil {
			checkReadErr(t, err)
			return
		}
		for _, x := range v {
			if x != x || (prob && (x < 0 || x > 1)) {
				t.Fatalf("value %v read", x)
			}
		}
	})
}

func FuzzReadSeeds(f *testing.F) {
	for _, s := range []string{"a\nc\n", "\ufeffb\n", "zz\n", "a\na\n", ""} {
		f.Add([]byte(s))
	}
	g := fuzzGraph(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadSeeds(bytes.NewReader(data), "fuzz.txt", g)
		if err != nil {
			checkReadErr(t, err)
			return
		}
		for _, i := range s {
			if i < 0 || i >= g.N {
				t.Fatalf("seed %d out of range", i)
			}
		}
	})
}
