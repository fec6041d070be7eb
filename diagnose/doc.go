// Package diagnose reads error texts and logs and says which registered
// designs can produce them.
//
// Parse matches the texts against the templates poolsim knows (libpq's
// printf formats such as `lost synchronization with server: got message
// type "%c", length %d`, psycopg2's, SQLAlchemy's, the pools', pgx's,
// PostgreSQL's and Gunicorn's), unwraps SQLAlchemy's form
// ("(psycopg2.DatabaseError) ... [SQL: ...] (Background on this error
// at: ...)") and Celery's task failures, decodes libpq's length words
// (1954111281 = 0x74795F31 = "ty_1": the middle of a column name like
// activity_1_id in a RowDescription), and reads Gunicorn's pids and
// timestamps (errors right after a worker boots, or from several
// processes at once, point to a connection shared through fork).
//
// Gather runs the registered scenarios and records which templates each
// design produces, with a command replaying a run that shows them, and a
// sampled proof for each template its runs never showed; a bounded
// search's proof can be added with Design.AddProof. Rank then ranks the
// designs by how many of the evidence's templates each produces, lists
// those shown unable (with the size and bound of the proof) and the texts
// no registered design produces.
//
// Parse and Rank run outside any simulated world. Gather runs worlds, one
// per goroutine, each deterministic on its own; its result does not
// depend on how many run at once.
package diagnose
