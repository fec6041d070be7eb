package engine

import "github.com/poolsim/poolsim/fakepg/sqlparse"

// Snapshot says which transactions' writes a statement sees: those of the
// transactions that had committed when it was taken.
//
// Every commit of a transaction that wrote is numbered, under the
// database's mutex, by the next commit sequence number (DB.commitSeq), and
// its versions become visible at once. So a snapshot is the number of the
// last commit before it: the transactions in progress when it was taken
// are exactly those that commit later, with higher numbers, and the
// snapshot does not see them, even after they commit. (PostgreSQL keeps
// xmin, xmax and the list of running transaction IDs because its commits
// are not numbered in one sequence; the visibility rule is the same.) A
// transaction always sees its own changes besides (rowSlot.visible).
//
// Under READ COMMITTED every statement takes a new snapshot; under
// REPEATABLE READ the transaction's first statement takes the one all its
// statements read with. A snapshot that is read from outside the critical
// section of the statement that took it (a cursor's: its FETCHes read with
// a copy of its DECLARE's, see DB.keepSnapshot) must be held with
// DB.holdSnapshot and released with DB.releaseSnapshot, so that the
// versions it sees are kept.
type Snapshot struct {
	seq   uint64 // the commit sequence number of the last commit it sees
	holds int    // how many times it is held; see DB.holdSnapshot
}

// newSnapshot returns a snapshot of the committed state now, not held.
func (db *DB) newSnapshot() Snapshot { return Snapshot{seq: db.commitSeq} }

// holdSnapshot keeps the versions snap sees until releaseSnapshot.
func (db *DB) holdSnapshot(snap *Snapshot) {
	if snap.holds == 0 {
		db.snapshots = append(db.snapshots, snap)
	}
	snap.holds++
}

// releaseSnapshot undoes one holdSnapshot.
func (db *DB) releaseSnapshot(snap *Snapshot) {
	if snap.holds--; snap.holds > 0 {
		return
	}
	for i, h := range db.snapshots {
		if h == snap {
			last := len(db.snapshots) - 1
			db.snapshots[i] = db.snapshots[last]
			db.snapshots[last] = nil
			db.snapshots = db.snapshots[:last]
			return
		}
	}
}

// needsSnapshot reports whether stmt reads with a snapshot, as
// PostgreSQL's analyze_requires_snapshot and PlannedStmtRequiresSnapshot
// decide: every statement but transaction control, SET, SHOW, RESET and
// FETCH or MOVE (which read with their cursor's snapshot). The first one
// of a transaction fixes its isolation level and, under REPEATABLE READ,
// its snapshot.
func needsSnapshot(stmt sqlparse.Stmt) bool {
	switch stmt.(type) {
	case *sqlparse.TransactionStmt, *sqlparse.SetStmt, *sqlparse.ShowStmt, *sqlparse.ResetStmt,
		*sqlparse.SetTransactionStmt, *sqlparse.FetchStmt:
		return false
	}
	return true
}

// keepSnapshot returns a held copy of snap, for a reader that outlives the
// statement whose snapshot it is (a READ COMMITTED statement's snapshot is
// the session's own and the next statement reuses it).
func (db *DB) keepSnapshot(snap *Snapshot) *Snapshot {
	kept := &Snapshot{seq: snap.seq}
	db.holdSnapshot(kept)
	return kept
}

// NoteSnapshot records that the extended protocol's Parse of stmt, or its
// Bind with params parameter values, used the transaction's snapshot, as
// PostgreSQL's exec_parse_message and exec_bind_message take one for the
// statements parse analysis needs it for (SELECT, INSERT, UPDATE, DELETE,
// DECLARE; Bind also for any statement with parameters). From then on the
// transaction's isolation level is fixed and SET TRANSACTION fails with
// 25001. The snapshot itself is taken by the first statement that
// executes, under the database's mutex, which for a batch of Parse, Bind
// and Execute is the same moment. It touches only the session's own
// state, so it takes no lock.
func (s *Session) NoteSnapshot(stmt sqlparse.Stmt, params int) {
	switch stmt.(type) {
	case *sqlparse.SelectStmt, *sqlparse.InsertStmt, *sqlparse.UpdateStmt, *sqlparse.DeleteStmt,
		*sqlparse.DeclareStmt:
	default:
		if params == 0 {
			return
		}
	}
	s.fixIsolation()
}

// fixIsolation marks the transaction's first use of a snapshot, which
// fixes its isolation level.
func (s *Session) fixIsolation() {
	if tx := s.tx; !tx.snapshotSet {
		tx.snapshotSet = true
		tx.repeatableRead = s.gucs.current().repeatableRead
	}
}

// statementSnapshot returns the snapshot a statement starting now reads
// with, held until the caller releases it: under REPEATABLE READ the
// transaction's (taken now if this is its first statement), else a new
// one. The transaction's isolation level is fixed from here on.
func (s *Session) statementSnapshot() *Snapshot {
	s.fixIsolation()
	tx := s.tx
	s.transactionSnapshot()
	snap := &s.stmtSnapshot
	if tx.repeatableRead {
		snap = tx.snapshot
	} else {
		*snap = s.db.newSnapshot()
	}
	s.db.holdSnapshot(snap)
	return snap
}

// transactionSnapshot takes a REPEATABLE READ transaction's snapshot if
// it has none yet.
func (s *Session) transactionSnapshot() {
	if tx := s.tx; tx.repeatableRead && tx.snapshot == nil {
		s.txSnapshot = s.db.newSnapshot()
		tx.snapshot = &s.txSnapshot
		s.db.holdSnapshot(tx.snapshot)
	}
}

// analysisSnapshot takes the snapshot PostgreSQL takes before it analyses
// a SELECT, INSERT, UPDATE, DELETE or DECLARE (analyze_requires_snapshot),
// or revalidates its plan: the isolation level is fixed, and under
// REPEATABLE READ the transaction's snapshot is taken then, so a first
// statement that waits for a relation lock during analysis reads as of
// before the wait. The caller holds the database's mutex.
func (s *Session) analysisSnapshot(stmt sqlparse.Stmt) {
	switch stmt.(type) {
	case *sqlparse.SelectStmt, *sqlparse.InsertStmt, *sqlparse.UpdateStmt, *sqlparse.DeleteStmt,
		*sqlparse.DeclareStmt:
		s.fixIsolation()
		s.transactionSnapshot()
	}
}
