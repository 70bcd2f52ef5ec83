// Command spread-beam runs spread's Monte-Carlo ground truth, spread
// evaluation and experiment sweeps as Apache Beam pipelines: in-process on
// the Prism runner (the default), or on Flink, Spark or Dataflow through a
// job server. `spread beam ...` runs it.
//
//	spread-beam mc    -graph G -alpha A -T T (-sources "id,id" | -sources-file F) [-samples K] [-seed S] [-shards P] -o OUT
//	spread-beam eval  -graph G [-probs FILE | -wc | -p const] [-model IC|LT] -seeds-file F [-mc R] [-seed S] [-shards P] -o OUT.csv
//	spread-beam sweep fig2|fig3 [-scale quick|paper] [-grid grid.json] [-seed S] [-method M] [-out DIR]
//
// Beam's standard pipeline flags apply to every subcommand: --runner
// (prism, universal, flink, spark, dataflow), --endpoint=HOST:PORT of a job
// server, --environment_type (LOOPBACK, DOCKER, PROCESS), --worker_binary,
// --job_name, .... Started by a runner as a worker (--worker), the binary
// runs Beam's worker harness.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"

	"github.com/spread-dev/spread/beam/pipeline"
	"github.com/spread-dev/spread/internal/experiments"
)

// usageError marks bad arguments: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// command is one subcommand: its usage and a function that declares its
// flags on Beam's flag set (flag.CommandLine, where Beam's own pipeline
// flags live) and returns the run function reading them.
type command struct {
	name, usage, long string
	setFlags          func(fs *flag.FlagSet) func(ctx context.Context, run pipeline.RunOptions, stderr io.Writer) error
}

var commands = []*command{mcCmd, cicCmd, evalCmd, sweepCmd}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: spread-beam <command> [flags] [Beam pipeline flags]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%s\n", c.usage)
	}
	fmt.Fprintf(w, `
Beam pipeline flags: --runner=prism|universal|flink|spark|dataflow (default prism,
in-process), --endpoint=HOST:PORT (job server), --environment_type=LOOPBACK|DOCKER|PROCESS,
--worker_binary=FILE, --job_name=NAME; -connect_timeout bounds the check that
the endpoint answers. Run 'spread-beam <command> -h' for a command's flags.
`)
}

// run dispatches args and returns the exit code: 0 success, 1 failure, 2
// usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.CommandLine
	fs.SetOutput(io.Discard)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		// No command: a runner starting this binary as a worker (--worker
		// ...), which beam.Init turns into the worker harness, or help.
		if err := fs.Parse(args); err != nil && !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "spread-beam: %v\n", err)
			printUsage(stderr)
			return 2
		}
		beam.Init()
		printUsage(stderr)
		return 2
	}
	if args[0] == "help" {
		printUsage(stdout)
		return 0
	}
	var cmd *command
	for _, c := range commands {
		if c.name == args[0] {
			cmd = c
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "spread-beam: unknown command %q\n", args[0])
		printUsage(stderr)
		return 2
	}
	name := "spread-beam " + cmd.name
	runFn := cmd.setFlags(fs)
	timeout := fs.Duration("connect_timeout", pipeline.ConnectTimeout, "give up when --endpoint does not accept a connection within this time")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			cmdUsage(stdout, cmd, fs)
			return 0
		}
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		cmdUsage(stderr, cmd, fs)
		return 2
	}
	beam.Init()
	err := error(nil)
	if fs.NArg() > 0 && cmd != sweepCmd {
		err = usagef("unexpected arguments %q", fs.Args())
	}
	if err == nil && *timeout <= 0 {
		err = usagef("-connect_timeout %v: want > 0", *timeout)
	}
	if err == nil {
		err = runFn(ctx, pipeline.RunOptions{Runner: *runners.Runner, ConnectTimeout: *timeout}, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		var ue usageError
		if errors.As(err, &ue) {
			cmdUsage(stderr, cmd, fs)
			return 2
		}
		return 1
	}
	return 0
}

// cmdUsage prints a command's usage and its own flags (Beam's are listed
// in printUsage).
func cmdUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags:\n", c.usage, strings.TrimSpace(c.long))
	own := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.setFlags(own)
	own.SetOutput(w)
	own.PrintDefaults()
}

// shardFlags are the flags every Monte-Carlo pipeline shares.
type shardFlags struct {
	shards, workers int
	noReshuffle     bool
}

func (f *shardFlags) bind(fs *flag.FlagSet) {
	fs.IntVar(&f.shards, "shards", 16, "shards per source or seed set (the unit of parallel work)")
	fs.IntVar(&f.workers, "workers", 1, "goroutines per shard (0 = all cores); results do not depend on it")
	fs.BoolVar(&f.noReshuffle, "no-reshuffle", false, "do not redistribute the shards (beam.Reshuffle) before simulating")
}

