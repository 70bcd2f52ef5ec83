package mim

import (
	"fmt"

	"github.com/spread-dev/spread/internal/atomicfile"
	"github.com/spread-dev/spread/train/ppo"
)

// policyFormat names the policy-file layout; LoadPolicy rejects others.
const policyFormat = "spread/mim reasoner policy v1"

// PolicyFile is a trained MIM-Reasoner: the PPO configuration, the
// per-layer policies and the GAT candidate finder's parameters, as JSON.
type PolicyFile struct {
	Format   string        `json:"format"`
	PPO      ppo.Config    `json:"ppo"`
	Features int           `json:"features"`
	Layers   []LayerPolicy `json:"layers"`
	// Candidates is the number c of candidates per layer and GAT the
	// finder's parameters (empty: candidates by degree).
	Candidates int       `json:"candidates"`
	GAT        []float64 `json:"gat,omitempty"`
	// Rule names the rule set trained ("paper" when empty; "tuned": see
	// the package documentation's variants) and Plan is the trained
	// allocation 𝒰 that inference reuses (absent in older files: Phase 1
	// runs again).
	Rule string `json:"rule,omitempty"`
	Plan *Plan  `json:"plan,omitempty"`
	// K is the budget the policy was trained with (Plan's budget).
	K int `json:"k,omitempty"`
}

// SavePolicy writes f atomically to path (Format and Features are set).
func SavePolicy(path string, f *PolicyFile) error {
	f.Format, f.Features = policyFormat, NumFeatures
	return atomicfile.WriteJSON(path, f)
}

// LoadPolicy reads a policy file written by SavePolicy. A truncated or
// corrupt file, another format or a policy for other features is an error
// naming the file.
func LoadPolicy(path string) (*PolicyFile, error) {
	var f PolicyFile
	if err := atomicfile.ReadJSON(path, &f); err != nil {
		return nil, fmt.Errorf("mim: policy: %w (truncated or corrupt?)", err)
	}
	if f.Format != policyFormat {
		return nil, fmt.Errorf("mim: policy %s: format %q, want %q", path, f.Format, policyFormat)
	}
	if f.Features != NumFeatures || len(f.Layers) == 0 {
		return nil, fmt.Errorf("mim: policy %s: %d features and %d layers, want %d features and ≥ 1 layer", path, f.Features, len(f.Layers), NumFeatures)
	}
	if err := f.PPO.Validate(); err != nil {
		return nil, fmt.Errorf("mim: policy %s: %w", path, err)
	}
	return &f, nil
}
