package nmf

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spread-dev/spread/datasets"
	mnmf "github.com/spread-dev/spread/models/nmf"
	"github.com/spread-dev/spread/models/ode"
)

func smallData(t *testing.T) (*datasets.CICData, Config, *Validation) {
	t.Helper()
	dc := datasets.DefaultCICConfig()
	dc.N, dc.SourceSets, dc.PerSet, dc.SetSizeMax, dc.T, dc.TestSets, dc.TruthSamples = 8, 12, 4, 3, 4, 4, 500
	d, err := datasets.BuildCIC(dc)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig(8, 4)
	cfg.Model.Steps, cfg.Model.Method = 4, ode.Euler
	cfg.Epochs, cfg.Batch, cfg.LR, cfg.Patience = 4, 10, 0.01, 0
	cfg.InitFit = false // the fixed start these tests' thresholds were set on (TestTrainInitFit covers the fit)
	return d, cfg, &Validation{Sources: d.TestSources, Truth: d.Truth}
}

// trainResumed trains split epochs of cfg with a checkpoint, then resumes
// from it to cfg.Epochs, and returns the resumed result.
func trainResumed(t *testing.T, cfg Config, cs []mnmf.Cascade, val *Validation, split int) *Result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ck.json")
	half := cfg
	half.Epochs = split
	if _, err := Train(half, cs, val, path, false, nil); err != nil {
		t.Fatal(err)
	}
	res, err := Train(cfg, cs, val, path, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sameBits fails unless the straight and resumed θ are equal bit for bit.
func sameBits(t *testing.T, straight, resumed []float64) {
	t.Helper()
	for i := range straight {
		if math.Float64bits(straight[i]) != math.Float64bits(resumed[i]) {
			t.Fatalf("θ[%d]: straight %v, resumed %v", i, straight[i], resumed[i])
		}
	}
}

// TestResumeBitIdentical: 4 epochs straight equal 2 epochs, a checkpoint,
// and 2 more from it, bit for bit, for every gradient method.
func TestResumeBitIdentical(t *testing.T) {
	d, cfg, val := smallData(t)
	cs := Cascades(d.Train)
	for _, grad := range []string{"autodiff", "adjoint", "costate"} {
		t.Run(grad, func(t *testing.T) {
			cfg.Grad = grad
			full, err := Train(cfg, cs, val, "", false, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := trainResumed(t, cfg, cs, val, 2)
			if len(res.Epochs) != 4 || len(full.Epochs) != 4 {
				t.Fatalf("epochs: %d resumed, %d full", len(res.Epochs), len(full.Epochs))
			}
			sameBits(t, full.Theta, res.Theta)
			for i := range full.Epochs {
				if full.Epochs[i].ValMAE != res.Epochs[i].ValMAE || full.Epochs[i].Loss != res.Epochs[i].Loss {
					t.Errorf("epoch %d: full %+v, resumed %+v", i, full.Epochs[i], res.Epochs[i])
				}
			}
			if full.Epochs[3].Loss >= full.Epochs[0].Loss {
				t.Errorf("loss did not decrease: %+v", full.Epochs)
			}
		})
	}
}

// TestEarlyStopping: with patience 1 and a huge learning rate the
// validation MAE stops improving and training ends early with the best θ.
func TestEarlyStopping(t *testing.T) {
	d, cfg, val := smallData(t)
	cfg.Epochs, cfg.Patience, cfg.LR = 20, 1, 0.5
	res, err := Train(cfg, Cascades(d.Train), val, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Epochs) == 20 {
		t.Fatalf("no early stop: %+v", res.Epochs)
	}
	mae, _, err := MAE(cfg.Model, res.Theta, val)
	if err != nil {
		t.Fatal(err)
	}
	if mae != res.BestMAE {
		t.Errorf("returned θ has MAE %v, best %v", mae, res.BestMAE)
	}
}

// TestSelectLoss: Select "loss" keeps θ at the end of the epoch with the
// lowest mean training loss, which is the θ of a run stopped after that
// epoch, and stops after Patience epochs without a lower loss.
func TestSelectLoss(t *testing.T) {
	d, cfg, val := smallData(t)
	cfg.Epochs, cfg.Patience, cfg.LR, cfg.Select = 12, 2, 0.5, "loss"
	res, err := Train(cfg, Cascades(d.Train), val, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	best := res.Epochs[0]
	for _, e := range res.Epochs {
		if e.Loss < best.Loss {
			best = e
		}
	}
	if res.BestEpoch != best.Epoch || res.BestLoss != best.Loss {
		t.Fatalf("selected epoch %d (loss %v), lowest loss at epoch %d (%v): %+v", res.BestEpoch, res.BestLoss, best.Epoch, best.Loss, res.Epochs)
	}
	if last := res.Epochs[len(res.Epochs)-1].Epoch; last == res.BestEpoch || (last < cfg.Epochs && last != res.BestEpoch+cfg.Patience) {
		t.Fatalf("last epoch %d, best %d, patience %d: want a selection before the end and a stop after the patience (lr 0.5 diverges)", last, res.BestEpoch, cfg.Patience)
	}
	if res.BestMAE != best.ValMAE {
		t.Errorf("BestMAE %v, want the selected epoch's validation MAE %v", res.BestMAE, best.ValMAE)
	}
	short := cfg
	short.Epochs, short.Select = res.BestEpoch, ""
	ref, err := Train(short, Cascades(d.Train), nil, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ref.Theta, res.Theta) {
		t.Error("the selected θ is not the θ after the selected epoch")
	}
	cfg.Select = "best"
	if _, err := Train(cfg, Cascades(d.Train), val, "", false, nil); err == nil {
		t.Error("Select \"best\": no error")
	}
}

// TestBackoff: at a learning rate that diverges (0.5), the guard returns
// to the lowest-loss epoch and halves the rate whenever an epoch's mean
// loss exceeds Backoff times the lowest so far; right after a back-off θ
// is the lowest epoch's, and a run resumed from a checkpoint taken after a
// back-off is bit-identical (the halved rate and the re-evaluated
// gradient are in the checkpoint).
func TestBackoff(t *testing.T) {
	d, cfg, _ := smallData(t)
	cs := Cascades(d.Train)
	cfg.Epochs, cfg.LR = 12, 0.5
	plain, err := Train(cfg, cs, nil, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	// At lr 0.5 the loss falls with 5–15 % rises (measured); a 5 % guard
	// catches them.
	cfg.Backoff = 1.05
	res, err := Train(cfg, cs, nil, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Backoffs == 0 {
		t.Fatalf("no back-off at lr 0.5: %+v", res.Epochs)
	}
	low, lr, n := math.Inf(1), cfg.LR, 0
	for i, e := range res.Epochs {
		if e.LR != lr {
			t.Fatalf("epoch %d ran at lr %v, want %v: %+v", e.Epoch, e.LR, lr, res.Epochs)
		}
		if e.BackedOff != (e.Loss > cfg.Backoff*low) {
			t.Fatalf("epoch %d: loss %v, lowest %v, backed off %v", e.Epoch, e.Loss, low, e.BackedOff)
		}
		if e.BackedOff {
			lr /= 2
			n++
			if e.ValMAE != -1 {
				t.Errorf("epoch %d: backed off with validation MAE %v, want -1", i, e.ValMAE)
			}
			continue
		}
		low = min(low, e.Loss)
	}
	if n != res.Backoffs {
		t.Errorf("%d backed-off epochs, Backoffs = %d", n, res.Backoffs)
	}
	// Resume from the checkpoint of a run cut after the first back-off:
	// its θ is the lowest epoch's, and the resumed run ends where the
	// uninterrupted one does.
	first := slices.IndexFunc(res.Epochs, func(e Epoch) bool { return e.BackedOff })
	lowEpoch := res.Epochs[0]
	for _, e := range res.Epochs[:first] {
		if e.Loss < lowEpoch.Loss {
			lowEpoch = e
		}
	}
	path := filepath.Join(t.TempDir(), "ck.json")
	half := cfg
	half.Epochs = first + 1
	cut, err := Train(half, cs, nil, path, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	upTo := cfg
	upTo.Epochs = lowEpoch.Epoch
	ref, err := Train(upTo, cs, nil, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cut.Theta, ref.Theta) {
		t.Errorf("after the back-off at epoch %d θ is not the θ after epoch %d (the lowest loss)", first+1, lowEpoch.Epoch)
	}
	again, err := Train(cfg, cs, nil, path, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Theta, res.Theta) || again.Backoffs != res.Backoffs {
		t.Errorf("resumed after the back-off at epoch %d: θ equal %v, back-offs %d vs %d", first+1, slices.Equal(again.Theta, res.Theta), again.Backoffs, res.Backoffs)
	}
	if slices.Equal(plain.Theta, res.Theta) {
		t.Error("the guard changed nothing")
	}
	cfg.Backoff = 0.9
	if _, err := Train(cfg, cs, nil, "", false, nil); err == nil {
		t.Error("Backoff 0.9: no error")
	}
}

// TestTrainExact: the exact event mode trains with the discrete adjoint
// (its loss falls) and is refused with the autodiff gradient.
func TestTrainExact(t *testing.T) {
	d, cfg, val := smallData(t)
	cfg.Model.Events, cfg.Grad = mnmf.Exact, "adjoint"
	res, err := Train(cfg, Cascades(d.Train), val, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Epochs[3].Loss >= res.Epochs[0].Loss {
		t.Errorf("exact mode: loss did not decrease: %+v", res.Epochs)
	}
	cfg.Grad = "autodiff"
	if _, err := Train(cfg, Cascades(d.Train), val, "", false, nil); err == nil {
		t.Error("exact mode with autodiff: no error")
	}
}
