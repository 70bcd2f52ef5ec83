package pipeline

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/spread-dev/spread/datasets"
	"github.com/spread-dev/spread/models/ic"
)

// prismBinary returns the standalone Prism job server: $SPREAD_PRISM_BIN
// when set (.ci/run builds it once), else built into dir from the SDK's
// go/cmd/prism.
func prismBinary(t *testing.T, dir string) string {
	if p := os.Getenv("SPREAD_PRISM_BIN"); p != "" {
		return p
	}
	bin := filepath.Join(dir, "prism")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/apache/beam/sdks/v2/go/cmd/prism")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building prism: %v\n%s", err, out)
	}
	return bin
}

// freePort returns a TCP port that was free on the loopback interface.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestUniversalRunnerThroughPrismJobServer submits the MC pipeline to a
// standalone Prism job server, as one would to a Flink or Spark job
// server: --runner=universal --endpoint=localhost:PORT
// --environment_type=LOOPBACK. The test starts the server (web UI off),
// addresses it on the loopback interface only, and stops it. The result
// equals the single-machine marginals byte for byte.
func TestUniversalRunnerThroughPrismJobServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts a Prism job server")
	}
	dir := t.TempDir()
	port := freePort(t)
	srv := exec.Command(prismBinary(t, dir), fmt.Sprintf("-job_port=%d", port), "-serve_http=false", "-log_level=warn")
	srv.Stdout, srv.Stderr = os.Stderr, os.Stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Process.Kill()
		srv.Wait()
	})
	endpoint := fmt.Sprintf("localhost:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for CheckEndpoint(context.Background(), endpoint, time.Second) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("the Prism job server did not listen on %s within 60s", endpoint)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for name, v := range map[string]string{"endpoint": endpoint, "environment_type": "LOOPBACK", "job_name": "spread-mc-test"} {
		old := flag.Lookup(name).Value.String()
		if err := flag.Set(name, v); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { flag.Set(name, old) })
	}

	g, gp, ap := instance(t, dir)
	const T, K, seed = 5, 4000, 23
	cfg := MCConfig{Graph: GraphSpec{Path: gp}, Alpha: ap, T: T, Samples: K, Seed: seed,
		Sources: [][]string{{g.ID(3), g.ID(4)}}, Out: []string{filepath.Join(dir, "universal.csv")}, Shards: 4, Workers: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := RunMC(ctx, RunOptions{Runner: "universal", ConnectTimeout: 5 * time.Second}, cfg); err != nil {
		t.Fatal(err)
	}
	th, err := datasets.ReadEdgeValuesFile(ap, g, true)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := ParseNodeSet(g, g.ID(3)+","+g.ID(4))
	ref := filepath.Join(dir, "ref.csv")
	marg := ic.NewSimulator(g, ic.ExpandAlpha(nil, g, th), T).Marginals(nil, ic.SeedSet(s...), K, seed, runtime.GOMAXPROCS(0))
	if err := datasets.WriteMarginalsFile(ref, g, marg, T); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(ref)
	b, err := os.ReadFile(cfg.Out[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("marginals through the job server differ from the single-machine file")
	}
}
