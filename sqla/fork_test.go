package sqla_test

import (
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
)

// childDispose forks a process whose engine copy has one idle pooled
// connection (the parent's), has the child dispose with close, then has
// the parent use its connection. It returns the parent's session end and
// the parent's error.
func childDispose(t *testing.T, close bool) (fakepg.EndReason, error) {
	e := newEnv(t, sim.Random(90))
	eng := e.engine()
	var end fakepg.EndReason
	var perr error
	e.w.Go("master", func() {
		c := must(eng.Connect())
		pid := c.DBAPI().BackendPID()
		_ = c.Close()
		var ceng *sqla.Engine
		kid := e.w.Main().Fork("worker", func(p *sim.Process) { ceng = eng.CopyInto(procmem.NewCopier(p)) })
		kid.Go("post_fork", func() { ceng.Dispose(close) })
		e.w.Sleep(time.Second)
		end = e.session(pid).End
		c = must(eng.Connect())
		_, perr = c.Execute(sqla.Text("select 1"))
		_ = c.Close()
	})
	e.run()
	return end, perr
}

// TestChildDisposeCloseTrueEndsParentSession: dispose(close=True) in a
// forked child sends Terminate on the socket it shares with the parent:
// the parent's session ends, and the parent's next statement meets the
// closed connection.
func TestChildDisposeCloseTrueEndsParentSession(t *testing.T) {
	end, err := childDispose(t, true)
	if end != fakepg.EndTerminate {
		t.Fatalf("parent's session after the child's dispose: %v", end)
	}
	if err == nil || !strings.Contains(err.Error(), "server closed the connection unexpectedly") {
		t.Fatalf("parent's statement: %v", err)
	}
}

// TestChildDisposeCloseFalseLeavesParentAlone: dispose(close=False) in the
// child sends nothing.
func TestChildDisposeCloseFalseLeavesParentAlone(t *testing.T) {
	end, err := childDispose(t, false)
	if end != fakepg.SessionOpen || err != nil {
		t.Fatalf("parent's session %v, its statement %v", end, err)
	}
}
