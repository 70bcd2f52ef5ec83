package datasets

import (
	"slices"
	"testing"

	"github.com/spread-dev/spread/models/cic"
)

// TestBuildCIC runs the protocol at a small size with Weibull delays and
// checks the shapes, the parameter ranges, the source sets (sizes within
// bounds, distinct nodes), that every training cascade holds its sources at
// time 0 and times ≤ T, that the ground truth is 1 at the sources and
// non-decreasing in t, and that the result does not depend on Workers.
func TestBuildCIC(t *testing.T) {
	def := DefaultCICConfig()
	if def.N != 128 || def.Degree != 4 || def.SourceSets != 900 || def.PerSet != 10 || def.T != 20 ||
		def.SetSizeMin != 1 || def.SetSizeMax != 10 || def.TruthSamples != 10000 || def.Ranges != cic.DefaultRanges() {
		t.Errorf("DefaultCICConfig = %+v, not the paper's protocol", def)
	}
	cfg := def
	cfg.N, cfg.Delay, cfg.SourceSets, cfg.PerSet, cfg.TestSets, cfg.TruthSamples, cfg.T = 32, cic.Weibull(), 6, 3, 2, 300, 5
	cfg.Workers = 1
	d, err := BuildCIC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	g := d.Graph
	if g.N != 32 || g.NumEdges() != 128 || d.Train.M() != 18 || len(d.Truth) != 2 {
		t.Fatalf("N %d, E %d, %d cascades, %d truths", g.N, g.NumEdges(), d.Train.M(), len(d.Truth))
	}
	for e := range d.Params.A {
		if a, b := d.Params.A[e], d.Params.B[e]; a < 1 || a > 10 || b < 1 || b > 10 {
			t.Fatalf("edge %d: scale %v, shape %v outside [1, 10]", e, a, b)
		}
	}
	for _, s := range append(slices.Clone(d.TrainSources), d.TestSources...) {
		u := slices.Compact(slices.Sorted(slices.Values(s)))
		if len(s) < 1 || len(s) > 10 || len(u) != len(s) {
			t.Fatalf("source set %v", s)
		}
	}
	for k := range d.Train.M() {
		nodes, times := d.Train.Cascade(k)
		for _, s := range d.TrainSources[k/3] {
			if j := slices.Index(nodes, int32(s)); j < 0 || times[j] != 0 {
				t.Fatalf("cascade %s: source %d missing", d.Train.IDs[k], s)
			}
		}
		if times[len(times)-1] > 5 {
			t.Fatalf("cascade %d: time %v beyond T", k, times[len(times)-1])
		}
	}
	for j, x := range d.Truth {
		if len(x) != 6*g.N {
			t.Fatalf("truth %d has %d values", j, len(x))
		}
		for v := range g.N {
			for tt := 1; tt <= 5; tt++ {
				if x[tt*g.N+v] < x[(tt-1)*g.N+v] {
					t.Fatalf("truth %d node %d decreases at t = %d", j, v, tt)
				}
			}
		}
		for _, s := range d.TestSources[j] {
			if x[s] != 1 || x[5*g.N+s] != 1 {
				t.Fatalf("truth %d: source %d not 1", j, s)
			}
		}
	}
	cfg.Workers = 3
	d3, err := BuildCIC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !equalTimed(d.Train, d3.Train) || !slices.Equal(d.Truth[1], d3.Truth[1]) {
		t.Error("result depends on Workers")
	}
	for _, mut := range []func(*CICConfig){func(c *CICConfig) { c.N = 30 }, func(c *CICConfig) { c.SetSizeMax = 0 }, func(c *CICConfig) { c.TruthSamples = 0 }, func(c *CICConfig) { c.Initiator = "x" }} {
		c := cfg
		mut(&c)
		if _, err := BuildCIC(c); err == nil {
			t.Errorf("config %+v: no error", c)
		}
	}
}
