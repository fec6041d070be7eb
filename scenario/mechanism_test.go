package scenario

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// runSeeds runs s over seeds and returns the runs.
func runSeeds(t *testing.T, s *Scenario, seeds []uint64) []*Run {
	t.Helper()
	var out []*Run
	for _, seed := range seeds {
		r := RunSeed(s, seed)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if k := r.Outcome.Kind; k == sim.Panicked || k == sim.OverBudget || k == sim.Diverged {
			t.Fatalf("%s seed %d: %v", s.Name, seed, r.Outcome)
		}
		out = append(out, r)
	}
	return out
}

var eightSeeds = []uint64{1, 2, 3, 4, 5, 6, 7, 8}

// TestChildOwnConnectionRemovesForkSymptoms: the fork scenarios show
// symptoms as they are, and none once the child opens its own connection
// (what a correct hook achieves: engine.dispose(close=False) in post_fork
// or worker_process_init, or loading the application after the fork).
func TestChildOwnConnectionRemovesForkSymptoms(t *testing.T) {
	swaps := []struct {
		name string
		fix  func(s *Scenario)
	}{
		{"preload-touch-db", func(s *Scenario) { s.Gunicorn.PostFork = app.Hook{Kind: app.HookDispose} }},
		{"preload-touch-db", func(s *Scenario) { s.Gunicorn.PreloadApp = false }},
		{"preload-pre-ping", func(s *Scenario) { s.Gunicorn.PostFork = app.Hook{Kind: app.HookDispose} }},
		{"max-requests-touch-db", func(s *Scenario) { s.Gunicorn.PostFork = app.Hook{Kind: app.HookDispose} }},
		{"celery-prefork", func(s *Scenario) { s.Celery.WorkerProcessInit = app.Hook{Kind: app.HookDispose} }},
	}
	for _, sw := range swaps {
		s := loadRunnable(t, sw.name)
		before := 0
		for _, r := range runSeeds(t, s, eightSeeds) {
			if len(shown(r)) > 0 {
				before++
			}
		}
		if before == 0 {
			t.Fatalf("%s as it is shows no symptom over %v", sw.name, eightSeeds)
		}
		sw.fix(s)
		for i, r := range runSeeds(t, s, eightSeeds) {
			if got := shown(r); len(got) > 0 || r.Outcome.Kind != sim.Completed {
				t.Fatalf("%s with the child's own connection, seed %d: %v %v", sw.name, eightSeeds[i], got, r.Outcome)
			}
		}
		t.Logf("%s: symptoms under %d of %d seeds, none with the child's own connection", sw.name, before, len(eightSeeds))
	}
}

// TestRemovingDriverMutexBreaksThreadSharing: threads sharing one
// psycopg2 connection show nothing (the verdict table checks it); without
// the driver's mutex the same threads show libpq's symptoms, wrong rows
// or hangs.
func TestRemovingDriverMutexBreaksThreadSharing(t *testing.T) {
	s := loadRunnable(t, "threads-psycopg2-shared")
	s.Engine.DriverLock = false
	var got []string
	for _, r := range runSeeds(t, s, eightSeeds) {
		got = append(got, shown(r)...)
	}
	if len(got) == 0 {
		t.Fatal("without the mutex the threads showed nothing")
	}
	slices.Sort(got)
	t.Logf("without psycopg2's mutex: %v", slices.Compact(got))
}

// masterOps returns the operations the Gunicorn master's own threads ran
// after the first worker was forked.
func masterOps(r *Run) []*app.Op {
	var out []*app.Op
	for _, op := range r.Ops() {
		if op.Process == "gunicorn" && op.Request < 0 && op.Call > 0 {
			out = append(out, op)
		}
	}
	return out
}

// terminatedByChild returns the sessions the master used that a worker
// ended by sending Terminate on the shared socket.
func terminatedByChild(r *Run) []*fakepg.SessionTruth {
	var out []*fakepg.SessionTruth
	for _, st := range r.Truth.Sessions {
		if st.End != fakepg.EndTerminate || len(st.Requests) == 0 {
			continue
		}
		last := st.Requests[len(st.Requests)-1]
		senders := last.Senders()
		if len(senders) != 1 || !strings.HasPrefix(senders[0].Process().Path(), "gunicorn/worker") {
			continue
		}
		for _, req := range st.Requests {
			for _, s := range req.Senders() {
				if s.Process().Path() == "gunicorn" {
					out = append(out, st)
					break
				}
			}
		}
	}
	return out
}

