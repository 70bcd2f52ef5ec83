// Package graphs holds spread's network topology: an immutable directed graph
// in compressed sparse row (CSR) form, multiplex networks, generators and
// readers/writers for the common file formats.
//
// # Conventions
//
// Nodes are dense indices 0..N-1 with external ids (strings from files, or
// decimal indices for generated graphs); every file spread writes uses the
// external ids. Edges are directed and numbered 0..E-1 in (source, target)
// order, so e = u→v has Src[e] = u, Dst[e] = v and the out-edges of u are
// contiguous. Rev[e] is the reverse edge v→u or -1. An undirected graph stores
// both directions and ties them with Pair[e], the undirected edge id, so a
// model can share one parameter per undirected edge (SLICER's α_ij = α_ji).
//
// In message-passing terms (DMP, GAT): a quantity on nodes is lifted to edges
// by indexing with Src (the sender) or Dst (the receiver); a quantity on edges
// is aggregated at nodes over InEdges (what a node receives) or over the
// contiguous out-range (what it sends).
//
// # Building
//
// Builder and FromEdges apply an explicit policy: self-loops are dropped by
// default (RejectSelfLoops makes them an error) and a repeated edge keeps its
// first occurrence and weight (RejectDuplicates makes it an error); BuildStats
// counts what was dropped. For undirected input, u–v and v–u are the same edge.
//
// # Files
//
// Readers take an io.Reader and a name for error messages (the ReadXFile
// helpers open a path, and decompress a ".gz" suffix); ReadOptions carries the
// build policies and format switches. Malformed input is a *ParseError,
// "graphs: FILE line N: ...", never a panic.
//
//   - SNAP edge lists "u v [w]" (ReadSNAP, WriteSNAP): ids are arbitrary
//     tokens; "#@nodes" comment lines keep nodes without edges and the node
//     order, so a written graph reads back with the same edge ids.
//   - MatrixMarket coordinate files (ReadMatrixMarket, WriteMatrixMarket):
//     ids are the 1-based indices "1".."n"; symmetric means undirected.
//   - IMM datasets, attribute.txt plus "u v p" arcs (ReadIMM, WriteIMM): ids
//     are 0..n-1 and p must lie in [0,1]. ReadIMMDir picks the directory's
//     graph_ic.inf, or graph.txt without it; ReadPath reads a directory
//     that way and a file by its extension (ReadFile).
//   - GML (ReadGML): ids are the node ids, or the labels with LabelIDs.
//   - Multiplex edge lists "layer u v [w]" (ReadMultiplex, WriteMultiplex)
//     and De Domenico's dataset directories (ReadDeDomenico).
//
// Writers use the external ids, except MatrixMarket and IMM files, whose
// formats only know indices. WriteFile (and every WriteXFile) replaces a
// file atomically through a temporary file in the same directory.
//
// This package does not import gorgonia: topology is plain Go.
package graphs
