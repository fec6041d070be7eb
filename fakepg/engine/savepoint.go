package engine

import (
	"maps"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// Savepoints are PostgreSQL's subtransactions. SAVEPOINT starts one inside
// a transaction block; an error inside it aborts only it (the block is
// failed until ROLLBACK TO or ROLLBACK); RELEASE ends it and every one
// started after it, keeping their work; ROLLBACK TO undoes the work done
// since it began (rows written, tables created and dropped, see
// catalogtx.go), releases the row and relation locks taken since (waiters
// proceed, as PostgreSQL's subtransaction XID lock is released), restores
// the settings, drops the cursors declared since and releases the
// transaction-level advisory locks taken since (sessionobjects.go), and
// starts it again. Names may repeat: a name means the most recent
// savepoint of that name.
//
// A change a savepoint may undo is recorded as an undoRecord before it is
// made: the row as the transaction had it (its lock, and its uncommitted
// change if any). Changes made while no savepoint is open are not
// recorded, since only the end of the transaction can undo them.

// SQLSTATEs of savepoints.
const (
	InvalidSavepointSpecification = "3B001"
)

// subxact is one open savepoint.
type subxact struct {
	name        string
	undo        int      // len(Session.undo) when it began
	catalogUndo int      // len(Session.catalogUndo) when it began
	advisory    int      // len(Session.advisorySub) when it began
	gucs        gucSaved // the settings when it began
	aborted     bool     // an error aborted it; only ROLLBACK TO or ROLLBACK may follow
}

// undoRecord is the row as the transaction had it before one change.
type undoRecord struct {
	slot     *rowSlot
	mode     lockMode
	wrote    bool // the transaction was the row's writer
	pending  *version
	deleting bool
}

// remember records the row's state for tx before tx changes it, when a
// savepoint is open.
func (tx *Txn) remember(s *rowSlot) {
	if len(tx.sess.subs) == 0 {
		return
	}
	u := undoRecord{slot: s, mode: s.lockOf(tx)}
	if s.writer == tx {
		u.wrote, u.pending, u.deleting = true, s.pending, s.deleting
	}
	tx.sess.undo = append(tx.sess.undo, u)
}

// undoTo undoes tx's changes recorded from mark on, newest first, and
// wakes lock waiters.
func (db *DB) undoTo(tx *Txn, mark int) {
	undo := tx.sess.undo
	for i := len(undo) - 1; i >= mark; i-- {
		u := undo[i]
		s := u.slot
		switch {
		case u.wrote:
			s.writer, s.pending, s.deleting = tx, u.pending, u.deleting
		case s.writer == tx:
			s.writer, s.pending, s.deleting = nil, nil, false
		}
		s.setLock(tx, u.mode)
	}
	clear(undo[mark:])
	tx.sess.undo = undo[:mark]
	db.cond.Broadcast()
}

// failed reports whether the session is in a failed transaction block or
// a failed savepoint, where only ROLLBACK, ROLLBACK TO and COMMIT are
// accepted.
func (s *Session) failed() bool {
	return s.block == blockAbort || len(s.subs) > 0 && s.subs[len(s.subs)-1].aborted
}

// abortSubxact aborts the innermost savepoint after an error
// (AbortSubTransaction): its work is undone, its locks released, its
// settings restored.
func (s *Session) abortSubxact() {
	sub := &s.subs[len(s.subs)-1]
	if sub.aborted {
		return
	}
	s.db.undoTo(s.tx, sub.undo)
	s.db.undoCatalogTo(s.tx, sub.catalogUndo)
	s.gucs.restore(sub.gucs)
	s.abortSubObjects(len(s.subs), sub.advisory)
	sub.aborted = true
}

// findSavepoint returns the index of the most recent savepoint named
// name, or -1.
func (s *Session) findSavepoint(name string) int {
	for i := len(s.subs) - 1; i >= 0; i-- {
		if s.subs[i].name == name {
			return i
		}
	}
	return -1
}

// outsideBlock is the error of a savepoint statement outside a transaction
// block, or inside the implicit block of a multi-statement query.
func outsideBlock(what string) *Error {
	return errorf(NoActiveTransaction, "%s can only be used in transaction blocks", what)
}

// noSavepoint is the error for a savepoint name that is not defined.
func noSavepoint(name string) *Error {
	return errorf(InvalidSavepointSpecification, "savepoint \"%s\" does not exist", name)
}

// execSavepoint runs SAVEPOINT, RELEASE and ROLLBACK TO.
func (s *Session) execSavepoint(st *sqlparse.TransactionStmt, res *Result) *Error {
	inBlock := s.block == blockInProgress || s.block == blockBegin || s.block == blockAbort
	switch st.Kind {
	case sqlparse.TxSavepoint:
		res.Tag = plainTag("SAVEPOINT")
		if !inBlock {
			return outsideBlock("SAVEPOINT")
		}
		s.subs = append(s.subs, subxact{name: st.Savepoint, undo: len(s.undo), catalogUndo: len(s.catalogUndo),
			advisory: len(s.advisorySub), gucs: s.gucs.save()})
	case sqlparse.TxRelease:
		res.Tag = plainTag("RELEASE")
		if !inBlock {
			return outsideBlock("RELEASE SAVEPOINT")
		}
		i := s.findSavepoint(st.Savepoint)
		if i < 0 {
			return noSavepoint(st.Savepoint)
		}
		s.subs = s.subs[:i]
		s.releaseSubObjects(i)
		if len(s.subs) == 0 {
			// only the transaction's end undoes what is left
			clear(s.undo)
			clear(s.catalogUndo)
			s.undo, s.catalogUndo = s.undo[:0], s.catalogUndo[:0]
		}
	case sqlparse.TxRollbackTo:
		res.Tag = plainTag("ROLLBACK")
		if !inBlock {
			return outsideBlock("ROLLBACK TO SAVEPOINT")
		}
		i := s.findSavepoint(st.Savepoint)
		if i < 0 {
			return noSavepoint(st.Savepoint)
		}
		s.subs = s.subs[:i+1]
		sub := &s.subs[i]
		s.db.undoTo(s.tx, sub.undo)
		s.db.undoCatalogTo(s.tx, sub.catalogUndo)
		s.gucs.restore(sub.gucs)
		s.abortSubObjects(i+1, sub.advisory)
		sub.aborted = false
	}
	return nil
}

// gucSaved is a session's settings at a savepoint.
type gucSaved struct {
	vals, local map[string]string
}

// save returns the settings as they are now.
func (g *gucState) save() gucSaved {
	return gucSaved{maps.Clone(g.vals), maps.Clone(g.local)}
}

// restore brings back the settings of a savepoint (which stays usable:
// ROLLBACK TO may return to it again).
func (g *gucState) restore(sv gucSaved) {
	g.vals, g.local = maps.Clone(sv.vals), maps.Clone(sv.local)
	g.dirty = true
	g.gen++
}
