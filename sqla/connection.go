package sqla

import (
	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/pool"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sqla/exc"
)

// Connection is SQLAlchemy 1.4's (legacy, non-future) Connection: a
// checked-out pool connection and the transaction begun on it.
//
// Transactions are psycopg2's: Begin sends nothing (the dialect's do_begin
// is a no-op) and the driver sends BEGIN before the first statement;
// Commit and Rollback call the DB-API connection's. A statement run
// without a begun transaction is committed right after when its text is
// DML or DDL (1.4's deprecated autocommit, decided by the PostgreSQL
// dialect's AUTOCOMMIT_REGEXP); otherwise the implicit transaction stays
// open until Close, whose reset on return rolls it back.
//
// Invariant: fairy (or raw, for the first connect's Connection) is the
// DB-API connection; both nil means closed when canReconnect is false and
// invalidated when it is true.
type Connection struct {
	engine       *Engine
	fairy        *pool.Fairy
	raw          driver.Conn
	transaction  *Transaction
	canReconnect bool
}

// Engine returns the connection's engine.
func (c *Connection) Engine() *Engine { return c.engine }

func (c *Connection) held() bool { return c.fairy != nil || c.raw != nil }

// Closed reports whether the connection was closed.
func (c *Connection) Closed() bool { return !c.held() && !c.canReconnect }

// Invalidated reports whether the connection was invalidated (its DB-API
// connection discarded after a disconnect).
func (c *Connection) Invalidated() bool { return !c.held() && !c.Closed() }

// dbapi returns the DB-API connection, nil when there is none.
func (c *Connection) dbapi() driver.Conn {
	if c.raw != nil {
		return c.raw
	}
	if c.fairy != nil {
		return c.fairy.Conn()
	}
	return nil
}

// DBAPI returns the DB-API connection (connection.connection.
// dbapi_connection), nil when closed or invalidated.
func (c *Connection) DBAPI() driver.Conn { return c.dbapi() }

// Fairy returns the pool's checkout the connection uses (connection.
// connection), nil when closed or invalidated.
func (c *Connection) Fairy() *pool.Fairy { return c.fairy }

func (c *Connection) stillValid() bool {
	return c.raw != nil || (c.fairy != nil && c.fairy.IsValid())
}

// revalidate is _revalidate_connection.
func (c *Connection) revalidate() error {
	if c.canReconnect && c.Invalidated() {
		if c.transaction != nil {
			return c.invalidTransaction()
		}
		f, err := c.engine.rawConnection(c)
		if err != nil {
			return err
		}
		c.fairy = f
		return nil
	}
	return exc.New(exc.ResourceClosedError, "This Connection is closed")
}

// invalidTransaction is _invalid_transaction.
func (c *Connection) invalidTransaction() error {
	if c.Invalidated() {
		return exc.WithCode(exc.PendingRollbackError, "Can't reconnect until invalid transaction is rolled back.", "8s2b")
	}
	return exc.WithCode(exc.PendingRollbackError, "This connection is on an inactive transaction.  Please rollback() fully before proceeding.", "8s2a")
}

// InTransaction reports whether a transaction was begun and is active.
func (c *Connection) InTransaction() bool { return c.transaction != nil && c.transaction.active }

// Begin begins a transaction: a RootTransaction, or, inside one, a
// MarkerTransaction (1.4's deprecated nesting) whose commit does nothing.
func (c *Connection) Begin() (*Transaction, error) {
	if c.transaction == nil {
		// do_begin is a no-op for psycopg2: the driver begins on its own
		// before the next statement.
		c.transaction = &Transaction{conn: c, root: true, active: true}
		return c.transaction, nil
	}
	if !c.transaction.active {
		return nil, exc.New(exc.InvalidRequestError, "the current transaction on this connection is inactive.  Please issue a rollback first.")
	}
	return &Transaction{conn: c, parent: c.transaction, active: true}, nil
}

// Execute runs a statement with bound parameters (Connection.execute).
func (c *Connection) Execute(stmt Executable, params ...Param) (*Result, error) {
	comp := c.engine.compiledFor(stmt)
	return c.execute(comp, comp.pyformat, params)
}

// ExecDriverSQL runs a statement in the driver's own paramstyle
// (Connection.exec_driver_sql): %(name)s placeholders.
func (c *Connection) ExecDriverSQL(sql string, params ...Param) (*Result, error) {
	return c.execute(nil, sql, params)
}

// scalarDriverSQL is exec_driver_sql(sql).scalar().
func (c *Connection) scalarDriverSQL(sql string) (any, error) {
	r, err := c.ExecDriverSQL(sql)
	if err != nil {
		return nil, err
	}
	return r.Scalar()
}

