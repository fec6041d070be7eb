// Package fakepg is a PostgreSQL 15 backend speaking the real wire protocol
// (built on pgproto3/v2 message types) over any byte stream: a simulated
// connection inside a sim.World, where every lock wait and sleep is
// visible to the scheduler, or a real net.Conn, so that psql, pgx and
// differential tests against a real PostgreSQL keep it honest.
//
// A Server holds one database (package engine) shared by its sessions.
// Each session follows PostgreSQL's backend: the startup handshake
// (SSLRequest answered 'N', trust or cleartext password authentication,
// ParameterStatus, BackendKeyData), simple and extended query protocol
// with skip-until-Sync after errors, output buffered in 8 KB like the
// backend's send buffer and flushed at ReadyForQuery, errors, notices,
// Flush and Sync, and PostgreSQL's reaction to garbled input (FATAL 08P01
// or a silent close). Under the simulator a server also records ground
// truth (Server.Truth): for every session its startup packets, its
// requests with the tasks that wrote every message's bytes (garbled ones
// included) and the range of each reply, and why the session ended.
//
// The client side, a libpq-faithful frontend, is package fakepg/libpq.
package fakepg
