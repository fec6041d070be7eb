package pool_test

import (
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// forkedCheckout makes a pooled connection in the parent, forks, and has
// the child check out of its copy of the pool while the parent keeps
// using its connection. It returns the parent's and the child's backend
// PIDs, the parent's session end, and the parent's last query's error.
func forkedCheckout(t *testing.T, recipe bool) (parent, child int32, sessions int, end fakepg.EndReason, perr error) {
	e := newEnv(t, sim.Random(17))
	p := pool.NewQueuePool(e.w, e.creator(), pool.DefaultQueueOptions(), pool.Options{})
	if recipe {
		pool.PIDCheck(p)
	}
	e.w.Go("master", func() {
		f := mustConnect(t, p)
		parent = f.Conn().BackendPID()
		_ = f.Close()
		var cp *pool.Pool
		kid := e.w.Main().Fork("worker", func(c *sim.Process) { cp = p.CopyInto(procmem.NewCopier(c)) })
		done := false
		kid.Go("main", func() {
			g := mustConnect(t, cp)
			child = g.Conn().BackendPID()
			_ = g.Close()
			done = true
		})
		for !done {
			e.w.Sleep(time.Millisecond)
		}
		g := mustConnect(t, p)
		cur, err := g.Conn().Cursor()
		if err == nil {
			err = cur.Execute("SELECT 1")
		}
		perr = err
		end = e.session(parent).End
	})
	e.run()
	return parent, child, len(e.admitted()), end, perr
}

// TestPIDCheckInForkedChild: with the recipe the child's checkout finds
// the parent's pid on the pooled connection, drops it without a word on
// the socket and connects for itself; the parent's session is untouched.
func TestPIDCheckInForkedChild(t *testing.T) {
	parent, child, sessions, end, perr := forkedCheckout(t, true)
	if child == parent || sessions != 2 {
		t.Fatalf("child pid %d, parent %d, %d sessions: want the child on its own connection", child, parent, sessions)
	}
	if end != fakepg.SessionOpen || perr != nil {
		t.Fatalf("parent's session %v, its query: %v", end, perr)
	}
}

// TestForkedChildWithoutPIDCheck: without the recipe the child's copy of
// the pool hands out the parent's connection: the child's checkin resets
// it (nothing to roll back here) and both processes share one session.
func TestForkedChildWithoutPIDCheck(t *testing.T) {
	parent, child, sessions, _, _ := forkedCheckout(t, false)
	if child != parent || sessions != 1 {
		t.Fatalf("child pid %d, parent %d, %d sessions: want the parent's connection in the child", child, parent, sessions)
	}
}

// TestForkCopiesHeldLock: a thread of the parent is inside the first
// connect's event handler (holding the first-run mutex, waiting for the
// server) when another thread forks; in the child the copy of that mutex
// is held by a thread that does not exist there, and the child's first
// checkout blocks on it for ever.
func TestForkCopiesHeldLock(t *testing.T) {
	e := newEnv(t, sim.Random(18))
	p := pool.NewQueuePool(e.w, e.creator(), pool.DefaultQueueOptions(), pool.Options{})
	inHandler := false
	p.ListenConnect(pool.ConnectFunc(func(c driver.Conn, _ *pool.Record) error {
		inHandler = true
		cur, err := c.Cursor()
		if err != nil {
			return err
		}
		e.w.Sleep(time.Second) // a slow first-connect initialisation
		return cur.Execute("SELECT 1")
	}))
	e.w.Go("importer", func() { _ = mustConnect(t, p).Close() })
	var kid *sim.Process
	e.w.Go("master", func() {
		for !inHandler {
			e.w.Sleep(time.Millisecond)
		}
		var cp *pool.Pool
		kid = e.w.Main().Fork("worker", func(c *sim.Process) { cp = p.CopyInto(procmem.NewCopier(c)) })
		kid.Go("main", func() { _, _ = cp.Connect() })
	})
	o := e.run()
	if o.Kind != sim.Deadlocked {
		t.Fatalf("outcome %v, want a deadlock in the child", o)
	}
	found := false
	for _, b := range o.Blocked {
		if strings.HasPrefix(b.Task, kid.Path()) && strings.Contains(b.WaitsOn, "pool connect event") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no child task blocked on the connect event's mutex: %v", o)
	}
}

// TestCopyIsNotShared: the child's pool copy has its own records and
// queue; using the parent's pool from the child is refused by the world.
func TestCopyIsNotShared(t *testing.T) {
	e := newEnv(t, sim.Random(19))
	p := pool.NewQueuePool(e.w, e.creator(), pool.DefaultQueueOptions(), pool.Options{})
	var cp *pool.Pool
	e.w.Go("master", func() {
		_ = mustConnect(t, p).Close()
		e.w.Main().Fork("worker", func(c *sim.Process) { cp = p.CopyInto(procmem.NewCopier(c)) })
	})
	e.run()
	if cp == p || cp.Design() == p.Design() {
		t.Fatal("the copy shares the parent's pool")
	}
	if cp.Design().(*pool.QueuePool).CheckedIn() != 1 {
		t.Fatalf("copy: %s", cp.Status())
	}
}
