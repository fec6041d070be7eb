package properties

import (
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/libpq"
)

// exec runs sql on c and panics on an error, so that a test's setup
// cannot fail unseen.
func exec(c *libpq.Conn, sql string) {
	if res := c.Exec(sql); res.ErrorMessage() != "" {
		panic(sql + ": " + res.ErrorMessage())
	}
}

// handOff runs first on a fresh connection, then, in a second task of
// the same process, second on the same connection, then last in the first
// task again, one after another.
func handOff(wd *world, first, second, last []string) {
	app := wd.w.NewProcess("app")
	app.Go("a", func() {
		c, _ := wd.connect()
		for _, sql := range first {
			exec(c, sql)
		}
		b := app.Go("b", func() {
			for _, sql := range second {
				exec(c, sql)
			}
		})
		for !b.Done() {
			wd.w.Yield()
		}
		for _, sql := range last {
			exec(c, sql)
		}
		c.Finish()
	})
}

// wantNames checks that v names the tasks in order, in process app.
func wantNames(t *testing.T, v *Violation, tasks ...string) {
	t.Helper()
	if v == nil {
		t.Fatal("no violation")
	}
	if !slices.Equal(v.Tasks, tasks) || !slices.Equal(v.Processes, []string{"app"}) || !strings.HasPrefix(v.Session, "backend ") || v.Step <= 0 || v.Offset < 0 {
		t.Errorf("violation %v: want tasks %q of process app, a session, an offset and a step", v, tasks)
	}
}

// TestStatementInAnotherTasksTransaction: a task running a statement
// inside the transaction block another task began on the same connection
// mixes transactions, though no message interleaves; a connection handed
// over between transactions does not.
func TestStatementInAnotherTasksTransaction(t *testing.T) {
	wd := newWorld(t, 1, fakepg.Config{})
	handOff(wd, []string{"BEGIN", "SELECT 1"}, []string{"SELECT 2"}, []string{"COMMIT"})
	wd.run(t)
	truth := wd.srv.Truth()
	r := TransactionMixing(truth)
	wantStatus(t, r, Violated)
	if len(r.Violations) != 1 {
		t.Fatalf("want one violation, got %v", r)
	}
	wantNames(t, r.First(), "app/a", "app/a/b")
	if !strings.Contains(r.First().Detail, "transaction block") {
		t.Errorf("violation %v does not say transaction block", r.First())
	}
	wantStatus(t, Interleaving(truth, wd.ct, wd.w.Trace()), Held)
	wantStatus(t, ReplyRouting(truth, wd.ct), Held)

	wd = newWorld(t, 1, fakepg.Config{})
	handOff(wd, []string{"BEGIN", "SELECT 1", "COMMIT"}, []string{"BEGIN", "SELECT 2", "ROLLBACK"}, []string{"SELECT 3"})
	wd.run(t)
	wantStatus(t, TransactionMixing(wd.srv.Truth()), Held)
}

// TestFailedTransactionStillMixes: a failed transaction block ('E')
// lasts until its ROLLBACK, and another task's statement in it mixes.
func TestFailedTransactionStillMixes(t *testing.T) {
	wd := newWorld(t, 1, fakepg.Config{})
	app := wd.w.NewProcess("app")
	app.Go("a", func() {
		c, _ := wd.connect()
		exec(c, "BEGIN")
		c.Exec("SELECT 1/0")
		b := app.Go("b", func() { c.Exec("SELECT 2") })
		for !b.Done() {
			wd.w.Yield()
		}
		exec(c, "ROLLBACK")
		c.Finish()
	})
	wd.run(t)
	wantNames(t, TransactionMixing(wd.srv.Truth()).First(), "app/a", "app/a/b")
}

