package sim

import (
	"slices"
	"testing"
	"time"
)

// TestBlocked: Blocked is true exactly while a task waits to be woken: a
// sleeping task, a task queued on a held mutex; not once woken, nor done.
func TestBlocked(t *testing.T) {
	w := New(Zeros())
	mu := w.NewMutex("mu")
	var holder, waiter *Task
	var seen []bool
	holder = w.Go("holder", func() {
		mu.Lock()
		w.Sleep(time.Millisecond) // the waiter runs and blocks on mu
		seen = append(seen, waiter.Blocked())
		mu.Unlock()
		seen = append(seen, waiter.Blocked()) // woken, not yet run
	})
	waiter = w.Go("waiter", func() {
		seen = append(seen, holder.Blocked()) // asleep
		mu.Lock()
		mu.Unlock()
	})
	if o := w.Run(); o.Kind != Completed {
		t.Fatalf("%v", o)
	}
	if want := []bool{true, true, false}; !slices.Equal(seen, want) || holder.Blocked() || waiter.Blocked() {
		t.Fatalf("Blocked saw %v, want %v; after the run %v %v", seen, want, holder.Blocked(), waiter.Blocked())
	}
}

// TestDeclared: Declared follows DeclareAccesses into forked children.
func TestDeclared(t *testing.T) {
	w := New(Zeros())
	p := w.NewProcess("p")
	if p.Declared() {
		t.Fatal("a new process is declared")
	}
	p.DeclareAccesses()
	var child *Process
	p.Go("main", func() { child = p.Fork("child", nil) })
	w.Run()
	if !p.Declared() || child == nil || !child.Declared() {
		t.Fatal("DeclareAccesses does not show in Declared, or a forked child does not inherit it")
	}
}
