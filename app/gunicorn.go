package app

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// GunicornConfig is Gunicorn's settings (gunicorn.conf.py), as far as the
// simulation uses them.
type GunicornConfig struct {
	// Bind is the listening address on the simulated network.
	Bind string `toml:"bind"`
	// WorkerClass is "sync" (one request at a time) or "gthread" (a pool
	// of Threads threads per worker). As in Gunicorn, sync with threads >
	// 1 runs gthread.
	WorkerClass string `toml:"worker_class"`
	Workers     int    `toml:"workers"`
	Threads     int    `toml:"threads"`
	// PreloadApp loads the application in the master before forking.
	PreloadApp bool `toml:"preload_app"`
	// MaxRequests makes a worker exit after that many requests (plus a
	// jitter drawn from 0 to MaxRequestsJitter); 0 disables it.
	MaxRequests       int `toml:"max_requests"`
	MaxRequestsJitter int `toml:"max_requests_jitter"`
	// Timeout is the arbiter's worker timeout: a worker silent for longer
	// is killed and replaced; 0 disables it.
	Timeout Duration `toml:"timeout"`
	// PostFork runs in a worker right after the fork, PostWorkerInit
	// after the worker loaded the application. Without preload_app a
	// post_fork hook finds no application loaded yet and does nothing
	// (a hook that imports the application itself is a load after the
	// fork).
	PostFork       Hook `toml:"post_fork"`
	PostWorkerInit Hook `toml:"post_worker_init"`
}

// DefaultGunicorn returns Gunicorn's defaults, listening on "app:8000".
func DefaultGunicorn() GunicornConfig {
	return GunicornConfig{Bind: "app:8000", WorkerClass: "sync", Workers: 1, Threads: 1, Timeout: Dur(30 * time.Second)}
}

// EffectiveWorkerClass is the worker class Gunicorn runs: sync becomes
// gthread when threads > 1.
func (c GunicornConfig) EffectiveWorkerClass() string {
	if c.WorkerClass == "sync" && c.Threads > 1 {
		return "gthread"
	}
	return c.WorkerClass
}

// GunicornVersion is the version the log lines are Gunicorn's of
// (Debian 12's python3-gunicorn).
const GunicornVersion = "20.1.0"

// arbiterTick is how long the arbiter sleeps between its rounds of
// murdering, reaping and spawning workers (Arbiter.sleep's select
// timeout).
const arbiterTick = time.Second

// spawnJitter bounds the arbiter's pause after each spawn
// (spawn_workers sleeps 0.1 * random.random() seconds).
const spawnJitter = 100 * time.Millisecond

// Gunicorn is a Gunicorn master (arbiter) process and its workers.
type Gunicorn struct {
	Config GunicornConfig
	// Master is the arbiter's process, "gunicorn".
	Master *sim.Process
	// Booted opens when Config.Workers workers have booted.
	Booted *Gate

	env Env
	// the arbiter's memory
	app      Application // loaded in the master (preload), or nil
	listener *sim.Listener
	workers  []*workerSlot // live workers, in spawn order
	rng      *rand.Rand
	age      int
	// the kernel's view: signals to the arbiter
	sig *signalQueue
	// Spawned is every worker forked, in order (observer's list).
	Spawned []*sim.Process
}

// Env is what every server topology shares: the world, the workload it
// serves, the costs, the log and the recorder (the observer's objects,
// never copied by fork).
type Env struct {
	W        *sim.World
	Workload *Workload
	Costs    Costs
	Log      *Log
	Rec      *Recorder
	// Seed draws the servers' own random choices (max_requests jitter,
	// spawn pauses).
	Seed uint64
}

// workerSlot is one worker as the kernel and the arbiter see it: its
// process, pid and heartbeat file.
type workerSlot struct {
	proc        *sim.Process
	pid         int
	age         int
	maxRequests int
	hb          heartbeat
	aborted     bool
	exited      bool
}

// heartbeat is a worker's WorkerTmp file: the worker "notifies" by
// touching it, the arbiter reads its modification time. A worker waiting
// for connections counts as notifying continuously (Gunicorn's idle
// workers wake every timeout/2 to notify), so only a worker that stays
// inside one piece of work (booting, a sync worker's request) for longer
// than the timeout is silent.
type heartbeat struct {
	last time.Duration
	idle bool
}

// silentFor returns how long the worker has not notified at now.
func (h *heartbeat) silentFor(now time.Duration) time.Duration {
	if h.idle {
		return 0
	}
	return now - h.last
}

