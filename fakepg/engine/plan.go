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
	// TypeMod is the column's type modifier (varchar(n)'s n+4) when it
	// has one, else 0; see Modifier.
	TypeMod int32
}

// Modifier returns the type modifier RowDescription reports: TypeMod, or
// -1 when there is none.
func (c ResultColumn) Modifier() int32 {
	if c.TypeMod == 0 {
		return -1
	}
	return c.TypeMod
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
	// ROLLBACK and ABORT, after which the command is finished at once.
	TransactionControl bool

	sc        *scope
	deferred  *Error // an error constant folding raised; see PlanError
	targets   []*cexpr
	where     *cexpr
	order     []orderKey
	limit     *cexpr
	forUpdate bool
	aggregate bool

	insertCols []int
	rows       [][]*cexpr // per VALUES row, an expression per table column (nil: NULL)
	conflict   *conflictPlan
	sets       []setPlan

	joinOn  []*cexpr   // per FROM item after the first, its ON condition (or nil)
	locks   []planLock // the relation locks the statement takes
	version int64      // the catalog version the plan was made at
	path    string     // the search_path it resolved names along
	// pathDependent marks a plan that resolved a name at planning time
	// outside FROM (a regclass literal).
	pathDependent bool
	// usesTimestamp marks a statement that reads or makes timestamp with
	// time zone values (see utcISO).
	usesTimestamp bool
}

// planLock is a relation lock a statement takes, with the position of
// the table's name for errors while waiting for it.
type planLock struct {
	table *Table
	mode  lockMode
	pos   int
}

type orderKey struct {
	expr *cexpr
	desc bool
}

type setPlan struct {
	col  int
	expr *cexpr
}

type conflictPlan struct {
	doNothing bool
	sets      []setPlan
	where     *cexpr
	// arbiter is the unique index a DO NOTHING names (nil: the primary
	// key, or any index when no target is given); anyIndex is set
	// without a target.
	arbiter  *index
	anyIndex bool
}

// PlanError returns the error PostgreSQL raises when it plans the
// statement: constant folding of an expression that fails, like 1/0. The
// simple protocol plans right after analysis, so the error comes before
// any row description; the extended protocol plans at Bind.
func (p *Plan) PlanError() *Error { return p.deferred }

// foldInto folds c, recording a folding error as the plan's deferred
// error and keeping c unfolded.
func (p *Plan) foldInto(c *cexpr) *cexpr {
	out, err := fold(c)
	if err != nil {
		if p.deferred == nil {
			p.deferred = err
		}
		return c
	}
	return out
}

// Exit reports whether the statement may run in a failed transaction
// block (COMMIT, END, ROLLBACK, ABORT).
func (p *Plan) Exit() bool { return IsTransactionExit(p.Stmt) }

// IsTransactionExit reports whether stmt is COMMIT, END, ROLLBACK or
// ABORT: the statements a failed transaction block accepts.
func IsTransactionExit(stmt sqlparse.Stmt) bool {
	t, ok := stmt.(*sqlparse.TransactionStmt)
	return ok && (t.Kind == sqlparse.TxCommit || t.Kind == sqlparse.TxRollback)
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
//
// Analysis reads the shared catalog and takes the statement's relation
// locks, waiting if need be, so it is a critical section of its own.
func (s *Session) Prepare(stmt sqlparse.Stmt, paramOIDs []uint32) (*Plan, *Error) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	s.startStatement()
	return s.prepare(stmt, newParamTypes(paramOIDs))
}

// PrepareSimple analyses a statement of a simple Query, where no $n
// parameter exists ("there is no parameter $1").
func (s *Session) PrepareSimple(stmt sqlparse.Stmt) (*Plan, *Error) {
	return s.prepare(stmt, &paramTypes{none: true})
}

