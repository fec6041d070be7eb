package engine

import "time"

// DefaultDeadlockTimeout is PostgreSQL's deadlock_timeout default: how long
// a lock waiter waits before it checks for a deadlock.
const DefaultDeadlockTimeout = time.Second

// DB is one database shared by every session of a server.
//
// Invariant: mu guards what sessions share: the tables and their row
// slots, the sequence counters, transactions (their row locks, and the
// waits other sessions' deadlock checks follow) and each session's cancel
// flag. What only a session's own backend touches (its block state, its
// settings, a transaction before it locks a row) is not guarded. cond is
// broadcast whenever a transaction ends, which is when lock waiters may
// proceed.
type DB struct {
	rt     Runtime
	mu     Mutex
	cond   Cond
	tables []*Table // the system catalogs first, then the other tables in creation order

	sequences []*Sequence
	nextOID   uint32 // the next OID to assign to a new catalog object
	// catalogVersion changes whenever the catalog may look different to
	// some transaction (DDL ran, or a transaction that ran DDL ended):
	// plans made at another version are analysed again.
	catalogVersion int64

	seq     int64  // heap sequence of the last tuple version
	nextXid uint32 // the next transaction ID to assign

	// DeadlockTimeout is how long a lock waiter waits before checking for
	// a deadlock (deadlock_timeout).
	DeadlockTimeout time.Duration
}

// NewDB returns a database with the built-in tables, empty.
func NewDB(rt Runtime) *DB {
	db := &DB{rt: rt, nextXid: 731, nextOID: firstUserOID, DeadlockTimeout: DefaultDeadlockTimeout}
	db.mu = rt.NewMutex("db")
	db.cond = rt.NewCond("db.txn-end", db.mu)
	db.tables = systemCatalogs()
	for _, t := range builtinTables() {
		t.Namespace = publicNamespace
		db.assignOIDs(t, 0)
		db.tables = append(db.tables, t)
	}
	return db
}
