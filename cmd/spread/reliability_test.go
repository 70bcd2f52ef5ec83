//go:build unix

package main

// The reliability table of issue #10 (docs/RELIABILITY.md lists the classes
// and points here). Every row runs the CLI in-process in a fresh temporary
// directory holding the fixture files below, then checks the exit code, a
// piece of stderr, and what the command left on disk. Arguments starting
// with "@" are file names in that directory.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// reliabilityFixture is written into every row's directory.
var reliabilityFixture = map[string]string{
	"g.txt":      "0 1\n1 2\n2 3\n3 4\n4 5\n5 0\n0 3\n",
	"gw.txt":     "0 1 0.5\n1 2 0.5\n2 0 0.5\n",
	"c.csv":      "cascade,node,time\n1,0,0\n1,1,1\n1,2,2\n2,3,0\n2,4,1\n3,5,0\n3,0,1\n",
	"allhid.txt": "0\n1\n2\n3\n4\n5\n",
}

type reliabilityRow struct {
	class   int    // issue #10 class (1 outputs, 2 hangs/limits, 3 data read wrong, 4 nonsense)
	name    string // what is checked
	setup   func(t *testing.T, dir string)
	args    []string
	code    int    // expected exit code
	stderr  string // substring of stderr ("" = no check)
	check   func(t *testing.T, dir string)
	noStart bool // the command must refuse before any work (no progress lines)
}

