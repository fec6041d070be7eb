package sqla_test

import (
	"testing"
	"time"

	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
)

func checkedOut(e *sqla.Engine) int { return e.Pool().Design().(*pool.QueuePool).CheckedOut() }

// TestSessionHoldsConnectionForItsTransaction: the session checks out at
// its first statement, holds the connection through the transaction and
// returns it at commit; the next statement checks out again; Remove
// closes it (rolling back) and forgets it.
func TestSessionHoldsConnectionForItsTransaction(t *testing.T) {
	e := newEnv(t, sim.Random(80))
	eng := e.engine()
	db := sqla.NewScopedSession(e.w, func() *sqla.Engine { return eng })
	var out []int
	var wire []string
	var same, removed bool
	e.w.Go("request", func() {
		m := e.mark()
		s := db.Get()
		out = append(out, checkedOut(eng))
		must(s.Execute(sqla.Text("insert into kv values (:k, :v)"), sqla.P("k", "a", "v", 1)...))
		out = append(out, checkedOut(eng))
		must(s.Execute(sqla.Text("select v from kv")))
		if err := s.Commit(); err != nil {
			panic(err)
		}
		out = append(out, checkedOut(eng))
		same = db.Get() == s
		must(db.Get().Execute(sqla.Text("select v from kv")))
		out = append(out, checkedOut(eng))
		if err := db.Remove(); err != nil {
			panic(err)
		}
		out = append(out, checkedOut(eng))
		removed = !db.Has()
		wire = e.since(m)
	})
	e.run()
	if want := []int{0, 1, 0, 1, 0}; len(out) != len(want) || out[0] != 0 || out[1] != 1 || out[2] != 0 || out[3] != 1 || out[4] != 0 {
		t.Fatalf("checked out along the request: %v, want %v", out, want)
	}
	if !same || !removed {
		t.Fatalf("same session within the request %v, removed at teardown %v", same, removed)
	}
	want := []string{"BEGIN", "insert into kv values ('a', 1)", "select v from kv", "COMMIT", "BEGIN", "select v from kv", "ROLLBACK"}
	if !equal(wire, want) {
		t.Fatalf("wire\n%q\nwant\n%q", wire, want)
	}
}

// TestScopedSessionPerTask: two request threads get two sessions and two
// connections.
func TestScopedSessionPerTask(t *testing.T) {
	e := newEnv(t, sim.Random(81))
	eng := e.engine()
	db := sqla.NewScopedSession(e.w, func() *sqla.Engine { return eng })
	var pids [2]int32
	var sessions [2]*sqla.Session
	for i := range 2 {
		e.w.Go("thread", func() {
			sessions[i] = db.Get()
			c := must(db.Get().Connection())
			pids[i] = c.DBAPI().BackendPID()
			e.w.Sleep(time.Second)
			_ = db.Remove()
		})
	}
	e.run()
	if sessions[0] == sessions[1] || pids[0] == pids[1] {
		t.Fatalf("sessions %p %p, pids %v: want one each", sessions[0], sessions[1], pids)
	}
}

// TestScopedSessionFork: at fork one thread's session holds a connection
// mid-transaction and the forking thread's holds another. In the child
// the forking thread's session is the first task's, with its connection
// still checked out on the parent's session (same backend); the other
// thread's is copied but no child thread reaches it; a new child thread
// gets a new session.
func TestScopedSessionFork(t *testing.T) {
	e := newEnv(t, sim.Random(82))
	eng := e.engine()
	db := sqla.NewScopedSession(e.w, func() *sqla.Engine { return eng })
	var heldPID, forkerPID, childPID int32
	var childSessions int
	var childHolds, otherFresh bool
	ready := false
	e.w.Go("holder", func() {
		c := must(db.Get().Connection())
		heldPID = c.DBAPI().BackendPID()
		must(db.Get().Execute(sqla.Text("insert into kv values ('h', 1)")))
		ready = true
		e.w.Sleep(5 * time.Second)
		_ = db.Remove()
	})
	e.w.Go("forker", func() {
		for !ready {
			e.w.Sleep(time.Millisecond)
		}
		forkerPID = must(db.Get().Connection()).DBAPI().BackendPID()
		var cdb *sqla.ScopedSession
		kid := e.w.Main().Fork("worker", func(c *sim.Process) {
			cp := procmem.NewCopier(c)
			ceng := eng.CopyInto(cp)
			cdb = db.CopyInto(cp, func() *sqla.Engine { return ceng })
		})
		kid.Go("main", func() {
			s := cdb.Get()
			childHolds = s.Holds()
			if childHolds {
				childPID = must(s.Connection()).DBAPI().BackendPID()
			}
			childSessions = len(cdb.Sessions())
			kid.Go("thread", func() { otherFresh = !cdb.Get().Holds() })
		})
		e.w.Sleep(time.Second)
		_ = db.Remove()
	})
	e.run()
	if !childHolds || childPID != forkerPID {
		t.Fatalf("child's first task: holds %v, pid %d; want the forking thread's connection %d", childHolds, childPID, forkerPID)
	}
	if childSessions != 2 || !otherFresh || heldPID == forkerPID {
		t.Fatalf("child memory has %d sessions (want the two copies), new thread fresh %v", childSessions, otherFresh)
	}
}
