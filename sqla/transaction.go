package sqla

import (
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sqla/exc"
)

// Transaction is a transaction begun on a Connection: the root
// transaction (RootTransaction), whose Commit sends COMMIT and Rollback
// ROLLBACK through the DB-API connection, or a marker for a nested
// Begin (MarkerTransaction), whose Commit does nothing and whose Rollback
// rolls the root back.
type Transaction struct {
	conn   *Connection
	root   bool
	parent *Transaction // the root, for a marker
	active bool
}

// IsActive reports whether the transaction is active.
func (t *Transaction) IsActive() bool {
	if t.root {
		return t.active
	}
	return t.active && t.parent.active
}

// Commit commits: COMMIT for the root (the transaction stays the
// connection's, inactive, when the commit fails, so that a rollback must
// follow), nothing for a marker.
func (t *Transaction) Commit() error {
	if !t.root {
		t.active = false
		return nil
	}
	c := t.conn
	if !t.active {
		if c.transaction == t {
			return c.invalidTransaction()
		}
		return exc.New(exc.InvalidRequestError, "This transaction is inactive")
	}
	err := c.commitImpl()
	t.active = false
	if err != nil {
		return err
	}
	c.transaction = nil
	return nil
}

// Rollback rolls back (ROLLBACK when the DB-API connection is valid and
// in a transaction) and ends the transaction.
func (t *Transaction) Rollback() error {
	if !t.root {
		if t.active {
			t.active = false
			return t.parent.deactivate()
		}
		return nil
	}
	return t.closeImpl()
}

// deactivate is RootTransaction._do_deactivate: roll back, stay the
// connection's transaction, inactive.
func (t *Transaction) deactivate() error {
	var err error
	if t.active {
		err = t.conn.rollbackImpl()
	}
	t.active = false
	return err
}

// close is Transaction.close: a root rolls back if still active.
func (t *Transaction) close() {
	if !t.root {
		t.active = false
		return
	}
	_ = t.closeImpl()
}

// closeImpl is RootTransaction._close_impl.
func (t *Transaction) closeImpl() error {
	var err error
	if t.active {
		err = t.conn.rollbackImpl()
	}
	t.active = false
	if t.conn.transaction == t {
		t.conn.transaction = nil
	}
	return err
}

func (t *Transaction) copyInto(c *procmem.Copier) *Transaction {
	return procmem.Copy(c, t, func() *Transaction {
		n := &Transaction{root: t.root, active: t.active}
		procmem.Register(c, t, n)
		n.conn = t.conn.CopyInto(c)
		n.parent = t.parent.copyInto(c)
		return n
	})
}