func (s *Session) prepare(stmt sqlparse.Stmt, params *paramTypes) (*Plan, *Error) {
	p := &Plan{Stmt: stmt, sc: &scope{params: params, sess: s}, version: s.db.catalogVersion,
		path: s.gucs.vals["search_path"]}
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
	case *sqlparse.SetStmt, *sqlparse.ResetStmt, *sqlparse.CreateTableStmt, *sqlparse.DropTableStmt:
	default:
		return nil, newError(FeatureNotSupported, "poolsim does not support this statement")
	}
	if err != nil {
		return nil, err
	}
	if p.ParamTypes, err = p.sc.params.final(); err != nil {
		return nil, err
	}
	p.usesTimestamp, p.pathDependent = p.sc.usesTimestamp, p.sc.pathDependent
	if err := s.checkTimestampSettings(p); err != nil {
		return nil, err
	}
	return p, nil
}

// bindTable resolves a table reference, takes its relation lock (waiting
// if need be, and looking the name up again after a wait, since the table
// may have been dropped meanwhile) and adds it to the plan's scope.
func (s *Session) bindTable(p *Plan, ref sqlparse.TableRef, mode lockMode) (*scopeRel, *Error) {
	schema := ""
	if ref.Schema != nil {
		schema = ref.Schema.Name
	}
	var t *Table
	for {
		var err *Error
		if t, err = s.lookupTable(schema, ref.Name.Name); err != nil {
			return nil, err.at(ref.Pos())
		}
		if err := s.db.lockRelation(s.tx, t, mode); err != nil {
			if err.Position == 0 {
				err.at(ref.Pos())
			}
			return nil, err
		}
		if t.dropped == nil {
			break
		}
	}
	sc := p.sc
	r := &scopeRel{table: t, alias: t.Name, offset: sc.width()}
	if ref.Alias != nil {
		r.alias, r.hasAlias = ref.Alias.Name, true
	}
	for _, o := range sc.rels {
		if o.alias == r.alias {
			return nil, errorf("42712", "table name \"%s\" specified more than once", r.alias)
		}
	}
	sc.rels = append(sc.rels, r)
	if len(sc.rels) == 1 {
		sc.table, sc.alias, sc.hasAlias = t, r.alias, r.hasAlias
	}
	p.locks = append(p.locks, planLock{t, mode, ref.Pos()})
	return r, nil
}

// bindTarget binds the table INSERT, UPDATE or DELETE writes.
func (s *Session) bindTarget(p *Plan, ref sqlparse.TableRef) *Error {
	r, err := s.bindTable(p, ref, rowExclusiveLock)
	if err != nil {
		return err
	}
	if r.table.system != nil {
		return errorf(FeatureNotSupported, "poolsim does not support modifying the system catalog %s", r.table.Name).at(ref.Pos())
	}
	return nil
}