// TestDisposeCloseInChildEndsParentSession: with dispose(close=True) in
// post_fork a worker sends Terminate on the pooled connection it shares
// with the master, ending the master's session, and the master's
// scheduler then sees the server-closed text; with dispose(close=False)
// the master's session is left alone.
func TestDisposeCloseInChildEndsParentSession(t *testing.T) {
	s := loadRunnable(t, "preload-post-fork-dispose-close")
	closed := false
	for _, r := range runSeeds(t, s, eightSeeds) {
		if len(terminatedByChild(r)) == 0 {
			continue
		}
		for _, op := range masterOps(r) {
			if strings.Contains(op.Err, "server closed the connection unexpectedly") {
				if op.ErrClass != "sqlalchemy.exc.OperationalError" {
					t.Fatalf("the master got %s: %s", op.ErrClass, op.Err)
				}
				closed = true
			}
		}
	}
	if !closed {
		t.Fatal("no seed had a worker end the master's session with the master then seeing it closed")
	}
	s.Gunicorn.PostFork = app.Hook{Kind: app.HookDispose}
	for i, r := range runSeeds(t, s, eightSeeds) {
		if st := terminatedByChild(r); len(st) > 0 {
			t.Fatalf("dispose(close=False), seed %d: a worker terminated the master's session %d", eightSeeds[i], st[0].PID)
		}
		ops := masterOps(r)
		if len(ops) == 0 {
			t.Fatal("the master's scheduler ran nothing after the fork")
		}
		for _, op := range ops {
			if op.Failed() {
				t.Fatalf("dispose(close=False), seed %d: the master's %s failed: %s", eightSeeds[i], op.Kind, op.Err)
			}
		}
	}
}

// TestConnectionHeldAtForkIsShared: a module-level connection is checked
// out at fork time, so dispose(close=False) in post_fork does not cover it:
// both workers send on its one server session.
func TestConnectionHeldAtForkIsShared(t *testing.T) {
	s := loadRunnable(t, "preload-held-connection-dispose")
	for i, r := range runSeeds(t, s, eightSeeds) {
		shared := false
		for _, st := range r.Truth.Sessions {
			procs := map[string]bool{}
			for _, req := range st.Requests {
				for _, s := range req.Senders() {
					if strings.HasPrefix(s.Process().Path(), "gunicorn/worker") {
						procs[s.Process().Path()] = true
					}
				}
			}
			if len(procs) >= 2 {
				shared = true
			}
		}
		if !shared {
			t.Fatalf("seed %d: no server session received requests from two workers", eightSeeds[i])
		}
	}
}

// TestLockHeldAtForkHangsChild: the scheduler thread holds psycopg2's
// connection lock at the fork under some seed; the worker's request then
// waits for it for ever. Without Gunicorn's timeout the run reaches its
// deadline naming the worker's task and the lock, held at fork by the
// master's scheduler; with the timeout the master logs WORKER TIMEOUT,
// the worker's exit and a replacement, which serves the remaining
// requests.
func TestLockHeldAtForkHangsChild(t *testing.T) {
	s := loadRunnable(t, "preload-background-thread")
	timeout := s.Gunicorn.Timeout
	s.Gunicorn.Timeout = app.Duration{}
	var hungSeed uint64
	for i, r := range runSeeds(t, s, eightSeeds) {
		if r.Outcome.Kind != sim.DeadlineReached {
			continue
		}
		for _, h := range r.Outcome.Hung {
			if strings.HasPrefix(h.Task, "gunicorn/worker#") && strings.Contains(h.WaitsOn, "psycopg2 conn->lock") &&
				strings.Contains(h.WaitsOn, "held by gunicorn/master/scheduler (at fork") {
				hungSeed = eightSeeds[i]
				t.Logf("seed %d: hung: %s waits on %s", hungSeed, h.Task, h.WaitsOn)
			}
		}
		if hungSeed != 0 {
			break
		}
	}
	if hungSeed == 0 {
		t.Fatalf("no seed of %v hung a worker on the lock held at fork", eightSeeds)
	}
	s.Gunicorn.Timeout = timeout
	r := RunSeed(s, hungSeed)
	if r.Outcome.Kind != sim.Completed {
		t.Fatalf("with timeout %v: %v", timeout, r.Outcome)
	}
	lines := r.Log.Lines
	i := slices.IndexFunc(lines, func(l app.LogLine) bool { return strings.HasPrefix(l.Text, "WORKER TIMEOUT (pid:") })
	if i < 0 {
		t.Fatalf("no WORKER TIMEOUT:\n%s", r.Log)
	}
	if lines[i].Level != app.Critical || lines[i].Time < timeout.D() {
		t.Fatalf("timeout line %v", lines[i])
	}
	if !strings.Contains(lines[i].String(), "[CRITICAL] WORKER TIMEOUT (pid:") {
		t.Fatalf("format: %s", lines[i])
	}
	var pid int
	for _, l := range lines[i+1:] {
		if strings.HasPrefix(l.Text, "Worker exiting (pid: ") && pid == 0 {
			pid = l.PID
		}
		if pid != 0 && strings.HasPrefix(l.Text, "Booting worker with pid: ") && l.PID != pid {
			pid = -l.PID
			break
		}
	}
	if pid >= 0 {
		t.Fatalf("no exit and replacement after the timeout:\n%s", r.Log)
	}
	lost := 0
	for _, rr := range r.Requests() {
		switch {
		case rr.Err == "RemoteDisconnected: Remote end closed connection without response":
			lost++
		case rr.Status == "":
			t.Fatalf("request %d got neither a reply nor an error", rr.Request.ID)
		}
	}
	if lost == 0 {
		t.Fatal("no client lost its request with the killed worker")
	}
}

