package engine

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// Result is what executing a statement produced.
type Result struct {
	Columns []ResultColumn // nil when the statement returns no rows
	Rows    [][]Value
	Tag     Tag      // the CommandComplete tag
	Notices []*Error // warnings and notices raised, in order
	// NoticeRows, if not nil, says for each notice how many rows had been
	// produced when it was raised, so that it goes out between them (-1:
	// before the row description). Nil sends every notice after the rows.
	NoticeRows []int
	// Binary says the simple protocol sends the rows in binary format
	// (a FETCH from a BINARY cursor).
	Binary bool

	first [1][]Value // room for the first row: most results have at most one
}

// newResult returns an empty result with the given columns.
func newResult(cols []ResultColumn) *Result {
	res := &Result{Columns: cols}
	res.Rows = res.first[:0]
	return res
}

func asError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return newError("XX000", err.Error())
}

// sleep blocks the session for d (pg_sleep), waiting on the database's
// condition so that a cancel or the statement timeout can interrupt it.
func (s *Session) sleep(d time.Duration) error {
	until := s.db.rt.Now().Add(d)
	for {
		if err := s.interrupted(); err != nil {
			return err
		}
		now := s.db.rt.Now()
		if !now.Before(until) {
			return nil
		}
		s.db.cond.WaitTimeout(earliest(now, until, s.deadline))
	}
}

// timeout returns a time parameter's value.
func (s *Session) timeout(name string) time.Duration {
	ms, _ := parseMillis(s.gucs.vals[name])
	return time.Duration(ms) * time.Millisecond
}

// interrupted returns the error that stops a waiting statement: a cancel
// request or the statement timeout.
func (s *Session) interrupted() *Error {
	if err := s.checkCancel(); err != nil {
		return err
	}
	if !s.deadline.IsZero() && !s.db.rt.Now().Before(s.deadline) {
		return newError(QueryCanceled, "canceling statement due to statement timeout")
	}
	return nil
}

