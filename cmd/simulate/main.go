// Command simulate reviews, explores, replays and verifies PostgreSQL
// connection-pool designs in poolsim's deterministic world.
//
// Run "simulate help" for the subcommands and "simulate CMD -h" for the
// flags of one. Exit codes: 0 no violation (or every verdict as
// expected), 1 a violation found (or a verdict changed), 2 bad usage or
// bad input, 3 inconclusive.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
)

// The exit codes.
const (
	exitOK           = 0
	exitViolation    = 1
	exitUsage        = 2
	exitInconclusive = 3
)

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(env *env, args []string) int
}

// env is what a subcommand writes to.
type env struct {
	stdout, stderr io.Writer
	// tty says stderr is a terminal (progress lines are for people).
	tty bool
}

var commands []command

func register(c command) { commands = append(commands, c) }

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func main() {
	tuneGC()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, tty: isTerminal(os.Stderr)}
	os.Exit(run(e, os.Args[1:]))
}

// run dispatches args to a subcommand and returns the exit code.
func run(e *env, args []string) int {
	if len(args) == 0 {
		if c := lookup("default"); c != nil {
			return c.run(e, nil)
		}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				return c.run(e, []string{"-h"})
			}
			return usageError(e, "unknown command %q (run simulate help)", args[1])
		}
		usage(e.stdout)
		return exitOK
	}
	c := lookup(args[0])
	if c == nil || c.name == "default" {
		return usageError(e, "unknown command %q (run simulate help)", args[0])
	}
	return c.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "simulate: poolsim's deterministic simulator and model checker for PostgreSQL connection pools.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  simulate                 review the built-in incident and diagnose its errors")
	cs := slices.Clone(commands)
	slices.SortStableFunc(cs, func(a, b command) int { return strings.Compare(order(a.name), order(b.name)) })
	for _, c := range cs {
		if c.name == "default" {
			continue
		}
		fmt.Fprintf(w, "  simulate %-15s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"simulate CMD -h\" for a command's flags. Flags take --flag value or --flag=value.")
	fmt.Fprintln(w, "Exit codes: 0 no violation (or verdicts as expected), 1 violation (or a verdict changed),")
	fmt.Fprintln(w, "2 bad usage or input, 3 inconclusive.")
}

// order sorts the commands as a user meets them.
func order(name string) string {
	i := slices.Index([]string{"list", "show", "run", "explore", "replay", "verify", "review", "diagnose", "merge", "serve"}, name)
	if i < 0 {
		return "z" + name
	}
	return string(rune('a' + i))
}

// usageError prints one line and returns exitUsage.
func usageError(e *env, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "simulate: "+format+"\n", args...)
	return exitUsage
}

// newFlags returns a flag set for a subcommand whose errors are returned,
// not printed with the usage text; -h prints the usage to stdout.
func newFlags(e *env, c string, args, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(c, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	helps[fs] = func() {
		w := e.stdout
		fmt.Fprintf(w, "Usage: simulate %s %s\n\n%s\n\nFlags:\n", c, args, summary)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// helps print each flag set's usage, for -h.
var helps = map[*flag.FlagSet]func(){}

// errHelp is returned by parse when -h was given and the usage printed.
var errHelp = flag.ErrHelp

// parse parses flags and positional arguments in any order ("run X
// --seed 3" and "run --seed 3 X"); "--" ends the flags.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				helps[fs]()
			}
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// parseOrExit parses and turns an error into the exit code to return;
// ok is false when the caller must return code.
func parseOrExit(e *env, fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	pos, err := parse(fs, args)
	if errors.Is(err, errHelp) {
		return nil, exitOK, false
	}
	if err != nil {
		return nil, usageError(e, "%s: %v", fs.Name(), err), false
	}
	return pos, 0, true
}

// gcPercent is the command's GOGC unless the environment sets one: runs
// allocate fast and keep little, so the default (100) collects so often
// that parallel explorations spend their second core collecting.
const gcPercent = 400

// tuneGC sets the collector's target to gcPercent unless GOGC is set,
// and returns the previous target.
func tuneGC() int {
	if os.Getenv("GOGC") != "" {
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p
	}
	return debug.SetGCPercent(gcPercent)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
