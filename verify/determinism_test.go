package verify

import (
	"reflect"
	"runtime"
	"testing"
)

// summary is what must not differ between two runs of one search.
type summary struct {
	Statement                                string
	Schedules, Pruned, Classes, CacheEntries int
	Traces, States                           []uint64
	Violations                               map[string]int
	Counterexample                           string
}

func summarize(r Result) summary {
	s := summary{Statement: r.Statement(), Schedules: r.Schedules, Pruned: r.Pruned, Classes: r.Classes,
		CacheEntries: r.CacheEntries, Traces: r.Traces, States: r.States, Violations: r.Violations}
	if ce := r.Counterexample; ce != nil {
		sch := *ce.Schedule
		sch.Build = "" // the binary, not the search
		s.Counterexample = sch.String()
	}
	return s
}

// TestSearchIsDeterministic: the same search gives the same counts,
// statement, fingerprints and counterexample every time and on any
// GOMAXPROCS (porcupine, which judges linearizability, runs goroutines).
func TestSearchIsDeterministic(t *testing.T) {
	searches := []struct {
		p   Program
		cfg Config
	}{
		{handProgram("forked socket", forkedSocket), Config{Bound: 2, SplitBound: 1, Reduction: true}},
		{ScenarioProgram(preloadNoDispose(t), 1, nil), Config{Bound: 1, Reduction: true}},
		{ScenarioProgram(queuePool2x2(t), 1, nil), Config{Bound: 1, Reduction: true, MaxSchedules: 60}},
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range searches {
		var first summary
		for i, procs := range []int{1, 2, 1} {
			runtime.GOMAXPROCS(procs)
			got := summarize(Search(c.p, c.cfg))
			if i == 0 {
				first = got
				continue
			}
			if !reflect.DeepEqual(got, first) {
				t.Fatalf("%s: with GOMAXPROCS %d\n%+v\nfirst\n%+v", c.p.Subject, procs, got, first)
			}
		}
		t.Log(first.Statement)
	}
}
