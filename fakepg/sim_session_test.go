package fakepg

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/sim"
)

// TestSimAdvisoryLockWaitIsBlocked: a session waiting for an advisory lock
// that is never released blocks its backend on the engine's condition,
// where the scheduler sees it: the run ends deadlocked with that backend
// waiting on db.txn-end, not spinning or sleeping.
func TestSimAdvisoryLockWaitIsBlocked(t *testing.T) {
	w := sim.New(sim.Zeros())
	startSim(t, w, Config{})
	w.Go("holder", func() {
		c, _ := rawDial(w, nil)
		wantLines(t, "lock", c.query("SELECT pg_advisory_lock(1)"), "T pg_advisory_lock:2278", "D ", "C SELECT 1", "Z I")
		w.Go("waiter", func() {
			d, _ := rawDial(w, nil)
			d.query("SELECT pg_advisory_lock(1)")
			t.Error("the waiter got a lock that is held")
		})
	})
	o := w.Run()
	if o.Kind != sim.Deadlocked {
		t.Fatalf("outcome %v, want deadlocked", o)
	}
	var waits []string
	for _, b := range o.Blocked {
		if strings.Contains(b.Task, "backend") && b.Access == sim.AccWait {
			waits = append(waits, b.WaitsOn)
		}
	}
	if len(waits) != 1 || !strings.HasPrefix(waits[0], "wait cond db.txn-end") {
		t.Fatalf("backends waiting on a condition: %q, want one on db.txn-end\n%v", waits, o)
	}
}

// TestSimAdvisoryUnlockWakesWaiter: under every schedule tried, the
// waiting session gets the lock exactly when the holder unlocks it, in
// virtual time.
func TestSimAdvisoryUnlockWakesWaiter(t *testing.T) {
	for seed := range uint64(30) {
		w := sim.New(sim.Random(seed))
		startSim(t, w, Config{})
		var got []string
		var at time.Duration
		w.Go("holder", func() {
			c, _ := rawDial(w, nil)
			c.query("SELECT pg_advisory_lock(1)")
			w.Go("waiter", func() {
				d, _ := rawDial(w, nil)
				got = d.query("SELECT pg_advisory_lock(1), pg_try_advisory_lock(1)")
				at = w.Elapsed()
			})
			w.Sleep(1500 * time.Millisecond)
			wantLines(t, "unlock", c.query("SELECT pg_advisory_unlock(1)"), "T pg_advisory_unlock:16", "D t", "C SELECT 1", "Z I")
		})
		if o := w.Run(); o.Kind != sim.Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		wantLines(t, fmt.Sprintf("seed %d", seed), got,
			"T pg_advisory_lock:2278 pg_try_advisory_lock:16", "D |t", "C SELECT 1", "Z I")
		if at != 1500*time.Millisecond {
			t.Fatalf("seed %d: the waiter got the lock at %v, want at the unlock (1.5s)", seed, at)
		}
	}
}

// TestSimAdvisoryDeadlock: two sessions take two advisory locks in
// opposite orders. The first to wait detects the cycle after
// deadlock_timeout and fails with 40P01; its session-level lock stays
// held, so the other gets its lock only when the first unlocks.
func TestSimAdvisoryDeadlock(t *testing.T) {
	w := sim.New(sim.Zeros())
	startSim(t, w, Config{})
	results := map[string][]string{}
	ended := map[string]time.Duration{}
	for _, order := range [][2]string{{"1", "2"}, {"2", "1"}} {
		name := "s" + order[0]
		w.Go(name, func() {
			if order[0] == "2" {
				w.Sleep(time.Millisecond)
			}
			c, _ := rawDial(w, nil)
			c.query("SELECT pg_advisory_lock(" + order[0] + ")")
			w.Sleep(10 * time.Millisecond)
			results[name] = c.query("SELECT pg_advisory_lock(" + order[1] + ")")
			ended[name] = w.Elapsed()
			if name == "s1" {
				w.Sleep(time.Second)
				c.query("SELECT pg_advisory_unlock_all()")
			}
		})
	}
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	wantLines(t, "first waiter", results["s1"], "T pg_advisory_lock:2278", "E ERROR 40P01 deadlock detected", "Z I")
	wantLines(t, "second waiter", results["s2"], "T pg_advisory_lock:2278", "D ", "C SELECT 1", "Z I")
	if d := ended["s2"] - ended["s1"]; d != time.Second {
		t.Fatalf("the second waiter got its lock %v after the deadlock error, want 1s (at the unlock)", d)
	}
	if ended["s1"] != 10*time.Millisecond+time.Second {
		t.Fatalf("the deadlock was detected at %v, want deadlock_timeout after the first wait began (1.01s)", ended["s1"])
	}
}

// TestSimAdvisoryShareLockDeadlock: one session holds a row FOR SHARE
// and waits for an advisory lock; the other holds that lock and waits to
// update the row. Whatever the schedule, the deadlock detector follows
// the advisory wait and the row lock wait in one graph: the first waiter
// fails with 40P01 and, once it rolls back, the update goes through.
func TestSimAdvisoryShareLockDeadlock(t *testing.T) {
	for seed := range uint64(10) {
		w := sim.New(sim.Random(seed))
		startSim(t, w, Config{})
		results := map[string][]string{}
		w.Go("setup", func() {
			c, _ := rawDial(w, nil)
			c.query("INSERT INTO kv VALUES ('a', 1)")
		})
		w.Go("sharer", func() {
			w.Sleep(time.Millisecond)
			c, _ := rawDial(w, nil)
			c.query("BEGIN")
			c.query("SELECT k FROM kv WHERE k = 'a' FOR SHARE")
			w.Sleep(10 * time.Millisecond)
			results["sharer"] = c.query("SELECT pg_advisory_xact_lock(1)")
			c.query("ROLLBACK")
		})
		w.Go("updater", func() {
			w.Sleep(time.Millisecond)
			c, _ := rawDial(w, nil)
			c.query("BEGIN")
			c.query("SELECT pg_advisory_xact_lock(1)")
			w.Sleep(20 * time.Millisecond)
			results["updater"] = c.query("UPDATE kv SET v = 2 WHERE k = 'a'")
			c.query("COMMIT")
		})
		if o := w.Run(); o.Kind != sim.Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		wantLines(t, fmt.Sprintf("seed %d first waiter", seed), results["sharer"],
			"T pg_advisory_xact_lock:2278", "E ERROR 40P01 deadlock detected", "Z E")
		wantLines(t, fmt.Sprintf("seed %d second waiter", seed), results["updater"], "C UPDATE 1", "Z T")
	}
}