// earliest returns how long from now until the earliest of the given
// times that is set (non-zero).
func earliest(now time.Time, times ...time.Time) time.Duration {
	var first time.Time
	for _, t := range times {
		if !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first.Sub(now)
}

// matches evaluates the plan's WHERE on row.
func (p *Plan) matches(en *env, row []Value) (bool, error) {
	if p.where == nil {
		return true, nil
	}
	en.row = row
	v, err := p.where.eval(en)
	return v == true, err
}

// project evaluates exprs on row, for the client.
func project(exprs []*cexpr, en *env, row []Value) ([]Value, error) {
	en.row = row
	out := make([]Value, len(exprs))
	for i, c := range exprs {
		v, err := c.eval(en)
		if err != nil {
			return nil, err
		}
		out[i] = en.output(c.typ, v)
	}
	return out, nil
}

// noTable is the one row a SELECT without FROM reads.
var noTable = []scanned{{ver: &version{}}}

// A SELECT runs in stages that a cursor (cursor.go) runs too, lazily:
// its FROM clause's rows through a snapshot (selectSource), the WHERE
// (filterRows), then either the aggregate or the LIMIT (limitCount) and
// ORDER BY (sortRows), then, row by row, the locking clause
// (lockSelected) and the select list (project).

func (s *Session) execSelect(p *Plan, en *env, res *Result) error {
	var rows []scanned
	if len(p.sc.rels) > 1 {
		var err error
		if rows, err = s.newJoinIter(p, s.snap).filtered(p, en); err != nil {
			return err
		}
	} else {
		all, err := s.selectSource(p, en, s.snap, s.scanned[:0])
		if err != nil {
			return err
		}
		if len(p.sc.rels) == 1 {
			s.scanned = all[:0]
		}
		if rows, err = p.filterRows(en, all); err != nil {
			return err
		}
	}
	if p.aggregate {
		out, err := p.aggregateRow(en, rows)
		if err != nil {
			return err
		}
		res.Rows, res.Tag = append(res.Rows, out), countTag("SELECT", 1)
		return nil
	}
	limit, err := p.limitCount(en)
	if err != nil {
		return err
	}
	// Rows are sorted on their sort keys, then projected and sent one by
	// one, so a projection error follows the rows before it (PostgreSQL
	// evaluates such output columns above its Sort node).
	if err := p.sortRows(en, rows); err != nil {
		return err
	}
	for _, r := range rows {
		if limit >= 0 && int64(len(res.Rows)) >= limit {
			break
		}
		ver, ok, err := s.lockSelected(p, en, r)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		out, err := project(p.targets, en, ver.vals)
		if err != nil {
			return err
		}
		res.Rows = append(res.Rows, out)
	}
	res.Tag = countTag("SELECT", len(res.Rows))
	return nil
}

// selectSource returns the rows a SELECT's FROM clause produces through
// snap, in heap order: the table's rows snap sees (appended to buf), the
// rows of a join (see joinIter), or the one row of a SELECT without FROM
// (shared: not to be written).
func (s *Session) selectSource(p *Plan, en *env, snap *Snapshot, buf []scanned) ([]scanned, error) {
	switch t := p.sc.table; {
	case t == nil:
		return noTable, nil
	case len(p.sc.rels) > 1:
		return s.newJoinIter(p, snap).all(en)
	}
	return s.scanTable(p.sc.table, snap, buf), nil
}

// filterRows returns the rows of selectSource that the WHERE accepts,
// filtered in place.
func (p *Plan) filterRows(en *env, rows []scanned) ([]scanned, error) {
	if p.where == nil {
		return rows, nil
	}
	if p.sc.table == nil {
		if ok, err := p.matches(en, nil); err != nil || !ok {
			return nil, err
		}
		return rows, nil
	}
	kept := rows[:0]
	for _, r := range rows {
		ok, err := p.matches(en, r.ver.vals)
		if err != nil {
			return nil, err
		}
		if ok {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// limitCount evaluates the LIMIT: -1 without one or for LIMIT NULL.
func (p *Plan) limitCount(en *env) (int64, error) {
	if p.limit == nil {
		return -1, nil
	}
	v, err := p.limit.eval(en)
	if err != nil || v == nil {
		return -1, err
	}
	n := v.(int64)
	if n < 0 {
		return -1, newError("2201W", "LIMIT must not be negative")
	}
	return n, nil
}

// lockSelected applies the SELECT's locking clause to a row about to be
// returned (PostgreSQL's LockRows node) and returns the version to
// project, or false when the row is left out (see lockAndRecheck). A row
// that the transaction itself changed after the scan's snapshot was taken
// (by a command after a cursor's DECLARE) is left out, as LockRows skips a
// tuple its own later command updated or deleted.
func (s *Session) lockSelected(p *Plan, en *env, r scanned) (*version, bool, error) {
	if p.locking == nil || r.slot == nil {
		return r.ver, true, nil
	}
	if r.slot.writer == s.tx && r.slot.latest(s.tx) != r.ver {
		return nil, false, nil
	}
	return s.lockAndRecheck(p, en, r, lockModeOf(p.locking.Strength), p.locking.Wait, "locking")
}

// aggregateRow computes a select list of aggregates (and constants) over
// rows.
func (p *Plan) aggregateRow(en *env, rows []scanned) ([]Value, error) {
	out := make([]Value, len(p.targets))
	for i, c := range p.targets {
		if !c.agg {
			v, err := c.eval(en)
			if err != nil {
				return nil, err
			}
			out[i] = en.output(c.typ, v)
			continue
		}
		n := int64(0)
		for _, r := range rows {
			if c.aggArg != nil {
				en.row = r.ver.vals
				v, err := c.aggArg.eval(en)
				if err != nil {
					return nil, err
				}
				if v == nil {
					continue
				}
			}
			n++
		}
		out[i] = n
	}
	return out, nil
}

// sortRows orders rows by the plan's ORDER BY, NULLs where its NULLS
// clauses put them (by default last ascending and first descending), as
// PostgreSQL does.
func (p *Plan) sortRows(en *env, rows []scanned) error {
	if len(p.order) == 0 {
		return nil
	}
	keys := make([][]Value, len(rows))
	for i, r := range rows {
		en.row = r.ver.vals
		for _, o := range p.order {
			v, err := o.expr.eval(en)
			if err != nil {
				return err
			}
			keys[i] = append(keys[i], v)
		}
	}
	if len(rows) < 2 {
		return nil // nothing to order; the keys were evaluated for their errors
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		for k, o := range p.order {
			x, y := keys[idx[a]][k], keys[idx[b]][k]
			c := 0
			switch {
			case x == nil && y == nil:
			case x == nil || y == nil:
				if (x == nil) == o.nullsFirst {
					return true
				}
				return false
			default:
				c = compare(o.expr.typ, x, y)
				if o.desc {
					c = -c
				}
			}
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
	sorted := make([]scanned, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
	return nil
}

// lockAndRecheck takes a scanned row's lock in mode and returns the
// version to act on, or false when the row is to be left out: gone, no
// longer matching, or (SKIP LOCKED) locked by another transaction. Under
// READ COMMITTED, a row changed since the statement's snapshot (by a
// transaction it waited for, or one that committed before) is rechecked in
// its latest version (EvalPlanQual); under REPEATABLE READ such a row
// fails the statement with 40001, as a transaction must not act on a
// version newer than its snapshot.
func (s *Session) lockAndRecheck(p *Plan, en *env, r scanned, mode lockMode, wait sqlparse.LockWait, verb string) (*version, bool, error) {
	held := r.slot.lockOf(s.tx)
	ok, err := s.db.lockRow(s.tx, r.slot, mode, wait, verb)
	if err != nil || !ok {
		return nil, false, err
	}
	cur := r.slot.latest(s.tx)
	if cur == r.ver {
		return cur, true, nil
	}
	if s.tx.repeatableRead {
		return nil, false, serializationFailure(!sameRow(r.ver, cur) && verb != "locking")
	}
	if !sameRow(r.ver, cur) {
		r.slot.setLock(s.tx, held) // a deleted row keeps no lock
		return nil, false, nil
	}
	ok, err = p.matches(en, cur.vals)
	if err != nil || !ok {
		return nil, false, err
	}
	return cur, true, nil
}

func (s *Session) execUpdate(p *Plan, en *env, res *Result) error {
	t := p.sc.table
	n, err := s.eachTarget(p, en, lockNoKeyUpdate, "updating", func(r scanned, cur *version) error {
		vals, err := applySets(p.sets, en, cur.vals)
		if err != nil {
			return err
		}
		if err := s.checkNotNull(t, vals); err != nil {
			return err
		}
		if err := s.waitUniques(t, vals, r.slot); err != nil {
			return err
		}
		s.tx.write(r.slot, s.db.newVersion(t, vals, cur), false)
		t.indexRow(r.slot, vals)
		return p.returning(en, vals, res)
	})
	res.Tag = countTag("UPDATE", n)
	return err
}

// eachTarget runs act on every row an UPDATE or DELETE affects: the rows
// its WHERE matches in the statement's snapshot, each locked in mode
// (waiting if need be) and rechecked in its latest version. It returns how
// many rows act ran on.
func (s *Session) eachTarget(p *Plan, en *env, mode lockMode, verb string, act func(r scanned, cur *version) error) (int, error) {
	n := 0
	all := p.sc.table.scan(s.tx, s.snap, s.scanned[:0])
	s.scanned = all[:0]
	for _, r := range all {
		ok, err := p.matches(en, r.ver.vals)
		if err != nil {
			return n, err
		}
		if !ok {
			continue
		}
		cur, ok, err := s.lockAndRecheck(p, en, r, mode, sqlparse.LockWaitBlock, verb)
		if err != nil {
			return n, err
		}
		if !ok {
			continue
		}
		if err := act(r, cur); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// applySets returns row with the SET clauses applied, all evaluated
// against the old row.
func applySets(sets []setPlan, en *env, row []Value) ([]Value, error) {
	out := append([]Value(nil), row...)
	en.row = row
	for _, set := range sets {
		v, err := set.expr.eval(en)
		if err != nil {
			return nil, err
		}
		out[set.col] = v
	}
	return out, nil
}

// returning adds the RETURNING row for row, if the statement has one.
func (p *Plan) returning(en *env, row []Value, res *Result) error {
	if len(p.targets) == 0 {
		return nil
	}
	out, err := project(p.targets, en, row)
	if err != nil {
		return err
	}
	res.Rows = append(res.Rows, out)
	return nil
}

func (s *Session) execDelete(p *Plan, en *env, res *Result) error {
	n, err := s.eachTarget(p, en, lockUpdate, "deleting", func(r scanned, cur *version) error {
		s.tx.write(r.slot, nil, true)
		return p.returning(en, cur.vals, res)
	})
	res.Tag = countTag("DELETE", n)
	return err
}

func (s *Session) execInsert(p *Plan, en *env, res *Result) error {
	t := p.sc.table
	n := 0
	touched := map[string]bool{} // keys this statement inserted or updated; lookup only
	for _, exprs := range p.rows {
		row := make([]Value, len(t.Columns))
		for i, c := range exprs {
			if c == nil {
				continue
			}
			v, err := c.eval(en)
			if err != nil {
				return err
			}
			row[i] = v
		}
		if err := s.checkNotNull(t, row); err != nil {
			return err
		}
		done, err := s.insertRow(p, en, t, row, touched, res)
		if err != nil {
			return err
		}
		n += done
	}
	res.Tag = countTag("INSERT 0", n)
	return nil
}

// insertRow inserts one row, handling a conflicting key as the plan says;
// it returns the number of rows inserted or updated.
func (s *Session) insertRow(p *Plan, en *env, t *Table, row []Value, touched map[string]bool, res *Result) (int, error) {
	key := t.rowKey(row)
	slot := t.slot(key, true)
	for {
		if h := slot.writer; h != nil && h != s.tx {
			// another transaction is inserting, updating or deleting this
			// key (not just holding it FOR UPDATE): wait for it, then look
			// again
			ctx := fmt.Sprintf("while inserting index tuple (0,%d) in relation \"%s\"", t.items+1, t.PKeyName)
			if err := s.db.waitFor(s.tx, h, ctx, func() bool { return slot.writer == h }); err != nil {
				return 0, err
			}
			continue
		}
		cur := slot.latest(s.tx) // the unique check sees every committed row
		if cur == nil {
			if w, ix, sl := t.checkUniques(s.tx, row, nil); w != nil {
				if err := s.db.waitFor(s.tx, w, t.uniqueWait(ix), func() bool { return sl.writer == w }); err != nil {
					return 0, err
				}
				continue
			} else if ix != nil {
				if c := p.conflict; c != nil && c.doNothing && (c.anyIndex || c.arbiter == ix) {
					if s.tx.repeatableRead && sl.visible(s.tx, s.snap) != sl.latest(s.tx) {
						return 0, serializationFailure(false) // ExecCheckTIDVisible
					}
					return 0, nil
				}
				return 0, s.uniqueViolation(t, ix.name, ix.cols, row)
			}
			if _, err := s.db.lockRow(s.tx, slot, lockUpdate, sqlparse.LockWaitBlock, "inserting"); err != nil {
				return 0, err
			}
			s.tx.write(slot, s.db.newVersion(t, row, nil), false)
			t.indexRow(slot, row)
			touched[key] = true
			return 1, p.returning(en, row, res)
		}
		if p.conflict == nil || p.conflict.arbiter != nil {
			return 0, s.uniqueViolation(t, t.PKeyName, t.pkey, row)
		}
		if p.conflict.doNothing {
			if s.tx.repeatableRead && slot.visible(s.tx, s.snap) != cur {
				return 0, serializationFailure(false) // ExecCheckTIDVisible
			}
			return 0, nil
		}
		if touched[key] {
			e := newError("21000", "ON CONFLICT DO UPDATE command cannot affect row a second time")
			e.Hint = "Ensure that no rows proposed for insertion within the same command have duplicate constrained values."
			return 0, e
		}
		if _, err := s.db.lockRow(s.tx, slot, lockUpdate, sqlparse.LockWaitBlock, "updating"); err != nil {
			return 0, err
		}
		if cur = slot.latest(s.tx); cur == nil {
			continue // deleted while we waited: insert after all
		}
		if s.tx.repeatableRead && slot.visible(s.tx, s.snap) != cur {
			return 0, serializationFailure(false) // ExecCheckTupleVisible
		}
		en.excluded = row
		if p.conflict.where != nil {
			en.row = cur.vals
			v, err := p.conflict.where.eval(en)
			if err != nil {
				return 0, err
			}
			if v != true {
				return 0, nil
			}
		}
		vals, err := applySets(p.conflict.sets, en, cur.vals)
		if err != nil {
			return 0, err
		}
		if err := s.checkNotNull(t, vals); err != nil {
			return 0, err
		}
		if err := s.waitUniques(t, vals, slot); err != nil {
			return 0, err
		}
		s.tx.write(slot, s.db.newVersion(t, vals, cur), false)
		t.indexRow(slot, vals)
		touched[key] = true
		return 1, p.returning(en, vals, res)
	}
}

// checkNotNull fails with 23502 for a NULL in a NOT NULL column of row,
// a row of t.
func (s *Session) checkNotNull(t *Table, row []Value) *Error {
	for i, col := range t.Columns {
		if col.NotNull && row[i] == nil {
			e := errorf(NotNullViolation, "null value in column \"%s\" of relation \"%s\" violates not-null constraint", col.Name, t.Name)
			e.Detail = "Failing row contains " + s.rowText(t, row) + "."
			e.Schema, e.Table, e.Column = namespaceName(t.Namespace), t.Name, col.Name
			return e
		}
	}
	return nil
}

// waitUniques checks a row's new version (self is its slot, whose lock
// the transaction holds) against the table's UNIQUE constraints, waiting
// for the transactions whose rows may conflict, and fails with 23505 if
// one does.
func (s *Session) waitUniques(t *Table, row []Value, self *rowSlot) error {
	for {
		w, ix, sl := t.checkUniques(s.tx, row, self)
		switch {
		case w != nil:
			if err := s.db.waitFor(s.tx, w, t.uniqueWait(ix), func() bool { return sl.writer == w }); err != nil {
				return err
			}
		case ix != nil:
			return s.uniqueViolation(t, ix.name, ix.cols, row)
		default:
			return nil
		}
	}
}

// rowText renders a row as PostgreSQL's "Failing row contains (...)".
func (s *Session) rowText(t *Table, row []Value) string {
	parts := make([]string, len(row))
	for i, v := range row {
		str := "null"
		if v != nil {
			str, _ = FormatText(t.Columns[i].Type, s.outputValue(t.Columns[i].Type, v))
		}
		parts[i] = str
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (s *Session) execTransaction(st *sqlparse.TransactionStmt, res *Result) *Error {
	var notice *Error
	switch st.Kind {
	case sqlparse.TxBegin, sqlparse.TxStart:
		res.Tag = plainTag("BEGIN")
		if st.Kind == sqlparse.TxStart {
			res.Tag = plainTag("START TRANSACTION")
		}
		if s.block == blockStarted || s.block == blockImplicit {
			if e := refuseSerializableBegin(st.Modes); e != nil {
				return e
			}
		}
		if notice = s.beginBlock(); notice != nil {
			res.Notices = append(res.Notices, notice)
		}
		return s.setModes(st.Modes, false, false)
	case sqlparse.TxCommit:
		var commit bool
		commit, notice = s.endBlock()
		res.Tag = plainTag("COMMIT")
		if !commit {
			res.Tag = plainTag("ROLLBACK")
		}
	case sqlparse.TxRollback:
		notice = s.rollbackBlock()
		res.Tag = plainTag("ROLLBACK")
	case sqlparse.TxSavepoint, sqlparse.TxRelease, sqlparse.TxRollbackTo:
		return s.execSavepoint(st, res)
	}
	if notice != nil {
		res.Notices = append(res.Notices, notice)
	}
	return nil
}

func (s *Session) execSet(st *sqlparse.SetStmt, res *Result) error {
	res.Tag = plainTag("SET")
	if st.Local && s.block == blockStarted {
		// PostgreSQL warns, and the value still lasts to the end of the
		// (single-statement or extended-protocol) transaction
		res.Notices = append(res.Notices, warning(NoActiveTransaction, "SET LOCAL can only be used in transaction blocks"))
	}
	if st.Default {
		s.resetWarning(st.Name, res)
		if e := s.gucs.reset(st.Name); e != nil {
			return e
		}
		return nil
	}
	if e := s.gucs.set(st.Name, strings.Join(st.Values, ", "), st.Local); e != nil {
		return e
	}
	return nil
}
