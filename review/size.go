package review

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
)

// Size says how big a scenario's deployment and workload are:
// "2 workers x 2 threads + 2 Celery processes, 2 clients x 2 requests".
func Size(s *scenario.Scenario) string {
	var parts []string
	if g := s.Gunicorn; g != nil {
		if g.WorkerClass == "gthread" {
			parts = append(parts, fmt.Sprintf("%s x %s", plural(g.Workers, "worker"), plural(g.Threads, "thread")))
		} else {
			parts = append(parts, plural(g.Workers, g.WorkerClass+" worker"))
		}
	}
	if c := s.Celery; c != nil {
		parts = append(parts, plural(c.Concurrency, "Celery process", "Celery processes"))
	}
	if t := s.Threads; t != nil {
		parts = append(parts, plural(t.Threads, "thread"))
	}
	return fmt.Sprintf("%s, %s x %s", strings.Join(parts, " + "), plural(s.Workload.Clients, "client"),
		plural(s.Workload.Requests, "request"))
}

func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return strconv.Itoa(n) + " " + many[0]
	}
	return strconv.Itoa(n) + " " + one + "s"
}

// SmallLimit is the largest count of workers, threads, clients and
// requests the bounded search runs with.
const SmallLimit = 2

// Small returns s cut down to at most SmallLimit workers, threads,
// Celery processes, clients and requests: the size the bounded search
// verifies. A scenario already that small is returned as it is.
func Small(s *scenario.Scenario) *scenario.Scenario {
	var ps []sim.Param
	cut := func(key string, v int) {
		if v > SmallLimit {
			ps = append(ps, sim.Param{Key: key, Value: strconv.Itoa(SmallLimit)})
		}
	}
	if g := s.Gunicorn; g != nil {
		cut("gunicorn.workers", g.Workers)
		cut("gunicorn.threads", g.Threads)
	}
	if c := s.Celery; c != nil {
		cut("celery.concurrency", c.Concurrency)
	}
	if t := s.Threads; t != nil {
		cut("threads.threads", t.Threads)
	}
	cut("workload.clients", s.Workload.Clients)
	cut("workload.requests", s.Workload.Requests)
	small, err := s.WithOverrides(ps...)
	if err != nil {
		// the cut keeps every value valid; an error means the scenario's
		// own file no longer parses, which Lookup or Load would have said
		panic("review: cutting " + s.Name + " down: " + err.Error())
	}
	return small
}
