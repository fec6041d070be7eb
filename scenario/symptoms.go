package scenario

import (
	"maps"
	"slices"
	"strings"
)

// SymptomTexts are the texts users find in their logs when connections
// are shared or exhausted (../shared/DOMAIN.md): libpq's, psycopg2's,
// SQLAlchemy's, pgx's and PostgreSQL's. A run's Symptoms counts them in
// what the application saw.
var SymptomTexts = []string{
	// psycopg2 (pqpath.c)
	"no message from the libpq",
	"no results to fetch",
	"connection already closed",
	// libpq (fe-protocol3.c, fe-exec.c, fe-misc.c)
	"lost synchronization with server",
	"insufficient data in",
	"message contents do not agree with length",
	"unexpected response from server",
	"without prior row description",
	"unexpected field count in",
	"arrived from server while idle",
	"another command is already in progress",
	"server closed the connection unexpectedly",
	"no connection to the server",
	// SQLAlchemy
	"tuple index out of range",
	"This result object does not return rows",
	"connection is already checked out",
	"QueuePool limit of size",
	// pgx
	"conn busy",
	// PostgreSQL
	"invalid frontend message type",
	"invalid message length",
	"sorry, too many clients already",
	"remaining connection slots are reserved",
	"current transaction is aborted",
}

// Symptoms counts, for each of SymptomTexts, the operations and requests
// whose error contains it and the log lines that do (a text counted once
// per operation, request or line).
func (r *Run) Symptoms() map[string]int {
	out := map[string]int{}
	count := func(s string) {
		for _, t := range SymptomTexts {
			if strings.Contains(s, t) {
				out[t]++
			}
		}
	}
	for _, op := range r.Recorder.Ops {
		if op.Err != "" {
			count(op.Err)
		}
	}
	for _, rr := range r.Recorder.Requests {
		if rr.Err != "" {
			count(rr.Err)
		}
	}
	for _, l := range r.Log.Lines {
		count(l.Text)
	}
	return out
}

// SymptomList returns the symptom texts found, sorted.
func (r *Run) SymptomList() []string {
	return slices.Sorted(maps.Keys(r.Symptoms()))
}

// Hangs describes what never finished: tasks the run found hung at its
// deadline or blocked at a deadlock (with what they wait on), and workers
// Gunicorn killed for silence (its WORKER TIMEOUT lines). (An operation of
// a daemon thread still waiting when a run completes is not a hang: the
// run ended around it.)
func (r *Run) Hangs() []string {
	var out []string
	for _, h := range r.Outcome.Hung {
		out = append(out, "hung: "+h.Task+" waits on "+h.WaitsOn)
	}
	for _, b := range r.Outcome.Blocked {
		if !b.Daemon {
			out = append(out, "deadlocked: "+b.Task+" waits on "+b.WaitsOn)
		}
	}
	for _, l := range r.Log.Grep("WORKER TIMEOUT") {
		out = append(out, l.String())
	}
	return out
}
