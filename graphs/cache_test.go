package graphs

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestCache writes the binary cache of a read graph and checks that
// ReadPath loads it (FromCache) with every array and id equal to a fresh
// parse; that a changed source or other options make it stale (parsed
// again); and that a damaged cache is an error, not a panic.
func TestCache(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "g.txt")
	if err := os.WriteFile(src, []byte("# test\na b 0.5\nb c 0.25\nc a 1\na c 0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, opt := range []ReadOptions{{}, {BuildOptions: BuildOptions{Undirected: true, Duplicates: KeepFirst}}} {
		want, st, err := ReadPath(src, opt)
		if err != nil {
			t.Fatal(err)
		}
		if st.FromCache {
			t.Fatal("no cache yet, but FromCache")
		}
		if err := WriteCache(src, want, st, opt); err != nil {
			t.Fatal(err)
		}
		got, st2, err := ReadPath(src, opt)
		if err != nil || !st2.FromCache {
			t.Fatalf("cache not used: %v, %+v", err, st2)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("cached graph differs:\n%+v\n%+v", got, want)
		}
		if id, _ := got.Index("c"); got.ID(id) != "c" {
			t.Fatal("ids lost")
		}
	}
	// Other options than the cache's: parsed again.
	if _, st, err := ReadPath(src, ReadOptions{NoCountsLine: true}); err != nil || st.FromCache {
		t.Fatalf("cache used for other options: %v %+v", err, st)
	}
	// A changed source: stale.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(src, later, later); err != nil {
		t.Fatal(err)
	}
	opt := ReadOptions{BuildOptions: BuildOptions{Undirected: true, Duplicates: KeepFirst}}
	if _, st, err := ReadPath(src, opt); err != nil || st.FromCache {
		t.Fatalf("stale cache used: %v %+v", err, st)
	}
	// A damaged cache: an error naming it.
	g, st, _ := ReadPath(src, opt)
	if err := WriteCache(src, g, st, opt); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(src + CacheSuffix)
	if err := os.WriteFile(src+CacheSuffix, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadPath(src, opt); err == nil || !strings.Contains(err.Error(), CacheSuffix) {
		t.Fatalf("damaged cache: %v", err)
	}
	// An inconsistent CSR (a consistent gob with a wrong in-edge position)
	// is caught by the structural check.
	g2, st2, _ := ReadFile(src, opt)
	g2.InPos = append([]int(nil), g2.InPos...)
	g2.InPos[0] = 99
	if err := WriteCache(src, g2, st2, opt); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadPath(src, opt); err == nil || !strings.Contains(err.Error(), "inconsistent") {
		t.Fatalf("inconsistent cache: %v", err)
	}
}
