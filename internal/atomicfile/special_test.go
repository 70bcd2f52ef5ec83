//go:build unix

package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// TestWriteFileDestinations is the table of destinations WriteFile must not
// destroy (issue #10, class 1): each row prepares dir, writes "new\n" to
// the named path and checks the error and the file system afterwards.
func TestWriteFileDestinations(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) string // returns the path to write
		wantErr string                                // substring; "" for success
		check   func(t *testing.T, dir string)
	}{
		{
			name: "symlink is followed, target replaced, link kept",
			setup: func(t *testing.T, dir string) string {
				must(t, os.WriteFile(filepath.Join(dir, "target"), []byte("old\n"), 0o640))
				must(t, os.Symlink("target", filepath.Join(dir, "link")))
				return filepath.Join(dir, "link")
			},
			check: func(t *testing.T, dir string) {
				st, err := os.Lstat(filepath.Join(dir, "link"))
				must(t, err)
				if st.Mode()&os.ModeSymlink == 0 {
					t.Error("the link was replaced by a regular file")
				}
				wantFile(t, filepath.Join(dir, "target"), "new\n", 0o640)
			},
		},
		{
			name: "dangling symlink creates its target",
			setup: func(t *testing.T, dir string) string {
				must(t, os.Symlink("made", filepath.Join(dir, "link")))
				return filepath.Join(dir, "link")
			},
			check: func(t *testing.T, dir string) { wantFile(t, filepath.Join(dir, "made"), "new\n", Perm) },
		},
		{
			name: "mode 0600 is kept",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "secret")
				must(t, os.WriteFile(p, []byte("old\n"), 0o600))
				return p
			},
			check: func(t *testing.T, dir string) { wantFile(t, filepath.Join(dir, "secret"), "new\n", 0o600) },
		},
		{
			name: "read-only file is refused",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "ro")
				must(t, os.WriteFile(p, []byte("old\n"), 0o444))
				return p
			},
			wantErr: "read-only",
			check:   func(t *testing.T, dir string) { wantFile(t, filepath.Join(dir, "ro"), "old\n", 0o444) },
		},
		{
			name:    "directory is refused",
			setup:   func(t *testing.T, dir string) string { return dir },
			wantErr: "is a directory",
		},
		{
			name:  "/dev/null is written through, not replaced",
			setup: func(t *testing.T, dir string) string { return os.DevNull },
			check: func(t *testing.T, dir string) {
				st, err := os.Stat(os.DevNull)
				must(t, err)
				if st.Mode()&os.ModeCharDevice == 0 {
					t.Fatalf("%s is no longer a character device: %v", os.DevNull, st.Mode())
				}
			},
		},
		{
			name: "FIFO without a reader is refused, not replaced",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "fifo")
				must(t, syscall.Mkfifo(p, 0o644))
				return p
			},
			wantErr: "no reader",
			check:   func(t *testing.T, dir string) { wantFIFO(t, filepath.Join(dir, "fifo")) },
		},
		{
			name: "stale temporary files of a killed writer are removed",
			setup: func(t *testing.T, dir string) string {
				must(t, os.WriteFile(filepath.Join(dir, ".out.txt.tmp123"), []byte("junk"), 0o600))
				must(t, os.WriteFile(filepath.Join(dir, ".other.tmp1"), []byte("keep"), 0o600))
				return filepath.Join(dir, "out.txt")
			},
			check: func(t *testing.T, dir string) {
				if _, err := os.Stat(filepath.Join(dir, ".out.txt.tmp123")); err == nil {
					t.Error("stale temporary file survived")
				}
				if _, err := os.Stat(filepath.Join(dir, ".other.tmp1")); err != nil {
					t.Error("another file's temporary was removed")
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := tc.setup(t, dir)
			err := WriteFile(p, writeString("new\n"))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("WriteFile: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("WriteFile error = %v, want one containing %q", err, tc.wantErr)
			}
			if tc.wantErr != "" {
				if cerr := Check(p); cerr == nil && !strings.Contains(tc.name, "FIFO") {
					t.Errorf("Check(%s) = nil, WriteFile failed with %v", p, err)
				}
			}
			if tc.check != nil {
				tc.check(t, dir)
			}
		})
	}
}

func TestWriteFileFIFOWithReader(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	must(t, syscall.Mkfifo(p, 0o644))
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(p) // blocks until the writer opens
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	var err error
	for i := 0; i < 200; i++ { // wait for the reader to open its end
		if err = WriteFile(p, writeString("through\n")); err == nil || !strings.Contains(err.Error(), "no reader") {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through\n" {
		t.Errorf("reader got %q", s)
	}
	wantFIFO(t, p)
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	if err := Check(filepath.Join(dir, "missing", "x.txt")); err == nil {
		t.Error("Check of a path in a missing directory succeeded")
	}
	if err := Check(filepath.Join(dir, "x.txt")); err != nil {
		t.Errorf("Check of a new file: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("Check left %d files behind", len(ents))
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "a"), nil, 0o644))
	must(t, os.Symlink("a", filepath.Join(dir, "b")))
	must(t, os.Symlink(filepath.Join(dir, "b"), filepath.Join(dir, "c")))
	ra, err := Resolve(filepath.Join(dir, "a"))
	must(t, err)
	rc, err := Resolve(filepath.Join(dir, "c"))
	must(t, err)
	if ra != rc {
		t.Errorf("Resolve(c) = %s, Resolve(a) = %s", rc, ra)
	}
	must(t, os.Symlink("loop", filepath.Join(dir, "loop")))
	if _, err := Resolve(filepath.Join(dir, "loop")); err == nil {
		t.Error("a symlink loop resolved")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantFile(t *testing.T, p, content string, perm os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(p)
	must(t, err)
	if string(b) != content {
		t.Errorf("%s = %q, want %q", p, b, content)
	}
	st, err := os.Lstat(p)
	must(t, err)
	if !st.Mode().IsRegular() || st.Mode().Perm() != perm {
		t.Errorf("%s mode = %v, want regular %v", p, st.Mode(), perm)
	}
}

func wantFIFO(t *testing.T, p string) {
	t.Helper()
	st, err := os.Lstat(p)
	must(t, err)
	if st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer a FIFO: %v", p, st.Mode())
	}
}
