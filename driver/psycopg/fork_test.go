package psycopg_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/simtest"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// TestForkCopyKeepsStateAndSocket: a forked child's copy of a connection
// is in the parent's transaction on the parent's server session; what the
// child sends is written by the child's task; the two copies change
// independently afterwards.
func TestForkCopyKeepsStateAndSocket(t *testing.T) {
	s := newSession(t, sim.Zeros(), psycopg.Options{})
	app := s.w.NewProcess("app")
	var parent, kidConn *psycopg.Conn
	var kidRow driver.Row
	var kidInTx bool
	var kidPID, parentPID int32
	app.Go("master", func() {
		parent = s.open()
		parentPID = parent.BackendPID()
		cur := s.cursor(parent)
		s.must(cur, "INSERT INTO kv VALUES ('p', 1)")
		kid := app.Fork("worker", func(child *sim.Process) {
			kidConn = parent.Copy(procmem.NewCopier(child))
		})
		kid.Go("main", func() {
			kidInTx = kidConn.InTransaction()
			kidPID = kidConn.BackendPID()
			kcur := s.cursor(kidConn)
			s.must(kcur, "SELECT v FROM kv WHERE k = 'p'") // the parent's uncommitted row: same transaction
			kidRow, _ = kcur.FetchOne()
			if err := kidConn.Commit(); err != nil {
				t.Error(err)
			}
		})
	})
	simtest.Run(t, s.w)
	if kidConn == parent || kidConn.PGconn() == parent.PGconn() || kidConn.Socket() == parent.Socket() {
		t.Fatal("the child's copy shares the parent's objects")
	}
	if !kidInTx || kidPID != parentPID || kidPID == 0 {
		t.Errorf("child copy: in transaction %v, backend %d (parent's %d)", kidInTx, kidPID, parentPID)
	}
	if !reflect.DeepEqual(kidRow, driver.Row{int64(1)}) {
		t.Errorf("child read %v, want the parent's uncommitted row", kidRow)
	}
	if !parent.InTransaction() || kidConn.InTransaction() {
		t.Errorf("after the child's commit: parent in transaction %v (want true), child %v (want false)",
			parent.InTransaction(), kidConn.InTransaction())
	}
	truth := s.srv.Truth()
	if len(truth.Sessions) != 1 {
		t.Fatalf("%d server sessions, want the one both copies share", len(truth.Sessions))
	}
	var senders []string
	for _, r := range truth.Requests {
		for _, task := range r.Senders() {
			senders = append(senders, task.Path())
		}
	}
	want := []string{"app/master", "app/master", "app/worker#1/main", "app/worker#1/main"}
	if !reflect.DeepEqual(senders, want) {
		t.Errorf("request senders %v, want %v (BEGIN, INSERT from the parent; SELECT, COMMIT from the child)", senders, want)
	}
	if q := s.wire.Queries(); len(q) != 4 || q[2] != "SELECT v FROM kv WHERE k = 'p'" || q[3] != "COMMIT" {
		t.Errorf("queries %q", q)
	}
}

// forkWhileLocked forks while another thread of the parent holds the
// connection's lock (it waits for a slow statement); the child then uses
// its copy.
func forkWhileLocked(s *session, opts ...sim.Option) (kidErr *error) {
	app := s.w.NewProcess("app")
	kidErr = new(error)
	app.Go("master", func() {
		c := s.open()
		c.SetAutocommit(true)
		s.w.Go("scheduler", func() {
			cur := s.cursor(c)
			s.must(cur, "SELECT pg_sleep(1)")
		})
		for c.Mutex().Holder() == nil {
			s.w.Sleep(time.Millisecond)
		}
		var kidConn *psycopg.Conn
		kid := app.Fork("worker", func(child *sim.Process) {
			kidConn = c.Copy(procmem.NewCopier(child))
		})
		kid.Go("main", func() {
			cur := s.cursor(kidConn)
			*kidErr = cur.Execute("SELECT 1")
		})
	})
	return kidErr
}

// TestForkWhileLockHeldHangsChild: a lock another thread held at fork
// time stays held in the child, whose execute waits for it for ever: the
// run deadlocks naming the child's task and the mutex, and the child sent
// nothing.
func TestForkWhileLockHeldHangsChild(t *testing.T) {
	s := newSession(t, sim.Random(7), psycopg.Options{})
	forkWhileLocked(s)
	o := simtest.Run(t, s.w)
	if o.Kind != sim.Deadlocked {
		t.Fatalf("outcome %v, want a deadlock", o)
	}
	found := false
	for _, b := range o.Blocked {
		if b.Task == "app/worker#1/main" && strings.Contains(b.WaitsOn, "psycopg2 conn->lock") &&
			strings.Contains(b.WaitsOn, "app/master/scheduler") {
			found = true
		}
	}
	if !found {
		t.Errorf("deadlock does not name the child and the lock held at fork:\n%v", o)
	}
	for _, m := range s.wire.Messages {
		if strings.HasPrefix(m.Task, "app/worker") {
			t.Errorf("the hung child sent %v", m)
		}
	}
}

// TestForkWhileLockHeldHangsUntilDeadline: with a virtual deadline the
// run ends there and names the hung child.
func TestForkWhileLockHeldHangsUntilDeadline(t *testing.T) {
	w, srv := simtest.World(t, sim.Random(3), fakepg.Config{}, sim.Deadline(10*time.Second, 5*time.Second))
	s := &session{t: t, w: w, srv: srv, wire: &simtest.Wire{W: w}}
	s.drv = psycopg.Driver{Options: psycopg.Options{OnSend: s.wire.OnSend}}
	forkWhileLocked(s)
	w.Go("heartbeat", func() { // a timer that keeps the world from deadlocking
		for {
			w.Sleep(time.Second)
		}
	}).Daemon()
	o := simtest.Run(t, w)
	if o.Kind != sim.DeadlineReached {
		t.Fatalf("outcome %v, want the deadline", o)
	}
	if len(o.Hung) != 1 || o.Hung[0].Task != "app/worker#1/main" || !strings.Contains(o.Hung[0].WaitsOn, "psycopg2 conn->lock") {
		t.Errorf("hung tasks %+v", o.Hung)
	}
}

// TestForkWithoutLockHeldChildRuns: the same fork with the lock free (the
// other thread's statement done) lets the child run: the hang comes from
// the lock's state at fork time.
func TestForkWithoutLockHeldChildRuns(t *testing.T) {
	s := newSession(t, sim.Random(7), psycopg.Options{})
	app := s.w.NewProcess("app")
	var kidErr error
	ran := false
	app.Go("master", func() {
		c := s.open()
		c.SetAutocommit(true)
		done := false
		s.w.Go("scheduler", func() {
			cur := s.cursor(c)
			s.must(cur, "SELECT pg_sleep(1)")
			done = true
		})
		for !done {
			s.w.Sleep(time.Millisecond)
		}
		var kidConn *psycopg.Conn
		kid := app.Fork("worker", func(child *sim.Process) { kidConn = c.Copy(procmem.NewCopier(child)) })
		kid.Go("main", func() {
			cur := s.cursor(kidConn)
			kidErr = cur.Execute("SELECT 1")
			ran = true
		})
	})
	o := simtest.Run(t, s.w)
	if o.Kind != sim.Completed || !ran || kidErr != nil {
		t.Errorf("outcome %v, child ran %v, error %v", o, ran, kidErr)
	}
}
