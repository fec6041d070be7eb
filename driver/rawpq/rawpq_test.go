package rawpq_test

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/simtest"
	"github.com/poolsim/poolsim/driver/rawpq"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

type session struct {
	t    *testing.T
	w    *sim.World
	srv  *fakepg.Server
	wire *simtest.Wire
	drv  rawpq.Driver
}

func newSession(t *testing.T, s sim.Strategy, opts ...sim.Option) *session {
	w, srv := simtest.World(t, s, fakepg.Config{}, opts...)
	wire := &simtest.Wire{W: w}
	return &session{t: t, w: w, srv: srv, wire: wire, drv: rawpq.Driver{Options: rawpq.Options{OnSend: wire.OnSend}}}
}

func (s *session) open() *rawpq.Conn {
	c, err := s.drv.Open(simtest.Target(s.w))
	if err != nil {
		s.t.Errorf("connect: %v", err)
		panic(err)
	}
	return c
}

func (s *session) must(cur driver.Cursor, q string, args ...any) {
	if err := cur.Execute(q, args...); err != nil {
		s.t.Errorf("%s: %v", q, err)
		panic(err)
	}
}

// TestNoImplicitTransactions: libpq sends what it is given: no BEGIN
// unless the program runs it, COMMIT only inside a transaction; arguments
// go through the extended protocol.
func TestNoImplicitTransactions(t *testing.T) {
	s := newSession(t, sim.Zeros())
	var inTx []bool
	var row driver.Row
	var rowcount int
	s.w.Go("app", func() {
		c := s.open()
		cur, _ := c.Cursor()
		s.must(cur, "INSERT INTO kv VALUES ('a', 1)")
		inTx = append(inTx, c.InTransaction())
		c.Commit()
		c.Rollback()
		s.must(cur, "BEGIN")
		s.must(cur, "UPDATE kv SET v = v + 1")
		rowcount = cur.RowCount()
		inTx = append(inTx, c.InTransaction())
		if err := c.Commit(); err != nil {
			t.Error(err)
		}
		inTx = append(inTx, c.InTransaction())
		s.must(cur, "SELECT k, v FROM kv WHERE k = $1", "a")
		row, _ = cur.FetchOne()
		if err := c.SetAutocommit(false); err == nil {
			t.Error("autocommit switched off on libpq")
		}
		c.Close()
	})
	simtest.Run(t, s.w)
	want := []string{"INSERT INTO kv VALUES ('a', 1)", "BEGIN", "UPDATE kv SET v = v + 1", "COMMIT"}
	if got := s.wire.Queries(); !slices.Equal(got, want) {
		t.Errorf("queries %q, want %q", got, want)
	}
	if got := s.wire.Types(); got != "QQQQPBDESX" {
		t.Errorf("message types %q", got)
	}
	if !slices.Equal(inTx, []bool{false, true, false}) || rowcount != 1 {
		t.Errorf("in transaction %v, rowcount %d", inTx, rowcount)
	}
	if !reflect.DeepEqual(row, driver.Row{"a", int64(2)}) {
		t.Errorf("row %#v", row)
	}
}

// TestLibpqErrors: errors carry libpq's own texts.
func TestLibpqErrors(t *testing.T) {
	s := newSession(t, sim.Zeros())
	var errs []error
	s.w.Go("app", func() {
		c := s.open()
		cur, _ := c.Cursor()
		s.must(cur, "INSERT INTO kv VALUES ('a', 1)")
		errs = append(errs, cur.Execute("INSERT INTO kv VALUES ('a', 1)"))
		for _, p := range s.w.Processes() {
			if p.Path() == "db/backend#1" {
				p.Kill()
			}
		}
		errs = append(errs, cur.Execute("SELECT 1"))
		c.Close()
		errs = append(errs, cur.Execute("SELECT 1"))
	})
	simtest.Run(t, s.w)
	want := []driver.Error{
		{Class: "libpq", Base: "IntegrityError", PgCode: "23505",
			Message: "ERROR:  duplicate key value violates unique constraint \"kv_pkey\"\nDETAIL:  Key (k)=(a) already exists.\n"},
		{Class: "libpq", Base: "OperationalError",
			Message: "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n"},
		{Class: "libpq", Base: "OperationalError", Message: "no connection to the server\n"},
	}
	for i, w := range want {
		e, ok := errs[i].(*driver.Error)
		if !ok || *e != w {
			t.Errorf("case %d: got %#v, want %#v", i, errs[i], w)
		}
	}
	if got := s.wire.Types(); got != "QQQ" {
		t.Errorf("messages %q: nothing after the connection was lost", got)
	}
}

