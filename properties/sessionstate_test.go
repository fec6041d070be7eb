package properties

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/fakepg"
)

// TestSessionStateLeaks: state one task sets on a connection (a SET, an
// SQL prepared statement, a session advisory lock) is still in effect
// when another task's statement runs on it: a leak naming the setter
// first and the state set.
func TestSessionStateLeaks(t *testing.T) {
	for _, set := range []struct{ sql, item string }{
		{"SET work_mem = '8MB'", "SET work_mem = 8MB"},
		{"PREPARE p AS SELECT 1", "PREPARE p"},
		{"SELECT pg_advisory_lock(7)", "advisory lock 7"},
	} {
		wd := newWorld(t, 1, fakepg.Config{})
		handOff(wd, []string{set.sql}, []string{"SELECT 2", "SELECT 3"}, nil)
		wd.run(t)
		r := SessionStateLeak(wd.srv.Truth())
		wantStatus(t, r, Violated)
		if len(r.Violations) != 1 {
			t.Errorf("%s: want one violation for the pair of tasks, got %v", set.sql, r)
		}
		wantNames(t, r.First(), "app/a", "app/a/b")
		if !strings.Contains(r.First().Detail, set.item) {
			t.Errorf("%s: violation %v does not name %q", set.sql, r.First(), set.item)
		}
	}
	// state the second task sets leaks back to the first
	wd := newWorld(t, 1, fakepg.Config{})
	handOff(wd, []string{"SELECT 1"}, []string{"SET work_mem = '16MB'"}, []string{"SELECT 4"})
	wd.run(t)
	wantNames(t, SessionStateLeak(wd.srv.Truth()).First(), "app/a/b", "app/a")
}

// TestSessionStateCleared: state cleared before the handover, or by the
// other task's first request, does not leak; SET LOCAL ends with its
// transaction; the setter's own later statements are no leak.
func TestSessionStateCleared(t *testing.T) {
	for _, c := range []struct{ first, second, last []string }{
		{[]string{"SET work_mem = '8MB'", "SELECT 1", "RESET ALL"}, []string{"SELECT 2"}, []string{"SELECT 4"}},
		{[]string{"PREPARE p AS SELECT 1", "DEALLOCATE p"}, []string{"SELECT 2"}, []string{"SELECT 4"}},
		{[]string{"SELECT pg_advisory_lock(7)", "SELECT pg_advisory_unlock(7)"}, []string{"SELECT 2"}, []string{"SELECT 4"}},
		{[]string{"BEGIN", "SET LOCAL work_mem = '8MB'", "COMMIT"}, []string{"SELECT 2"}, []string{"SELECT 4"}},
		{[]string{"SET work_mem = '8MB'"}, []string{"RESET ALL", "SELECT 2"}, []string{"SELECT 4"}},
		{[]string{"SET work_mem = '8MB'"}, []string{"SET work_mem = '16MB'", "SELECT 2"}, []string{"RESET work_mem", "SELECT 4"}},
	} {
		wd := newWorld(t, 1, fakepg.Config{})
		handOff(wd, c.first, c.second, c.last)
		wd.run(t)
		if r := SessionStateLeak(wd.srv.Truth()); r.Status != Held {
			t.Errorf("%q then %q: %v", c.first, c.second, r)
		}
	}
}

// TestStatusJSON: statuses marshal as their names and back.
func TestStatusJSON(t *testing.T) {
	r := Result{Property: "p", Status: Inconclusive, Reason: "why"}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"property":"p","status":"inconclusive","reason":"why"}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil || back.Status != Inconclusive {
		t.Errorf("round trip: %v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"status":"maybe"}`), &back); err == nil {
		t.Error("an unknown status parsed")
	}
}