func (f *shardFlags) check() error {
	if f.shards < 1 {
		return usagef("-shards %d: want ≥ 1", f.shards)
	}
	if f.workers < 0 {
		return usagef("-workers %d: want ≥ 0", f.workers)
	}
	return nil
}

// nodeSets returns the node sets of -sources (one set) or a file (one set
// per line), as id lists.
func nodeSets(list, file, listFlag, fileFlag string) ([][]string, error) {
	if (list == "") == (file == "") {
		return nil, usagef("give exactly one of -%s and -%s", listFlag, fileFlag)
	}
	if list != "" {
		ids := strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' })
		if len(ids) == 0 {
			return nil, usagef("-%s: no node ids in %q", listFlag, list)
		}
		return [][]string{ids}, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var sets [][]string
	for _, l := range strings.Split(string(b), "\n") {
		if k := strings.IndexByte(l, '#'); k >= 0 {
			l = l[:k]
		}
		ids := strings.FieldsFunc(l, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' })
		if len(ids) > 0 {
			sets = append(sets, ids)
		}
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("%s: no node sets", file)
	}
	return sets, nil
}

var mcCmd = &command{
	name:  "mc",
	usage: `spread-beam mc -graph G [-undirected] -alpha A -T T (-sources "id,id" | -sources-file F) [-samples K] [-seed S] [-shards P] [-workers W] -o OUT`,
	long: `mc estimates the Monte-Carlo marginals p_i(t), t = 0..T-1, of the independent
cascade from each source set, as 'spread ic predict -method mc' does, and
writes the same "node,t,p" CSV, equal byte for byte for the same -seed and
-samples whatever -shards. With -sources OUT is the file; with -sources-file
(one source set per line, ids separated by commas or blanks, '#' comments)
OUT is a directory receiving set-1.csv, set-2.csv, ... in line order.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, pipeline.RunOptions, io.Writer) error {
		var cfg pipeline.MCConfig
		var sf setsFlags
		fs.StringVar(&cfg.Graph.Path, "graph", "", "network file or IMM dataset directory")
		fs.BoolVar(&cfg.Graph.Undirected, "undirected", false, "read an edge list as undirected")
		fs.StringVar(&cfg.Alpha, "alpha", "", "file of \"u v alpha\" lines")
		fs.IntVar(&cfg.T, "T", 0, "horizon: marginals for t = 0..T-1")
		fs.IntVar(&cfg.Samples, "samples", 10000, "Monte-Carlo cascades per source set")
		fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
		sf.bind(fs)
		return func(ctx context.Context, ro pipeline.RunOptions, stderr io.Writer) error {
			if cfg.Graph.Path == "" || cfg.Alpha == "" || sf.out == "" {
				return usagef("-graph, -alpha, -T and -o are required")
			}
			if cfg.T < 1 {
				return usagef("-T %d: want ≥ 1", cfg.T)
			}
			return sf.run(stderr, "mc", cfg.Samples, func(sets [][]string, outs []string) error {
				cfg.Sources, cfg.Out = sets, outs
				cfg.Shards, cfg.Workers, cfg.NoReshuffle = sf.shards, sf.workers, sf.noReshuffle
				return pipeline.RunMC(ctx, ro, cfg)
			})
		}
	},
}

var cicCmd = &command{
	name:  "cic",
	usage: `spread-beam cic -graph G [-undirected] [-model exp|rayleigh|weibull] [-params FILE] -T T (-sources "id,id" | -sources-file F) [-samples K] [-seed S] [-shards P] [-workers W] -o OUT`,
	long: `cic estimates the continuous-time ground truth P(node v infected by t),
t = 0, 1, …, ⌊T⌋, from each source set, as 'spread cic truth' does, and writes
the same "node,t,p" CSV, equal byte for byte for the same -seed and -samples
whatever -shards. Without -params the per-edge delay parameters are drawn
from -seed as spread cic truth draws them. -sources-file and OUT as for mc.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, pipeline.RunOptions, io.Writer) error {
		var cfg pipeline.CICConfig
		var sf setsFlags
		fs.StringVar(&cfg.Graph.Path, "graph", "", "network file")
		fs.BoolVar(&cfg.Graph.Undirected, "undirected", false, "read an edge list as undirected")
		fs.StringVar(&cfg.Model, "model", "exp", "delay family: exp, rayleigh or weibull")
		fs.StringVar(&cfg.Params, "params", "", "per-edge delay parameters (default: drawn from -seed)")
		fs.Float64Var(&cfg.T, "T", 0, "horizon T > 0: the grid is t = 0..⌊T⌋")
		fs.IntVar(&cfg.Samples, "samples", 10000, "Monte-Carlo cascades per source set")
		fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
		sf.bind(fs)
		return func(ctx context.Context, ro pipeline.RunOptions, stderr io.Writer) error {
			if cfg.Graph.Path == "" || sf.out == "" {
				return usagef("-graph, -T and -o are required")
			}
			if !(cfg.T > 0) {
				return usagef("-T %v: want > 0", cfg.T)
			}
			return sf.run(stderr, "cic", cfg.Samples, func(sets [][]string, outs []string) error {
				cfg.Sources, cfg.Out = sets, outs
				cfg.Shards, cfg.Workers, cfg.NoReshuffle = sf.shards, sf.workers, sf.noReshuffle
				return pipeline.RunCIC(ctx, ro, cfg)
			})
		}
	},
}

// setsFlags are the source-set and output flags of the mc and cic
// pipelines, with the sharding.
type setsFlags struct {
	shardFlags
	sources, sourcesFile, out string
}

func (f *setsFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.sources, "sources", "", "comma-separated source node ids (one source set)")
	fs.StringVar(&f.sourcesFile, "sources-file", "", "file of source sets, one per line")
	fs.StringVar(&f.out, "o", "", "output CSV file (-sources) or directory (-sources-file)")
	f.shardFlags.bind(fs)
}

