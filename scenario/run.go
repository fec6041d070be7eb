package scenario

import (
	"fmt"
	"strconv"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/pgxlike"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/driver/rawpq"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/sim"
)

// Options tune a run.
type Options struct {
	// Seed draws the workload and the servers' own random choices
	// (Gunicorn's max_requests jitter and spawn pauses). The strategy
	// draws the schedule.
	Seed uint64
	// KeepEvents keeps the trace's events (the hash is computed either
	// way).
	KeepEvents bool
	// NoClientTruth leaves out the client-side truth (which task parsed
	// each backend message), saving its cost.
	NoClientTruth bool
	// SimOptions are passed to the world after the scenario's own (a
	// search's step hook, say).
	SimOptions []sim.Option
	// Parsed, if set, is the server's parse cache, shared with the other
	// runs given it: runs of one scenario send the same query strings, so
	// an exploration parses each once. Runs sharing a cache must run one
	// after another, never at once (fakepg.ParseCache). Nil gives each
	// run a cache of its own.
	Parsed *fakepg.ParseCache
}

// Run is one run of a scenario and everything a review needs from it.
type Run struct {
	Scenario *Scenario
	Options  Options
	World    *sim.World
	Outcome  sim.Outcome
	// Err is set when the scenario could not be started (an unknown
	// driver, the server could not listen).
	Err error
	// Database is the server with its wire logs; Truth its ground truth;
	// ClientTruth the client side's (nil with NoClientTruth).
	Database    *app.Database
	Truth       *fakepg.Truth
	ClientTruth *fakepg.ClientTruth
	// Workload is the generated workload; Log the application log;
	// Recorder the operations and requests.
	Workload *app.Workload
	Log      *app.Log
	Recorder *app.Recorder
	// The served applications, those the scenario has.
	Gunicorn *app.Gunicorn
	Celery   *app.Celery
	Threads  *app.Threads

	answers []*Answer
}

// RunSeed runs s with the random strategy and workload both drawn from
// seed.
func RunSeed(s *Scenario, seed uint64) *Run {
	return Execute(s, sim.Random(seed), Options{Seed: seed})
}

// Execute runs s under strategy. The same scenario, options and strategy
// give the same run, bit for bit: the same trace hash on any GOMAXPROCS.
func Execute(s *Scenario, strategy sim.Strategy, opts Options) *Run {
	split, _ := sim.ParseSplitPolicy(s.Run.Split)
	w := sim.New(strategy, append([]sim.Option{sim.MaxSteps(s.Run.MaxSteps), sim.KeepEvents(opts.KeepEvents),
		sim.SplitAt(split), sim.Deadline(s.Run.Deadline.D(), s.Run.HungAfter.D())}, opts.SimOptions...)...)
	r := &Run{Scenario: s, Options: opts, World: w, Log: app.NewLog(w), Recorder: app.NewRecorder(w)}
	if !opts.NoClientTruth {
		r.ClientTruth = &fakepg.ClientTruth{}
	}
	if r.Err = r.start(); r.Err != nil {
		return r
	}
	r.Outcome = w.Run()
	r.Truth = r.Database.Server.Truth()
	return r
}