// planTargets compiles a select or RETURNING list.
func (p *Plan) planTargets(targets []sqlparse.Target) *Error {
	sc := p.sc
	for _, t := range targets {
		if t.Star {
			if len(sc.rels) == 0 {
				return newError(SyntaxError, "SELECT * with no tables specified is not valid").at(t.P)
			}
			rels := sc.rels
			if t.Table != nil {
				r, err := sc.findRel(t.Table.Name, t.Table.P)
				if err != nil {
					return err
				}
				rels = []*scopeRel{r}
			}
			for _, r := range rels {
				for _, col := range r.table.Columns {
					c, err := sc.compile(&sqlparse.ColumnRef{Table: r.alias, Column: col.Name, P: t.P})
					if err != nil {
						return err
					}
					p.addTarget(c, col.Name)
				}
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
	rc := ResultColumn{Name: name, Type: c.typ, TypeMod: c.mod}
	if c.col >= 0 {
		if r, i := p.sc.relOf(c.col); r != nil {
			rc.TableOID, rc.AttNum = r.table.OID, int16(i+1)
		}
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
	mode := accessShareLock
	if st.ForUpdate {
		mode = rowShareLock
	}
	if st.From != nil {
		if _, err := s.bindTable(p, *st.From, mode); err != nil {
			return err
		}
		if err := s.planJoins(p, st.Joins, mode); err != nil {
			return err
		}
	}
	if err := p.planTargets(st.Targets); err != nil {
		return err
	}
	if p.Columns == nil {
		p.Columns = []ResultColumn{} // a table without columns: an empty row description
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
				r, _ := p.sc.relOf(c.col)
				return errorf(GroupingError, "column \"%s.%s\" must appear in the GROUP BY clause or be used in an aggregate function",
					r.alias, c.name).at(c.pos)
			}
		}
	}
	for _, o := range st.OrderBy {
		c, err := p.orderExpr(o.Expr)
		if err != nil {
			return err
		}
		p.order = append(p.order, orderKey{c, o.Desc})
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
	p.forUpdate = st.ForUpdate
	if p.forUpdate && (p.aggregate || st.From == nil) {
		return newError(FeatureNotSupported, "FOR UPDATE is not allowed with aggregate functions")
	}
	if p.forUpdate && (len(p.sc.rels) > 1 || p.sc.table.system != nil) {
		return newError(FeatureNotSupported, "poolsim does not support FOR UPDATE with joins or on system catalogs")
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
	if err := s.bindTarget(p, st.Table); err != nil {
		return err
	}
	t := p.sc.table
	if st.Rows == nil { // DEFAULT VALUES
		p.rows = [][]*cexpr{p.defaultRow(nil)}
		return p.planInsertTail(st)
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
		vals := make([]*cexpr, len(t.Columns))
		given := make([]bool, len(t.Columns))
		for i, e := range row {
			col := p.insertCols[i]
			given[col] = true
			if _, ok := e.(*sqlparse.Default); ok {
				vals[col] = p.foldDefault(t.Columns[col])
				continue
			}
			c, err := p.sc.compile(e)
			if err != nil {
				return err
			}
			if c, err = p.sc.assign(c, t.Columns[col]); err != nil {
				return err
			}
			vals[col] = p.foldInto(c)
		}
		p.rows = append(p.rows, p.defaultRow(vals, given...))
	}
	return p.planInsertTail(st)
}

// planInsertTail plans what follows INSERT's rows: ON CONFLICT and
// RETURNING.
func (p *Plan) planInsertTail(st *sqlparse.InsertStmt) *Error {
	if oc := st.OnConflict; oc != nil {
		if err := p.planConflict(oc); err != nil {
			return err
		}
	}
	return p.planTargets(st.Returning)
}

// defaultRow fills the columns of an INSERT row that the statement does
// not give (given[i] false, or given empty for none) with the columns'
// defaults.
func (p *Plan) defaultRow(vals []*cexpr, given ...bool) []*cexpr {
	t := p.sc.table
	if vals == nil {
		vals = make([]*cexpr, len(t.Columns))
	}
	for i := range t.Columns {
		if len(given) == 0 || !given[i] {
			vals[i] = p.foldDefault(t.Columns[i])
		}
	}
	return vals
}

// foldDefault is a column's default as an INSERT evaluates it: constant
// folded at plan time (its errors come before any row is written), or
// nil for NULL.
func (p *Plan) foldDefault(col Column) *cexpr {
	if col.Default == nil {
		return nil
	}
	if col.Type == Timestamptz {
		p.sc.usesTimestamp = true
	}
	return p.foldInto(col.Default)
}

func (p *Plan) planConflict(oc *sqlparse.OnConflict) *Error {
	t := p.sc.table
	if len(oc.Columns) == 0 && !oc.DoNothing {
		e := newError(SyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name").at(oc.P)
		e.Hint = "For example, ON CONFLICT (column_name)."
		return e
	}
	p.conflict = &conflictPlan{doNothing: oc.DoNothing, anyIndex: len(oc.Columns) == 0}
	if len(oc.Columns) > 0 {
		var cols []int
		for _, id := range oc.Columns {
			i := t.column(id.Name)
			if i < 0 {
				return errorf(UndefinedColumn, "column \"%s\" does not exist", id.Name).at(id.P)
			}
			cols = append(cols, i)
		}
		ix := t.inferIndex(cols)
		switch {
		case ix == nil:
			return newError(InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
		case !ix.primary && !oc.DoNothing:
			return errorf(FeatureNotSupported, "poolsim does not support ON CONFLICT DO UPDATE on the unique constraint %s", ix.name)
		case !ix.primary:
			p.conflict.arbiter = ix
		}
	}
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
		if t.inPrimaryKey(i) {
			return nil, errorf(FeatureNotSupported, "poolsim does not support updating the primary key column \"%s\"", set.Column.Name).at(set.Column.P)
		}
		if _, ok := set.Value.(*sqlparse.Default); ok {
			d := p.foldDefault(t.Columns[i])
			if d == nil {
				d = &cexpr{typ: t.Columns[i].Type, col: -1, eval: func(*env) (Value, error) { return nil, nil }}
			}
			out = append(out, setPlan{i, d})
			continue
		}
		c, err := p.sc.compile(set.Value)
		if err != nil {
			return nil, err
		}
		if c, err = p.sc.assign(c, t.Columns[i]); err != nil {
			return nil, err
		}
		out = append(out, setPlan{i, p.foldInto(c)})
	}
	return out, nil
}

func (s *Session) planUpdate(p *Plan, st *sqlparse.UpdateStmt) *Error {
	if err := s.bindTarget(p, st.Table); err != nil {
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
	if err := s.bindTarget(p, st.Table); err != nil {
		return err
	}
	if err := p.planWhere(st.Where); err != nil {
		return err
	}
	return p.planTargets(st.Returning)
}

// lockPlan takes the relation locks of a plan made earlier, as
// PostgreSQL's executor does for a cached plan; withPos gives errors
// while waiting the table's position, as analysis reports them.
func (s *Session) lockPlan(p *Plan, withPos bool) *Error {
	for _, l := range p.locks {
		if err := s.db.lockRelation(s.tx, l.table, l.mode); err != nil {
			if withPos && err.Position == 0 {
				err.at(l.pos)
			}
			return err
		}
	}
	return nil
}

// revalidate analyses a plan's statement again after the catalog
// changed, with the parameter types it has, as PostgreSQL's plan cache
// does; a statement whose result columns would change fails with 0A000.
func (s *Session) revalidate(p *Plan) (*Plan, *Error) {
	oids := make([]uint32, len(p.ParamTypes))
	for i, t := range p.ParamTypes {
		oids[i] = t.OID
	}
	np, err := s.prepare(p.Stmt, newParamTypes(oids))
	if err != nil {
		return nil, err
	}
	same := len(np.Columns) == len(p.Columns) && (np.Columns == nil) == (p.Columns == nil)
	for i := 0; same && i < len(np.Columns); i++ {
		a, b := np.Columns[i], p.Columns[i]
		same = a.Type == b.Type && a.TypeMod == b.TypeMod
	}
	if !same {
		return nil, newError(FeatureNotSupported, "cached plan must not change result type")
	}
	if err := np.PlanError(); err != nil {
		return nil, err
	}
	return np, nil
}

// sawCatalog records the catalog version the session has seen; the
// caller holds the database's mutex.
func (s *Session) sawCatalog() { s.seenVersion = s.db.catalogVersion }

// Revalidate returns the plan a Bind of a prepared statement uses: p, or
// p analysed again when the catalog changed since it was made (with
// PostgreSQL's errors, "cached plan must not change result type" among
// them), as PostgreSQL's plan cache revalidates at Bind. It takes the
// database's mutex only when the session has seen the catalog change (its
// own DDL, or any statement after another session's); a change the
// session has not seen yet is caught when the portal executes.
func (s *Session) Revalidate(p *Plan) (*Plan, *Error) {
	if p == nil || len(p.locks) == 0 && !p.pathDependent || p.version == s.seenVersion && !s.pathChanged(p) {
		return p, nil
	}
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	defer s.sawCatalog()
	if !s.stale(p) {
		return p, nil
	}
	if err := s.lockPlan(p, false); err != nil {
		return nil, err
	}
	return s.revalidate(p)
}

// stale reports whether a plan must be made again before it runs: the
// catalog changed since, or (for a statement that names tables) the search
// path did, as PostgreSQL's plan cache checks. The caller holds the
// database's mutex.
func (s *Session) stale(p *Plan) bool {
	return p.version != s.db.catalogVersion || s.pathChanged(p)
}

// pathChanged reports whether a plan that names tables was made under
// another search_path.
func (s *Session) pathChanged(p *Plan) bool {
	return (len(p.locks) > 0 || p.pathDependent) && p.path != s.gucs.vals["search_path"]
}
