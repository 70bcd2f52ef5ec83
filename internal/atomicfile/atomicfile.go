// Package atomicfile writes files so that readers see either the old content
// or the complete new content, never a partial file.
//
// WriteFile resolves path first: a symbolic link is followed (the file it
// points to is replaced, the link stays), a directory, a socket or a
// read-only file (no owner write bit) is refused, and a device or a FIFO is
// written through in place (it cannot be replaced by rename, and replacing
// /dev/null by a regular file is never what the caller meant). A regular
// file, or a new one, is written into a temporary file in the destination's
// directory (named ".BASE.tmp*", so it is hidden and on the same file
// system), flushed and fsynced, given the mode of the file it replaces (Perm
// for a new file), and renamed onto the destination. Rename within one
// directory is atomic on POSIX file systems; on error the temporary file is
// removed and an existing destination is left untouched. The directory itself
// is not fsynced, so after a power loss the rename may be lost, but the
// destination is never left truncated.
//
// A writer holds an exclusive lock on its temporary file while it writes, so
// temporary files left by a killed process (kill -9, power loss) are
// recognised as unlocked and removed by the next WriteFile to the same path.
//
// Check reports, before any work, whether WriteFile to a path could succeed:
// callers that compute for minutes call it first so that a missing directory
// or a read-only file is an error at once, not after the work.
package atomicfile

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Perm is the permission of every file WriteFile creates. A replaced file
// keeps its own permission bits.
const Perm os.FileMode = 0o644

// maxLinks bounds the symbolic links followed when resolving a path.
const maxLinks = 40

// Resolve returns the file a write to path would change: path made absolute
// with every symbolic link along it followed, including a final link whose
// target does not exist yet. It does not require the file to exist. Two
// paths that Resolve to the same string name the same file (hard links
// aside: compare existing files with os.SameFile as well).
func Resolve(path string) (string, error) {
	if path == "" {
		return "", errors.New("atomicfile: empty path")
	}
	p, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("atomicfile: %w", err)
	}
	for i := 0; ; i++ {
		dir, base := filepath.Split(p)
		if d, err := filepath.EvalSymlinks(dir); err == nil {
			dir = d
		}
		p = filepath.Join(dir, base)
		st, err := os.Lstat(p)
		if err != nil || st.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		if i == maxLinks {
			return "", fmt.Errorf("atomicfile: %s: too many levels of symbolic links", path)
		}
		t, err := os.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("atomicfile: %w", err)
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(dir, t)
		}
		p = filepath.Clean(t)
	}
}

// kind classifies the destination of a write.
type kind int

const (
	kindNew     kind = iota // absent: created with Perm
	kindRegular             // an existing regular file: replaced, mode kept
	kindSpecial             // a device or FIFO: written through in place
)

// target resolves path and classifies it, refusing what WriteFile must not
// touch. It returns the resolved path, its kind and (for kindRegular) its
// permission bits.
func target(path string) (string, kind, os.FileMode, error) {
	p, err := Resolve(path)
	if err != nil {
		return "", 0, 0, err
	}
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return p, kindNew, Perm, nil
	case err != nil:
		return "", 0, 0, fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	m := st.Mode()
	switch {
	case m.IsDir():
		return "", 0, 0, fmt.Errorf("atomicfile: write %s: is a directory", path)
	case m.IsRegular():
		if m.Perm()&0o200 == 0 {
			return "", 0, 0, fmt.Errorf("atomicfile: write %s: file is read-only (mode %v); refusing to replace it", path, m.Perm())
		}
		return p, kindRegular, m.Perm(), nil
	case m&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) != 0:
		return p, kindSpecial, 0, nil
	}
	return "", 0, 0, fmt.Errorf("atomicfile: write %s: not a regular file, device or FIFO (mode %v); refusing to replace it", path, m)
}

// Check reports whether WriteFile(path, ...) could succeed, without writing
// path: path is resolved and classified as WriteFile does, and for a regular
// or new file a temporary file is created and removed in its directory (so a
// missing or unwritable directory is reported). A device or FIFO is not
// opened.
func Check(path string) error {
	p, k, _, err := target(path)
	if err != nil {
		return err
	}
	if k == kindSpecial {
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp*")
	if err != nil {
		return fmt.Errorf("atomicfile: cannot write %s: %w", path, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// WriteFile calls write with a buffered writer and, if write returns nil,
// makes the result the content of path, as the package documentation
// describes: a regular file is replaced atomically (keeping its mode; Perm
// for a new file), a symbolic link is followed, a device or FIFO is written
// through, and a directory, a socket or a read-only file is refused before
// write is called. A FIFO without a reader is an error, not a wait.
//
// If write returns an error, that error is returned unchanged; file system
// errors are returned prefixed with "atomicfile: ". In every failure case,
// including a panic in write, the temporary file is removed and path keeps
// its previous content (or stays absent); a device or FIFO may have received
// part of the output.
func WriteFile(path string, write func(w io.Writer) error) error {
	p, k, perm, err := target(path)
	if err != nil {
		return err
	}
	if k == kindSpecial {
		return writeThrough(path, p, write)
	}
	dir, base := filepath.Split(p)
	removeStale(dir, base)
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	lock(f)
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
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	ok = true
	if err := f.Close(); err != nil { // releases the lock
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	return nil
}

// writeThrough writes into a device or FIFO in place.
func writeThrough(path, p string, write func(w io.Writer) error) error {
	f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, syscall.ENXIO) {
			return fmt.Errorf("atomicfile: write %s: FIFO has no reader", path)
		}
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	return nil
}

// removeStale removes the temporary files ".BASE.tmp*" in dir that no
// writer holds locked: leftovers of a killed process.
func removeStale(dir, base string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + ".tmp"
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), prefix) || !e.Type().IsRegular() {
			continue
		}
		name := filepath.Join(dir, e.Name())
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		if tryLock(f) {
			os.Remove(name)
		}
		f.Close()
	}
}

// WriteJSON writes v as JSON to path through WriteFile (encoding/json writes
// float64 in the shortest form that reads back to the same bits, so
// checkpoints resume exactly).
func WriteJSON(path string, v any) error {
	return WriteFile(path, func(w io.Writer) error { return json.NewEncoder(w).Encode(v) })
}

// ReadJSON reads the JSON file path into v. A file that cannot be parsed
// (damaged or truncated) is an error naming the file and its size.
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s is damaged or truncated (%d bytes): %w", path, len(b), err)
	}
	return nil
}
