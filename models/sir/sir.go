// Package sir is the SIR model's dynamic message passing (Lokhov, Mézard,
// Ohta & Zdeborová, "Inferring the origin of an epidemic with a dynamic
// message-passing algorithm", Phys. Rev. E 90, 012801, 2014), learned from
// SIR cascades: the template of a new model variant in spread. This file is
// the whole model: the forward program and its likelihood. Autodiff
// (models/compiled), gradient checks (train/gradcheck), Adam and the loop
// (train) come from the framework.
//
// A node is susceptible (S), infected (I) or recovered (R). At each step
// t = 1, 2, … every node infected at t−1 infects each susceptible neighbour
// j with probability λ_ij (tied for both directions of an undirected edge)
// and recovers with probability μ_i, all coins independent. The DMP
// equations (paper eqs. 4–9) over the directed edges k→i are
//
//	θ^{k→i}(t)   = θ^{k→i}(t−1) − λ_ki φ^{k→i}(t−1),                 θ(0) = 1
//	P_S^{k→i}(t) = P_S^k(0) Π_{l∈∂k∖i} θ^{l→k}(t)
//	φ^{k→i}(t)   = (1−λ_ki)(1−μ_k) φ^{k→i}(t−1) − [P_S^{k→i}(t) − P_S^{k→i}(t−1)],   φ(0) = P_I^k(0)
//	P_S^i(t)     = P_S^i(0) Π_{k∈∂i} θ^{k→i}(t)
//	P_R^i(t)     = P_R^i(t−1) + μ_i P_I^i(t−1),   P_I = 1 − P_S − P_R
//
// exact on trees. The cavity product is models/ad's CavityProd and the full
// product SegmentProd, as in the IC model (models/ic).
//
// The likelihood of a node's observed infection time τ (0..T−1, or T for
// "not infected by T−1") is its DMP marginal, as in SLICER: log(P_S(τ−1) −
// P_S(τ)) for 1 ≤ τ ≤ T−1 and log P_S(T−1) for τ = T, floored at MuFloor.
// Given the infection time the recovery delay is geometric, so each observed
// step of a node spent infected adds log(1−μ_i) and each observed recovery
// log μ_i. Parameters x = (λ per parameter of g (g.NumPairs), μ per node).
package sir

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/spread-dev/spread/graphs"
	"github.com/spread-dev/spread/models/ad"
	"github.com/spread-dev/spread/models/compiled"
	"github.com/spread-dev/spread/models/ic"
)

// Forward builds the DMP unroll on g for slots 0..T−1 from the parameter
// nodes lambda (g.NumPairs()) and mu (g.N) and the initial susceptible
// probabilities ps0 (g.N; 1 − P_I(0)), and returns P_S(t) and P_R(t) per
// node for t = 0..T−1. It panics (through G.Must) if a graph operation
// fails, a programmer error such as mis-shaped nodes; compiled.New turns
// such a panic inside a build function into an error.
func Forward(g *graphs.Graph, lambda, mu, ps0 *G.Node, T int) (PS, PR []*G.Node) {
	E, must := g.NumEdges(), G.Must
	pair := make([]int, E)
	for e := range pair {
		pair[e] = e // the parameter of edge e: itself, or its undirected pair
		if g.Pair != nil {
			pair[e] = g.Pair[e]
		}
	}
	cav := mustIndex(ad.NewCavityProdIndex(g.N, g.Src, g.Dst, g.Rev))
	one := G.NewConstant(1.0)
	lam := must(ad.Gather(lambda, pair))                                                              // λ_ki on edge k→i
	keep := must(G.HadamardProd(must(G.Sub(one, lam)), must(G.Sub(one, must(ad.Gather(mu, g.Src)))))) // (1−λ)(1−μ_k)
	ps0E := must(ad.Gather(ps0, g.Src))                                                               // P_S^k(0) on k→i
	psE, phi := ps0E, must(G.Sub(one, ps0E))                                                          // P_S^{k→i}(0), φ(0) = P_I^k(0)
	theta := G.NewConstant(tensor.Ones(tensor.Float64, E))                                            // θ(0) = 1
	PS, PR = []*G.Node{ps0}, []*G.Node{must(G.Sub(ps0, ps0))}                                         // P_R(0) = 0, a node of the graph
	for t := 1; t < T; t++ {
		theta = must(G.Sub(theta, must(G.HadamardProd(lam, phi))))
		psNew := must(G.HadamardProd(ps0E, must(ad.CavityProd(theta, cav))))
		phi = must(G.Sub(must(G.HadamardProd(keep, phi)), must(G.Sub(psNew, psE))))
		psE = psNew
		pI := must(G.Sub(must(G.Sub(one, PS[t-1])), PR[t-1]))
		PR = append(PR, must(G.Add(PR[t-1], must(G.HadamardProd(mu, pI)))))
		PS = append(PS, must(G.HadamardProd(ps0, must(ad.SegmentProd(theta, g.Dst, g.N)))))
	}
	return PS, PR
}

func mustIndex(ix *ad.CavityProdIndex, err error) *ad.CavityProdIndex {
	if err != nil {
		panic(err)
	}
	return ix
}

// NewObjective compiles the log-likelihood of obs on g as a
// train.Objective of x = (λ, μ), built once and rerun per initial-condition
// class (data rebound, gradients summed). x0 is the initial value (len
// g.NumPairs()+g.N).
func NewObjective(g *graphs.Graph, obs *Observations) (*Objective, error) {
	if err := obs.Check(g); err != nil {
		return nil, err
	}
	N, P, T := g.N, g.NumPairs(), obs.T
	floor := make([]float64, N)
	for i := range floor {
		floor[i] = ic.MuFloor
	}
	prog, err := compiled.New(func(d *compiled.Def) (*G.Node, error) {
		lambda, mu := d.Param("lambda", []int{P}, nil), d.Param("mu", []int{N}, nil)
		ps0, fl := d.Input("ps0", []int{N}, nil), d.Input("floor", []int{N}, floor)
		rec, stay := d.Input("recovered", []int{N}, nil), d.Input("stayed", []int{N}, nil)
		PS, _ := Forward(g, lambda, mu, ps0, T)
		// Recovery terms Σ_i R_i log μ_i + D_i log(1−μ_i); the data are
		// zero except on a class's first run.
		cost := G.Must(G.Add(G.Must(G.Mul(rec, G.Must(G.Log(mu)))), G.Must(G.Mul(stay, G.Must(G.Log1p(G.Must(G.Neg(mu))))))))
		for tau := 1; tau <= T; tau++ {
			p := PS[T-1] // censored: P_S(T−1)
			if tau < T {
				p = G.Must(G.Sub(PS[tau-1], PS[tau]))
			}
			cnt := d.Input(fmt.Sprintf("infected.tau%d", tau), []int{N}, nil)
			cost = G.Must(G.Add(cost, G.Must(G.Mul(cnt, G.Must(G.Log(G.Must(G.MaxBetween(p, fl))))))))
		}
		return cost, nil
	}, &compiled.Options{Name: "models/sir: Objective"})
	if err != nil {
		return nil, err
	}
	return &Objective{prog: prog, obs: obs, n: N, p: P}, nil
}
