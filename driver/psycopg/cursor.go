package psycopg

import (
	"fmt"
	"strconv"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/fakepg/libpq"
)

// Cursor is a psycopg2 cursor (cursorObject), unnamed (client-side).
//
// Invariants: tuples is the last result's rows while it had some
// (curs->pgres kept for fetching); notuples is false exactly when the
// last statement returned rows; row is the next row to fetch.
type Cursor struct {
	conn *Conn

	closed   bool
	notuples bool
	rowcount int
	row      int
	mark     int

	tuples      *tuples
	description []driver.Column

	query         string
	statusMessage string
}

// tuples is what a cursor keeps of a PGRES_TUPLES_OK result: the values
// as libpq received them and the column types that choose their casts.
type tuples struct {
	rows [][][]byte
	oids []uint32
}

var _ driver.Cursor = (*Cursor)(nil)

// checkClosed is EXC_IF_CURS_CLOSED.
func (cur *Cursor) checkClosed() error {
	if cur.conn == nil {
		return exception(InterfaceError, textNoConnection)
	}
	if cur.closed || cur.conn.closed > 0 {
		return exception(InterfaceError, textCursClosed)
	}
	return nil
}

// Execute is cursor.execute(query, vars). Without args vars is None and
// the query is sent as written (a %% stays %%); with args they are the
// positional vars tuple, or one Named argument is the vars mapping, and
// the query is interpolated client-side as psycopg2 does (see Mogrify).
// Outside autocommit psycopg2 first sends BEGIN if it has not begun a
// transaction; then PQexec runs the query with the connection's lock held.
func (cur *Cursor) Execute(query string, args ...any) error {
	if err := cur.checkClosed(); err != nil {
		return err
	}
	if query == "" {
		return exception(ProgrammingError, textEmptyQuery)
	}
	cur.tuples = nil
	cur.query = ""
	fquery := query
	if len(args) > 0 {
		q, err := mogrify(cur.conn, query, args)
		if err != nil {
			return err
		}
		fquery = q
	}
	cur.query = fquery
	return cur.pqExecute(fquery)
}

// pqExecute is pq_execute and _pq_execute_sync.
func (cur *Cursor) pqExecute(query string) error {
	c := cur.conn
	if c.pqStatus() != libpq.ConnectionOK {
		return exception(OperationalError, c.pqErrorMessage())
	}
	cur.tuples = nil
	c.lock()
	if !c.beginLocked() {
		c.unlock()
		return c.completeError()
	}
	c.pgres = c.pqExec(query)
	if c.pgres == nil {
		if c.pqStatus() == libpq.ConnectionBad {
			c.closed = 2
		}
		c.unlock()
		return exception(OperationalError, c.pqErrorMessage())
	}
	res := c.pgres
	c.pgres = nil
	c.noticeProcess()
	c.unlock()
	return cur.fetch(res)
}

// reset is curs_reset.
func (cur *Cursor) reset() {
	cur.notuples = true
	cur.rowcount = -1
	cur.row = 0
	cur.description = nil
}

// fetch is pq_fetch: it takes in the statement's result.
func (cur *Cursor) fetch(res *libpq.Result) error {
	cur.reset()
	if res == nil {
		return nil
	}
	cur.statusMessage = res.CmdStatus()
	switch st := res.Status(); st {
	case libpq.PGRES_COMMAND_OK:
		cur.readRowcount(res)
		return nil
	case libpq.PGRES_TUPLES_OK:
		cur.rowcount = res.NTuples()
		cur.fetchTuples(res)
		return nil
	case libpq.PGRES_EMPTY_QUERY:
		return exception(ProgrammingError, textEmptyQuery)
	case libpq.PGRES_BAD_RESPONSE, libpq.PGRES_NONFATAL_ERROR, libpq.PGRES_FATAL_ERROR:
		return cur.conn.raise(res)
	case libpq.PGRES_COPY_OUT:
		cur.rowcount = -1
		return exception(ProgrammingError, "can't execute COPY TO: use the copy_to() method instead")
	case libpq.PGRES_COPY_IN:
		cur.rowcount = -1
		return exception(ProgrammingError, "can't execute COPY FROM: use the copy_from() method instead")
	default:
		return exception(NotSupportedError, fmt.Sprintf("got server response with unsupported status %s", st))
	}
}

// readRowcount is _read_rowcount: PQcmdTuples, or -1.
func (cur *Cursor) readRowcount(res *libpq.Result) {
	n := res.CmdTuples()
	if n == "" {
		cur.rowcount = -1
		return
	}
	cur.rowcount = atol(n)
}

// atol is C's atol: leading digits, 0 if none.
func atol(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, _ := strconv.Atoi(s[:i])
	return n
}

