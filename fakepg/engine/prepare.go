package engine

import (
	"fmt"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// PreparedStatement is a session's named prepared statement. SQL PREPARE
// and the protocol's Parse of a named statement make them, and both kinds
// share one namespace, as in PostgreSQL: EXECUTE runs a statement Parse
// prepared, Bind binds one PREPARE made, and DEALLOCATE and Close drop
// either. Prepared statements are not transactional: a rollback keeps
// those PREPARE made in the transaction.
type PreparedStatement struct {
	// Plan is the analysed statement; nil for an empty query string.
	Plan *Plan
	// ByPrepare says SQL PREPARE made it (not the protocol's Parse).
	ByPrepare bool
}

// Statement returns the named prepared statement name ("" is the unnamed
// statement, which is the backend's own).
func (s *Session) Statement(name string) (*PreparedStatement, bool) {
	ps, ok := s.statements[name]
	return ps, ok
}

// AddStatement stores a named prepared statement, or fails with 42P05
// when one of that name exists (StorePreparedStatement).
func (s *Session) AddStatement(name string, plan *Plan) (*PreparedStatement, *Error) {
	if _, ok := s.statements[name]; ok {
		return nil, errorf(DuplicatePreparedStatement, "prepared statement \"%s\" already exists", name)
	}
	if s.statements == nil {
		s.statements = map[string]*PreparedStatement{}
	}
	ps := &PreparedStatement{Plan: plan}
	s.statements[name] = ps
	return ps, nil
}

// DropStatement drops a named prepared statement, if it exists.
func (s *Session) DropStatement(name string) { delete(s.statements, name) }

// missingStatement is FetchPreparedStatement's error.
func missingStatement(name string) *Error {
	return errorf(InvalidSQLStatementName, "prepared statement \"%s\" does not exist", name)
}

// planPrepare analyses PREPARE: the parameter types, then the statement,
// whose analysis errors PREPARE reports. The statement is planned (and
// its constant folding fails) only when EXECUTE runs it.
func (s *Session) planPrepare(p *Plan, st *sqlparse.PrepareStmt) *Error {
	oids := make([]uint32, len(st.Types))
	for i, tr := range st.Types {
		t, ok := typeNames[tr.Name]
		if !ok {
			return errorf(UndefinedObject, "type \"%s\" does not exist", tr.Name).at(tr.P)
		}
		oids[i] = t.OID
	}
	inner, err := s.prepare(st.Query, newParamTypes(oids))
	if err != nil {
		return err
	}
	p.prepared = inner
	return nil
}

// execPrepare stores the statement PREPARE analysed.
func (s *Session) execPrepare(p *Plan, st *sqlparse.PrepareStmt, res *Result) error {
	ps, err := s.AddStatement(st.Name.Name, p.prepared)
	if err != nil {
		return err
	}
	ps.ByPrepare = true
	res.Tag = plainTag("PREPARE")
	return nil
}

// planExecute gives EXECUTE the result columns of its statement when the
// statement exists, as PostgreSQL describes an EXECUTE.
func (s *Session) planExecute(p *Plan, st *sqlparse.ExecuteStmt) {
	if ps, ok := s.statements[st.Name.Name]; ok && ps.Plan != nil {
		p.Columns = ps.Plan.Columns
	}
}

// execExecute runs EXECUTE as ExecuteQuery does: it finds the statement,
// evaluates the parameters (EvaluateParams), plans the statement and runs
// it. The result is the statement's, with its tag. Like a FETCH, it
// collects its rows before it sends any.
func (s *Session) execExecute(st *sqlparse.ExecuteStmt, res *Result) error {
	name := st.Name.Name
	ps, ok := s.statements[name]
	if !ok {
		return missingStatement(name)
	}
	inner := ps.Plan
	if inner == nil || !executable(inner.Stmt) {
		return newError(FeatureNotSupported, "poolsim does not support EXECUTE of a prepared statement other than SELECT, INSERT, UPDATE or DELETE")
	}
	// the cached plan's tables are locked, and the plan made again if the
	// catalog or the search path changed since (GetCachedPlan)
	if err := s.lockPlan(inner, false); err != nil {
		return err
	}
	if s.stale(inner) {
		np, err := s.revalidate(inner)
		if err != nil {
			return err
		}
		ps.Plan, inner = np, np
	}
	if len(st.Params) != len(inner.ParamTypes) {
		e := errorf(SyntaxError, "wrong number of parameters for prepared statement \"%s\"", name)
		e.Detail = fmt.Sprintf("Expected %d parameters but got %d.", len(inner.ParamTypes), len(st.Params))
		return e
	}
	params, err := s.evaluateParams(st.Params, inner.ParamTypes)
	if err != nil {
		return err
	}
	if err := inner.PlanError(); err != nil {
		return err
	}
	if err := s.checkReadOnly(inner); err != nil {
		return err // ExecutorStart's check, as for the statement itself
	}
	res.Columns = inner.Columns
	en := &env{params: params, sess: s, res: res}
	switch inner.Stmt.(type) {
	case *sqlparse.SelectStmt:
		err = s.execSelect(inner, en, res)
	case *sqlparse.InsertStmt:
		err = s.execInsert(inner, en, res)
	case *sqlparse.UpdateStmt:
		err = s.execUpdate(inner, en, res)
	case *sqlparse.DeleteStmt:
		err = s.execDelete(inner, en, res)
	}
	res.noticesFirst()
	return err
}

// executable reports whether EXECUTE can run a prepared stmt: the
// statements PREPARE accepts.
func executable(stmt sqlparse.Stmt) bool {
	switch stmt.(type) {
	case *sqlparse.SelectStmt, *sqlparse.InsertStmt, *sqlparse.UpdateStmt, *sqlparse.DeleteStmt:
		return true
	}
	return false
}

// evaluateParams compiles EXECUTE's parameter expressions, coerces each to
// its parameter's type as an assignment, and evaluates them. They cannot
// refer to columns or to parameters of their own.
func (s *Session) evaluateParams(exprs []sqlparse.Expr, types []Type) ([]Value, error) {
	sc := &scope{params: &paramTypes{none: true}, sess: s}
	en := &env{sess: s}
	out := make([]Value, len(exprs))
	for i, x := range exprs {
		c, err := sc.compile(x)
		if err != nil {
			return nil, err
		}
		from := c.typ
		cc, err := sc.coerce(c, types[i], castAssignment)
		if err != nil {
			return nil, err
		}
		if cc == nil {
			e := errorf(DatatypeMismatch, "parameter $%d of type %s cannot be coerced to the expected type %s", i+1, from.Name, types[i].Name).at(c.pos)
			e.Hint = "You will need to rewrite or cast the expression."
			return nil, e
		}
		v, verr := cc.eval(en)
		if verr != nil {
			return nil, verr
		}
		out[i] = v
	}
	return out, nil
}

// execDeallocate drops a prepared statement, or all of them.
func (s *Session) execDeallocate(st *sqlparse.DeallocateStmt, res *Result) error {
	if st.Name == nil {
		clear(s.statements)
		res.Tag = plainTag("DEALLOCATE ALL")
		return nil
	}
	if _, ok := s.statements[st.Name.Name]; !ok {
		return missingStatement(st.Name.Name)
	}
	delete(s.statements, st.Name.Name)
	res.Tag = plainTag("DEALLOCATE")
	return nil
}
