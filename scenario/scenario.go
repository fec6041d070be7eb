// Package scenario is poolsim's scenarios as data: a deployment (an
// application server topology, a pool design, a driver, a workload and
// the costs) written in a TOML file that a reviewer edits without Go,
// loaded with strict decoding, and run in a simulated world against the
// fake PostgreSQL server.
//
// The built-in scenarios are such files, embedded (Builtin, Lookup); Load
// and Parse read one's own. Run runs a scenario under a strategy and
// returns what a review needs: the outcome, the server's and the
// client's truth, every operation the application issued with what it
// got, the application log, peak server connections and request
// latencies.
package scenario

import (
	"time"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/sim"
)

// Scenario is one deployment to simulate. Its file holds everything but
// Name and File, which come from where it was read; a section left out
// keeps its defaults, and a topology section ([gunicorn], [celery],
// [threads]) left out is not part of the deployment.
type Scenario struct {
	// Name is the file's base name without ".toml".
	Name string `toml:"-"`
	// File is where the scenario was read from.
	File string `toml:"-"`
	// Summary is one line saying what the deployment is.
	Summary string `toml:"summary"`
	// RealWorld is the configuration it stands for, as the deployment
	// writes it (gunicorn.conf.py, create_engine arguments, celery
	// settings).
	RealWorld string `toml:"real_world"`

	// Source is the file's contents as parsed; Overrides the settings
	// changed on top of it (WithOverrides), which a run's schedule records.
	Source    []byte      `toml:"-"`
	Overrides []sim.Param `toml:"-"`

	Server   app.ServerConfig    `toml:"server"`
	Engine   app.EngineConfig    `toml:"engine"`
	App      app.AppConfig       `toml:"app"`
	Gunicorn *app.GunicornConfig `toml:"gunicorn"`
	Celery   *app.CeleryConfig   `toml:"celery"`
	Threads  *app.ThreadsConfig  `toml:"threads"`
	Workload app.WorkloadConfig  `toml:"workload"`
	Costs    app.Costs           `toml:"costs"`
	Run      RunConfig           `toml:"run"`
}

// RunConfig bounds a run of the scenario.
type RunConfig struct {
	// MaxSteps is the step budget (sim.MaxSteps).
	MaxSteps int `toml:"max_steps"`
	// Deadline is the virtual time at which a run that has not completed
	// ends (sim.Deadline), naming the tasks blocked for HungAfter or
	// longer as hung.
	Deadline  app.Duration `toml:"deadline"`
	HungAfter app.Duration `toml:"hung_after"`
	// Split is where reads may cut the bytes available: "writes" (a
	// loopback kernel) or "bytes".
	Split string `toml:"split"`
}

// Default returns the scenario every file starts from: PostgreSQL's and
// SQLAlchemy's defaults, the small default workload and the calibrated
// costs, with no topology.
func Default() Scenario {
	return Scenario{
		Server:   app.ServerConfig{MaxConnections: 100, User: "postgres", DeadlockTimeout: app.Dur(time.Second)},
		Engine:   app.DefaultEngine(),
		App:      app.DefaultApp(),
		Workload: app.DefaultWorkload(),
		Costs:    app.DefaultCosts(),
		Run: RunConfig{MaxSteps: 2_000_000, Deadline: app.Dur(10 * time.Minute),
			HungAfter: app.Dur(30 * time.Second), Split: "writes"},
	}
}

// Topologies lists the scenario's served applications in the order they
// start: "gunicorn", "celery", "threads".
func (s *Scenario) Topologies() []string {
	var out []string
	if s.Gunicorn != nil {
		out = append(out, "gunicorn")
	}
	if s.Celery != nil {
		out = append(out, "celery")
	}
	if s.Threads != nil {
		out = append(out, "threads")
	}
	return out
}
