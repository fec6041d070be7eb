package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/poolsim/poolsim/diagnose"
	"github.com/poolsim/poolsim/scenario"
)

func init() {
	register(command{name: "diagnose", args: "[--symptom TEXT]... [--log FILE]",
		summary: "which registered designs can produce the errors in one's logs", run: cmdDiagnose})
}

// texts collects repeated --symptom flags.
type texts []string

func (t *texts) String() string     { return "" }
func (t *texts) Set(v string) error { *t = append(*t, v); return nil }

func cmdDiagnose(e *env, args []string) int {
	fs := newFlags(e, "diagnose", "[--symptom TEXT]... [--log FILE] [flags]",
		"Matches error texts (or a log file) against the texts poolsim knows, unwraps SQLAlchemy's form, decodes\n"+
			"libpq's length words, reads pids and timestamps, then ranks the registered designs by which of the texts\n"+
			"their runs produce, with a replay command, and says which designs are shown unable to produce them and\n"+
			"which texts no registered design produces.")
	var syms texts
	fs.Var(&syms, "symptom", "an error `TEXT` as the application logged it; repeatable")
	logFile := fs.String("log", "", "a log `FILE` to read the errors, pids and timestamps from (- for stdin)")
	runs := fs.Int("runs", 8, "seeds per design and split policy")
	format := fs.String("format", "text", "output: text or json")
	bound := fs.Int("bound", 1, "delay bound of the exhaustive search that shows designs unable to produce the texts, at a small size (-1: sample only)")
	pos, code, ok := parseOrExit(e, fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(e, "diagnose: unexpected argument %q (give texts with --symptom)", pos[0])
	}
	if len(syms) == 0 && *logFile == "" {
		return usageError(e, "diagnose: give error texts with --symptom TEXT or a log with --log FILE")
	}
	if *format != "text" && *format != "json" {
		return usageError(e, "diagnose: --format %q: want text or json", *format)
	}
	if *runs < 1 {
		return usageError(e, "diagnose: --runs %d: want at least 1", *runs)
	}
	var log io.Reader
	switch *logFile {
	case "":
	case "-":
		log = os.Stdin
	default:
		f, err := os.Open(*logFile)
		if err != nil {
			return usageError(e, "diagnose: %v", oneLine(err))
		}
		defer f.Close()
		log = f
	}
	return diagnoseOut(e, syms, log, *runs, *bound, *format)
}

// diagnoseTexts diagnoses error texts against the registry, as text.
func diagnoseTexts(e *env, ts []string, log io.Reader, runs, bound int) int {
	return diagnoseOut(e, ts, log, runs, bound, "text")
}

func diagnoseOut(e *env, ts []string, log io.Reader, runs, bound int, format string) int {
	ev, err := diagnose.Parse(ts, log)
	if err != nil {
		return usageError(e, "diagnose: %v", oneLine(err))
	}
	all, err := scenario.Builtin()
	if err != nil {
		return usageError(e, "diagnose: %v", err)
	}
	if e.tty {
		fmt.Fprintf(e.stderr, "\rdiagnosing: running %d designs x %d seeds ...", len(all), runs)
	}
	designs := diagnose.GatherWith(all, diagnose.GatherOptions{Runs: runs})
	addProofs(designs, all, bound)
	if e.tty {
		fmt.Fprintf(e.stderr, "\r%60s\r", "")
	}
	rep := diagnose.Rank(ev, designs)
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return usageError(e, "diagnose: %v", err)
		}
		return exitOK
	}
	fmt.Fprint(e.stdout, rep.String())
	return exitOK
}
