package pgxlike_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/simtest"
	"github.com/poolsim/poolsim/driver/pgxlike"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

type session struct {
	t    *testing.T
	w    *sim.World
	srv  *fakepg.Server
	wire *simtest.Wire
	drv  pgxlike.Driver
}

func newSession(t *testing.T, s sim.Strategy, opts ...sim.Option) *session {
	w, srv := simtest.World(t, s, fakepg.Config{}, opts...)
	wire := &simtest.Wire{W: w}
	return &session{t: t, w: w, srv: srv, wire: wire, drv: pgxlike.Driver{Options: pgxlike.Options{OnSend: wire.OnSend}}}
}

func (s *session) open() *pgxlike.DBConn {
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

// statementNames returns the statement names of the Parse, Bind and Close
// messages on the wire, by type.
func statementNames(w *simtest.Wire) []string {
	var out []string
	for _, m := range w.Messages {
		var name []byte
		switch m.Type {
		case 'P', 'B':
			// Bind: portal name, then statement name; Parse: statement name
			parts := bytes.SplitN(m.Body, []byte{0}, 3)
			name = parts[0]
			if m.Type == 'B' {
				name = parts[1]
			}
		case 'C':
			name = bytes.TrimSuffix(m.Body[1:], []byte{0})
		default:
			continue
		}
		out = append(out, fmt.Sprintf("%c %s", m.Type, name))
	}
	return out
}

// TestStatementCache: a statement is prepared once under pgx's cache name
// and then only bound and executed; values come back in pgx's formats.
func TestStatementCache(t *testing.T) {
	s := newSession(t, sim.Zeros())
	var row driver.Row
	var rowcount int
	var desc []driver.Column
	s.w.Go("app", func() {
		c := s.open()
		cur, _ := c.Cursor()
		s.must(cur, "INSERT INTO kv VALUES ($1, $2)", "a", 1)
		rowcount = cur.RowCount()
		s.must(cur, "INSERT INTO kv VALUES ($1, $2)", "b", 2)
		s.must(cur, "SELECT k, v FROM kv WHERE k = $1", "b")
		row, _ = cur.FetchOne()
		desc = cur.Description()
		if n := c.Pgx().StatementCacheLen(); n != 2 {
			t.Errorf("%d cached statements, want 2", n)
		}
		c.Close()
	})
	simtest.Run(t, s.w)
	ins, sel := pgxlike.StatementName("INSERT INTO kv VALUES ($1, $2)"), pgxlike.StatementName("SELECT k, v FROM kv WHERE k = $1")
	if !strings.HasPrefix(ins, "stmtcache_") || len(ins) != len("stmtcache_")+48 {
		t.Errorf("statement name %q", ins)
	}
	// INSERT: Parse Describe Sync, Bind Describe(portal: no fields) Execute Sync;
	// again: Bind Describe Execute Sync; SELECT: Parse Describe Sync, Bind Execute Sync
	if got := s.wire.Types(); got != "PDSBDESBDESPDSBESX" {
		t.Errorf("message types %q", got)
	}
	want := []string{"P " + ins, "B " + ins, "B " + ins, "P " + sel, "B " + sel}
	if got := statementNames(s.wire); !reflect.DeepEqual(got, want) {
		t.Errorf("statements %q, want %q", got, want)
	}
	if !reflect.DeepEqual(row, driver.Row{"b", int64(2)}) || rowcount != 1 {
		t.Errorf("row %#v, rowcount %d", row, rowcount)
	}
	if len(desc) != 2 || desc[1] != (driver.Column{Name: "v", TypeOID: 20}) {
		t.Errorf("description %+v", desc)
	}
}

// TestServerErrorInvalidatesStatement: a server error is a
// *pgconn.PgError with pgconn's text; the failed statement is deallocated
// (Close, Sync) before the connection's next use and prepared again.
func TestServerErrorInvalidatesStatement(t *testing.T) {
	s := newSession(t, sim.Zeros())
	var errs []error
	s.w.Go("app", func() {
		c := s.open()
		cur, _ := c.Cursor()
		const ins = "INSERT INTO kv VALUES ($1, $2)"
		s.must(cur, ins, "a", 1)
		errs = append(errs, cur.Execute(ins, "a", 1))
		s.must(cur, ins, "b", 2)
		errs = append(errs, cur.Execute(ins, "c"))
		c.Close()
	})
	simtest.Run(t, s.w)
	e, ok := errs[0].(*driver.Error)
	if !ok || e.Class != "*pgconn.PgError" || e.Base != "IntegrityError" || e.PgCode != "23505" ||
		e.Message != `ERROR: duplicate key value violates unique constraint "kv_pkey" (SQLSTATE 23505)` {
		t.Errorf("unique violation: %#v", errs[0])
	}
	if e, ok := errs[1].(*driver.Error); !ok || e.Message != "expected 2 arguments, got 1" || e.Class != "*errors.errorString" {
		t.Errorf("argument count: %#v", errs[1])
	}
	name := pgxlike.StatementName("INSERT INTO kv VALUES ($1, $2)")
	want := []string{"P " + name, "B " + name, "B " + name, "C " + name, "P " + name, "B " + name}
	if got := statementNames(s.wire); !reflect.DeepEqual(got, want) {
		t.Errorf("statements %q, want %q", got, want)
	}
}

// killBackend kills the server process of the first session.
func killBackend(w *sim.World) {
	for _, p := range w.Processes() {
		if p.Path() == "db/backend#1" {
			p.Kill()
		}
	}
}

// TestLostConnection: when the backend dies while pgx waits for a reply
// pgx reports "unexpected EOF" and closes the connection asynchronously
// (with a CancelRequest of its own); the failed statement's deallocation
// then meets the closed connection, and later use gets "conn closed".
func TestLostConnection(t *testing.T) {
	s := newSession(t, sim.Zeros())
	var errs []error
	var closed bool
	s.w.Go("app", func() {
		c := s.open()
		cur, _ := c.Cursor()
		s.must(cur, "SELECT 1")
		s.w.Go("killer", func() {
			s.w.Sleep(100 * time.Millisecond)
			killBackend(s.w)
		})
		errs = append(errs, cur.Execute("SELECT pg_sleep(10)"), cur.Execute("SELECT 1"))
		_, err := c.Pgx().PgConn().Exec("SELECT 1")
		errs = append(errs, err)
		closed = c.Closed()
	})
	simtest.Run(t, s.w)
	want := []driver.Error{
		{Class: "*errors.errorString", Base: "OperationalError", Message: "unexpected EOF"},
		{Class: "*fmt.wrapError", Base: "InterfaceError", Message: "failed to deallocate cached statement(s): conn closed"},
	}
	if !errors.Is(errs[2], pgxlike.ErrConnClosed) || errs[2].Error() != "conn closed" {
		t.Errorf("PgConn.Exec on the closed connection: %v", errs[2])
	}
	for i, w := range want {
		if e, ok := errs[i].(*driver.Error); !ok || *e != w {
			t.Errorf("error %d: %#v, want %#v", i, errs[i], w)
		}
	}
	if !closed {
		t.Error("the connection does not say it is closed")
	}
	truth := s.srv.Truth()
	if len(truth.Sessions) != 2 || truth.Sessions[1].Startup[0].Code != 80877102 {
		t.Errorf("asyncClose sent no CancelRequest: %d sessions", len(truth.Sessions))
	}
}

// TestCloseAndCancel: Close sends Terminate; CancelRequest interrupts a
// running query.
func TestCloseAndCancel(t *testing.T) {
	s := newSession(t, sim.Random(2))
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
	})
	simtest.Run(t, s.w)
	if e, ok := execErr.(*driver.Error); !ok || e.Message != "ERROR: canceling statement due to user request (SQLSTATE 57014)" {
		t.Errorf("execute: %#v", execErr)
	}
	if got := s.wire.Types(); !strings.HasSuffix(got, "X") {
		t.Errorf("messages %q end without Terminate", got)
	}
	if s.srv.Truth().Sessions[0].End != fakepg.EndTerminate {
		t.Error("the session did not end by Terminate")
	}
}

