package graphs

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// The fuzz targets check that no input makes a reader panic, that every
// error is a *ParseError naming the input, and that every graph a reader
// accepts satisfies the CSR invariants and survives a write/read round trip.
// Run one with, e.g.,
//
//	go test -fuzz=FuzzReadSNAP -fuzztime=20s ./graphs
//
// Inputs worth keeping are under testdata/fuzz/<FuzzName>/.

// fuzzLimits keeps declared sizes small so the fuzzer spends its time on
// parsing, not on allocating nodes.
const fuzzMaxNodes = 1 << 12

func checkFuzzErr(t *testing.T, err error, name string) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != name || !strings.HasPrefix(err.Error(), "graphs: "+name) {
		t.Fatalf("error %q (%T) is not a ParseError naming %q", err, err, name)
	}
}

// roundTripSNAP writes g as an edge list and reads it back; graphs whose ids
// cannot be written must be refused by the writer before it writes.
func roundTripSNAP(t *testing.T, g *Graph) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSNAP(&buf, g); err != nil {
		if buf.Len() != 0 || !strings.Contains(err.Error(), "cannot be written") {
			t.Fatalf("WriteSNAP: %v after %d bytes", err, buf.Len())
		}
		return
	}
	h, st, err := ReadSNAP(&buf, "roundtrip", ReadOptions{BuildOptions: BuildOptions{Undirected: g.Undirected()}})
	if err != nil {
		t.Fatalf("re-read: %v\n%s", err, buf.String())
	}
	if st != (BuildStats{}) {
		t.Fatalf("re-read dropped %+v", st)
	}
	sameGraph(t, g, h)
}

func FuzzReadSNAP(f *testing.F) {
	for _, s := range []string{
		"# c\n0 1\n1 2\n2 0\n",
		"a,b,0.5\r\nb\tc\t1e-3\r\n",
		"#@nodes z y x\ny z\n",
		"a a\na b\nb a\na b\n",
		"4 3\n10 20 0.5\n20 10 0.25\n30 30 1\n",
		"a b 1\nc d\n",
		"1 2 NaN\n",
		"  % x\n\n\t\n",
		"4 2\n10 20\n20 30\n",
		"\ufeff5 2\n10 20\n20 30\n",
		"#@nodes 9\n7 8\n8 9\n",
		"3 2\n0 1 0.5\n1 2 0.25\n",
	} {
		f.Add([]byte(s), false, false)
		f.Add([]byte(s), true, true)
	}
	for _, tc := range snapErrorTests {
		f.Add([]byte(tc.in), tc.opt.Undirected, tc.opt.CountsLine)
	}
	f.Fuzz(func(t *testing.T, data []byte, undirected, counts bool) {
		opt := ReadOptions{BuildOptions: BuildOptions{Undirected: undirected}, CountsLine: counts}
		g, _, err := ReadSNAP(bytes.NewReader(data), "fuzz.txt", opt)
		if err != nil {
			checkFuzzErr(t, err, "fuzz.txt")
			return
		}
		checkGraphInvariants(t, g)
		roundTripSNAP(t, g)
	})
}

func FuzzReadMatrixMarket(f *testing.F) {
	for _, s := range []string{
		"%%MatrixMarket matrix coordinate pattern general\n% c\n4 4 3\n1 2\n2 3\n3 1\n",
		"%MatrixMarket matrix coordinate pattern symmetric \n3 3 2\n2 1\n3 2\n",
		"%%MatrixMarket matrix coordinate real general\r\n3 3 3\r\n1 3 2.5e-1\r\n2 2 1\r\n3 1 0.75\r\n",
		"%%MatrixMarket matrix coordinate integer symmetric\n2 2 2\n2 1 -7\n1 2 3\n",
		"%%MatrixMarket matrix coordinate pattern general\n3 3 3\n1 2\n2 3\n",
		"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2 nan\n",
		"%%MatrixMarket matrix array real general\n",
		"%%MatrixMarket matrix coordinate pattern general\n5000 5000 0\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, undirected bool) {
		opt := ReadOptions{BuildOptions: BuildOptions{Undirected: undirected}, MaxNodes: fuzzMaxNodes}
		g, _, err := ReadMatrixMarket(bytes.NewReader(data), "fuzz.mtx", opt)
		if err != nil {
			checkFuzzErr(t, err, "fuzz.mtx")
			return
		}
		checkGraphInvariants(t, g)
		var buf bytes.Buffer
		if err := WriteMatrixMarket(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, st, err := ReadMatrixMarket(&buf, "roundtrip.mtx", ReadOptions{MaxNodes: fuzzMaxNodes})
		if err != nil || st != (BuildStats{}) {
			t.Fatalf("re-read: %v %+v\n%s", err, st, buf.String())
		}
		sameGraph(t, g, h)
	})
}

