//go:build !(openblas && cgo)

package openblas

// Available reports whether the package was built with OpenBLAS.
const Available = false

// Use does nothing without the openblas build tag: gorgonia keeps gonum's
// pure-Go BLAS.
func Use() {}
