package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// TestByteOrderMark: a UTF-8 byte-order mark at the start of a file is not
// part of the first id or header (issue #10: `unknown node "node"`).
func TestByteOrderMark(t *testing.T) {
	g, _, err := graphs.ReadSNAP(strings.NewReader("a b\nb c\n"), "g", graphs.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ReadCascades(strings.NewReader("\ufeffcascade,node,time\n1,a,0\n1,b,1\n"), "c", g, 3)
	if err != nil {
		t.Fatalf("cascades: %v", err)
	}
	if c.M() != 1 {
		t.Errorf("M = %d, want 1", c.M())
	}
	hid, err := ReadHidden(strings.NewReader("\ufeffa\n"), "h", g)
	if err != nil {
		t.Fatalf("hidden: %v", err)
	}
	if hid[0] {
		t.Error("node a is not hidden")
	}
}

// TestWriteReplicasRemovesStale: a 2-replica write removes FILE.r3 of an
// earlier 3-replica run.
func TestWriteReplicasRemovesStale(t *testing.T) {
	g, _, err := graphs.ReadSNAP(strings.NewReader("a b\n"), "g", graphs.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "rr.txt")
	if err := WriteReplicasFiles(p, g, []float64{0.1, 0.2, 0.3}, 3); err != nil {
		t.Fatal(err)
	}
	if err := WriteReplicasFiles(p, g, []float64{0.4, 0.5}, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p + ".r3"); err == nil {
		t.Error("stale rr.txt.r3 survived")
	}
	if _, err := os.Stat(p + ".r2"); err != nil {
		t.Error(err)
	}
}
