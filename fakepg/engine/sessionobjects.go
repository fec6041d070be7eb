package engine

import (
	"time"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// sessionObjects are the objects a session keeps across statements and,
// some, across transactions: cursors, named prepared statements and the
// advisory locks it holds. PostgreSQL keeps them per backend, so a pool
// that hands one server session to several clients (PgBouncer's
// transaction mode) hands them over too.
type sessionObjects struct {
	cursors    []*cursor                     // open cursors, in declaration order
	statements map[string]*PreparedStatement // named prepared statements; lookup only
	// advisoryHeld are the advisory locks the session holds, in the order
	// it first took them; advisoryWait is the lock request it waits on.
	advisoryHeld []*advisoryLock
	advisoryWait *advisoryWaiter

	// Portals, if set, is the backend's namespace of protocol-level
	// portals, which cursors share.
	Portals ProtocolPortals
}

// sessionPlan is what the statements of session objects add to a plan.
type sessionPlan struct {
	cursor   *cursorPlan // DECLARE
	prepared *Plan       // PREPARE: the statement it prepares
}

// isSessionStmt reports whether stmt is a statement of session objects.
func isSessionStmt(stmt sqlparse.Stmt) bool {
	switch stmt.(type) {
	case *sqlparse.DeclareStmt, *sqlparse.FetchStmt, *sqlparse.CloseStmt,
		*sqlparse.PrepareStmt, *sqlparse.ExecuteStmt, *sqlparse.DeallocateStmt:
		return true
	}
	return false
}

// planSessionStmt analyses a statement of session objects.
func (s *Session) planSessionStmt(p *Plan, stmt sqlparse.Stmt) *Error {
	switch st := stmt.(type) {
	case *sqlparse.DeclareStmt:
		return s.planDeclare(p, st, p.sc.params)
	case *sqlparse.FetchStmt:
		s.planFetch(p, st)
	case *sqlparse.PrepareStmt:
		return s.planPrepare(p, st)
	case *sqlparse.ExecuteStmt:
		s.planExecute(p, st)
	}
	return nil
}

// execSessionStmt runs a statement of session objects.
func (s *Session) execSessionStmt(p *Plan, params []Value, res *Result) error {
	switch st := p.Stmt.(type) {
	case *sqlparse.DeclareStmt:
		return s.execDeclare(p, st, params, res)
	case *sqlparse.FetchStmt:
		return s.execFetch(st, res)
	case *sqlparse.CloseStmt:
		return s.execClose(st, res)
	case *sqlparse.PrepareStmt:
		return s.execPrepare(p, st, res)
	case *sqlparse.ExecuteStmt:
		return s.execExecute(st, res)
	case *sqlparse.DeallocateStmt:
		return s.execDeallocate(st, res)
	}
	return nil
}

// endTransactionObjects ends what ends with the session's transaction:
// its cursors (but the WITH HOLD ones a commit persisted) and its
// transaction-level advisory locks.
func (s *Session) endTransactionObjects() {
	s.dropTransactionCursors()
	if len(s.advisoryHeld) > 0 {
		s.db.releaseAdvisory(s, xactHold)
	}
}

// closeObjects ends every session object when the session ends.
func (s *Session) closeObjects() {
	clear(s.cursors)
	s.cursors = nil
	s.db.releaseAdvisory(s, sessionHold, xactHold)
}

// beginStatement starts the statement timeout and forgets an earlier
// cancel, as a statement's start does.
func (s *Session) beginStatement() {
	s.canceled = false
	s.deadline = time.Time{}
	if d := s.timeout("statement_timeout"); d > 0 {
		s.deadline = s.db.rt.Now().Add(d)
	}
}

// notice adds a warning raised while the statement runs to its result,
// after the rows produced so far.
func (en *env) notice(e *Error) {
	if res := en.res; res != nil {
		res.Notices = append(res.Notices, e)
		for len(res.NoticeRows) < len(res.Notices)-1 {
			res.NoticeRows = append(res.NoticeRows, len(res.Rows))
		}
		res.NoticeRows = append(res.NoticeRows, len(res.Rows))
	}
}

// noticesFirst places every notice of res before its rows and row
// description: a statement that collects its rows before it sends any
// (FETCH, EXECUTE) raises them all before the first row goes out.
func (res *Result) noticesFirst() {
	if len(res.Notices) == 0 {
		return
	}
	res.NoticeRows = res.NoticeRows[:0]
	for range res.Notices {
		res.NoticeRows = append(res.NoticeRows, -1)
	}
}
