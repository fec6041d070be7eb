package fakepg

import (
	"slices"
	"testing"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/sim"
)

// TestTruthTransactionStatusAndState: each request records the
// transaction status its ReadyForQuery sent and the session state in
// effect after it: parameters set (SET LOCAL only while its transaction
// lasts), SQL prepared statements (not the protocol's named ones),
// session advisory locks and held cursors, until RESET, DEALLOCATE,
// unlock and CLOSE clear them.
func TestTruthTransactionStatusAndState(t *testing.T) {
	steps := []struct {
		sql    string
		status byte
		state  []string
	}{
		{"BEGIN", 'T', nil},
		{"SET work_mem = '8MB'", 'T', []string{"SET work_mem = 8MB"}},
		{"SET LOCAL lock_timeout = '1s'", 'T', []string{"SET lock_timeout = 1s", "SET work_mem = 8MB"}},
		{"DECLARE c CURSOR WITH HOLD FOR SELECT 1", 'T', []string{"SET lock_timeout = 1s", "SET work_mem = 8MB"}},
		{"COMMIT", 'I', []string{"SET work_mem = 8MB", "WITH HOLD cursor c"}},
		{"PREPARE p AS SELECT 1", 'I', []string{"SET work_mem = 8MB", "PREPARE p", "WITH HOLD cursor c"}},
		{"SELECT pg_advisory_lock(7)", 'I', []string{"SET work_mem = 8MB", "PREPARE p", "advisory lock 7", "WITH HOLD cursor c"}},
		{"SELECT pg_advisory_xact_lock(8)", 'I', []string{"SET work_mem = 8MB", "PREPARE p", "advisory lock 7", "WITH HOLD cursor c"}},
		{"SELECT 1/0", 'I', []string{"SET work_mem = 8MB", "PREPARE p", "advisory lock 7", "WITH HOLD cursor c"}},
		{"BEGIN", 'T', []string{"SET work_mem = 8MB", "PREPARE p", "advisory lock 7", "WITH HOLD cursor c"}},
		{"SELECT 1/0", 'E', []string{"SET work_mem = 8MB", "PREPARE p", "advisory lock 7", "WITH HOLD cursor c"}},
		{"ROLLBACK", 'I', []string{"SET work_mem = 8MB", "PREPARE p", "advisory lock 7", "WITH HOLD cursor c"}},
		{"RESET ALL", 'I', []string{"PREPARE p", "advisory lock 7", "WITH HOLD cursor c"}},
		{"DEALLOCATE ALL", 'I', []string{"advisory lock 7", "WITH HOLD cursor c"}},
		{"SELECT pg_advisory_unlock(7)", 'I', []string{"WITH HOLD cursor c"}},
		{"CLOSE c", 'I', nil},
	}
	srv := truthRun(t, Config{}, func(w *sim.World) {
		w.Go("client", func() {
			c, _ := rawDial(w, nil)
			c.send(&pgproto3.Parse{Name: "s1", Query: "SELECT 2"}, &pgproto3.Sync{})
			c.untilReady()
			for _, st := range steps {
				c.query(st.sql)
			}
			c.conn.Close()
		})
	})
	s := onlySession(t, srv)
	if len(s.Requests) != len(steps)+1 {
		t.Fatalf("%d requests, want %d", len(s.Requests), len(steps)+1)
	}
	if r := s.Requests[0]; r.TxStatus != 'I' || r.State != nil {
		t.Errorf("protocol Parse of s1: status %q, state %q; want idle and no state", r.TxStatus, r.State)
	}
	last := 0
	for i, st := range steps {
		r := s.Requests[i+1]
		if r.TxStatus != st.status || !slices.Equal(r.State, st.state) {
			t.Errorf("after %s: status %q, state %q; want %q, %q", st.sql, r.TxStatus, r.State, st.status, st.state)
		}
		if r.Step <= last {
			t.Errorf("%s read at step %d, not after the previous request's step %d", st.sql, r.Step, last)
		}
		last = r.Step
	}
}
