package atomicfile_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spread-dev/spread/internal/atomicfile"
)

func ExampleWriteFile() {
	dir, err := os.MkdirTemp("", "atomicfile")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "result.txt")

	err = atomicfile.WriteFile(path, func(w io.Writer) error {
		_, err := fmt.Fprintln(w, "spread = 3.5")
		return err
	})
	fmt.Println(err)

	// A failing writer leaves the previous content in place.
	err = atomicfile.WriteFile(path, func(w io.Writer) error {
		fmt.Fprintln(w, "half a resu")
		return fmt.Errorf("simulation diverged")
	})
	fmt.Println(err)

	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output:
	// <nil>
	// simulation diverged
	// spread = 3.5
}