// resolve checks the sharding and returns the source sets and their
// output files.
func (f *setsFlags) resolve() (sets [][]string, outs []string, err error) {
	if err := f.check(); err != nil {
		return nil, nil, err
	}
	if sets, err = nodeSets(f.sources, f.sourcesFile, "sources", "sources-file"); err != nil {
		return nil, nil, err
	}
	outs, err = setOutputs(f.out, f.sourcesFile != "", len(sets))
	return sets, outs, err
}

// run checks -samples, resolves the sets, runs the pipeline on them and
// reports on stderr.
func (f *setsFlags) run(stderr io.Writer, name string, samples int, pipe func(sets [][]string, outs []string) error) error {
	if samples < 1 {
		return usagef("-samples %d: want ≥ 1", samples)
	}
	sets, outs, err := f.resolve()
	if err != nil {
		return err
	}
	start := time.Now()
	if err := pipe(sets, outs); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s: %d source sets × %d cascades in %d shards each, %v; wrote %s\n",
		name, len(sets), samples, f.shards, time.Since(start).Round(time.Millisecond), f.out)
	return nil
}

// setOutputs returns the output files: out itself for one set, or
// out/set-1.csv, set-2.csv, … (out created) for a sets file.
func setOutputs(out string, fromFile bool, n int) ([]string, error) {
	if !fromFile {
		return []string{out}, nil
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	var outs []string
	for k := range n {
		outs = append(outs, filepath.Join(out, fmt.Sprintf("set-%d.csv", k+1)))
	}
	return outs, nil
}

var evalCmd = &command{
	name:  "eval",
	usage: `spread-beam eval -graph G [-undirected] [-probs FILE | -wc | -p const] [-model IC|LT] -seeds-file F [-mc R] [-seed S] [-shards P] [-workers W] -o OUT.csv`,
	long: `eval estimates the spread of every seed set of -seeds-file (one set per line,
ids separated by commas or blanks, '#' comments) with R Monte-Carlo worlds,
as 'spread im eval' does for one set, and writes CSV "set,size,spread,stderr"
in line order; spread and stderr equal im eval's with the same -mc and
-seed bit for bit (printed in full precision), whatever -shards.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, pipeline.RunOptions, io.Writer) error {
		var cfg pipeline.EvalConfig
		var sf shardFlags
		fs.StringVar(&cfg.Graph.Path, "graph", "", "network file or IMM dataset directory")
		fs.BoolVar(&cfg.Graph.Undirected, "undirected", false, "read an edge list as undirected")
		fs.StringVar(&cfg.Probs.File, "probs", "", "file of \"u v p\" lines: IC probability or LT weight per edge")
		fs.BoolVar(&cfg.Probs.WC, "wc", false, "weighted cascade: p(u→v) = 1/in-degree(v)")
		fs.Float64Var(&cfg.Probs.Const, "p", -1, "the same probability (or LT weight) on every edge")
		fs.StringVar(&cfg.Model, "model", "IC", "diffusion model: IC or LT")
		seedsFile := fs.String("seeds-file", "", "file of seed sets, one per line")
		fs.IntVar(&cfg.Runs, "mc", 10000, "Monte-Carlo worlds")
		fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
		fs.StringVar(&cfg.Out, "o", "", "output CSV file")
		sf.bind(fs)
		return func(ctx context.Context, ro pipeline.RunOptions, stderr io.Writer) error {
			if cfg.Graph.Path == "" || *seedsFile == "" || cfg.Out == "" {
				return usagef("-graph, -seeds-file and -o are required")
			}
			cfg.Model = strings.ToUpper(cfg.Model)
			if cfg.Model != "IC" && cfg.Model != "LT" {
				return usagef("-model %q: want IC or LT", cfg.Model)
			}
			if cfg.Runs < 1 {
				return usagef("-mc %d: want ≥ 1", cfg.Runs)
			}
			set := 0
			flag.CommandLine.Visit(func(f *flag.Flag) {
				if f.Name == "p" {
					cfg.Probs.ConstSet = true
				}
			})
			for _, b := range []bool{cfg.Probs.File != "", cfg.Probs.WC, cfg.Probs.ConstSet} {
				if b {
					set++
				}
			}
			if set > 1 {
				return usagef("give at most one of -probs, -wc, -p")
			}
			if cfg.Probs.ConstSet && !(cfg.Probs.Const >= 0 && cfg.Probs.Const <= 1) {
				return usagef("-p %v: want in [0, 1]", cfg.Probs.Const)
			}
			if err := sf.check(); err != nil {
				return err
			}
			sets, err := nodeSets("", *seedsFile, "seeds", "seeds-file")
			if err != nil {
				return err
			}
			cfg.SeedSets = sets
			cfg.Graph.LT = cfg.Model == "LT"
			cfg.Shards, cfg.Workers, cfg.NoReshuffle = sf.shards, sf.workers, sf.noReshuffle
			start := time.Now()
			if err := pipeline.RunEval(ctx, ro, cfg); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "eval: %d seed sets × %d worlds in %d shards each, %v; wrote %s\n",
				len(sets), cfg.Runs, sf.shards, time.Since(start).Round(time.Millisecond), cfg.Out)
			return nil
		}
	},
}

var sweepCmd = &command{
	name:  "sweep",
	usage: `spread-beam sweep fig2|fig3 [-scale quick|paper] [-grid grid.json] [-seed S] [-method pqn|spg|paper|adam] [-workers W] [-out DIR]`,
	long: `sweep runs a SLICER figure experiment with every point of its grid (topology ×
horizon × cascade count, with its repetitions) as one pipeline element, and
writes what 'spread experiment NAME' writes (NAME.csv, NAME_config.json,
the figures) into -out: the same CSV for the same -seed and configuration,
the timing column aside. -grid is a JSON object of configuration fields
(the "config" keys of NAME_config.json, e.g. {"topologies": ["tree"],
"ms": [100, 1000]}) replacing the scale's defaults.`,
	setFlags: func(fs *flag.FlagSet) func(context.Context, pipeline.RunOptions, io.Writer) error {
		scale := fs.String("scale", "quick", "sizes: quick or paper")
		grid := fs.String("grid", "", "JSON file of configuration fields overriding the scale's")
		seed := fs.Uint64("seed", 1, "random seed of every draw")
		method := fs.String("method", "", "override the update rule of every SLICER run: pqn, spg, paper or adam")
		workers := fs.Int("workers", 1, "runs of one element executed at once (0 = all cores)")
		noReshuffle := fs.Bool("no-reshuffle", false, "do not redistribute the elements before running them")
		out := fs.String("out", "", "output directory (default ./spread-experiments/NAME)")
		return func(ctx context.Context, ro pipeline.RunOptions, stderr io.Writer) error {
			args := flag.CommandLine.Args()
			if len(args) != 1 {
				return usagef("want one experiment name (%s), got %q", strings.Join(experiments.Sweepable(), " or "), args)
			}
			name := args[0]
			s, err := experiments.ParseScale(*scale)
			if err != nil {
				return usagef("%v", err)
			}
			switch *method {
			case "", "pqn", "spg", "paper", "ascent", "adam":
			default:
				return usagef("-method %q: want pqn, spg, paper or adam", *method)
			}
			if *workers < 0 {
				return usagef("-workers %d: want ≥ 0", *workers)
			}
			var g []byte
			if *grid != "" {
				if g, err = os.ReadFile(*grid); err != nil {
					return usagef("-grid: %v", err)
				}
			}
			sw, err := experiments.NewSweep(name, s, g)
			if err != nil {
				return usagef("%v", err)
			}
			dir := *out
			if dir == "" {
				dir = filepath.Join("spread-experiments", name)
			}
			start := time.Now()
			cfg := pipeline.SweepConfig{Sweep: *sw, Seed: *seed, Method: *method, Workers: *workers, NoReshuffle: *noReshuffle, Out: dir}
			if err := pipeline.RunSweep(ctx, ro, cfg); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "sweep %s: %d elements in %v; wrote %s\n", name, len(sw.Cells), time.Since(start).Round(time.Millisecond), dir)
			return nil
		}
	},
}
