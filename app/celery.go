package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// CeleryConfig is a Celery worker's settings for the prefork pool, as far
// as the simulation uses them.
type CeleryConfig struct {
	// Broker is the address clients send task messages to. The
	// MainProcess consumes them itself (the broker is not modelled).
	Broker string `toml:"broker"`
	// Concurrency is the number of pool processes forked from the
	// MainProcess.
	Concurrency int `toml:"concurrency"`
	// MasterTouchesDB makes the tasks module use the database when the
	// MainProcess imports it (before the fork).
	MasterTouchesDB bool `toml:"master_touches_db"`
	// MainThreads is the number of threads of the MainProcess that use
	// the application's database (a scheduler started at import, signal
	// handlers running in the MainProcess).
	MainThreads int `toml:"main_threads"`
	// WorkerProcessInit is the body of the worker_process_init signal
	// handler, run in each pool process after the fork.
	WorkerProcessInit Hook `toml:"worker_process_init"`
}

// DefaultCelery returns a prefork worker with two pool processes.
func DefaultCelery() CeleryConfig {
	return CeleryConfig{Broker: "broker:5672", Concurrency: 2}
}

// Celery is a Celery worker: a MainProcess that imports the tasks
// module, forks the pool processes, consumes task messages and hands each
// to an idle pool process over that process's pipe, relaying the result
// back to the client.
type Celery struct {
	Config CeleryConfig
	// Main is the MainProcess, "celery".
	Main *sim.Process
	// Booted opens when every pool process has run worker_process_init.
	Booted *Gate
	// Children are the pool processes, in fork order.
	Children []*sim.Process

	env Env
	sig *signalQueue
	// the MainProcess's memory
	app  Application
	mu   *sim.Mutex
	cond *sim.Cond
	jobs []celeryJob
}

// celeryJob is a received task message and the connection its result
// goes back to.
type celeryJob struct {
	req    *Request
	client *sim.Conn
}

// StartCelery starts the MainProcess in a process "celery".
func StartCelery(env Env, cfg CeleryConfig, load Loader) *Celery {
	c := &Celery{Config: cfg, env: env, Main: env.W.NewProcess("celery"),
		Booted: NewGate(env.W, "celery booted", cfg.Concurrency), sig: newSignalQueue(env.W, "celery signals")}
	c.Main.Go("MainProcess", func() { c.main(load) })
	return c
}

// Stop asks the MainProcess to shut down (SIGTERM).
func (c *Celery) Stop() { c.sig.send(sigTERM) }

// main is the MainProcess: import, fork the pool, consume.
func (c *Celery) main(load Loader) {
	w, log := c.env.W, c.env.Log
	c.app = load()
	c.mu = c.Main.NewMutex("celery ready queue")
	c.cond = c.Main.NewCond("celery ready queue", c.mu)
	for i := range c.Config.Concurrency {
		mine, theirs, err := pipe(w, fmt.Sprintf("celery-pipe-%d", i+1))
		if err != nil {
			log.Printf(Error, "pipe: %v", err)
			return
		}
		var app Application
		child := c.Main.Fork("ForkPoolWorker", func(child *sim.Process) {
			if c.app != nil {
				app = c.app.CopyInto(procmem.NewCopier(child))
			}
		})
		kidEnd, kidMine := theirs.In(child), mine.In(child)
		theirs.Close()
		c.Children = append(c.Children, child)
		child.Go("main", func() {
			kidMine.Close()
			c.child(app, kidEnd)
		})
		c.Main.Go("pool", func() { c.relay(mine) }).Daemon()
	}
	ln, err := w.Listen(c.Config.Broker)
	if err != nil {
		log.Printf(Error, "consumer: Cannot connect to amqp://guest:**@%s//: %v", c.Config.Broker, err)
		return
	}
	log.Printf(Info, "Connected to amqp://guest:**@%s//", c.Config.Broker)
	c.Main.Go("consumer", func() { c.consume(ln) }).Daemon()
	log.Printf(Info, "celery@%s ready.", c.Main.Path())
	w.Current().Daemon()
	for c.sig.wait(arbiterTick) != sigTERM {
	}
	for _, p := range c.Children {
		p.Kill()
	}
	c.Main.Kill() // the warm shutdown's end: MainProcess exits, closing its sockets
}

