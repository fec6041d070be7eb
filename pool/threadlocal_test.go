package pool_test

import (
	"testing"
	"time"

	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// TestThreadLocalSurvivesForkForTheForkingThread: after a fork only the
// forking thread's value is a thread's in the child (its first task); the
// other thread's value is copied but unreachable.
func TestThreadLocalSurvivesForkForTheForkingThread(t *testing.T) {
	w := sim.New(sim.Random(20))
	l := &pool.ThreadLocal[*int]{}
	var childFirst, childSecond, parentAfter *int
	var okFirst, okSecond bool
	var orphans int
	w.Go("holder", func() {
		v := 1
		l.Set(w, &v)
		w.Sleep(time.Second)
		parentAfter, _ = l.Get(w)
	})
	w.Go("forker", func() {
		v := 2
		l.Set(w, &v)
		w.Sleep(time.Millisecond)
		var cl *pool.ThreadLocal[*int]
		kid := w.Main().Fork("worker", func(c *sim.Process) {
			cp := procmem.NewCopier(c)
			cl = l.CopyInto(cp, w, func(p *int) *int { n := *p; return &n })
		})
		orphans = len(cl.Values())
		kid.Go("main", func() {
			childFirst, okFirst = cl.Get(w)
			kid.Go("thread", func() { childSecond, okSecond = cl.Get(w) })
		})
	})
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	if !okFirst || *childFirst != 2 {
		t.Fatalf("child's first task got %v, %v; want the forking thread's 2", childFirst, okFirst)
	}
	if okSecond || childSecond != nil {
		t.Fatalf("another child task got %v", childSecond)
	}
	if orphans != 2 || parentAfter == nil || *parentAfter != 1 {
		t.Fatalf("copy holds %d values (want 2), parent's holder sees %v", orphans, parentAfter)
	}
}
