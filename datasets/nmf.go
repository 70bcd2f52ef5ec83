package datasets

import (
	"fmt"
	"math/bits"
	"strconv"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/cic"
)

// CICConfig is the synthetic data protocol of the NMF paper (S. He, H. Zha
// and X. Ye, "Influence Estimation and Maximization via Neural Mean-Field
// Dynamics", arXiv:2106.02608, §4.2): a stochastic Kronecker network,
// random per-edge delay parameters, training cascades from random source
// sets, and test source sets with Monte-Carlo ground truth x*(t) on
// t = 0, 1, …, T. Zero fields are invalid (no silent defaults): start
// from DefaultCICConfig.
type CICConfig struct {
	// N is the number of nodes, a power of two (paper: 128 and 1024).
	N int
	// Degree is the mean out-degree d: the network has N·d edges (paper: 4).
	Degree float64
	// Initiator names the Kronecker initiator: "hier" (hierarchical),
	// "core" (core-periphery) or "rand" (random); see graphs.KroneckerPreset.
	Initiator string
	// Delay is the delay family; Ranges the intervals of its parameters.
	Delay  cic.Delay
	Ranges cic.Ranges
	// SourceSets is the number of training source sets S and PerSet the
	// cascades R simulated from each (paper: 900 × 10).
	SourceSets, PerSet int
	// SetSizeMin and SetSizeMax bound the source-set sizes, drawn
	// uniformly (paper: 1..10).
	SetSizeMin, SetSizeMax int
	// T is the horizon (paper: 20); ground truth is on t = 0, 1, …, ⌊T⌋.
	T float64
	// TestSets is the number of test source sets (paper: 100, split 50/50
	// into validation and test) and TruthSamples the cascades K per set
	// behind each ground-truth curve (paper: 10 000).
	TestSets, TruthSamples int
	// Seed determines everything; Workers bounds the goroutines (≤ 0:
	// GOMAXPROCS) and does not change the result.
	Seed    uint64
	Workers int
}

// DefaultCICConfig returns the paper's protocol at n = 128: d = 4,
// hierarchical Kronecker, exponential delays with α ~ U[0.1, 1], 900
// source sets of size 1..10 with 10 cascades each, T = 20, 100 test sets
// with K = 10 000 simulations each, seed 1.
func DefaultCICConfig() CICConfig {
	return CICConfig{N: 128, Degree: 4, Initiator: "hier", Delay: cic.Exponential(), Ranges: cic.DefaultRanges(),
		SourceSets: 900, PerSet: 10, SetSizeMin: 1, SetSizeMax: 10, T: 20, TestSets: 100, TruthSamples: 10000, Seed: 1}
}

// CICData is what BuildCIC returns.
type CICData struct {
	Config CICConfig
	Graph  *graphs.Graph
	Params cic.Params
	// TrainSources holds the S training source sets; Train the S·R
	// cascades, cascade s·R + r (id "s/r") from TrainSources[s].
	TrainSources [][]int
	Train        *TimedCascades
	// Simulated holds the same training cascades as simulated, with each
	// infection's infector and root source (InfluLearner needs the
	// attribution; Train drops it).
	Simulated *cic.Cascades
	// TestSources holds the test source sets and Truth[j] the ground truth
	// of set j, time-major: x*_v(t) = Truth[j][t·N + v], t = 0..⌊T⌋.
	TestSources [][]int
	Truth       [][]float64
}

// Streams of the protocol under CICConfig.Seed (kept apart so that, e.g.,
// more test sets do not change the training cascades).
const (
	streamTrainSets = 1
	streamTestSets  = 2
	streamTrain     = 3
	streamTruth     = 4
)

// BuildCIC generates the data of cfg: the Kronecker graph
// (graphs.Kronecker with k = log₂ N, the initiator, Degree and Seed),
// per-edge parameters (cic.RandomParams), training source sets and their
// cascades (cic.Simulator), test source sets and their ground truth
// (Simulator.Marginals on the grid 0, 1, …, ⌊T⌋). It returns an error
// naming the field for an invalid configuration.
func BuildCIC(cfg CICConfig) (*CICData, error) {
	bad := func(field string, v any) error { return fmt.Errorf("datasets: CICConfig.%s = %v is invalid", field, v) }
	switch {
	case cfg.N < 2 || bits.OnesCount(uint(cfg.N)) != 1:
		return nil, bad("N", cfg.N)
	case !(cfg.Degree > 0):
		return nil, bad("Degree", cfg.Degree)
	case cfg.SourceSets < 0:
		return nil, bad("SourceSets", cfg.SourceSets)
	case cfg.PerSet < 1:
		return nil, bad("PerSet", cfg.PerSet)
	case cfg.SetSizeMin < 1:
		return nil, bad("SetSizeMin", cfg.SetSizeMin)
	case cfg.SetSizeMax < cfg.SetSizeMin || cfg.SetSizeMax > cfg.N:
		return nil, bad("SetSizeMax", cfg.SetSizeMax)
	case !(cfg.T >= 0) || cfg.T > 1e6:
		return nil, bad("T", cfg.T)
	case cfg.TestSets < 0:
		return nil, bad("TestSets", cfg.TestSets)
	case cfg.TruthSamples < 1:
		return nil, bad("TruthSamples", cfg.TruthSamples)
	}
	init, err := graphs.KroneckerPreset(cfg.Initiator)
	if err != nil {
		return nil, fmt.Errorf("datasets: CICConfig.Initiator: %w", err)
	}
	g, err := graphs.Kronecker(bits.TrailingZeros(uint(cfg.N)), init, cfg.Degree, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	p, err := cic.RandomParams(g, cfg.Delay, cfg.Ranges, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	sim, err := cic.NewSimulator(g, cfg.Delay, p, cfg.T)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	d := &CICData{Config: cfg, Graph: g, Params: p}
	if d.TrainSources, err = cic.RandomSourceSets(g.N, cfg.SourceSets, cfg.SetSizeMin, cfg.SetSizeMax, cfg.Seed^streamTrainSets<<56); err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	if d.TestSources, err = cic.RandomSourceSets(g.N, cfg.TestSets, cfg.SetSizeMin, cfg.SetSizeMax, cfg.Seed^streamTestSets<<56); err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	R := cfg.PerSet
	src := make([][]int, len(d.TrainSources)*R)
	for k := range src {
		src[k] = d.TrainSources[k/R]
	}
	cs, err := sim.Simulate(src, cfg.Seed^streamTrain<<56, cfg.Workers)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	d.Train, d.Simulated = FromCIC(cs), cs
	for k := range d.Train.IDs {
		d.Train.IDs[k] = strconv.Itoa(k/R) + "/" + strconv.Itoa(k%R)
	}
	grid := make([]float64, int(cfg.T)+1)
	for t := range grid {
		grid[t] = float64(t)
	}
	d.Truth = make([][]float64, len(d.TestSources))
	for j, s := range d.TestSources {
		if d.Truth[j], err = sim.Marginals(nil, s, grid, cfg.TruthSamples, cfg.Seed^streamTruth<<56^uint64(j)<<20, cfg.Workers); err != nil {
			return nil, fmt.Errorf("datasets: %w", err)
		}
	}
	return d, nil
}