// TestPsycopg2ThreadsShareOneTransaction: threads sharing one psycopg2
// connection never interleave protocol messages (every request has one
// writer and its reply one reader, the same task), yet share its one
// transaction: the records show a thread's write, another thread's
// ROLLBACK on the same server session, and the first thread's commit
// succeeding without a COMMIT reaching the server — its write discarded.
func TestPsycopg2ThreadsShareOneTransaction(t *testing.T) {
	s := loadRunnable(t, "threads-psycopg2-shared")
	discarded := false
	for i, r := range runSeeds(t, s, eightSeeds) {
		for _, req := range r.Truth.Requests {
			senders, readers := req.Senders(), req.Readers()
			if len(senders) > 1 || len(readers) > 1 || (len(readers) == 1 && readers[0] != senders[0]) {
				t.Fatalf("seed %d: request on session %d written by %v, read by %v", eightSeeds[i], req.Session.PID, senders, readers)
			}
		}
		if w, rb, c := discardedWrite(r); w != nil {
			discarded = true
			t.Logf("seed %d: %s\n  then %s\n  then %s", eightSeeds[i], w, rb, c)
		}
	}
	if !discarded {
		t.Fatal("no seed showed one thread's rollback discarding another's write")
	}
}

// discardedWrite finds a write by one thread, a rollback by another on the
// same session after it, and the writer's commit after that, with no
// COMMIT from the writer reaching the server between them.
func discardedWrite(r *Run) (w, rb, c *app.Op) {
	ops := r.Ops()
	writes := func(k app.OpKind) bool { return k == app.OpWrite || k == app.OpIncrement || k == app.OpUpsert }
	for _, w := range ops {
		if !writes(w.Kind) || w.Failed() || !w.Returned {
			continue
		}
		for _, rb := range ops {
			if rb.Kind != app.OpRollback || rb.Task == w.Task || rb.Backend != w.Backend || rb.Failed() || rb.CallStep < w.ReturnStep {
				continue
			}
			for _, c := range ops {
				if c.Kind != app.OpCommit || c.Task != w.Task || c.Request != w.Request || c.Txn != w.Txn || c.Failed() || c.CallStep < rb.ReturnStep {
					continue
				}
				committed := false
				for _, a := range r.Answers() {
					if a.Sender != nil && a.Sender.Path() == w.Task && slices.Contains(a.SQL, "COMMIT") &&
						a.ReadStep > w.ReturnStep && a.ReadStep <= c.ReturnStep {
						committed = true
					}
				}
				if !committed {
					return w, rb, c
				}
			}
		}
	}
	return nil, nil, nil
}

// TestRawLibpqThreadsInterleave: threads sharing a raw libpq connection
// take each other's replies under some seed (a reply read by a task other
// than the one that sent its request) and libpq reports it.
func TestRawLibpqThreadsInterleave(t *testing.T) {
	s := loadRunnable(t, "threads-libpq-shared")
	var texts []string
	crossed := false
	for _, r := range runSeeds(t, s, eightSeeds) {
		for _, req := range r.Truth.Requests {
			senders, readers := req.Senders(), req.Readers()
			for _, rd := range readers {
				if len(senders) == 1 && rd != senders[0] {
					crossed = true
				}
			}
		}
		for _, op := range r.Ops() {
			if strings.Contains(op.Err, "lost synchronization with server") || strings.Contains(op.Err, "another command is already in progress") ||
				strings.Contains(op.Err, "insufficient data in") || strings.Contains(op.Err, "unexpected response from server") {
				texts = append(texts, firstLine(op.Err))
				if op.ErrClass != "libpq" {
					t.Fatalf("raw libpq error of class %s", op.ErrClass)
				}
			}
		}
	}
	if !crossed || len(texts) == 0 {
		t.Fatalf("crossed replies %v, libpq texts %v", crossed, texts)
	}
	slices.Sort(texts)
	t.Logf("libpq: %q", slices.Compact(texts))
}

