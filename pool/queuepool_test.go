package pool_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla/exc"
)

// checkoutOrder checks three connections out, back in in order, and out
// again, returning the backend PIDs of both rounds.
func checkoutOrder(t *testing.T, lifo bool) (first, second []int32) {
	e := newEnv(t, sim.Random(1))
	p := pool.NewQueuePool(e.w, e.creator(), pool.QueueOptions{PoolSize: 3, MaxOverflow: 0, Timeout: time.Second, UseLIFO: lifo}, pool.Options{})
	e.w.Go("app", func() {
		var fs []*pool.Fairy
		for range 3 {
			f := mustConnect(t, p)
			first = append(first, f.Conn().BackendPID())
			fs = append(fs, f)
		}
		for _, f := range fs {
			if err := f.Close(); err != nil {
				t.Error(err)
			}
		}
		for range 3 {
			second = append(second, mustConnect(t, p).Conn().BackendPID())
		}
	})
	e.run()
	if len(e.admitted()) != 3 {
		t.Fatalf("%d sessions, want 3: connections were not reused", len(e.admitted()))
	}
	return first, second
}

// TestQueuePoolFIFO: connections come back out in the order they went in.
func TestQueuePoolFIFO(t *testing.T) {
	first, second := checkoutOrder(t, false)
	if fmt.Sprint(first) != fmt.Sprint(second) {
		t.Fatalf("FIFO: checked in %v, got %v", first, second)
	}
}

// TestQueuePoolLIFO: with use_lifo the last connection in comes out first.
func TestQueuePoolLIFO(t *testing.T) {
	first, second := checkoutOrder(t, true)
	want := []int32{first[2], first[1], first[0]}
	if fmt.Sprint(want) != fmt.Sprint(second) {
		t.Fatalf("LIFO: checked in %v, got %v, want %v", first, second, want)
	}
}

// TestQueuePoolOverflowClosedOnCheckin: a connection beyond pool_size is
// closed (Terminate) when checked in; the pooled one stays open.
func TestQueuePoolOverflowClosedOnCheckin(t *testing.T) {
	e := newEnv(t, sim.Random(2))
	p := pool.NewQueuePool(e.w, e.creator(), pool.QueueOptions{PoolSize: 1, MaxOverflow: 1, Timeout: time.Second}, pool.Options{})
	var a, b int32
	var status string
	var endA, endB fakepg.EndReason
	e.w.Go("app", func() {
		fa, fb := mustConnect(t, p), mustConnect(t, p)
		a, b = fa.Conn().BackendPID(), fb.Conn().BackendPID()
		status = p.Status()
		_ = fa.Close()
		_ = fb.Close()
		e.w.Sleep(time.Millisecond) // the server reads the Terminate
		endA, endB = e.session(a).End, e.session(b).End
	})
	e.run()
	if want := "Pool size: 1  Connections in pool: 0 Current Overflow: 1 Current Checked out connections: 2"; status != want {
		t.Errorf("status %q, want %q", status, want)
	}
	if endA != fakepg.SessionOpen {
		t.Errorf("pooled connection's session ended: %v", endA)
	}
	if endB != fakepg.EndTerminate {
		t.Errorf("overflow connection's session: %v, want terminate", endB)
	}
	if d := p.Design().(*pool.QueuePool); d.CheckedIn() != 1 || d.Overflow() != 0 {
		t.Errorf("after checkin: %s", p.Status())
	}
}

// TestQueuePoolTimeoutText: with every connection checked out, a checkout
// waits the timeout in virtual time, then raises SQLAlchemy's text.
func TestQueuePoolTimeoutText(t *testing.T) {
	e := newEnv(t, sim.Random(3))
	p := pool.NewQueuePool(e.w, e.creator(), pool.QueueOptions{PoolSize: 1, MaxOverflow: 0, Timeout: 2500 * time.Millisecond}, pool.Options{})
	var err error
	var waited time.Duration
	e.w.Go("holder", func() {
		f := mustConnect(t, p)
		e.w.Sleep(10 * time.Second)
		_ = f.Close()
	})
	e.w.Go("waiter", func() {
		e.w.Sleep(time.Second) // the holder has the connection by then
		start := e.w.Elapsed()
		_, err = p.Connect()
		waited = e.w.Elapsed() - start
	})
	e.run()
	want := "QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 2.50 (Background on this error at: https://sqlalche.me/e/14/3o7r)"
	if err == nil || err.Error() != want || !exc.IsA(err, exc.TimeoutError) {
		t.Fatalf("error %v, want TimeoutError %q", err, want)
	}
	if waited != 2500*time.Millisecond {
		t.Fatalf("waited %v of virtual time, want the timeout", waited)
	}
}

// TestQueuePoolWaiterGetsCheckin: a checkout waiting on a full pool gets
// the connection checked in within the timeout.
func TestQueuePoolWaiterGetsCheckin(t *testing.T) {
	e := newEnv(t, sim.Random(4))
	p := pool.NewQueuePool(e.w, e.creator(), pool.QueueOptions{PoolSize: 1, MaxOverflow: 0, Timeout: 30 * time.Second}, pool.Options{})
	var held, got int32
	var at time.Duration
	e.w.Go("holder", func() {
		f := mustConnect(t, p)
		held = f.Conn().BackendPID()
		e.w.Sleep(3 * time.Second)
		_ = f.Close()
	})
	e.w.Go("waiter", func() {
		e.w.Sleep(time.Second)
		f := mustConnect(t, p)
		got, at = f.Conn().BackendPID(), e.w.Elapsed()
		_ = f.Close()
	})
	e.run()
	if got != held || at != 3*time.Second {
		t.Fatalf("waiter got pid %d at %v, want the holder's %d at 3s", got, at, held)
	}
}

// TestQueuePoolDisposeClosesCheckedIn: dispose closes the idle connection
// (Terminate) and leaves the checked-out one alone.
func TestQueuePoolDisposeClosesCheckedIn(t *testing.T) {
	e := newEnv(t, sim.Random(5))
	p := pool.NewQueuePool(e.w, e.creator(), pool.DefaultQueueOptions(), pool.Options{})
	var endIdle, endOut fakepg.EndReason
	e.w.Go("app", func() {
		fa, fb := mustConnect(t, p), mustConnect(t, p)
		idle, out := fa.Conn().BackendPID(), fb.Conn().BackendPID()
		_ = fa.Close()
		p.Dispose()
		exec(t, fb, "SELECT 1") // still usable
		endIdle, endOut = e.session(idle).End, e.session(out).End
	})
	e.run()
	if endIdle != fakepg.EndTerminate {
		t.Errorf("idle connection after dispose: %v, want terminate", endIdle)
	}
	if endOut != fakepg.SessionOpen {
		t.Errorf("checked-out connection after dispose: %v, want open", endOut)
	}
}
