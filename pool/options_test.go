package pool_test

import (
	"testing"
	"time"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
	"github.com/poolsim/poolsim/sqla/exc"
)

// TestPrePingReconnectsAfterBackendKilled: the server's backend dies
// while the connection is idle in the pool; the next checkout's SELECT 1
// meets the closed connection, the dialect calls it a disconnect, and the
// pool connects again: the checkout succeeds on a new session.
func TestPrePingReconnectsAfterBackendKilled(t *testing.T) {
	e := newEnv(t, sim.Random(12))
	p := pool.NewQueuePool(e.w, e.creator(), pool.DefaultQueueOptions(), pool.Options{PrePing: true, Dialect: sqla.NewDialect()})
	var before, after int32
	var pinged []string
	var fresh []string
	e.w.Go("app", func() {
		f := mustConnect(t, p)
		before = f.Conn().BackendPID()
		m := e.mark()
		_ = f.Close()
		fresh = e.since(m) // a fresh connection is not pinged; nothing to reset
		e.session(before).Backend.Process().Kill()
		e.w.Sleep(time.Millisecond)
		m = e.mark()
		g := mustConnect(t, p)
		after = g.Conn().BackendPID()
		pinged = e.since(m)
		exec(t, g, "SELECT 1")
		_ = g.Close()
	})
	e.run()
	if len(fresh) != 0 {
		t.Fatalf("first checkin sent %q", fresh)
	}
	if before == after || len(e.admitted()) != 2 {
		t.Fatalf("pids %d then %d, %d sessions: want a reconnect", before, after, len(e.admitted()))
	}
	if e.session(before).End != fakepg.EndKilled {
		t.Fatalf("old session: %v", e.session(before).End)
	}
	// The ping went out on the dead connection; then the new session pinged
	// nothing (it is fresh).
	if !equal(pinged, []string{"SELECT 1"}) {
		t.Fatalf("checkout sent %q, want the one ping", pinged)
	}
}

// TestPrePingOnLiveConnection: a pooled connection is pinged at each
// checkout with SELECT 1 outside a transaction (autocommit for the ping),
// before the statement's BEGIN.
func TestPrePingOnLiveConnection(t *testing.T) {
	e := newEnv(t, sim.Random(13))
	p := pool.NewQueuePool(e.w, e.creator(), pool.DefaultQueueOptions(), pool.Options{PrePing: true, Dialect: sqla.NewDialect()})
	var wire []string
	e.w.Go("app", func() {
		_ = mustConnect(t, p).Close()
		m := e.mark()
		f := mustConnect(t, p)
		exec(t, f, "SELECT 2")
		_ = f.Close()
		wire = e.since(m)
	})
	e.run()
	if want := []string{"SELECT 1", "BEGIN", "SELECT 2", "ROLLBACK"}; !equal(wire, want) {
		t.Fatalf("wire %q, want %q", wire, want)
	}
}

// TestPrePingNeedsADialect: without a dialect the ping raises
// NotImplementedError and the checkout fails.
func TestPrePingNeedsADialect(t *testing.T) {
	e := newEnv(t, sim.Random(14))
	p := pool.NewQueuePool(e.w, e.creator(), pool.DefaultQueueOptions(), pool.Options{PrePing: true})
	var err error
	e.w.Go("app", func() {
		_ = mustConnect(t, p).Close()
		_, err = p.Connect()
	})
	e.run()
	if err == nil || err.Error() != "The ping feature requires that a dialect is passed to the connection pool." {
		t.Fatalf("checkout: %v", err)
	}
}

