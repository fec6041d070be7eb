package engine

import "github.com/poolsim/poolsim/fakepg/sqlparse"

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
	// advisorySub are the transaction-level holds taken while a savepoint
	// was open, in order; a savepoint's rollback releases those taken
	// since it began (subxact.advisory).
	advisorySub []advisoryGrant

	// Portals, if set, is the backend's namespace of protocol-level
	// portals, which cursors share.
	Portals ProtocolPortals
}

// sessionPlan is what the statements of session objects add to a plan.
type sessionPlan struct {
	cursor   *cursorPlan // DECLARE
	prepared *Plan       // PREPARE: the statement it prepares
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

// advisoryGrant is one transaction-level advisory hold.
type advisoryGrant struct {
	key  advisoryKey
	mode lockMask
}

// endTransactionObjects ends what ends with the session's transaction:
// its cursors (but the WITH HOLD ones a commit persisted) and its
// transaction-level advisory locks.
func (s *Session) endTransactionObjects() {
	s.dropTransactionCursors()
	if len(s.advisoryHeld) > 0 {
		s.db.releaseAdvisory(s, xactHold)
	}
	s.advisorySub = s.advisorySub[:0]
}

// abortSubObjects ends what ends with the rollback of the savepoint at
// level depth (len(Session.subs) inside it) and those inside it: the
// cursors declared in them and the transaction-level advisory holds taken
// since the advisory-th, newest first.
func (s *Session) abortSubObjects(depth, advisory int) {
	s.dropSubCursors(depth)
	for i := len(s.advisorySub) - 1; i >= advisory; i-- {
		g := s.advisorySub[i]
		s.db.unholdAdvisory(s, g.key, g.mode, xactHold)
	}
	if advisory < len(s.advisorySub) {
		s.advisorySub = s.advisorySub[:advisory]
	}
}

// releaseSubObjects hands what the savepoints above level depth own to
// level depth, when RELEASE ends them.
func (s *Session) releaseSubObjects(depth int) {
	s.releaseSubCursors(depth)
	if depth == 0 {
		s.advisorySub = s.advisorySub[:0] // only the transaction's end releases them now
	}
}

// closeObjects ends every session object when the session ends.
func (s *Session) closeObjects() {
	s.dropCursors(func(*cursor) bool { return true })
	s.db.releaseAdvisory(s, sessionHold, xactHold)
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
