package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

func init() {
	register(command{name: "run", args: "SCENARIO|FILE [flags]", summary: "one run: the verdict per property and its evidence", run: cmdRun})
}

// output are the flags that say what to write about a run.
type output struct {
	trace     bool
	traceJSON string
	schedule  string
	html      string
	// replayed is the schedule file a replay read, named by the report.
	replayed string
}

func addOutput(e *env, fs *flag.FlagSet, withSchedule bool) *output {
	o := &output{}
	fs.BoolVar(&o.trace, "trace", false, "print the run's event trace")
	fs.StringVar(&o.traceJSON, "trace-json", "", "write the event trace as JSON Lines to `FILE`")
	if withSchedule {
		fs.StringVar(&o.schedule, "schedule", "", "save the run's schedule to `FILE` (simulate replay FILE replays it)")
	}
	fs.StringVar(&o.html, "html", "", "write the HTML report to `FILE`")
	return o
}

func cmdRun(e *env, args []string) int {
	fs := newFlags(e, "run", "SCENARIO|FILE [flags]",
		"Runs a scenario once under a seeded strategy and prints the verdict per property with its evidence.")
	seed := fs.Uint64("seed", 1, "the seed of the workload and of the schedule")
	strategy := fs.String("strategy", "random", "the schedule's strategy: random or pct")
	depth := fs.Int("depth", 3, "PCT's bug depth d (with --strategy pct)")
	k := addKnobs(fs)
	out := addOutput(e, fs, true)
	pos, code, ok := parseOrExit(e, fs, args)
	if !ok {
		return code
	}
	s, err := scenarioArg(pos, k)
	if err != nil {
		return usageError(e, "run: %v", err)
	}
	st, err := newStrategy(*strategy, *seed, *depth)
	if err != nil {
		return usageError(e, "run: %v", err)
	}
	r := scenario.Execute(s, st, scenario.Options{Seed: *seed, KeepEvents: true})
	return finish(e, "run", r, out)
}

// newStrategy builds a seeded strategy by name.
func newStrategy(name string, seed uint64, depth int) (sim.Strategy, error) {
	switch name {
	case "random":
		return sim.Random(seed), nil
	case "pct":
		if depth < 1 {
			return nil, fmt.Errorf("--depth %d: PCT's depth is at least 1", depth)
		}
		return sim.PCT(seed, depth), nil
	}
	return nil, fmt.Errorf("--strategy %q: want random or pct", name)
}

// finish judges a finished run, prints its verdict and writes what out
// asks for; it returns the exit code.
func finish(e *env, cmd string, r *scenario.Run, out *output) int {
	if r.Err != nil {
		return usageError(e, "%s: %v", cmd, r.Err)
	}
	v := verdict.Judge(r, verdict.Options{})
	if out.trace {
		tr := r.World.Trace()
		w := bufio.NewWriter(e.stdout)
		for _, ev := range tr.Events() {
			fmt.Fprintln(w, tr.Format(ev))
		}
		w.Flush()
	}
	if out.traceJSON != "" {
		if err := writeFile(out.traceJSON, func(f *os.File) error { return r.World.Trace().WriteJSONL(f) }); err != nil {
			return usageError(e, "%s: --trace-json: %v", cmd, err)
		}
	}
	fmt.Fprint(e.stdout, v.String())
	printEvidence(e, &v)
	if out.schedule != "" {
		if err := writeFile(out.schedule, func(f *os.File) error { _, err := r.Schedule().WriteTo(f); return err }); err != nil {
			return usageError(e, "%s: --schedule: %v", cmd, err)
		}
		fmt.Fprintf(e.stdout, "schedule saved: simulate replay %s\n", out.schedule)
	}
	if out.html != "" {
		sched := out.schedule
		if sched == "" {
			sched = out.replayed
		}
		if err := writeHTML(out.html, r, v, sched); err != nil {
			return usageError(e, "%s: --html: %v", cmd, err)
		}
		fmt.Fprintf(e.stdout, "report written: %s\n", out.html)
	}
	return exitCode(&v)
}

// printEvidence lists the first violations of every violated property.
func printEvidence(e *env, v *verdict.Verdict) {
	for _, p := range v.Properties {
		if len(p.Violations) < 2 {
			continue
		}
		fmt.Fprintf(e.stdout, "%s, %d violations:\n", p.Property, len(p.Violations))
		for i, x := range p.Violations {
			if i == 5 {
				fmt.Fprintf(e.stdout, "  ... %d more\n", len(p.Violations)-5)
				break
			}
			fmt.Fprintf(e.stdout, "  %s\n", x.String())
		}
	}
}

// exitCode is 1 for a violation, 3 for an inconclusive verdict, else 0.
func exitCode(v *verdict.Verdict) int {
	switch {
	case v.Violated():
		return exitViolation
	case v.Inconclusive():
		return exitInconclusive
	}
	return exitOK
}

// writeFile creates path and writes it with fn.
func writeFile(path string, fn func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
