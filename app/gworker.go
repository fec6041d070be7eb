package app

import "github.com/poolsim/poolsim/sim"

// gworker is a Gunicorn worker process's memory: its copy of the
// application, its descriptor of the listening socket, its request count,
// and for gthread its queue of accepted connections.
type gworker struct {
	g       *Gunicorn // configuration, environment and signals only: never the master's memory
	proc    *sim.Process
	slot    *workerSlot
	preload bool
	app     Application
	ln      *sim.Listener
	nr      int
	alive   bool

	// gthread
	mu    *sim.Mutex
	cond  *sim.Cond
	queue []*sim.Conn
	live  int // pool threads not yet returned
}

// run is the worker's main thread after the fork: Arbiter.spawn_worker's
// child side and Worker.init_process, then the worker class's run loop.
func (wk *gworker) run(load Loader) {
	env, cfg := wk.g.env, wk.g.Config
	env.Log.Printf(Info, "Booting worker with pid: %d", wk.slot.pid)
	wk.app = hookApp(wk.app, cfg.PostFork)
	if !wk.preload {
		wk.app = load()
	}
	wk.app = hookApp(wk.app, cfg.PostWorkerInit)
	wk.alive = true
	wk.g.Booted.Done()
	if cfg.EffectiveWorkerClass() == "gthread" {
		wk.runThreads(max(cfg.Threads, 1))
	} else {
		wk.runSync()
	}
	env.Log.Printf(Info, "Worker exiting (pid: %d)", wk.slot.pid)
	wk.slot.exited = true
	wk.g.sig.send(sigCHLD)
}

// hookApp runs hook h on app (when there is an application yet) and
// returns the application.
func hookApp(app Application, h Hook) Application {
	if app != nil && h.Kind != HookNone {
		app.Hook(h)
	}
	return app
}

// notify touches the heartbeat file; idle says the worker now waits for
// connections.
func (wk *gworker) notify(idle bool) {
	wk.slot.hb = heartbeat{last: wk.g.env.W.Elapsed(), idle: idle}
}

// runSync is SyncWorker.run: one connection at a time, in the main
// thread.
func (wk *gworker) runSync() {
	for wk.alive {
		wk.notify(true)
		c, err := wk.ln.Accept()
		if err != nil {
			return
		}
		wk.notify(false)
		wk.countRequest()
		wk.serve(c)
	}
}

// countRequest counts a request and stops the worker after max_requests
// (handle_request).
func (wk *gworker) countRequest() {
	wk.nr++
	if wk.nr >= wk.slot.maxRequests && wk.alive {
		wk.g.env.Log.Printf(Info, "Autorestarting worker after current request.")
		wk.alive = false
		if wk.mu != nil {
			wk.ln.Close() // wakes the main thread's accept
		}
	}
}

// serve reads one request from c, runs the application and writes the
// reply.
func (wk *gworker) serve(c *sim.Conn) {
	env := wk.g.env
	defer c.Close()
	r := serveFrame(c, env.Workload)
	if r == nil {
		return
	}
	env.W.Sleep(env.Costs.Request.D())
	status := StatusOK
	if err := wk.app.Serve(r); err != nil {
		status = StatusError
		text, class := ErrorText(err)
		env.Log.Printf(Error, "Exception on /requests/%d [GET]\nTraceback (most recent call last):\n%s: %s", r.ID, class, text)
	}
	env.W.Sleep(2 * env.Costs.Hop.D()) // the request's hop and the reply's, charged once
	writeFrame(c, []byte(status))
}

// runThreads is ThreadWorker.run: the main thread accepts connections
// and a pool of threads serves them.
func (wk *gworker) runThreads(threads int) {
	wk.mu = wk.proc.NewMutex("gthread queue")
	wk.cond = wk.proc.NewCond("gthread queue", wk.mu)
	wk.live = threads
	for range threads {
		wk.proc.Go("thread", wk.thread)
	}
	wk.notify(true) // the main loop notifies at least once a second from now on
	for {
		c, err := wk.ln.Accept()
		if err != nil {
			break
		}
		wk.mu.Lock()
		if !wk.alive {
			wk.mu.Unlock()
			c.Close()
			break
		}
		wk.queue = append(wk.queue, c)
		wk.cond.Signal()
		wk.mu.Unlock()
	}
	wk.mu.Lock()
	wk.alive = false
	wk.cond.Broadcast()
	for wk.live > 0 {
		wk.cond.Wait()
	}
	wk.mu.Unlock()
}

// thread is one of gthread's pool threads: it serves queued connections
// until the worker stops and the queue is empty.
func (wk *gworker) thread() {
	for {
		wk.mu.Lock()
		for len(wk.queue) == 0 && wk.alive {
			wk.cond.Wait()
		}
		if len(wk.queue) == 0 {
			wk.live--
			wk.cond.Broadcast()
			wk.mu.Unlock()
			return
		}
		c := wk.queue[0]
		wk.queue = wk.queue[1:]
		wk.countRequest()
		wk.mu.Unlock()
		wk.serve(c)
	}
}
