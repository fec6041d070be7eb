// Package engine is the fake backend's SQL engine: a catalog with the
// tables poolsim's scenarios use (kv and the wide activity table), the
// tables users create (CREATE TABLE and DROP TABLE, transactional, with
// serial columns, defaults and unique constraints) and the system catalogs
// pg_namespace, pg_type and pg_class describing them; inner joins;
// multi-version storage read through snapshots (snapshot.go) under READ
// COMMITTED or REPEATABLE READ (txmode.go), row locks of three strengths
// held to commit (rowlock.go), relation locks held to commit (rellock.go),
// savepoints (savepoint.go), lock waits the scheduler can see, deadlock
// detection after deadlock_timeout over one graph of row lock, relation
// lock and advisory lock waits (deadlock.go), and PostgreSQL's transaction
// block state machine (xact.c), so that transaction status, warnings and
// errors follow PostgreSQL 15. Sessions keep cursors, named prepared
// statements and advisory locks as PostgreSQL's backends do (cursor.go,
// prepare.go, advisory.go).
//
// A Session executes analysed statements (Plans) for one connection; the
// wire protocol lives in package fakepg. A statement's work on the shared
// database is one critical section (RunSimple, Execute), so that under the
// simulator it costs one Lock and one Unlock. Everything that blocks or tells
// time goes through a Runtime: RealRuntime for servers on real TCP,
// SimRuntime for servers inside a sim.World.
package engine
