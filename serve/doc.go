// Package serve serves the fake PostgreSQL backend (package fakepg) to
// real clients on loopback TCP: psql, pgx, psycopg2, an application under
// development. It is what `simulate serve` runs.
//
// Run serves until its context is cancelled; Start and Server.Close do
// the same for tests and embedding. The server refuses a listen address
// that is not loopback unless Config.AllowRemote is set (it trusts every
// client), enforces max_connections as PostgreSQL does (FATAL 53300
// "sorry, too many clients already", with superuser_reserved_connections)
// and, with Config.Record, writes every frontend message each client
// sends to a file in the format of package record, so that an
// application's own statements can be replayed as a scenario's workload.
//
// Stopping is PostgreSQL's fast shutdown: the listener closes; every
// session is sent FATAL 57P01 "terminating connection due to
// administrator command" and closed, between two messages of its output
// (one in the middle of writing a reply to a client that does not read
// has its connection closed under it), and a statement it is running is
// cancelled. Close returns when every session has ended.
//
// This package runs on the operating system's network and clock, never
// under the simulator.
package serve
