package app

import (
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// lockApp is a test application without a database: a mutex in its
// process's memory that a background thread of the loading process takes
// and holds for hold, and a handler that takes it for every request. It
// records the pid that served each request.
type lockApp struct {
	w      *sim.World
	mu     *sim.Mutex
	served *[]int
}

func loadLockApp(w *sim.World, hold time.Duration, served *[]int) Loader {
	return func() Application {
		a := &lockApp{w: w, mu: w.NewMutex("app lock"), served: served}
		if hold > 0 {
			w.Go("scheduler", func() {
				a.mu.Lock()
				w.Sleep(hold)
				a.mu.Unlock()
			}).Daemon()
			for a.mu.Holder() == nil {
				w.Yield() // the scheduler holds the lock before the fork
			}
		}
		return a
	}
}

func (a *lockApp) Serve(r *Request) error {
	a.mu.Lock()
	a.w.Sleep(time.Millisecond)
	a.mu.Unlock()
	*a.served = append(*a.served, PID(a.w.Current().Process()))
	return nil
}

func (a *lockApp) Hook(Hook) {}

func (a *lockApp) CopyInto(c *procmem.Copier) Application {
	return procmem.Copy(c, Application(a), func() Application {
		return &lockApp{w: a.w, mu: a.mu.In(c.Child), served: a.served}
	})
}

// runGunicorn runs a Gunicorn with the lock app under seed and returns the
// world's outcome, the log and the requests.
func runGunicorn(t *testing.T, seed uint64, cfg GunicornConfig, hold time.Duration, opts ...sim.Option) (sim.Outcome, *Log, *Recorder, []int) {
	t.Helper()
	w := sim.New(sim.Random(seed), opts...)
	env := Env{W: w, Workload: Generate(WorkloadConfig{Clients: 2, Requests: 3, Mix: Mix{Transaction: 1}}, seed, "gunicorn"),
		Costs: DefaultCosts(), Log: NewLog(w), Rec: NewRecorder(w), Seed: seed}
	var served []int
	g := StartGunicorn(env, cfg, loadLockApp(w, hold, &served))
	StartLoadGenerator(w, env.Workload, []Endpoint{{Name: "gunicorn", Addr: cfg.Bind}}, env.Costs, env.Rec, []*Gate{g.Booted}, g.Stop)
	return w.Run(), env.Log, env.Rec, served
}

// TestGunicornMaxRequestsReplacesWorkers: with max_requests 2 each worker
// exits after its second request and the arbiter forks a replacement;
// every request is answered.
func TestGunicornMaxRequestsReplacesWorkers(t *testing.T) {
	cfg := DefaultGunicorn()
	cfg.Workers, cfg.MaxRequests, cfg.PreloadApp = 2, 2, true
	o, log, rec, served := runGunicorn(t, 1, cfg, 0)
	if o.Kind != sim.Completed {
		t.Fatalf("%v\n%s", o, log)
	}
	for _, rr := range rec.Requests {
		if rr.Status != StatusOK {
			t.Fatalf("request %d: %q %q\n%s", rr.Request.ID, rr.Status, rr.Err, log)
		}
	}
	if len(served) != 6 {
		t.Fatalf("served %v", served)
	}
	perPID := map[int]int{}
	for _, pid := range served {
		perPID[pid]++
		if perPID[pid] > 2 {
			t.Fatalf("pid %d served more than max_requests: %v", pid, served)
		}
	}
	if n := len(log.Grep("Autorestarting worker after current request.")); n < 2 {
		t.Fatalf("%d autorestarts\n%s", n, log)
	}
	if n := len(log.Grep("Booting worker with pid")); n < 3 {
		t.Fatalf("%d boots: no replacement\n%s", n, log)
	}
}

// TestGunicornTimeoutKillsHungWorker: a preloaded application whose
// background thread holds its lock at fork hangs each sync worker's first
// request for ever; with a timeout the arbiter logs WORKER TIMEOUT, the
// worker's exit, and boots a replacement; without one the run reaches its
// deadline naming the hung task and the lock.
func TestGunicornTimeoutKillsHungWorker(t *testing.T) {
	cfg := DefaultGunicorn()
	cfg.Workers, cfg.PreloadApp, cfg.Timeout = 1, true, Dur(5*time.Second)
	o, log, rec, _ := runGunicorn(t, 3, cfg, 2*time.Second, sim.Deadline(time.Minute, 10*time.Second))
	if o.Kind != sim.Completed {
		t.Fatalf("%v\n%s", o, log)
	}
	text := log.String()
	i := strings.Index(text, "[CRITICAL] WORKER TIMEOUT (pid:")
	if i < 0 {
		t.Fatalf("no WORKER TIMEOUT:\n%s", text)
	}
	after := text[i:]
	if !strings.Contains(after, "[INFO] Worker exiting (pid: ") || !strings.Contains(after, "[INFO] Booting worker with pid: ") {
		t.Fatalf("no exit and replacement after the timeout:\n%s", text)
	}
	failed := 0
	for _, rr := range rec.Requests {
		if rr.Err != "" {
			failed++
		}
	}
	if failed == 0 {
		t.Fatalf("no request lost with the killed worker:\n%s", text)
	}

	cfg.Timeout = Duration{}
	o, log, _, _ = runGunicorn(t, 3, cfg, 2*time.Second, sim.Deadline(time.Minute, 10*time.Second))
	if o.Kind != sim.DeadlineReached {
		t.Fatalf("without a timeout: %v\n%s", o, log)
	}
	found := false
	for _, h := range o.Hung {
		if strings.HasPrefix(h.Task, "gunicorn/worker#1/main") && strings.Contains(h.WaitsOn, "app lock") && strings.Contains(h.WaitsOn, "gunicorn/master/scheduler") {
			found = true
		}
	}
	if !found {
		t.Fatalf("hung tasks do not name the worker and the lock: %v", o)
	}
}

// TestCeleryPreforkServesTasks: every task message is handled by a pool
// process and its result relayed back; worker_process_init runs before.
func TestCeleryPreforkServesTasks(t *testing.T) {
	w := sim.New(sim.Random(5))
	env := Env{W: w, Workload: Generate(WorkloadConfig{Clients: 3, Requests: 2, Mix: Mix{Transaction: 1}}, 5, "celery"),
		Costs: DefaultCosts(), Log: NewLog(w), Rec: NewRecorder(w), Seed: 5}
	var served []int
	cfg := DefaultCelery()
	c := StartCelery(env, cfg, loadLockApp(w, 0, &served))
	StartLoadGenerator(w, env.Workload, []Endpoint{{Name: "celery", Addr: cfg.Broker}}, env.Costs, env.Rec, []*Gate{c.Booted}, c.Stop)
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatalf("%v\n%s", o, env.Log)
	}
	if len(env.Rec.Requests) != 6 || len(served) != 6 {
		t.Fatalf("%d requests, %d served", len(env.Rec.Requests), len(served))
	}
	for _, rr := range env.Rec.Requests {
		if rr.Status != StatusSuccess {
			t.Fatalf("request %d: %q %q\n%s", rr.Request.ID, rr.Status, rr.Err, env.Log)
		}
	}
	for _, pid := range served {
		if pid == PID(c.Main) {
			t.Fatal("the MainProcess ran a task")
		}
	}
}
