package sim

import (
	"runtime"
	"testing"
	"time"
)

// controlFlow is a panic value of the kind rapid raises for control flow
// (a shrink candidate reading past its data, a failed draw).
type controlFlow struct{ why string }

// panicAt is a strategy that panics at decision k, as a rapid-driven
// strategy does when its data runs out.
type panicAt struct{ k int }

func (p panicAt) Choose(d Decision) int {
	if d.Index == p.k {
		panic(controlFlow{"overrun"})
	}
	return d.Index % d.N
}

// recoveringWorkers are tasks whose loops recover every panic, as Gunicorn's
// and Celery's worker loops do, doing sim operations (decision points and
// reads) in between.
func recoveringWorkers(w *World) {
	a, b := w.Main().Fork("peer", nil), w.Main()
	ln, _ := a.Listen("x")
	a.Go("server", func() {
		c, _ := ln.Accept()
		for {
			func() {
				defer func() { recover() }()
				c.Write([]byte("tick"))
			}()
		}
	}).Daemon()
	b.Go("worker", func() {
		c, _ := w.Dial("x")
		buf := make([]byte, 3)
		for {
			func() {
				defer func() { recover() }() // swallows everything
				c.Read(buf)
				w.Yield()
			}()
		}
	})
}

// TestStrategyPanicReachesRunsCaller: a strategy's panic is not a task
// panic (the task's recover must not take it): it ends the run, the tasks
// are torn down, and Run re-panics the same value on its caller's
// goroutine.
func TestStrategyPanicReachesRunsCaller(t *testing.T) {
	for _, k := range []int{0, 1, 5, 40} {
		before := runtime.NumGoroutine()
		w := New(panicAt{k}, MaxSteps(10_000))
		recoveringWorkers(w)
		got := func() (r any) {
			defer func() { r = recover() }()
			w.Run()
			return nil
		}()
		if cf, ok := got.(controlFlow); !ok || cf.why != "overrun" {
			t.Fatalf("k=%d: Run's caller recovered %#v, want the strategy's controlFlow", k, got)
		}
		if !w.ended || w.outcome.Kind == Panicked {
			t.Fatalf("k=%d: run not ended by the strategy's panic: %v", k, w.outcome)
		}
		// the loops swallow the unwind too: they stay parked, and only they
		waitGoroutines(t, before+len(w.outcome.Stuck))
	}
}

// TestSwallowedUnwindIsParked: a task that recovers the unwind signal and
// keeps making sim operations cannot keep a finished run alive: Run
// returns, and the outcome names the task.
func TestSwallowedUnwindIsParked(t *testing.T) {
	w := New(Random(7), MaxSteps(2000))
	recoveringWorkers(w)
	done := make(chan Outcome, 1)
	go func() { done <- w.Run() }()
	var o Outcome
	select {
	case o = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return: the unwind was swallowed")
	}
	if o.Kind != OverBudget {
		t.Fatalf("want over budget, got %v", o)
	}
	if len(o.Stuck) != 2 || o.Stuck[0] != "main/peer#1/server" || o.Stuck[1] != "main/worker" {
		t.Fatalf("stuck %q, want both recovering loops", o.Stuck)
	}
}

// TestUnwindRepanickedEndsCleanly: a loop that recovers everything but
// re-panics the unwind signal (sim.IsUnwind) is unwound normally.
func TestUnwindRepanickedEndsCleanly(t *testing.T) {
	before := runtime.NumGoroutine()
	w := New(Random(7), MaxSteps(2000))
	recovered := 0
	w.Go("worker", func() {
		for {
			func() {
				defer func() {
					if r := recover(); r != nil {
						if IsUnwind(r) {
							panic(r)
						}
						recovered++
					}
				}()
				w.Yield()
				panic("handler failed")
			}()
		}
	})
	o := w.Run()
	if o.Kind != OverBudget || len(o.Stuck) != 0 || recovered == 0 {
		t.Fatalf("got %v (stuck %q, %d handler panics recovered)", o, o.Stuck, recovered)
	}
	waitGoroutines(t, before)
}

// TestInvalidChoiceIsReturned: a choice out of range ends the run as
// diverged, returned from Run (not a panic).
func TestInvalidChoiceIsReturned(t *testing.T) {
	w := New(strategyFunc(func(d Decision) int { return d.N }))
	recoveringWorkers(w)
	o := w.Run()
	if o.Kind != Diverged || o.Divergence == nil {
		t.Fatalf("got %v", o)
	}
}

type strategyFunc func(Decision) int

func (f strategyFunc) Choose(d Decision) int { return f(d) }

// waitGoroutines waits briefly for the goroutine count to fall back to n.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	for range 100 {
		if runtime.NumGoroutine() <= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%d goroutines, had %d before the run", runtime.NumGoroutine(), n)
}
