package pool

import (
	"time"

	"github.com/poolsim/poolsim/driver"
)

// Record is SQLAlchemy's _ConnectionRecord: the pool's entry for one
// DB-API connection, which outlives the connection when it is invalidated
// (the next checkout of the record connects again).
//
// Invariant: fairy is the checkout using the record, nil while the record
// is checked in; conn is nil after an invalidation until the record
// connects again.
type Record struct {
	pool  *Pool
	conn  driver.Conn
	info  map[string]any // lives as long as the DB-API connection
	rinfo map[string]any // lives as long as the record
	start Stamp          // starttime: when conn was opened
	soft  Stamp          // _soft_invalidate_time
	fresh bool           // conn was just opened: pre-ping skips it
	fairy *Fairy         // fairy_ref
}

// Conn returns the record's DB-API connection, nil when invalidated
// (dbapi_connection).
func (r *Record) Conn() driver.Conn { return r.conn }

// SetConn replaces the record's DB-API connection without closing the old
// one: what the pid-check recipe does with connection_record.
// dbapi_connection = None.
func (r *Record) SetConn(c driver.Conn) { r.conn = c }

// Info is the record's info dictionary, which lives as long as its DB-API
// connection: it is emptied when the record connects again.
func (r *Record) Info() map[string]any {
	if r.info == nil {
		r.info = map[string]any{}
	}
	return r.info
}

// RecordInfo is the dictionary that lives as long as the record.
func (r *Record) RecordInfo() map[string]any {
	if r.rinfo == nil {
		r.rinfo = map[string]any{}
	}
	return r.rinfo
}

// InUse reports whether the record is checked out.
func (r *Record) InUse() bool { return r.fairy != nil }

// Pool returns the record's pool.
func (r *Record) Pool() *Pool { return r.pool }

// StartTime is when the record's connection was opened (virtual time
// since the run started).
func (r *Record) StartTime() time.Duration { return r.start.At }

// Close closes the record's connection, if it has one.
func (r *Record) Close() {
	if r.conn != nil {
		r.close()
	}
}

// close is _ConnectionRecord.__close: closing is SQLAlchemy's
// _close_connection, through the dialect (psycopg2's do_terminate is its
// do_close).
func (r *Record) close() {
	r.pool.closeConnection(r.conn)
	r.conn = nil
}

// Invalidate closes the record's connection and drops it, so that the next
// checkout connects again; soft only marks it for replacement at the next
// checkout.
func (r *Record) Invalidate(err error, soft bool) {
	if r.conn == nil {
		return
	}
	if soft {
		r.soft = r.pool.now()
		return
	}
	r.close()
}

// connect is _ConnectionRecord.__connect: open a connection through the
// creator, then run the connect event.
func (r *Record) connect() error {
	p := r.pool
	r.conn = nil
	r.start = p.now()
	c, err := p.creator(r)
	if err != nil {
		return err
	}
	r.conn = c
	r.fresh = true
	return p.dispatchConnect(c, r)
}

// getConnection is _ConnectionRecord.get_connection: connect a record
// without a connection; replace one older than recycle, or than the
// pool's or the record's own invalidation, closing it first.
func (r *Record) getConnection() (driver.Conn, error) {
	p := r.pool
	recycle := false
	switch {
	case r.conn == nil:
		clear(r.info)
		if err := r.connect(); err != nil {
			return nil, err
		}
	case p.opts.Recycle > 0 && p.w.Elapsed()-r.start.At > p.opts.Recycle:
		recycle = true
	case p.invalidate.After(r.start):
		recycle = true
	case r.soft.After(r.start):
		recycle = true
	}
	if recycle {
		r.close()
		clear(r.info)
		if err := r.connect(); err != nil {
			return nil, err
		}
	}
	return r.conn, nil
}

// hardOrSoftInvalidated is _is_hard_or_soft_invalidated.
func (r *Record) hardOrSoftInvalidated() bool {
	return r.conn == nil || r.pool.invalidate.After(r.start) || r.soft.After(r.start)
}

// checkinFailed is _checkin_failed. An error of the checkin itself is
// lost behind err, as Python's exception context hides it.
func (r *Record) checkinFailed(err error, fairyWasCreated bool) {
	r.Invalidate(err, false)
	_ = r.checkin(fairyWasCreated)
}

// checkin is _ConnectionRecord.checkin: run the checkin event and give the
// record back to the design. A second checkin of a record is ignored
// (SQLAlchemy warns "Double checkin attempted"). The design's error
// (AssertionPool's assertions) reaches the caller of the checkin.
func (r *Record) checkin(fairyWasCreated bool) error {
	if r.fairy == nil && fairyWasCreated {
		return nil
	}
	r.fairy = nil
	p := r.pool
	if len(p.events.checkin) > 0 {
		p.dispatchCheckin(r.conn, r)
	}
	return p.returnConn(r)
}

// checkoutRecord is _ConnectionRecord.checkout: a record from the design,
// connected, with a new Fairy.
func (p *Pool) checkoutRecord() (*Fairy, error) {
	r, err := p.design.Get(p)
	if err != nil {
		return nil, err
	}
	c, err := r.getConnection()
	if err != nil {
		r.checkinFailed(err, false)
		return nil, err
	}
	f := &Fairy{pool: p, rec: r, conn: c}
	r.fairy = f
	return f, nil
}
