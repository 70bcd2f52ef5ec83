package graphs

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDatasets returns the shared datasets directory, or skips the test
// when it is absent. It looks at $SPREAD_SHARED/datasets, then at
// ../../shared/datasets relative to this package (the layout of /work and of
// CI, where shared/ is cloned beside the repository).
func sharedDatasets(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("SPREAD_SHARED"); d != "" {
		p := filepath.Join(d, "datasets")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		tb.Skipf("SPREAD_SHARED=%s has no datasets/ directory", d)
	}
	for _, rel := range []string{"../../shared/datasets", "../../../shared/datasets"} {
		if st, err := os.Stat(rel); err == nil && st.IsDir() {
			return rel
		}
	}
	tb.Skip("shared datasets not found: set SPREAD_SHARED to the shared/ directory (looked for ../../shared/datasets beside the repository)")
	return ""
}

// datasetTests lists every graph under shared/datasets/graphs with the counts
// from its PROVENANCE.md or the datasets README, reconciled with BuildStats:
// nodes is Graph.N, arcs is NumEdges (directed edges after the policies),
// pairs is NumPairs for undirected graphs. Each row says where its numbers
// come from.
var datasetTests = []struct {
	name       string
	read       func(dir string) (*Graph, BuildStats, error)
	nodes      int
	arcs       int
	pairs      int // undirected edges; 0 for directed graphs
	stats      BuildStats
	weighted   bool
	undirected bool
}{
	{
		// PROVENANCE + SNAP header "Nodes: 75879 Edges: 508837"; no
		// self-loops or repeats, so every line is one arc.
		name: "soc-Epinions1",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadSNAPFile(filepath.Join(d, "graphs/soc-Epinions1/soc-Epinions1.txt"), ReadOptions{})
		},
		nodes: 75879, arcs: 508837,
	},
	{
		// PROVENANCE: 7,115 nodes, 103,689 directed edges; no self-loops.
		name: "wiki-Vote",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadSNAPFile(filepath.Join(d, "graphs/wiki-Vote/Wiki-Vote.txt"), ReadOptions{})
		},
		nodes: 7115, arcs: 103689,
	},
	{
		// PROVENANCE/README: 1,005 nodes, 25,571 edges. SNAP's count includes
		// 642 self-loops (the file has 25,571 lines), which Build drops:
		// 25,571 - 642 = 24,929 arcs.
		name: "email-Eu-core",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadSNAPFile(filepath.Join(d, "graphs/email-Eu-core/email-Eu-core.txt"), ReadOptions{})
		},
		nodes: 1005, arcs: 24929, stats: BuildStats{SelfLoops: 642},
	},
	{
		// PROVENANCE: first line "5242 28980", then 28,980 directed lines
		// (each undirected pair twice, self-loops once). 12 self-loops are
		// dropped: 28,968 arcs.
		name: "ca-GrQc/directed",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadSNAPFile(filepath.Join(d, "graphs/ca-GrQc/CA-GrQc.txt"), ReadOptions{CountsLine: true})
		},
		nodes: 5242, arcs: 28968, stats: BuildStats{SelfLoops: 12, CountsLine: 1},
	},
	{
		// Same file read as undirected: each of the 14,484 pairs is listed
		// twice, so the second copies are 14,484 duplicates. SNAP's ca-GrQc
		// page says 14,496 edges = 14,484 pairs + 12 self-loops.
		name: "ca-GrQc/undirected",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadSNAPFile(filepath.Join(d, "graphs/ca-GrQc/CA-GrQc.txt"), ReadOptions{CountsLine: true, BuildOptions: BuildOptions{Undirected: true}})
		},
		nodes: 5242, arcs: 28968, pairs: 14484, undirected: true,
		stats: BuildStats{SelfLoops: 12, Duplicates: 14484, CountsLine: 1},
	},
	{
		// PROVENANCE: n=15229, m=62752 directed, weighted-cascade p; no
		// self-loops or repeats (ReadIMMInf checks m against the line count).
		name: "nethept-imm/ic",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadIMM(filepath.Join(d, "graphs/nethept-imm"), "graph_ic.inf", ReadOptions{})
		},
		nodes: 15229, arcs: 62752, weighted: true,
	},
	{
		// Same topology with LT weights.
		name: "nethept-imm/lt",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadIMM(filepath.Join(d, "graphs/nethept-imm"), "graph_lt.inf", ReadOptions{})
		},
		nodes: 15229, arcs: 62752, weighted: true,
	},
	{
		// graph.txt is the unweighted "u v" copy of the same 62,752 arcs.
		name: "nethept-imm/graph.txt",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadSNAPFile(filepath.Join(d, "graphs/nethept-imm/graph.txt"), ReadOptions{NumNodes: 15229})
		},
		nodes: 15229, arcs: 62752,
	},
	{
		// PROVENANCE: header "15233 32235", then u v p lines (CRLF). The
		// file has 22 self-loops, dropped: 32,235 - 22 = 32,213 arcs.
		name: "nethept-wc",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadSNAPFile(filepath.Join(d, "graphs/nethept-wc/NetHEPT.txt"), ReadOptions{CountsLine: true})
		},
		nodes: 15233, arcs: 32213, weighted: true, stats: BuildStats{SelfLoops: 22, CountsLine: 1},
	},
	{
		// README/PROVENANCE: 22,963 nodes, 48,436 undirected edges (no
		// "directed" key, so undirected); no self-loops or repeats.
		name: "as-22july06",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadGMLFile(filepath.Join(d, "graphs/as-22july06/as-22july06.gml"), ReadOptions{})
		},
		nodes: 22963, arcs: 2 * 48436, pairs: 48436, undirected: true,
	},
	{
		// PROVENANCE: "coordinate pattern symmetric", 121422 121422 334419:
		// 334,419 undirected edges, no diagonal entries or repeats.
		name: "web-sk-2005",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadMatrixMarketFile(filepath.Join(d, "graphs/web-sk-2005/web-sk-2005.mtx"), ReadOptions{})
		},
		nodes: 121422, arcs: 2 * 334419, pairs: 334419, undirected: true,
	},
	{
		// PROVENANCE: "coordinate real general" 4039 x 4039, 176,468 directed
		// entries with IC probabilities. (PROVENANCE calls the entries
		// 0-based; they are 1-based as MatrixMarket requires: indices run
		// 1..4039, which ReadMatrixMarket checks.)
		name: "ego-facebook-slicer-bench",
		read: func(d string) (*Graph, BuildStats, error) {
			return ReadMatrixMarketFile(filepath.Join(d, "graphs/ego-facebook-slicer-bench/graph.mtx"), ReadOptions{})
		},
		nodes: 4039, arcs: 176468, weighted: true,
	},
}

