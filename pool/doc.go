// Package pool holds SQLAlchemy's connection pool designs with the
// semantics of SQLAlchemy 1.4 as Debian's python3-sqlalchemy 1.4.46 runs
// them (lib/sqlalchemy/pool/base.py and impl.py), over the DB-API
// connections of package driver, inside a simulated world.
//
// The structure follows SQLAlchemy's: a Pool (the base class) owns the
// checkout and checkin machinery — connection records (Record, for
// _ConnectionRecord), the facades handed to a checkout (Fairy, for
// _ConnectionFairy), pre-ping, recycle, invalidation, reset on return and
// the pool events — and a Design (the subclass) decides where a checkout
// finds a record and where a checkin puts it. The designs are one file
// each: QueuePool, NullPool, StaticPool, SingletonThreadPool,
// AssertionPool, and the pid-check recipe of SQLAlchemy's pooling
// documentation ("Using Connection Pools with Multiprocessing or
// os.fork()") as a design of its own (PIDCheck).
//
// What stands for Python's threading primitives are the world's
// primitives in the memory of the process that made the pool: the queue's
// mutex and its two conditions (SQLAlchemy's util/queue.py, a copy of
// Python's queue.Queue with a threading.RLock), QueuePool's overflow lock,
// and the event system's first-run mutex. State Python guards only by the
// GIL (AssertionPool's flag, StaticPool's memoized record,
// SingletonThreadPool's set of connections, QueuePool's overflow counter
// read outside its lock) is declared to the world (sim.World.Access), so a
// thread switch may fall between a check and the act it guards, as in
// CPython.
//
// A pool stands for process memory: CopyInto copies it, with its records,
// their driver connections and the state of its locks, for a forked child.
// Python's time.time() becomes the world's virtual clock; where SQLAlchemy
// compares timestamps that real time always separates (a connection's
// start time against the pool's invalidation time), a per-pool sequence
// number separates events of the same virtual instant (see Stamp).
//
// The code is 1.4.46's. SQLAlchemy 2.0's pooling documentation
// (https://docs.sqlalchemy.org/en/20/core/pooling.html) describes the same
// designs, options, recipe and exhaustion text (with /e/20/ in its link);
// where the engine above the pool differs between the versions, package
// sqla says so.
package pool