// StartGunicorn starts the master in a process "gunicorn": it listens on
// Config.Bind, loads the application if preload_app is set, and forks
// the workers.
func StartGunicorn(env Env, cfg GunicornConfig, load Loader) *Gunicorn {
	g := &Gunicorn{Config: cfg, env: env, Master: env.W.NewProcess("gunicorn"),
		Booted: NewGate(env.W, "gunicorn booted", cfg.Workers), rng: rand.New(rand.NewPCG(env.Seed, hashString("gunicorn"))),
		sig: newSignalQueue(env.W, "gunicorn signals")}
	g.Master.Go("master", func() { g.arbiter(load) })
	return g
}

// Stop asks the arbiter to shut down (SIGTERM, as the operator's stop).
func (g *Gunicorn) Stop() { g.sig.send(sigTERM) }

// arbiter is the master's main: Arbiter.start and Arbiter.run.
func (g *Gunicorn) arbiter(load Loader) {
	w, log := g.env.W, g.env.Log
	pid := PID(g.Master)
	log.Printf(Info, "Starting gunicorn %s", GunicornVersion)
	ln, err := w.Listen(g.Config.Bind)
	if err != nil {
		log.Printf(Error, "Connection in use: %s", g.Config.Bind)
		return
	}
	g.listener = ln
	log.Printf(Info, "Listening at: http://%s (%d)", g.Config.Bind, pid)
	log.Printf(Info, "Using worker: %s", g.Config.EffectiveWorkerClass())
	if g.Config.PreloadApp {
		g.app = load()
	}
	g.manage(load)
	w.Current().Daemon() // the master's idle loop does not keep a run alive
	for {
		if g.sig.wait(arbiterTick) == sigTERM {
			g.stop()
			return
		}
		g.murder()
		g.reap()
		g.manage(load)
	}
}

// manage spawns workers until Config.Workers are alive.
func (g *Gunicorn) manage(load Loader) {
	for len(g.workers) < g.Config.Workers {
		g.spawn(load)
		g.env.W.Sleep(time.Duration(g.rng.Float64() * float64(spawnJitter)))
	}
}

// spawn forks one worker (Arbiter.spawn_worker).
func (g *Gunicorn) spawn(load Loader) {
	g.age++
	slot := &workerSlot{age: g.age, maxRequests: int(^uint(0) >> 1)}
	if g.Config.MaxRequests > 0 {
		slot.maxRequests = g.Config.MaxRequests + g.rng.IntN(g.Config.MaxRequestsJitter+1)
	}
	now := g.env.W.Elapsed()
	slot.hb = heartbeat{last: now}
	wk := &gworker{g: g, slot: slot, preload: g.Config.PreloadApp}
	child := g.Master.Fork("worker", func(child *sim.Process) {
		c := procmem.NewCopier(child)
		if g.app != nil {
			wk.app = g.app.CopyInto(c)
		}
		wk.ln = g.listener.In(child)
	})
	wk.proc, slot.proc, slot.pid = child, child, PID(child)
	g.workers = append(g.workers, slot)
	g.Spawned = append(g.Spawned, child)
	child.Go("main", func() { wk.run(load) })
}

// murder kills the workers silent for longer than the timeout
// (Arbiter.murder_workers). The worker's SIGABRT handler logs its exit.
func (g *Gunicorn) murder() {
	if g.Config.Timeout.D() <= 0 {
		return
	}
	now := g.env.W.Elapsed()
	for _, s := range g.workers {
		if s.exited || s.hb.silentFor(now) <= g.Config.Timeout.D() || g.Booted.heldBy(s.proc) {
			continue
		}
		g.env.Log.Printf(Critical, "WORKER TIMEOUT (pid:%d)", s.pid)
		s.aborted = true
		g.env.Log.PrintfFor(s.proc, Info, "Worker exiting (pid: %d)", s.pid)
		s.exited = true
		s.proc.Kill()
	}
}

// reap forgets the workers that have exited (Arbiter.reap_workers).
func (g *Gunicorn) reap() {
	live := g.workers[:0]
	for _, s := range g.workers {
		if !s.exited && !s.proc.Exited() {
			live = append(live, s)
		}
	}
	clear(g.workers[len(live):])
	g.workers = live
}

// stop kills the workers: the end of the run, after the load generator
// has its replies.
func (g *Gunicorn) stop() {
	for _, s := range g.workers {
		if !s.exited {
			s.exited = true
			s.proc.Kill()
		}
	}
	g.workers = nil
}

// Workers returns the pids of the live workers.
func (g *Gunicorn) Workers() []int {
	var out []int
	for _, s := range g.workers {
		out = append(out, s.pid)
	}
	return out
}

// String names the master.
func (g *Gunicorn) String() string { return fmt.Sprintf("gunicorn master %d", PID(g.Master)) }
