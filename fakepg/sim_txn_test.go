package fakepg

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/sim"
)

// blockedOnTxnEnd returns the blocked tasks of a deadlocked run that wait
// on the engine's condition variable (row lock waits).
func blockedOnTxnEnd(o sim.Outcome) []sim.BlockedTask {
	var out []sim.BlockedTask
	for _, b := range o.Blocked {
		if strings.Contains(b.WaitsOn, "db.txn-end") {
			out = append(out, b)
		}
	}
	return out
}

// TestSimShareLockWaitsAreVisible: a FOR SHARE waiting for a FOR UPDATE
// holder, and a FOR UPDATE waiting for FOR SHARE holders, block on the
// engine's condition variable, where the scheduler sees them: a run whose
// holders never finish ends deadlocked with the waiter's backend listed
// as waiting on it, not in a busy loop or a hidden block.
func TestSimShareLockWaitsAreVisible(t *testing.T) {
	for _, tc := range []struct{ held, wanted string }{
		{"FOR UPDATE", "FOR SHARE"},
		{"FOR SHARE", "FOR UPDATE"},
		{"FOR SHARE", "FOR NO KEY UPDATE"},
	} {
		w := sim.New(sim.Random(7))
		startSim(t, w, Config{})
		var waiterDone bool
		w.Go("holders", func() {
			c, _ := rawDial(w, nil)
			c.query("INSERT INTO kv VALUES ('a', 1)")
			c.query("BEGIN")
			c.query("SELECT k FROM kv " + tc.held)
			d, _ := rawDial(w, nil)
			d.query("BEGIN")
			d.query("SELECT k FROM kv FOR SHARE")
			w.Go("waiter", func() {
				e, _ := rawDial(w, nil)
				e.query("SELECT k FROM kv " + tc.wanted)
				waiterDone = true
			})
		})
		o := w.Run()
		if o.Kind != sim.Deadlocked || waiterDone {
			t.Fatalf("%s vs %s: %v (waiter done: %v), want the waiter blocked for good", tc.wanted, tc.held, o, waiterDone)
		}
		b := blockedOnTxnEnd(o)
		if len(b) != 1 || !strings.HasPrefix(b[0].Process, "db/") {
			t.Fatalf("%s vs %s: tasks waiting on the engine's condition: %+v\n%v", tc.wanted, tc.held, b, o)
		}
		if b[0].Since < time.Second {
			// the waiter checked for a deadlock after deadlock_timeout,
			// then waited without a timeout
			t.Errorf("%s vs %s: blocked since %v, want after the deadlock check at 1s", tc.wanted, tc.held, b[0].Since)
		}
	}
}

// TestSimShareLocksGoTogether: two FOR SHARE lockers of one row never wait
// for each other, under every schedule tried.
func TestSimShareLocksGoTogether(t *testing.T) {
	for seed := range uint64(20) {
		w := sim.New(sim.Random(seed))
		startSim(t, w, Config{})
		got := map[string][]string{}
		w.Go("setup", func() {
			c, _ := rawDial(w, nil)
			c.query("INSERT INTO kv VALUES ('a', 1)")
			for _, name := range []string{"s1", "s2"} {
				w.Go(name, func() {
					d, _ := rawDial(w, nil)
					d.query("BEGIN")
					got[name] = d.query("SELECT k, v FROM kv FOR SHARE")
					w.Sleep(time.Second)
					d.query("COMMIT")
				})
			}
		})
		if o := w.Run(); o.Kind != sim.Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		if o := w.Elapsed(); o != time.Second {
			t.Fatalf("seed %d: took %v, want the one second both slept side by side", seed, o)
		}
		for _, name := range []string{"s1", "s2"} {
			wantLines(t, fmt.Sprintf("seed %d %s", seed, name), got[name], "T k:25 v:20", "D a|1", "C SELECT 1", "Z T")
		}
	}
}

