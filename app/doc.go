// Package app is what surrounds the pool in a deployment, inside a
// simulated world: the PostgreSQL server the applications talk to (with
// its wire log and its costs), Gunicorn (an arbiter forking sync or
// gthread workers, preload_app, post_fork and post_worker_init hooks,
// max_requests with jitter, the worker timeout), a Celery prefork worker
// (a MainProcess relaying task messages to its pool processes,
// worker_process_init), a plain multi-threaded program, the applications
// they serve (a Flask + Flask-SQLAlchemy application over package sqla, or
// a DB-API program sharing one driver connection), a load generator whose
// clients dial the servers for every request, the workload drawn from a
// seed, the recorder of every database operation, and the application log
// in Gunicorn's format.
//
// Everything that stands for a process's memory (the application with its
// engine, pool, sessions and driver connections, a worker's request
// count, a gthread worker's queue) lives in that process and reaches a
// forked child only as a copy made with package procmem. The recorder,
// the log, the workload and the signal and heartbeat state a kernel or a
// file system would keep are the observer's: shared by every process and
// never copied.
//
// Server processes and tasks are named by lineage, as sim names them:
// "gunicorn/master", "gunicorn/worker#2/main/thread#2",
// "celery/ForkPoolWorker#1/main", "loadgen/gunicorn-client#3",
// "db/backend#4/backend".
package app
