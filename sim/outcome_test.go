package sim

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// lockOrder has two tasks take two mutexes in opposite orders, sleeping in
// between, so that without preemption both hold one and wait for the other.
func lockOrder(w *World) {
	a, b := w.NewMutex("A"), w.NewMutex("B")
	w.Go("t1", func() {
		a.Lock()
		w.Sleep(time.Millisecond)
		b.Lock()
		b.Unlock()
		a.Unlock()
	})
	w.Go("t2", func() {
		b.Lock()
		w.Sleep(time.Millisecond)
		a.Lock()
		a.Unlock()
		b.Unlock()
	})
}

func TestDeadlockListsEveryBlockedTask(t *testing.T) {
	w := New(Zeros())
	lockOrder(w)
	o := w.Run()
	if o.Kind != Deadlocked {
		t.Fatalf("want deadlocked, got %v", o)
	}
	want := []BlockedTask{
		{Task: "main/t1", Process: "main", WaitsOn: "acquire mutex B held by main/t2", Object: ObjectID{Seq: 2}, Access: AccAcquire, Since: time.Millisecond},
		{Task: "main/t2", Process: "main", WaitsOn: "acquire mutex A held by main/t1", Object: ObjectID{Seq: 1}, Access: AccAcquire, Since: time.Millisecond},
	}
	if len(o.Blocked) != len(want) {
		t.Fatalf("blocked %+v, want %+v", o.Blocked, want)
	}
	for i := range want {
		if o.Blocked[i] != want[i] {
			t.Errorf("blocked[%d] = %+v, want %+v", i, o.Blocked[i], want[i])
		}
	}
	if o.Time != time.Millisecond {
		t.Errorf("deadlock at %v, want 1ms", o.Time)
	}
	if s := o.String(); !strings.Contains(s, "task main/t1 in process main waits on acquire mutex B held by main/t2") {
		t.Errorf("outcome text %q", s)
	}
}

func TestNoDeadlockIsNotReported(t *testing.T) {
	// the same tasks taking the mutexes in one order complete under every
	// schedule tried
	for seed := range uint64(50) {
		w := New(Random(seed))
		a, b := w.NewMutex("A"), w.NewMutex("B")
		for _, name := range []string{"t1", "t2"} {
			w.Go(name, func() {
				a.Lock()
				w.Sleep(time.Millisecond)
				b.Lock()
				b.Unlock()
				a.Unlock()
			})
		}
		if o := w.Run(); o.Kind != Completed || len(o.Blocked) != 0 {
			t.Fatalf("seed %d: %v", seed, o)
		}
	}
}

func TestDaemonsDoNotKeepARunAlive(t *testing.T) {
	w := New(Zeros())
	q := w.NewCond("never", w.NewMutex("m"))
	w.Go("server", func() {
		q.L.Lock()
		q.Wait()
	}).Daemon()
	w.Go("client", func() { w.Sleep(time.Second) })
	if o := w.Run(); o.Kind != Completed || o.Time != time.Second {
		t.Fatalf("got %v", o)
	}

	// a task that is not a daemon waiting forever is a deadlock, and the
	// report names the condition
	w = New(Zeros())
	q = w.NewCond("never", w.NewMutex("m"))
	w.Go("waiter", func() {
		q.L.Lock()
		q.Wait()
	})
	o := w.Run()
	if o.Kind != Deadlocked || len(o.Blocked) != 1 || o.Blocked[0].WaitsOn != "wait cond never" {
		t.Fatalf("got %v", o)
	}
}

func TestStepBudget(t *testing.T) {
	spin := func(w *World) {
		w.Go("spinner", func() {
			for {
				w.Yield()
			}
		})
		w.Go("worker", func() {
			for range 10 {
				w.Yield()
			}
		})
	}
	w := New(Random(1), MaxSteps(500))
	spin(w)
	o := w.Run()
	if o.Kind != OverBudget || o.Steps != 501 {
		t.Fatalf("want over budget at step 501, got %v", o)
	}

	// a finite workload inside its budget completes
	w = New(Random(1), MaxSteps(500))
	w.Go("worker", func() {
		for range 100 {
			w.Yield()
		}
	})
	if o := w.Run(); o.Kind != Completed || o.Steps != 101 {
		t.Fatalf("want completed after 101 steps (100 yields and the exit), got %v", o)
	}
}

func panicky(w *World) {
	w.Go("bystander", func() {
		for {
			w.Yield()
		}
	})
	w.Go("victim", func() {
		w.Yield()
		explode()
	})
}

//go:noinline
func explode() { panic("boom") }

func TestPanicNamesTaskAndStack(t *testing.T) {
	w := New(Random(3))
	panicky(w)
	o := w.Run()
	if o.Kind != Panicked {
		t.Fatalf("want panicked, got %v", o)
	}
	if o.Panic.Task != "main/victim" || o.Panic.Process != "main" || o.Panic.Value != "boom" {
		t.Fatalf("panic %+v", o.Panic)
	}
	if !strings.Contains(o.Panic.Stack, "sim.explode") {
		t.Fatalf("stack does not show the panicking function:\n%s", o.Panic.Stack)
	}
}

func TestRunsLeaveNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for seed := range uint64(100) {
		for _, build := range []func(*World){lockOrder, panicky, func(w *World) { echoWorkload(w, 2) }} {
			w := New(Random(seed), MaxSteps(300))
			build(w)
			w.Run()
		}
	}
	// unwound coroutines exit asynchronously only in their final return
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if after := runtime.NumGoroutine(); after > before+2 {
		t.Fatalf("goroutines before %d, after 300 runs %d", before, after)
	}
}

func TestRunTwicePanics(t *testing.T) {
	w := New(Zeros())
	w.Run()
	defer func() {
		if recover() == nil {
			t.Fatal("second Run did not panic")
		}
	}()
	w.Run()
}
