package sim

import (
	"testing"
	"time"
)

// report is one OnStep call: the operation and how long the trace was.
type report struct {
	op       Op
	traceLen int
}

// contendedWorkload has every kind of step OnStep reports: tasks that block
// on a mutex and a condition and are woken, sleeps, a timer callback that
// broadcasts, and spawns. Every task returns.
func contendedWorkload(w *World) {
	mu := w.NewMutex("mu")
	cond := w.NewCond("cond", mu)
	ready := 0
	w.AfterFunc(time.Millisecond, func() {
		ready++
		cond.Broadcast()
	})
	for i := range 3 {
		w.Go("worker", func() {
			mu.Lock()
			for ready == 0 {
				cond.Wait()
			}
			mu.Unlock()
			w.Sleep(time.Duration(i) * time.Millisecond)
			mu.Lock()
			w.Go("child", func() { w.Yield() })
			mu.Unlock()
		})
	}
}

// recordSteps runs workload under s and returns the reports before the
// run's end, after checking that the end was reported once, last.
func recordSteps(t *testing.T, s Strategy, workload func(*World)) (*World, Outcome, []report) {
	t.Helper()
	var reports []report
	var w *World
	w = New(s, OnStep(func(op Op) { reports = append(reports, report{op, w.Trace().Len()}) }))
	workload(w)
	o := w.Run()
	for i, r := range reports {
		if end := r.op.Task == nil && r.op.Access == 0; end != (i == len(reports)-1) {
			t.Fatalf("report %d of %d is %v", i, len(reports), r.op)
		}
	}
	return w, o, reports[:len(reports)-1]
}

// TestOnStepReportsEveryStepOnce: every step the world counts is reported
// once, every task's start (its code up to its first operation) once, every
// resumption after a block once more, every timer firing once;
// and every event between two reports is the doing of the task (or, for a
// timer firing, the scheduler) the first of them names.
func TestOnStepReportsEveryStepOnce(t *testing.T) {
	for seed := range uint64(60) {
		for _, workload := range []func(*World){contendedWorkload, func(w *World) { echoWorkload(w, 3) }} {
			w, o, reports := recordSteps(t, Random(seed), workload)
			if o.Kind != Completed {
				t.Fatalf("seed %d: %v", seed, o)
			}
			events := w.Trace().Events()
			lastReport := map[int]int{} // task ID -> index of its last report
			timers, tasks, starts := 0, 0, 0
			for i, r := range reports {
				if r.op.Task == nil {
					timers++
					if r.op.Access != AccTimer {
						t.Fatalf("seed %d: a report without a task is %v", seed, r.op)
					}
					continue
				}
				tasks++
				if r.op.Access == AccStart {
					starts++
				}
				lastReport[r.op.Task.ID()] = i
			}
			resumes, timerEvents := 0, 0
			next := 0 // the first report after event i
			for i, e := range events {
				for next < len(reports) && reports[next].traceLen <= i {
					next++
				}
				switch e.Kind {
				case EvTimer:
					timerEvents++
				case EvBlock:
					if j, ok := lastReport[e.Task]; ok && j >= next {
						resumes++
					}
				}
			}
			if timers != timerEvents {
				t.Fatalf("seed %d: %d timer reports, %d timers fired", seed, timers, timerEvents)
			}
			if tasks != w.Step()+resumes+starts || starts != len(w.Tasks()) {
				t.Fatalf("seed %d: %d task reports, want %d steps + %d resumptions + %d starts (of %d tasks)",
					seed, tasks, w.Step(), resumes, starts, len(w.Tasks()))
			}
		}
	}
}

// TestOnStepAttributesEvents: in a workload whose tasks all return, each
// event belongs to the task of the last report before it (the scheduler,
// task 0, after a timer firing).
func TestOnStepAttributesEvents(t *testing.T) {
	for seed := range uint64(60) {
		w, o, reports := recordSteps(t, Random(seed), contendedWorkload)
		if o.Kind != Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		events := w.Trace().Events()
		for k, r := range reports {
			end := len(events)
			if k+1 < len(reports) {
				end = reports[k+1].traceLen
			}
			want := 0
			if r.op.Task != nil {
				want = r.op.Task.ID()
			}
			for i := r.traceLen; i < end; i++ {
				if events[i].Task != want {
					t.Fatalf("seed %d: event %d (%v of task %d) follows the report of %v", seed, i, events[i].Kind, events[i].Task, r.op)
				}
			}
		}
	}
}

// TestOnStepChangesNothing: a run with OnStep has the trace hash and
// schedule of the same run without it.
func TestOnStepChangesNothing(t *testing.T) {
	for seed := range uint64(30) {
		plain := New(Random(seed))
		echoWorkload(plain, 3)
		po := plain.Run()
		hooked, ho, reports := recordSteps(t, Random(seed), func(w *World) { echoWorkload(w, 3) })
		if len(reports) == 0 || po.Kind != ho.Kind || plain.Trace().Hash() != hooked.Trace().Hash() ||
			plain.Schedule().String() != hooked.Schedule().String() {
			t.Fatalf("seed %d: with OnStep %v %x, without %v %x", seed, ho, hooked.Trace().Hash(), po, plain.Trace().Hash())
		}
	}
}
