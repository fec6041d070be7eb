package pool

import (
	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/sqla/exc"
)

// Fairy is SQLAlchemy's _ConnectionFairy: a checked-out connection, valid
// from Pool.Connect until its Close returns it to the pool.
//
// Invariant: counter counts the Connect calls of one thread that share
// this checkout (SingletonThreadPool); the checkin happens when it drops
// to zero. conn is nil once the fairy is checked in or invalidated.
type Fairy struct {
	pool    *Pool
	rec     *Record
	conn    driver.Conn
	counter int
}

// Conn returns the checked-out DB-API connection (dbapi_connection), nil
// after Close or Invalidate.
func (f *Fairy) Conn() driver.Conn { return f.conn }

// SetConn replaces the fairy's DB-API connection without closing it: the
// pid-check recipe's connection_proxy.dbapi_connection = None.
func (f *Fairy) SetConn(c driver.Conn) { f.conn = c }

// Record returns the fairy's connection record, nil after checkin.
func (f *Fairy) Record() *Record { return f.rec }

// Pool returns the pool the fairy was checked out from.
func (f *Fairy) Pool() *Pool { return f.pool }

// IsValid reports whether the fairy still refers to a DB-API connection.
func (f *Fairy) IsValid() bool { return f.conn != nil }

// Info is the record's info dictionary.
func (f *Fairy) Info() map[string]any { return f.rec.Info() }

// Close returns the connection to the pool, after reset on return (a
// rollback by default), unless another Connect of the same thread shares
// the checkout. The error is one the design raises at checkin
// (AssertionPool's).
func (f *Fairy) Close() error {
	f.counter--
	if f.counter == 0 {
		return f.checkin(false)
	}
	return nil
}

// CloseSpecial is Close for a connection whose transaction the caller has
// already ended (_close_special): with transactionReset the rollback of
// reset on return is skipped.
func (f *Fairy) CloseSpecial(transactionReset bool) error {
	f.counter--
	if f.counter == 0 {
		return f.checkin(transactionReset)
	}
	return nil
}

// Invalidate closes the DB-API connection and checks the fairy in; the
// record connects again at its next checkout. With soft the connection is
// only marked to be replaced at its next checkout.
func (f *Fairy) Invalidate(err error, soft bool) error {
	if f.conn == nil {
		return nil // SQLAlchemy warns "Can't invalidate an already-closed connection."
	}
	if f.rec != nil {
		f.rec.Invalidate(err, soft)
	}
	if !soft {
		f.conn = nil
		return f.checkin(false)
	}
	return nil
}

// checkin is _ConnectionFairy._checkin, through _finalize_fairy.
func (f *Fairy) checkin(transactionWasReset bool) error {
	r := f.rec
	if f.conn != nil {
		if err := f.reset(transactionWasReset); err != nil && r != nil {
			// An error during reset invalidates the record; SQLAlchemy
			// logs it and goes on.
			r.Invalidate(err, false)
		}
	}
	f.conn = nil
	f.rec = nil
	if r != nil && r.fairy != nil {
		return r.checkin(true)
	}
	return nil
}

// reset is _ConnectionFairy._reset: reset on return.
func (f *Fairy) reset(transactionWasReset bool) error {
	p := f.pool
	switch p.opts.ResetOnReturn {
	case ResetRollback:
		if !transactionWasReset {
			return p.dialect.DoRollback(f.conn)
		}
	case ResetCommit:
		return p.dialect.DoCommit(f.conn)
	}
	return nil
}

// checkout is _ConnectionFairy._checkout: take a record (or reuse fairy),
// then, the first time, pre-ping it and run the checkout event, replacing
// the connection on a disconnection (two attempts).
func (p *Pool) checkout(threadconns *ThreadLocal[*Fairy], fairy *Fairy) (*Fairy, error) {
	if fairy == nil {
		var err error
		if fairy, err = p.checkoutRecord(); err != nil {
			return nil, err
		}
		fairy.counter = 0
		if threadconns != nil {
			threadconns.Set(p.w, fairy)
		}
	}
	if fairy.conn == nil {
		return nil, exc.New(exc.InvalidRequestError, "This connection is closed")
	}
	fairy.counter++
	if (len(p.events.checkout) == 0 && !p.opts.PrePing) || fairy.counter != 1 {
		return fairy, nil
	}
	for attempts := 2; attempts > 0; {
		rec := fairy.rec
		fresh := rec.fresh
		rec.fresh = false
		err := p.pingAndDispatch(fairy, fresh)
		if err == nil {
			return fairy, nil
		}
		if !exc.IsA(err, exc.DisconnectionError) {
			if r := fairy.rec; r != nil {
				r.checkinFailed(err, true)
			}
			return nil, err
		}
		rec.Invalidate(err, false)
		if e, ok := exc.As(err); ok && e.InvalidatePool {
			p.Invalidate(fairy, err, false)
		}
		c, cerr := rec.getConnection()
		if cerr != nil {
			rec.checkinFailed(cerr, true)
			return nil, cerr
		}
		fairy.conn = c
		attempts--
	}
	_ = fairy.Invalidate(nil, false)
	return nil, exc.New(exc.InvalidRequestError, "This connection is closed")
}

// pingAndDispatch is the body of the checkout loop: the pre-ping of a
// connection that is not fresh, then the checkout event.
func (p *Pool) pingAndDispatch(f *Fairy, fresh bool) error {
	if p.opts.PrePing && !fresh {
		ok, err := p.dialect.DoPing(f.conn)
		if err != nil {
			return err
		}
		if !ok {
			return &exc.Error{Class: exc.InvalidatePoolError, NoArgs: true, InvalidatePool: true}
		}
	}
	return p.dispatchCheckout(f.conn, f.rec, f)
}
