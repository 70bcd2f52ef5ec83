// Command spread learns spreading models from cascades, predicts marginals
// and picks seed sets. Run "spread help" for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/spread-dev/spread/internal/openblas"
)

// command is one (sub)command. A command either has children (a group such as
// "graph") or a run function. Flags bind into a per-command options struct in
// setFlags, so tests can call run directly.
type command struct {
	name      string
	usageLine string // e.g. "spread graph info [-json] FILE"
	short     string // one line for the parent's listing
	long      string // prose: what it does, flags, output columns
	children  []*command
	// nargs is the number of positional arguments the command takes after
	// its flags; main refuses any other number as a usage error, so run
	// functions need not check.
	nargs int
	// raw passes every argument after the command's name to run unparsed
	// (a command that forwards to another program: spread beam).
	raw bool
	// setFlags declares the flags on fs and returns the run function that
	// reads them; it is called anew for every invocation.
	setFlags func(fs *flag.FlagSet) func(ctx context.Context, env *env, args []string) error
}

// env is what a command may touch: its streams. Tests substitute buffers.
type env struct {
	stdout, stderr io.Writer
}

// usageError marks an error caused by bad arguments: main prints usage and
// exits 2 for it, 1 for every other error.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

var root = &command{
	name:      "spread",
	usageLine: "spread <command> [arguments]",
	long: `spread learns spreading models (independent cascade, linear threshold,
continuous-time cascades) from cascades, predicts activation marginals and
picks seed sets that maximise influence.`,
}

func init() {
	root.children = []*command{demoCmd, graphCmd, icCmd, cicCmd, sirCmd, nmfCmd, imCmd, mimCmd, netrateCmd, continestCmd, influlearnerCmd, iminfectorCmd, experimentCmd, beamCmd}
}

func main() {
	openblas.Use() // OpenBLAS's matrix products under -tags openblas; a no-op otherwise
	e := &env{stdout: os.Stdout, stderr: os.Stderr}
	os.Exit(run(context.Background(), e, os.Args[1:]))
}

// run dispatches args and returns the exit code: 0 success, 1 failure,
// 2 usage error.
func run(ctx context.Context, e *env, args []string) int {
	cmd, rest, path := root, args, []string{"spread"}
	for len(cmd.children) > 0 {
		if len(rest) == 0 && cmd.setFlags != nil {
			break
		}
		if len(rest) == 0 {
			printGroupUsage(e.stderr, cmd)
			return 2
		}
		if rest[0] == "help" || rest[0] == "-h" || rest[0] == "-help" || rest[0] == "--help" {
			if len(rest) > 1 {
				c := find(cmd, rest[1])
				if c == nil {
					fmt.Fprintf(e.stderr, "%s help %s: unknown command. Run '%s help'.\n", strings.Join(path, " "), rest[1], strings.Join(path, " "))
					return 2
				}
				printUsage(e.stdout, c, strings.Join(append(path, c.name), " "))
				return 0
			}
			printGroupUsage(e.stdout, cmd)
			return 0
		}
		c := find(cmd, rest[0])
		if c == nil && cmd.setFlags != nil {
			break // a group that also runs itself (spread im ... vs spread im eval ...)
		}
		if c == nil {
			fmt.Fprintf(e.stderr, "%s: unknown command %q\n", strings.Join(path, " "), rest[0])
			printGroupUsage(e.stderr, cmd)
			return 2
		}
		cmd, rest, path = c, rest[1:], append(path, c.name)
	}
	name := strings.Join(path, " ")
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	runFn := cmd.setFlags(fs)
	if cmd.raw {
		if err := runFn(ctx, e, rest); err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
			var ue usageError
			if errors.As(err, &ue) {
				return 2
			}
			var xe *exec.ExitError
			if errors.As(err, &xe) {
				return xe.ExitCode()
			}
			return 1
		}
		return 0
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(e.stdout, cmd, name)
			return 0
		}
		fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
		printUsage(e.stderr, cmd, name)
		return 2
	}
	err := checkArgs(cmd, fs.Args())
	if err == nil {
		err = runFn(ctx, e, fs.Args())
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
			printUsage(e.stderr, cmd, name)
			return 2
		}
		fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

// checkArgs refuses positional arguments the command does not take.
func checkArgs(cmd *command, args []string) error {
	switch {
	case len(args) == cmd.nargs:
		return nil
	case cmd.nargs == 0:
		return usagef("unexpected arguments %q", args)
	case cmd.nargs == 1:
		return usagef("want exactly one FILE, got %d arguments", len(args))
	}
	return usagef("want %d arguments, got %d", cmd.nargs, len(args))
}

func find(group *command, name string) *command {
	for _, c := range group.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

func printGroupUsage(w io.Writer, c *command) {
	if c.long != "" {
		fmt.Fprintf(w, "%s\n\n", c.long)
	}
	fmt.Fprintf(w, "Usage:\n\n\t%s\n\nCommands:\n\n", c.usageLine)
	for _, s := range c.children {
		fmt.Fprintf(w, "\t%-10s %s\n", s.name, s.short)
	}
	fmt.Fprintf(w, "\nRun '%s help <command>' for details.\n", groupPath(c))
}

// groupPath returns the command path of a group from its usage line.
func groupPath(c *command) string {
	f := strings.Fields(c.usageLine)
	out := []string{}
	for _, w := range f {
		if strings.HasPrefix(w, "<") || strings.HasPrefix(w, "[") || strings.HasPrefix(w, "-") {
			break
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

func printUsage(w io.Writer, c *command, name string) {
	if len(c.children) > 0 && c.setFlags == nil {
		printGroupUsage(w, c)
		return
	}
	fmt.Fprintf(w, "Usage: %s\n\n", c.usageLine)
	if c.long != "" {
		fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(c.long))
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c.setFlags(fs)
	fs.SetOutput(w)
	fmt.Fprintln(w, "Flags:")
	fs.PrintDefaults()
	for _, sub := range c.children {
		fmt.Fprintf(w, "\nSubcommand %s: %s (see '%s help %s')\n", sub.name, sub.short, name, sub.name)
	}
}
