package engine

import (
	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// A cursor is an SQL cursor (DECLARE): a SELECT whose rows FETCH and MOVE
// step through. As in PostgreSQL its query reads with the snapshot of the
// DECLARE statement (under REPEATABLE READ the transaction's), kept until
// the cursor ends: the rows it can return are those visible then (rows
// committed later, and later changes of its own transaction, are not
// seen). Its FROM clause's rows are taken at DECLARE, since the snapshot
// shows the transaction's own changes as they are when looked at (a row
// keeps only its latest uncommitted version), while PostgreSQL's also
// hides the changes of commands after DECLARE. The rest of the query runs
// lazily, in the stages execSelect runs (see selectSource): the WHERE and
// the select list of a row are evaluated (and fail, and a locking
// clause's row lock is taken, waiting or not as it says) at the FETCH
// that reaches it, with the cursor's snapshot as the active one. With
// ORDER BY or an aggregate, the first FETCH filters and sorts or
// aggregates every row, as PostgreSQL's Sort and Agg nodes do on their
// first call.
//
// A cursor without WITH HOLD ends with its transaction. A WITH HOLD
// cursor's remaining rows are computed when its transaction commits
// (PersistHoldablePortal); an error then fails the COMMIT and rolls the
// transaction back. Rolling back the declaring transaction drops it, and
// rolling back to a savepoint drops the cursors declared since
// (AtSubAbort_Portals); RELEASE hands them to the enclosing level. A
// FETCH or MOVE that fails leaves its cursor failed: it can only be
// closed (PortalRunFetch marks the portal failed), which shows when the
// cursor outlives the error, declared before a savepoint rolled back to
// or held from an earlier transaction.
//
// Only forward movement is implemented: a cursor declared SCROLL is
// refused, backward movement of a NO SCROLL cursor fails as PostgreSQL's
// does ("cursor can only scan forward"), and backward movement of a
// cursor declared without either is refused, since PostgreSQL lets it
// scroll when the plan can.
type cursor struct {
	name     string
	plan     *Plan // the SELECT
	params   []Value
	binary   bool
	noScroll bool
	hold     bool
	// txn is the transaction that declared the cursor; nil once a WITH
	// HOLD cursor has been persisted by its commit. depth is the savepoint
	// level it belongs to (len(Session.subs) at DECLARE, lowered by
	// RELEASE); 0 is the transaction's own.
	txn   *Txn
	depth int
	// snap is the snapshot the query reads with, held (DB.keepSnapshot)
	// while txn is set.
	snap *Snapshot
	// failed is set once a FETCH, MOVE or Execute of the cursor failed.
	failed bool

	// PostgreSQL's portal position: atStart until a row was fetched,
	// atEnd once a fetch came up short.
	atStart, atEnd bool

	// The executor state while txn is set: the rows the FROM clause
	// produced (filtered and sorted by start for ORDER BY), the next one
	// to look at, and the rows returned so far (for LIMIT). A join's rows
	// are joined as they are reached (join), or all at once by start for
	// ORDER BY or an aggregate.
	started bool
	rows    []scanned
	join    *joinIter
	next    int
	emitted int64
	limit   int64 // -1 without LIMIT
	aggRow  []Value

	// held are the remaining rows of a persisted WITH HOLD cursor.
	held [][]Value
}

// HasCursor reports whether the session has an open SQL cursor named
// name. Protocol-level portals share cursors' names (42P03 "cursor ...
// already exists").
func (s *Session) HasCursor(name string) bool { return s.cursor(name) != nil }

// cursor returns the open cursor named name, or nil.
func (s *Session) cursor(name string) *cursor {
	for _, c := range s.cursors {
		if c.name == name {
			return c
		}
	}
	return nil
}

// cursorPlan is what DECLARE adds to its plan.
type cursorPlan struct {
	query   *Plan
	options sqlparse.CursorOptions
}

// binaryFaithful are the types whose binary output format the engine
// writes as PostgreSQL does; a BINARY cursor over other types is refused.
var binaryFaithful = []Type{Bool, Int8, Int4, Int2, Text, Float8, Numeric, Timestamptz, Void, Varchar, Name, Char, Oid, Regclass}

// planDeclare analyses DECLARE as transformDeclareCursorStmt does: the
// options first, then the query, then the combinations of a locking
// clause with the options.
func (s *Session) planDeclare(p *Plan, st *sqlparse.DeclareStmt, params *paramTypes) *Error {
	o := st.Options
	if o&sqlparse.CursorScroll != 0 && o&sqlparse.CursorNoScroll != 0 {
		return newError(codeInvalidCursorDefinition, "cannot specify both SCROLL and NO SCROLL")
	}
	if o&sqlparse.CursorAsensitive != 0 && o&sqlparse.CursorInsensitive != 0 {
		return newError(codeInvalidCursorDefinition, "cannot specify both ASENSITIVE and INSENSITIVE")
	}
	q := &Plan{Stmt: st.Query, sc: &scope{params: params, sess: s}, version: p.version, path: p.path}
	if err := s.planSelect(q, st.Query); err != nil {
		return err
	}
	// the DECLARE depends on what its query depends on (see stale)
	p.locks, p.sc.pathDependent = q.locks, q.sc.pathDependent
	if lock := q.lockingClause(); lock != "" {
		switch {
		case o&sqlparse.CursorHold != 0:
			e := errorf(FeatureNotSupported, "DECLARE CURSOR WITH HOLD ... %s is not supported", lock)
			e.Detail = "Holdable cursors must be READ ONLY."
			return e
		case o&sqlparse.CursorScroll != 0:
			e := errorf(FeatureNotSupported, "DECLARE SCROLL CURSOR ... %s is not supported", lock)
			e.Detail = "Scrollable cursors must be READ ONLY."
			return e
		case o&sqlparse.CursorInsensitive != 0:
			e := errorf(codeInvalidCursorDefinition, "DECLARE INSENSITIVE CURSOR ... %s is not valid", lock)
			e.Detail = "Insensitive cursors must be READ ONLY."
			return e
		}
	}
	if o&sqlparse.CursorScroll != 0 {
		return newError(FeatureNotSupported, "poolsim does not support SCROLL cursors")
	}
	if o&sqlparse.CursorHold != 0 && o&sqlparse.CursorNoScroll == 0 && callsVolatile(st.Query) {
		// PostgreSQL persists such a cursor by running its query again
		// from the start when the plan can scroll, which re-evaluates the
		// rows already fetched.
		return newError(FeatureNotSupported,
			"poolsim does not support volatile functions in a WITH HOLD cursor not declared NO SCROLL")
	}
	if o&sqlparse.CursorBinary != 0 {
		for _, c := range q.Columns {
			if !typeIn(c.Type, binaryFaithful) {
				return errorf(FeatureNotSupported, "poolsim does not support BINARY cursors returning type %s", c.Type.Name)
			}
		}
	}
	p.cursor = &cursorPlan{query: q, options: o}
	return nil
}

// lockingClause names the plan's locking clause as PostgreSQL's error
// messages do, or returns "" when there is none or, without a table, it
// locks nothing (PostgreSQL keeps no row marks then).
func (p *Plan) lockingClause() string {
	if p.locking == nil || p.sc.table == nil {
		return ""
	}
	return p.locking.Strength.String()
}

func typeIn(t Type, types []Type) bool {
	for _, u := range types {
		if u == t {
			return true
		}
	}
	return false
}

// execDeclare opens a cursor (PerformCursorOpen): it checks the
// transaction block, plans the query (its constant folding may fail),
// creates the portal (the name must be free), and starts the executor
// (ExecutorStart refuses a locking clause in a read-only transaction),
// keeping the statement's snapshot and the FROM clause's rows, and
// leaving the rest of the query to the FETCHes.
func (s *Session) execDeclare(p *Plan, st *sqlparse.DeclareStmt, params []Value, res *Result) error {
	cp := p.cursor
	hold := cp.options&sqlparse.CursorHold != 0
	if !hold && s.block == blockStarted {
		return newError(NoActiveTransaction, "DECLARE CURSOR can only be used in transaction blocks")
	}
	if err := cp.query.PlanError(); err != nil {
		return err
	}
	if s.HasCursor(st.Name.Name) || s.hasProtocolPortal(st.Name.Name) {
		return errorf(DuplicateCursor, "cursor \"%s\" already exists", st.Name.Name)
	}
	if err := s.checkReadOnly(cp.query); err != nil {
		return err
	}
	c := &cursor{
		name: st.Name.Name, plan: cp.query, params: params, txn: s.tx, depth: len(s.subs),
		binary:   cp.options&sqlparse.CursorBinary != 0,
		noScroll: cp.options&sqlparse.CursorNoScroll != 0,
		hold:     hold, atStart: true, limit: -1,
		snap: s.db.keepSnapshot(s.snap),
	}
	if len(cp.query.sc.rels) > 1 {
		c.join = s.newJoinIter(cp.query, s.snap)
	} else {
		c.rows, _ = s.selectSource(cp.query, nil, s.snap, nil) // only a join's source evaluates
	}
	s.cursors = append(s.cursors, c)
	res.Tag = plainTag("DECLARE CURSOR")
	return nil
}

// release ends the cursor's hold on its snapshot and rows.
func (c *cursor) release(db *DB) {
	if c.snap != nil {
		db.releaseSnapshot(c.snap)
		c.snap = nil
	}
	c.rows, c.join, c.aggRow = nil, nil, nil
}

// cursorReads reports whether an open cursor of the session reads t: its
// query keeps the table open (CheckTableNotInUse refuses to drop it) until
// it is closed, unless it failed or a commit persisted its rows.
func (s *Session) cursorReads(t *Table) bool {
	for _, c := range s.cursors {
		if c.txn == nil || c.failed {
			continue
		}
		for _, r := range c.plan.sc.rels {
			if r.table == t {
				return true
			}
		}
	}
	return false
}

// errCannotRun is MarkPortalActive's error for a failed cursor.
func errCannotRun(name string) *Error {
	return errorf(codeObjectNotInPrerequisiteState, "portal \"%s\" cannot be run", name)
}

// failOn marks c failed when err, an error of a FETCH, MOVE or Execute of
// it, is one PostgreSQL raises there (a form the engine refuses is not).
func (c *cursor) failOn(err error) {
	if e, ok := err.(*Error); err != nil && (!ok || e.Code != FeatureNotSupported) {
		c.failed = true
	}
}

// planFetch gives FETCH the cursor's result columns when the cursor
// exists, as PostgreSQL describes a FETCH; MOVE returns no rows.
func (s *Session) planFetch(p *Plan, st *sqlparse.FetchStmt) {
	if c := s.cursor(st.Cursor.Name); c != nil && !st.Move {
		p.Columns = c.plan.Columns
	}
}

// execFetch runs FETCH or MOVE as PortalRunFetch does, for the forward
// movements.
func (s *Session) execFetch(st *sqlparse.FetchStmt, res *Result) error {
	c := s.cursor(st.Cursor.Name)
	if c == nil {
		if s.hasProtocolPortal(st.Cursor.Name) {
			return newError(FeatureNotSupported, "poolsim does not support FETCH or MOVE on a protocol-level portal")
		}
		return errorf(InvalidCursorName, "cursor \"%s\" does not exist", st.Cursor.Name)
	}
	if c.failed {
		return errCannotRun(c.name)
	}
	err := s.runFetch(c, st, res)
	c.failOn(err)
	return err
}

// runFetch moves c as FETCH or MOVE st says.
func (s *Session) runFetch(c *cursor, st *sqlparse.FetchStmt, res *Result) error {
	verb := "FETCH"
	if st.Move {
		verb = "MOVE"
	} else {
		res.Columns, res.Binary = c.plan.Columns, c.binary
	}
	if st.Direction == sqlparse.FetchAbsolute || st.Direction == sqlparse.FetchRelative {
		return newError(FeatureNotSupported, "poolsim does not support FETCH and MOVE by position (ABSOLUTE, RELATIVE, FIRST, LAST)")
	}
	forward, count := st.Direction == sqlparse.FetchForward, st.Count
	if count < 0 {
		forward, count = !forward, -count
	}
	if count == 0 {
		// Zero re-fetches the current row, if the cursor sits on one.
		onRow := !c.atStart && !c.atEnd
		switch {
		case st.Move:
			res.Tag = countTag(verb, map[bool]int{true: 1, false: 0}[onRow])
			return nil
		case onRow:
			return c.backward() // back one row, then forward one
		case !forward:
			if err := c.backward(); err != nil {
				return err
			}
		}
		res.Tag = countTag(verb, 0)
		return nil
	}
	if !forward {
		return c.backward()
	}
	n, err := s.fetchForward(c, count, !st.Move, res)
	if err != nil {
		return err
	}
	res.Tag = countTag(verb, n)
	return nil
}

// backward fails a backward movement: with PostgreSQL's error for a NO
// SCROLL cursor, otherwise as not supported.
func (c *cursor) backward() *Error {
	if c.noScroll {
		e := newError(codeObjectNotInPrerequisiteState, "cursor can only scan forward")
		e.Hint = "Declare it with SCROLL option to enable backward scan."
		return e
	}
	return newError(FeatureNotSupported, "poolsim does not support backward FETCH or MOVE (declare the cursor NO SCROLL for PostgreSQL's error)")
}

// fetchForward returns up to count rows (all for sqlparse.FetchAll),
// adding them to res when keep is set, and moves the cursor as
// PortalRunSelect does. The notices raised come before the rows, since a
// FETCH collects its rows before it sends any.
func (s *Session) fetchForward(c *cursor, count int64, keep bool, res *Result) (int, error) {
	if c.atEnd {
		return 0, nil
	}
	en := &env{params: c.params, sess: s, res: res}
	active := s.snap
	s.snap = c.snap // the query's snapshot is the active one while it runs
	defer func() { s.snap = active }()
	n := 0
	var err error
	for count == sqlparse.FetchAll || int64(n) < count {
		var row []Value
		if row, err = s.nextRow(c, en); err != nil || row == nil {
			break
		}
		if keep {
			res.Rows = append(res.Rows, row)
		}
		n++
	}
	res.noticesFirst()
	if err != nil {
		return n, err
	}
	if n > 0 {
		c.atStart = false
	}
	if count == sqlparse.FetchAll || int64(n) < count {
		c.atEnd = true
	}
	return n, nil
}

// nextRow returns the cursor's next row, or nil at its end.
func (s *Session) nextRow(c *cursor, en *env) ([]Value, error) {
	if c.txn == nil { // persisted
		if c.next >= len(c.held) {
			return nil, nil
		}
		c.next++
		return c.held[c.next-1], nil
	}
	p := c.plan
	if !c.started {
		c.started = true
		if err := c.start(en); err != nil {
			return nil, err
		}
	}
	if c.limit >= 0 && c.emitted >= c.limit {
		return nil, nil
	}
	if p.aggregate {
		row := c.aggRow
		c.aggRow = nil
		if row != nil {
			c.emitted++
		}
		return row, nil
	}
	for c.join != nil {
		joined, err := c.join.next(en)
		if err != nil || joined == nil {
			return nil, err
		}
		ok, err := p.matches(en, joined)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		row, err := project(p.targets, en, joined)
		if err != nil {
			return nil, err
		}
		c.emitted++
		return row, nil
	}
	for c.next < len(c.rows) {
		r := c.rows[c.next]
		c.next++
		if len(p.order) == 0 { // sorted rows were filtered by start
			ok, err := p.matches(en, r.ver.vals)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		ver, ok, err := s.lockSelected(p, en, r)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		row, err := project(p.targets, en, ver.vals)
		if err != nil {
			return nil, err
		}
		c.emitted++
		return row, nil
	}
	return nil, nil
}

// start runs what the first FETCH of a query runs before its first row:
// the LIMIT, then the aggregate or the sort over every matching row.
func (c *cursor) start(en *env) error {
	p := c.plan
	limit, err := p.limitCount(en)
	if err != nil {
		return err
	}
	if c.limit = limit; limit == 0 {
		return nil // an empty LIMIT never runs the query below it
	}
	if !p.aggregate && len(p.order) == 0 {
		return nil
	}
	if c.join != nil {
		if c.rows, err = c.join.all(en); err != nil {
			return err
		}
		c.join = nil
	}
	matching, err := p.filterRows(en, c.rows)
	if err != nil {
		return err
	}
	if p.aggregate {
		row, err := p.aggregateRow(en, matching)
		c.aggRow = row
		return err
	}
	c.rows = matching
	return p.sortRows(en, c.rows)
}

// persistCursors computes the remaining rows of the WITH HOLD cursors the
// committing transaction declared (PreCommit_Portals), each with its own
// snapshot as the active one, and lets go of their snapshots. An error
// fails the commit.
func (s *Session) persistCursors() *Error {
	for _, c := range s.cursors {
		if !c.hold || c.txn == nil || c.txn != s.tx {
			continue
		}
		var rest [][]Value
		if !c.atEnd {
			en := &env{params: c.params, sess: s}
			active := s.snap
			s.snap = c.snap
			for {
				row, err := s.nextRow(c, en)
				if err != nil {
					s.snap = active
					return asError(err)
				}
				if row == nil {
					break
				}
				rest = append(rest, row)
			}
			s.snap = active
		}
		c.release(s.db)
		c.txn, c.held, c.next = nil, rest, 0
	}
	return nil
}

// dropTransactionCursors drops the cursors that end with the session's
// transaction: at commit those not held, at rollback also the WITH HOLD
// cursors the transaction declared.
func (s *Session) dropTransactionCursors() {
	s.dropCursors(func(c *cursor) bool { return c.txn != nil })
}

// dropCursors drops the cursors drop selects, keeping the others in order.
func (s *Session) dropCursors(drop func(*cursor) bool) {
	kept := s.cursors[:0]
	for _, c := range s.cursors {
		if drop(c) {
			c.release(s.db)
		} else {
			kept = append(kept, c)
		}
	}
	clear(s.cursors[len(kept):])
	s.cursors = kept
}

// dropSubCursors drops the cursors of savepoint level depth and deeper,
// whose savepoint is rolled back (AtSubAbort_Portals, AtSubCleanup_Portals).
func (s *Session) dropSubCursors(depth int) {
	s.dropCursors(func(c *cursor) bool { return c.txn != nil && c.depth >= depth })
}

// releaseSubCursors hands the cursors of levels deeper than depth to level
// depth, whose savepoint remains when a RELEASE ends theirs
// (AtSubCommit_Portals).
func (s *Session) releaseSubCursors(depth int) {
	for _, c := range s.cursors {
		if c.txn != nil && c.depth > depth {
			c.depth = depth
		}
	}
}

// execClose runs CLOSE name and CLOSE ALL (PerformPortalClose).
func (s *Session) execClose(st *sqlparse.CloseStmt, res *Result) error {
	if st.Cursor == nil {
		s.dropCursors(func(*cursor) bool { return true })
		if s.Portals != nil {
			s.Portals.DropPortals()
		}
		res.Tag = plainTag("CLOSE CURSOR ALL")
		return nil
	}
	name := st.Cursor.Name
	if !s.closeCursor(name) {
		if !s.hasProtocolPortal(name) {
			return errorf(InvalidCursorName, "cursor \"%s\" does not exist", name)
		}
		s.Portals.DropPortal(name)
	}
	res.Tag = plainTag("CLOSE CURSOR")
	return nil
}

// CloseCursor closes the SQL cursor named name, as a protocol-level Close
// of that portal does; it reports whether there was one.
func (s *Session) CloseCursor(name string) bool {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	return s.closeCursor(name)
}

func (s *Session) closeCursor(name string) bool {
	for i, c := range s.cursors {
		if c.name == name {
			c.release(s.db)
			s.cursors = append(s.cursors[:i], s.cursors[i+1:]...)
			return true
		}
	}
	return false
}

// ProtocolPortals is the backend's namespace of protocol-level portals
// (Bind's destination portals), which PostgreSQL keeps in one table with
// SQL cursors.
type ProtocolPortals interface {
	// HasPortal reports whether a portal named name exists.
	HasPortal(name string) bool
	// DropPortal drops the portal named name (CLOSE name).
	DropPortal(name string)
	// DropPortals drops every portal but the one running (CLOSE ALL).
	DropPortals()
}

func (s *Session) hasProtocolPortal(name string) bool {
	return s.Portals != nil && s.Portals.HasPortal(name)
}

// CursorColumns returns the result columns of the cursor named name, for
// a protocol-level Describe of that portal; ok is false when there is no
// such cursor.
func (s *Session) CursorColumns(name string) (cols []ResultColumn, ok bool) {
	c := s.cursor(name)
	if c == nil {
		return nil, false
	}
	return c.plan.Columns, true
}

// ExecuteCursor runs a protocol-level Execute of the SQL cursor named
// name, as one critical section: up to maxRows rows (0: all), and whether
// the portal is suspended (it returned maxRows rows and may have more).
// The tag counts the rows of this Execute, as for a SELECT portal.
func (s *Session) ExecuteCursor(name string, maxRows int) (res *Result, suspended bool, err *Error) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	if s.failed() {
		return nil, false, FailedBlockError()
	}
	s.startCommand()
	c := s.cursor(name)
	if c == nil {
		return nil, false, errorf(InvalidCursorName, "portal \"%s\" does not exist", name)
	}
	if c.failed {
		return nil, false, errCannotRun(name)
	}
	s.startStatement()
	res = newResult(c.plan.Columns)
	count := int64(maxRows)
	if count == 0 {
		count = sqlparse.FetchAll
	}
	n, ferr := s.fetchForward(c, count, true, res)
	if ferr != nil {
		c.failOn(ferr)
		return nil, false, asError(ferr)
	}
	res.Tag = countTag("SELECT", n)
	return res, maxRows > 0 && n == maxRows, nil
}
