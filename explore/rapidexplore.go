package explore

import (
	"flag"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/poolsim/poolsim/sim"
)

// recorder is the rapid.TB of an exploration: it keeps what rapid reports
// instead of failing a test, so that the explorer decides what a failure
// means.
type recorder struct {
	name   string
	failed bool
	log    []string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Name() string              { return r.name }
func (r *recorder) Logf(string, ...any)       {}
func (r *recorder) Log(...any)                {}
func (r *recorder) Skipf(string, ...any)      { r.failed = true }
func (r *recorder) Skip(...any)               { r.failed = true }
func (r *recorder) SkipNow()                  { r.failed = true }
func (r *recorder) Fatal(args ...any)         { r.Error(args...) }
func (r *recorder) FailNow()                  { r.failed = true }
func (r *recorder) Fail()                     { r.failed = true }
func (r *recorder) Failed() bool              { return r.failed }
func (r *recorder) Error(args ...any)         { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(f string, a ...any) { r.Errorf(f, a...) }

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	msg, _, _ := strings.Cut(fmt.Sprintf(format, args...), "\n")
	r.log = append(r.log, msg)
}

// phases of one rapid check in an exploration.
const (
	searching   = iota // drawing new schedules
	reproducing        // rapid reruns the first failing case
	shrinking          // rapid minimises it (with Config.RapidShrink)
)

// failureText is the message a counted violation fails rapid's test case
// with: the counted properties' names. Rapid keeps a shrink candidate only
// when it fails with the same message, so rapid's "same failure" is the
// shrinker's "same violation".
func failureText(names []string) string {
	return "violated: " + strings.Join(names, ", ")
}

// exploreRapid is the rapid-driven explorer. One rapid.Check draws up to
// -rapid.checks schedules (fewer with -short; cfg.Runs caps them) and ends
// at the first that violates a counted property; when it finds none and
// cfg.Runs allows more, another check follows with a fresh rapid seed
// (not when -rapid.seed fixes it, which would repeat the same schedules).
// KeepGoing does not apply: rapid stops at its first failing case.
//
// Without cfg.RapidShrink the check is abandoned at the first failing
// case: rapid neither shrinks it nor writes a fail file (the found
// schedule replays by itself). With it, rapid reproduces and minimises
// the case (Found.RapidMinimum) and writes its draws to
// testdata/rapid/NAME/NAME-TIME-PID.fail under the working directory
// (NAME is cfg.Name or "explore-SCENARIO-seedN-SPLIT", with characters
// other than letters, digits, - and _ made _), unless -rapid.nofailfile.
// Every later rapid exploration of the same name from the same directory
// replays those files first, so the case is found again at its first run;
// -rapid.failfile=PATH replays one file.
//
// Each check runs on a goroutine of its own, so that abandoning it
// (runtime.Goexit from the property) ends only rapid's work; the
// simulated runs inside it are whole and sequential as anywhere else.
func exploreRapid(t Target, cfg Config) (Result, error) {
	testing.Init() // rapid reads testing.Short; a no-op under go test
	res := Result{Strategy: Rapid}
	name := cfg.Name
	if name == "" {
		split := t.Scenario.Run.Split
		if split == "" {
			split = sim.SplitWrites.String()
		}
		name = fmt.Sprintf("explore-%s-seed%d-%s", t.Scenario.Name, t.Seed, split)
	}
	fixedSeed := false
	if f := flag.Lookup("rapid.seed"); f != nil && f.Value.String() != "0" {
		fixedSeed = true
	}
	var runErr error
	for {
		rec := &recorder{name: name}
		phase, found, text := searching, (*Found)(nil), ""
		prop := func(rt *rapid.T) {
			if phase == searching && cfg.Runs > 0 && res.Runs >= cfg.Runs {
				return // the budget is spent: pass without drawing
			}
			m := &meter{Strategy: RapidStrategy(rt)}
			run, v := Attempt(t, m)
			if run.Err != nil {
				runErr = run.Err
				runtime.Goexit()
			}
			if phase == searching {
				if found = res.record(t, run, v, m.size); found == nil {
					return
				}
				if !cfg.RapidShrink {
					runtime.Goexit() // abandon the check: no shrinking, no fail file
				}
				phase, text = reproducing, failureText(found.Violated)
			} else {
				res.RapidShrinkRuns++
				if failureText(t.Counted(&v)) != text {
					return // rapid rejects the candidate (or reports a flaky failure)
				}
				if phase == shrinking {
					found.RapidMinimum = run.Schedule() // the last is rapid's minimum
				}
				phase = shrinking
			}
			rt.Fatalf("%s", text) // one call site: rapid compares tracebacks
		}
		before := res.Runs
		done := make(chan struct{})
		go func() {
			defer close(done)
			rapid.Check(rec, prop)
		}()
		<-done
		res.RapidLog = append(res.RapidLog, rec.log...)
		if runErr != nil {
			return res, runErr
		}
		if found != nil {
			res.Violations = append(res.Violations, *found)
			break
		}
		if fixedSeed || res.Runs == before || cfg.Runs <= 0 || res.Runs >= cfg.Runs {
			break
		}
	}
	return res, nil
}
