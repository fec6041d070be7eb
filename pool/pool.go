package pool

import (
	"time"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla/exc"
)

// Creator opens a DB-API connection for a record: create_engine's
// connect function, dialect.connect(*cargs, **cparams). It runs in the
// task that checks out. A creator is shared by a pool and its copies in
// forked children, so it must hold no mutable process memory (a driver
// and the connection target are configuration).
type Creator func(r *Record) (driver.Conn, error)

// Dialect is what a pool asks of SQLAlchemy's dialect: the DB-API calls
// of reset on return, close and pre-ping. Without one a pool uses
// ConnDialect, SQLAlchemy's _ConnDialect stub, whose ping raises.
type Dialect interface {
	// DoRollback is dialect.do_rollback: connection.rollback().
	DoRollback(c driver.Conn) error
	// DoCommit is dialect.do_commit: connection.commit().
	DoCommit(c driver.Conn) error
	// DoClose is dialect.do_close (and do_terminate, which psycopg2's
	// dialect does not distinguish): connection.close().
	DoClose(c driver.Conn) error
	// DoPing is dialect.do_ping: false when the connection is found
	// disconnected, an error for any other failure.
	DoPing(c driver.Conn) (bool, error)
}

// ConnDialect is SQLAlchemy's _ConnDialect: the DB-API calls without a
// dialect; its ping raises NotImplementedError.
type ConnDialect struct{}

// DoRollback calls Rollback.
func (ConnDialect) DoRollback(c driver.Conn) error { return c.Rollback() }

// DoCommit calls Commit.
func (ConnDialect) DoCommit(c driver.Conn) error { return c.Commit() }

// DoClose calls Close.
func (ConnDialect) DoClose(c driver.Conn) error { return c.Close() }

// DoPing raises, as _ConnDialect.do_ping does.
func (ConnDialect) DoPing(driver.Conn) (bool, error) {
	return false, exc.New(exc.NotImplementedError, "The ping feature requires that a dialect is passed to the connection pool.")
}

// Reset is what reset on return does (Pool's reset_on_return).
type Reset uint8

// The reset-on-return modes.
const (
	// ResetRollback calls rollback() on the connection: the default
	// ("rollback", True).
	ResetRollback Reset = iota
	// ResetCommit calls commit() ("commit").
	ResetCommit
	// ResetNone does nothing ("none", None, False).
	ResetNone
)

// Options are the arguments every pool takes (Pool.__init__). The zero
// value is SQLAlchemy's defaults.
type Options struct {
	// Recycle is the age after which a connection is closed and replaced
	// at checkout; 0 or negative means never (SQLAlchemy's -1).
	Recycle time.Duration
	// ResetOnReturn is reset_on_return.
	ResetOnReturn Reset
	// PrePing emits the dialect's ping at each checkout of a connection
	// that is not fresh (pre_ping).
	PrePing bool
	// Dialect is the dialect the pool calls; nil means ConnDialect.
	Dialect Dialect
}

// Design is what differs between SQLAlchemy's pool classes: how a
// checkout finds a connection record (_do_get), where a checkin puts it
// (_do_return_conn), what dispose closes and how recreate starts afresh.
// A design's state stands for process memory: CopyInto copies it for a
// forked child. Implement it to add a pool design of one's own.
type Design interface {
	// Name is the class name, as create_engine's error texts print it
	// ("QueuePool").
	Name() string
	// Get returns the record a checkout uses (_do_get). New records come
	// from Pool.NewRecord.
	Get(p *Pool) (*Record, error)
	// Put takes a record back at checkin (_do_return_conn); a design that
	// does not keep it closes it (Record.Close).
	Put(p *Pool, r *Record) error
	// Dispose closes the connections the design holds (dispose()).
	Dispose(p *Pool)
	// Recreate returns an empty design with the same configuration
	// (recreate()), for the new pool that replaces p; it runs in the
	// task that disposes, whose process owns the new design's locks.
	Recreate(p *Pool) Design
	// Status is status().
	Status(p *Pool) string
	// CopyInto returns the design's copy for child, the copy of its pool
	// in a forked process.
	CopyInto(c *procmem.Copier, child *Pool) Design
}

// connecter is a design that replaces Pool.connect (SingletonThreadPool).
type connecter interface {
	connect(p *Pool) (*Fairy, error)
	returnConn(p *Pool, r *Record) error
}