// start builds the world: the server, the setup task that loads the
// initial data and then starts the applications and the load generator.
func (r *Run) start() error {
	s, w := r.Scenario, r.World
	drv, err := r.driver()
	if err != nil {
		return err
	}
	db, err := app.StartDatabase(w, s.Server, s.Costs, r.Options.Parsed)
	if err != nil {
		return err
	}
	r.Database = db
	wl := &app.Workload{Config: s.Workload}
	for _, t := range s.Topologies() {
		clients := s.Workload.Clients
		if t == "threads" {
			clients = s.Threads.Threads
		}
		wl.Add(t, clients, r.Options.Seed)
	}
	r.Workload = wl
	env := app.Env{W: w, Workload: wl, Costs: s.Costs, Log: r.Log, Rec: r.Recorder, Seed: r.Options.Seed}
	user := db.Config.User
	w.NewProcess("setup").Go("main", func() {
		if err := db.Setup(s.Workload.SeedSQL()); err != nil {
			r.Log.Printf(app.Error, "%v", err)
			return
		}
		var ready []*app.Gate
		var endpoints []app.Endpoint
		var stops []func()
		if g := s.Gunicorn; g != nil {
			r.Gunicorn = app.StartGunicorn(env, *g, app.LoadFlask(env, s.App, s.Engine, drv, user))
			ready, stops = append(ready, r.Gunicorn.Booted), append(stops, r.Gunicorn.Stop)
			endpoints = append(endpoints, app.Endpoint{Name: "gunicorn", Addr: g.Bind})
		}
		if c := s.Celery; c != nil {
			cfg := app.AppConfig{TouchDBAtLoad: c.MasterTouchesDB, BackgroundThreads: c.MainThreads,
				BackgroundInterval: s.App.BackgroundInterval}
			r.Celery = app.StartCelery(env, *c, app.LoadFlask(env, cfg, s.Engine, drv, user))
			ready, stops = append(ready, r.Celery.Booted), append(stops, r.Celery.Stop)
			endpoints = append(endpoints, app.Endpoint{Name: "celery", Addr: c.Broker})
		}
		if t := s.Threads; t != nil {
			load := app.LoadFlask(env, s.App, s.Engine, drv, user)
			if t.Share == "connection" {
				load = app.LoadDBAPI(env, drv, user)
			}
			r.Threads = app.StartThreads(env, *t, load)
		}
		if len(endpoints) > 0 {
			app.StartLoadGenerator(w, wl, endpoints, s.Costs, r.Recorder, ready, func() {
				for _, stop := range stops {
					stop()
				}
			})
		}
	})
	return nil
}

// driver returns the DB-API driver the scenario names, instrumented for
// the client truth.
func (r *Run) driver() (driver.Driver, error) {
	var observe func(*sim.Conn) func(libpq.Consumed)
	if ct := r.ClientTruth; ct != nil {
		w := r.World
		observe = func(sock *sim.Conn) func(libpq.Consumed) { return ct.Hook(w, sock.Inbound()) }
	}
	switch name := r.Scenario.Engine.Driver; name {
	case "psycopg2":
		return psycopg.Driver{Options: psycopg.Options{NoLock: !r.Scenario.Engine.DriverLock, Observe: observe}}, nil
	case "libpq":
		return rawpq.Driver{Options: rawpq.Options{Observe: observe}}, nil
	case "pgx":
		return pgxlike.Driver{}, nil // built on pgproto3, not libpq: no client truth
	default:
		return nil, fmt.Errorf("%s: driver %q is not available", r.Scenario.File, name)
	}
}

// Hash returns the run's trace hash.
func (r *Run) Hash() uint64 { return r.World.Trace().Hash() }

// Schedule returns the run's schedule, its header naming the scenario (and
// its file when it is not built in), the overrides and the seed:
// FromSchedule gives them back.
func (r *Run) Schedule() *sim.Schedule {
	sch := r.World.Schedule()
	s := r.Scenario
	sch.Scenario = s.Name
	if !s.builtin() && s.File != "" {
		sch.Params = append(sch.Params, sim.Param{Key: FileParam, Value: s.File})
	}
	sch.Params = append(sch.Params, s.Overrides...)
	sch.Params = append(sch.Params, sim.Param{Key: SeedParam, Value: strconv.FormatUint(r.Options.Seed, 10)})
	return sch
}

// Replay runs the scenario again under the run's schedule; the replay's
// trace hash equals the run's.
func (r *Run) Replay() *Run {
	return Execute(r.Scenario, sim.Replay(r.Schedule()), r.Options)
}

// Ops returns the recorded operations.
func (r *Run) Ops() []*app.Op { return r.Recorder.Ops }

// Requests returns the requests as their clients saw them.
func (r *Run) Requests() []*app.RequestRecord { return r.Recorder.Requests }
