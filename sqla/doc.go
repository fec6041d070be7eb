// Package sqla is the SQLAlchemy layer of the system under test, with the
// semantics of SQLAlchemy 1.4.46 (Debian's python3-sqlalchemy) over the
// psycopg2 dialect: CreateEngine (create_engine with its keyword
// arguments, the pool classes of package pool and the dialect's
// first-connect initialisation), Engine.Connect and Connection.Execute
// with 1.4's transactions and legacy autocommit, Engine.Dispose(close),
// the result layer (CursorResult and Row, with SQLAlchemy's texts), the
// wrapping of DB-API errors as str(exc) prints them, and the ORM Session
// scoped per thread as Flask-SQLAlchemy scopes db.session. Every object
// that stands for process memory (Engine, Dialect, Connection, Session,
// ScopedSession) has a CopyInto for a forked child.
//
// The exception classes and their texts are in package sqla/exc.
//
// What a real SQLAlchemy 1.4.46 + psycopg2 2.9.5 sends was recorded
// against PostgreSQL 15 (statement logging), and the model sends the
// same:
//
//   - First connect: BEGIN; the hstore lookup (HstoreQuery, multi-line);
//     ROLLBACK; BEGIN; select pg_catalog.version(); select
//     current_schema(); show transaction isolation level; show
//     standard_conforming_strings; ROLLBACK. The hstore lookup runs in the
//     dialect's on_connect (psycopg2's HstoreAdapter.get_oids, which rolls
//     back the transaction it began); the rest in first_connect, whose
//     Connection rolls back at the end. Both run once per engine, the
//     first time the pool connects; a second thread connecting meanwhile
//     waits on the connect event's first-run mutex.
//   - A later checkout with pool_pre_ping: SELECT 1 with autocommit on,
//     before the next statement's BEGIN (PGDialect_psycopg2.do_ping), not
//     inside the implicit transaction.
//   - A checkin: ROLLBACK when psycopg2 has a transaction open (reset on
//     return; psycopg2's rollback sends nothing otherwise).
//   - A statement run on a Connection without Begin whose text is DML or
//     DDL: COMMIT right after it (1.4's deprecated library autocommit).
//
// Where SQLAlchemy 2.0's documentation differs:
//
//   - Library-level autocommit is gone in 2.0 ("Library-level (but not
//     driver level) 'Autocommit' removed from both Core and ORM",
//     https://docs.sqlalchemy.org/en/20/changelog/migration_20.html); 2.0's
//     Connection begins on first use and has commit() and rollback()
//     ("commit as you go"). This package runs 1.4's non-future Connection.
//   - 2.0's error links read https://sqlalche.me/e/20/CODE; 1.4.46's read
//     /e/14/.
//   - Engine.dispose(close=False), documented for forked children in both
//     ("Using Connection Pools with Multiprocessing or os.fork()",
//     https://docs.sqlalchemy.org/en/20/core/pooling.html), exists in 1.4
//     from 1.4.33; 1.4.46 has it.
//
// Not modelled: the ORM's unit of work (flush, identity map), savepoints,
// two-phase transactions, server-side cursors, executemany, query
// logging, the compiled cache's LRU eviction (entries stay until the cache
// is full), and the closing of dropped connections by CPython's garbage
// collector (see Engine.Dispose).
package sqla
