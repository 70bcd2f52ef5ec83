package datasets

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// readLines calls fn with the 1-based number and the text of each line of
// r that is neither blank nor a '#' comment, the text trimmed of
// surrounding white space (and line 1 of a byte-order mark). It stops at fn's first error and returns it;
// scanner errors (a line over 16 MiB, a read error) are returned as
// "<where> line L: …". where is "datasets: read NAME", or "datasets: read"
// without a name (readWhere).
func readLines(r io.Reader, where string, fn func(line int, s string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(firstLine(line, sc.Text()))
		if s == "" || s[0] == '#' {
			continue
		}
		if err := fn(line, s); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s line %d: %w", where, line+1, err)
	}
	return nil
}

// firstLine removes a UTF-8 byte-order mark from the start of line 1, so
// that it never becomes part of the first id or header word.
func firstLine(line int, s string) string {
	if line == 1 {
		return strings.TrimPrefix(s, "\ufeff")
	}
	return s
}

// readWhere returns the error prefix of a reader: "datasets: read NAME".
func readWhere(name string) string {
	if name == "" {
		return "datasets: read"
	}
	return "datasets: read " + name
}

// openFile opens path for a ReadXFile helper and calls read on it.
func openFile[T any](path string, read func(r io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	return read(f)
}

// writeBuffered calls fn with a buffered writer on w and flushes it. A
// bufio.Writer keeps its first error, so fn need not check its writes: the
// error comes back from the flush, as "datasets: ...".
func writeBuffered(w io.Writer, fn func(bw *bufio.Writer)) error {
	bw := bufio.NewWriter(w)
	fn(bw)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	return nil
}
