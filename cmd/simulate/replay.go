package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

func init() {
	register(command{name: "replay", args: "FILE [flags]", summary: "replay a saved schedule: the same verdict and trace hash", run: cmdReplay})
}

func cmdReplay(e *env, args []string) int {
	fs := newFlags(e, "replay", "FILE [flags]",
		"Replays a saved schedule (from run --schedule, explore or verify) and prints the same verdict and trace hash.\n"+
			"A schedule that no longer fits the run says at which decision and step, which task it expected and what it found;\n"+
			"--continue finishes a partly matching schedule and reports how far it matched.")
	cont := fs.String("continue", "", "finish a schedule that stops fitting with `random` or zeros choices")
	corpus := fs.String("corpus", "", "replay every *.sched counterexample in `DIR`: each must still reproduce its trace hash and a violation")
	seed := fs.Uint64("seed", 1, "the seed of --continue random")
	out := addOutput(e, fs, false)
	fs.StringVar(&out.schedule, "schedule", "", "save the replayed run's schedule to `FILE` (with --continue: the repaired schedule)")
	pos, code, ok := parseOrExit(e, fs, args)
	if !ok {
		return code
	}
	if *corpus != "" {
		if len(pos) > 0 {
			return usageError(e, "replay: --corpus takes no schedule file, got %q", pos[0])
		}
		return replayCorpus(e, *corpus)
	}
	if len(pos) != 1 {
		return usageError(e, "replay: want one schedule file, got %d arguments", len(pos))
	}
	out.replayed = pos[0]
	sch, s, wseed, err := readSchedule(pos[0])
	if err != nil {
		return usageError(e, "replay: %v", err)
	}
	switch *cont {
	case "":
		rs := sim.Replay(sch)
		r := scenario.Execute(s, rs, scenario.Options{Seed: wseed, KeepEvents: true})
		if r.Err == nil && r.Outcome.Kind == sim.Diverged {
			return usageError(e, "replay: %s no longer fits the run: %s", pos[0], divergence(r.Outcome))
		}
		if r.Err == nil {
			if err := rs.Check(r.World); err != nil {
				return usageError(e, "replay: %s: %v", pos[0], oneLine(err))
			}
		}
		return finish(e, "replay", r, out)
	case "random", "zeros":
		next := sim.Zeros()
		if *cont == "random" {
			next = sim.Random(*seed)
		}
		rt := sim.ReplayThen(sch, next)
		r := scenario.Execute(s, rt, scenario.Options{Seed: wseed, KeepEvents: true})
		matched := rt.Matched()
		if bad, why := rt.Diverged(); bad {
			fmt.Fprintf(e.stdout, "matched %d of %d recorded decisions; then %s continued (%s)\n", matched, len(sch.Decisions), *cont, why)
		} else {
			fmt.Fprintf(e.stdout, "matched %d of %d recorded decisions\n", matched, len(sch.Decisions))
		}
		return finish(e, "replay", r, out)
	}
	return usageError(e, "replay: --continue %q: want random or zeros", *cont)
}

// readSchedule reads a schedule file and the scenario and seed it names.
func readSchedule(path string) (*sim.Schedule, *scenario.Scenario, uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, 0, oneLine(err)
	}
	defer f.Close()
	sch, err := sim.ReadSchedule(f)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%s: %v", path, oneLine(err))
	}
	if sch.Scenario == "" {
		return nil, nil, 0, fmt.Errorf("%s: the schedule names no scenario", path)
	}
	s, seed, err := scenario.FromSchedule(sch, nil)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%s: %v", path, oneLine(err))
	}
	return sch, s, seed, nil
}

// divergence describes where a replay stopped fitting.
func divergence(o sim.Outcome) string {
	if d := o.Divergence; d != nil {
		return oneLine(d).Error()
	}
	return o.String()
}

// replayCorpus replays every saved counterexample in dir strictly: each
// must reproduce the trace hash its file records and still violate a
// property. It prints one line per file and returns 1 when any changed.
func replayCorpus(e *env, dir string) int {
	files, err := filepath.Glob(filepath.Join(dir, "*.sched"))
	if err != nil || len(files) == 0 {
		return usageError(e, "replay: --corpus %s: no *.sched files", dir)
	}
	changed := 0
	for _, path := range files {
		sch, s, wseed, err := readSchedule(path)
		if err != nil {
			return usageError(e, "replay: %v", err)
		}
		if sch.Hash == 0 {
			return usageError(e, "replay: %s records no trace hash: a corpus schedule needs its hash line", path)
		}
		rs := sim.Replay(sch)
		r := scenario.Execute(s, rs, scenario.Options{Seed: wseed, KeepEvents: true})
		why := ""
		switch {
		case r.Err != nil:
			why = r.Err.Error()
		case r.Outcome.Kind == sim.Diverged:
			why = "no longer fits: " + divergence(r.Outcome)
		default:
			if err := rs.Check(r.World); err != nil {
				why = oneLine(err).Error()
			}
		}
		if why == "" {
			v := verdict.Judge(r, verdict.Options{})
			if !v.Violated() {
				why = "replays but violates nothing any more"
			} else {
				fmt.Fprintf(e.stdout, "ok       %s: %s\n", path, strings.Join(v.Violations(), ", "))
				continue
			}
		}
		changed++
		fmt.Fprintf(e.stdout, "CHANGED  %s: %s\n", path, why)
	}
	fmt.Fprintf(e.stdout, "%d of %d counterexamples reproduce\n", len(files)-changed, len(files))
	if changed > 0 {
		return exitViolation
	}
	return exitOK
}
