package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/poolsim/poolsim/app"
)

// validationError is a value the schema's types accept but the
// simulation does not, with the dotted key it belongs to.
type validationError struct {
	key, msg string
}

// Error returns "key: message".
func (e *validationError) Error() string { return e.key + ": " + e.msg }

func invalid(key, format string, args ...any) error {
	return &validationError{key: key, msg: fmt.Sprintf(format, args...)}
}

// Drivers are the driver names [engine] driver accepts.
var Drivers = []string{"psycopg2", "libpq", "pgx"}

// Validate checks the values a file cannot get wrong without the
// simulation meaning nothing (Parse calls it).
func (s *Scenario) Validate() error { return s.validate() }

func (s *Scenario) validate() error {
	oneOf := func(key, v string, allowed ...string) error {
		if !slices.Contains(allowed, v) {
			return invalid(key, "%q is not one of %s", v, strings.Join(allowed, ", "))
		}
		return nil
	}
	atLeast := func(key string, v, min int) error {
		if v < min {
			return invalid(key, "%d is less than %d", v, min)
		}
		return nil
	}
	between := func(key string, v, lo, hi int) error {
		if v < lo || v > hi {
			return invalid(key, "%d is not between %d and %d", v, lo, hi)
		}
		return nil
	}
	hook := func(key string, h app.Hook) error {
		if h.Kind == app.HookRecreate {
			return oneOf(key, h.Poolclass, app.Poolclasses()...)
		}
		return nil
	}
	checks := []func() error{
		func() error {
			if len(s.Topologies()) == 0 {
				return invalid("gunicorn", "the scenario has no [gunicorn], [celery] or [threads] section")
			}
			return nil
		},
		func() error { return atLeast("server.max_connections", s.Server.MaxConnections, 1) },
		func() error { return oneOf("engine.driver", s.Engine.Driver, Drivers...) },
		func() error { return oneOf("engine.poolclass", s.Engine.Poolclass, app.Poolclasses()...) },
		func() error { return atLeast("engine.pool_size", s.Engine.PoolSize, 0) },
		func() error { return atLeast("engine.max_overflow", s.Engine.MaxOverflow, -1) },
		func() error {
			return oneOf("engine.pool_reset_on_return", s.Engine.PoolResetOnReturn, "rollback", "commit", "none")
		},
		func() error { return atLeast("app.background_threads", s.App.BackgroundThreads, 0) },
		func() error { return atLeast("workload.clients", s.Workload.Clients, 1) },
		func() error { return atLeast("workload.requests", s.Workload.Requests, 0) },
		func() error { return between("workload.transactions", s.Workload.Transactions, 1, 99) },
		func() error { return between("workload.statements", s.Workload.Statements, 1, 99) },
		func() error { return atLeast("workload.keys", s.Workload.Keys, 1) },
		func() error { return atLeast("workload.activity_rows", s.Workload.ActivityRows, 0) },
		func() error { return atLeast("workload.payload_bytes", s.Workload.PayloadBytes, 0) },
		func() error {
			if r := s.Workload.Mix.Rollback; r < 0 || r > 100 {
				return invalid("workload.mix.rollback", "%d is not a percentage", r)
			}
			return nil
		},
		func() error { return oneOf("run.split", s.Run.Split, "writes", "bytes") },
		func() error { return atLeast("run.max_steps", s.Run.MaxSteps, 1) },
	}
	if g := s.Gunicorn; g != nil {
		checks = append(checks,
			func() error { return oneOf("gunicorn.worker_class", g.WorkerClass, "sync", "gthread") },
			func() error { return atLeast("gunicorn.workers", g.Workers, 1) },
			func() error { return atLeast("gunicorn.threads", g.Threads, 1) },
			func() error { return atLeast("gunicorn.max_requests", g.MaxRequests, 0) },
			func() error { return atLeast("gunicorn.max_requests_jitter", g.MaxRequestsJitter, 0) },
			func() error { return hook("gunicorn.post_fork", g.PostFork) },
			func() error { return hook("gunicorn.post_worker_init", g.PostWorkerInit) },
			func() error {
				if g.Bind == "" || g.Bind == app.DatabaseAddr {
					return invalid("gunicorn.bind", "%q cannot be Gunicorn's address", g.Bind)
				}
				return nil
			})
	}
	if c := s.Celery; c != nil {
		checks = append(checks,
			func() error { return atLeast("celery.concurrency", c.Concurrency, 1) },
			func() error { return atLeast("celery.main_threads", c.MainThreads, 0) },
			func() error { return hook("celery.worker_process_init", c.WorkerProcessInit) },
			func() error {
				if c.Broker == "" || c.Broker == app.DatabaseAddr || (s.Gunicorn != nil && c.Broker == s.Gunicorn.Bind) {
					return invalid("celery.broker", "%q cannot be the broker's address", c.Broker)
				}
				return nil
			})
	}
	if t := s.Threads; t != nil {
		checks = append(checks,
			func() error { return atLeast("threads.threads", t.Threads, 1) },
			func() error { return oneOf("threads.share", t.Share, "engine", "connection") })
	}
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}
