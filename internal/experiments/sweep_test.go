package experiments

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// tableWithoutTiming returns the CSV of o without the seconds column.
func tableWithoutTiming(t *testing.T, o *Output) string {
	t.Helper()
	tab := o.Table()
	col := slices.Index(tab.Header, "seconds")
	var b bytes.Buffer
	for _, r := range tab.Rows {
		r = slices.Clone(r)
		r[col] = ""
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.String()
}

// TestSweepEqualsFullRun: the cells of a sweep, run one by one in reverse
// order and reassembled, give the full run's table (timing aside), config
// and figures.
func TestSweepEqualsFullRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  any
		full func(ctx context.Context, opt Options) (*Output, error)
	}{
		{"fig2", func() Fig2Config {
			c := tinyFig2()
			c.Topologies, c.Ts, c.Ms = []string{TopoRRG, TopoTree}, []int{2, 3}, []int{100, 30}
			return c
		}(), nil},
		{"fig3", Fig3Config{N: 20, Topologies: []string{TopoTree}, Ts: []int{3}, Ms: []int{40, 80},
			Networks: 1, AlphaSets: 2, Hidden: []float64{0, 0.2}, Learn: tinyLearn(100)}, nil},
	} {
		grid, err := json.Marshal(tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		opt := Options{Seed: 5, Workers: 2, Method: "spg"}
		sw, err := NewSweep(tc.name, Quick, grid)
		if err != nil {
			t.Fatal(err)
		}
		full, err := runConfig(context.Background(), tc.name, sw.Config, opt)
		if err != nil {
			t.Fatal(err)
		}
		pts := make([][]Point, len(sw.Cells))
		for k := len(sw.Cells) - 1; k >= 0; k-- {
			if pts[k], err = RunCell(context.Background(), tc.name, sw.Cells[k].Config, Options{Seed: 5, Workers: 1, Method: "spg"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := sw.Assemble(opt, pts)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := tableWithoutTiming(t, got), tableWithoutTiming(t, full); a != b {
			t.Errorf("%s: sweep table\n%s\nfull run\n%s", tc.name, a, b)
		}
		ca, _ := json.Marshal(got.Config)
		cb, _ := json.Marshal(full.Config)
		if !bytes.Equal(ca, cb) {
			t.Errorf("%s: config %s, full run %s", tc.name, ca, cb)
		}
		if len(got.Figures) != len(full.Figures) {
			t.Errorf("%s: %d figures, full run %d", tc.name, len(got.Figures), len(full.Figures))
		}
	}
}

// TestSweepBadGrid: grids NewSweep refuses, each with ErrGrid.
func TestSweepBadGrid(t *testing.T) {
	for _, tc := range []struct{ name, grid, want string }{
		{"fig1a", "", "does not split"},
		{"fig9", "", "unknown experiment"},
		{"fig2", "{", "grid"},
		{"fig2", `{"topologys": ["tree"]}`, "unknown field"},
		{"fig2", `{"topologies": ["cube"]}`, "unknown topology"},
		{"fig2", `{"ms": []}`, "empty"},
		{"fig2", `{"ts": [0]}`, "horizon"},
		{"fig2", `{"ms": [-1]}`, "M = -1"},
		{"fig2", `{"networks": 0}`, "networks"},
		{"fig2", `{"n": 1}`, "n = 1"},
		{"fig2", `{} {}`, "after the JSON"},
		{"fig3", `{"hidden": [1]}`, "hidden fraction"},
	} {
		_, err := NewSweep(tc.name, Quick, []byte(tc.grid))
		if !errors.Is(err, ErrGrid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: error %v, want ErrGrid containing %q", tc.name, tc.grid, err, tc.want)
		}
	}
	sw, err := NewSweep("fig2", Quick, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := DefaultFig2(Quick)
	if want := len(d.Topologies) * len(d.Ts) * len(d.Ms); len(sw.Cells) != want {
		t.Errorf("default fig2: %d cells, want %d", len(sw.Cells), want)
	}
}
