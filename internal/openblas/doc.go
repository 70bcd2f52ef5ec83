// Package openblas swaps OpenBLAS's matrix products into gorgonia's BLAS
// hook (gorgonia.Use), behind the openblas build tag; the default build of
// spread stays free of cgo and uses gonum's pure-Go BLAS.
//
//	apt-get install libopenblas-dev
//	go build -tags openblas ./cmd/spread
//	go test -tags openblas -run '^$' -bench 'Step/n=128' ./models/nmf
//
// Only the level-3 products that dominate spread's dense models are
// replaced: Dgemm and Sgemm call cblas_dgemm and cblas_sgemm (row-major,
// the same arguments as gonum's); every other routine is gonum's. Calls
// with an empty dimension go to gonum, which also checks the arguments.
//
// Use installs it (programs call it once at start; cmd/spread does under
// the tag). Without the tag Use is a no-op and Available reports false.
//
// Determinism: OpenBLAS splits a product over its own threads (by default
// one per core, OPENBLAS_NUM_THREADS overrides) along the rows and
// columns of the result, not the inner dimension, so a given machine and
// thread count gives the same bits run to run; different thread counts or
// CPU kernels may round differently. spread's "same numbers whatever
// GOMAXPROCS" holds for the default build; under this tag the numbers are
// fixed for a fixed OPENBLAS_NUM_THREADS.
package openblas
