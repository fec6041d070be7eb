package engine

import "time"

// Session is one connection's state in the engine: its transaction block,
// its transaction and its configuration parameters.
type Session struct {
	// PID is the backend process ID the session reports
	// (pg_backend_pid(), BackendKeyData).
	PID int32
	// User is the session's user name.
	User string
	// Database is the name of the database the session connected to
	// (current_database()); "" means the user name, PostgreSQL's default.
	Database string

	db       *DB
	block    blockState
	tx       *Txn
	subs     []subxact // open savepoints, outermost first
	gucs     *gucState
	canceled bool // a CancelRequest arrived; guarded by db.mu
	// deadline is when the running statement times out
	// (statement_timeout); zero when it does not.
	deadline time.Time
	// xactStart is when the current transaction started: now().
	xactStart time.Time
	// zone caches the location of the TimeZone setting.
	zone zoneCache
	// path caches the schemas of the search_path setting.
	path pathCache
	// env and scanned are the running statement's evaluation environment
	// and scan buffer, kept to spare their allocations.
	env     env
	scanned []scanned
	// snap is the snapshot the running statement reads with (see
	// Snapshot); stmtSnapshot is the room for it under READ COMMITTED,
	// txSnapshot for the transaction's under REPEATABLE READ.
	snap         *Snapshot
	stmtSnapshot Snapshot
	txSnapshot   Snapshot
	// touched lists the rows the transaction locked (and so may have
	// written), in locking order; a row whose lock a ROLLBACK TO released
	// may stay. undo holds, while a savepoint is open, what each row was
	// like for the transaction before each change (see savepoint.go).
	touched []*rowSlot
	undo    []undoRecord
	// catalogUndo holds, while a savepoint is open, the catalog changes
	// and relation locks of the transaction (see catalogtx.go).
	catalogUndo []catalogUndo
	// seenVersion is the catalog version when the session last held the
	// database's mutex: a plan made at it needs no revalidation unless
	// another session changed the catalog since (see Revalidate).
	seenVersion int64
	// currvals are the values nextval last gave the session, by
	// sequence OID (currval); lookup only.
	currvals map[uint32]int64
	// waitBlocked, while the transaction waits for a row lock
	// (Txn.waitingFor), reports whether the holder still keeps it waiting.
	// It is the session's, not the transaction's, to keep Txn small.
	waitBlocked func() bool
	// OnTransactionEnd, if set, is called whenever the session's
	// transaction ends (commit or rollback): portals die with it.
	OnTransactionEnd func()
	// state caches what SessionState lists of the parameters.
	state stateCache

	sessionObjects
}

// NewSession starts a session for user, a superuser if db.IsSuperuser
// says so, with the server's parameter values.
func (db *DB) NewSession(pid int32, user, appName string) *Session {
	g := newGUCState(user, appName, db.IsSuperuser(user))
	for _, p := range db.serverParams {
		g.vals[p.Name] = p.Value
		g.resets[p.Name] = p.Value
	}
	s := &Session{PID: pid, User: user, db: db, gucs: g}
	s.gucs.check = s.checkSetting
	return s
}

// Close ends the session, rolling back any open transaction.
func (s *Session) Close() {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	if s.block != blockDefault {
		s.endTxn(false)
	}
	s.closeObjects()
}

// SetStartupParameter applies a parameter from the startup packet; RESET
// restores it afterwards.
// Settings are the session's own, so it takes no lock.
func (s *Session) SetStartupParameter(name, value string) *Error {
	if e := s.gucs.set(name, value, false); e != nil {
		return e
	}
	if d := findGUC(name); d != nil {
		s.gucs.resets[d.name] = s.gucs.vals[d.name]
	}
	return nil
}

// Cancel asks the session's running statement, if it waits on a lock or
// sleeps, to fail with 57014 "canceling statement due to user request".
func (s *Session) Cancel() {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	s.canceled = true
	s.db.cond.Broadcast()
}

// checkCancel consumes a pending cancel.
func (s *Session) checkCancel() *Error {
	if !s.canceled {
		return nil
	}
	s.canceled = false
	return newError(QueryCanceled, "canceling statement due to user request")
}