func FuzzReadGML(f *testing.F) {
	for _, s := range []string{
		gmlSample,
		"graph [\n  node [\n    id 0\n    label \"35034\"\n  ]\n  node [ id 1 ] node [ id 2 ]\n  edge [ source 1 target 0 ]\n  edge [ source 0 target 1 ]\n]\n",
		"graph [ directed 0 node [ id -5 ] node [ id 7 ] edge [ source -5 target 7 weight 1e3 ] ]",
		"graph [\n node [ id 1 label \"abc\n]\n]",
		"x [ [ [ a 1 ] ] ] graph [ ]",
		"graph [ node [ id 1 ] node [ id 2 ] edge [ source 1 target 2 value NaN ] ]",
	} {
		f.Add([]byte(s), false, false)
		f.Add([]byte(s), true, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, undirected, labels bool) {
		opt := ReadOptions{BuildOptions: BuildOptions{Undirected: undirected}, LabelIDs: labels}
		g, _, err := ReadGML(bytes.NewReader(data), "fuzz.gml", opt)
		if err != nil {
			checkFuzzErr(t, err, "fuzz.gml")
			return
		}
		checkGraphInvariants(t, g)
		roundTripSNAP(t, g)
	})
}

func FuzzReadIMMInf(f *testing.F) {
	for _, s := range []string{
		"0 1 0.5\n1 0 1\n2 3 0\n",
		"0 1 1.5\n",
		"0 1\n",
		"# c\n\n3 3 0.5\n",
		"0 1 0x1p-2\n",
	} {
		f.Add([]byte(s), uint16(5), int32(3))
		f.Add([]byte(s), uint16(2), int32(-1))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint16, m int32) {
		g, _, err := ReadIMMInf(bytes.NewReader(data), "fuzz.inf", int(n), int(m), ReadOptions{})
		if err != nil {
			checkFuzzErr(t, err, "fuzz.inf")
			return
		}
		checkGraphInvariants(t, g)
		if g.N != int(n) || g.ids != nil || g.Weight == nil {
			t.Fatalf("N=%d ids %v", g.N, g.ids)
		}
		for _, p := range g.Weight {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("p = %v", p)
			}
		}
		var buf bytes.Buffer
		if err := WriteIMMInf(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, _, err := ReadIMMInf(&buf, "roundtrip.inf", g.N, g.NumEdges(), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sameGraph(t, g, h)
	})
}

func FuzzReadMultiplex(f *testing.F) {
	for _, s := range []string{
		"# layer u v w\n2 a b 1\n1 b c 0.5\n10 c c 1\n1 b c 9\n",
		"soc 1 2\nbio 2 3\nsoc 2 1\n",
		"#@layers 3 1 2\n#@nodes x\n1 0 1\n",
		"1 a b\n2 a b 1\n",
		"1 1 2 1\n1 1 3 1\n1 2 2 1\n",
	} {
		f.Add([]byte(s), false, uint8(0))
		f.Add([]byte(s), true, uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, undirected bool, numNodes uint8) {
		opt := ReadOptions{BuildOptions: BuildOptions{Undirected: undirected}, NumNodes: int(numNodes)}
		m, _, err := ReadMultiplex(bytes.NewReader(data), "fuzz.edges", opt)
		if err != nil {
			checkFuzzErr(t, err, "fuzz.edges")
			return
		}
		if len(m.Names) != len(m.Layers) {
			t.Fatalf("%d names, %d layers", len(m.Names), len(m.Layers))
		}
		for _, g := range m.Layers {
			checkGraphInvariants(t, g)
			if g.N != m.N() || !sameIDs(g, m.Layers[0]) {
				t.Fatal("layers do not share the node set")
			}
		}
		var buf bytes.Buffer
		if err := WriteMultiplex(&buf, m); err != nil {
			if buf.Len() != 0 || !strings.Contains(err.Error(), "cannot be written") {
				t.Fatalf("WriteMultiplex: %v", err)
			}
			return
		}
		h, _, err := ReadMultiplex(&buf, "roundtrip.edges", ReadOptions{BuildOptions: BuildOptions{Undirected: undirected}})
		if err != nil {
			t.Fatalf("re-read: %v\n%s", err, buf.String())
		}
		if len(h.Layers) != len(m.Layers) {
			t.Fatalf("re-read %d layers, want %d", len(h.Layers), len(m.Layers))
		}
		for l := range m.Layers {
			if h.Names[l] != m.Names[l] {
				t.Fatalf("layer %d: %q vs %q", l, h.Names[l], m.Names[l])
			}
			sameGraph(t, m.Layers[l], h.Layers[l])
		}
	})
}

func sameIDs(a, b *Graph) bool {
	for i := 0; i < a.N; i++ {
		if a.ID(i) != b.ID(i) {
			return false
		}
	}
	return true
}
