// Package ad provides the differentiable sparse primitives that graph programs
// (DMP unrolls, neural mean-field dynamics, attention layers) are built from,
// as custom gorgonia ops with symbolic gradients.
//
// # Conventions
//
// A graph has n nodes and E directed edges. Edge e goes from src[e] to dst[e];
// rev[e] is the index of the reverse edge dst[e]→src[e], or -1 if there is none.
// Node-level vectors have length n, edge-level vectors length E. Every vector
// is a 1-D gorgonia node of dtype tensor.Float64 or tensor.Float32; both are
// served by the same op, which dispatches on the dtype at run time.
// Node-feature matrices (the Rows ops) are 2-D nodes of F columns, row-major:
// row i of an n×F matrix holds the F features of node i (or of edge i for an
// E×F matrix), entry (i, f) at flat position i·F + f.
//
// Index arrays are plain []int held inside the op, never graph inputs, so they
// are non-differentiable by construction. An index of -1 means "none". Index
// arrays are validated when the op is constructed (an out-of-range index or a
// length mismatch is a returned error, never a panic) and are then shared, not
// copied: the caller must not modify an index slice after passing it here.
//
// # Equations
//
// With x a node vector, v an edge vector and g the upstream gradient:
//
//	Gather:      y[j] = x[idx[j]]                 (0 when idx[j] = -1)
//	             ∂x[i] = Σ_{j: idx[j]=i} g[j]     = ScatterAdd(g, idx, n)
//	ScatterAdd:  y[i] = Σ_{j: idx[j]=i} v[j]      (entries with idx[j] = -1 skipped)
//	             ∂v[j] = g[idx[j]]                = Gather(g, idx)
//	Cavity:      cav[e] = base[u] + Σ_{k: dst[k]=u} L[k] − L[rev[e]],   u = src[e]
//	             (the rev term is dropped when rev[e] = -1)
//	             ∂base[u] = Σ_{e: src[e]=u} g[e]
//	             ∂L[k]    = ∂base[dst[k]] − Σ_{e: rev[e]=k} g[e]
//	SegmentSoftmax: y[j] = exp(s[j] − m_c) / Σ_{k: seg[k]=c} exp(s[k] − m_c),
//	             c = seg[j], m_c = max_{k: seg[k]=c} s[k]   (y[j] = 0 when seg[j] = -1)
//	             ∂s[j] = y[j]·(g[j] − Σ_{k: seg[k]=c} y[k]·g[k])
//	SegmentProd: y[c] = Π_{j: seg[j]=c} x[j]         (1 for an empty segment)
//	             ∂x[j] = g[c] · Π_{k: seg[k]=c, k≠j} x[k],   c = seg[j]   (0 when seg[j] = -1)
//	CavityProd:  y[e] = Π_{k: dst[k]=u, k≠rev[e]} x[k],   u = src[e]
//	             (over all in-edges of u when rev[e] = -1; 1 when u has none)
//	             ∂x[k] = Σ_{e: src[e]=dst[k], rev[e]≠k} g[e] · Π_{k': dst[k']=dst[k], k'∉{k, rev[e]}} x[k']
//
// The row-wise ops act on every column f of an N×F matrix as the vector op
// acts on a vector (rows with an index of -1 are 0 or skipped as above):
//
//	GatherRows:     y[j,f] = x[idx[j],f]
//	                ∂x = ScatterAddRows(g, idx, N)
//	ScatterAddRows: y[i,f] = Σ_{j: idx[j]=i} v[j,f]
//	                ∂v = GatherRows(g, idx)
//	SegmentSoftmaxRows: y[j,f] = exp(s[j,f] − m_{c,f}) / Σ_{k: seg[k]=c} exp(s[k,f] − m_{c,f}),
//	                c = seg[j], m_{c,f} = max_{k: seg[k]=c} s[k,f]
//	                ∂s[j,f] = y[j,f]·(g[j,f] − Σ_{k: seg[k]=c} y[k,f]·g[k,f])
//
// With one column per attention head, SegmentSoftmaxRows over seg = dst is
// the per-head normalisation α_{ij} of a multi-head graph attention layer
// (Veličković et al., "Graph Attention Networks", ICLR 2018, eq. 3 and 5);
// GatherRows lifts node features to edges and ScatterAddRows aggregates edge
// messages into nodes. The vector ops Gather, ScatterAdd and SegmentSoftmax
// are the F = 1 case of the same kernels (only the node shapes differ), so
// there is one implementation to get right; the kernels keep a scalar loop
// for F = 1 so that the vector ops lose no speed. Tests hold every column of
// a row op bitwise equal to the vector op on that column.
//
// In SegmentProd and CavityProd x is an edge vector. They never divide: they use prefix and suffix products
// over each segment (each node's in-edges), so values and gradients are exact
// when entries of x are zero, including several zeros in one product. Where
// x > 0, CavityProd(x) = exp(Cavity(0, log x)). Both accumulate in float64 in
// increasing entry (in-edge) order, and above 2^15 entries they split the
// segments (nodes) into contiguous ranges over GOMAXPROCS goroutines; each
// output is computed by one goroutine in that fixed order, so the results
// are the same bits for any GOMAXPROCS.
//
// Cavity is the log of the cavity product of message passing: with
// L[k] = log q[k] for the in-edges k of u, exp(cav[e]) = exp(base[u]) ·
// Π_{k→u, k≠v} q[k] for e = u→v, i.e. the product over u's in-edges except the
// one coming back from v. For the Independent Cascade DMP learned by SLICER
// (Wilinski and Lokhov, ICML 2021, eq. 2),
//
//	p_{i→j}(t) = 1 − (1 − p̄_i) · Π_{k∈∂i∖j} (1 − α_ki · p_{k→i}(t−1)),
//
// take L[k] = log(1 − α[k]·p[k]) for each edge k = k→i (the log of the
// probability that k has not transmitted to i), base[i] = log(1 − p̄_i), and
// then p_{i→j}(t) = 1 − exp(cav[e]) for e = i→j. The subtraction of
// L[rev[e]] is the paper's "division trick" done in log space. rev need not
// be an involution nor injective: ∂L[k] sums over every e with rev[e] = k.
//
// Cavity is one fused op (forward kernel over the in-edge and out-edge CSR of
// the graph, no scratch memory); CavityComposite builds the same function from
// Gather, ScatterAdd, Add and Sub and is its definition: tests hold the two
// equal in values and gradients. Graph-only preprocessing (the CSRs) lives in
// a CavityIndex or Segments value that is built once per graph and shared by
// every op of an unroll.
//
// The fused Independent Cascade step (DMPInit, DMPStep, DMPFinal; equations
// in dmpstep.go) has a reach-restricted form, DMPStepReach and
// DMPFinalReach: given d(u), the distance from the nearest node with p̄ > 0
// (DMPReach), the step to slot t updates only the nodes with d(u) ≤ t and
// writes Q_u(t) = Q_u(0), x_e(t) = 1 for the others, which are the
// unrestricted values whenever p̄ is zero off the seeds. It is a function of
// its own with an exact gradient; its gradient with respect to α equals the
// unrestricted one at such states, its gradient with respect to Q(0) does
// not (DMPReach gives the argument), so it serves SLICER's θ-gradient, not a
// gradient with respect to the seeds. DMPLogLik is the likelihood of
// observed activation counts from the stacked marginal complements, one op
// (no intermediate vectors) in place of Gather, Sub, MaxBetween, Log and a
// dot product.
//
// # Gradients and machines
//
// Every op implements gorgonia's SDOp (SymDiff, DiffWRT), which the
// TapeMachine uses, and ADOp (DoDiff, accumulating in place into the inputs'
// gradient buffers), which the LispMachine uses. The gradient ops created by
// SymDiff are not themselves differentiable (no second derivatives), except
// Gather and ScatterAdd (and their Rows versions), which are each other's adjoint.
//
// # One scaffold for every op
//
// Every op is a value of one of two types from op.go: opBase (a gradient op,
// forward only) or diffOp (opBase plus SymDiff and DoDiff). The scaffold
// implements what gorgonia asks of an op once: arity, type and shape
// inference from the op's input and output shapes, hashing (see below),
// checks of the values reaching Do (contiguous, one float dtype, the right
// size; errors, not panics), reuse of a preallocated output, and the dispatch
// of a kernel to its float64 or float32 instantiation. An op's file holds
// only its maths: generic kernels bound to the op's index structure, and the
// gradient nodes SymDiff builds. A DoDiff kernel receives the gradient
// buffers of the inputs and must ADD into them: the LispMachine accumulates
// the contributions of all consumers of a node in one buffer. The gradient
// tests check every op with a second consumer of each input, which fails an
// overwriting DoDiff.
//
// # gorgonia v0.9.18 traps this code relies on
//
//   - Input nodes are hash-consed by name: two inputs with the same name (or
//     with no name) are silently merged and the second value is dropped. Give
//     every input node a unique name. For the same reason every op here writes
//     all its parameters (its name, its input and output shapes, hence n and
//     F, and the identity %p and length of each index slice and index
//     structure) into WriteHash, so that two ops over different index arrays
//     are never merged, while the same op over the same arrays is.
//   - G.Mul on two vectors is a dot product (and matmul on matrices); use
//     G.HadamardProd for element-wise products.
//   - After a TapeMachine run, values of intermediate nodes may have been
//     overwritten by in-place ops; only the cost root and the gradients are
//     safe to read. Read anything else with G.Read, which copies at run time.
//   - Build the graph, call G.Grad and compile (G.NewTapeMachine) once, then
//     per run call m.Reset() and m.RunAll(); rebind inputs with G.Let. Compile
//     time grows quadratically with graph size, so never rebuild per step.
//   - A TapeMachine's Reset drops every register, so each run would allocate
//     every op's output afresh (the garbage that made a DMP gradient's mean
//     time far worse than its median). Every op here therefore keeps its
//     output buffer and overwrites it on each run: an op value belongs to one
//     node, runs once per run and overwrites all of its output, and no value
//     of a run is read after the next run starts (G.Read copies).
//   - The LispMachine is single-shot (a second RunAll does nothing; make a
//     new machine per run) and accumulates input gradients across machines.
//   - Never use G.ByIndices for 1-D gathers: its gradient for vectors is wrong
//     (it adds into element 0) and it is about 170× slower than Gather.
//   - Every package that imports gorgonia needs the pinned
//     go4.org/unsafe/assume-no-moving-gc version in go.mod; without it the
//     program (and every test binary) panics at init under Go 1.26.
//
// See docs/GORGONIA.md for the measurements.
package ad
