package properties

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// seeds is the fixed seed set the violation tests search.
const seeds = 60

// sharedThreads has two threads of one process use one libpq connection
// with no lock, each running two queries.
func sharedThreads(wd *world) {
	app := wd.w.NewProcess("app")
	app.Go("main", func() {
		c, _ := wd.connect()
		for _, name := range []string{"thread-a", "thread-b"} {
			app.Go(name, func() {
				for i := range 2 {
					c.Exec(fmt.Sprintf("SELECT %d", i))
				}
			})
		}
	})
}

// forkedShare has a process connect, fork, and both parent and child use
// the inherited socket, each with its own copy of the connection.
func forkedShare(wd *world) {
	app := wd.w.NewProcess("app")
	app.Go("master", func() {
		c, sock := wd.connect()
		app.Fork("worker", func(kid *sim.Process) {
			copied := c.Fork(sock.In(kid))
			copied.SetConsumeHook(wd.ct.Hook(wd.w, sock.Inbound()))
			kid.Go("worker-main", func() {
				for range 2 {
					copied.Exec("SELECT 1")
				}
			})
		})
		for range 2 {
			c.Exec("SELECT 2")
		}
	})
}

// firstViolated runs scenario under each seed of the fixed set and returns
// the interleaving result of the first run that violates it.
func firstViolated(t *testing.T, scenario func(*world)) (Result, uint64) {
	t.Helper()
	for seed := range uint64(seeds) {
		wd := newWorld(t, seed, fakepg.Config{})
		scenario(wd)
		wd.run(t)
		if r := Interleaving(wd.srv.Truth(), wd.ct, wd.w.Trace()); r.Status == Violated {
			return r, seed
		}
	}
	t.Fatalf("no seed of %d violated protocol interleaving", seeds)
	return Result{}, 0
}

// TestSharedThreadsInterleave: two threads sharing one raw libpq
// connection without a lock interleave under some seed, and the violation
// names both threads.
func TestSharedThreadsInterleave(t *testing.T) {
	r, seed := firstViolated(t, sharedThreads)
	v := r.First()
	for _, want := range []string{"app/main/thread-a", "app/main/thread-b"} {
		if !slices.ContainsFunc(v.Tasks, func(p string) bool { return p == want }) {
			t.Errorf("seed %d: violation %v does not name %s", seed, v, want)
		}
	}
	if len(v.Processes) != 1 || v.Offset < 0 || !strings.HasPrefix(v.Session, "backend ") {
		t.Errorf("seed %d: violation %v: want one process, an offset and a session", seed, v)
	}
	t.Logf("seed %d: %v", seed, r)
}

// TestForkedShareInterleaves: a forked child sharing its parent's socket
// interleaves with the parent under some seed, and the violation names
// both processes.
func TestForkedShareInterleaves(t *testing.T) {
	r, seed := firstViolated(t, forkedShare)
	v := r.First()
	if len(v.Processes) != 2 || len(v.Tasks) != 2 {
		t.Errorf("seed %d: violation %v: want two tasks in two processes", seed, v)
	}
	if !slices.Contains(v.Processes, "app") || !slices.ContainsFunc(v.Processes, func(p string) bool { return strings.Contains(p, "worker") }) {
		t.Errorf("seed %d: violation %v does not name app and its worker", seed, v)
	}
	t.Logf("seed %d: %v", seed, r)
}

// TestLeftOpenLeaks: a connection never closed is a leaked session, and
// the leak names the client that opened it.
func TestLeftOpenLeaks(t *testing.T) {
	wd := newWorld(t, 1, fakepg.Config{})
	app := wd.w.NewProcess("app")
	// a daemon waiting forever keeps the process, and its socket, alive
	ln, err := app.Listen("app:1")
	if err != nil {
		t.Fatal(err)
	}
	app.Go("keeper", func() { ln.Accept() }).Daemon()
	app.Go("client", func() {
		c, _ := wd.connect()
		c.Exec("SELECT 1")
	})
	wd.run(t)
	r := LeakedSessions(wd.srv.Truth())
	wantStatus(t, r, Violated)
	if len(r.Violations) != 1 || !slices.Contains(r.First().Tasks, "app/client") {
		t.Errorf("want one leak naming app/client, got %v", r)
	}
	wantStatus(t, Interleaving(wd.srv.Truth(), wd.ct, wd.w.Trace()), Held)
}

// TestBudgetOfOne: two sessions open at once break a budget of one and
// keep a budget of two.
func TestBudgetOfOne(t *testing.T) {
	wd := newWorld(t, 2, fakepg.Config{})
	wd.w.Go("client", func() {
		a, _ := wd.connect()
		b, _ := wd.connect()
		a.Exec("SELECT 1")
		b.Exec("SELECT 2")
		a.Finish()
		b.Finish()
	})
	wd.run(t)
	truth := wd.srv.Truth()
	if peak, _ := Peak(truth); peak != 2 {
		t.Fatalf("peak %d, want 2", peak)
	}
	r := ConnectionBudget(truth, 1)
	wantStatus(t, r, Violated)
	if v := r.First(); v.Step == 0 || v.Session == "" {
		t.Errorf("violation %v: want a step and a session", v)
	}
	wantStatus(t, ConnectionBudget(truth, 2), Held)
	wantStatus(t, LeakedSessions(truth), Held)
}

// TestSequentialSessionsFitBudget: sessions opened one after another's
// end never count together.
func TestSequentialSessionsFitBudget(t *testing.T) {
	wd := newWorld(t, 3, fakepg.Config{})
	wd.w.Go("client", func() {
		for range 3 {
			c, _ := wd.connect()
			c.Exec("SELECT 1")
			c.Finish()
		}
	})
	wd.run(t)
	if peak, _ := Peak(wd.srv.Truth()); peak != 1 {
		t.Errorf("peak %d, want 1", peak)
	}
}

// TestForkedShareMisroutes: under some seed of the fixed set a reply the
// parent asked for is parsed by the child (or the reverse); reply routing
// then names both processes, and every misrouted run also interleaves.
func TestForkedShareMisroutes(t *testing.T) {
	found := 0
	for seed := range uint64(seeds) {
		wd := newWorld(t, seed, fakepg.Config{})
		forkedShare(wd)
		wd.run(t)
		truth := wd.srv.Truth()
		r := ReplyRouting(truth, wd.ct)
		if r.Status == Inconclusive {
			t.Fatalf("seed %d: %v", seed, r)
		}
		if r.Status != Violated {
			continue
		}
		found++
		if v := r.First(); len(v.Processes) != 2 || v.Kind != MisroutedReply || v.Step <= 0 {
			t.Errorf("seed %d: %v: want a misrouted reply between two processes, at the step it was parsed", seed, v)
		}
		wantStatus(t, Interleaving(truth, wd.ct, wd.w.Trace()), Violated)
	}
	if found == 0 {
		t.Fatalf("no seed of %d misrouted a reply", seeds)
	}
	t.Logf("%d of %d seeds misrouted a reply", found, seeds)
}
