package rawpq

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/pqconn"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// Class is the Class of every error this driver returns.
const Class = "libpq"

// Options instrument connections (as in driver/psycopg).
type Options struct {
	// Observe, when not nil, gives the consume hook to install on each
	// new connection before its startup exchange.
	Observe func(sock *sim.Conn) func(libpq.Consumed)
	// OnSend, when not nil, receives every chunk of bytes a connection
	// writes. Forked copies keep it.
	OnSend func(p []byte)
}

// Driver opens libpq connections.
type Driver struct {
	Options
}

var _ driver.Driver = Driver{}

// Name returns "libpq".
func (Driver) Name() string { return "libpq" }

// Connect is PQconnectdb.
func (d Driver) Connect(t driver.Target) (driver.Conn, error) {
	c, err := d.Open(t)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Open is PQconnectdb returning the concrete connection; a failure carries
// PQerrorMessage.
func (d Driver) Open(t driver.Target) (*Conn, error) {
	pg, sock, key, err := pqconn.Open(t, pqconn.Hooks{Observe: d.Observe, OnSend: d.OnSend})
	if err != nil {
		return nil, &driver.Error{Class: Class, Base: "OperationalError", Message: err.Error()}
	}
	return &Conn{w: t.World, addr: t.Addr, pg: pg, sock: sock, key: key}, nil
}

// Conn is a PGconn in the memory of the process that opened it.
type Conn struct {
	w        *sim.World
	addr     string
	pg       *libpq.Conn
	sock     *pqconn.Socket
	key      pqconn.Key
	finished bool
}

var _ driver.Conn = (*Conn)(nil)

// connError is the error for a command PQexec could not run: libpq's
// connection error message.
func (c *Conn) connError() *driver.Error {
	base := "DatabaseError"
	if c.pg.Status() == libpq.ConnectionBad {
		base = "OperationalError"
	}
	return &driver.Error{Class: Class, Base: base, Message: c.pg.ErrorMessage()}
}

// resultError is the error of a failed result: PQresultErrorMessage, its
// SQLSTATE, and the DB-API class that SQLSTATE belongs to.
func (c *Conn) resultError(res *libpq.Result) *driver.Error {
	code := res.ErrorField('C')
	base := "DatabaseError"
	switch {
	case code != "":
		base = pqconn.DBAPIBase(pqconn.BaseException(code))
	case c.pg.Status() == libpq.ConnectionBad:
		base = "OperationalError"
	}
	msg := res.ErrorMessage()
	if msg == "" {
		msg = fmt.Sprintf("unexpected result status %s", res.Status())
	}
	return &driver.Error{Class: Class, Base: base, Message: msg, PgCode: code}
}

// command runs a transaction-control command, which must answer
// PGRES_COMMAND_OK.
func (c *Conn) command(q string) error {
	res := c.pg.Exec(q)
	if res == nil {
		return c.connError()
	}
	if res.Status() != libpq.PGRES_COMMAND_OK {
		return c.resultError(res)
	}
	return nil
}

// Cursor returns a cursor on the connection.
func (c *Conn) Cursor() (driver.Cursor, error) { return &Cursor{conn: c, rowcount: -1}, nil }

// Commit sends COMMIT if a transaction is open (PQtransactionStatus
// INTRANS or INERROR); libpq itself never began one.
func (c *Conn) Commit() error {
	if !c.InTransaction() {
		return nil
	}
	return c.command("COMMIT")
}

// Rollback sends ROLLBACK if a transaction is open.
func (c *Conn) Rollback() error {
	if !c.InTransaction() {
		return nil
	}
	return c.command("ROLLBACK")
}

// Close is PQfinish: Terminate if the connection is good, then the
// descriptor is closed. Later use fails with libpq's "no connection to
// the server".
func (c *Conn) Close() error {
	if c.finished {
		return nil
	}
	c.finished = true
	c.pg.Finish()
	return nil
}

// Closed reports whether the connection was finished or is bad.
func (c *Conn) Closed() bool { return c.finished || c.pg.Status() == libpq.ConnectionBad }

// Autocommit is always true: libpq has no implicit transactions.
func (c *Conn) Autocommit() bool { return true }

// SetAutocommit accepts only true: a libpq program that wants a
// transaction runs BEGIN itself.
func (c *Conn) SetAutocommit(on bool) error {
	if on {
		return nil
	}
	return &driver.Error{Class: Class, Base: "NotSupportedError", Message: "libpq has no implicit transactions: run BEGIN"}
}

// InTransaction reports whether PQtransactionStatus is INTRANS or INERROR.
func (c *Conn) InTransaction() bool {
	ts := c.pg.TransactionStatus()
	return ts == libpq.PQTRANS_INTRANS || ts == libpq.PQTRANS_INERROR
}

// BackendPID is PQbackendPID.
func (c *Conn) BackendPID() int32 { return c.pg.BackendPID() }

// Cancel is PQcancel with the key the connection received.
func (c *Conn) Cancel() error {
	if text := pqconn.Cancel(c.w, c.addr, c.key); text != "" {
		return &driver.Error{Class: Class, Base: "OperationalError", Message: text}
	}
	return nil
}

// PGconn returns the libpq connection.
func (c *Conn) PGconn() *libpq.Conn { return c.pg }

// Socket returns the descriptor libpq uses, nil once libpq closed it.
func (c *Conn) Socket() *sim.Conn { return c.sock.Conn() }

// CopyInto returns the connection as a forked child holds it: libpq's
// Fork of the PGconn over the child's descriptor of the same socket.
func (c *Conn) CopyInto(cp *procmem.Copier) driver.Conn { return c.Copy(cp) }

// Copy is CopyInto returning the concrete connection.
func (c *Conn) Copy(cp *procmem.Copier) *Conn {
	return procmem.Copy(cp, c, func() *Conn {
		n := *c
		n.sock = c.sock.In(cp.Child)
		n.pg = c.pg.Fork(n.sock)
		return &n
	})
}

// Cursor runs statements and holds the last one's rows.
type Cursor struct {
	conn     *Conn
	closed   bool
	rows     [][][]byte
	oids     []uint32
	desc     []driver.Column
	row      int
	rowcount int
}

var _ driver.Cursor = (*Cursor)(nil)

// Execute runs a statement: PQexec without args, PQexecParams with them
// ($1, $2, ... as text; nil is NULL).
func (cur *Cursor) Execute(query string, args ...any) error {
	if cur.closed {
		return &driver.Error{Class: Class, Base: "InterfaceError", Message: "cursor already closed"}
	}
	c := cur.conn
	cur.rows, cur.oids, cur.desc, cur.row, cur.rowcount = nil, nil, nil, 0, -1
	var res *libpq.Result
	if len(args) == 0 {
		res = c.pg.Exec(query)
	} else {
		params := make([]*string, len(args))
		for i, a := range args {
			p, err := param(a)
			if err != nil {
				return err
			}
			params[i] = p
		}
		res = c.pg.ExecParams(query, params, 0)
	}
	if res == nil {
		return c.connError()
	}
	switch res.Status() {
	case libpq.PGRES_COMMAND_OK:
		if n, err := strconv.Atoi(res.CmdTuples()); err == nil {
			cur.rowcount = n
		}
	case libpq.PGRES_TUPLES_OK:
		cur.rows = res.Rows()
		for _, f := range res.Fields() {
			cur.oids = append(cur.oids, f.DataTypeOID)
			cur.desc = append(cur.desc, driver.Column{Name: string(f.Name), TypeOID: f.DataTypeOID})
		}
		cur.rowcount = len(cur.rows)
	case libpq.PGRES_EMPTY_QUERY:
	default:
		return c.resultError(res)
	}
	return nil
}

// param is a value in PostgreSQL's text input form.
func param(a any) (*string, error) {
	var s string
	switch x := a.(type) {
	case nil:
		return nil, nil
	case string:
		s = x
	case []byte:
		s = fmt.Sprintf(`\x%x`, x)
	case bool:
		s = strconv.FormatBool(x)
	case int:
		s = strconv.Itoa(x)
	case int32:
		s = strconv.FormatInt(int64(x), 10)
	case int64:
		s = strconv.FormatInt(x, 10)
	case uint64:
		s = strconv.FormatUint(x, 10)
	case float64:
		s = formatFloat(x)
	case *big.Int:
		s = x.String()
	case driver.Numeric:
		s = string(x)
	default:
		return nil, &driver.Error{Class: Class, Base: "ProgrammingError", Message: fmt.Sprintf("cannot send a parameter of type %T", a)}
	}
	return &s, nil
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// FetchOne returns the next row, nil at the end or when the last
// statement returned none.
func (cur *Cursor) FetchOne() (driver.Row, error) {
	if cur.row >= len(cur.rows) {
		return nil, nil
	}
	r := cur.convert(cur.rows[cur.row])
	cur.row++
	return r, nil
}

// FetchAll returns the remaining rows.
func (cur *Cursor) FetchAll() ([]driver.Row, error) {
	out := []driver.Row{}
	for cur.row < len(cur.rows) {
		out = append(out, cur.convert(cur.rows[cur.row]))
		cur.row++
	}
	return out, nil
}

// convert turns PQgetvalue's texts into driver.Row values, as a C program
// reading them with strtoll and strtod would: a text the type's reader
// cannot take whole is handed over as the text itself.
func (cur *Cursor) convert(vals [][]byte) driver.Row {
	row := make(driver.Row, len(cur.oids))
	for i, oid := range cur.oids {
		if i >= len(vals) || vals[i] == nil {
			continue
		}
		s := string(vals[i])
		row[i] = s
		switch oid {
		case 20, 21, 23, 26:
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				row[i] = n
			}
		case 700, 701:
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				row[i] = f
			}
		case 1700:
			row[i] = driver.Numeric(s)
		case 16:
			switch s {
			case "t":
				row[i] = true
			case "f":
				row[i] = false
			}
		}
	}
	return row
}

// Copy returns the cursor as a forked child holds it: its rows copied,
// its connection the child's copy.
func (cur *Cursor) Copy(cp *procmem.Copier) *Cursor {
	return procmem.Copy(cp, cur, func() *Cursor {
		n := *cur
		n.conn = cur.conn.Copy(cp)
		n.oids = slices.Clone(cur.oids)
		n.desc = slices.Clone(cur.desc)
		n.rows = make([][][]byte, len(cur.rows))
		for i, row := range cur.rows {
			r := make([][]byte, len(row))
			for j, v := range row {
				if v != nil {
					r[j] = append(make([]byte, 0, len(v)), v...)
				}
			}
			n.rows[i] = r
		}
		return &n
	})
}

// RowCount is the number of rows returned or affected, -1 if unknown.
func (cur *Cursor) RowCount() int { return cur.rowcount }

// Description describes the last statement's columns.
func (cur *Cursor) Description() []driver.Column { return cur.desc }

// Close closes the cursor.
func (cur *Cursor) Close() error {
	cur.closed = true
	cur.rows = nil
	return nil
}
