// Package engine is the fake backend's SQL engine: a catalog with the
// tables poolsim's scenarios use (kv and the wide activity table), the
// tables users create (CREATE TABLE and DROP TABLE, transactional, with
// serial columns, defaults and unique constraints) and the system catalogs
// pg_namespace, pg_type and pg_class describing them; inner joins; read
// committed transactions with row locks held to commit, relation locks
// held to commit, lock waits the scheduler can see, deadlock detection
// after deadlock_timeout, and PostgreSQL's transaction block state machine
// (xact.c), so that transaction status, warnings and errors follow
// PostgreSQL 15.
//
// A Session executes analysed statements (Plans) for one connection; the
// wire protocol lives in package fakepg. A statement's work on the shared
// database is one critical section (RunSimple, Execute), so that under the
// simulator it costs one Lock and one Unlock. Everything that blocks or tells
// time goes through a Runtime: RealRuntime for servers on real TCP,
// SimRuntime for servers inside a sim.World.
package engine
