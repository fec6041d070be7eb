package pool_test

import (
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla/exc"
)

// TestNullPoolConnectsPerCheckout: every checkout is a new session and
// every checkin ends it: a rollback if a transaction is open, then
// Terminate.
func TestNullPoolConnectsPerCheckout(t *testing.T) {
	e := newEnv(t, sim.Random(6))
	p := pool.NewNullPool(e.w, e.creator(), pool.Options{})
	var pids []int32
	var wire []string
	e.w.Go("app", func() {
		for range 2 {
			f := mustConnect(t, p)
			pids = append(pids, f.Conn().BackendPID())
			m := e.mark()
			exec(t, f, "SELECT 1")
			_ = f.Close()
			wire = append(wire, e.since(m)...)
		}
	})
	e.run()
	if len(pids) != 2 || pids[0] == pids[1] || len(e.admitted()) != 2 {
		t.Fatalf("pids %v, %d sessions: want two connections", pids, len(e.admitted()))
	}
	want := []string{"BEGIN", "SELECT 1", "ROLLBACK", "X", "BEGIN", "SELECT 1", "ROLLBACK", "X"}
	if !equal(wire, want) {
		t.Fatalf("wire %q, want %q", wire, want)
	}
}

// TestStaticPoolSharesOneConnection: concurrent checkouts get the one
// connection, and one checkout's reset on return rolls back the other's
// open transaction.
func TestStaticPoolSharesOneConnection(t *testing.T) {
	e := newEnv(t, sim.Random(7))
	p := pool.NewStaticPool(e.w, e.creator(), pool.Options{})
	var a, b int32
	var v any
	e.w.Go("writer", func() {
		f := mustConnect(t, p)
		a = f.Conn().BackendPID()
		exec(t, f, "INSERT INTO kv VALUES ('k', 1)") // BEGIN; INSERT: not committed
		e.w.Sleep(2 * time.Second)
		// the reader's checkin rolled the transaction back
		cur := exec(t, f, "SELECT count(*) FROM kv")
		row, _ := cur.FetchOne()
		v = row[0]
		_ = f.Close()
	})
	e.w.Go("reader", func() {
		e.w.Sleep(time.Second)
		f := mustConnect(t, p)
		b = f.Conn().BackendPID()
		_ = f.Close()
	})
	e.run()
	if a != b || len(e.admitted()) != 1 {
		t.Fatalf("pids %d and %d, %d sessions: want one shared connection", a, b, len(e.admitted()))
	}
	if v != int64(0) {
		t.Fatalf("count after the other checkin: %v, want 0 (its ROLLBACK discarded the insert)", v)
	}
}

// TestSingletonThreadPoolPerTask: each task keeps its own connection
// across checkouts, and a nested checkout shares the open one.
func TestSingletonThreadPoolPerTask(t *testing.T) {
	e := newEnv(t, sim.Random(8))
	p := pool.NewSingletonThreadPool(e.w, e.creator(), 5, pool.Options{})
	got := map[string][]int32{}
	for _, name := range []string{"t1", "t2"} {
		e.w.Go(name, func() {
			for range 2 {
				f := mustConnect(t, p)
				g := mustConnect(t, p) // nested: the same checkout
				if g != f {
					panic("nested checkout is another fairy")
				}
				got[name] = append(got[name], f.Conn().BackendPID())
				_ = g.Close()
				if !f.IsValid() {
					panic("inner close checked the connection in")
				}
				_ = f.Close()
				e.w.Sleep(time.Millisecond)
			}
		})
	}
	e.run()
	t1, t2 := got["t1"], got["t2"]
	if len(t1) != 2 || len(t2) != 2 || t1[0] != t1[1] || t2[0] != t2[1] || t1[0] == t2[0] {
		t.Fatalf("pids per task %v: want one connection per task", got)
	}
	if len(e.admitted()) != 2 {
		t.Fatalf("%d sessions, want 2", len(e.admitted()))
	}
}