// Forkable is implemented by objects a pool refers to that stand for
// process memory (a dialect with state, event handlers holding an
// engine): a fork copies them. Objects that do not implement it must hold
// no mutable state: the copy shares them.
type Forkable interface {
	// ForkCopy returns the object's copy in the fork c makes.
	ForkCopy(c *procmem.Copier) any
}

// Pool is SQLAlchemy's Pool: the checkout and checkin machinery shared by
// every design.
//
// Invariants: a record handed to a checkout has a Fairy until its checkin
// (Record.InUse); invalidate is the latest Stamp at which every
// connection started before it must be replaced at its next checkout.
type Pool struct {
	w       *sim.World
	design  Design
	creator Creator
	opts    Options
	dialect Dialect

	invalidate Stamp
	seq        uint64 // clock readings taken, for Stamp

	events     *events
	connectMu  *sim.Mutex // the connect event's first-run mutex; made at first use
	connectRan bool       // _exec_w_sync_once: a first run succeeded

	shared *sim.Object // Python state guarded only by the GIL (see doc.go)
}

// New returns a pool of the given design in the memory of the current
// task's process.
func New(w *sim.World, d Design, creator Creator, o Options) *Pool {
	p := &Pool{w: w, design: d, creator: creator, opts: o, dialect: o.Dialect, events: &events{}}
	if p.dialect == nil {
		p.dialect = ConnDialect{}
	}
	p.shared = w.NewObject("pool")
	return p
}

// World returns the pool's world.
func (p *Pool) World() *sim.World { return p.w }

// Design returns the pool's design.
func (p *Pool) Design() Design { return p.design }

// Options returns the pool's options.
func (p *Pool) Options() Options { return p.opts }

// Dialect returns the dialect the pool calls.
func (p *Pool) Dialect() Dialect { return p.dialect }

// SetDialect replaces the pool's dialect (what create_engine does with a
// pool given to it).
func (p *Pool) SetDialect(d Dialect) { p.dialect = d }

// Status returns status().
func (p *Pool) Status() string { return p.design.Status(p) }

// Connect checks a connection out (Pool.connect): the returned Fairy is
// the connection until its Close.
func (p *Pool) Connect() (*Fairy, error) {
	if c, ok := p.design.(connecter); ok {
		return c.connect(p)
	}
	return p.checkout(nil, nil)
}

// Dispose closes the connections checked in to the pool; checked-out
// connections are not in the pool and stay open.
func (p *Pool) Dispose() { p.design.Dispose(p) }

// Recreate returns a new pool of the same design and configuration, with
// the same event handlers and dialect, holding no connections; the
// current task's process owns its locks.
func (p *Pool) Recreate() *Pool {
	np := &Pool{w: p.w, creator: p.creator, opts: p.opts, dialect: p.dialect, events: p.events.clone()}
	np.shared = p.w.NewObject("pool")
	np.design = p.design.Recreate(np)
	return np
}

// NewRecord opens a connection and returns its record
// (Pool._create_connection), for designs.
func (p *Pool) NewRecord() (*Record, error) {
	r := &Record{pool: p}
	if err := r.connect(); err != nil {
		if r.conn != nil {
			// The record is dropped with its connection: CPython frees
			// the psycopg2 connection object when the exception that
			// holds it goes, and its dealloc closes it (in the process
			// that opened it).
			p.closeConnection(r.conn)
			r.conn = nil
		}
		return nil, err
	}
	return r, nil
}

// Invalidate marks every connection that started before now as to be
// replaced at its next checkout (Pool._invalidate), and invalidates f if
// checkin is set and f is still valid.
func (p *Pool) Invalidate(f *Fairy, err error, checkin bool) {
	if f == nil || f.rec == nil || p.invalidate.Before(f.rec.start) {
		p.invalidate = p.now()
	}
	if checkin && f != nil && f.IsValid() {
		_ = f.Invalidate(err, false)
	}
}

// Before reports whether s is earlier than t.
func (s Stamp) Before(t Stamp) bool { return t.After(s) }

// closeConnection closes a DB-API connection (Pool._close_connection):
// errors are logged by SQLAlchemy and go no further.
func (p *Pool) closeConnection(c driver.Conn) {
	_ = p.dialect.DoClose(c)
}

// returnConn is Pool._return_conn.
func (p *Pool) returnConn(r *Record) error {
	if c, ok := p.design.(connecter); ok {
		return c.returnConn(p, r)
	}
	return p.design.Put(p, r)
}

// touch declares an access to the pool's GIL-guarded state.
func (p *Pool) touch(kind sim.Access) { p.w.Access(p.shared, kind) }
