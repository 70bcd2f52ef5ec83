// Package atomicfile writes files so that readers see either the old content
// or the complete new content, never a partial file.
//
// WriteFile writes into a temporary file in the destination's directory
// (named ".BASE.tmp*", so it is hidden and on the same file system), flushes
// and fsyncs it, and renames it onto the destination. Rename within one
// directory is atomic on POSIX file systems; on error the temporary file is
// removed and an existing destination is left untouched. The directory itself
// is not fsynced, so after a power loss the rename may be lost, but the
// destination is never left truncated.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Perm is the permission of every file WriteFile creates or replaces.
const Perm os.FileMode = 0o644

// WriteFile calls write with a buffered writer on a temporary file beside
// path and, if write returns nil, atomically replaces path with the result
// (mode Perm, whatever the mode of a previous file at path).
//
// If write returns an error, that error is returned unchanged; file system
// errors are returned prefixed with "atomicfile: ". In every failure case,
// including a panic in write, the temporary file is removed and path keeps
// its previous content (or stays absent).
func WriteFile(path string, write func(w io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close() // may already be closed; the error is irrelevant
			os.Remove(tmp)
		}
	}()

	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err := f.Chmod(Perm); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	ok = true
	return nil
}
