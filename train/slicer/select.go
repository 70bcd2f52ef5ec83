package slicer

import (
	"errors"
	"fmt"
	"math"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ic"
	"github.com/spread-dev/spread/train"
)

// PriorScore is the validation record of one candidate prior.
type PriorScore struct {
	// Prior is the candidate.
	Prior Prior
	// Mode is the prior's mode m at the fitted α (Prior.Mode): the fixed
	// Mean for "beta", the learned m for "hier", NaN for "none".
	Mode float64
	// Held is the held-out objective O_held(α̂), the SLICER log-likelihood
	// (paper eq. 4, or eq. 9 for mixtures) of the held-out cascades at the
	// α̂ fitted on the others, without the prior.
	Held float64
	// Iters and Status are those of the fit.
	Iters  int
	Status train.Status
}

// SelectPrior chooses a prior by held-out likelihood: for each candidate c
// it runs Learn on the fitting observations fit with cfg.Prior = c, and
// scores the fitted α̂_c by the plain SLICER objective of the held-out
// observations held (ic.MixtureObjective, no prior term). It returns the
// candidate with the highest held-out score (the first one on ties) and
// every score, in candidate order. The caller then refits on all the data
// with the chosen prior. cfg.Checkpoint must be empty (the candidate fits
// are not checkpointed); rec, which may be nil, receives the progress of
// every fit.
//
// It returns an error if there are no candidates, cfg or a candidate is
// invalid, an observation set does not fit g, a fit fails or a held-out
// score is not finite.
func SelectPrior(g *graphs.Graph, fit, held *ic.Observations, cfg Config, candidates []Prior, rec train.Recorder) (Prior, []PriorScore, error) {
	if len(candidates) == 0 {
		return Prior{}, nil, errors.New("slicer: SelectPrior: no candidate prior")
	}
	if cfg.Checkpoint != "" {
		return Prior{}, nil, errors.New("slicer: SelectPrior: Config.Checkpoint must be empty")
	}
	if err := ic.CheckObservations(g, held); err != nil {
		return Prior{}, nil, fmt.Errorf("slicer: SelectPrior: held-out observations: %w", err)
	}
	for _, c := range candidates {
		if err := c.Validate(); err != nil {
			return Prior{}, nil, fmt.Errorf("slicer: SelectPrior: candidate %v: %w", c, err)
		}
	}
	scores := make([]PriorScore, 0, len(candidates))
	best := -1
	for i, c := range candidates {
		cfg.Prior = c
		res, err := Learn(g, fit, cfg, rec)
		if err != nil {
			return Prior{}, scores, fmt.Errorf("slicer: SelectPrior: fit with prior %v: %w", c, err)
		}
		h, err := ic.MixtureObjective(g, res.Theta, res.Replicas, held)
		if err != nil {
			return Prior{}, scores, fmt.Errorf("slicer: SelectPrior: held-out objective with prior %v: %w", c, err)
		}
		if math.IsNaN(h) || math.IsInf(h, 0) {
			return Prior{}, scores, &train.NonFiniteError{Op: fmt.Sprintf("slicer: SelectPrior: held-out objective with prior %v", c), Iter: -1, Index: -1, Value: h}
		}
		scores = append(scores, PriorScore{Prior: c, Mode: c.Mode(res.Theta), Held: h, Iters: res.Iters, Status: res.Status})
		if best < 0 || h > scores[best].Held {
			best = i
		}
	}
	return candidates[best], scores, nil
}

// PriorCandidates returns the candidates of a prior kind: for "none" the
// single zero Prior; for "beta" (mode mean, 0 meaning DefaultPriorMean) and
// "hier", one prior per strength κ (DefaultStrengths[kind] when strengths
// is empty), in the given order, preceded by "none" when withNone is true.
func PriorCandidates(kind string, mean float64, strengths []float64, withNone bool) []Prior {
	if kind == "" || kind == PriorNone {
		return []Prior{{}}
	}
	if len(strengths) == 0 {
		strengths = DefaultStrengths[kind]
	}
	var out []Prior
	if withNone {
		out = append(out, Prior{})
	}
	for _, k := range strengths {
		p := Prior{Kind: kind, Strength: k}
		if kind == PriorBeta {
			p.Mean = mean
		}
		out = append(out, p)
	}
	return out
}
