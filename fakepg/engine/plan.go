package engine

import (
	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// ResultColumn describes one column of a statement's result, as a
// RowDescription field.
type ResultColumn struct {
	Name     string
	TableOID uint32 // 0 unless the column is a plain table column
	AttNum   int16  // the column's number in its table, 1-based; 0 if none
	Type     Type
}

// Plan is an analysed statement: parameter types resolved, names bound,
// result columns known. Plans are what Parse/Describe report and what
// Execute runs.
type Plan struct {
	Stmt sqlparse.Stmt
	// ParamTypes are the statement's parameter types, inferred where the
	// client left them unspecified.
	ParamTypes []Type
	// Columns are the result columns; nil when the statement returns no
	// rows (no RowDescription is sent).
	Columns []ResultColumn
	// TransactionControl is set for BEGIN, START TRANSACTION, COMMIT, END,
	// ROLLBACK, ABORT, SAVEPOINT, RELEASE and ROLLBACK TO, after which the
	// command is finished at once.
	TransactionControl bool

	sc        *scope
	deferred  *Error // an error constant folding raised; see PlanError
	targets   []*cexpr
	where     *cexpr
	order     []orderKey
	limit     *cexpr
	locking   *sqlparse.Locking // the SELECT's locking clause; nil without
	aggregate bool

	insertCols []int
	rows       [][]*cexpr
	conflict   *conflictPlan
	sets       []setPlan

	sessionPlan
}

type orderKey struct {
	expr       *cexpr
	desc       bool
	nullsFirst bool // NULLS FIRST, the default for DESC
}

type setPlan struct {
	col  int
	expr *cexpr
}

type conflictPlan struct {
	doNothing bool
	sets      []setPlan
	where     *cexpr
}

// PlanError returns the error PostgreSQL raises when it plans the
// statement: constant folding of an expression that fails, like 1/0. The
// simple protocol plans right after analysis, so the error comes before
// any row description; the extended protocol plans at Bind.
func (p *Plan) PlanError() *Error {
	if p.sc.deferred != nil {
		return p.sc.deferred
	}
	return p.deferred
}

// foldInto folds c, recording a folding error as the plan's deferred
// error and keeping c unfolded.
func (p *Plan) foldInto(c *cexpr) *cexpr {
	out, err := fold(c, p.sc.sess)
	if err != nil {
		if p.deferred == nil {
			p.deferred = err
		}
		return c
	}
	return out
}

// Exit reports whether the statement may run in a failed transaction
// block (COMMIT, END, ROLLBACK, ABORT, ROLLBACK TO).
func (p *Plan) Exit() bool { return IsTransactionExit(p.Stmt) }

// IsTransactionExit reports whether stmt is COMMIT, END, ROLLBACK, ABORT
// or ROLLBACK TO: the statements a failed transaction block accepts.
func IsTransactionExit(stmt sqlparse.Stmt) bool {
	t, ok := stmt.(*sqlparse.TransactionStmt)
	return ok && (t.Kind == sqlparse.TxCommit || t.Kind == sqlparse.TxRollback || t.Kind == sqlparse.TxRollbackTo)
}

// FailedBlockError is the error for a statement other than COMMIT or
// ROLLBACK in a failed transaction block.
func FailedBlockError() *Error {
	return newError(InFailedTransaction, "current transaction is aborted, commands ignored until end of transaction block")
}

// Prepare analyses stmt (parse analysis): it resolves tables and columns,
// infers parameter types (paramOIDs, from Parse, may fix some; 0 means
// unspecified) and computes the result columns. Errors are PostgreSQL's,
// with positions.
func (s *Session) Prepare(stmt sqlparse.Stmt, paramOIDs []uint32) (*Plan, *Error) {
	return s.prepare(stmt, newParamTypes(paramOIDs))
}

// PrepareSimple analyses a statement of a simple Query, where no $n
// parameter exists ("there is no parameter $1").
func (s *Session) PrepareSimple(stmt sqlparse.Stmt) (*Plan, *Error) {
	return s.prepare(stmt, &paramTypes{none: true})
}

func (s *Session) prepare(stmt sqlparse.Stmt, params *paramTypes) (*Plan, *Error) {
	p := &Plan{Stmt: stmt, sc: &scope{params: params, sess: s}}
	var err *Error
	switch st := stmt.(type) {
	case *sqlparse.SelectStmt:
		err = s.planSelect(p, st)
	case *sqlparse.InsertStmt:
		err = s.planInsert(p, st)
	case *sqlparse.UpdateStmt:
		err = s.planUpdate(p, st)
	case *sqlparse.DeleteStmt:
		err = s.planDelete(p, st)
	case *sqlparse.TransactionStmt:
		p.TransactionControl = true
	case *sqlparse.ShowStmt:
		name, _, e := s.gucs.show(st.Name)
		if e != nil {
			return nil, e
		}
		p.Columns = []ResultColumn{{Name: name, Type: Text}}
	case *sqlparse.SetStmt, *sqlparse.ResetStmt, *sqlparse.SetTransactionStmt:
	case *sqlparse.DeclareStmt, *sqlparse.FetchStmt, *sqlparse.CloseStmt,
		*sqlparse.PrepareStmt, *sqlparse.ExecuteStmt, *sqlparse.DeallocateStmt:
		err = s.planSessionStmt(p, st)
	default:
		return nil, newError(FeatureNotSupported, "poolsim does not support this statement")
	}
	if err != nil {
		return nil, err
	}
	if p.ParamTypes, err = p.sc.params.final(); err != nil {
		return nil, err
	}
	return p, nil
}

// bindTable resolves a table reference into the plan's scope.
func (s *Session) bindTable(p *Plan, ref sqlparse.TableRef) *Error {
	t := s.db.table(ref.Name.Name)
	if t == nil {
		return errorf(UndefinedTable, "relation \"%s\" does not exist", ref.Name.Name).at(ref.Name.P)
	}
	p.sc.table, p.sc.alias = t, t.Name
	if ref.Alias != nil {
		p.sc.alias, p.sc.hasAlias = ref.Alias.Name, true
	}
	return nil
}

// planTargets compiles a select or RETURNING list.
func (p *Plan) planTargets(targets []sqlparse.Target) *Error {
	sc := p.sc
	for _, t := range targets {
		if t.Star {
			if sc.table == nil {
				return newError(SyntaxError, "SELECT * with no tables specified is not valid").at(t.P)
			}
			if t.Table != nil && t.Table.Name != sc.alias {
				return errorf(UndefinedTable, "missing FROM-clause entry for table \"%s\"", t.Table.Name).at(t.Table.P)
			}
			for _, col := range sc.table.Columns {
				c, err := sc.compile(&sqlparse.ColumnRef{Column: col.Name, P: t.P})
				if err != nil {
					return err
				}
				p.addTarget(c, col.Name)
			}
			continue
		}
		c, err := sc.compile(t.Expr)
		if err != nil {
			return err
		}
		if c.typ == Unknown {
			if c, err = sc.coerce(c, Text, castImplicit); err != nil {
				return err
			}
		}
		c = p.foldInto(c)
		name := c.name
		if t.Alias != nil {
			name = t.Alias.Name
		}
		p.addTarget(c, name)
	}
	return nil
}

func (p *Plan) addTarget(c *cexpr, name string) {
	rc := ResultColumn{Name: name, Type: c.typ}
	if c.col >= 0 && p.sc.table != nil {
		rc.TableOID, rc.AttNum = p.sc.table.OID, int16(c.col+1)
	}
	p.targets = append(p.targets, c)
	p.Columns = append(p.Columns, rc)
}

// planWhere compiles a WHERE condition.
func (p *Plan) planWhere(e sqlparse.Expr) *Error {
	if e == nil {
		return nil
	}
	c, err := p.sc.compile(e)
	if err != nil {
		return err
	}
	if c, err = p.sc.boolean(c, "WHERE"); err != nil {
		return err
	}
	p.where = p.foldInto(c)
	return nil
}

func (s *Session) planSelect(p *Plan, st *sqlparse.SelectStmt) *Error {
	if st.From != nil {
		if err := s.bindTable(p, *st.From); err != nil {
			return err
		}
	}
	if err := p.planTargets(st.Targets); err != nil {
		return err
	}
	if err := p.planWhere(st.Where); err != nil {
		return err
	}
	for _, c := range p.targets {
		if c.agg {
			p.aggregate = true
		}
	}
	if p.aggregate {
		for _, c := range p.targets {
			if !c.agg && c.col >= 0 {
				return errorf(GroupingError, "column \"%s.%s\" must appear in the GROUP BY clause or be used in an aggregate function",
					p.sc.alias, c.name).at(c.pos)
			}
		}
	}
	for _, o := range st.OrderBy {
		c, err := p.orderExpr(o.Expr)
		if err != nil {
			return err
		}
		nullsFirst := o.Nulls == sqlparse.NullsFirst || o.Nulls == sqlparse.NullsDefault && o.Desc
		p.order = append(p.order, orderKey{c, o.Desc, nullsFirst})
	}
	if st.Limit != nil {
		c, err := p.sc.compile(st.Limit)
		if err != nil {
			return err
		}
		if p.limit, err = p.sc.coerce(c, Int8, castAssignment); err != nil {
			return err
		}
		if p.limit == nil {
			return errorf(DatatypeMismatch, "argument of LIMIT must be type bigint, not type %s", c.typ.Name).at(c.pos)
		}
	}
	p.locking = st.Locking
	if p.locking != nil && p.aggregate {
		return errorf(FeatureNotSupported, "%s is not allowed with aggregate functions", p.locking.Strength)
	}
	return nil
}

// orderExpr compiles an ORDER BY item: an output column's name or number,
// or an expression over the table.
func (p *Plan) orderExpr(e sqlparse.Expr) (*cexpr, *Error) {
	if ref, ok := e.(*sqlparse.ColumnRef); ok && ref.Table == "" {
		for i, col := range p.Columns {
			if col.Name == ref.Column {
				return p.targets[i], nil
			}
		}
	}
	if k, ok := e.(*sqlparse.Const); ok && k.Kind == sqlparse.ConstInt {
		n := 0
		for _, ch := range k.Text {
			n = n*10 + int(ch-'0')
		}
		if n < 1 || n > len(p.targets) {
			return nil, errorf(InvalidColumnReference, "ORDER BY position %s is not in select list", k.Text).at(k.P)
		}
		return p.targets[n-1], nil
	}
	return p.sc.compile(e)
}

func (s *Session) planInsert(p *Plan, st *sqlparse.InsertStmt) *Error {
	if err := s.bindTable(p, st.Table); err != nil {
		return err
	}
	t := p.sc.table
	if len(st.Rows) == 0 {
		return newError(FeatureNotSupported, "poolsim does not support INSERT without VALUES")
	}
	for _, row := range st.Rows[1:] {
		if len(row) != len(st.Rows[0]) {
			pos := 0
			if len(row) > 0 {
				pos = row[0].Pos()
			}
			return newError(SyntaxError, "VALUES lists must all be the same length").at(pos)
		}
	}
	if len(st.Columns) == 0 {
		// without a column list the values fill the first columns
		for i := range min(len(st.Rows[0]), len(t.Columns)) {
			p.insertCols = append(p.insertCols, i)
		}
	}
	for _, id := range st.Columns {
		i := t.column(id.Name)
		if i < 0 {
			return errorf(UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", id.Name, t.Name).at(id.P)
		}
		for _, j := range p.insertCols {
			if j == i {
				return errorf("42701", "column \"%s\" specified more than once", id.Name).at(id.P)
			}
		}
		p.insertCols = append(p.insertCols, i)
	}
	for _, row := range st.Rows {
		if len(row) > len(p.insertCols) {
			return newError(SyntaxError, "INSERT has more expressions than target columns").at(row[len(p.insertCols)].Pos())
		}
		if len(row) < len(p.insertCols) {
			pos := 0
			if len(st.Columns) > len(row) {
				pos = st.Columns[len(row)].P
			}
			return newError(SyntaxError, "INSERT has more target columns than expressions").at(pos)
		}
		var vals []*cexpr
		for i, e := range row {
			c, err := p.sc.compile(e)
			if err != nil {
				return err
			}
			if c, err = p.sc.assign(c, t.Columns[p.insertCols[i]]); err != nil {
				return err
			}
			vals = append(vals, c)
		}
		p.rows = append(p.rows, vals)
	}
	if oc := st.OnConflict; oc != nil {
		if err := p.planConflict(oc); err != nil {
			return err
		}
	}
	return p.planTargets(st.Returning)
}

func (p *Plan) planConflict(oc *sqlparse.OnConflict) *Error {
	t := p.sc.table
	if len(oc.Columns) == 0 && !oc.DoNothing {
		e := newError(SyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name").at(oc.P)
		e.Hint = "For example, ON CONFLICT (column_name)."
		return e
	}
	if len(oc.Columns) > 0 && (len(oc.Columns) != 1 || t.column(oc.Columns[0].Name) != 0) {
		for _, id := range oc.Columns {
			if t.column(id.Name) < 0 {
				return errorf(UndefinedColumn, "column \"%s\" does not exist", id.Name).at(id.P)
			}
		}
		return newError(InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
	}
	p.conflict = &conflictPlan{doNothing: oc.DoNothing}
	p.sc.excluded = true
	sets, err := p.planSets(oc.Set)
	if err != nil {
		return err
	}
	p.conflict.sets = sets
	if oc.Where != nil {
		c, err := p.sc.compile(oc.Where)
		if err != nil {
			return err
		}
		if p.conflict.where, err = p.sc.boolean(c, "WHERE"); err != nil {
			return err
		}
	}
	p.sc.excluded = false
	return nil
}

// planSets compiles SET col = expr clauses.
func (p *Plan) planSets(sets []sqlparse.SetClause) ([]setPlan, *Error) {
	t := p.sc.table
	var out []setPlan
	for _, set := range sets {
		i := t.column(set.Column.Name)
		if i < 0 {
			return nil, errorf(UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", set.Column.Name, t.Name).at(set.Column.P)
		}
		if i == 0 {
			return nil, errorf(FeatureNotSupported, "poolsim does not support updating the primary key column \"%s\"", set.Column.Name).at(set.Column.P)
		}
		c, err := p.sc.compile(set.Value)
		if err != nil {
			return nil, err
		}
		if c, err = p.sc.assign(c, t.Columns[i]); err != nil {
			return nil, err
		}
		out = append(out, setPlan{i, c})
	}
	return out, nil
}

func (s *Session) planUpdate(p *Plan, st *sqlparse.UpdateStmt) *Error {
	if err := s.bindTable(p, st.Table); err != nil {
		return err
	}
	sets, err := p.planSets(st.Set)
	if err != nil {
		return err
	}
	p.sets = sets
	if err := p.planWhere(st.Where); err != nil {
		return err
	}
	return p.planTargets(st.Returning)
}

func (s *Session) planDelete(p *Plan, st *sqlparse.DeleteStmt) *Error {
	if err := s.bindTable(p, st.Table); err != nil {
		return err
	}
	if err := p.planWhere(st.Where); err != nil {
		return err
	}
	return p.planTargets(st.Returning)
}
