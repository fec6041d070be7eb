package main

import (
	"fmt"

	"github.com/poolsim/poolsim/scenario"
)

func init() {
	register(command{name: "default", run: cmdDefault})
}

// incidentDesigns are the built-in default's designs: the incident's
// production configuration, the designs proposed or considered for it,
// and the candidate causes.
var incidentDesigns = []string{
	"incident-production",             // what ran in production
	"incident-nullpool",               // the incident's proposal: NullPool in post_worker_init
	"sync-queuepool",                  // considered: sync workers instead of gthread
	"gthread-queuepool",               // gthread with a QueuePool per worker, nothing shared
	"preload-held-connection-dispose", // candidate cause: a connection held at fork
	"preload-background-thread",       // candidate cause: a background thread at fork
	"celery-prefork",                  // candidate cause: Celery without its worker_process_init hook
}

// incidentTexts are the five error texts of the incident's log.
var incidentTexts = []string{
	"error with status PGRES_TUPLES_OK and no message from the libpq",
	`lost synchronization with server: got message type "i", length 1954111281`,
	`insufficient data in "T" message`,
	"IndexError: tuple index out of range",
	"ResourceClosedError: This result object does not return rows. It has been closed automatically.",
}

func cmdDefault(e *env, args []string) int {
	fs := newFlags(e, "", "", "Reviews the incident's designs and diagnoses its errors.")
	f := addReviewFlags(fs, 8, 1)
	if _, code, ok := parseOrExit(e, fs, args); !ok {
		return code
	}
	var designs []*scenario.Scenario
	for _, name := range incidentDesigns {
		s, err := scenario.Lookup(name)
		if err != nil {
			return usageError(e, "%v", err)
		}
		designs = append(designs, s)
	}
	fmt.Fprintln(e.stdout, "poolsim: the incident of a Flask + SQLAlchemy + psycopg2 application under Gunicorn gthread")
	fmt.Fprintln(e.stdout, "workers and Celery prefork, its production design and the designs proposed or suspected.")
	fmt.Fprintln(e.stdout)
	code := runReview(e, "simulate", designs, f, e.stdout)
	if code == exitUsage {
		return code
	}
	fmt.Fprintln(e.stdout)
	if dc := diagnoseTexts(e, incidentTexts, nil, f.runs, f.bound); dc == exitUsage {
		return dc
	}
	return code
}