// TestGoroutinesSharingConnBusy: goroutines sharing one pgx connection
// find it busy, pgx's "conn busy", instead of interleaving on the wire.
func TestGoroutinesSharingConnBusy(t *testing.T) {
	busy := 0
	for seed := range uint64(40) {
		s := newSession(t, sim.Random(seed))
		var errs []error
		s.w.Go("main", func() {
			c := s.open()
			for i := range 2 {
				s.w.Go(fmt.Sprintf("goroutine-%d", i), func() {
					cur, _ := c.Cursor()
					for j := range 2 {
						if err := cur.Execute("INSERT INTO kv VALUES ($1, $2)", fmt.Sprintf("g%d-%d", i, j), j); err != nil {
							errs = append(errs, err)
						}
					}
				})
			}
		})
		simtest.Run(t, s.w)
		if bad := simtest.Interleavings(s.srv.Truth()); len(bad) > 0 {
			t.Fatalf("seed %d: %s", seed, simtest.Describe(bad[0]))
		}
		for _, err := range errs {
			// a refused query invalidates its statement, which the other
			// goroutine then deallocates first: that can meet the busy
			// connection too
			e, ok := err.(*driver.Error)
			if !ok || (e.Message != "conn busy" && e.Message != "failed to deallocate cached statement(s): conn busy") {
				t.Fatalf("seed %d: %v", seed, err)
			}
			busy++
		}
	}
	if busy == 0 {
		t.Error("no goroutine found the shared connection busy")
	}
}

