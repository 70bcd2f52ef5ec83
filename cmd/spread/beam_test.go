package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBeamForwards checks that spread beam passes its arguments, Beam's
// --flags included, unparsed to spread-beam on PATH, returns its exit
// status, and is a usage error naming the build command when spread-beam
// is absent.
func TestBeamForwards(t *testing.T) {
	h := newCLIHarness(t)
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	code, _, stderr := h.run("beam", "mc", "--runner=prism")
	if code != 2 || !strings.Contains(stderr, "cmd/spread-beam") {
		t.Fatalf("without spread-beam: exit %d, stderr %q", code, stderr)
	}
	script := "#!/bin/sh\necho \"args: $*\"\n[ \"$1\" = fail ] && exit 3\nexit 0\n"
	if err := os.WriteFile(filepath.Join(dir, "spread-beam"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":/bin:/usr/bin")
	code, stdout, stderr := h.run("beam", "mc", "-samples", "10", "--runner=universal", "--endpoint=localhost:1")
	if code != 0 || strings.TrimSpace(stdout) != "args: mc -samples 10 --runner=universal --endpoint=localhost:1" {
		t.Fatalf("forwarded: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, _ := h.run("beam", "fail"); code != 3 {
		t.Fatalf("exit status not passed on: %d", code)
	}
}
