package scenario

import (
	"testing"

	"github.com/poolsim/poolsim/app"
)

// TestWrongResultsCompareEveryStatement: in runs where nothing is shared,
// every statement that returned is compared with the server's answer to
// its request (simple protocol with psycopg2, extended protocol with
// named statements and binary results with pgx), none differs; a result
// altered after the fact is reported.
func TestWrongResultsCompareEveryStatement(t *testing.T) {
	for _, name := range []string{"gthread-queuepool", "threads-singletonthreadpool", "goroutines-pgx-shared"} {
		s := loadRunnable(t, name)
		if s.Threads != nil {
			s.Threads.Threads = 1
		}
		r := RunSeed(s, 3)
		statements := 0
		for _, op := range r.Ops() {
			if op.Returned && !op.Failed() && op.Kind != app.OpCommit && op.Kind != app.OpRollback {
				statements++
			}
		}
		wrong, compared := r.compare()
		if len(wrong) > 0 || compared != statements || statements == 0 {
			t.Fatalf("%s: %d of %d statements compared, wrong %v", name, compared, statements, wrong)
		}
		for _, op := range r.Ops() {
			if op.Rows != nil && len(op.Rows) > 0 {
				op.Rows[0][0] += "!"
				break
			}
		}
		if wrong, _ := r.compare(); len(wrong) != 1 {
			t.Fatalf("%s: an altered row gave %v", name, wrong)
		}
	}
}