// TestForkCopySharesSessionAndCache: a forked child's copy reaches the
// parent's session and knows its cached statements, so it only binds.
func TestForkCopySharesSessionAndCache(t *testing.T) {
	s := newSession(t, sim.Zeros())
	var kidRow driver.Row
	app := s.w.NewProcess("app")
	app.Go("master", func() {
		c := s.open()
		cur, _ := c.Cursor()
		s.must(cur, "INSERT INTO kv VALUES ($1, $2)", "p", 1)
		s.must(cur, "SELECT v FROM kv WHERE k = $1", "p")
		kid := app.Fork("worker", nil)
		kc := c.CopyInto(procmem.NewCopier(kid))
		kid.Go("main", func() {
			kcur, _ := kc.Cursor()
			s.must(kcur, "SELECT v FROM kv WHERE k = $1", "p")
			kidRow, _ = kcur.FetchOne()
		})
	})
	simtest.Run(t, s.w)
	if !reflect.DeepEqual(kidRow, driver.Row{int64(1)}) {
		t.Errorf("child row %v", kidRow)
	}
	var kid []string
	for _, m := range s.wire.Messages {
		if strings.HasPrefix(m.Task, "app/worker") {
			kid = append(kid, string(m.Type))
		}
	}
	if strings.Join(kid, "") != "BES" || len(s.srv.Truth().Sessions) != 1 {
		t.Errorf("child sent %v (want Bind Execute Sync on the parent's session)", kid)
	}
}

var digits = regexp.MustCompile(`[0-9]+`)

// TestForkSharedSocketTexts: parent and child using their copies of one
// pgx connection on the shared socket get pgx's texts for a stream they
// cannot read, or results that belong to the other.
func TestForkSharedSocketTexts(t *testing.T) {
	texts := map[string]int{}
	for seed := range uint64(60) {
		s := newSession(t, sim.Random(seed), sim.Deadline(5*time.Second, time.Second), sim.SplitAt(sim.SplitBytes), sim.MaxSteps(200000))
		work := func(c driver.Conn) {
			cur, _ := c.Cursor()
			for range 2 {
				if err := cur.Execute("SELECT id, name, payload FROM activity WHERE id > $1 ORDER BY id", 0); err != nil {
					texts[digits.ReplaceAllString(strings.SplitN(err.Error(), "\n", 2)[0], "N")]++
				}
			}
		}
		app := s.w.NewProcess("app")
		app.Go("master", func() {
			c := s.open()
			cur, _ := c.Cursor()
			for i := range 3 {
				s.must(cur, "INSERT INTO activity VALUES ($1, 'deploy', 'job', 'ops', $2, 'today')", i, strings.Repeat("x", 3000))
			}
			kid := app.Fork("worker", nil)
			kc := c.CopyInto(procmem.NewCopier(kid))
			kid.Go("main", func() { work(kc) })
			work(c)
		})
		simtest.Run(t, s.w)
	}
	var seen []string
	for k, n := range texts {
		seen = append(seen, fmt.Sprintf("%dx %s", n, k))
	}
	sort.Strings(seen)
	t.Logf("errors: %q", seen)
	corrupt := false
	for k := range texts {
		for _, want := range []string{"invalid message length", "invalid body length", "unknown message type", "body is invalid"} {
			corrupt = corrupt || strings.Contains(k, want)
		}
	}
	if !corrupt {
		t.Errorf("no pgx text for a shared stream among %q", seen)
	}
}

// TestWriteToDeadBackend: a statement sent after the backend died fails
// in the write, with pgproto3's "write failed: ...".
func TestWriteToDeadBackend(t *testing.T) {
	s := newSession(t, sim.Zeros())
	var err error
	s.w.Go("app", func() {
		c := s.open()
		cur, _ := c.Cursor()
		killBackend(s.w)
		err = cur.Execute("SELECT 1")
	})
	simtest.Run(t, s.w)
	if e, ok := err.(*driver.Error); !ok || e.Class != "*pgproto3.writeError" || !strings.HasPrefix(e.Message, "write failed: ") {
		t.Errorf("got %#v", err)
	}
}
