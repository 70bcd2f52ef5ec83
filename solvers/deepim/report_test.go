package deepim

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/multiplex"
	"github.com/spread-dev/spread/solvers/mim"
)

// sharedDatasets returns $SPREAD_SHARED/datasets or ../../../shared/datasets,
// or skips the test.
func sharedDatasets(tb testing.TB) string {
	tb.Helper()
	dirs := []string{"../../../shared/datasets", "../../../../shared/datasets"}
	if d := os.Getenv("SPREAD_SHARED"); d != "" {
		dirs = []string{filepath.Join(d, "datasets")}
	}
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	tb.Skip("shared datasets not found: set SPREAD_SHARED to the shared/ directory")
	return ""
}

// TestXenopusReport (SPREAD_RESULTS=1) trains the default DeepIM on Xenopus
// (layers ic,lt,ic,lt,ic, k = 30) and compares, by Monte Carlo (1,000
// runs) and by the estimator f, the seeds of the paper's latent search
// (RulePaper) and of RuleTuned's on the same model with ISF's and with a
// greedy on f itself: if greedy-on-f beats a search, the search, not the
// estimator, is the bottleneck (docs/RESULTS.md).
func TestXenopusReport(t *testing.T) {
	if os.Getenv("SPREAD_RESULTS") == "" {
		t.Skip("set SPREAD_RESULTS=1 (trains for minutes)")
	}
	path := filepath.Join(sharedDatasets(t), "multiplex/MIM-Reasoner-derived/xenopus_mim_reasoner.edges")
	mx, _, err := graphs.ReadMultiplexFile(path, graphs.ReadOptions{})
	if err != nil {
		t.Skipf("Xenopus not available: %v", err)
	}
	kinds := []multiplex.Kind{multiplex.IC, multiplex.LT, multiplex.IC, multiplex.LT, multiplex.IC}
	ls := make([]multiplex.Layer, len(kinds))
	for i := range ls {
		ls[i].Kind = kinds[i]
	}
	m, err := multiplex.New(mx, ls, nil)
	if err != nil {
		t.Fatal(err)
	}
	const k = 30
	cfg := Default()
	cfg.Budget, cfg.Seed = k, 1
	model, st, err := Train(context.Background(), m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("training %v, %d epochs, estimator loss %.3g → %.3g, accuracy %.3f", st.TrainTime, st.Epochs,
		st.EstimatorLoss[0], st.EstimatorLoss[len(st.EstimatorLoss)-1], st.Accuracy[len(st.Accuracy)-1])
	tuned, err := model.Select(k)
	if err != nil {
		t.Fatal(err)
	}
	model.cfg.Rule = RulePaper // the paper's search on the same trained model
	ascent, err := model.Select(k)
	model.cfg.Rule = RuleTuned
	if err != nil {
		t.Fatal(err)
	}
	isf, err := mim.Maximize(&mim.Problem{Model: m, K: k}, &mim.Settings{Runs: 100, Seed: 1}, mim.ISF{})
	if err != nil {
		t.Fatal(err)
	}
	greedy, err := model.greedy(k)
	if err != nil {
		t.Fatal(err)
	}
	o := multiplex.MustMC(m, 1000, 99, 0)
	for _, r := range []struct {
		name  string
		seeds []int
	}{{"paper search", ascent}, {"tuned search", tuned}, {"greedy on f", greedy}, {"ISF", isf.Seeds}} {
		f, err := model.Estimate(r.seeds)
		if err != nil {
			t.Fatal(err)
		}
		s, se := o.Spread(r.seeds)
		t.Logf("%-13s f = %7.2f   σ = %7.2f ± %.2f", r.name, f, s, se)
	}
}