// fetchTuples is _pq_fetch_tuples: with the connection's lock held it
// makes the description and chooses the casts.
func (cur *Cursor) fetchTuples(res *libpq.Result) {
	c := cur.conn
	c.lock()
	fields := res.Fields()
	cur.notuples = false
	desc := make([]driver.Column, len(fields))
	t := &tuples{rows: res.Rows(), oids: make([]uint32, len(fields))}
	for i, f := range fields {
		desc[i] = driver.Column{Name: string(f.Name), TypeOID: f.DataTypeOID}
		t.oids[i] = f.DataTypeOID
	}
	cur.description = desc
	cur.tuples = t
	c.unlock()
}

// prefetch is _psyco_curs_prefetch: a cursor without a result has none
// to fetch from.
func (cur *Cursor) prefetch() {
	if cur.tuples == nil {
		cur.reset()
	}
}

// FetchOne is cursor.fetchone(): the next row, nil at the end,
// ProgrammingError "no results to fetch" if the last statement returned
// no rows.
func (cur *Cursor) FetchOne() (driver.Row, error) {
	if err := cur.checkClosed(); err != nil {
		return nil, err
	}
	cur.prefetch()
	if cur.notuples {
		return nil, exception(ProgrammingError, textNoResults)
	}
	if cur.row >= cur.rowcount {
		return nil, nil
	}
	row, err := cur.buildRow(cur.row)
	cur.row++
	return row, err
}

// FetchMany is cursor.fetchmany(size): up to size rows (all remaining if
// size < 0).
func (cur *Cursor) FetchMany(size int) ([]driver.Row, error) {
	if err := cur.checkClosed(); err != nil {
		return nil, err
	}
	cur.prefetch()
	if cur.notuples {
		return nil, exception(ProgrammingError, textNoResults)
	}
	if size > cur.rowcount-cur.row || size < 0 {
		size = cur.rowcount - cur.row
	}
	return cur.buildRows(size)
}

// FetchAll is cursor.fetchall(): the remaining rows.
func (cur *Cursor) FetchAll() ([]driver.Row, error) {
	if err := cur.checkClosed(); err != nil {
		return nil, err
	}
	cur.prefetch()
	if cur.notuples {
		return nil, exception(ProgrammingError, textNoResults)
	}
	return cur.buildRows(cur.rowcount - cur.row)
}

func (cur *Cursor) buildRows(size int) ([]driver.Row, error) {
	if size <= 0 {
		return []driver.Row{}, nil
	}
	rows := make([]driver.Row, size)
	for i := range rows {
		row, err := cur.buildRow(cur.row)
		cur.row++
		if err != nil {
			return nil, err
		}
		rows[i] = row
	}
	return rows, nil
}

// buildRow is _psyco_curs_buildrow: the row's values through their casts.
// libpq keeps every row as wide as its columns; a missing value would
// read as NULL, as PQgetisnull answers out of range.
func (cur *Cursor) buildRow(i int) (driver.Row, error) {
	t := cur.tuples
	vals := t.rows[i]
	row := make(driver.Row, len(t.oids))
	for j, oid := range t.oids {
		var v []byte
		if j < len(vals) {
			v = vals[j]
		}
		x, err := typecast(oid, v)
		if err != nil {
			return nil, err
		}
		row[j] = x
	}
	return row, nil
}

// RowCount is cursor.rowcount.
func (cur *Cursor) RowCount() int { return cur.rowcount }

// RowNumber is cursor.rownumber: the index of the next row to fetch.
func (cur *Cursor) RowNumber() int { return cur.row }

// Description is cursor.description: nil unless the last statement
// returned rows.
func (cur *Cursor) Description() []driver.Column { return cur.description }

// Query is cursor.query: the last statement sent, after interpolation.
func (cur *Cursor) Query() string { return cur.query }

// StatusMessage is cursor.statusmessage: the last command tag.
func (cur *Cursor) StatusMessage() string { return cur.statusMessage }

// Connection is cursor.connection.
func (cur *Cursor) Connection() *Conn { return cur.conn }

// Closed is cursor.closed: the cursor or its connection is closed.
func (cur *Cursor) Closed() bool { return cur.closed || (cur.conn != nil && cur.conn.closed > 0) }

// Close is cursor.close().
func (cur *Cursor) Close() error {
	if cur.closed {
		return nil
	}
	cur.tuples = nil
	cur.closed = true
	return nil
}

// Mogrify is cursor.mogrify(query, vars): the query as Execute would
// send it.
func (cur *Cursor) Mogrify(query string, args ...any) (string, error) {
	if query == "" {
		return "", exception(ProgrammingError, textEmptyQuery)
	}
	if len(args) == 0 {
		return query, nil
	}
	return mogrify(cur.conn, query, args)
}
