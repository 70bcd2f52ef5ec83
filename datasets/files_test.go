package datasets

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSeedsRoundTrip writes seeds and reads them back, by value and
// through files.
func TestSeedsRoundTrip(t *testing.T) {
	g := edgeValuesGraph(t, false) // nodes a, b, c
	seeds := []int{2, 0}
	var buf bytes.Buffer
	if err := WriteSeeds(&buf, g, seeds); err != nil {
		t.Fatal(err)
	}
	if want := g.ID(2) + "\n" + g.ID(0) + "\n"; buf.String() != want {
		t.Errorf("WriteSeeds wrote %q, want %q", buf.String(), want)
	}
	got, err := ReadSeeds(&buf, "buf", g)
	if err != nil || !slices.Equal(got, seeds) {
		t.Fatalf("ReadSeeds = %v, %v; want %v", got, err, seeds)
	}
	path := filepath.Join(t.TempDir(), "seeds.txt")
	if err := WriteSeedsFile(path, g, seeds); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadSeedsFile(path, g); err != nil || !slices.Equal(got, seeds) {
		t.Fatalf("ReadSeedsFile = %v, %v; want %v", got, err, seeds)
	}
	if err := WriteSeeds(&buf, g, []int{3}); err == nil {
		t.Error("WriteSeeds accepted node 3 of 3")
	}
}

// TestReadSeedsErrors: each malformed file is rejected with its name and
// line (the messages spread im eval shows).
func TestReadSeedsErrors(t *testing.T) {
	g := edgeValuesGraph(t, false)
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"unknown id", "a\nb\nzz\n", []string{"datasets: read f line 3:", `unknown node id "zz"`}},
		{"repeated id", "# c\na\nb\na\n", []string{"f line 4:", `node "a" already given on line 2`}},
		{"empty", "# nothing\n\n", []string{"datasets: read f: no seeds"}},
	} {
		_, err := ReadSeeds(strings.NewReader(tc.in), "f", g)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want one containing %q", tc.name, err, w)
			}
		}
	}
	if _, err := ReadSeedsFile(filepath.Join(t.TempDir(), "missing"), g); err == nil || !strings.HasPrefix(err.Error(), "datasets: ") {
		t.Errorf("missing file: %v", err)
	}
}

// TestWriteMarginals checks the CSV layout: header, node-major rows, exact
// values, and the length check.
func TestWriteMarginals(t *testing.T) {
	g := edgeValuesGraph(t, false)
	const T = 2
	marg := []float64{0.5, 1, 0, 0.75, 1, 0.1} // marg[t*N+i]
	var buf bytes.Buffer
	if err := WriteMarginals(&buf, g, marg, T); err != nil {
		t.Fatal(err)
	}
	want := "node,t,p\n" +
		g.ID(0) + ",0,0.5\n" + g.ID(0) + ",1,0.75\n" +
		g.ID(1) + ",0,1\n" + g.ID(1) + ",1,1\n" +
		g.ID(2) + ",0,0\n" + g.ID(2) + ",1,0.1\n"
	if buf.String() != want {
		t.Errorf("WriteMarginals wrote\n%s\nwant\n%s", buf.String(), want)
	}
	if err := WriteMarginals(&buf, g, marg[:5], T); err == nil {
		t.Error("WriteMarginals accepted 5 values for T = 2, N = 3")
	}
	path := filepath.Join(t.TempDir(), "m.csv")
	if err := WriteMarginalsFile(path, g, marg, T); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != want {
		t.Errorf("WriteMarginalsFile wrote %q", b)
	}
}

// TestReplicasRoundTrip writes a 2-replica mixture to FILE and FILE.r2 and
// reads it back replica-major.
func TestReplicasRoundTrip(t *testing.T) {
	g := edgeValuesGraph(t, true) // 3 parameters
	theta := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}
	path := filepath.Join(t.TempDir(), "alpha.txt")
	if err := WriteReplicasFiles(path, g, theta, 2); err != nil {
		t.Fatal(err)
	}
	if ReplicaPath(path, 1) != path || ReplicaPath(path, 2) != path+".r2" {
		t.Fatalf("ReplicaPath: %q, %q", ReplicaPath(path, 1), ReplicaPath(path, 2))
	}
	got, R, err := ReadReplicasFiles([]string{path, path + ".r2"}, g)
	if err != nil || R != 2 || !slices.Equal(got, theta) {
		t.Fatalf("ReadReplicasFiles = %v, %d, %v; want %v, 2", got, R, err, theta)
	}
	if err := WriteReplicasFiles(path, g, theta, 3); err == nil {
		t.Error("WriteReplicasFiles accepted 6 values for 3 replicas of 3")
	}
	if _, _, err := ReadReplicasFiles(nil, g); err == nil {
		t.Error("ReadReplicasFiles accepted no files")
	}
	os.WriteFile(path+".r2", []byte("a b 0.5\nb c 2\n"), 0o644)
	if _, _, err := ReadReplicasFiles([]string{path, path + ".r2"}, g); err == nil || !strings.Contains(err.Error(), path+".r2 line 2") {
		t.Errorf("bad replica file: %v", err)
	}
}
