package psycopg_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/driver/internal/simtest"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/sim"
)

// sharedRun is what threadsSharing leaves behind.
type sharedRun struct {
	errs     []string // every error text the threads saw
	survived int      // rows of the threads' keys after the run
}

// threadsSharing has two threads of one process share one connection:
// each inserts its key and reads the table; when both inserted, the
// second rolls back. A fresh connection then counts the threads' rows.
func threadsSharing(s *session) *sharedRun {
	run := &sharedRun{survived: -1}
	app := s.w.NewProcess("app")
	note := func(err error) {
		if err != nil {
			run.errs = append(run.errs, err.Error())
		}
	}
	app.Go("main", func() {
		c := s.open()
		inserted, done := 0, 0
		for i := range 2 {
			s.w.Go(fmt.Sprintf("thread-%d", i), func() {
				defer func() { done++ }()
				cur, err := c.NewCursor()
				if err != nil {
					note(err)
					return
				}
				note(cur.Execute("INSERT INTO kv VALUES (%s, %s)", fmt.Sprintf("t%d", i), i))
				inserted++
				note(cur.Execute("SELECT k, v FROM kv ORDER BY k"))
				if _, err := cur.FetchAll(); err != nil {
					note(err)
				}
				if i == 1 {
					for inserted < 2 {
						s.w.Sleep(50 * time.Millisecond)
					}
					note(c.Rollback())
				}
			})
		}
		for done < 2 {
			s.w.Sleep(50 * time.Millisecond)
		}
		c.Close()
		check := s.open()
		check.SetAutocommit(true)
		cur := s.cursor(check)
		s.must(cur, "SELECT count(*) FROM kv")
		if row, _ := cur.FetchOne(); row != nil {
			run.survived = int(row[0].(int64))
		}
		check.Close()
	})
	return run
}

// TestThreadsSharingNeverInterleave: under every schedule tried, threads
// sharing a psycopg2 connection never put two tasks' bytes into one
// request nor read each other's replies, yet they share one transaction:
// one thread's rollback discards the other's insert.
func TestThreadsSharingNeverInterleave(t *testing.T) {
	for seed := range uint64(60) {
		ct := &fakepg.ClientTruth{}
		var w *sim.World
		observe := func(sock *sim.Conn) func(libpq.Consumed) { return ct.Hook(w, sock.Inbound()) }
		s := newSession(t, sim.Random(seed), psycopg.Options{Observe: observe}, sim.Deadline(2*time.Second, 500*time.Millisecond))
		w = s.w
		run := threadsSharing(s)
		if o := simtest.Run(t, s.w); o.Kind != sim.Completed {
			t.Fatalf("seed %d: %v", seed, o)
		}
		if bad := simtest.Interleavings(s.srv.Truth()); len(bad) > 0 {
			t.Fatalf("seed %d: %s", seed, simtest.Describe(bad[0]))
		}
		// and on the client side, each reply was parsed by the thread that
		// sent its request
		checked := 0
		for _, r := range s.srv.Truth().Requests {
			if r.ReplyEnd == r.ReplyOff {
				continue
			}
			got := ct.Consumers(r.Session.Outbound, r.ReplyOff, r.ReplyEnd)
			if len(got) != 1 || got[0] != r.Senders()[0] {
				t.Fatalf("seed %d: reply to %s parsed by %v", seed, r.Senders()[0], got)
			}
			checked++
		}
		if checked < 5 {
			t.Fatalf("seed %d: only %d replies recorded on the client side", seed, checked)
		}
		if len(run.errs) > 0 {
			t.Fatalf("seed %d: errors %q", seed, run.errs)
		}
		if run.survived != 0 {
			t.Fatalf("seed %d: %d of the threads' rows survived the rollback", seed, run.survived)
		}
		// the record shows it: one BEGIN, both threads' INSERTs, then
		// thread-1's ROLLBACK, all on the one session
		var order []string
		for _, m := range s.wire.Messages {
			if strings.HasPrefix(m.Text(), "INSERT") || m.Text() == "ROLLBACK" || m.Text() == "BEGIN" {
				order = append(order, m.Task[strings.LastIndexByte(m.Task, '/')+1:]+":"+strings.Fields(m.Text())[0])
			}
		}
		if len(order) < 4 || order[0][len(order[0])-5:] != "BEGIN" || order[3] != "thread-1:ROLLBACK" ||
			!strings.HasSuffix(order[1], "INSERT") || !strings.HasSuffix(order[2], "INSERT") || order[1] == order[2] {
			t.Fatalf("seed %d: transaction statements %v", seed, order)
		}
		if n := len(s.srv.Truth().Sessions); n != 2 {
			t.Fatalf("seed %d: %d sessions, want the shared one and the check's", seed, n)
		}
	}
}

// TestThreadsSharingWithoutLock: the same threads on a connection built
// without psycopg2's mutex reach libpq at the same time, and some
// schedule mixes their requests and replies, with libpq's texts.
func TestThreadsSharingWithoutLock(t *testing.T) {
	interleaved, hung := 0, 0
	texts := map[string]int{}
	for seed := range uint64(60) {
		s := newSession(t, sim.Random(seed), psycopg.Options{NoLock: true}, sim.Deadline(2*time.Second, 500*time.Millisecond))
		run := threadsSharing(s)
		if o := simtest.Run(t, s.w); o.Kind == sim.DeadlineReached {
			hung++ // a thread waits for a reply another one took
		}
		if len(simtest.Interleavings(s.srv.Truth())) > 0 {
			interleaved++
		}
		for _, e := range run.errs {
			texts[strings.SplitN(e, "\n", 2)[0]]++
		}
	}
	var seen []string
	for k, n := range texts {
		seen = append(seen, fmt.Sprintf("%dx %s", n, k))
	}
	sort.Strings(seen)
	t.Logf("%d of 60 schedules interleaved, %d hung; errors: %q", interleaved, hung, seen)
	if interleaved == 0 {
		t.Error("no schedule interleaved the threads' requests without the lock")
	}
	libpqText := false
	for k := range texts {
		for _, want := range []string{"another command is already in progress", "lost synchronization",
			"no message from the libpq", "unexpected response from server", "arrived from server while idle"} {
			if strings.Contains(k, want) {
				libpqText = true
			}
		}
	}
	if !libpqText {
		t.Errorf("no libpq text among the errors %q", seen)
	}
}
