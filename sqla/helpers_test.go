package sqla_test

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
)

const url = "postgresql+psycopg2://app@db:5432/app"

// env is a world with a fakepg server and a psycopg2 driver that records
// the frontend messages it sends.
type env struct {
	t    *testing.T
	w    *sim.World
	srv  *fakepg.Server
	drv  psycopg.Driver
	sent []string // "Q text" as the text, other messages as their type
}

func newEnv(t *testing.T, s sim.Strategy) *env {
	t.Helper()
	e := &env{t: t, w: sim.New(s, sim.MaxSteps(400000))}
	srv, err := fakepg.StartSim(e.w, "db", "db:5432", fakepg.Config{})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.drv = psycopg.Driver{Options: psycopg.Options{OnSend: e.onSend}}
	return e
}

func (e *env) onSend(p []byte) {
	if len(p) == 0 || p[0] == 0 {
		return
	}
	for len(p) >= 5 {
		n := int(binary.BigEndian.Uint32(p[1:5]))
		if n < 4 || 1+n > len(p) {
			return
		}
		if p[0] == 'Q' {
			e.sent = append(e.sent, strings.TrimSuffix(string(p[5:1+n]), "\x00"))
		} else {
			e.sent = append(e.sent, string(p[0]))
		}
		p = p[1+n:]
	}
}

func (e *env) mark() int { return len(e.sent) }

func (e *env) since(m int) []string { return append([]string(nil), e.sent[m:]...) }

// engine creates an engine on the test server. Unless the arguments say
// otherwise it skips the first-connect initialisation (_initialize=False):
// its catalog queries are the subject of first_connect_test.go only.
func (e *env) engine(kw ...sqla.Kwarg) *sqla.Engine {
	e.t.Helper()
	has := false
	for _, k := range kw {
		has = has || k.Name == "_initialize"
	}
	if !has {
		kw = append(kw, sqla.Kwarg{Name: "_initialize", Value: false})
	}
	eng, err := sqla.CreateEngine(sqla.Setup{World: e.w, Driver: e.drv}, url, kw...)
	if err != nil {
		e.t.Fatal(err)
	}
	return eng
}

func (e *env) run() sim.Outcome {
	e.t.Helper()
	o := e.w.Run()
	if o.Kind == sim.Panicked || o.Kind == sim.Diverged {
		e.t.Fatalf("run ended badly: %v", o)
	}
	return o
}

func (e *env) session(pid int32) *fakepg.SessionTruth {
	for _, s := range e.srv.Truth().Sessions {
		if s.PID == pid {
			return s
		}
	}
	panic(fmt.Sprintf("no session with pid %d", pid))
}

func (e *env) admitted() []*fakepg.SessionTruth {
	var out []*fakepg.SessionTruth
	for _, s := range e.srv.Truth().Sessions {
		if s.PID != 0 {
			out = append(out, s)
		}
	}
	return out
}

// must panics on an error: inside a task the panic ends the run and
// env.run fails the test with it.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
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