// pipe makes a connected pair of sockets in the current task's process
// (os.pipe before the fork): the master keeps one end, a child the other.
func pipe(w *sim.World, name string) (mine, theirs *sim.Conn, err error) {
	ln, err := w.Listen(name)
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	if mine, err = w.Dial(name); err != nil {
		return nil, nil, err
	}
	if theirs, err = ln.Accept(); err != nil {
		return nil, nil, err
	}
	return mine, theirs, nil
}

// child is a pool process: worker_process_init, then tasks from its pipe
// until the pipe closes.
func (c *Celery) child(app Application, p *sim.Conn) {
	env := c.env
	app = hookApp(app, c.Config.WorkerProcessInit)
	c.Booted.Done()
	for {
		body, err := readFrame(p)
		if err != nil {
			return
		}
		id, err := strconv.Atoi(string(body))
		if err != nil || id < 0 || id >= len(env.Workload.Requests) {
			return
		}
		r := env.Workload.Requests[id]
		start := env.W.Elapsed()
		env.W.Sleep(env.Costs.Request.D())
		status := StatusSuccess
		if err := app.Serve(r); err != nil {
			status = StatusFailure
			text, class := ErrorText(err)
			env.Log.Printf(Error, "Task app.tasks.handle[%d] raised unexpected: %s(%s)", id, shortClass(class), pyRepr(text))
		} else {
			env.Log.Printf(Info, "Task app.tasks.handle[%d] succeeded in %.6fs: None", id, (env.W.Elapsed() - start).Seconds())
		}
		if writeFrame(p, []byte(status)) != nil {
			return
		}
	}
}

// shortClass is a class's name without its module, as an exception's
// repr prints it.
func shortClass(qualified string) string {
	if i := strings.LastIndexByte(qualified, '.'); i >= 0 {
		return qualified[i+1:]
	}
	return qualified
}

// pyRepr is repr(s) for a str: single quotes, backslash escapes for
// quotes, backslashes and line breaks.
func pyRepr(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "'", "\\'", "\n", "\\n", "\t", "\\t")
	return "'" + r.Replace(s) + "'"
}

// consume accepts client connections and reads their task messages.
func (c *Celery) consume(ln *sim.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		c.Main.Go("conn", func() {
			r := serveFrame(conn, c.env.Workload)
			if r == nil {
				conn.Close()
				return
			}
			c.env.Log.Printf(Info, "Task app.tasks.handle[%d] received", r.ID)
			c.mu.Lock()
			c.jobs = append(c.jobs, celeryJob{req: r, client: conn})
			c.cond.Signal()
			c.mu.Unlock()
		}).Daemon()
	}
}

// relay hands jobs to the pool process at the other end of p, one at a
// time, and sends each result back to its client.
func (c *Celery) relay(p *sim.Conn) {
	w := c.env.W
	for {
		c.mu.Lock()
		for len(c.jobs) == 0 {
			c.cond.Wait()
		}
		j := c.jobs[0]
		c.jobs = c.jobs[1:]
		c.mu.Unlock()
		w.Sleep(2 * c.env.Costs.Hop.D()) // client to broker, MainProcess to child, charged once
		status := StatusFailure
		if writeFrame(p, []byte(strconv.Itoa(j.req.ID))) == nil {
			if body, err := readFrame(p); err == nil {
				status = string(body)
			}
		}
		w.Sleep(2 * c.env.Costs.Hop.D()) // child to MainProcess, MainProcess to client
		writeFrame(j.client, []byte(status))
		j.client.Close()
	}
}
