package psycopg_test

import (
	"testing"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/simtest"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// session is one client task's view of a test world.
type session struct {
	t    *testing.T
	w    *sim.World
	srv  *fakepg.Server
	wire *simtest.Wire
	drv  psycopg.Driver
}

func newSession(t *testing.T, s sim.Strategy, opts psycopg.Options, simOpts ...sim.Option) *session {
	w, srv := simtest.World(t, s, fakepg.Config{}, simOpts...)
	wire := &simtest.Wire{W: w}
	if opts.OnSend == nil {
		opts.OnSend = wire.OnSend
	}
	return &session{t: t, w: w, srv: srv, wire: wire, drv: psycopg.Driver{Options: opts}}
}

// open connects from the current task; a failure ends the test.
func (s *session) open() *psycopg.Conn {
	c, err := s.drv.Open(simtest.Target(s.w))
	if err != nil {
		s.t.Errorf("connect: %v", err)
		panic(err)
	}
	return c
}

// cursor returns a new cursor of c.
func (s *session) cursor(c *psycopg.Conn) *psycopg.Cursor {
	cur, err := c.NewCursor()
	if err != nil {
		s.t.Errorf("cursor: %v", err)
		panic(err)
	}
	return cur
}

// must runs a statement that must succeed.
func (s *session) must(cur *psycopg.Cursor, q string, args ...any) {
	if err := cur.Execute(q, args...); err != nil {
		s.t.Errorf("%s: %v", q, err)
		panic(err)
	}
}

// asError checks that err is a *driver.Error of the given class and text.
func asError(t *testing.T, what string, err error, class, msg string) {
	t.Helper()
	e, ok := err.(*driver.Error)
	if !ok {
		t.Errorf("%s: got %v (%T), want %s", what, err, err, class)
		return
	}
	if e.Class != class || e.Message != msg {
		t.Errorf("%s: got %s: %q, want %s: %q", what, e.Class, e.Message, class, msg)
	}
}