// TestCloseAndCancel: Close sends Terminate; Cancel interrupts a running
// statement through a CancelRequest on a new socket.
func TestCloseAndCancel(t *testing.T) {
	s := newSession(t, sim.Random(4))
	var execErr error
	s.w.Go("app", func() {
		c := s.open()
		s.w.Go("canceller", func() {
			s.w.Sleep(100 * time.Millisecond)
			if err := c.Cancel(); err != nil {
				t.Error(err)
			}
		})
		cur, _ := c.Cursor()
		execErr = cur.Execute("SELECT pg_sleep(10)")
		c.Close()
		c.Close()
	})
	simtest.Run(t, s.w)
	if e, ok := execErr.(*driver.Error); !ok || e.PgCode != "57014" || e.Message != "ERROR:  canceling statement due to user request\n" {
		t.Errorf("execute: %v", execErr)
	}
	if got := s.wire.Types(); got != "QX" {
		t.Errorf("messages %q", got)
	}
	if truth := s.srv.Truth(); truth.Sessions[0].End != fakepg.EndTerminate || len(truth.Sessions) != 2 {
		t.Errorf("sessions %d, first ended by %v", len(truth.Sessions), truth.Sessions[0].End)
	}
}

// TestForkCopy: the child's copy reaches the same server session.
func TestForkCopy(t *testing.T) {
	s := newSession(t, sim.Zeros())
	var kidRow driver.Row
	app := s.w.NewProcess("app")
	app.Go("master", func() {
		c := s.open()
		cur, _ := c.Cursor()
		s.must(cur, "BEGIN")
		s.must(cur, "INSERT INTO kv VALUES ('p', 7)")
		kid := app.Fork("worker", nil)
		kc := c.Copy(procmem.NewCopier(kid))
		kid.Go("main", func() {
			kcur, _ := kc.Cursor()
			s.must(kcur, "SELECT v FROM kv")
			kidRow, _ = kcur.FetchOne()
		})
	})
	simtest.Run(t, s.w)
	if !reflect.DeepEqual(kidRow, driver.Row{int64(7)}) {
		t.Errorf("child read %v, want the parent's uncommitted row", kidRow)
	}
	reqs := s.srv.Truth().Requests
	if len(s.srv.Truth().Sessions) != 1 || reqs[len(reqs)-1].Senders()[0].Path() != "app/worker#1/main" {
		t.Errorf("the child's query is not on the parent's session")
	}
}

// TestThreadsInterleave: threads sharing one raw libpq connection (no
// lock) interleave their requests under some schedule, and libpq reports
// its texts.
func TestThreadsInterleave(t *testing.T) {
	interleaved := 0
	texts := map[string]int{}
	for seed := range uint64(40) {
		s := newSession(t, sim.Random(seed), sim.Deadline(2*time.Second, 500*time.Millisecond))
		app := s.w.NewProcess("app")
		app.Go("main", func() {
			c := s.open()
			for i := range 2 {
				s.w.Go(fmt.Sprintf("thread-%d", i), func() {
					cur, _ := c.Cursor()
					for j := range 2 {
						if err := cur.Execute(fmt.Sprintf("INSERT INTO kv VALUES ('t%d-%d', 1)", i, j)); err != nil {
							texts[strings.SplitN(err.Error(), "\n", 2)[0]]++
						}
					}
				})
			}
		})
		simtest.Run(t, s.w)
		if len(simtest.Interleavings(s.srv.Truth())) > 0 {
			interleaved++
		}
	}
	var seen []string
	for k, n := range texts {
		seen = append(seen, fmt.Sprintf("%dx %s", n, k))
	}
	sort.Strings(seen)
	t.Logf("%d of 40 schedules interleaved; errors %q", interleaved, seen)
	known := false
	for k := range texts {
		for _, want := range []string{"lost synchronization with server", "another command is already in progress",
			"insufficient data in", "unexpected response from server", "server sent data"} {
			known = known || strings.Contains(k, want)
		}
	}
	if interleaved == 0 || !known {
		t.Errorf("no interleaving (%d) or none of libpq's corruption texts (%q)", interleaved, seen)
	}
}
