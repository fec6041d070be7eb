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

// project evaluates exprs on row.
func project(exprs []*cexpr, en *env, row []Value) ([]Value, error) {
	en.row = row
	out := make([]Value, len(exprs))
	for i, c := range exprs {
		v, err := c.eval(en)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// noTable is the one row a SELECT without FROM reads.
var noTable = []scanned{{ver: &version{}}}

func (s *Session) execSelect(p *Plan, en *env, res *Result) error {
	var rows []scanned
	if t := p.sc.table; t != nil {
		var all []scanned
		if len(p.sc.rels) > 1 {
			joined, err := s.joinRows(p, en)
			if err != nil {
				return err
			}
			all = joined
		} else {
			all = s.scanTable(t, s.scanned[:0])
			s.scanned = all[:0]
		}
		rows = all[:0] // the matching rows, filtered in place
		for _, r := range all {
			ok, err := p.matches(en, r.ver.vals)
			if err != nil {
				return err
			}
			if ok {
				rows = append(rows, r)
			}
		}
	} else {
		rows = noTable
		if p.where != nil {
			if ok, err := p.matches(en, nil); err != nil || !ok {
				rows = nil
				if err != nil {
					return err
				}
			}
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
	limit := int64(-1)
	if p.limit != nil {
		v, err := p.limit.eval(en)
		if err != nil {
			return err
		}
		if v != nil {
			if limit = v.(int64); limit < 0 {
				return newError("2201W", "LIMIT must not be negative")
			}
		}
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
		ver := r.ver
		if p.forUpdate {
			cur, ok, err := s.lockAndRecheck(p, en, r, "locking")
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			ver = cur
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
			out[i] = v
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

// sortRows orders rows by the plan's ORDER BY, NULLs last ascending and
// first descending, as PostgreSQL does.
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
			case x == nil:
				c = 1
			case y == nil:
				c = -1
			default:
				c = compare(o.expr.typ, x, y)
			}
			if o.desc {
				c = -c
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

// lockAndRecheck takes a scanned row's lock and, if the row changed while
// the statement waited, rechecks the WHERE on its latest version (read
// committed's EvalPlanQual). It returns the version to act on, or false
// when the row is gone or no longer matches.
func (s *Session) lockAndRecheck(p *Plan, en *env, r scanned, verb string) (*version, bool, error) {
	if err := s.db.lockRow(s.tx, r.slot, verb); err != nil {
		return nil, false, err
	}
	cur := r.slot.visible(s.tx)
	if cur == nil {
		return nil, false, nil
	}
	if cur != r.ver {
		ok, err := p.matches(en, cur.vals)
		if err != nil || !ok {
			return nil, false, err
		}
	}
	return cur, true, nil
}

func (s *Session) execUpdate(p *Plan, en *env, res *Result) error {
	t := p.sc.table
	n, err := s.eachTarget(p, en, "updating", func(r scanned, cur *version) error {
		vals, err := applySets(p.sets, en, cur.vals)
		if err != nil {
			return err
		}
		if err := t.checkNotNull(vals); err != nil {
			return err
		}
		if err := s.waitUniques(t, vals, r.slot); err != nil {
			return err
		}
		r.slot.pending, r.slot.deleting = s.db.newVersion(t, vals), false
		t.indexRow(r.slot, vals)
		return p.returning(en, vals, res)
	})
	res.Tag = countTag("UPDATE", n)
	return err
}

// eachTarget runs act on every row an UPDATE or DELETE affects: the rows
// its WHERE matches in the statement's snapshot, each locked (waiting if
// need be) and rechecked in its latest version. It returns how many rows
// act ran on.
func (s *Session) eachTarget(p *Plan, en *env, verb string, act func(r scanned, cur *version) error) (int, error) {
	n := 0
	all := p.sc.table.scan(s.tx, s.scanned[:0])
	s.scanned = all[:0]
	for _, r := range all {
		ok, err := p.matches(en, r.ver.vals)
		if err != nil {
			return n, err
		}
		if !ok {
			continue
		}
		cur, ok, err := s.lockAndRecheck(p, en, r, verb)
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
	n, err := s.eachTarget(p, en, "deleting", func(r scanned, cur *version) error {
		r.slot.pending, r.slot.deleting = nil, true
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
		if err := t.checkNotNull(row); err != nil {
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
		if h := slot.holder; h != nil && h != s.tx && (slot.pending != nil || slot.deleting || slot.committed == nil) {
			// another transaction is inserting, updating or deleting this
			// key (not just holding it FOR UPDATE): wait for it, then look
			// again
			ctx := fmt.Sprintf("while inserting index tuple (0,%d) in relation \"%s\"", t.items+1, t.PKeyName)
			if err := s.db.waitFor(s.tx, h, ctx); err != nil {
				return 0, err
			}
			continue
		}
		cur := slot.visible(s.tx)
		if cur == nil {
			if w, ix := t.checkUniques(s.tx, row, nil); w != nil {
				if err := s.db.waitFor(s.tx, w, t.uniqueWait(ix)); err != nil {
					return 0, err
				}
				continue
			} else if ix != nil {
				if c := p.conflict; c != nil && c.doNothing && (c.anyIndex || c.arbiter == ix) {
					return 0, nil
				}
				return 0, uniqueViolation(t, ix.name, ix.cols, row)
			}
			if err := s.db.lockRow(s.tx, slot, "inserting"); err != nil {
				return 0, err
			}
			slot.pending, slot.deleting = s.db.newVersion(t, row), false
			t.indexRow(slot, row)
			touched[key] = true
			return 1, p.returning(en, row, res)
		}
		if p.conflict == nil || p.conflict.arbiter != nil {
			return 0, uniqueViolation(t, t.PKeyName, t.pkey, row)
		}
		if p.conflict.doNothing {
			return 0, nil
		}
		if touched[key] {
			e := newError("21000", "ON CONFLICT DO UPDATE command cannot affect row a second time")
			e.Hint = "Ensure that no rows proposed for insertion within the same command have duplicate constrained values."
			return 0, e
		}
		if err := s.db.lockRow(s.tx, slot, "updating"); err != nil {
			return 0, err
		}
		if cur = slot.visible(s.tx); cur == nil {
			continue // deleted while we waited: insert after all
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
		if err := t.checkNotNull(vals); err != nil {
			return 0, err
		}
		if err := s.waitUniques(t, vals, slot); err != nil {
			return 0, err
		}
		slot.pending, slot.deleting = s.db.newVersion(t, vals), false
		t.indexRow(slot, vals)
		touched[key] = true
		return 1, p.returning(en, vals, res)
	}
}

// checkNotNull fails with 23502 for a NULL in a NOT NULL column of row.
func (t *Table) checkNotNull(row []Value) *Error {
	for i, col := range t.Columns {
		if col.NotNull && row[i] == nil {
			e := errorf(NotNullViolation, "null value in column \"%s\" of relation \"%s\" violates not-null constraint", col.Name, t.Name)
			e.Detail = "Failing row contains " + rowText(t, row) + "."
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
		w, ix := t.checkUniques(s.tx, row, self)
		switch {
		case w != nil:
			if err := s.db.waitFor(s.tx, w, t.uniqueWait(ix)); err != nil {
				return err
			}
		case ix != nil:
			return uniqueViolation(t, ix.name, ix.cols, row)
		default:
			return nil
		}
	}
}

// rowText renders a row as PostgreSQL's "Failing row contains (...)".
func rowText(t *Table, row []Value) string {
	parts := make([]string, len(row))
	for i, v := range row {
		s, ok := FormatText(t.Columns[i].Type, v)
		if !ok {
			s = "null"
		}
		parts[i] = s
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (s *Session) execTransaction(st *sqlparse.TransactionStmt, res *Result) {
	var notice *Error
	switch st.Kind {
	case sqlparse.TxBegin, sqlparse.TxStart:
		notice = s.beginBlock()
		res.Tag = plainTag("BEGIN")
		if st.Kind == sqlparse.TxStart {
			res.Tag = plainTag("START TRANSACTION")
		}
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
	}
	if notice != nil {
		res.Notices = append(res.Notices, notice)
	}
}

func (s *Session) execSet(st *sqlparse.SetStmt, res *Result) error {
	res.Tag = plainTag("SET")
	if st.Local && s.block == blockStarted {
		// PostgreSQL warns, and the value still lasts to the end of the
		// (single-statement or extended-protocol) transaction
		res.Notices = append(res.Notices, warning(NoActiveTransaction, "SET LOCAL can only be used in transaction blocks"))
	}
	if st.Default {
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
