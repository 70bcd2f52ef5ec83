// Package pgm holds the probabilistic-graphical-model pieces of
// MIM-Reasoner's Phase 2 (Do et al., AISTATS 2024, §4.3 and App. A.2–A.3):
// variable grouping by Pearson correlation, Chow–Liu tree structure
// learning, exact inference on the tree, and the activation score and
// evaluation function of eqs. 4–5 that turn earlier layers' PGMs into
// rewards.
//
// # Data
//
// The status dataset 𝒟 ∈ {0,1}^{m×|V|} (Data: M rows, N columns,
// row-major) records which nodes were active in each of m simulations.
//
// # Variable grouping (Algorithm 4)
//
// Q is the Pearson correlation of 𝒟's columns (eq. 10),
//
//	χ_xy = Σ_r (x_r − x̄)(y_r − ȳ) / sqrt(Σ_r (x_r − x̄)² Σ_r (y_r − ȳ)²),
//
// undefined (NaN) for a constant column. "NaN-grouping": constant columns
// form at most two groups, always-0 and always-1 (identical columns, so
// Q_{u,f(u)} = 1 for them). The other nodes are scanned in index order; an
// unassigned x opens a group P and every unassigned y with Q[x,y] > ξ
// joins it. The representative of P is the member whose column is nearest
// (Euclidean) to the centroid of P's columns, ties to the smaller index.
//
// # Structure learning (App. A.3)
//
// Over the representatives 𝒴 = [v_1..v_q], Chow–Liu maximises Σ_i I(v_i;
// v_Γ(i)) over spanning trees, with the empirical mutual information
//
//	I(a; b) = Σ_{a,b ∈ {0,1}} P(a,b) log(P(a,b) / (P(a)P(b))),
//
// (natural log, 0·log 0 = 0), a maximum-weight spanning tree (Prim, O(q²),
// ties to the earlier variable), rooted at 𝒴's first variable, so that
// P_t(𝒴) = Π_i P(v_i | v_Γ(i)) (eq. 11) with conditional probabilities by
// maximum likelihood plus an optional Laplace pseudo-count.
//
// # Inference and the activation score (eqs. 4–5)
//
// Tree.Posterior computes P(v = 1 | evidence) for every variable by exact
// sum-product (one upward and one downward pass, division-free). For a
// node u with representative f(u) and a list 𝒢^prev of PGMs of earlier
// layers, with 𝒦 the active representatives (evidence v = 1),
//
//	W(u) = Q_{u,f(u)} · max_{φ ∈ 𝒢^prev} P_φ(f(u) = 1 | 𝒦)      (eq. 4; argmax read as max)
//	ℳ(S) = Σ_{u ∈ T} [1 − W(u)]                                 (eq. 5)
//
// over the activated set T. Score and Evaluate implement them.
//
// # Symbols and identifiers
//
//	𝒟, m, |V|      Data, Data.M, Data.N
//	Q, ξ           Pearson, Group's xi
//	𝒫, 𝒴, f        Grouping.Groups, Grouping.Reps, Grouping.Of
//	Γ(i)           Tree.Parent
//	φ, 𝒢^prev      PGM, the pgms argument of Score
package pgm
