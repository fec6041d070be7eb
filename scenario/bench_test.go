package scenario

import (
	"syscall"
	"testing"
	"time"

	"github.com/poolsim/poolsim/sim"
)

// cpuTime is the process's user plus system CPU time so far: the
// benchmarks report it next to wall time, which a loaded machine
// inflates.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScenarios measures one run of every built-in scenario at its
// default size (the incident's two at their full size), with the client
// truth and the server's wire log on, as Run records them: wall time,
// CPU time, allocations, steps and decisions per run. gthread-queuepool is
// the 2-process x 2-thread x 3-request scenario the run-time target is
// set for.
func BenchmarkScenarios(b *testing.B) {
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			s, err := Lookup(name)
			if err != nil {
				b.Fatal(err)
			}
			if r := RunSeed(s, 0); r.Err != nil {
				b.Skip(r.Err)
			}
			b.ReportAllocs()
			steps, decisions := 0, 0
			cpu := cpuTime()
			b.ResetTimer()
			for i := range b.N {
				r := Execute(s, sim.Random(uint64(i)), Options{Seed: uint64(i)})
				steps += r.Outcome.Steps
				decisions += r.Outcome.Decisions
			}
			b.StopTimer()
			b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(steps)/float64(b.N), "steps/op")
			b.ReportMetric(float64(decisions)/float64(b.N), "decisions/op")
		})
	}
}
