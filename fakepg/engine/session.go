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
	gucs     *gucState
	canceled bool // a CancelRequest arrived; guarded by db.mu
	// deadline is when the running statement times out
	// (statement_timeout); zero when it does not.
	deadline time.Time
	// env and scanned are the running statement's evaluation environment
	// and scan buffer, kept to spare their allocations.
	env     env
	scanned []scanned
	// seenVersion is the catalog version when the session last held the
	// database's mutex: a plan made at it needs no revalidation unless
	// another session changed the catalog since (see Revalidate).
	seenVersion int64
	// currvals are the values nextval last gave the session, by
	// sequence OID (currval); lookup only.
	currvals map[uint32]int64
	// OnTransactionEnd, if set, is called whenever the session's
	// transaction ends (commit or rollback): portals die with it.
	OnTransactionEnd func()
}

// NewSession starts a session for user. The user "postgres" is a
// superuser.
func (db *DB) NewSession(pid int32, user, appName string) *Session {
	return &Session{PID: pid, User: user, db: db, gucs: newGUCState(user, appName, user == "postgres")}
}

// Close ends the session, rolling back any open transaction.
func (s *Session) Close() {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	if s.block != blockDefault {
		s.endTxn(false)
	}
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
