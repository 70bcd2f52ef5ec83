package ppo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	G "gorgonia.org/gorgonia"
)

// Policy is a trained agent: the actor π_θ(a|s) and critic V(s) networks
// of a Config over A actions with F features each, evaluated one state at
// a time. A Policy is not safe for concurrent use.
type Policy struct {
	// Config is the run's configuration (Hidden and Seed define the
	// networks).
	Config Config
	// A and F are the numbers of actions and features per action.
	A, F int
	// Theta holds the parameters: the actor's layers ("actor.k.W",
	// "actor.k.b") then the critic's, row-major, in registration order.
	// It is kept equal to the network's values by Train; after changing it
	// call SetTheta.
	Theta []float64

	n                          *net
	vm                         G.VM
	probVal, logpVal, valueVal G.Value
}

func newPolicy(cfg Config, A, F int) (p *Policy, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("train/ppo: building the policy: %v", r)
		}
	}()
	n, err := newNet(G.NewGraph(), cfg, 1, A, F)
	if err != nil {
		return nil, err
	}
	p = &Policy{Config: cfg, A: A, F: F, n: n}
	G.Read(n.prob, &p.probVal)
	G.Read(n.logp, &p.logpVal)
	G.Read(n.value, &p.valueVal)
	p.vm = G.NewTapeMachine(n.g)
	if p.Theta, err = n.p.Flatten(nil); err != nil {
		return nil, err
	}
	return p, nil
}

// NewPolicy returns the policy of cfg (its Seed's initialisation) over A
// actions with F features, with the parameters theta if not nil (a copy;
// Theta's layout). It returns an error for an invalid config or a theta of
// the wrong length.
func NewPolicy(cfg Config, A, F int, theta []float64) (*Policy, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if A < 1 || F < 1 {
		return nil, fmt.Errorf("train/ppo: NewPolicy: A = %d, F = %d, want ≥ 1", A, F)
	}
	p, err := newPolicy(cfg, A, F)
	if err != nil {
		return nil, err
	}
	if theta != nil {
		if err := p.SetTheta(theta); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// SetTheta copies theta into the networks (and into Theta).
func (p *Policy) SetTheta(theta []float64) error {
	if err := p.n.p.Unflatten(theta); err != nil {
		return fmt.Errorf("train/ppo: %w", err)
	}
	p.Theta = append(p.Theta[:0], theta...)
	return nil
}

// forward runs the networks on one state: π(·|s), log π(·|s) (0 for masked
// actions) and V(s); the slices are views valid until the next call.
func (p *Policy) forward(obs []float64, mask []bool) (prob, logp []float64, v float64, err error) {
	if len(obs) != p.A*p.F || len(mask) != p.A {
		return nil, nil, 0, fmt.Errorf("train/ppo: observation of %d values and mask of %d, want %d and %d", len(obs), len(mask), p.A*p.F, p.A)
	}
	if !slices.Contains(mask, true) {
		return nil, nil, 0, errors.New("train/ppo: every action is masked")
	}
	p.n.setState(0, obs, mask)
	p.vm.Reset()
	if err := p.vm.RunAll(); err != nil {
		return nil, nil, 0, fmt.Errorf("train/ppo: policy: %w", err)
	}
	return p.probVal.Data().([]float64), p.logpVal.Data().([]float64), scalar(p.valueVal), nil
}

// Probs writes π(a|s) for every action into dst (allocated when nil) and
// returns it; masked actions get exactly 0. It returns an error for an
// observation or mask of the wrong length or a mask with no allowed action.
func (p *Policy) Probs(dst, obs []float64, mask []bool) ([]float64, error) {
	prob, _, _, err := p.forward(obs, mask)
	if err != nil {
		return nil, err
	}
	return append(dst[:0], prob...), nil
}

// Value returns the critic's V(s).
func (p *Policy) Value(obs []float64, mask []bool) (float64, error) {
	_, _, v, err := p.forward(obs, mask)
	return v, err
}

// Act samples an allowed action from π(·|s) with rng.
func (p *Policy) Act(obs []float64, mask []bool, rng *rand.Rand) (int, error) {
	prob, _, _, err := p.forward(obs, mask)
	if err != nil {
		return 0, err
	}
	return sample(prob, mask, rng)
}

// Greedy returns the allowed action of largest probability (the smallest
// index among ties).
func (p *Policy) Greedy(obs []float64, mask []bool) (int, error) {
	prob, _, _, err := p.forward(obs, mask)
	if err != nil {
		return 0, err
	}
	best := -1
	for a, q := range prob {
		if mask[a] && (best < 0 || q > prob[best]) {
			best = a
		}
	}
	return best, nil
}

// Evaluate plays episodes episodes of env with p, resetting with seeds
// drawn from a PCG seeded by seed, greedily or by sampling, and returns the
// mean return. Episodes must end.
func Evaluate(env Env, p *Policy, episodes int, seed uint64, greedy bool) (float64, error) {
	if env == nil || p == nil || episodes < 1 {
		return 0, errors.New("train/ppo: Evaluate: nil env or policy, or episodes < 1")
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	var sum float64
	for range episodes {
		obs, mask, err := env.Reset(rng.Uint64())
		if err != nil {
			return 0, err
		}
		for done := false; !done; {
			var a int
			if greedy {
				a, err = p.Greedy(obs, mask)
			} else {
				a, err = p.Act(obs, mask, rng)
			}
			if err != nil {
				return 0, err
			}
			var r float64
			if obs, mask, r, done, err = env.Step(a); err != nil {
				return 0, err
			}
			sum += r
		}
	}
	return sum / float64(episodes), nil
}
