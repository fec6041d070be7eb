package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/poolsim/poolsim/explore"
	"github.com/poolsim/poolsim/verify"
)

func init() {
	register(command{name: "verify", args: "SCENARIO|FILE --bound K [flags]",
		summary: "bounded exhaustive search: every schedule up to a delay bound, or a counterexample", run: cmdVerify})
}

// verifyDoc is verify --json's document: the search's result.
type verifyDoc struct {
	Kind      string        `json:"kind"` // "verify"
	Statement string        `json:"statement"`
	Result    verify.Result `json:"result"`
}

func cmdVerify(e *env, args []string) int {
	fs := newFlags(e, "verify", "SCENARIO|FILE --bound K [flags]",
		"Runs every schedule of a scenario with at most K delays (non-zero choices of run and timer decisions) and\n"+
			"at most S splits (non-zero split choices), depth first, with a sound partial-order reduction, and states\n"+
			"everything its answer depends on. Exit 0 when no schedule violates, 1 on a counterexample (shrunk and\n"+
			"saved), 3 when the budget ran out first. --shard K/N searches one of N parts of the tree (K from 0);\n"+
			"simulate merge joins the parts' --json results into the unsharded answer.")
	bound := fs.Int("bound", 2, "the delay bound K")
	splitBound := fs.Int("split-bound", 0, "the split bound S")
	wseed := fs.Uint64("seed", 1, "the workload seed")
	noReduction := fs.Bool("no-reduction", false, "run every schedule within the bounds, without the reduction")
	maxSchedules := fs.Int("max-schedules", 0, "stop after this many schedules, inconclusive (0: no budget)")
	shardFlag := fs.String("shard", "", "search part `K/N` of the tree (K from 0)")
	keepGoing := fs.Bool("keep-going", false, "search the whole tree even after a counterexample, counting the violating schedules")
	jsonOut := fs.String("json", "", "write the result as JSON to `FILE` (simulate merge combines shards)")
	save := fs.String("save", "", "save the shrunk counterexample to `FILE` (default: SCENARIO-verify.sched)")
	k := addKnobs(fs)
	pos, code, ok := parseOrExit(e, fs, args)
	if !ok {
		return code
	}
	s, sh, err := scenarioAndShard(pos, k, *shardFlag)
	if err != nil {
		return usageError(e, "verify: %v", err)
	}
	switch {
	case *bound < 0:
		return usageError(e, "verify: --bound %d: want 0 or more", *bound)
	case *splitBound < 0:
		return usageError(e, "verify: --split-bound %d: want 0 or more", *splitBound)
	case *maxSchedules < 0:
		return usageError(e, "verify: --max-schedules %d: want 0 or more", *maxSchedules)
	}
	cfg := verify.Config{Bound: *bound, SplitBound: *splitBound, Reduction: !*noReduction, MaxSchedules: *maxSchedules,
		StopAtViolation: !*keepGoing, Shard: verify.Shard{K: sh.k, N: sh.n}}
	res := verify.Search(verify.ScenarioProgram(s, *wseed, nil), cfg)
	fmt.Fprintln(e.stdout, res.Statement())
	if *jsonOut != "" {
		if err := writeJSON(*jsonOut, verifyDoc{Kind: "verify", Statement: res.Statement(), Result: res}); err != nil {
			return usageError(e, "verify: --json: %v", err)
		}
	}
	return verifyExit(e, res, *save, s.Name, *wseed)
}

// verifyExit shrinks and saves a counterexample and returns the exit
// code of a search's result.
func verifyExit(e *env, res verify.Result, save, name string, wseed uint64) int {
	if ce := res.Counterexample; ce != nil {
		sched := ce.Schedule
		if tg, err := explore.TargetOf(sched); err == nil {
			tg.Seed = wseed
			if shrunk, _, st := explore.Shrink(tg, sched); st.Err == "" {
				sched = shrunk
				fmt.Fprintf(e.stdout, "shrunk: %s\n", st.String())
			}
		}
		if save == "" {
			save = name + "-verify.sched"
		}
		if err := writeFile(save, func(f *os.File) error { _, err := sched.WriteTo(f); return err }); err != nil {
			return usageError(e, "verify: saving the counterexample: %v", err)
		}
		fmt.Fprintf(e.stdout, "replay: simulate replay %s\n", save)
		return exitViolation
	}
	if !res.Exhausted {
		return exitInconclusive
	}
	return exitOK
}

// mergeVerify merges the --json results of verify's shards.
func mergeVerify(e *env, paths []string, datas [][]byte, out string) int {
	var rs []verify.Result
	for i, data := range datas {
		var d verifyDoc
		if err := json.Unmarshal(data, &d); err != nil {
			return usageError(e, "merge: %s: %v", paths[i], oneLine(err))
		}
		rs = append(rs, d.Result)
	}
	m, err := mergeVerifyResults(rs)
	if err != nil {
		return usageError(e, "merge: %v", err)
	}
	fmt.Fprintln(e.stdout, m.Statement())
	if out != "" {
		if err := writeJSON(out, verifyDoc{Kind: "verify", Statement: m.Statement(), Result: m}); err != nil {
			return usageError(e, "merge: %v", err)
		}
	}
	switch {
	case m.Counterexample != nil:
		fmt.Fprintf(e.stdout, "counterexample schedule:\n%s", strings.TrimRight(m.Counterexample.Schedule.String(), "\n")+"\n")
		return exitViolation
	case !m.Exhausted:
		return exitInconclusive
	}
	return exitOK
}

// mergeVerifyResults is verify.Merge, with its refusal of results that are
// not shards of one search as an error.
func mergeVerifyResults(rs []verify.Result) (m verify.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the results are not distinct shards of one search")
		}
	}()
	return verify.Merge(rs...), nil
}
