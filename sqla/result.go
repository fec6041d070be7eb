package sqla

import (
	"fmt"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/sqla/exc"
)

// metadata is a CursorResult's result metadata: the keys of its columns
// and, for each, the index in the DB-API row it reads.
type metadata struct {
	keys  []string
	index []int // index[i] is the row position key i reads
	// safeForCache: the positional one-to-one case of a compiled select,
	// which SQLAlchemy caches on the compiled statement.
	safeForCache bool
}

// newMetadata is CursorResultMetaData: a compiled select whose label count
// equals the described columns maps them by position, without reading the
// described names; otherwise the described names are the keys (text(), or
// a compiled select matched by name, whose labels missing from the
// description are not keys at all).
func newMetadata(comp *compiled, desc []driver.Column) *metadata {
	m := &metadata{}
	if comp != nil && len(comp.columns) > 0 && len(comp.columns) == len(desc) {
		m.keys = append([]string(nil), comp.columns...)
		m.index = make([]int, len(desc))
		for i := range desc {
			m.index[i] = i
		}
		m.safeForCache = true
		return m
	}
	if comp != nil && len(comp.columns) > 0 {
		for _, label := range comp.columns {
			for j, d := range desc {
				if d.Name == label {
					m.keys = append(m.keys, label)
					m.index = append(m.index, j)
					break
				}
			}
		}
		return m
	}
	for j, d := range desc {
		m.keys = append(m.keys, d.Name)
		m.index = append(m.index, j)
	}
	return m
}

// Result is SQLAlchemy's CursorResult over a psycopg2 cursor.
//
// A statement whose cursor has no description (no RowDescription came
// back) does not return rows: its result is soft-closed at once and every
// fetch raises ResourceClosedError("This result object does not return
// rows. It has been closed automatically."), whatever the statement was.
type Result struct {
	conn     *Connection
	cursor   driver.Cursor
	meta     *metadata // nil: does not return rows
	rowcount int
	cext     bool
	soft     bool // _soft_closed: the cursor is closed
	closed   bool // hard-closed
}

// ReturnsRows reports whether the result has rows (a description).
func (r *Result) ReturnsRows() bool { return r.meta != nil }

// Keys returns the result's column keys (for a result without rows,
// ResourceClosedError).
func (r *Result) Keys() ([]string, error) {
	if r.meta == nil {
		return nil, noRows()
	}
	return append([]string(nil), r.meta.keys...), nil
}

// RowCount is the cursor's rowcount at execution.
func (r *Result) RowCount() int { return r.rowcount }

func noRows() error {
	return exc.New(exc.ResourceClosedError, "This result object does not return rows. It has been closed automatically.")
}

// softClose is CursorResult._soft_close: the cursor is closed; fetches
// return nothing more.
func (r *Result) softClose() {
	if r.soft {
		return
	}
	r.soft = true
	if r.cursor != nil {
		_ = r.cursor.Close()
		r.cursor = nil
	}
}

// Close hard-closes the result: later fetches raise "This result object
// is closed.".
func (r *Result) Close() {
	r.softClose()
	r.closed = true
}

// FetchOne returns the next row, or nil when there are no more.
func (r *Result) FetchOne() (*Row, error) {
	if r.meta == nil {
		return nil, noRows()
	}
	if r.soft {
		if r.closed {
			return nil, exc.New(exc.ResourceClosedError, "This result object is closed.")
		}
		return nil, nil
	}
	raw, err := r.cursor.FetchOne()
	if err != nil {
		return nil, r.conn.handleError(err, "", nil, r.cursor, true)
	}
	if raw == nil {
		r.softClose()
		return nil, nil
	}
	return r.makeRow(raw)
}

// All returns the remaining rows.
func (r *Result) All() ([]*Row, error) {
	if r.meta == nil {
		return nil, noRows()
	}
	if r.soft {
		if r.closed {
			return nil, exc.New(exc.ResourceClosedError, "This result object is closed.")
		}
		return nil, nil
	}
	raws, err := r.cursor.FetchAll()
	if err != nil {
		return nil, r.conn.handleError(err, "", nil, r.cursor, true)
	}
	r.softClose()
	rows := make([]*Row, 0, len(raws))
	for _, raw := range raws {
		row, err := r.makeRow(raw)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// First returns the first row, or nil, and closes the result.
func (r *Result) First() (*Row, error) {
	row, err := r.FetchOne()
	if err != nil {
		return nil, err
	}
	r.Close()
	return row, nil
}

// Scalar returns the first column of the first row (nil without rows) and
// closes the result.
func (r *Result) Scalar() (any, error) {
	row, err := r.First()
	if err != nil || row == nil {
		return nil, err
	}
	return row.Get(0)
}

// makeRow builds a Row from a DB-API row through the metadata's
// processors, as Row.__init__ does: SQLAlchemy's C extension refuses a row
// whose width differs from the processors'; the pure-Python Row zips them,
// so a narrower row is cut short and fails only when a missing column is
// read.
func (r *Result) makeRow(raw driver.Row) (*Row, error) {
	n := len(r.meta.index)
	if r.cext && len(raw) != n {
		return nil, exc.New(exc.RuntimeError, fmt.Sprintf(
			"number of values in row (%d) differ from number of column processors (%d)", len(raw), n))
	}
	data := []any(raw)
	if n > 0 && len(data) > n {
		data = data[:n]
	}
	return &Row{data: append([]any(nil), data...), meta: r.meta}, nil
}

// Row is a result row (SQLAlchemy's Row).
type Row struct {
	data []any
	meta *metadata
}

// Get returns the value at position i, as row[i] does: IndexError "tuple
// index out of range" past the row's end.
func (r *Row) Get(i int) (any, error) {
	if i < 0 {
		i += len(r.data)
	}
	if i < 0 || i >= len(r.data) {
		return nil, exc.New(exc.IndexError, "tuple index out of range")
	}
	return r.data[i], nil
}

// Key returns the value of the column with the given key, as
// row._mapping[key] does: the metadata says which position it reads (and
// that position may be past the row's end), and an unknown key is
// NoSuchColumnError.
func (r *Row) Key(key string) (any, error) {
	for i, k := range r.meta.keys {
		if k == key {
			return r.Get(r.meta.index[i])
		}
	}
	return nil, exc.New(exc.NoSuchColumnError, fmt.Sprintf("Could not locate column in row for column '%s'", key))
}

// Len is len(row).
func (r *Row) Len() int { return len(r.data) }

// Values returns the row's values.
func (r *Row) Values() []any { return append([]any(nil), r.data...) }

// String is repr(row).
func (r *Row) String() string {
	s := "("
	for i, v := range r.data {
		if i > 0 {
			s += ", "
		}
		s += pyRepr(v)
	}
	if len(r.data) == 1 {
		s += ","
	}
	return s + ")"
}
