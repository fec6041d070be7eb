package engine

import (
	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// A cursor is an SQL cursor (DECLARE): a SELECT whose rows FETCH and MOVE
// step through. As in PostgreSQL its query reads with the snapshot taken
// when DECLARE ran: the rows it can return are those visible then (rows
// committed later, even by the cursor's own transaction, are not seen),
// and it is executed lazily, so that the expressions of a row are
// evaluated (and fail, and lock the row of a FOR UPDATE cursor) at the
// FETCH that reaches it. With ORDER BY or an aggregate, the first FETCH
// filters and sorts or aggregates every row, as PostgreSQL's Sort and Agg
// nodes do on their first call.
//
// A cursor without WITH HOLD ends with its transaction. A WITH HOLD
// cursor's remaining rows are computed when its transaction commits
// (PersistHoldablePortal); an error then fails the COMMIT and rolls the
// transaction back. Rolling back the declaring transaction drops it.
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
	// HOLD cursor has been persisted by its commit.
	txn *Txn

	// PostgreSQL's portal position: atStart until a row was fetched,
	// atEnd once a fetch came up short.
	atStart, atEnd bool

	// The executor state while txn is set: the rows the snapshot saw
	// (filtered and sorted by start for ORDER BY), the next one to look
	// at, and the rows returned so far (for LIMIT).
	started bool
	rows    []scanned
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
var binaryFaithful = []Type{Bool, Int8, Int4, Text, Float8, Void}

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
	q := &Plan{Stmt: st.Query, sc: &scope{params: params}}
	if err := s.planSelect(q, st.Query); err != nil {
		return err
	}
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
// messages do, or returns "".
func (p *Plan) lockingClause() string {
	if p.forUpdate {
		return "FOR UPDATE"
	}
	return ""
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
// transaction block, plans the query (its constant folding may fail), and
// takes the snapshot, leaving the query to run at the first FETCH.
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
	c := &cursor{
		name: st.Name.Name, plan: cp.query, params: params, txn: s.tx,
		binary:   cp.options&sqlparse.CursorBinary != 0,
		noScroll: cp.options&sqlparse.CursorNoScroll != 0,
		hold:     hold, atStart: true, limit: -1,
	}
	if t := cp.query.sc.table; t != nil {
		c.rows = t.scan(s.tx, nil)
	} else {
		c.rows = noTable
	}
	s.cursors = append(s.cursors, c)
	res.Tag = plainTag("DECLARE CURSOR")
	return nil
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
		ver := r.ver
		if p.forUpdate {
			if cur := r.slot.visible(s.tx); r.slot.holder == s.tx && cur != r.ver {
				// changed by this transaction after DECLARE: PostgreSQL's
				// LockRows skips a tuple its own later command modified
				continue
			}
			cur, ok, err := s.lockAndRecheck(p, en, r, "locking")
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			ver = cur
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
	if p.limit != nil {
		v, err := p.limit.eval(en)
		if err != nil {
			return err
		}
		if v != nil {
			if c.limit = v.(int64); c.limit < 0 {
				return newError("2201W", "LIMIT must not be negative")
			}
		}
		if c.limit == 0 {
			return nil // an empty LIMIT never runs the query below it
		}
	}
	if !p.aggregate && len(p.order) == 0 {
		return nil
	}
	matching := make([]scanned, 0, len(c.rows))
	for _, r := range c.rows {
		ok, err := p.matches(en, r.ver.vals)
		if err != nil {
			return err
		}
		if ok {
			matching = append(matching, r)
		}
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
// committing transaction declared (PreCommit_Portals). An error fails the
// commit.
func (s *Session) persistCursors() *Error {
	for _, c := range s.cursors {
		if !c.hold || c.txn == nil || c.txn != s.tx {
			continue
		}
		var rest [][]Value
		en := &env{params: c.params, sess: s}
		if !c.atEnd {
			for {
				row, err := s.nextRow(c, en)
				if err != nil {
					return asError(err)
				}
				if row == nil {
					break
				}
				rest = append(rest, row)
			}
		}
		c.txn, c.held, c.next, c.rows, c.aggRow = nil, rest, 0, nil, nil
	}
	return nil
}

// dropTransactionCursors drops the cursors that end with the session's
// transaction: at commit those not held, at rollback also the WITH HOLD
// cursors the transaction declared.
func (s *Session) dropTransactionCursors() {
	kept := s.cursors[:0]
	for _, c := range s.cursors {
		if c.txn == nil {
			kept = append(kept, c)
		}
	}
	clear(s.cursors[len(kept):])
	s.cursors = kept
}

// execClose runs CLOSE name and CLOSE ALL (PerformPortalClose).
func (s *Session) execClose(st *sqlparse.CloseStmt, res *Result) error {
	if st.Cursor == nil {
		clear(s.cursors)
		s.cursors = s.cursors[:0]
		if s.Portals != nil {
			s.Portals.DropPortals()
		}
		res.Tag = plainTag("CLOSE CURSOR ALL")
		return nil
	}
	name := st.Cursor.Name
	if !s.CloseCursor(name) {
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
	for i, c := range s.cursors {
		if c.name == name {
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
	if s.block == blockAbort {
		return nil, false, FailedBlockError()
	}
	s.startCommand()
	c := s.cursor(name)
	if c == nil {
		return nil, false, errorf(InvalidCursorName, "portal \"%s\" does not exist", name)
	}
	s.beginStatement()
	res = newResult(c.plan.Columns)
	count := int64(maxRows)
	if count == 0 {
		count = sqlparse.FetchAll
	}
	n, ferr := s.fetchForward(c, count, true, res)
	if ferr != nil {
		return nil, false, asError(ferr)
	}
	res.Tag = countTag("SELECT", n)
	return res, maxRows > 0 && n == maxRows, nil
}
