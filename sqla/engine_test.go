package sqla_test

import (
	"testing"
	"time"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
	"github.com/poolsim/poolsim/sqla/exc"
)

// TestCreateEngineArguments: each pool class takes the arguments its
// __init__ names; what is left over is create_engine's TypeError.
func TestCreateEngineArguments(t *testing.T) {
	e := newEnv(t, sim.Random(50))
	setup := sqla.Setup{World: e.w, Driver: e.drv}
	_, err := sqla.CreateEngine(setup, url, sqla.K("poolclass", "NullPool", "pool_size", 10, "max_overflow", 30, "pool_pre_ping", true)...)
	want := "Invalid argument(s) 'pool_size','max_overflow' sent to create_engine(), using configuration PGDialect_psycopg2/NullPool/Engine.  Please check that the keyword arguments are appropriate for this combination of components."
	if err == nil || err.Error() != want || !exc.IsA(err, exc.TypeError) {
		t.Fatalf("NullPool with pool_size: %v", err)
	}
	eng, err := sqla.CreateEngine(setup, url, sqla.K("pool_size", 10, "max_overflow", 30, "pool_timeout", 2.5, "pool_pre_ping", true, "pool_use_lifo", true)...)
	if err != nil {
		t.Fatal(err)
	}
	o := eng.Pool().Options()
	if d, ok := eng.Pool().Design().(*pool.QueuePool); !ok || !o.PrePing ||
		d.Status(eng.Pool()) != "Pool size: 10  Connections in pool: 0 Current Overflow: -10 Current Checked out connections: 0" {
		t.Fatalf("pool %T %+v %s", eng.Pool().Design(), o, eng.Pool().Status())
	}
	if _, err := sqla.CreateEngine(setup, url, sqla.K("pool_sise", 1)...); err == nil || !exc.IsA(err, exc.TypeError) {
		t.Fatalf("misspelt argument: %v", err)
	}
	if _, err := sqla.CreateEngine(setup, "postgres://app@db/app"); err == nil {
		t.Fatal("the postgres:// scheme, which 1.4 no longer accepts, was accepted")
	}
}

// TestEnginePrePingWire: through the engine, a pooled connection's
// checkout pings outside the transaction, the statement begins one, and
// Close rolls it back (reset on return).
func TestEnginePrePingWire(t *testing.T) {
	e := newEnv(t, sim.Random(51))
	eng := e.engine(sqla.K("pool_pre_ping", true)...)
	var first, second []string
	e.w.Go("app", func() {
		m := e.mark()
		c := must(eng.Connect())
		must(c.Execute(sqla.Text("select 1 as x")))
		_ = c.Close()
		first = e.since(m)
		m = e.mark()
		c = must(eng.Connect())
		must(c.Execute(sqla.Text("select 1 as x")))
		_ = c.Close()
		second = e.since(m)
	})
	e.run()
	if want := []string{"BEGIN", "select 1 as x", "ROLLBACK"}; !equal(first, want) {
		t.Fatalf("fresh connection: %q, want %q", first, want)
	}
	if want := []string{"SELECT 1", "BEGIN", "select 1 as x", "ROLLBACK"}; !equal(second, want) {
		t.Fatalf("pooled connection: %q, want %q", second, want)
	}
}

// TestLegacyAutocommit: outside Begin, DML text is committed right after
// it (1.4's deprecated autocommit); a select is not, and its implicit
// transaction ends at Close; inside Begin nothing commits until Commit.
func TestLegacyAutocommit(t *testing.T) {
	e := newEnv(t, sim.Random(52))
	eng := e.engine()
	var wire []string
	e.w.Go("app", func() {
		m := e.mark()
		c := must(eng.Connect())
		must(c.Execute(sqla.Text("insert into kv values (:k, :v)"), sqla.P("k", "a", "v", 1)...))
		must(c.Execute(sqla.Select("select kv.k AS kv_k from kv", "kv_k")))
		_ = c.Close()
		c = must(eng.Connect())
		tx := must(c.Begin())
		must(c.Execute(sqla.Text("update kv set v = 2")))
		if err := tx.Commit(); err != nil {
			panic(err)
		}
		_ = c.Close()
		wire = e.since(m)
	})
	e.run()
	want := []string{"BEGIN", "insert into kv values ('a', 1)", "COMMIT", "BEGIN", "select kv.k AS kv_k from kv", "ROLLBACK",
		"BEGIN", "update kv set v = 2", "COMMIT"}
	if !equal(wire, want) {
		t.Fatalf("wire\n%q\nwant\n%q", wire, want)
	}
}

// disposeRun makes two idle pooled connections, disposes, and reports
// their sessions' ends, what the dispose sent, and whether the next
// connect opened a new session.
func disposeRun(t *testing.T, close bool) (ends []fakepg.EndReason, sent []string, fresh bool) {
	e := newEnv(t, sim.Random(53))
	eng := e.engine()
	e.w.Go("app", func() {
		a, b := must(eng.Connect()), must(eng.Connect())
		pids := []int32{a.DBAPI().BackendPID(), b.DBAPI().BackendPID()}
		_ = a.Close()
		_ = b.Close()
		m := e.mark()
		eng.Dispose(close)
		sent = e.since(m)
		e.w.Sleep(time.Millisecond)
		for _, pid := range pids {
			ends = append(ends, e.session(pid).End)
		}
		c := must(eng.Connect())
		pid := c.DBAPI().BackendPID()
		fresh = pid != pids[0] && pid != pids[1]
		_ = c.Close()
	})
	e.run()
	return ends, sent, fresh
}

// TestDisposeCloseTrue: dispose() closes the idle connections: each gets
// Terminate and its session ends; the new pool connects afresh.
func TestDisposeCloseTrue(t *testing.T) {
	ends, sent, fresh := disposeRun(t, true)
	if !equal(sent, []string{"X", "X"}) || ends[0] != fakepg.EndTerminate || ends[1] != fakepg.EndTerminate || !fresh {
		t.Fatalf("dispose(close=True): sent %q, sessions %v, fresh connect %v", sent, ends, fresh)
	}
}

// TestDisposeCloseFalse: dispose(close=False) sends nothing: the old
// pool's sessions stay open, and the new pool connects afresh.
func TestDisposeCloseFalse(t *testing.T) {
	ends, sent, fresh := disposeRun(t, false)
	if len(sent) != 0 || ends[0] != fakepg.SessionOpen || ends[1] != fakepg.SessionOpen || !fresh {
		t.Fatalf("dispose(close=False): sent %q, sessions %v, fresh connect %v", sent, ends, fresh)
	}
}

// TestEngineTimeoutError: the pool's TimeoutError reaches Engine.Connect
// unwrapped, with its code.
func TestEngineTimeoutError(t *testing.T) {
	e := newEnv(t, sim.Random(54))
	eng := e.engine(sqla.K("pool_size", 1, "max_overflow", 0, "pool_timeout", 1)...)
	var err error
	e.w.Go("app", func() {
		c := must(eng.Connect())
		_, err = eng.Connect()
		_ = c.Close()
	})
	e.run()
	want := "QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 1.00 (Background on this error at: https://sqlalche.me/e/14/3o7r)"
	if err == nil || err.Error() != want {
		t.Fatalf("second connect: %v", err)
	}
}
