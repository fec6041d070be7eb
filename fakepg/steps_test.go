package fakepg

import (
	"testing"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/sim"
)

// roundTripSteps returns the world's steps for one round trip of msgs on
// an idle session, after a first, identical round trip has warmed the
// session's query cache.
func roundTripSteps(t *testing.T, msgs ...pgproto3.FrontendMessage) int {
	t.Helper()
	w := sim.New(sim.Zeros())
	startSim(t, w, Config{})
	steps := -1
	w.Go("client", func() {
		c, _ := rawDial(w, nil)
		c.query("INSERT INTO kv VALUES ('a', 1)")
		c.send(msgs...)
		c.untilReady()
		before := w.Step()
		c.send(msgs...)
		reply := c.untilReady()
		steps = w.Step() - before
		if reply[len(reply)-1] != "Z I" {
			t.Errorf("reply %q", reply)
		}
	})
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	return steps
}

// TestSimpleQueryRoundTripSteps pins the scheduler steps of a simple-query
// round trip under no preemption. Between the client's write and the end
// of its read of ReadyForQuery:
//
//	client writes the Query                        1
//	client reads, finds nothing and blocks         1
//	server's read returns the Query                0 (its step was taken
//	                                                 when it began to read)
//	the statement's critical section: Lock         1
//	  commit: Broadcast to lock waiters            0 (nobody waits and the
//	                                                 lock is held: no step)
//	  Unlock                                       1
//	server flushes the reply at ReadyForQuery      1
//	server begins its next read and blocks         1
//	client's read returns the whole reply          0
//
// 6 steps. A regression (a lock taken per command phase, an extra
// flush) changes the count.
func TestSimpleQueryRoundTripSteps(t *testing.T) {
	const want = 6
	if got := roundTripSteps(t, &pgproto3.Query{String: "SELECT k, v FROM kv WHERE k = 'a'"}); got != want {
		t.Errorf("a simple-query round trip took %d steps, want %d", got, want)
	}
}

// TestExtendedQueryRoundTripSteps pins the steps of a Parse, Bind,
// Describe, Execute, Sync round trip: Parse and Bind touch only the
// session's own state and take no lock; Execute is one critical section
// (Lock, Unlock) and Sync another that commits (Lock, Broadcast, Unlock).
// With the client's write and read and the server's flush and next read:
// 4 + 2 + 2.
func TestExtendedQueryRoundTripSteps(t *testing.T) {
	const want = 8
	if got := roundTripSteps(t, benchExtended...); got != want {
		t.Errorf("an extended-query round trip took %d steps, want %d", got, want)
	}
}