// TestImplicitTransactionOfTwoTasks: an extended-query batch one task
// begins and another ends with its own Execute and Sync runs both
// statements in one implicit transaction.
func TestImplicitTransactionOfTwoTasks(t *testing.T) {
	wd := newWorld(t, 1, fakepg.Config{})
	app := wd.w.NewProcess("app")
	batch := func(sql string, sync bool) []byte {
		msgs := []pgproto3.FrontendMessage{&pgproto3.Parse{Query: sql}, &pgproto3.Bind{}, &pgproto3.Execute{}}
		if sync {
			msgs = append(msgs, &pgproto3.Sync{})
		}
		var b []byte
		for _, m := range msgs {
			var err error
			if b, err = m.Encode(b); err != nil {
				t.Fatal(err)
			}
		}
		return b
	}
	app.Go("a", func() {
		_, sock := wd.connect()
		sock.Write(batch("SELECT 1", false))
		b := app.Go("b", func() { sock.Write(batch("SELECT 2", true)) })
		for !b.Done() {
			wd.w.Yield()
		}
		readReplies(sock, 1)
	})
	wd.run(t)
	truth := wd.srv.Truth()
	r := TransactionMixing(truth)
	wantNames(t, r.First(), "app/a", "app/a/b")
	if !strings.Contains(r.First().Detail, "implicit transaction") {
		t.Errorf("violation %v does not say implicit transaction", r.First())
	}
}

// TestLockedThreadsMixTransactions: two threads that take a lock around
// every statement on one shared connection, as psycopg2's connection
// does, never interleave protocol messages, yet under some seed one
// thread's statement runs in the other's transaction.
func TestLockedThreadsMixTransactions(t *testing.T) {
	for seed := range uint64(seeds) {
		wd := newWorld(t, seed, fakepg.Config{})
		app := wd.w.NewProcess("app")
		app.Go("main", func() {
			c, _ := wd.connect()
			mu := app.NewMutex("conn")
			for _, name := range []string{"thread-a", "thread-b"} {
				app.Go(name, func() {
					for _, sql := range []string{"BEGIN", "SELECT 1", "COMMIT"} {
						mu.Lock()
						c.Exec(sql)
						mu.Unlock()
					}
				})
			}
		})
		wd.run(t)
		truth := wd.srv.Truth()
		wantStatus(t, Interleaving(truth, wd.ct, wd.w.Trace()), Held)
		if r := TransactionMixing(truth); r.Status == Violated {
			v := r.First()
			if len(v.Tasks) != 2 || !slices.Contains(v.Tasks, "app/main/thread-a") || !slices.Contains(v.Tasks, "app/main/thread-b") {
				t.Errorf("seed %d: %v: want both threads", seed, v)
			}
			t.Logf("seed %d: %v", seed, v)
			return
		}
	}
	t.Fatalf("no seed of %d mixed the threads' transactions", seeds)
}

// TestRefusedSessionBreaksBudget: a session the server refuses for want
// of slots breaks the connection budget at the refusal's step, though the
// admitted sessions never exceeded it.
func TestRefusedSessionBreaksBudget(t *testing.T) {
	wd := newWorld(t, 1, fakepg.Config{MaxConnections: 1})
	wd.w.NewProcess("app").Go("client", func() {
		a, _ := wd.connect()
		sock, err := wd.w.Dial("db:5432")
		if err != nil {
			panic(err)
		}
		if _, err := libpq.ConnectObserved(sock, map[string]string{"user": "postgres"}, nil); err == nil {
			panic("a second session was admitted")
		}
		exec(a, "SELECT 1")
		a.Finish()
	})
	wd.run(t)
	truth := wd.srv.Truth()
	if peak, _ := Peak(truth); peak != 1 {
		t.Fatalf("peak %d, want 1", peak)
	}
	r := ConnectionBudget(truth, 1)
	wantStatus(t, r, Violated)
	v := r.First()
	if v.Kind != RefusedSession || v.Step <= 0 || !slices.Contains(v.Tasks, "app/client") || !strings.Contains(v.Detail, "sorry, too many clients already") {
		t.Errorf("violation %v: want the refusal of app/client's session at its step", v)
	}
}