func reliabilityRows() []reliabilityRow {
	fifo := func(name string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
				t.Skip("mkfifo:", err)
			}
		}
	}
	write := func(name, content string, perm os.FileMode) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), perm); err != nil {
				t.Fatal(err)
			}
			os.Chmod(filepath.Join(dir, name), perm)
		}
	}
	symlink := func(target, name string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	unchanged := func(name string) func(*testing.T, string) {
		return func(t *testing.T, dir string) { wantContent(t, dir, name, reliabilityFixture[name]) }
	}
	absent := func(name string) func(*testing.T, string) {
		return func(t *testing.T, dir string) { assertAbsent(t, filepath.Join(dir, name)) }
	}
	gen := []string{"graph", "gen", "-kind", "er", "-n", "10"}
	sim := []string{"ic", "simulate", "-graph", "@g.txt", "-undirected", "-alpha-const", "0.3", "-cascades", "20", "-T", "3"}
	learn := []string{"ic", "learn", "-graph", "@g.txt", "-undirected", "-cascades", "@c.csv", "-T", "3", "-iters", "5"}
	im := []string{"im", "-graph", "@g.txt", "-p", "0.2", "-k", "2", "-mc", "100"}
	imw := []string{"im", "-graph", "@gw.txt", "-k", "1", "-mc", "100"}
	cat := func(a []string, b ...string) []string { return append(append([]string(nil), a...), b...) }

	return []reliabilityRow{
		// Class 1: outputs never destroy what they should not.
		{class: 1, name: "/dev/null is written through, stays a device", args: cat(gen, "-o", os.DevNull),
			check: func(t *testing.T, _ string) {
				if st, err := os.Stat(os.DevNull); err != nil || st.Mode()&os.ModeCharDevice == 0 {
					t.Fatalf("%s is no longer a character device", os.DevNull)
				}
			}},
		{class: 1, name: "FIFO without reader is refused, stays a FIFO", setup: fifo("f"), args: cat(gen, "-o", "@f"), code: 1, stderr: "no reader",
			check: func(t *testing.T, dir string) {
				if st, _ := os.Lstat(filepath.Join(dir, "f")); st == nil || st.Mode()&os.ModeNamedPipe == 0 {
					t.Error("the FIFO was replaced")
				}
			}},
		{class: 1, name: "symlink is followed; the link stays", setup: symlink("target.txt", "link.txt"), args: cat(gen, "-o", "@link.txt"),
			check: func(t *testing.T, dir string) {
				if st, _ := os.Lstat(filepath.Join(dir, "link.txt")); st == nil || st.Mode()&os.ModeSymlink == 0 {
					t.Error("the symlink was replaced")
				}
				if _, err := os.Stat(filepath.Join(dir, "target.txt")); err != nil {
					t.Error("the target was not written:", err)
				}
			}},
		{class: 1, name: "read-only file is refused", setup: write("ro.txt", "keep\n", 0o444), args: cat(gen, "-o", "@ro.txt"), code: 1, stderr: "read-only", noStart: true,
			check: func(t *testing.T, dir string) { wantContent(t, dir, "ro.txt", "keep\n") }},
		{class: 1, name: "mode 0600 is kept", setup: write("p.txt", "old\n", 0o600), args: cat(gen, "-o", "@p.txt"),
			check: func(t *testing.T, dir string) {
				if st, _ := os.Stat(filepath.Join(dir, "p.txt")); st == nil || st.Mode().Perm() != 0o600 {
					t.Errorf("mode changed: %v", st.Mode())
				}
			}},
		{class: 1, name: "directory as -o is refused", setup: func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "d"), 0o755) }, args: cat(gen, "-o", "@d"), code: 1, stderr: "is a directory"},
		{class: 1, name: "stale temporary of a killed write is removed", setup: write(".x.txt.tmp4242", "junk", 0o600), args: cat(gen, "-o", "@x.txt"),
			check: absent(".x.txt.tmp4242")},
		{class: 1, name: "simulate -o = -graph is refused", args: cat(sim, "-o", "@g.txt"), code: 2, stderr: "also the input -graph", check: unchanged("g.txt"), noStart: true},
		{class: 1, name: "-o through a symlink to an input is refused", setup: symlink("g.txt", "alias.txt"), args: cat(sim, "-o", "@alias.txt"), code: 2, stderr: "also the input -graph", check: unchanged("g.txt")},
		{class: 1, name: "learn -checkpoint = -cascades is refused", args: cat(learn, "-checkpoint", "@c.csv", "-o", "@a.txt"), code: 2, stderr: "also the input -cascades", check: unchanged("c.csv"), noStart: true},
		{class: 1, name: "-alpha-out = -o is refused", args: cat(sim, "-alpha-out", "@x.txt", "-o", "@x.txt"), code: 2, stderr: "name the same file", check: absent("x.txt")},
		{class: 1, name: "learn -o in a missing directory fails before learning", args: cat(learn, "-o", "@missing/a.txt"), code: 1, stderr: "no such file or directory", noStart: true},
		{class: 1, name: "simulate: a missing -o directory leaves -alpha-out untouched", setup: write("A.txt", "keep\n", 0o644),
			args: cat(sim, "-alpha-out", "@A.txt", "-o", "@missing/c.csv"), code: 1, check: func(t *testing.T, dir string) { wantContent(t, dir, "A.txt", "keep\n") }},
		{class: 1, name: "im -o in a missing directory fails before the search", args: cat(im, "-method", "celf", "-o", "@missing/s.txt"), code: 1, noStart: true},
		{class: 1, name: "learn -replicas 2: an unwritable replica file fails before learning", setup: func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "rr.txt.r2"), 0o755) },
			args: cat(learn, "-replicas", "2", "-o", "@rr.txt"), code: 1, stderr: "replica 2", noStart: true, check: absent("rr.txt")},
		{class: 1, name: "learn -replicas 2 removes a stale FILE.r3", setup: write("rr.txt.r3", "stale\n", 0o644),
			args: cat(learn, "-replicas", "2", "-o", "@rr.txt"), check: absent("rr.txt.r3")},
		{class: 1, name: "experiment -out naming a regular file is refused", setup: write("reg", "x", 0o644), args: []string{"experiment", "fig5", "-out", "@reg"}, code: 2, stderr: "not a directory"},

		// Class 2: no hang, no panic, no out-of-memory crash.
		{class: 2, name: "ascent with an overflowing rate ends", args: cat(learn, "-method", "paper", "-lr", "1e305", "-o", "@a.txt"), code: -1},
		{class: 2, name: "gen -n 1e12 names the limit", args: cat([]string{"graph", "gen", "-kind", "er", "-n", "1000000000000"}, "-o", "@x.txt"), code: 2, stderr: "exceeds the limit"},
		{class: 2, name: "gen -n·-degree over the edge limit", args: []string{"graph", "gen", "-kind", "er", "-n", "30000000", "-degree", "100", "-o", "@x.txt"}, code: 2, stderr: "limit"},
		{class: 2, name: "simulate -cascades 1e12", args: cat(sim[:7], "-cascades", "1000000000000", "-T", "3", "-o", "@x.csv"), code: 2, stderr: "exceeds the limit"},
		{class: 2, name: "simulate -T 1e12", args: cat(sim[:7], "-cascades", "5", "-T", "1000000000000", "-o", "@x.csv"), code: 2, stderr: "exceeds the limit"},
		{class: 2, name: "predict -samples 1e12", setup: write("a.txt", "0 1 0.5\n", 0o644),
			args: []string{"ic", "predict", "-graph", "@gw.txt", "-alpha", "@a.txt", "-T", "3", "-sources", "0", "-method", "mc", "-samples", "1000000000000", "-o", "@m.csv"}, code: 2, stderr: "-samples"},
		{class: 2, name: "im -mc 1e12", args: cat(im[:5], "-k", "2", "-mc", "1000000000000", "-o", "@s.txt"), code: 2, stderr: "-mc"},
		{class: 2, name: "im -workers 1e8", args: cat(im, "-workers", "100000000", "-o", "@s.txt"), code: 2, stderr: "-workers"},
		{class: 2, name: "im -k 1e12", args: cat(im[:5], "-k", "1000000000000", "-o", "@s.txt"), code: 2, stderr: "-k"},
		{class: 2, name: "im -method dmp -T 1e9", args: cat(im, "-method", "dmp", "-T", "1000000000", "-o", "@s.txt"), code: 2, stderr: "-T"},
		{class: 2, name: "learn -replicas 1e8", args: cat(learn, "-replicas", "100000000", "-o", "@a.txt"), code: 2, stderr: "-replicas"},
		{class: 2, name: "MatrixMarket header claiming 1e12 nodes", setup: write("big.mtx", "%%MatrixMarket matrix coordinate real general\n1000000000000 1000000000000 1\n1 2 0.5\n", 0o644),
			args: []string{"graph", "info", "@big.mtx"}, code: 1, stderr: "limit"},
		{class: 2, name: "MatrixMarket header claiming 1e8 nodes", setup: write("big.mtx", "%%MatrixMarket matrix coordinate real general\n100000000 100000000 1\n1 2 0.5\n", 0o644),
			args: []string{"graph", "info", "@big.mtx"}, code: 1, stderr: "limit"},
		{class: 2, name: "IMM attribute n=1e12", setup: func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, "imm"), 0o755)
			write("imm/attribute.txt", "n=1000000000000\nm=1\n", 0o644)(t, dir)
			write("imm/graph_ic.inf", "0 1 0.5\n", 0o644)(t, dir)
		}, args: []string{"graph", "info", "@imm"}, code: 1, stderr: "MaxNodes"},

		// Class 3: data read wrong, silently.
		{class: 3, name: "counts line \"n m\" is a header, said on stderr", setup: write("grqc.txt", "4 3\n10 20\n20 30\n30 40\n", 0o644),
			args: []string{"graph", "info", "-json", "@grqc.txt"}, stderr: "read as a header", check: stdoutHas(`"nodes":4`)},
		{class: 3, name: "NetHEPT-style counts line before weighted edges", setup: write("hep.txt", "3 2\n0 1 0.5\n1 2 0.25\n", 0o644),
			args: []string{"graph", "info", "-json", "@hep.txt"}, stderr: "read as a header", check: stdoutHas(`"nodes":3`)},
		{class: 3, name: "byte-order mark is not part of the first id", setup: write("bom.txt", "\ufeffa b\nb c\n", 0o644),
			args: []string{"graph", "info", "-json", "@bom.txt"}, check: stdoutHas(`"nodes":3`)},
		{class: 3, name: "byte-order mark in a cascade file", setup: write("bomc.csv", "\ufeff"+reliabilityFixture["c.csv"], 0o644),
			args: cat(learn[:5], "-cascades", "@bomc.csv", "-T", "3", "-iters", "2", "-o", "@a.txt")},
		{class: 3, name: "self-loops and duplicates are reported", setup: write("dup.txt", "a b\na b\nc c\nb c\n", 0o644),
			args: []string{"graph", "info", "@dup.txt"}, stderr: "dropped 1 duplicate"},
		{class: 3, name: "a GML file's second graph is reported", setup: write("two.gml", "graph [ node [ id 1 ] node [ id 2 ] edge [ source 1 target 2 ] ]\ngraph [ node [ id 3 ] ]\n", 0o644),
			args: []string{"graph", "info", "@two.gml"}, stderr: "1 more graph list"},
		{class: 3, name: "im -model LT reads an IMM directory's graph_lt.inf", setup: func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, "imm"), 0o755)
			write("imm/attribute.txt", "n=3\nm=2\n", 0o644)(t, dir)
			write("imm/graph_ic.inf", "0 1 0.9\n1 2 0.9\n", 0o644)(t, dir)
			write("imm/graph_lt.inf", "0 1 1\n1 2 1\n", 0o644)(t, dir)
			write("s.txt", "0\n", 0o644)(t, dir)
		}, args: []string{"im", "eval", "-graph", "@imm", "-model", "LT", "-seeds", "@s.txt", "-mc", "50"}, stderr: "graph_lt.inf", check: stdoutHas("spread=3.0000")},

		// Class 4: nonsense reported as success; bad flag values.
		{class: 4, name: "empty cascade file", setup: write("e.csv", "", 0o644), args: cat(learn[:5], "-cascades", "@e.csv", "-T", "3", "-method", "paper", "-lr", "0.1", "-o", "@a.txt"), code: 1, stderr: "holds no cascade", check: absent("a.txt")},
		{class: 4, name: "header-only cascade file", setup: write("e.csv", "cascade,node,time\n", 0o644), args: cat(learn[:5], "-cascades", "@e.csv", "-T", "3", "-method", "paper", "-lr", "0.1", "-o", "@a.txt"), code: 1, stderr: "holds no cascade"},
		{class: 4, name: "cascade without a node at time 0", setup: write("n.csv", "cascade,node,time\n1,0,1\n", 0o644), args: cat(learn[:5], "-cascades", "@n.csv", "-T", "3", "-o", "@a.txt"), code: 1, stderr: "no node at time 0"},
		{class: 4, name: "every node hidden", args: cat(learn, "-hidden", "@allhid.txt", "-o", "@a.txt"), code: 1, stderr: "hides every node", check: absent("a.txt")},
		{class: 4, name: "simulate -p0 1e-300: no activation is an error", args: cat(sim[:7], "-cascades", "5", "-T", "3", "-p0", "1e-300", "-o", "@x.csv"), code: 1, stderr: "no cascade has an active node", check: absent("x.csv")},
		{class: 4, name: "adam -lr 1e308 is an error, nothing written", args: cat(learn, "-method", "adam", "-lr", "1e308", "-o", "@a.txt"), code: 1, check: absent("a.txt")},
		{class: 4, name: "-p -0.5 on a weighted graph", args: cat(imw, "-p", "-0.5", "-o", "@s.txt"), code: 2, stderr: "-p -0.5 outside [0,1]"},
		{class: 4, name: "-p NaN", args: cat(imw, "-p", "NaN", "-o", "@s.txt"), code: 2, stderr: "-p NaN outside"},
		{class: 4, name: "-p -2 on an unweighted graph names -p", args: cat(im[:3], "-p", "-2", "-k", "2", "-o", "@s.txt"), code: 2, stderr: "-p -2 outside"},
		{class: 4, name: "-alpha-const -0.5", args: cat(sim[:5], "-alpha-const", "-0.5", "-cascades", "5", "-T", "3", "-o", "@x.csv"), code: 2, stderr: "-alpha-const -0.5 outside"},
		{class: 4, name: "-alpha-const NaN", args: cat(sim[:5], "-alpha-const", "NaN", "-cascades", "5", "-T", "3", "-o", "@x.csv"), code: 2, stderr: "-alpha-const NaN outside"},
		{class: 4, name: "-replicas 0", args: cat(learn, "-replicas", "0", "-o", "@a.txt"), code: 2, stderr: "-replicas must be positive"},
		{class: 4, name: "-iters 0", args: cat(learn, "-iters", "0", "-o", "@a.txt"), code: 2, stderr: "-iters must be positive"},
		{class: 4, name: "-iters -3", args: cat(learn, "-iters", "-3", "-o", "@a.txt"), code: 2, stderr: "-iters must be positive"},
		{class: 4, name: "-init 0", args: cat(learn, "-init", "0", "-o", "@a.txt"), code: 2, stderr: "-init 0 outside (0,1)"},
		{class: 4, name: "-init with -init-fit", args: cat(learn, "-init", "0.2", "-init-fit", "-o", "@a.txt"), code: 2, stderr: "-init conflicts with -init-fit"},
		{class: 4, name: "-tol NaN", args: cat(learn, "-tol", "NaN", "-o", "@a.txt"), code: 2, stderr: "-tol NaN"},
		{class: 4, name: "-lr -1", args: cat(learn, "-lr", "-1", "-o", "@a.txt"), code: 2, stderr: "-lr -1"},
		{class: 4, name: "-p0 -1 in learn", args: cat(learn, "-p0", "-1", "-o", "@a.txt"), code: 2, stderr: "-p0 -1"},
		{class: 4, name: "-polish -1", args: cat(im, "-method", "dmp", "-polish", "-1", "-o", "@s.txt"), code: 2, stderr: "-polish must be at least 0"},
		{class: 4, name: "-workers -1", args: cat(im, "-workers", "-1", "-o", "@s.txt"), code: 2, stderr: "-workers must be at least 0"},
		{class: 4, name: "-grad names the flag", args: cat(learn, "-grad", "x", "-o", "@a.txt"), code: 2, stderr: "-grad must be one of"},
		{class: 4, name: "help for an unknown command", args: []string{"help", "nosuch"}, code: 2, stderr: "unknown command"},
		{class: 4, name: "experiment -data missing", args: []string{"experiment", "real", "-data", "@nonexistent"}, code: 2, stderr: "-data"},
	}
}