// execute is _execute_context.
func (c *Connection) execute(comp *compiled, statement string, params []Param) (*Result, error) {
	if !c.held() {
		if err := c.revalidate(); err != nil {
			if exc.IsA(err, exc.PendingRollbackError) || exc.IsA(err, exc.ResourceClosedError) {
				return nil, err
			}
			return nil, c.handleError(err, statement, params, nil, false)
		}
	}
	// The execution context: parameters and a cursor.
	var sql string
	var args []any
	shown := params
	if comp != nil {
		var err error
		if args, shown, err = comp.bindValues(params); err != nil {
			return nil, c.handleError(err, statement, params, nil, false)
		}
		sql = comp.format
	} else {
		sql, args = driverSQL(statement, params)
	}
	cur, err := c.dbapi().Cursor()
	if err != nil {
		return nil, c.handleError(err, statement, params, nil, false)
	}
	if c.transaction != nil && !c.transaction.active {
		return nil, c.invalidTransaction()
	}
	if err := cur.Execute(sql, args...); err != nil {
		return nil, c.handleError(err, statement, shown, cur, true)
	}
	res := &Result{conn: c, cursor: cur, rowcount: cur.RowCount(), cext: c.engine.cext}
	if desc := cur.Description(); desc != nil {
		if comp != nil && comp.cachedMeta != nil {
			res.meta = comp.cachedMeta
		} else {
			res.meta = newMetadata(comp, desc)
			if comp != nil && res.meta.safeForCache {
				comp.cachedMeta = res.meta
			}
		}
	} else {
		res.softClose()
	}
	if c.transaction == nil && c.shouldAutocommit(comp, statement) {
		if err := c.commitImpl(); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// shouldAutocommit is the execution context's should_autocommit: text()
// and driver SQL by the dialect's regular expression, select() never.
func (c *Connection) shouldAutocommit(comp *compiled, statement string) bool {
	if comp != nil && !comp.parseAutocommit {
		return false
	}
	return pgAutocommitRE.MatchString(statement)
}

// handleError is _handle_dbapi_exception: wrap the error, decide whether
// it is a disconnect (then invalidate the pool and this connection), and
// otherwise close the cursor and roll back a transaction the connection
// did not begin. withContext says an execution context existed.
func (c *Connection) handleError(err error, statement string, params []Param, cur driver.Cursor, withContext bool) error {
	dbapiErr := isDBAPIError(err)
	var conn driver.Conn
	if !c.Invalidated() {
		conn = c.dbapi()
	}
	disconnect := dbapiErr && !c.Closed() && c.engine.dialect.IsDisconnect(err, conn)
	var wrapped error = err
	if dbapiErr || (statement != "" && !withContext) {
		wrapped = wrapDBAPI(statement, statement != "", params, err, disconnect, c.engine.dialect.HideParameters)
	}
	if !disconnect {
		if cur != nil {
			_ = cur.Close()
		}
		if !c.InTransaction() {
			_ = c.rollbackImpl() // safe_reraise(warn_only=True)
		}
	} else if !c.Invalidated() {
		// The first connect's raw DB-API connection has no record and no
		// is_valid: the pool's invalidation time moves, nothing is closed.
		c.engine.pool.Invalidate(c.fairy, err, true)
		_ = c.Invalidate(err)
	}
	return wrapped
}

// commitImpl is _commit_impl.
func (c *Connection) commitImpl() error {
	conn, err := c.connection()
	if err == nil {
		err = c.engine.dialect.DoCommit(conn)
	}
	if err != nil {
		return c.handleError(err, "", nil, nil, false)
	}
	return nil
}

// rollbackImpl is _rollback_impl: nothing when the DB-API connection is
// gone.
func (c *Connection) rollbackImpl() error {
	if !c.held() || !c.stillValid() {
		return nil
	}
	if err := c.engine.dialect.DoRollback(c.dbapi()); err != nil {
		return c.handleError(err, "", nil, nil, false)
	}
	return nil
}

// connection is the connection property: the DB-API connection, procured
// again after an invalidation.
func (c *Connection) connection() (driver.Conn, error) {
	if !c.held() {
		if err := c.revalidate(); err != nil {
			return nil, err
		}
	}
	return c.dbapi(), nil
}

// Invalidate discards the DB-API connection (closing it) and checks it in
// (Connection.invalidate); the next use reconnects unless a transaction is
// still open.
func (c *Connection) Invalidate(err error) error {
	if c.Invalidated() {
		return nil
	}
	if c.Closed() {
		return exc.New(exc.ResourceClosedError, "This Connection is closed")
	}
	if c.fairy != nil && c.stillValid() {
		_ = c.fairy.Invalidate(err, false)
	}
	c.fairy, c.raw = nil, nil
	return nil
}

// Close closes the connection: the transaction is rolled back if still
// active (and reset on return then skipped), and the DB-API connection
// goes back to the pool. The error is one the pool raises at checkin
// (AssertionPool's).
func (c *Connection) Close() error {
	skipReset := false
	if c.transaction != nil {
		c.transaction.close()
		skipReset = true
	}
	var err error
	if c.fairy != nil {
		if skipReset {
			err = c.fairy.CloseSpecial(true)
		} else {
			err = c.fairy.Close()
		}
		c.fairy = nil
	}
	c.raw = nil
	c.canReconnect = false
	return err
}

// CopyInto returns the connection's copy for the fork c makes, with its
// engine's, its checkout's and its transaction's.
func (c *Connection) CopyInto(cp *procmem.Copier) *Connection {
	return procmem.Copy(cp, c, func() *Connection {
		n := &Connection{canReconnect: c.canReconnect}
		procmem.Register(cp, c, n)
		n.engine = c.engine.CopyInto(cp)
		if c.fairy != nil {
			n.fairy = c.fairy.CopyInto(cp)
		}
		if c.raw != nil {
			n.raw = c.raw.CopyInto(cp)
		}
		n.transaction = c.transaction.copyInto(cp)
		return n
	})
}
