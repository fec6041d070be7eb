package engine

import (
	"time"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// A statement's work on the database is one critical section: the
// database's mutex is taken once, when the statement starts executing, and
// released when its command is finished or aborted. Under the simulator
// every Lock and Unlock is a decision point, so a statement costs two of
// them (plus the waits of pg_sleep and row locks, which release the mutex
// through the condition variable). What only the session itself touches
// (its transaction block state, its settings, a transaction that holds no
// row lock yet) needs no lock at all.

// RunSimple runs stmt, one statement of a simple Query, as one critical
// section: the failed-block check, starting the command (and, when
// implicit, the implicit block of a multi-statement query string),
// planning, execution, and finishing or aborting the command as
// exec_simple_query does. last says stmt is the query string's last
// statement, whose command finishes (and ends the implicit block); the
// command of an earlier statement finishes only after transaction control.
//
// plan is a plan of stmt made earlier, or nil; a plan with parameters is
// not used, since a simple Query has none. RunSimple returns the plan it
// made, if it planned, so that the caller may keep it. On an error the
// command is already aborted; as with Execute, an error raised while a
// SELECT runs comes with the result so far.
func (s *Session) RunSimple(stmt sqlparse.Stmt, plan *Plan, implicit, last bool) (res *Result, planned *Plan, err *Error) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	defer s.sawCatalog()
	res, planned, err = s.runSimple(stmt, plan, implicit, last)
	if err != nil {
		s.abortCommand()
	}
	return res, planned, err
}

func (s *Session) runSimple(stmt sqlparse.Stmt, plan *Plan, implicit, last bool) (*Result, *Plan, *Error) {
	if s.block == blockAbort && !IsTransactionExit(stmt) {
		return nil, nil, FailedBlockError()
	}
	s.startCommand()
	s.startStatement()
	if implicit {
		s.beginImplicitBlock()
	}
	var planned *Plan
	if plan != nil && len(plan.ParamTypes) == 0 && !s.stale(plan) {
		// the cached plan's tables are locked as analysis locks them
		if err := s.lockPlan(plan, true); err != nil {
			return nil, nil, err
		}
	}
	if plan == nil || len(plan.ParamTypes) > 0 || s.stale(plan) {
		p, err := s.PrepareSimple(stmt)
		if err != nil {
			return nil, nil, err
		}
		plan, planned = p, p
	}
	if err := plan.PlanError(); err != nil {
		return nil, planned, err
	}
	res, err := s.execute(plan, nil)
	if err != nil {
		return res, planned, err
	}
	switch {
	case last:
		if implicit {
			s.endImplicitBlock()
		}
		s.finishCommand()
	case plan.TransactionControl:
		s.finishCommand()
	}
	return res, planned, nil
}

// Execute runs a plan with parameter values (already converted to the
// plan's ParamTypes), as one critical section, as an extended-protocol
// Execute does. It starts a transaction if none is open; statements other
// than COMMIT and ROLLBACK fail with 25P02 in a failed block. It may block
// on row locks and in pg_sleep. The command of a transaction-control
// statement is finished at once; other commands finish at FinishCommand
// (Sync). After an error the caller runs AbortCommand.
//
// An error raised while a SELECT runs comes with the result so far, as
// PostgreSQL streams a SELECT's rows: the row description and the rows
// produced before the error reach the client ahead of the error. (A
// statement with RETURNING runs to completion before sending anything.)
func (s *Session) Execute(p *Plan, params []Value) (*Result, *Error) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	defer s.sawCatalog()
	if s.block == blockAbort && !p.Exit() {
		return nil, FailedBlockError()
	}
	s.startCommand()
	s.startStatement()
	if err := s.lockPlan(p, false); err != nil {
		return nil, err
	}
	if s.stale(p) {
		np, err := s.revalidate(p)
		if err != nil {
			return nil, err
		}
		p = np
	}
	res, err := s.execute(p, params)
	if err == nil && p.TransactionControl {
		s.finishCommand()
	}
	return res, err
}

// execute runs a plan; the caller holds the database's mutex.
func (s *Session) execute(p *Plan, params []Value) (*Result, *Error) {
	if s.block == blockAbort && !p.Exit() {
		return nil, FailedBlockError()
	}
	s.startCommand()
	if err := s.checkTimestampSettings(p); err != nil {
		return nil, err
	}
	s.env = env{params: params, sess: s}
	en := &s.env
	res := newResult(p.Columns)
	var err error
	switch st := p.Stmt.(type) {
	case *sqlparse.CreateTableStmt:
		err = s.execCreateTable(st, res)
	case *sqlparse.DropTableStmt:
		err = s.execDropTable(st, res)
	case *sqlparse.SelectStmt:
		err = s.execSelect(p, en, res)
	case *sqlparse.InsertStmt:
		err = s.execInsert(p, en, res)
	case *sqlparse.UpdateStmt:
		err = s.execUpdate(p, en, res)
	case *sqlparse.DeleteStmt:
		err = s.execDelete(p, en, res)
	case *sqlparse.TransactionStmt:
		s.execTransaction(st, res)
	case *sqlparse.SetStmt:
		err = s.execSet(st, res)
	case *sqlparse.ShowStmt:
		_, v, e := s.gucs.show(st.Name)
		if e != nil {
			return nil, e
		}
		res.Rows, res.Tag = append(res.Rows, []Value{v}), plainTag("SHOW")
	case *sqlparse.ResetStmt:
		if e := s.gucs.reset(st.Name); e != nil {
			return nil, e
		}
		res.Tag = plainTag("RESET")
	}
	if err != nil {
		if _, streams := p.Stmt.(*sqlparse.SelectStmt); streams && res.Columns != nil {
			return res, asError(err)
		}
		return nil, asError(err)
	}
	return res, nil
}

// startStatement starts a statement's clock and clears a cancel that
// arrived before it: statement_timeout counts from here, through analysis
// (which may wait for relation locks) and execution.
func (s *Session) startStatement() {
	s.canceled = false
	s.deadline = time.Time{}
	if ms := s.timeout("statement_timeout"); ms > 0 {
		s.deadline = s.db.rt.Now().Add(ms)
	}
}
