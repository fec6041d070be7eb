package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/poolsim/poolsim/review"
	"github.com/poolsim/poolsim/scenario"
)

func init() {
	register(command{name: "review", args: "[SCENARIO|FILE...] [flags]",
		summary: "per design the verdict per property, sizes, replay commands, connections, latencies", run: cmdReview})
}

// reviewFlags are the flags of review and of the default command.
type reviewFlags struct {
	runs, bound, depth  int
	strategy, format    string
	expect, writeExpect string
}

func addReviewFlags(fs *flag.FlagSet, runs, bound int) *reviewFlags {
	f := &reviewFlags{}
	fs.IntVar(&f.runs, "runs", runs, "sampled schedules per design at its own size (seeds 1 to N)")
	fs.IntVar(&f.bound, "bound", bound, "delay bound of the exhaustive search at the small size, for designs the sampling found no violation in (-1: none)")
	fs.StringVar(&f.strategy, "strategy", "random", "the sampling strategy: random or pct")
	fs.IntVar(&f.depth, "depth", 3, "PCT's bug depth d (with --strategy pct)")
	fs.StringVar(&f.format, "format", "table", "output: table, markdown, json or html")
	fs.StringVar(&f.expect, "expect", "", "compare with the expected verdicts in `FILE`: exit 0 when all are as expected, 1 on any change")
	fs.StringVar(&f.writeExpect, "write-expect", "", "write the verdicts found as expectations to `FILE` (to update them deliberately)")
	return f
}

func cmdReview(e *env, args []string) int {
	fs := newFlags(e, "review", "[SCENARIO|FILE...] [flags]",
		"Reviews designs side by side (every built-in scenario when none is named): per design the verdict per property\n"+
			"(SAFE up to a bound at a small size, NO VIOLATION in N schedules at its own size, UNSAFE, INCONCLUSIVE), the first\n"+
			"counterexample's replay command, symptom texts, peak server connections and virtual latency p50/p99.\n"+
			"Budgets are counted in runs, so the verdicts do not depend on the machine's speed.")
	f := addReviewFlags(fs, 8, 1)
	pos, code, ok := parseOrExit(e, fs, args)
	if !ok {
		return code
	}
	var designs []*scenario.Scenario
	if len(pos) == 0 {
		all, err := scenario.Builtin()
		if err != nil {
			return usageError(e, "review: %v", err)
		}
		designs = all
	}
	for _, p := range pos {
		s, err := loadScenario(p)
		if err != nil {
			return usageError(e, "review: %v", err)
		}
		designs = append(designs, s)
	}
	return runReview(e, "review", designs, f, e.stdout)
}

// runReview reviews designs and writes them in f's format; with an
// expectations file it compares.
func runReview(e *env, cmd string, designs []*scenario.Scenario, f *reviewFlags, w io.Writer) int {
	var ex review.Expectations
	if f.expect != "" {
		var err error
		if ex, err = review.LoadExpectations(f.expect); err != nil {
			return usageError(e, "%s: --expect: %v", cmd, err)
		}
	}
	switch f.format {
	case "table", "markdown", "json", "html":
	default:
		return usageError(e, "%s: --format %q: want table, markdown, json or html", cmd, f.format)
	}
	if f.runs < 1 {
		return usageError(e, "%s: --runs %d: want at least 1", cmd, f.runs)
	}
	if f.strategy != "random" && f.strategy != "pct" {
		return usageError(e, "%s: --strategy %q: want random or pct", cmd, f.strategy)
	}
	cfg := review.Config{Runs: f.runs, Strategy: f.strategy, Depth: f.depth, Verify: verifier(f.bound)}
	rows := make([]review.Row, len(designs))
	errs := make([]error, len(designs))
	var mu sync.Mutex
	done := 0
	parallelDo(len(designs), func(i int) {
		rows[i], errs[i] = review.Evaluate(designs[i], cfg)
		mu.Lock()
		done++
		if e.tty {
			fmt.Fprintf(e.stderr, "\rreviewed %d of %d designs", done, len(designs))
		}
		mu.Unlock()
	})
	if err := errors.Join(errs...); err != nil {
		return usageError(e, "%s: %v", cmd, oneLine(err))
	}
	if e.tty {
		fmt.Fprintf(e.stderr, "\r%60s\r", "")
	}
	var err error
	switch f.format {
	case "table":
		err = review.WriteTable(w, rows)
	case "markdown":
		err = review.WriteMarkdown(w, rows)
	case "json":
		err = review.WriteJSON(w, rows)
	case "html":
		err = review.WriteHTML(w, rows)
	}
	if err != nil {
		return usageError(e, "%s: %v", cmd, err)
	}
	if f.writeExpect != "" {
		if err := writeFile(f.writeExpect, func(fh *os.File) error { return review.WriteExpectations(fh, rows) }); err != nil {
			return usageError(e, "%s: --write-expect: %v", cmd, err)
		}
	}
	if ex != nil {
		diffs := ex.Compare(rows)
		for _, d := range diffs {
			fmt.Fprintf(e.stderr, "simulate: %s: verdict changed: %s\n", cmd, d)
		}
		if len(diffs) > 0 {
			return exitViolation
		}
		fmt.Fprintf(e.stdout, "all %d designs as expected (%s)\n", len(rows), f.expect)
		return exitOK
	}
	code := exitOK
	for _, r := range rows {
		if r.Verdict == review.Inconclusive && code == exitOK {
			code = exitInconclusive
		}
	}
	return code
}
