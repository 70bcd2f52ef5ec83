// Package pipeline runs spread's Monte-Carlo and experiment workloads as
// Apache Beam pipelines, so the same work runs in-process on Beam's Prism
// runner or on a Flink, Spark or Dataflow cluster through a job server.
//
// Each pipeline is a thin layer over the library calls the single-machine
// commands make; no model is implemented twice:
//
//   - MC (ground-truth marginals, `spread ic predict -method mc`): for each
//     source set S the K cascades are split into shards [lo, hi); a shard
//     computes models/ic Simulator.ActivationCounts over its cascades, the
//     counts n_i(τ) are summed per source set (CombinePerKey) and
//     ic.MarginalsFromCounts turns them into p_i(t) = #{τ_i ≤ t}/K. Cascade
//     idx draws from its own stream (seed, idx) whatever shard runs it, and
//     the counts are exact integers, so the result equals the
//     single-machine command with the same -seed bit for bit.
//   - Eval (`spread im eval` over a file of seed sets): the R worlds of the
//     Monte-Carlo oracle are split into shards; solvers/im MC.Sums gives
//     the exact integer sums Σ|Reach| and Σ|Reach|² of a shard, sums are
//     added per seed set and Sums.MeanStderr gives im eval's mean and
//     standard error bit for bit.
//   - Sweep (`spread experiment fig2|fig3`): internal/experiments NewSweep
//     splits the grid of settings into cells (one point with its
//     repetitions), every cell runs as one element (experiments.RunCell)
//     and Sweep.Assemble puts the rows back in the experiment's order: the
//     same CSV as the single-machine experiment, the timing column aside.
//
// Workers read the inputs from the paths given and write the outputs to
// the paths given: with Prism, and with LOOPBACK on any runner, that is this
// machine; on a cluster the paths must be on a filesystem every worker
// sees.
package pipeline
