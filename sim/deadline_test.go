package sim

import (
	"strings"
	"testing"
	"time"
)

// TestDeadlineNamesHungTasks: a heartbeat keeps timers firing for ever, so
// the run never deadlocks; at the virtual deadline the task blocked for
// longer than the threshold is named as hung with what it waits on, and
// the task that blocked recently is not.
func TestDeadlineNamesHungTasks(t *testing.T) {
	w := New(Random(1), Deadline(time.Minute, 30*time.Second))
	arbiter := w.NewProcess("arbiter")
	arbiter.Go("heartbeat", func() {
		for {
			w.Sleep(time.Second)
		}
	}).Daemon()
	m := w.NewSharedMutex("engine")
	app := w.NewProcess("app")
	app.Go("holder", func() {
		m.Lock()
		w.Sleep(time.Hour)
	})
	app.Go("stuck", func() {
		w.Sleep(time.Second)
		m.Lock()
	})
	app.Go("late", func() {
		w.Sleep(50 * time.Second)
		m.Lock()
	})
	o := w.Run()
	if o.Kind != DeadlineReached || o.Time != time.Minute {
		t.Fatalf("got %v", o)
	}
	var names []string
	for _, h := range o.Hung {
		names = append(names, h.Task+": "+h.WaitsOn)
	}
	got := strings.Join(names, "; ")
	want := "app/holder: sleep until 1h0m0s; app/stuck: acquire mutex engine held by app/holder"
	if got != want {
		t.Fatalf("hung %q, want %q", got, want)
	}
}

// TestGoOnExitedProcessIsRefused: a task started in a process that has
// exited never runs, and says so (it is Done and Refused, and the trace
// records the refusal) instead of vanishing silently.
func TestGoOnExitedProcessIsRefused(t *testing.T) {
	w := New(Zeros())
	p := w.NewProcess("worker")
	p.Go("only", func() {})
	var late *Task
	w.Go("arbiter", func() {
		w.Yield()
		late = p.Go("late", func() { t.Error("a task of an exited process ran") })
	})
	if o := w.Run(); o.Kind != Completed {
		t.Fatalf("got %v", o)
	}
	if !late.Done() || !late.Refused() {
		t.Fatalf("late task: done %v refused %v", late.Done(), late.Refused())
	}
	var exits, refusals int
	for _, e := range w.Trace().Events() {
		if e.Kind == EvKill {
			t.Errorf("a normal exit traced as a kill: %s", w.Trace().Format(e))
		}
		if e.Kind == EvProcExit && w.Trace().Detail(e) == "worker" {
			exits++
		}
		if e.Kind == EvSpawn && strings.HasSuffix(w.Trace().Detail(e), "refused: process exited") {
			refusals++
		}
	}
	if exits != 1 || refusals != 1 {
		t.Fatalf("%d process exits, %d refusals traced", exits, refusals)
	}
}

// TestIdleSignalIsNotAStep: signalling or broadcasting a condition nobody
// waits on, with its mutex held, changes nothing another task could see:
// it is neither a step nor an event. With a waiter it is both.
func TestIdleSignalIsNotAStep(t *testing.T) {
	steps := func(waiter bool) (int, int) {
		w := New(Zeros())
		m := w.NewMutex("m")
		c := w.NewCond("c", m)
		if waiter {
			w.Go("waiter", func() {
				m.Lock()
				c.Wait()
				m.Unlock()
			})
		}
		w.Go("signaller", func() {
			m.Lock()
			c.Signal()
			c.Broadcast()
			m.Unlock()
		})
		w.Run()
		signals := 0
		for _, e := range w.Trace().Events() {
			if e.Kind == EvSignal {
				signals++
			}
		}
		return w.Step(), signals
	}
	if s, n := steps(false); s != 3 || n != 0 {
		t.Fatalf("without a waiter: %d steps (want 3: lock, unlock, exit), %d signal events", s, n)
	}
	if _, n := steps(true); n != 1 {
		t.Fatalf("with a waiter: %d signal events, want 1 (the broadcast finds nobody left)", n)
	}
}
