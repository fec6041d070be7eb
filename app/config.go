package app

import "time"

// EngineConfig is create_engine's arguments (and the driver the URL
// names), as far as the simulation uses them.
type EngineConfig struct {
	// Driver is the DB-API driver: "psycopg2" (postgresql+psycopg2://),
	// "libpq" (the C library used directly, no lock) or "pgx" (a Go
	// driver in pgx's manner).
	Driver string `toml:"driver"`
	// DriverLock says whether the psycopg2 driver has its per-connection
	// mutex (psycopg2 always has; false is a mechanism swap).
	DriverLock bool `toml:"driver_lock"`
	// Poolclass is the pool design: "QueuePool", "NullPool",
	// "StaticPool", "SingletonThreadPool", "AssertionPool", "PIDCheck"
	// (the pid-check recipe of SQLAlchemy's pooling documentation over a
	// QueuePool), or a design registered with RegisterPoolclass.
	Poolclass string `toml:"poolclass"`
	// PoolSize, MaxOverflow and PoolTimeout are QueuePool's pool_size,
	// max_overflow and timeout.
	PoolSize    int      `toml:"pool_size"`
	MaxOverflow int      `toml:"max_overflow"`
	PoolTimeout Duration `toml:"pool_timeout"`
	// PoolPrePing is pool_pre_ping, PoolRecycle pool_recycle (-1: never),
	// PoolUseLifo pool_use_lifo, PoolResetOnReturn pool_reset_on_return
	// ("rollback", "commit" or "none").
	PoolPrePing       bool     `toml:"pool_pre_ping"`
	PoolRecycle       Duration `toml:"pool_recycle"`
	PoolUseLifo       bool     `toml:"pool_use_lifo"`
	PoolResetOnReturn string   `toml:"pool_reset_on_return"`
	// UseNativeHstore is the psycopg2 dialect's use_native_hstore (default
	// true): each new connection's on_connect looks up the hstore type's
	// OIDs with a join of pg_type and pg_namespace (once per engine; the
	// answer is memoized).
	UseNativeHstore bool `toml:"use_native_hstore"`
	// Initialize is create_engine's private _initialize flag (default
	// true): whether the dialect's first connect runs its initialisation
	// queries (pg_catalog.version(), current_schema(), the isolation
	// level, standard_conforming_strings). SQLAlchemy always runs them;
	// false, as SQLAlchemy's own tests use it, makes the wire start at the
	// workload's own statements.
	Initialize bool `toml:"_initialize"`
}

// DefaultEngine returns create_engine's defaults for a psycopg2 URL, as
// SQLAlchemy 1.4.46 has them: QueuePool of 5 with an overflow of 10 and a
// 30 s timeout, no recycle, rollback on return, use_native_hstore, and the
// dialect's first-connect initialisation (whose queries fakepg answers as
// PostgreSQL 15 does).
func DefaultEngine() EngineConfig {
	return EngineConfig{Driver: "psycopg2", DriverLock: true, Poolclass: "QueuePool", PoolSize: 5, MaxOverflow: 10,
		PoolTimeout: Dur(30 * time.Second), PoolRecycle: Dur(-time.Second), PoolResetOnReturn: "rollback",
		UseNativeHstore: true, Initialize: true}
}

// AppConfig is what the application does when it is imported, besides
// creating its engine and its scoped session (Flask-SQLAlchemy's
// db.session).
type AppConfig struct {
	// TouchDBAtLoad runs a query through the scoped session at import and
	// ends the session (its connection goes back to the pool): with
	// preload_app the pool holds that connection when the master forks.
	TouchDBAtLoad bool `toml:"touch_db_at_load"`
	// GlobalConnection opens a module-level connection at import
	// (engine.connect() kept in a global); every request reads the
	// settings row through it first, and a background thread uses it.
	GlobalConnection bool `toml:"global_connection"`
	// BackgroundThreads is the number of threads the application starts
	// at import (a scheduler): each runs a job every BackgroundInterval,
	// through the module-level connection if there is one, else through
	// its own scoped session.
	BackgroundThreads  int      `toml:"background_threads"`
	BackgroundInterval Duration `toml:"background_interval"`
	// BackgroundJob, when positive, makes each job start with a slow
	// statement that keeps the server busy that long (SELECT pg_sleep),
	// a report or a cleanup, during which its thread holds the
	// connection.
	BackgroundJob Duration `toml:"background_job"`
}

// DefaultApp returns an application that does nothing at import beyond
// creating its engine.
func DefaultApp() AppConfig { return AppConfig{BackgroundInterval: Dur(time.Second)} }

// ThreadsConfig is a plain multi-threaded program (no fork): Threads
// threads, each running one client's requests itself.
type ThreadsConfig struct {
	Threads int `toml:"threads"`
	// Share is "engine" (every thread uses the engine: its pool and the
	// scoped session) or "connection" (the threads share one DB-API
	// connection of the driver, opened by the main thread, without a
	// pool or SQLAlchemy).
	Share string `toml:"share"`
}

// DefaultThreads returns two threads using the engine.
func DefaultThreads() ThreadsConfig { return ThreadsConfig{Threads: 2, Share: "engine"} }
