package pool_test

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/sim"
)

const addr = "db:5432"

// env is a world with a fakepg server and a psycopg2 driver that records
// every frontend message it sends.
type env struct {
	t   *testing.T
	w   *sim.World
	srv *fakepg.Server
	drv psycopg.Driver
	// sent are the frontend messages in the order they were written, with
	// the writing task.
	sent []sent
}

type sent struct {
	typ  byte
	text string // a Query's text
	task string
}

func newEnv(t *testing.T, s sim.Strategy) *env {
	t.Helper()
	e := &env{t: t, w: sim.New(s, sim.MaxSteps(400000))}
	srv, err := fakepg.StartSim(e.w, "db", addr, fakepg.Config{})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.drv = psycopg.Driver{Options: psycopg.Options{OnSend: e.onSend}}
	return e
}

func (e *env) onSend(p []byte) {
	if len(p) == 0 || p[0] == 0 {
		return // startup packet
	}
	task := ""
	if c := e.w.Current(); c != nil {
		task = c.Path()
	}
	for len(p) >= 5 {
		n := int(binary.BigEndian.Uint32(p[1:5]))
		if n < 4 || 1+n > len(p) {
			return
		}
		m := sent{typ: p[0], task: task}
		if p[0] == 'Q' {
			m.text = strings.TrimSuffix(string(p[5:1+n]), "\x00")
		}
		e.sent = append(e.sent, m)
		p = p[1+n:]
	}
}

// mark returns a position in the sent messages, for since.
func (e *env) mark() int { return len(e.sent) }

// since returns the messages sent after mark m, as "Q text" and "X".
func (e *env) since(m int) []string {
	var out []string
	for _, s := range e.sent[m:] {
		if s.typ == 'Q' {
			out = append(out, s.text)
		} else {
			out = append(out, string(s.typ))
		}
	}
	return out
}

func (e *env) creator() pool.Creator {
	target := driver.Target{World: e.w, Addr: addr, Params: map[string]string{"user": "app", "dbname": "app"}}
	drv := e.drv
	return func(*pool.Record) (driver.Conn, error) { return drv.Connect(target) }
}

// run runs the world and fails on a panic or divergence.
func (e *env) run() sim.Outcome {
	e.t.Helper()
	o := e.w.Run()
	if o.Kind == sim.Panicked || o.Kind == sim.Diverged {
		e.t.Fatalf("run ended badly: %v", o)
	}
	return o
}

// session returns the server's session whose backend PID is pid.
func (e *env) session(pid int32) *fakepg.SessionTruth {
	for _, s := range e.srv.Truth().Sessions {
		if s.PID == pid {
			return s
		}
	}
	panic(fmt.Sprintf("no session with pid %d", pid))
}

// admitted returns the sessions the server admitted.
func (e *env) admitted() []*fakepg.SessionTruth {
	var out []*fakepg.SessionTruth
	for _, s := range e.srv.Truth().Sessions {
		if s.PID != 0 {
			out = append(out, s)
		}
	}
	return out
}

// mustConnect checks out, or panics: inside a task the panic ends the run
// and env.run fails the test with it.
func mustConnect(t *testing.T, p *pool.Pool) *pool.Fairy {
	f, err := p.Connect()
	if err != nil {
		panic(fmt.Sprintf("checkout: %v", err))
	}
	return f
}

// exec runs a statement on a checked-out connection, or panics.
func exec(t *testing.T, f *pool.Fairy, q string) driver.Cursor {
	cur, err := f.Conn().Cursor()
	if err != nil {
		panic(fmt.Sprintf("cursor: %v", err))
	}
	if err := cur.Execute(q); err != nil {
		panic(fmt.Sprintf("%s: %v", q, err))
	}
	return cur
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
