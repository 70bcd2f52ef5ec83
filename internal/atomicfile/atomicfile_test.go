package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteFile(t *testing.T) {
	errWrite := errors.New("boom")
	tests := []struct {
		name    string
		old     *string // previous content of the destination; nil: absent
		write   func(io.Writer) error
		wantErr error
		want    *string // content after WriteFile; nil: absent
	}{
		{
			name:  "new file",
			write: func(w io.Writer) error { _, err := io.WriteString(w, "hello\n"); return err },
			want:  ptr("hello\n"),
		},
		{
			name:  "replace existing",
			old:   ptr("old content that is longer\n"),
			write: func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err },
			want:  ptr("new\n"),
		},
		{
			name:  "empty content",
			old:   ptr("x"),
			write: func(io.Writer) error { return nil },
			want:  ptr(""),
		},
		{
			name: "write error leaves no file",
			write: func(w io.Writer) error {
				io.WriteString(w, "partial")
				return errWrite
			},
			wantErr: errWrite,
		},
		{
			name: "write error keeps existing file",
			old:  ptr("precious\n"),
			write: func(w io.Writer) error {
				io.WriteString(w, "partial")
				return errWrite
			},
			wantErr: errWrite,
			want:    ptr("precious\n"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			if tc.old != nil {
				if err := os.WriteFile(path, []byte(*tc.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFile(path, tc.write)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("WriteFile error = %v, want %v", err, tc.wantErr)
			}
			checkContent(t, path, tc.want)
			if err == nil && runtime.GOOS != "windows" {
				st, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				want := Perm
				if tc.old != nil {
					want = 0o600 // the replaced file's mode is kept
				}
				if st.Mode().Perm() != want {
					t.Errorf("mode = %v, want %v", st.Mode().Perm(), want)
				}
			}
			checkOnly(t, dir, tc.want != nil)
		})
	}
}

func TestWriteFilePanicCleansUp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("panic in write was not propagated")
			}
		}()
		WriteFile(path, func(w io.Writer) error {
			io.WriteString(w, "partial")
			panic("boom")
		})
	}()
	checkContent(t, path, nil)
	checkOnly(t, dir, false)
}

func TestWriteFileMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "out.csv")
	called := false
	err := WriteFile(path, func(io.Writer) error { called = true; return nil })
	if err == nil {
		t.Fatal("WriteFile into a missing directory succeeded")
	}
	if called {
		t.Error("write was called although the temporary file could not be created")
	}
}

func ptr(s string) *string { return &s }

// checkContent checks that path holds want, or is absent when want is nil.
func checkContent(t *testing.T, path string, want *string) {
	t.Helper()
	got, err := os.ReadFile(path)
	switch {
	case want == nil && err == nil:
		t.Errorf("%s exists with %q, want absent", path, got)
	case want == nil && !errors.Is(err, os.ErrNotExist):
		t.Errorf("read %s: %v", path, err)
	case want != nil && err != nil:
		t.Errorf("read %s: %v", path, err)
	case want != nil && string(got) != *want:
		t.Errorf("%s = %q, want %q", path, got, *want)
	}
}

// checkOnly checks that dir holds only the destination (when present) and
// no temporary files.
func checkOnly(t *testing.T, dir string, present bool) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	if present {
		want = 1
	}
	if len(ents) != want {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %q, want %d file(s)", names, want)
	}
}
