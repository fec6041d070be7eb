package engine

import (
	"slices"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// Joins: a FROM list of tables joined by commas, CROSS JOIN and INNER
// JOIN ... ON runs as a nested loop, each table's rows (in heap order)
// inside the rows joined so far, an ON condition filtering as soon as its
// table is joined, the WHERE clause after the last. Inner joins are
// associative, so the result is the set PostgreSQL's plan computes; only
// the order of unsorted rows may differ, which SQL leaves unspecified.

// planJoins binds the FROM items after the first and compiles their ON
// conditions, each seeing only the tables since the last comma (as in
// PostgreSQL, where a JOIN's condition sees its own two inputs).
func (s *Session) planJoins(p *Plan, joins []sqlparse.Join, mode relLockMode) *Error {
	sc := p.sc
	group := 0 // the first table of the current comma-separated item
	for _, j := range joins {
		if j.Kind == sqlparse.JoinComma {
			group = len(sc.rels)
		}
		if _, err := s.bindTable(p, j.Table, mode); err != nil {
			return err
		}
		var on *cexpr
		if j.On != nil {
			sc.visibleFrom = group
			c, err := sc.compile(j.On)
			if err == nil {
				c, err = sc.boolean(c, "JOIN/ON")
			}
			sc.visibleFrom = 0
			if err != nil {
				return err
			}
			on = p.foldInto(c)
		}
		p.joinOn = append(p.joinOn, on)
	}
	return nil
}

// joinIter produces the rows of a plan's FROM list joined, in nested
// loops over the rows each FROM item showed through a snapshot (taken when
// the iterator is made), each item's ON condition evaluated when a row of
// it is joined to the rows before it. A SELECT runs it to the end at once
// (all); a cursor runs it as its FETCHes reach the rows, so that the ON
// conditions are evaluated, and fail, when PostgreSQL's join evaluates
// them.
type joinIter struct {
	on    []*cexpr    // per FROM item after the first, its ON condition (or nil)
	inner [][]scanned // per FROM item, its rows
	pos   []int       // per FROM item, the index of its current row; -1 before the first
	width []int       // per FROM item, the joined row's width before its columns
	row   []Value     // the joined row so far
	level int         // the FROM item to advance next; -1 once every row was produced
}

// newJoinIter returns an iterator over the rows of p's FROM list, read
// through snap.
func (s *Session) newJoinIter(p *Plan, snap *Snapshot) *joinIter {
	rels := p.sc.rels
	j := &joinIter{on: p.joinOn, inner: make([][]scanned, len(rels)), pos: make([]int, len(rels)), width: make([]int, len(rels))}
	for i, r := range rels {
		j.inner[i] = s.scanTable(r.table, snap, nil)
		j.pos[i], j.width[i] = -1, r.offset
	}
	return j
}

// next returns the next joined row, a slice of its own, or nil after the
// last.
func (j *joinIter) next(en *env) ([]Value, error) {
	row, err := j.advance(en)
	if row == nil || err != nil {
		return nil, err
	}
	return slices.Clone(row), nil
}

// advance is next without the copy: the row it returns is the iterator's
// own, valid until the next call.
func (j *joinIter) advance(en *env) ([]Value, error) {
	last := len(j.inner) - 1
	for j.level >= 0 {
		k := j.level
		if j.pos[k]++; j.pos[k] >= len(j.inner[k]) {
			j.pos[k] = -1
			j.level--
			continue
		}
		j.row = append(j.row[:j.width[k]], j.inner[k][j.pos[k]].ver.vals...)
		if k > 0 && j.on[k-1] != nil {
			en.row = j.row
			v, err := j.on[k-1].eval(en)
			if err != nil {
				return nil, err
			}
			if v != true {
				continue
			}
		}
		if k == last {
			return j.row, nil // the next call advances item k
		}
		j.level = k + 1
	}
	return nil, nil
}

// all returns the joined rows not produced yet, each a slice of its own
// (full: appending to one copies it). The rows and their versions are
// carved from arrays that grow with the result, up to maxRowsPerChunk
// rows, which a join of catalogs fills by the hundred.
func (j *joinIter) all(en *env) ([]scanned, error) {
	var out []scanned
	var vals []Value
	var vers []version
	for {
		row, err := j.advance(en)
		if err != nil || row == nil {
			return out, err
		}
		w := len(row)
		if cap(vals)-len(vals) < w || len(vers) == 0 {
			n := min(max(len(out), minRowsPerChunk), maxRowsPerChunk)
			vals, vers = make([]Value, 0, w*n), make([]version, n)
		}
		n := len(vals)
		vals = append(vals, row...)
		vers[0].vals = vals[n : n+w : n+w]
		out = append(out, scanned{ver: &vers[0]})
		vers = vers[1:]
	}
}

// filtered runs the join to the end and keeps the joined rows p's WHERE
// accepts, as all followed by Plan.filterRows does and in the same order
// (every ON condition as the join produces its rows, then the WHERE on
// each joined row in turn, the first error ending it), but it copies only
// the rows the WHERE keeps: a join of catalogs that a WHERE narrows to a
// row or two makes hundreds.
func (j *joinIter) filtered(p *Plan, en *env) ([]scanned, error) {
	n := len(j.inner)
	var picks []int32 // per joined row, the index of its row of each FROM item
	width := 0
	for {
		row, err := j.advance(en)
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		width = len(row)
		for _, k := range j.pos {
			picks = append(picks, int32(k))
		}
	}
	var out []scanned
	var vals []Value
	var vers []version
	row := make([]Value, 0, width)
	for i := 0; i < len(picks); i += n {
		row = row[:0]
		for k, pick := range picks[i : i+n] {
			row = append(row[:j.width[k]], j.inner[k][pick].ver.vals...)
		}
		ok, err := p.matches(en, row)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		w := len(row)
		if cap(vals)-len(vals) < w || len(vers) == 0 {
			m := min(max(len(out), minRowsPerChunk), maxRowsPerChunk)
			vals, vers = make([]Value, 0, w*m), make([]version, m)
		}
		at := len(vals)
		vals = append(vals, row...)
		vers[0].vals = vals[at : at+w : at+w]
		out = append(out, scanned{ver: &vers[0]})
		vers = vers[1:]
	}
	return out, nil
}

// The number of rows whose values (and versions) a join allocates at
// once: as many as it has produced, within these bounds.
const (
	minRowsPerChunk = 4
	maxRowsPerChunk = 64
)

// scanTable appends the rows of t snap sees to buf, in heap order; a
// system catalog's rows are computed for the same snapshot.
func (s *Session) scanTable(t *Table, snap *Snapshot, buf []scanned) []scanned {
	if t.system == nil {
		return t.scan(s.tx, snap, buf)
	}
	rows := t.system(s, snap)
	vers := make([]version, len(rows))
	for i, row := range rows {
		vers[i].vals = row
		buf = append(buf, scanned{ver: &vers[i]})
	}
	return buf
}
