package sqla

import (
	"github.com/poolsim/poolsim/procmem"
)

// Session is SQLAlchemy 1.4's ORM Session in its default (legacy,
// autocommit=False) mode, for the statements it executes: the first
// statement begins a session transaction, which checks a Connection out
// of the engine and begins a transaction on it; Commit commits it and
// Rollback rolls it back, and either then closes the Connection (back to
// the pool); Close rolls back what is open and returns the Connection.
// The Connection is held from the first statement to the end of the
// transaction.
type Session struct {
	engine *Engine
	tx     *sessionTx
}

// sessionTx is a SessionTransaction with its one connection.
type sessionTx struct {
	conn  *Connection
	trans *Transaction
}

// NewSession returns Session(bind=engine).
func NewSession(e *Engine) *Session { return &Session{engine: e} }

// Engine returns the session's bind.
func (s *Session) Engine() *Engine { return s.engine }

// Connection returns the connection the session's transaction holds,
// checking one out (and beginning) if there is none: session.connection().
func (s *Session) Connection() (*Connection, error) {
	if s.tx == nil {
		s.tx = &sessionTx{}
	}
	if s.tx.conn == nil {
		c, err := s.engine.Connect()
		if err != nil {
			return nil, err
		}
		t, err := c.Begin()
		if err != nil {
			_ = c.Close()
			return nil, err
		}
		s.tx.conn, s.tx.trans = c, t
	}
	return s.tx.conn, nil
}

// Holds reports whether the session holds a checked-out connection.
func (s *Session) Holds() bool { return s.tx != nil && s.tx.conn != nil }

// Execute runs a statement in the session's transaction (session.execute).
func (s *Session) Execute(stmt Executable, params ...Param) (*Result, error) {
	c, err := s.Connection()
	if err != nil {
		return nil, err
	}
	return c.Execute(stmt, params...)
}

// Commit commits the transaction (COMMIT if a connection was used) and
// returns the connection to the pool.
func (s *Session) Commit() error {
	tx := s.tx
	if tx == nil {
		return nil
	}
	var err error
	if tx.trans != nil && tx.trans.IsActive() {
		err = tx.trans.Commit()
	}
	if err != nil {
		return err // the transaction stays: a rollback must follow
	}
	return s.closeTx()
}

// Rollback rolls the transaction back and returns the connection.
func (s *Session) Rollback() error {
	tx := s.tx
	if tx == nil {
		return nil
	}
	var err error
	if tx.trans != nil {
		err = tx.trans.Rollback()
	}
	if cerr := s.closeTx(); err == nil {
		err = cerr
	}
	return err
}

// Close ends the session's transaction, rolling back what is open, and
// returns the connection to the pool.
func (s *Session) Close() error { return s.closeTx() }

// closeTx is SessionTransaction.close: an active transaction is closed
// (rolled back), then the connection it opened is closed.
func (s *Session) closeTx() error {
	tx := s.tx
	s.tx = nil
	if tx == nil || tx.conn == nil {
		return nil
	}
	if tx.trans != nil && tx.trans.IsActive() {
		tx.trans.close()
	}
	return tx.conn.Close()
}

// CopyInto returns the session's copy for the fork c makes: its engine's
// copy and, if it holds one, its connection's — still checked out, in the
// child as in the parent, on the same socket.
func (s *Session) CopyInto(c *procmem.Copier) *Session {
	return procmem.Copy(c, s, func() *Session {
		n := &Session{}
		procmem.Register(c, s, n)
		n.engine = s.engine.CopyInto(c)
		if s.tx != nil {
			n.tx = &sessionTx{conn: s.tx.conn.CopyInto(c), trans: s.tx.trans.copyInto(c)}
		}
		return n
	})
}
