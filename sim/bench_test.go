package sim

import (
	"fmt"
	"iter"
	"testing"
)

// rotate is the strategy that always preempts: every Run decision switches
// to the next runnable task, the worst case for the scheduler.
type rotate struct{}

func (rotate) Choose(d Decision) int { return 1 % d.N }

// BenchmarkStep reports the cost of one scheduling step (a decision point
// reached by a task, the strategy's choice, its recording in the schedule
// and, when it picks another task, the switch) with 2, 16 and 64 tasks
// that do nothing but yield; the +event variant also records one trace
// event per step.
// Compare ns/step with BenchmarkCoroutineSwitch in the same run: that is
// the floor, one resume-and-yield of a bare iter.Pull coroutine.
func BenchmarkStep(b *testing.B) {
	for _, strat := range []struct {
		name string
		make func() Strategy
		note bool // each step also records a trace event
	}{
		{"random", func() Strategy { return Random(1) }, false},
		{"always-switch", func() Strategy { return rotate{} }, false},
		{"always-switch+event", func() Strategy { return rotate{} }, true},
	} {
		for _, tasks := range []int{2, 16, 64} {
			b.Run(fmt.Sprintf("%s/tasks=%d", strat.name, tasks), func(b *testing.B) {
				w := New(strat.make(), KeepEvents(false), MaxSteps(b.N+tasks))
				per := b.N/tasks + 1
				for i := range tasks {
					w.Go(fmt.Sprintf("t%d", i), func() {
						for range per {
							w.Yield()
							if strat.note {
								w.Note("step")
							}
						}
					})
				}
				b.ResetTimer()
				o := w.Run()
				b.StopTimer()
				if o.Kind != Completed && o.Kind != OverBudget {
					b.Fatal(o)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(o.Steps), "ns/step")
			})
		}
	}
}

// BenchmarkCoroutineSwitch is the baseline for BenchmarkStep: resuming
// each of n bare iter.Pull coroutines in turn until it yields.
func BenchmarkCoroutineSwitch(b *testing.B) {
	for _, tasks := range []int{2, 16, 64} {
		b.Run(fmt.Sprintf("tasks=%d", tasks), func(b *testing.B) {
			nexts := make([]func() (int, bool), tasks)
			for i := range nexts {
				next, stop := iter.Pull(func(yield func(int) bool) {
					for j := 0; yield(j); j++ {
					}
				})
				defer stop()
				nexts[i] = next
			}
			b.ResetTimer()
			for i := range b.N {
				nexts[i%tasks]()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/step")
		})
	}
}

// BenchmarkEchoRun is a whole run of the echo workload (three clients, a
// server process, sockets, timers), for the cost of a run during
// exploration.
func BenchmarkEchoRun(b *testing.B) {
	for i := range b.N {
		runEcho(Random(uint64(i)), KeepEvents(false))
	}
}
