package main

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
)

// beamBinary is the pipeline program `spread beam` forwards to. It lives in
// its own module (beam/) so that the core binary never links Apache Beam
// (docs/ARCHITECTURE.md, docs/BEAM.md).
const beamBinary = "spread-beam"

var beamCmd = &command{
	name:      "beam",
	usageLine: "spread beam mc|eval|sweep [arguments] [--runner=prism|universal|flink|spark|dataflow --endpoint=HOST:PORT ...]",
	short:     "run Monte Carlo, spread evaluation or experiment sweeps as Apache Beam pipelines",
	raw:       true,
	long: `Beam runs the work of ic predict -method mc, im eval and the SLICER experiment
grids as Apache Beam pipelines, on the embedded Prism runner by default or
on Flink, Spark or Dataflow through a job-server endpoint; the results equal
the single-machine commands bit for bit. It forwards every argument to the
spread-beam program, built from the beam/ module so that this binary stays
free of Beam:

	(cd beam && go build -o "$(go env GOPATH)/bin/spread-beam" ./cmd/spread-beam)

spread beam looks for spread-beam beside this binary, then on PATH. See
docs/BEAM.md for the pipelines, their flags and running on a cluster.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		return func(ctx context.Context, e *env, args []string) error {
			bin, err := findBeam()
			if err != nil {
				return err
			}
			c := exec.CommandContext(ctx, bin, args...)
			c.Stdin, c.Stdout, c.Stderr = os.Stdin, e.stdout, e.stderr
			return c.Run()
		}
	},
}

// findBeam returns the path of spread-beam: beside the running binary,
// else on PATH.
func findBeam() (string, error) {
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), beamBinary)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath(beamBinary)
	if err != nil {
		return "", usagef("the %s program is not installed: build it with (cd beam && go build -o \"$(go env GOPATH)/bin/%s\" ./cmd/%s); see docs/BEAM.md", beamBinary, beamBinary, beamBinary)
	}
	return p, nil
}
