package app

import "time"

// Costs is what the simulated stack charges in virtual time, so that
// latency and the number of server connections a design needs mean
// something. Each cost is charged once, with one sim.World.Sleep, where
// the real system spends that time:
//
//   - Connect (TCP connect, backend fork, startup and authentication) by
//     the database server before the first reply of a session;
//   - Query (a round trip of a small statement: both network hops and the
//     server's work) by the server before each reply;
//   - Hop (one way over the network) for every application message: a
//     Gunicorn worker charges the request's hop and its reply's before it
//     replies; a Celery MainProcess charges the client's and its own hop
//     to the pool process before handing a task over, and the two hops
//     back before relaying the result;
//   - Request (the application's own work for a request: WSGI, routing,
//     ORM) by the worker that serves it, after reading the request.
//
// # Calibration
//
// The defaults were measured against PostgreSQL 15.18 (Debian 12) on the
// loopback interface of the machine poolsim is developed on, with pgx
// from Go: the median of 30 pgx.Connect calls (trust authentication) for
// Connect, the median of 500 `SELECT 1` round trips over the simple query
// protocol for Query, and half the median of 500 echoes of a 200-byte
// message over loopback TCP for Hop. TestCalibrateCosts repeats the
// measurement:
//
//	go test -run TestCalibrateCosts -v ./app
//
// prints the figures of the machine it runs on (it needs PostgreSQL 15;
// see fakepg/pgtest) and fails when a default is more than ten times off.
// Request has no default (0): the application's own cost depends on the
// application; a scenario sets it when it matters.
type Costs struct {
	Connect Duration `toml:"connect"`
	Query   Duration `toml:"query"`
	Hop     Duration `toml:"hop"`
	Request Duration `toml:"request"`
}

// DefaultCosts returns the calibrated costs (see Costs).
func DefaultCosts() Costs {
	return Costs{
		Connect: Dur(4500 * time.Microsecond),
		Query:   Dur(40 * time.Microsecond),
		Hop:     Dur(4 * time.Microsecond),
	}
}
