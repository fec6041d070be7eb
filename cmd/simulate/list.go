package main

import (
	"fmt"
	"strings"

	"github.com/poolsim/poolsim/scenario"
)

func init() {
	register(command{name: "list", summary: "the built-in scenarios with the configuration each stands for", run: cmdList})
	register(command{name: "show", args: "SCENARIO", summary: "print a scenario's file, to copy and edit", run: cmdShow})
}

func cmdList(e *env, args []string) int {
	fs := newFlags(e, "list", "[--short]", "Lists the built-in scenarios: name, summary and the real configuration each stands for.")
	short := fs.Bool("short", false, "names and summaries only")
	pos, code, ok := parseOrExit(e, fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(e, "list: takes no arguments, got %q", pos[0])
	}
	all, err := scenario.Builtin()
	if err != nil {
		return usageError(e, "list: %v", err)
	}
	for _, s := range all {
		fmt.Fprintf(e.stdout, "%-36s %s\n", s.Name, s.Summary)
		if *short {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(s.RealWorld), "\n") {
			fmt.Fprintf(e.stdout, "    %s\n", line)
		}
	}
	return exitOK
}

func cmdShow(e *env, args []string) int {
	fs := newFlags(e, "show", "SCENARIO", "Prints a scenario's file (a built-in one's, or a file's), to copy and edit.")
	pos, code, ok := parseOrExit(e, fs, args)
	if !ok {
		return code
	}
	s, err := scenarioArg(pos, nil)
	if err != nil {
		return usageError(e, "show: %v", err)
	}
	e.stdout.Write(s.Source)
	return exitOK
}