// TestIncidentAndNullPoolSideBySide reports the incident's production
// configuration and its proposed NullPool variant: peak server
// connections, sessions opened and virtual latency p50/p99 (all requests,
// and the web requests alone). Neither shows a symptom (the production
// configuration is safe as configured); NullPool pays a connection per
// web request, so it opens more sessions and its web median is higher.
func TestIncidentAndNullPoolSideBySide(t *testing.T) {
	type row struct {
		name                   string
		peak, opened           int
		p50, p99, web50, web99 time.Duration
		requests, err          int
	}
	var rows []row
	for _, name := range []string{"incident-production", "incident-nullpool"} {
		s := loadRunnable(t, name)
		r := RunSeed(s, 1)
		if r.Outcome.Kind != sim.Completed || len(shown(r)) > 0 {
			t.Fatalf("%s: %v %v", name, r.Outcome, shown(r))
		}
		errs := 0
		for _, rr := range r.Requests() {
			if rr.Status != app.StatusOK && rr.Status != app.StatusSuccess {
				errs++
			}
		}
		rows = append(rows, row{name, r.PeakConnections(), r.SessionsOpened(), r.Percentile(50), r.Percentile(99),
			r.PercentileOf("gunicorn", 50), r.PercentileOf("gunicorn", 99), len(r.Requests()), errs})
		if rows[len(rows)-1].peak > s.Server.MaxConnections || rows[len(rows)-1].peak == 0 {
			t.Fatalf("%s: peak %d", name, rows[len(rows)-1].peak)
		}
	}
	t.Logf("%-20s %5s %7s %10s %10s %10s %10s", "", "peak", "opened", "p50", "p99", "web p50", "web p99")
	for _, r := range rows {
		t.Logf("%-20s %5d %7d %10v %10v %10v %10v   (%d requests, %d failed)", r.name, r.peak, r.opened, r.p50, r.p99, r.web50, r.web99, r.requests, r.err)
	}
	if rows[1].web50 <= rows[0].web50 || rows[1].opened <= rows[0].opened {
		t.Fatalf("NullPool's web p50 %v / sessions %d are not above QueuePool's %v / %d", rows[1].web50, rows[1].opened, rows[0].web50, rows[0].opened)
	}
}

// TestTooManyClientsReachesApplication: NullPool workers needing more
// sessions than max_connections get PostgreSQL's FATAL for the role in
// use (postgres, a superuser: "sorry, too many clients already") as
// SQLAlchemy's OperationalError, and the server never admits more than
// its limit.
func TestTooManyClientsReachesApplication(t *testing.T) {
	s := loadRunnable(t, "gthread-nullpool-max-connections-4")
	r := RunSeed(s, 1)
	found := false
	for _, op := range r.Ops() {
		if strings.Contains(op.Err, "FATAL:  sorry, too many clients already") {
			if op.ErrClass != "sqlalchemy.exc.OperationalError" || !strings.HasPrefix(op.Err, "(psycopg2.OperationalError) ") {
				t.Fatalf("%s: %s", op.ErrClass, op.Err)
			}
			found = true
		}
	}
	if !found {
		t.Fatal("no operation got the server's refusal")
	}
	if p := r.PeakConnections(); p != s.Server.MaxConnections {
		t.Fatalf("peak %d, limit %d", p, s.Server.MaxConnections)
	}
}

// TestClientTruthShowsSharedSocket: with the master's pooled connection
// inherited by both workers, the client-side truth records backend
// messages of one stream parsed by tasks of two worker processes.
func TestClientTruthShowsSharedSocket(t *testing.T) {
	s := loadRunnable(t, "preload-touch-db")
	for i, r := range runSeeds(t, s, eightSeeds) {
		procs := map[*sim.Stream]map[string]bool{} // lookup only
		for _, m := range r.ClientTruth.Messages {
			if procs[m.Stream] == nil {
				procs[m.Stream] = map[string]bool{}
			}
			procs[m.Stream][m.Task.Process().Path()] = true
		}
		shared := false
		for _, st := range r.Truth.Sessions {
			if len(procs[st.Outbound]) >= 2 {
				shared = true
			}
		}
		if !shared {
			t.Fatalf("seed %d: no stream parsed by two processes", eightSeeds[i])
		}
	}
	r := Execute(s, sim.Random(1), Options{Seed: 1, NoClientTruth: true})
	if r.ClientTruth != nil || r.Outcome.Kind != sim.Completed {
		t.Fatalf("without client truth: %v %v", r.ClientTruth, r.Outcome)
	}
}
