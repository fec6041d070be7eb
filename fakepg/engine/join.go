package engine

import "github.com/poolsim/poolsim/fakepg/sqlparse"

// Joins: a FROM list of tables joined by commas, CROSS JOIN and INNER
// JOIN ... ON runs as a nested loop, each table's rows (in heap order)
// inside the rows joined so far, an ON condition filtering as soon as its
// table is joined, the WHERE clause after the last. Inner joins are
// associative, so the result is the set PostgreSQL's plan computes; only
// the order of unsorted rows may differ, which SQL leaves unspecified.

// planJoins binds the FROM items after the first and compiles their ON
// conditions, each seeing only the tables since the last comma (as in
// PostgreSQL, where a JOIN's condition sees its own two inputs).
func (s *Session) planJoins(p *Plan, joins []sqlparse.Join, mode lockMode) *Error {
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

// joinRows returns the rows of the plan's FROM list joined, ON
// conditions applied.
func (s *Session) joinRows(p *Plan, en *env) ([]scanned, error) {
	rels := p.sc.rels
	rows := [][]Value{nil}
	for i, r := range rels {
		var next [][]Value
		inner := s.scanTable(r.table, nil)
		var on *cexpr
		if i > 0 {
			on = p.joinOn[i-1]
		}
		for _, left := range rows {
			for _, right := range inner {
				row := make([]Value, 0, len(left)+len(right.ver.vals))
				row = append(append(row, left...), right.ver.vals...)
				if on != nil {
					en.row = row
					v, err := on.eval(en)
					if err != nil {
						return nil, err
					}
					if v != true {
						continue
					}
				}
				next = append(next, row)
			}
		}
		rows = next
	}
	out := make([]scanned, len(rows))
	for i, row := range rows {
		out[i] = scanned{ver: &version{vals: row}}
	}
	return out, nil
}

// scanTable appends the rows of t the session sees to buf, in heap
// order; a system catalog's rows are computed.
func (s *Session) scanTable(t *Table, buf []scanned) []scanned {
	if t.system == nil {
		return t.scan(s.tx, buf)
	}
	for _, row := range t.system(s) {
		buf = append(buf, scanned{ver: &version{vals: row}})
	}
	return buf
}