// TestRecycleAtCheckout: a connection older than recycle is replaced at
// checkout (closed with Terminate), not before; a younger one is kept.
func TestRecycleAtCheckout(t *testing.T) {
	e := newEnv(t, sim.Random(15))
	p := pool.NewQueuePool(e.w, e.creator(), pool.DefaultQueueOptions(), pool.Options{Recycle: 10 * time.Second})
	var pids []int32
	var endBeforeCheckout, endAfter fakepg.EndReason
	e.w.Go("app", func() {
		for _, wait := range []time.Duration{0, 5 * time.Second, 6 * time.Second} {
			e.w.Sleep(wait)
			if len(pids) > 0 {
				endBeforeCheckout = e.session(pids[0]).End
			}
			f := mustConnect(t, p)
			pids = append(pids, f.Conn().BackendPID())
			_ = f.Close()
		}
		e.w.Sleep(time.Millisecond)
		endAfter = e.session(pids[0]).End
	})
	e.run()
	if pids[0] != pids[1] || pids[1] == pids[2] {
		t.Fatalf("pids at 0s, 5s, 11s: %v; want the same, then a new one", pids)
	}
	if endBeforeCheckout != fakepg.SessionOpen || endAfter != fakepg.EndTerminate {
		t.Fatalf("old session before the 11s checkout %v, after %v: want open, then terminate", endBeforeCheckout, endAfter)
	}
}

// TestResetOnReturnOnTheWire: checkin rolls back an open transaction (and
// sends nothing without one); "commit" commits; "none" leaves it open.
func TestResetOnReturnOnTheWire(t *testing.T) {
	cases := []struct {
		reset pool.Reset
		want  []string
	}{
		{pool.ResetRollback, []string{"BEGIN", "SELECT 1", "ROLLBACK"}},
		{pool.ResetCommit, []string{"BEGIN", "SELECT 1", "COMMIT"}},
		{pool.ResetNone, []string{"BEGIN", "SELECT 1"}},
	}
	for _, c := range cases {
		e := newEnv(t, sim.Random(16))
		p := pool.NewQueuePool(e.w, e.creator(), pool.DefaultQueueOptions(), pool.Options{ResetOnReturn: c.reset})
		var wire, idle []string
		e.w.Go("app", func() {
			m := e.mark()
			f := mustConnect(t, p)
			exec(t, f, "SELECT 1")
			_ = f.Close()
			wire = e.since(m)
			if c.reset == pool.ResetNone {
				return
			}
			m = e.mark()
			_ = mustConnect(t, p).Close()
			idle = e.since(m)
		})
		e.run()
		if !equal(wire, c.want) {
			t.Errorf("reset %d: wire %q, want %q", c.reset, wire, c.want)
		}
		if len(idle) != 0 {
			t.Errorf("reset %d: checkin without a transaction sent %q", c.reset, idle)
		}
	}
}

// TestPoolEvents: connect runs once per new connection, checkout and
// checkin at each checkout and checkin, in that order; a checkout handler's
// error that is no disconnection fails the checkout, and the connection
// is invalidated (closed) and its record checked back in.
func TestPoolEvents(t *testing.T) {
	e := newEnv(t, sim.Random(21))
	p := pool.NewQueuePool(e.w, e.creator(), pool.DefaultQueueOptions(), pool.Options{})
	var log []string
	refuse := false
	p.ListenConnect(pool.ConnectFunc(func(c driver.Conn, r *pool.Record) error {
		log = append(log, "connect")
		return nil
	}))
	p.ListenCheckout(pool.CheckoutFunc(func(c driver.Conn, r *pool.Record, f *pool.Fairy) error {
		log = append(log, "checkout")
		if refuse {
			return exc.New(exc.InvalidRequestError, "refused")
		}
		return nil
	}))
	p.ListenCheckin(pool.CheckinFunc(func(c driver.Conn, r *pool.Record) {
		log = append(log, "checkin")
	}))
	var err error
	var end fakepg.EndReason
	e.w.Go("app", func() {
		f := mustConnect(t, p)
		pid := f.Conn().BackendPID()
		_ = f.Close()
		_ = mustConnect(t, p).Close()
		refuse = true
		_, err = p.Connect()
		e.w.Sleep(time.Millisecond)
		end = e.session(pid).End
	})
	e.run()
	if want := []string{"connect", "checkout", "checkin", "checkout", "checkin", "checkout", "checkin"}; !equal(log, want) {
		t.Fatalf("events %q, want %q", log, want)
	}
	if err == nil || err.Error() != "refused" || end != fakepg.EndTerminate {
		t.Fatalf("refused checkout: %v, connection's session %v", err, end)
	}
	if d := p.Design().(*pool.QueuePool); d.CheckedIn() != 1 || d.CheckedOut() != 0 {
		t.Fatalf("after the refused checkout: %s", p.Status())
	}
}