func TestDatasets(t *testing.T) {
	dir := sharedDatasets(t)
	for _, tc := range datasetTests {
		t.Run(tc.name, func(t *testing.T) {
			g, st, err := tc.read(dir)
			if err != nil {
				t.Fatal(err)
			}
			if g.N != tc.nodes || g.NumEdges() != tc.arcs {
				t.Errorf("got %d nodes, %d arcs; want %d, %d", g.N, g.NumEdges(), tc.nodes, tc.arcs)
			}
			if st != tc.stats {
				t.Errorf("stats %+v, want %+v", st, tc.stats)
			}
			if g.Undirected() != tc.undirected || (g.Weight != nil) != tc.weighted {
				t.Errorf("undirected %v weighted %v, want %v %v", g.Undirected(), g.Weight != nil, tc.undirected, tc.weighted)
			}
			if tc.undirected && g.NumPairs() != tc.pairs {
				t.Errorf("%d undirected edges, want %d", g.NumPairs(), tc.pairs)
			}
			checkGraphInvariants(t, g)
		})
	}
}

// TestDatasetsProbabilities checks that the IC/LT files carry probabilities.
func TestDatasetsProbabilities(t *testing.T) {
	dir := sharedDatasets(t)
	g, _, err := ReadMatrixMarketFile(filepath.Join(dir, "graphs/ego-facebook-slicer-bench/graph.mtx"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for e, p := range g.Weight {
		if p < 0 || p > 1 {
			t.Fatalf("edge %d: p = %v", e, p)
		}
	}
	// nethept-wc: weighted cascade, p(u→v) = 1/indeg(v) in the course
	// copy's own (undeduplicated) graph; spot-check one printed value.
	wc, _, err := ReadSNAPFile(filepath.Join(dir, "graphs/nethept-wc/NetHEPT.txt"), ReadOptions{CountsLine: true})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := wc.Index("1")
	v, _ := wc.Index("10394")
	if e := wc.EdgeID(u, v); e < 0 || wc.Weight[e] != 1 {
		t.Errorf("nethept-wc 1→10394: edge %d", e)
	}
}

// multiplexDatasetTests lists the multiplex data under shared/datasets/multiplex
// with the counts from its PROVENANCE.md. lines is the number of edge lines
// per layer (in layer order), arcs the total NumEdges after dropping
// self-loops.
var multiplexDatasetTests = []struct {
	name  string
	read  func(dir string) (*Multiplex, BuildStats, error)
	nodes int
	names []string
	lines []int // edge lines per layer
	arcs  int   // total directed edges over all layers
	pairs int   // total undirected edges (undirected rows)
	stats BuildStats
}{
	{
		// PROVENANCE: 7 layers, 6,980 nodes, 18,655 lines (the README says
		// 18,654 connections; the file has 18,655 lines, all with weight 1).
		// 538 lines are self-loops, dropped: 18,117 arcs.
		name: "Arabidopsis",
		read: func(d string) (*Multiplex, BuildStats, error) {
			return ReadDeDomenico(filepath.Join(d, "multiplex/Arabidopsis_Multiplex_Genetic/Dataset"), ReadOptions{})
		},
		nodes: 6980, names: []string{"1", "2", "3", "4", "5", "6", "7"},
		lines: []int{13857, 4411, 64, 86, 14, 74, 149}, arcs: 18655 - 538,
		stats: BuildStats{SelfLoops: 538},
	},
	{
		// PROVENANCE: Xenopus GPI, 5 layers, directed, 620 lines on 461
		// nodes; 10 of them are self-loops.
		name: "xenopus_mim_reasoner",
		read: func(d string) (*Multiplex, BuildStats, error) {
			return ReadMultiplexFile(filepath.Join(d, "multiplex/MIM-Reasoner-derived/xenopus_mim_reasoner.edges"), ReadOptions{})
		},
		nodes: 461, names: []string{"1", "2", "3", "4", "5"},
		lines: []int{16, 231, 333, 33, 7}, arcs: 610, stats: BuildStats{SelfLoops: 10},
	},
	{
		// PROVENANCE: undirected, each edge once, 14,974 edges, 5,000 nodes
		// (ids 0..4999; only 4,133 have edges, hence NumNodes).
		name: "synthetic_5000",
		read: func(d string) (*Multiplex, BuildStats, error) {
			return ReadMultiplexFile(filepath.Join(d, "multiplex/MIM-Reasoner-derived/synthetic_5000_3layer_30pct.edges"),
				ReadOptions{NumNodes: 5000, BuildOptions: BuildOptions{Undirected: true}})
		},
		nodes: 5000, names: []string{"1", "2", "3"},
		lines: []int{1492, 5987, 7495}, arcs: 2 * 14974, pairs: 14974,
	},
	{
		// PROVENANCE: 1,773 edges, 600 nodes (489 with edges).
		name: "synthetic_600",
		read: func(d string) (*Multiplex, BuildStats, error) {
			return ReadMultiplexFile(filepath.Join(d, "multiplex/MIM-Reasoner-derived/synthetic_600_3layer_30pct.edges"),
				ReadOptions{NumNodes: 600, BuildOptions: BuildOptions{Undirected: true}})
		},
		nodes: 600, names: []string{"1", "2", "3"},
		lines: []int{291, 591, 891}, arcs: 2 * 1773, pairs: 1773,
	},
}

func TestMultiplexDatasets(t *testing.T) {
	dir := sharedDatasets(t)
	for _, tc := range multiplexDatasetTests {
		t.Run(tc.name, func(t *testing.T) {
			m, st, err := tc.read(dir)
			if err != nil {
				t.Fatal(err)
			}
			if m.N() != tc.nodes {
				t.Errorf("%d nodes, want %d", m.N(), tc.nodes)
			}
			if len(m.Names) != len(tc.names) {
				t.Fatalf("layers %v, want %v", m.Names, tc.names)
			}
			arcs, pairs := 0, 0
			for l, g := range m.Layers {
				if m.Names[l] != tc.names[l] {
					t.Errorf("layer %d named %q, want %q", l, m.Names[l], tc.names[l])
				}
				checkGraphInvariants(t, g)
				arcs += g.NumEdges()
				if g.Undirected() {
					pairs += g.NumPairs()
					if g.NumPairs() != tc.lines[l] {
						t.Errorf("layer %s: %d edges, want %d", m.Names[l], g.NumPairs(), tc.lines[l])
					}
				}
			}
			if arcs != tc.arcs || pairs != tc.pairs {
				t.Errorf("%d arcs, %d pairs; want %d, %d", arcs, pairs, tc.arcs, tc.pairs)
			}
			if st != tc.stats {
				t.Errorf("stats %+v, want %+v", st, tc.stats)
			}
		})
	}
}

func TestDeDomenicoLabels(t *testing.T) {
	dir := filepath.Join(sharedDatasets(t), "multiplex/Arabidopsis_Multiplex_Genetic/Dataset")
	m, _, err := ReadDeDomenico(dir, ReadOptions{LabelIDs: true})
	if err != nil {
		t.Fatal(err)
	}
	g := m.Layers[0]
	// arabidopsis_genetic_nodes.txt: `1 "BRCA2(IV)"`, `2 RAD51`, ..., `6980 GIF3`;
	// the layers file starts with `1 direct_interaction`.
	if g.N != 6980 || g.ID(0) != "BRCA2(IV)" || g.ID(1) != "RAD51" || g.ID(6979) != "GIF3" {
		t.Errorf("ids %q %q %q", g.ID(0), g.ID(1), g.ID(6979))
	}
	if m.Names[0] != "direct_interaction" || m.Names[6] != "colocalization" {
		t.Errorf("layer names %v", m.Names)
	}
	// First edge line "1 1 2 1": BRCA2(IV) → RAD51 in layer 1.
	if g.EdgeID(0, 1) < 0 || g.Weight[g.EdgeID(0, 1)] != 1 {
		t.Error("edge BRCA2(IV)→RAD51 missing in layer direct_interaction")
	}
}

// BenchmarkReadSNAPEpinions measures reading soc-Epinions1 (5.7 MB, 508,837
// lines) and building its CSR, the whole of ReadSNAPFile.
func BenchmarkReadSNAPEpinions(b *testing.B) {
	path := filepath.Join(sharedDatasets(b), "graphs/soc-Epinions1/soc-Epinions1.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		g, _, err := ReadSNAPFile(path, ReadOptions{})
		if err != nil || g.NumEdges() != 508837 {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadMatrixMarketWebSK measures reading web-sk-2005 (4.1 MB,
// 334,419 symmetric entries, 121,422 nodes) into an undirected CSR.
func BenchmarkReadMatrixMarketWebSK(b *testing.B) {
	path := filepath.Join(sharedDatasets(b), "graphs/web-sk-2005/web-sk-2005.mtx")
	if _, err := os.Stat(path); err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ReadMatrixMarketFile(path, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadGMLAS measures reading as-22july06 (3.2 MB of GML).
func BenchmarkReadGMLAS(b *testing.B) {
	path := filepath.Join(sharedDatasets(b), "graphs/as-22july06/as-22july06.gml")
	if _, err := os.Stat(path); err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ReadGMLFile(path, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