// TestAssertionPoolSecondCheckout: a second checkout while the first is
// open raises AssertionError; after the checkin the connection is reused.
func TestAssertionPoolSecondCheckout(t *testing.T) {
	e := newEnv(t, sim.Random(9))
	p := pool.NewAssertionPool(e.w, e.creator(), true, pool.Options{})
	var err error
	var first, again int32
	e.w.Go("app", func() {
		f := mustConnect(t, p)
		first = f.Conn().BackendPID()
		_, err = p.Connect()
		_ = f.Close()
		g := mustConnect(t, p)
		again = g.Conn().BackendPID()
		_ = g.Close()
	})
	e.run()
	if !exc.IsA(err, exc.AssertionError) || !strings.HasPrefix(err.Error(), "connection is already checked out at:\n") ||
		!strings.Contains(err.Error(), "main/app") {
		t.Fatalf("second checkout: %v", err)
	}
	if first != again || len(e.admitted()) != 1 {
		t.Fatalf("pids %d then %d, %d sessions: want the one connection reused", first, again, len(e.admitted()))
	}
}

// TestAssertionPoolWithoutTraceback: store_traceback=False leaves the
// bare text.
func TestAssertionPoolWithoutTraceback(t *testing.T) {
	e := newEnv(t, sim.Random(10))
	p := pool.NewAssertionPool(e.w, e.creator(), false, pool.Options{})
	var err error
	e.w.Go("app", func() {
		f := mustConnect(t, p)
		_, err = p.Connect()
		_ = f.Close()
	})
	e.run()
	if err == nil || err.Error() != "connection is already checked out" {
		t.Fatalf("second checkout: %v", err)
	}
}

// TestAssertionPoolRaceBetweenThreads: two threads checking out an
// AssertionPool at once can both pass its check (it is plain Python
// state): some schedule shows it. Then either both got the one connection
// (the later checkout took over the record; its checkin is skipped as a
// double checkin) or each made its own and the checkin of the replaced one
// fails the pool's assertion.
func TestAssertionPoolRaceBetweenThreads(t *testing.T) {
	// A warm-up checkout makes the connection first, so the window is the
	// check itself.
	both, refused := 0, 0
	for seed := range uint64(40) {
		e := newEnv(t, sim.Random(seed))
		p := pool.NewAssertionPool(e.w, e.creator(), true, pool.Options{})
		var errs, closeErrs [2]error
		var pids [2]int32
		warm := e.w.NewMutex("warm")
		e.w.Go("warmup", func() { // the pool's one connection exists
			warm.Lock()
			_ = mustConnect(t, p).Close()
			warm.Unlock()
		})
		for i := range 2 {
			e.w.Go("thread", func() {
				e.w.Sleep(time.Millisecond)
				warm.Lock()
				warm.Unlock()
				f, err := p.Connect()
				errs[i] = err
				if err == nil {
					pids[i] = f.Conn().BackendPID()
					e.w.Sleep(time.Second)
					closeErrs[i] = f.Close()
				}
			})
		}
		e.run()
		if errs[0] != nil || errs[1] != nil {
			refused++
			continue
		}
		both++
		shared := pids[0] == pids[1]
		asserted := exc.IsA(closeErrs[0], exc.AssertionError) || exc.IsA(closeErrs[1], exc.AssertionError)
		if shared == asserted {
			t.Fatalf("seed %d: both checked out, pids %v, checkin errors %v", seed, pids, closeErrs)
		}
	}
	if both == 0 || refused == 0 {
		t.Fatalf("over 40 seeds: %d runs with both checkouts, %d with one refused; want both kinds", both, refused)
	}
}

// TestDisposeNullAndStatic: a StaticPool's dispose closes its connection;
// a NullPool's has nothing to close.
func TestDisposeNullAndStatic(t *testing.T) {
	e := newEnv(t, sim.Random(11))
	sp := pool.NewStaticPool(e.w, e.creator(), pool.Options{})
	var end fakepg.EndReason
	e.w.Go("app", func() {
		f := mustConnect(t, sp)
		pid := f.Conn().BackendPID()
		_ = f.Close()
		sp.Dispose()
		e.w.Sleep(time.Millisecond)
		end = e.session(pid).End
	})
	e.run()
	if end != fakepg.EndTerminate {
		t.Fatalf("StaticPool dispose: session %v, want terminate", end)
	}
}
