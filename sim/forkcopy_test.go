package sim

import (
	"strings"
	"testing"
	"time"
)

// TestLockHeldAtForkStaysHeldInChild: a background thread holds a mutex
// of the process's memory when another thread forks; the child's copy is
// held by a thread that does not exist there, so the child's task that
// takes it hangs, and the deadlock report names the lock and the holder.
func TestLockHeldAtForkStaysHeldInChild(t *testing.T) {
	w := New(Zeros())
	app := w.NewProcess("app")
	var held *Mutex
	app.Go("master", func() {
		held = w.NewMutex("engine")
		app.Go("scheduler", func() {
			held.Lock()
			w.Sleep(10 * time.Millisecond) // holds the lock while the master forks
			held.Unlock()
		})
		w.Sleep(time.Millisecond) // the scheduler takes the lock meanwhile
		app.Fork("worker", func(kid *Process) {
			mine := held.In(kid)
			kid.Go("main", func() {
				mine.Lock()
				mine.Unlock()
			})
		})
	})
	o := w.Run()
	if o.Kind != Deadlocked || len(o.Blocked) != 1 {
		t.Fatalf("want the child's task deadlocked on the copied lock, got %v", o)
	}
	b := o.Blocked[0]
	if b.Task != "app/worker#1/main" || b.Access != AccAcquire ||
		!strings.Contains(b.WaitsOn, "mutex engine held by app/master/scheduler (at fork") {
		t.Fatalf("blocked %+v", b)
	}
	if b.Object != (ObjectID{Owner: "app/master@app/worker#1", Seq: 1}) {
		t.Fatalf("copied mutex identity %v", b.Object)
	}
}

// TestFreeLockAtForkIsFreeInChild: a mutex that nobody held at fork is a
// free, separate lock in the child: the parent holding its own copy does
// not block the child.
func TestFreeLockAtForkIsFreeInChild(t *testing.T) {
	w := New(Zeros())
	app := w.NewProcess("app")
	ran := false
	app.Go("master", func() {
		m := w.NewMutex("pool")
		cond := w.NewCond("available", m)
		app.Fork("worker", func(kid *Process) {
			km, kc := m.In(kid), cond.In(kid)
			if kc.L != km {
				panic("the child's condition is not on the child's mutex")
			}
			kid.Go("main", func() {
				km.Lock()
				ran = true
				kc.Signal()
				km.Unlock()
			})
		})
		m.Lock()
		w.Yield()
		w.Yield()
		m.Unlock()
	})
	if o := w.Run(); o.Kind != Completed || !ran {
		t.Fatalf("got %v, child ran: %v", o, ran)
	}
}

// TestParentsMutexInChildPanics: a child's task using the parent's mutex
// object (not its copy) is a modelling error, reported at once.
func TestParentsMutexInChildPanics(t *testing.T) {
	w := New(Zeros())
	app := w.NewProcess("app")
	app.Go("master", func() {
		m := w.NewMutex("pool")
		app.Fork("worker", func(kid *Process) {
			kid.Go("main", func() { m.Lock() })
		})
	})
	o := w.Run()
	if o.Kind != Panicked || !strings.Contains(o.Panic.Value.(string), "lock of mutex pool of process app by task app/worker#1/main") {
		t.Fatalf("got %v", o)
	}
}

// TestSharedMutexIsNotCopied: a shared mutex (shared memory) is the same
// object in every process, and a held one blocks other processes.
func TestSharedMutexIsNotCopied(t *testing.T) {
	w := New(Zeros())
	m := w.NewSharedMutex("shared buffers")
	a, b := w.NewProcess("a"), w.NewProcess("b")
	order := ""
	a.Go("t", func() {
		m.Lock()
		w.Yield()
		order += "a"
		m.Unlock()
	})
	b.Go("t", func() {
		m.Lock()
		order += "b"
		m.Unlock()
	})
	if o := w.Run(); o.Kind != Completed || order != "ab" {
		t.Fatalf("got %v, order %q", o, order)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("In on a shared mutex did not panic")
		}
	}()
	m.In(a)
}