// TestSimRollbackToReleasesLock: a waiter blocked on a row lock taken
// after a savepoint proceeds at the ROLLBACK TO, before the holder's
// transaction ends, and sees the row as it was before the savepoint.
func TestSimRollbackToReleasesLock(t *testing.T) {
	for seed := range uint64(20) {
		w := sim.New(sim.Random(seed))
		startSim(t, w, Config{})
		var got []string
		var at time.Duration
		w.Go("holder", func() {
			c, _ := rawDial(w, nil)
			c.query("INSERT INTO kv VALUES ('a', 1)")
			c.query("BEGIN")
			c.query("SAVEPOINT s")
			c.query("UPDATE kv SET v = 2 WHERE k = 'a'")
			w.Go("waiter", func() {
				d, _ := rawDial(w, nil)
				got = d.query("UPDATE kv SET v = v * 10 WHERE k = 'a' RETURNING v")
				at = w.Elapsed()
			})
			w.Sleep(time.Second)
			c.query("ROLLBACK TO SAVEPOINT s")
			w.Sleep(time.Second)
			c.query("COMMIT")
		})
		if o := w.Run(); o.Kind != sim.Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		wantLines(t, fmt.Sprintf("seed %d", seed), got, "T v:20", "D 10", "C UPDATE 1", "Z I")
		if at != time.Second {
			t.Fatalf("seed %d: the waiting UPDATE finished at %v, want at the ROLLBACK TO (1s)", seed, at)
		}
	}
}

// TestSimShareLockDeadlock: two transactions share-lock one row each and
// then update the other's row, a lock-order inversion through share
// locks: the first waiter detects the cycle after deadlock_timeout and
// fails with 40P01, the other proceeds, and the run completes.
func TestSimShareLockDeadlock(t *testing.T) {
	for seed := range uint64(10) {
		w := sim.New(sim.Random(seed))
		startSim(t, w, Config{})
		results := map[string][]string{}
		w.Go("setup", func() {
			c, _ := rawDial(w, nil)
			c.query("INSERT INTO kv VALUES ('a', 1), ('b', 1)")
		})
		for _, order := range [][2]string{{"a", "b"}, {"b", "a"}} {
			name := "t-" + order[0]
			w.Go(name, func() {
				w.Sleep(time.Millisecond) // after setup
				if order[0] == "b" {
					w.Sleep(time.Millisecond)
				}
				c, _ := rawDial(w, nil)
				c.query("BEGIN")
				c.query("SELECT k FROM kv WHERE k = '" + order[0] + "' FOR SHARE")
				w.Sleep(10 * time.Millisecond)
				results[name] = c.query("UPDATE kv SET v = 3 WHERE k = '" + order[1] + "'")
				c.query("ROLLBACK")
			})
		}
		if o := w.Run(); o.Kind != sim.Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		wantLines(t, fmt.Sprintf("seed %d first waiter", seed), results["t-a"], "E ERROR 40P01 deadlock detected", "Z E")
		wantLines(t, fmt.Sprintf("seed %d second waiter", seed), results["t-b"], "C UPDATE 1", "Z T")
	}
}

// TestSimRepeatableReadLostUpdate: two REPEATABLE READ transactions
// increment one counter; whatever the schedule, the second writer waits
// for the first and fails with 40001 instead of losing its update.
func TestSimRepeatableReadLostUpdate(t *testing.T) {
	for seed := range uint64(20) {
		w := sim.New(sim.Random(seed))
		startSim(t, w, Config{})
		results := map[string][]string{}
		var final []string
		w.Go("setup", func() {
			c, _ := rawDial(w, nil)
			c.query("INSERT INTO kv VALUES ('n', 0)")
			done := 0
			for _, name := range []string{"t1", "t2"} {
				w.Go(name, func() {
					d, _ := rawDial(w, nil)
					d.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
					d.query("SELECT v FROM kv WHERE k = 'n'")
					w.Sleep(time.Millisecond)
					results[name] = d.query("UPDATE kv SET v = v + 1 WHERE k = 'n'")
					w.Sleep(time.Millisecond)
					d.query("COMMIT")
					if done++; done == 2 {
						final = d.query("SELECT v FROM kv")
					}
				})
			}
		})
		if o := w.Run(); o.Kind != sim.Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		ok, failed := 0, 0
		for _, r := range results {
			switch strings.Join(r, "; ") {
			case "C UPDATE 1; Z T":
				ok++
			case "E ERROR 40001 could not serialize access due to concurrent update; Z E":
				failed++
			default:
				t.Fatalf("seed %d: %q", seed, r)
			}
		}
		if ok != 1 || failed != 1 {
			t.Fatalf("seed %d: %d updates and %d serialization failures, want one each", seed, ok, failed)
		}
		wantLines(t, fmt.Sprintf("seed %d final", seed), final, "T v:20", "D 1", "C SELECT 1", "Z I")
	}
}
