// Package diffusion is the sampling contract shared by spread's live-edge
// diffusion models (models/ic, models/lt, models/cic) and the algorithms
// that consume them (solvers/im's Monte-Carlo oracle, greedy, CELF and
// IMM): a Model on n nodes hands out Samplers, and a Sampler simulates the
// model forward from a seed set (Reach) or samples a reverse-reachable set
// (RRSet) in a given World.
//
// # Live-edge worlds
//
// The independent cascade, linear threshold and continuous-time cascade
// models are live-edge models (Kempe, Kleinberg and Tardos, KDD 2003): a
// realisation is a random graph of live edges (with a delay on each, for
// continuous time), and the nodes active at the end are those the seeds
// reach in it. A World names one realisation: a 64-bit key of which every
// random number is a fixed hash (keyed SplitMix64):
//
//	U_e = w.Edge(e)/2^53,   U_v = w.Node(v)/2^53,   U_{v,t} = w.Seq(v).Draw(t)/2^53,
//
// the draw of edge e, of node v and the t-th draw of a per-node sequence,
// each uniform on [0, 1) and independent across (world, e), (world, v) and
// (world, v, t). Because no draw depends on the order in which a simulation
// visits edges, forward simulation from any seed set and reverse search
// from any root see the same live-edge graph G_w, so for every world w,
// root r and node v
//
//	v ∈ RRSet(w, r)  ⇔  r ∈ Reach(w, {v}),
//
// and with r = w.Root(n) uniform, σ(S) = n·P[RRSet(w, r) ∩ S ≠ ∅]
// (Borgs et al., SODA 2014; Tang et al., SIGMOD 2014). An average of
// |Reach(w_j, S)| over a fixed list of worlds is a coverage function of S,
// hence exactly monotone and submodular: common random numbers in the
// strongest sense.
//
// # Streams
//
// Worlds come in streams: NewStream(seed, stream).World(j) is world j of
// the stream, and j ↦ World(j) is injective. Different stream numbers under
// one seed give independent worlds; solvers/im uses small private stream
// numbers for its Monte-Carlo runs and RR sets.
//
// # Conventions
//
// Nodes are the dense indices 0..n-1 of a graphs.Graph and per-edge
// parameters are []float64 in the graph's edge order (e = Src[e] → Dst[e]);
// EdgeValues validates such a slice. Samplers append to a caller's []int32
// and allocate only to grow it: the hot loops run over flat CSR slices with
// a generation-stamped visited set (Marks), so clearing costs O(1).
//
// Models whose worlds are a finite product of independent choices (IC and
// LT) also implement Enumerable, which solvers/im.NewExact uses to
// enumerate every world of a small instance.
package diffusion
