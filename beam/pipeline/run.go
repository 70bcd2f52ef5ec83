package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"

	// The runners selectable by name.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/core/runtime/exec/optimized"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/flink"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/spark"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"
)

// DefaultRunner is the runner used when none is named: Prism, in-process.
const DefaultRunner = "prism"

// Runners lists the runner names Run accepts.
var Runners = []string{"prism", "universal", "flink", "spark", "dataflow"}

// ConnectTimeout bounds CheckEndpoint's connection attempt when the caller
// gives none.
const ConnectTimeout = 20 * time.Second

// ErrUnreachable is returned (wrapped) when the job-server endpoint does not
// accept a connection within the timeout.
var ErrUnreachable = errors.New("job server unreachable")

// CheckEndpoint opens and closes a TCP connection to endpoint (HOST:PORT),
// giving up after timeout (≤ 0: ConnectTimeout), so that a pipeline bound
// for a job server that is down fails at once with a clear message instead
// of waiting in the gRPC dial.
func CheckEndpoint(ctx context.Context, endpoint string, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = ConnectTimeout
	}
	if _, _, err := net.SplitHostPort(endpoint); err != nil {
		return fmt.Errorf("pipeline: --endpoint %q: want HOST:PORT: %v", endpoint, err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", endpoint)
	if err != nil {
		return fmt.Errorf("pipeline: %w: no connection to %s within %v: %v (is the Prism, Flink or Spark job server running there?)", ErrUnreachable, endpoint, timeout, err)
	}
	return c.Close()
}

// RunOptions choose where a pipeline runs. Beam's other pipeline flags
// (--endpoint, --environment_type, --worker_binary, ...) are read from the
// command line by Beam itself.
type RunOptions struct {
	// Runner is one of Runners; empty means DefaultRunner.
	Runner string
	// ConnectTimeout bounds the check that --endpoint accepts connections;
	// zero means ConnectTimeout.
	ConnectTimeout time.Duration
}

// Run runs p with Beam's standard pipeline flags, which must have been
// parsed (flag.Parse) before beam.Init was called. When --endpoint is set
// (a job server: universal, flink, spark, or prism submitting to a
// standalone Prism), its reachability is checked first (CheckEndpoint); the
// universal runner requires it.
func Run(ctx context.Context, opt RunOptions, p *beam.Pipeline) error {
	runner := opt.Runner
	if runner == "" {
		runner = DefaultRunner
	}
	known := false
	for _, r := range Runners {
		known = known || r == runner
	}
	if !known {
		return fmt.Errorf("pipeline: unknown runner %q (want one of %v)", runner, Runners)
	}
	if ep := *jobopts.Endpoint; ep != "" && runner != "dataflow" {
		if err := CheckEndpoint(ctx, ep, opt.ConnectTimeout); err != nil {
			return err
		}
	} else if runner == "universal" {
		return fmt.Errorf("pipeline: the universal runner needs --endpoint=HOST:PORT of a job server")
	}
	_, err := beam.Run(ctx, runner, p)
	return err
}
