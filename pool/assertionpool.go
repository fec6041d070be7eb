package pool

import (
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla/exc"
)

// AssertionPool allows one checkout at a time, of one connection: a
// second concurrent checkout raises AssertionError("connection is already
// checked out"), followed (store_traceback, the default) by " at:\n" and
// where the first checkout happened — a Python stack in SQLAlchemy, the
// checking-out task's path here. Its flag is plain Python state: two
// threads that check out at the same moment can both pass the check, and
// the checkin of the one whose connection was replaced then fails its
// assertion.
type AssertionPool struct {
	conn           *Record
	checkedOut     bool
	storeTraceback bool
	where          string // the checkout that set checkedOut
}

// NewAssertionPool returns an AssertionPool; storeTraceback is
// store_traceback (SQLAlchemy's default is true).
func NewAssertionPool(w *sim.World, creator Creator, storeTraceback bool, o Options) *Pool {
	return New(w, &AssertionPool{storeTraceback: storeTraceback}, creator, o)
}

// Name returns "AssertionPool".
func (d *AssertionPool) Name() string { return "AssertionPool" }

// Get is AssertionPool._do_get.
func (d *AssertionPool) Get(p *Pool) (*Record, error) {
	p.touch(sim.AccMemRead)
	if d.checkedOut {
		suffix := ""
		if d.where != "" {
			suffix = " at:\n" + d.where
		}
		return nil, exc.New(exc.AssertionError, "connection is already checked out"+suffix)
	}
	if d.conn == nil {
		r, err := p.NewRecord()
		if err != nil {
			return nil, err
		}
		d.conn = r
	}
	p.touch(sim.AccMemWrite)
	d.checkedOut = true
	if d.storeTraceback {
		d.where = "  checked out by task " + p.w.Current().Path() + "\n"
	}
	return d.conn, nil
}

// Put is AssertionPool._do_return_conn.
func (d *AssertionPool) Put(p *Pool, r *Record) error {
	p.touch(sim.AccMemWrite)
	if !d.checkedOut {
		return exc.New(exc.AssertionError, "connection is not checked out")
	}
	d.checkedOut = false
	if r != d.conn {
		return &exc.Error{Class: exc.AssertionError, NoArgs: true}
	}
	return nil
}

// Dispose closes the connection.
func (d *AssertionPool) Dispose(*Pool) {
	d.checkedOut = false
	if d.conn != nil {
		d.conn.Close()
	}
}

// Recreate returns an AssertionPool without a connection.
func (d *AssertionPool) Recreate(*Pool) Design {
	return &AssertionPool{storeTraceback: d.storeTraceback}
}

// Status returns "AssertionPool".
func (d *AssertionPool) Status(*Pool) string { return "AssertionPool" }

// CopyInto copies the connection and the flag for child.
func (d *AssertionPool) CopyInto(c *procmem.Copier, child *Pool) Design {
	return procmem.Copy(c, d, func() *AssertionPool {
		n := *d
		n.conn = d.conn.CopyInto(c, child)
		return &n
	})
}
