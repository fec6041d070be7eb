// Package pgxlike is a Go driver built as pgx v5 (github.com/jackc/pgx/v5,
// v5.12) is built: on pgproto3's Frontend rather than on libpq, with
// pgconn's connection (PgConn) below pgx's (Conn). It keeps pgx's
// behaviour where the concurrency and corruption stories depend on it:
//
//   - A busy flag, not a lock: a PgConn in use refuses a second user with
//     pgconn's "conn busy" (a pgx.Conn is not safe for concurrent use; the
//     goroutine that finds it busy gets the error, the one using it goes
//     on), and a closed one with "conn closed".
//   - The extended protocol with pgx's default QueryExecModeCacheStatement:
//     a statement with arguments (and every Query) is prepared once as a
//     named statement, stmtcache_<first 24 bytes of its SHA-256 in hex>
//     (Parse, Describe, Sync), then run with Bind, Execute and Sync; the
//     statements live in an LRU cache of 512 per connection. A failed
//     statement is invalidated and deallocated (Close, Sync) before the
//     connection's next use, failing with "failed to deallocate cached
//     statement(s): ..." when that goes wrong. Exec without arguments uses
//     the simple protocol.
//   - pgx's reaction to a stream it cannot read: pgproto3's framing (an
//     "invalid message length: N", "invalid body length: expected at most
//     1073741822, but got N", "unknown message type: c", "DataRow body is
//     invalid ", "unexpected EOF" when the server closed, or a wait for a
//     body that never comes), after
//     which the connection closes itself asynchronously (asyncClose: a
//     CancelRequest on a new socket, Terminate, draining the socket), and
//     every later use fails with "conn closed". Messages that make sense
//     but do not belong (a reply meant for another user of the socket) are
//     taken as they come, as pgx takes them.
//   - Errors are Go errors of pgx's types; through the DB-API interfaces
//     of package driver their Class is the Go type name as pgx has it
//     ("*pgconn.PgError", "*pgconn.connLockError", "*errors.errorString").
//
// Deviations, all outside the stories above: protocol 3.0 only (pgx's
// default), no TLS, SCRAM or context cancellation; values are decoded
// into driver.Row's Go types (int64 for every integer type); numeric is
// requested in text format, as fakepg sends no binary numeric.
package pgxlike
