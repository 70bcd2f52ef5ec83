package nmf

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spread-dev/spread/datasets"
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
	return d, cfg, &Validation{Sources: d.TestSources, Truth: d.Truth}
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
			path := filepath.Join(t.TempDir(), "ck.json")
			half := cfg
			half.Epochs = 2
			if _, err := Train(half, cs, val, path, false, nil); err != nil {
				t.Fatal(err)
			}
			res, err := Train(cfg, cs, val, path, true, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Epochs) != 4 || len(full.Epochs) != 4 {
				t.Fatalf("epochs: %d resumed, %d full", len(res.Epochs), len(full.Epochs))
			}
			for i := range full.Theta {
				if math.Float64bits(full.Theta[i]) != math.Float64bits(res.Theta[i]) {
					t.Fatalf("θ[%d]: full %v, resumed %v", i, full.Theta[i], res.Theta[i])
				}
			}
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