// stdoutHas is a check on the row's stdout, which run stores in dir/.stdout.
func stdoutHas(want string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		b, _ := os.ReadFile(filepath.Join(dir, ".stdout"))
		if !strings.Contains(string(b), want) {
			t.Errorf("stdout %q lacks %q", b, want)
		}
	}
}

func wantContent(t *testing.T, dir, name, want string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("%s = %q, want %q (unchanged)", name, b, want)
	}
}

func TestReliability(t *testing.T) {
	for _, row := range reliabilityRows() {
		t.Run(row.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range reliabilityFixture {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if row.setup != nil {
				row.setup(t, dir)
			}
			args := make([]string, len(row.args))
			for i, a := range row.args {
				if strings.HasPrefix(a, "@") {
					a = filepath.Join(dir, a[1:])
				}
				args[i] = a
			}
			var o, e bytes.Buffer
			done := make(chan int, 1)
			go func() { done <- run(context.Background(), &env{stdout: &o, stderr: &e}, args) }()
			var code int
			select {
			case code = <-done:
			case <-time.After(60 * time.Second):
				t.Fatalf("class %d: spread %s did not finish in 60 s", row.class, strings.Join(row.args, " "))
			}
			os.WriteFile(filepath.Join(dir, ".stdout"), o.Bytes(), 0o644)
			if row.code >= 0 && code != row.code {
				t.Errorf("class %d: exit %d, want %d\nstderr:\n%s", row.class, code, row.code, e.String())
			}
			if row.stderr != "" && !strings.Contains(e.String(), row.stderr) {
				t.Errorf("class %d: stderr lacks %q:\n%s", row.class, row.stderr, e.String())
			}
			if row.noStart && (strings.Contains(e.String(), "parameters from") || strings.Contains(e.String(), "seeds,")) {
				t.Errorf("class %d: work started before the refusal:\n%s", row.class, e.String())
			}
			if row.check != nil {
				row.check(t, dir)
			}
		})
	}
}
