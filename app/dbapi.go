package app

import (
	"errors"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/procmem"
)

// DBAPI is an application without a pool or SQLAlchemy: one DB-API
// connection of the driver, opened at load, on which every request runs
// its statements with a cursor of its own and ends each transaction with
// the connection's commit or rollback — what a script that shares one
// psycopg2 connection between its threads does. It stands for the
// memory of the process that opened the connection.
type DBAPI struct {
	env  Env
	conn driver.Conn
}

// LoadDBAPI returns the loader of a DBAPI application connecting with drv
// as user.
func LoadDBAPI(env Env, drv driver.Driver, user string) Loader {
	return func() Application {
		a := &DBAPI{env: env}
		c, err := drv.Connect(driver.Target{World: env.W, Addr: DatabaseAddr, Params: map[string]string{"user": user, "dbname": "postgres"}})
		if err != nil {
			text, class := ErrorText(err)
			env.Log.Printf(Error, "%s: %s", class, text)
			return a
		}
		a.conn = c
		return a
	}
}

// Conn returns the shared connection (nil if connecting failed).
func (a *DBAPI) Conn() driver.Conn { return a.conn }

// Serve runs the request's statements on the shared connection.
func (a *DBAPI) Serve(r *Request) error {
	if a.conn == nil {
		return errNoConnection
	}
	var err error
	if r.Autocommit != nil {
		err = a.transaction(r.ID, -1, Transaction{Statements: []Statement{*r.Autocommit}})
	} else {
		for i, t := range r.Transactions {
			if err = a.transaction(r.ID, i, t); err != nil {
				break
			}
		}
	}
	return err
}

// errNoConnection is what a request raises when connecting failed at
// load.
var errNoConnection = errors.New("NameError: name 'conn' is not defined")

// transaction runs t's statements, then commit (or rollback); a failed
// statement rolls back.
func (a *DBAPI) transaction(id, txn int, t Transaction) error {
	rec := a.env.Rec
	for _, st := range t.Statements {
		op := rec.Call(id, txn, st, txn < 0)
		rows, rc, err := a.execute(st.SQL)
		op.Backend = a.conn.BackendPID()
		rec.Return(op, rows, rc, err)
		if err != nil {
			a.end(id, txn, OpRollback, a.conn.Rollback)
			return err
		}
	}
	if t.Rollback {
		return a.end(id, txn, OpRollback, a.conn.Rollback)
	}
	return a.end(id, txn, OpCommit, a.conn.Commit)
}

// execute runs sql on a new cursor and fetches its rows.
func (a *DBAPI) execute(sql string) ([]driver.Row, int, error) {
	cur, err := a.conn.Cursor()
	if err != nil {
		return nil, -1, err
	}
	defer cur.Close()
	if err := cur.Execute(sql); err != nil {
		return nil, cur.RowCount(), err
	}
	if cur.Description() == nil {
		return nil, cur.RowCount(), nil
	}
	rows, err := cur.FetchAll()
	if rows == nil && err == nil {
		rows = []driver.Row{}
	}
	return rows, cur.RowCount(), err
}

// end records a commit or rollback.
func (a *DBAPI) end(id, txn int, kind OpKind, fn func() error) error {
	op := a.env.Rec.Call(id, txn, Statement{Kind: kind, SQL: kind.String()}, false)
	err := fn()
	op.Backend = a.conn.BackendPID()
	a.env.Rec.Return(op, nil, -1, err)
	return err
}

// Hook does nothing: there is no engine.
func (a *DBAPI) Hook(Hook) {}

// CopyInto copies the application (its connection) for a forked child.
func (a *DBAPI) CopyInto(c *procmem.Copier) Application {
	return procmem.Copy(c, Application(a), func() Application {
		n := &DBAPI{env: a.env}
		if a.conn != nil {
			n.conn = a.conn.CopyInto(c)
		}
		return n
	})
}
