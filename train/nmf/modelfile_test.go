package nmf

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spread-dev/spread/graphs"
)

// TestSupportModelRoundTrip writes a model whose rates live on a support
// graph with non-numeric node ids and reads it back: the same edges in
// the same order, the same ids, the same θ. A damaged support is refused.
func TestSupportModelRoundTrip(t *testing.T) {
	b := graphs.NewBuilder("")
	for _, e := range [][2]string{{"c", "a"}, {"a", "b"}, {"b", "c"}, {"a", "c"}, {"d", "a"}} {
		b.AddEdge(e[0], e[1], 1, 0)
	}
	g, _, err := b.Build(graphs.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig(g.N, 2)
	cfg.Model.Support, cfg.Model.Hidden = g, []int{2}
	mc, err := cfg.Model.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, mc.NumParams())
	for i := range theta {
		theta[i] = float64(i) / 7
	}
	path := filepath.Join(t.TempDir(), "m.json")
	if err := WriteModel(path, cfg, theta); err != nil {
		t.Fatal(err)
	}
	m, err := ReadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	s := m.Config.Support
	if s == nil {
		t.Fatal("support lost")
	}
	if !slices.Equal(s.IDs(), g.IDs()) || !slices.Equal(s.Src, g.Src) || !slices.Equal(s.Dst, g.Dst) {
		t.Errorf("support ids %v src %v dst %v, want %v %v %v", s.IDs(), s.Src, s.Dst, g.IDs(), g.Src, g.Dst)
	}
	if !slices.Equal(m.Theta, theta) {
		t.Error("θ changed")
	}

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string][2]string{
		"edge outside the nodes": {`"support_dst":[`, `"support_dst":[99,`},
		"ids of another length":  {`"support_ids":[`, `"support_ids":["zz",`},
	} {
		if !strings.Contains(string(raw), edit[0]) {
			t.Fatalf("%s: %q not in the file", name, edit[0])
		}
		bad := filepath.Join(t.TempDir(), "bad.json")
		if err := os.WriteFile(bad, []byte(strings.Replace(string(raw), edit[0], edit[1], 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadModel(bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
