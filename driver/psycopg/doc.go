// Package psycopg is a psycopg2 2.9.5-like DB-API driver over the
// libpq-faithful client fakepg/libpq, built as psycopg2 is built over
// libpq (psycopg/pqpath.c, connection_int.c, cursor_type.c):
//
//   - A connection is an object in the memory of the process that opened
//     it, with its own mutex (psycopg2's conn->lock, a process-owned
//     sim.Mutex) held around every libpq interaction, so that threads
//     sharing one connection never interleave protocol messages but do
//     share its one transaction. A forked child gets a copy (CopyInto):
//     the same socket, the same state, and the mutex as it was at fork
//     time, so a lock another thread held then is held for ever in the
//     child. Options.NoLock builds connections without the mutex.
//   - Outside autocommit a BEGIN goes before the first statement of a
//     transaction (pq_begin_locked); commit and rollback send COMMIT and
//     ROLLBACK only when psycopg2 believes a transaction is open.
//   - Parameters are interpolated client-side: %s and %(name)s
//     placeholders are replaced by the quoted values (strings as '...' or
//     E'...', None as NULL, numbers, true/false, lists as ARRAY[...],
//     tuples as (a, b), Numeric, bytes as bytea), and %% becomes %.
//   - Results are converted as psycopg2's typecasters convert them
//     (driver.Row); the types psycopg2 turns into objects this package
//     has no Go counterpart for (dates, arrays, ...) come back as their
//     text.
//   - Errors are psycopg2's exceptions, raised where pqpath.c raises them,
//     with str(exc) as Message: psycopg2.errors classes by SQLSTATE,
//     "error with status PGRES_TUPLES_OK and no message from the libpq",
//     "no results to fetch", "connection already closed", and
//     OperationalError with libpq's own text when the connection breaks.
//
// Not modelled: named (server-side) cursors, COPY, asynchronous and green
// connections, two-phase commit, client encodings other than UTF8.
package psycopg
